//! Prefect's own ways of choosing a profile (`PREFECT_PROFILE=NAME cmd`,
//! `prefect --profile NAME`, `prefect -p NAME`, `export PREFECT_PROFILE=NAME`, a child shell
//! started with it) give in a hooked bash, zsh and fish what they give with plain Prefect. The
//! real `prefect==3.9.1` is the oracle.

mod common;

use std::path::Path;

use common::pty::*;
use common::*;

const FILE: &str = "active = \"p2\"\n\n[profiles.p1]\nPREFECT_API_URL = \"http://p1.example/api\"\n\n[profiles.p2]\nPREFECT_API_URL = \"http://p2.example/api\"\n";
const P1: &str = "http://p1.example/api";
const P2: &str = "http://p2.example/api";
/// Stands in for a flow: prints the API URL Prefect's runtime resolves.
const FLOW: &str =
    "from prefect.settings import get_current_settings as g\nprint('URL=' + str(g().api.url))\n";

/// The one-shot and CLI selectors, each printing the URL Prefect resolves.
const ROWS: [(&str, &str); 4] = [
    (
        "one-shot",
        "PREFECT_PROFILE=p1 prefect config view --hide-defaults",
    ),
    (
        "--profile",
        "prefect --profile p1 config view --hide-defaults",
    ),
    ("-p", "prefect -p p1 config view --hide-defaults"),
    ("python", "PREFECT_PROFILE=p1 python flow.py"),
];

/// The URL in `prefect config view` (`PREFECT_API_URL='...'`) or the flow's `URL=...`.
fn url_in(out: &str) -> Option<String> {
    if let Some(i) = out.find("PREFECT_API_URL='") {
        let rest = &out[i + "PREFECT_API_URL='".len()..];
        return rest.split('\'').next().map(str::to_string);
    }
    let i = out.find("URL=")?;
    out[i + 4..].split_whitespace().next().map(str::to_string)
}

fn sandbox(venv: &Path) -> Sandbox {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    std::fs::write(sb.home().join("flow.py"), FLOW).unwrap();
    sb.set_env(
        "PATH",
        &format!(
            "{}:{}",
            venv.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        ),
    );
    sb.set_env("DO_NOT_TRACK", "1");
    sb.set_env("PREFECT_CLI_COLORS", "false");
    sb.set_env("COLUMNS", "200");
    sb
}

fn rc(shell: &str, mode: &str) -> String {
    let flag = if mode == "profile" {
        " --export profile"
    } else {
        ""
    };
    let hook = match shell {
        "fish" => format!("'{BIN}' hook fish{flag} | source"),
        _ => format!("eval \"$('{BIN}' hook {shell}{flag})\""),
    };
    rc_text(shell, &hook)
}

/// What plain Prefect gives for every row: p1, in a shell with no hook and nothing exported.
#[test]
fn plain_prefect_is_the_oracle() {
    let Some(venv) = prefect_venv() else { return };
    let sb = sandbox(&venv);
    for (row, cmd) in ROWS {
        let out = sb.shell("bash", cmd, &[]);
        assert_eq!(
            url_in(&stdout(&out)).as_deref(),
            Some(P1),
            "plain prefect, {row}: {}{}",
            stdout(&out),
            stderr(&out)
        );
    }
    let out = sb.shell(
        "bash",
        "export PREFECT_PROFILE=p1; prefect config view",
        &[],
    );
    assert_eq!(url_in(&stdout(&out)).as_deref(), Some(P1));
}

