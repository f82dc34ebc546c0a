//! Folders in real interactive bash, zsh and fish through a pseudo-terminal: the
//! nearest `.prefect-profile` picks the profile, a pin beats it, `follow`, `use --local` and
//! `--unset`, an unknown name, leaving restores exactly; Prefect's project files are applied
//! only once allowed, an edit revokes, `deny` withdraws; and what a `cd` costs, counted with
//! strace.

mod common;

use std::path::Path;

use common::pty::*;
use common::*;

const FILE: &str = "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev/api\"\n\n[profiles.prod]\nPREFECT_API_URL = \"http://prod/api\"\nPREFECT_API_KEY = \"pnu_prodkey\"\n\n[profiles.staging]\nPREFECT_API_URL = \"http://staging/api\"\nPREFECT_LOGGING_LEVEL = \"DEBUG\"\n";

fn start(sb: &Sandbox, shell: &str) -> Term {
    Term::start(sb, shell, &rc_text(shell, &hook_line(shell, BIN)))
}

/// `prefectx allow DIR`, which must succeed.
fn allow(sb: &Sandbox, dir: &Path) {
    let o = sb.run_in(dir, &["allow"]);
    assert!(
        o.status.success(),
        "allow {}: {}",
        dir.display(),
        stderr(&o)
    );
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The shell's `PREFECT_*` variables, one `NAME=value` per line, sorted.
fn dump(t: &mut Term) -> String {
    let out = t.run("env | grep '^PREFECT_' | sort | sed 's/^/ENV:/'");
    let mut lines: Vec<&str> = out
        .lines()
        .filter_map(|l| l.trim_end_matches('\r').strip_prefix("ENV:"))
        .collect();
    lines.sort();
    lines.join("\n")
}

/// Lines of `text` holding `needle`, counted.
fn said(text: &str, needle: &str) -> usize {
    text.lines().filter(|l| l.contains(needle)).count()
}

#[test]
fn the_nearest_prefect_profile_chooses_and_a_pin_beats_it() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let w = sb.home().join("w");
        write(&w.join("proj/.prefect-profile"), "# this team\n\nprod\n");
        write(&w.join("other/.prefect-profile"), "staging\n");
        // A .prefect-profile chooses once allowed (docs/security.md).
        allow(&sb, &w.join("proj"));
        allow(&sb, &w.join("other"));
        std::fs::create_dir_all(w.join("proj/deep/er")).unwrap();
        std::fs::create_dir_all(w.join("plain")).unwrap();
        let mut t = start(&sb, shell);
        let before = dump(&mut t);
        assert!(before.contains("PREFECT_PROFILE=dev"), "{shell}: {before}");

        // A parent folder's file picks the profile; one line names it and the file.
        let out = t.run("cd w/proj/deep/er");
        assert_eq!(
            said(&out, "now using 'prod' (named by "),
            1,
            "{shell}: {out}"
        );
        assert!(out.contains("w/proj/.prefect-profile"), "{shell}: {out}");
        assert_eq!(t.var("PREFECT_API_KEY"), "pnu_prodkey", "{shell}");
        assert_eq!(
            t.var("PREFECTX_PROMPT"),
            "prod@",
            "{shell}: the folder mark"
        );
        // Nothing at all when nothing changed.
        let out = t.run("cd ..");
        assert!(!out.contains("prefectx"), "{shell}: {out}");

        // A pin beats the folder, and going elsewhere says once that the folder is overridden.
        t.run("prefectx use staging");
        assert_eq!(t.var("PREFECT_PROFILE"), "staging", "{shell}");
        let out = t.run("cd ../../other");
        assert_eq!(t.var("PREFECT_PROFILE"), "staging", "{shell}: pinned");
        assert!(!out.contains("stays on"), "{shell}: same profile: {out}");
        let out = t.run("cd ../proj");
        assert_eq!(t.var("PREFECT_PROFILE"), "staging", "{shell}: pinned");
        assert_eq!(
            said(&out, "names profile 'prod'; this shell stays on 'staging'"),
            1,
            "{shell}: {out}"
        );
        assert!(out.contains("prefectx follow"), "{shell}: {out}");
        let out = t.run("true");
        assert!(!out.contains("prefectx"), "{shell}: said once: {out}");

        // `follow`: the folder chooses again.
        t.run("prefectx follow");
        assert_eq!(t.var("PREFECT_PROFILE"), "prod", "{shell}");
        assert_eq!(t.var("PREFECT_API_KEY"), "pnu_prodkey", "{shell}");

        // `use --local` writes the file and applies it at once; `--unset` removes it.
        let out = t.run("cd ../plain && prefectx use --local staging");
        assert!(out.contains("Wrote "), "{shell}: {out}");
        assert_eq!(
            std::fs::read_to_string(w.join("plain/.prefect-profile")).unwrap(),
            "staging\n"
        );
        assert_eq!(t.var("PREFECT_PROFILE"), "staging", "{shell}: at once");
        assert_eq!(t.var("PREFECT_API_KEY"), "<unset>", "{shell}: no stale key");
        let out = t.run("prefectx use --local nope");
        assert!(out.contains("'nope' not found"), "{shell}: {out}");
        t.run("prefectx use --local --unset");
        assert!(!w.join("plain/.prefect-profile").exists());
        assert_eq!(t.var("PREFECT_PROFILE"), "dev", "{shell}: back to active");

        // A file made by hand, not allowed: one line naming it, the folder does not choose,
        // and the next prompts say nothing more.
        write(&w.join("plain/.prefect-profile"), "nope\n");
        let out = t.run("true");
        assert_eq!(
            said(&out, "/.prefect-profile is not allowed;"),
            1,
            "{shell}: {out}"
        );
        assert!(
            !out.contains("nope"),
            "{shell}: an unallowed file's text is not shown: {out}"
        );
        assert_eq!(
            t.var("PREFECT_PROFILE"),
            "dev",
            "{shell}: the active profile"
        );
        let out = t.run("true");
        assert!(!out.contains("prefectx"), "{shell}: once: {out}");
        std::fs::remove_file(w.join("plain/.prefect-profile")).unwrap();

        // Leaving restores exactly what the shell had.
        t.run("cd ../proj/deep");
        assert_eq!(t.var("PREFECT_PROFILE"), "prod", "{shell}");
        t.run("cd ~");
        assert_eq!(dump(&mut t), before, "{shell}: leaving restores exactly");
        t.exit();
    }
}

