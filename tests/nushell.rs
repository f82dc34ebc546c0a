//! Nushell, for real: `prefectx hook nu` sourced from config.nu in an interactive
//! `nu` 0.115.1 in tmux (nushell's line editor asks the terminal questions that tmux answers).
//! Following and pinned modes, `use NAME`, `use -`, `follow`, `use --global`, refresh when the
//! file changes, the exact-environment rule, PREFECTX_PROMPT, the folder rule and TAB; values
//! round-trip through both ways in (env --shell nu and the hook); and an idle prompt starts no
//! process (strace).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::nu::{nu_command, Nu};
use common::*;

const FILE: &str = "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev/api\"\n\n[profiles.prod]\nPREFECT_API_URL = \"http://prod/api\"\nPREFECT_API_KEY = \"pnu_prodkey\"\n";

#[test]
fn the_nushell_hook_behaves_like_the_others() {
    if !have("nu") {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let mut nu = Nu::start(&sb);
    assert_eq!(nu.var("PREFECT_PROFILE"), "dev");
    assert_eq!(nu.var("PREFECT_API_URL"), "http://dev/api");
    assert_eq!(nu.var("PREFECTX_PROMPT"), "dev");

    // Following: another terminal makes prod active; the next prompt applies it.
    assert!(sb.run(&["use", "--global", "prod"]).status.success());
    let out = nu.run("");
    assert!(out.contains("now using 'prod'"), "{out}");
    assert_eq!(nu.var("PREFECT_API_KEY"), "pnu_prodkey");

    // Pinned, `use -`, `follow`, `use --global`; no stale key.
    nu.run("prefectx use dev");
    assert_eq!(nu.var("PREFECT_PROFILE"), "dev");
    assert_eq!(nu.var("PREFECT_API_KEY"), "<unset>", "no stale key");
    assert!(sb.run(&["use", "--global", "prod"]).status.success());
    nu.run("");
    assert_eq!(nu.var("PREFECT_PROFILE"), "dev", "pinned");
    nu.run("prefectx use -");
    assert_eq!(nu.var("PREFECT_PROFILE"), "prod");
    let out = nu.run("prefectx use nope");
    assert!(out.contains("'nope' not found"), "{out}");
    assert_eq!(
        nu.var("PREFECT_PROFILE"),
        "prod",
        "a failed use changes nothing"
    );
    nu.run("prefectx use dev");
    nu.run("prefectx follow");
    assert_eq!(nu.var("PREFECT_PROFILE"), "prod");
    nu.run("prefectx use --global dev");
    assert_eq!(nu.var("PREFECT_PROFILE"), "dev");
    assert!(sb.read_profiles().starts_with("active = \"dev\""));

    // A value set by hand is seen at the next prompt, stands, and the prompt names it.
    nu.run("$env.PREFECT_API_URL = 'http://hand/api'");
    nu.run("");
    assert_eq!(nu.var("PREFECTX_PROMPT"), "dev:hand*");
    nu.run("hide-env PREFECT_API_URL");
    nu.run("");
    assert_eq!(nu.var("PREFECT_API_URL"), "http://dev/api");
    // A PREFECT_* set by hand stands at the next apply, as for Prefect (docs/shells.md).
    nu.run("$env.PREFECT_LOGGING_LEVEL = 'DEBUG'");
    sb.write_profiles(&FILE.replace("http://dev/api", "http://dev2/api"));
    nu.run("");
    assert_eq!(nu.var("PREFECT_LOGGING_LEVEL"), "DEBUG");
    assert_eq!(nu.var("PREFECT_API_URL"), "http://dev2/api");
    nu.run("hide-env PREFECT_LOGGING_LEVEL");

    // The folder rule.
    let proj = sb.home().join("proj");
    std::fs::create_dir_all(proj.join("sub")).unwrap();
    std::fs::write(proj.join(".prefect-profile"), "prod\n").unwrap();
    assert!(sb.run_in(&proj, &["allow"]).status.success());
    let out = nu.run("cd proj/sub");
    assert!(out.contains("now using 'prod' (named by "), "{out}");
    assert_eq!(nu.var("PREFECTX_PROMPT"), "prod@");
    nu.run("cd ~");
    assert_eq!(nu.var("PREFECT_PROFILE"), "dev");

    // TAB completes profile names through the hook's completer.
    nu.t.keys(&["prefectx use pr", "Tab"]);
    nu.t.wait_for("prefectx use prod");
    nu.t.keys(&["C-u"]);
}

/// execve calls in a nu session with `prompts` prompts where nothing changed, each after a
/// builtin command (and `extra` in config.nu).
fn execs(sb: &Sandbox, extra: &str, prompts: usize) -> usize {
    let log: PathBuf = sb.dir.path().join(format!("strace-nu-{prompts}.log"));
    let mut nu = Nu::start_cmd(nu_command(sb, extra, Some(&log)));
    for _ in 0..prompts {
        nu.mark();
    }
    let n = common::pty::execs_in(&log);
    drop(nu);
    n
}

#[test]
fn an_idle_nushell_prompt_starts_no_process() {
    if !have("nu") || !have("strace") {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let idle = execs(&sb, "", 20) - execs(&sb, "", 0);
    eprintln!("nu: extra processes over 20 idle prompts with the hook: {idle}");
    assert_eq!(idle, 0, "nu: the hook started processes on idle prompts");
    // The count is real: a pre_prompt hook that runs /bin/true shows one per prompt.
    let costly = "$env.config.hooks.pre_prompt = [{|| ^/bin/true }]";
    let n = execs(&sb, costly, 20) - execs(&sb, costly, 0);
    assert_eq!(n, 20, "nu: the exec counter does not see prompt processes");
}

#[test]
fn values_roundtrip_into_nushell_both_ways() {
    if !have("nu") {
        return;
    }
    let sb = Sandbox::new();
    let values: Vec<String> = [
        "plain",
        "",
        "it's",
        "\"double\"",
        "back\\slash",
        "trailing\\",
        "$(touch /tmp/prefectx-nu-pwned)",
        "`x`",
        "${HOME}",
        "$HOME",
        "a;b&c|d",
        "line1\nline2",
        "\r",
        "\t",
        "\u{1b}[2J",
        "\u{7f}",
        "%~#!",
        "é日🚀",
        "(echo hi)",
        "{a: 1}",
        "[1 2]",
        "'single'",
        "^ls",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(std::iter::once("x".repeat(10_000)))
    .collect();
    let mut file = String::from("active = \"q\"\n\n[profiles.q]\n");
    for (i, v) in values.iter().enumerate() {
        file.push_str(&format!("PREFECT_V{i} = {}\n", toml_str(v)));
    }
    sb.write_profiles(&file);
    let hook = sb.dir.path().join("hook.nu");
    std::fs::write(&hook, sb.run(&["hook", "nu"]).stdout).unwrap();
    for script in [
        "^$env.PREFECTX env q --shell nu | from json | get set | load-env; ^env -0".to_string(),
        format!("source {}; ^env -0", hook.display()),
    ] {
        let out = sb.shell("nu", &script, &[]);
        assert!(out.status.success(), "{script}: {}", stderr(&out));
        let env = parse_env0(&out.stdout);
        for (i, v) in values.iter().enumerate() {
            assert_eq!(
                env.get(&format!("PREFECT_V{i}")),
                Some(v),
                "{script}: value {i}"
            );
        }
        assert!(!Path::new("/tmp/prefectx-nu-pwned").exists());
    }
}

/// The README's nushell line without the hook applies the unsets too: a stale key of another
/// profile does not survive a switch.
#[test]
fn the_readme_line_without_the_hook_applies_unsets_too() {
    if !have("nu") {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let readme = include_str!("../README.md");
    let line = readme
        .lines()
        .find(|l| l.ends_with("# nushell"))
        .expect("the README's nushell line")
        .trim_end_matches("# nushell")
        .replace("env local", "env dev")
        .replace("prefectx ", &format!("^'{BIN}' "));
    let out = Command::new("nu")
        .env_clear()
        .envs(sb.envs())
        .env("PREFECT_API_KEY", "pnu_prodkey")
        .env("PREFECT_LOGGING_LEVEL", "DEBUG")
        .args([
            "-n",
            "-c",
            &format!("{line}; $env | columns | where {{|c| $c starts-with 'PREFECT_'}} | sort | str join ','"),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).trim(),
        "PREFECT_API_URL,PREFECT_PROFILE",
        "{}",
        stderr(&out)
    );
}

/// The nushell `prefect` function handles Prefect's selectors and Prefect's own profile
/// commands as the bash, zsh and fish hooks do (a stub `prefect` prints what it got).
#[test]
fn the_nu_prefect_function_handles_selectors_and_profile_commands() {
    if !have("nu") {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let bin = sb.dir.path().join("stub");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(
        bin.join("prefect"),
        "#!/bin/sh\necho \"PROFILE=$PREFECT_PROFILE URL=$PREFECT_API_URL ARGS=$*\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("prefect"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let hook = sb.dir.path().join("hook.nu");
    std::fs::write(&hook, sb.run(&["hook", "nu"]).stdout).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = format!(
        "source '{}'; prefect deployment ls; prefect --profile prod deployment ls; prefect -p prod x; prefect profile use prod; prefect cloud login --key k; with-env {{PREFECT_PROFILE: prod}} {{ prefect version }}; prefect worker start -p pool",
        hook.display()
    );
    let out = Command::new("nu")
        .env_clear()
        .envs(sb.envs())
        .env("PATH", path)
        .current_dir(sb.home())
        .args(["-n", "-c", &script])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "PROFILE=dev URL=http://dev/api ARGS=deployment ls\n\
         PROFILE=prod URL=http://prod/api ARGS=--profile prod deployment ls\n\
         PROFILE=prod URL=http://prod/api ARGS=-p prod x\n\
         PROFILE=dev URL= ARGS=profile use prod\n\
         PROFILE=dev URL= ARGS=cloud login --key k\n\
         PROFILE=prod URL=http://prod/api ARGS=version\n\
         PROFILE=dev URL=http://dev/api ARGS=worker start -p pool\n"
    );
}