fn rows_in(shell: &str, mode: &str) {
    let Some(venv) = prefect_venv() else { return };
    if !have(shell) {
        return;
    }
    let sb = sandbox(&venv);
    let mut t = Term::start(&sb, shell, &rc(shell, mode));
    let what = |row: &str| format!("{shell}, --export {mode}, {row}");
    if mode == "profile" {
        assert_eq!(t.var("PREFECT_API_URL"), "<unset>", "{}", what("setup"));
        assert_eq!(t.var("PREFECT_PROFILE"), "p2", "{}", what("setup"));
    } else {
        assert_eq!(t.var("PREFECT_API_URL"), P2, "{}", what("setup"));
    }
    for (row, cmd) in ROWS {
        let out = t.run(cmd);
        let warned = out.contains("prefectx: warning: PREFECT_PROFILE=p1 does not reach python");
        if row == "python" && mode == "values" {
            // A flow cannot be helped from the shell: it is warned about before it runs.
            assert_eq!(url_in(&out).as_deref(), Some(P2), "{}: {out}", what(row));
            assert!(warned, "{}: {out}", what(row));
            assert!(out.contains("use: prefectx exec p1 -- python ..."), "{out}");
        } else {
            assert_eq!(url_in(&out).as_deref(), Some(P1), "{}: {out}", what(row));
            assert!(!warned, "{}: {out}", what(row));
        }
    }
    // The persistent choice: exported, it becomes this shell's profile at the next prompt.
    let export = match shell {
        "fish" => "set -gx PREFECT_PROFILE p1",
        _ => "export PREFECT_PROFILE=p1",
    };
    let out = t.run(export);
    assert!(
        out.contains("prefectx: PREFECT_PROFILE is 'p1': this shell now uses it"),
        "{}: {out}",
        what("export")
    );
    let out = t.run("prefect config view --hide-defaults");
    assert_eq!(
        url_in(&out).as_deref(),
        Some(P1),
        "{}: {out}",
        what("export")
    );
    assert!(
        t.run("prefectx current").contains("p1"),
        "{}",
        what("current")
    );
    assert!(
        t.var("PREFECTX_PROMPT").starts_with("p1"),
        "{}",
        what("prompt")
    );
    // Nothing more is said at the next prompts.
    let out = t.run("echo quiet");
    assert!(!out.contains("prefectx:"), "{}: {out}", what("quiet"));
    // A child shell started with PREFECT_PROFILE uses it.
    t.run("prefectx follow");
    assert_eq!(t.var("PREFECT_PROFILE"), "p2", "{}", what("follow"));
    let child = match shell {
        "bash" => format!(
            "PREFECT_PROFILE=p1 bash --noprofile --rcfile '{}' -i",
            sb.dir.path().join("rc-bash/bashrc").display()
        ),
        "zsh" => "PREFECT_PROFILE=p1 zsh -d -i".to_string(),
        _ => format!(
            "PREFECT_PROFILE=p1 fish --no-config -i -C \"source '{}'\"",
            sb.dir.path().join("rc-fish/config.fish").display()
        ),
    };
    t.run(&child);
    let out = t.run("prefect config view --hide-defaults");
    assert_eq!(
        url_in(&out).as_deref(),
        Some(P1),
        "{}: {out}",
        what("child")
    );
    t.run("exit");
    assert_eq!(
        t.var("PREFECT_PROFILE"),
        "p2",
        "{}",
        what("back in the parent")
    );
    // An unknown name: one line, the shell keeps what it has and PREFECT_PROFILE says so
    // again (one answer everywhere), said once.
    let unknown = match shell {
        "fish" => "set -gx PREFECT_PROFILE nope",
        _ => "export PREFECT_PROFILE=nope",
    };
    let out = t.run(unknown);
    assert!(
        out.contains("no profile 'nope' in") && out.contains("PREFECT_PROFILE is back to 'p2'"),
        "{}: {out}",
        what("unknown")
    );
    assert_eq!(t.var("PREFECT_PROFILE"), "p2", "{}", what("unknown"));
    let out = t.run("echo again");
    assert!(
        !out.contains("prefectx:"),
        "{}: said twice: {out}",
        what("unknown")
    );
    if mode == "values" {
        assert_eq!(t.var("PREFECT_API_URL"), P2, "{}", what("unknown keeps"));
    }
    // Unset: follow the active profile again.
    let unset = match shell {
        "fish" => "set -e PREFECT_PROFILE",
        _ => "unset PREFECT_PROFILE",
    };
    let out = t.run(unset);
    assert!(out.contains("follows the active profile, 'p2'"), "{out}");
    assert_eq!(t.var("PREFECT_PROFILE"), "p2");
    t.exit();
}

#[test]
fn selectors_in_bash() {
    rows_in("bash", "values");
    rows_in("bash", "profile");
}

#[test]
fn selectors_in_zsh() {
    rows_in("zsh", "values");
    rows_in("zsh", "profile");
}

#[test]
fn selectors_in_fish() {
    rows_in("fish", "values");
    rows_in("fish", "profile");
}

/// A stand-in `prefect` first on PATH: prints its arguments, the URL and profile it got, reads
/// a line of stdin for `read`, sleeps for `sleep`, and exits with N for `code N`.
const STUB: &str = r#"#!/bin/sh
printf 'ARGS'; for a in "$@"; do printf '[%s]' "$a"; done; printf '\n'
printf 'GOT URL=%s PROFILE=%s\n' "${PREFECT_API_URL-}" "${PREFECT_PROFILE-}"
for a in "$@"; do
  case "$a" in
    read) IFS= read -r line; echo "IN=$line" ;;
    sleep) echo SLEEPING; exec sleep 30 ;;
  esac