#[test]
fn project_files_apply_only_once_allowed() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let proj = sb.home().join("proj");
        write(
            &proj.join("prefect.toml"),
            "[api]\nurl = \"http://project/api\"\n[client]\nmax_retries = 7\n",
        );
        write(
            &proj.join(".env"),
            "export PREFECT_LOGGING_LEVEL='WARNING' # team\nOTHER=1\n",
        );
        let mut t = start(&sb, shell);
        let before = dump(&mut t);

        // Not allowed: nothing applied, said once, naming each file and what it sets.
        let out = t.run("cd proj");
        assert_eq!(
            said(&out, "`prefectx allow` to apply them here"),
            1,
            "{shell}: {out}"
        );
        assert!(
            out.contains("prefect.toml sets PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES"),
            "{shell}: {out}"
        );
        assert!(
            out.contains(".env sets PREFECT_LOGGING_LEVEL"),
            "{shell}: {out}"
        );
        assert_eq!(
            t.var("PREFECT_API_URL"),
            "http://dev/api",
            "{shell}: not applied"
        );
        let out = t.run("true");
        assert!(!out.contains("prefectx"), "{shell}: once: {out}");
        sb.write_profiles(&FILE.replace("http://dev/api", "http://dev2/api"));
        let out = t.run("true");
        assert!(!out.contains("allow"), "{shell}: once per folder: {out}");
        assert_eq!(t.var("PREFECT_API_URL"), "http://dev2/api", "{shell}");

        // Allowed: applied at the next prompt, marked in the prompt segment.
        let out = t.run("prefectx allow");
        assert!(out.contains("Allowed "), "{shell}: {out}");
        assert_eq!(t.var("PREFECT_API_URL"), "http://project/api", "{shell}");
        assert_eq!(t.var("PREFECT_CLIENT_MAX_RETRIES"), "7", "{shell}");
        assert_eq!(t.var("PREFECT_LOGGING_LEVEL"), "WARNING", "{shell}");
        assert_eq!(t.var("OTHER"), "<unset>", "{shell}: only PREFECT_ names");
        assert_eq!(t.var("PREFECTX_PROMPT"), "dev:project+", "{shell}");

        // An edit revokes: back to the profile's values, said.
        write(&proj.join(".env"), "PREFECT_LOGGING_LEVEL=ERROR\n");
        let out = t.run("true");
        assert!(out.contains("no longer applied"), "{shell}: {out}");
        assert_eq!(
            t.var("PREFECT_API_URL"),
            "http://dev2/api",
            "{shell}: revoked"
        );
        // Held at Prefect's default, as the file is not allowed any more.
        assert_eq!(t.var("PREFECT_LOGGING_LEVEL"), "INFO", "{shell}");

        // Allowed again, then denied.
        t.run("prefectx allow");
        assert_eq!(t.var("PREFECT_LOGGING_LEVEL"), "ERROR", "{shell}");
        let out = t.run("prefectx deny");
        assert!(out.contains("Denied"), "{shell}: {out}");
        assert_eq!(
            t.var("PREFECT_LOGGING_LEVEL"),
            "INFO",
            "{shell}: denied, held back"
        );

        // Leaving an applied folder restores exactly the profile's environment.
        t.run("prefectx allow");
        assert_eq!(t.var("PREFECT_API_URL"), "http://project/api", "{shell}");
        t.run("cd ~");
        let after = dump(&mut t);
        assert_eq!(
            after,
            before.replace("http://dev/api", "http://dev2/api"),
            "{shell}"
        );
        t.exit();
    }
}