done
while [ $# -gt 0 ]; do
  if [ "$1" = code ]; then exit "$2"; fi
  shift
done
exit 0
"#;

fn stub_sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let bin = sb.dir.path().join("stub");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(bin.join("prefect"), STUB).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("prefect"), std::fs::Permissions::from_mode(0o755)).unwrap();
    sb.set_env(
        "PATH",
        &format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        ),
    );
    sb
}

fn status_cmd(shell: &str) -> &'static str {
    if shell == "fish" {
        "echo RC=$status"
    } else {
        "echo RC=$?"
    }
}

/// The wrapper keeps exit codes (0, 1, 2, 130 on Ctrl-C), arguments, stdin; with a selector it
/// runs prefect with exactly that profile's environment.
#[test]
fn the_prefect_function_passes_everything_through() {
    for shell in interactive_shells() {
        let sb = stub_sandbox();
        let mut t = Term::start(&sb, shell, &rc(shell, "values"));
        for code in ["0", "1", "2"] {
            t.run(&format!("prefect code {code}"));
            assert!(
                t.run(status_cmd(shell)).contains(&format!("RC={code}")),
                "{shell}"
            );
        }
        let out = t.run(r#"prefect 'a b' "c'd" 'e"f' '$x' ''"#);
        assert!(
            out.contains(r#"ARGS[a b][c'd][e"f][$x][]"#),
            "{shell}: {out}"
        );
        assert!(
            out.contains(&format!("GOT URL={P2} PROFILE=p2")),
            "{shell}: {out}"
        );
        let out = t.run("echo 'from stdin' | prefect read");
        assert!(out.contains("IN=from stdin"), "{shell}: {out}");
        // A selector anywhere Prefect takes one at the root; -p after the sub-command is not.
        for (cmd, url) in [
            ("prefect -p p1 code 3", P1),
            ("prefect --profile p1 code 3", P1),
            ("prefect --profile=p1 code 3", P1),
            ("PREFECT_PROFILE=p1 prefect code 3", P1),
            ("prefect worker start -p p1 code 3", P2),
            ("command prefect -p p1 code 3", P2),
            ("PREFECTX_WRAP_PREFECT=0 prefect -p p1 code 3", P2),
        ] {
            let out = t.run(cmd);
            assert!(
                out.contains(&format!("GOT URL={url}")),
                "{shell}: {cmd}: {out}"
            );
            assert!(t.run(status_cmd(shell)).contains("RC=3"), "{shell}: {cmd}");
        }
        // Ctrl-C reaches prefect; the shell sees 130.
        t.s.send_line("prefect sleep").unwrap();
        t.s.exp_string("GOT URL").unwrap();
        // The stub says so itself, in this terminal: a `sleep 30` anywhere else on a loaded
        // machine (pgrep -f) must not send Ctrl-C early.
        t.s.exp_string("SLEEPING").unwrap();
        t.s.send_control('c').unwrap();
        t.s.exp_string(PROMPT).unwrap();
        assert!(
            t.run(status_cmd(shell)).contains("RC=130"),
            "{shell}: Ctrl-C"
        );
        t.exit();
    }
}

/// No selector: the function starts no process of ours (strace); a selector starts one.
#[test]
fn the_prefect_function_adds_no_process_without_a_selector() {
    if !have("strace") {
        return;
    }
    for shell in interactive_shells() {
        let sb = stub_sandbox();
        let log = sb.dir.path().join(format!("strace-{shell}.log"));
        let cmd = shell_command(&sb, shell, &rc(shell, "values"), Some(&log));
        let mut t = Term::start_cmd(cmd, shell);
        let ours = || {
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .lines()
                .filter(|l| l.contains(&format!("execve(\"{BIN}\"")) && !l.contains("= -1"))
                .count()
        };
        let stubs = || {
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .lines()
                .filter(|l| l.contains("stub/prefect\"") && !l.contains("= -1"))
                .count()
        };
        t.run("");
        let before = ours();
        for _ in 0..5 {
            t.run("prefect code 0");
        }
        wait_until(20, "strace to log five stub runs", || stubs() >= 5);
        assert_eq!(
            ours(),
            before,
            "{shell}: prefect without a selector ran prefectx"
        );
        t.run("prefect -p p1 code 0");
        wait_until(20, "strace to log the selector run", || {
            ours() == before + 1
        });
        t.exit();
    }
}