#[test]
fn the_allowed_list_is_private_and_records_digests_not_values() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let proj = sb.home().join("proj");
    write(&proj.join(".env"), "PREFECT_API_KEY=pnu_secret_from_env\n");
    let o = sb.run_in(&proj, &["allow"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = sb.home().join(".local/share/prefectx/allowed");
    assert_eq!(mode(&list), 0o600);
    assert_eq!(mode(list.parent().unwrap()), 0o700);
    let text = std::fs::read_to_string(&list).unwrap();
    assert!(text.starts_with("sha256:"), "{text}");
    assert!(!text.contains("pnu_secret"), "{text}");
    assert!(!stderr(&o).contains("pnu_secret"), "{}", stderr(&o));
    // `env` in the folder applies it; elsewhere it does not.
    let here = sb.run_in(&proj, &["env", "--shell", "sh"]);
    assert!(stdout(&here).contains("PREFECT_API_KEY=pnu_secret_from_env"));
    let there = sb.run(&["env", "--shell", "sh"]);
    assert!(!stdout(&there).contains("pnu_secret"));
    // A list someone else can write is not read: a forged entry must not apply a stranger's
    // files.
    std::fs::set_permissions(&list, std::os::unix::fs::PermissionsExt::from_mode(0o666)).unwrap();
    let here = sb.run_in(&proj, &["env", "--shell", "sh"]);
    assert!(!stdout(&here).contains("pnu_secret"), "{}", stdout(&here));
    // Nothing to allow: one line, non-zero.
    let o = sb.run(&["allow"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("nothing to allow"), "{}", stderr(&o));
    // A broken project file is refused whole.
    write(&proj.join("prefect.toml"), "[api\n");
    let o = sb.run_in(&proj, &["allow"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not valid TOML"), "{}", stderr(&o));
}

/// execve calls in `shell` while it runs `lines`, one prompt each.
fn execs_for(sb: &Sandbox, shell: &str, setup: &[&str], lines: &[&str]) -> usize {
    let log = sb.dir.path().join(format!("strace-{shell}.log"));
    let rc = rc_text(shell, &hook_line(shell, BIN));
    let mut t = Term::start_cmd(shell_command(sb, shell, &rc, Some(&log)), shell);
    for l in setup {
        t.run(l);
    }
    let count = || execs_in(&log);
    let before = count();
    for l in lines {
        t.run(l);
    }
    let after = count();
    t.exit();
    after - before
}

#[test]
fn a_cd_costs_no_process_unless_a_file_there_matters() {
    if !have("strace") {
        assert!(std::env::var("CI").is_err(), "CI needs strace");
        eprintln!("skipped: no strace");
        return;
    }
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let h = sb.home();
        for d in ["a/x", "a/y", "b"] {
            std::fs::create_dir_all(h.join(d)).unwrap();
        }
        write(&h.join("team/.prefect-profile"), "prod\n");
        allow(&sb, &h.join("team"));
        std::fs::create_dir_all(h.join("team/one")).unwrap();
        std::fs::create_dir_all(h.join("team/two")).unwrap();
        write(
            &h.join("proj/prefect.toml"),
            "[api]\nurl = \"http://p/api\"\n",
        );

        // Folders without any of the files: builtins only.
        let plain = ["cd ~/a/x", "cd ~/a/y", "cd ~/b", "cd ~/a", "cd ~"].repeat(4);
        let n = execs_for(&sb, shell, &[], &plain);
        eprintln!("{shell}: processes for 20 plain cds: {n}");
        assert_eq!(n, 0, "{shell}: a plain cd started processes");

        // Under one .prefect-profile: entering costs one; moving below it costs none.
        let n = execs_for(&sb, shell, &[], &["cd ~/team/one"]);
        assert_eq!(n, 1, "{shell}: entering the team folder");
        let below = ["cd ~/team/two", "cd ~/team/one", "cd ~/team", "true"].repeat(3);
        let n = execs_for(&sb, shell, &["cd ~/team/one"], &below);
        assert_eq!(n, 0, "{shell}: the same .prefect-profile decides");

        // A project folder: one process for the cd, then none per idle prompt.
        let n = execs_for(&sb, shell, &[], &["cd ~/proj"]);
        assert_eq!(n, 1, "{shell}: entering a project folder");
        let idle = ["true"].repeat(10);
        let n = execs_for(&sb, shell, &["cd ~/proj"], &idle);
        assert_eq!(n, 0, "{shell}: idle in a project folder");

        // An edit of a file that decided is picked up at the next prompt: one process.
        let edit = match shell {
            "fish" => "echo '# edit' >> prefect.toml",
            _ => "echo '# edit' >> prefect.toml",
        };
        let n = execs_for(&sb, shell, &["cd ~/proj"], &[edit]);
        assert_eq!(n, 1, "{shell}: an edit costs one process");
        let n = execs_for(
            &sb,
            shell,
            &["cd ~/team/one"],
            &["echo staging > ../.prefect-profile"],
        );
        assert_eq!(
            n, 1,
            "{shell}: an edited .prefect-profile costs one process"
        );
    }
}

#[test]
fn another_users_prefect_profile_does_not_choose() {
    if !can_be_another_user() {
        return;
    }
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let shared = sb.home().join("shared");
        std::fs::create_dir_all(&shared).unwrap();
        std::fs::set_permissions(
            &shared,
            std::os::unix::fs::PermissionsExt::from_mode(0o1777),
        )
        .unwrap();
        open_path_to_others(&shared);
        let st = as_other_user("sh")
            .args(["-c", "echo prod > \"$1/.prefect-profile\"", "sh"])
            .arg(&shared)
            .status()
            .unwrap();
        assert!(st.success());
        let mut t = start(&sb, shell);
        let out = t.run("cd shared");
        assert_eq!(
            said(&out, "owned by another user (uid 65534); ignored"),
            1,
            "{shell}: {out}"
        );
        assert_eq!(t.var("PREFECT_PROFILE"), "dev", "{shell}: not switched");
        assert_eq!(t.var("PREFECT_API_KEY"), "<unset>", "{shell}");
        // The folder falls through to the next rule: commands work there.
        let o = sb.run_in(&shared, &["env", "--shell", "sh"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("PREFECT_PROFILE=dev"), "{}", stdout(&o));
        t.exit();
    }
}

#[test]
fn commands_follow_the_folder_rule_and_a_bad_file_breaks_no_prompt() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let team = sb.home().join("team");
    write(&team.join(".prefect-profile"), "staging\n");
    allow(&sb, &team);
    std::fs::create_dir_all(team.join("sub")).unwrap();
    let run = |dir: &Path, args: &[&str]| sb.run_in(dir, args);
    let sub = team.join("sub");
    assert_eq!(stdout(&run(&sub, &["current"])), "staging\n");
    assert_eq!(stdout(&run(&sub, &["prompt"])), "staging@\n");
    assert!(stdout(&run(&sub, &["ls"]))
        .lines()
        .any(|l| l.starts_with(" >") && l.contains("staging")));
    let env = stdout(&run(&sub, &["env", "--shell", "sh"]));
    assert!(
        env.contains("PREFECT_LOGGING_LEVEL=DEBUG") && env.contains("PREFECT_PROFILE=staging"),
        "{env}"
    );
    // An explicit name and PREFECT_PROFILE beat the folder.
    assert!(stdout(&run(&sub, &["env", "prod", "--shell", "sh"])).contains("PREFECT_PROFILE=prod"));
    let o = sb
        .cmd()
        .current_dir(&sub)
        .env("PWD", &sub)
        .env("PREFECT_PROFILE", "dev")
        .arg("current")
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "dev\n");
    let v = stdout(&run(&sub, &["current", "--verbose"]));
    assert!(v.contains("team/.prefect-profile names 'staging'"), "{v}");
    assert!(
        v.contains("setting PREFECT_LOGGING_LEVEL=DEBUG (from profile 'staging')"),
        "{v}"
    );
    // An allowed file naming no profile (renamed since): one line for commands, nothing on
    // stdout; `?` for the prompt.
    sb.write_profiles(&FILE.replace("profiles.staging", "profiles.stage"));
    let o = run(&sub, &["env", "--shell", "sh"]);
    assert!(!o.status.success());
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("'staging' (named by "),
        "{}",
        stderr(&o)
    );
    let o = run(&sub, &["prompt"]);
    assert!(o.status.success());
    assert_eq!(stdout(&o), "?\n");
}
