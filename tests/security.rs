//! each finding of the security review, reproduced as the attack was made, and shown
//! to fail with nothing changed on disk.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use common::cloud::{self, fake_browser, post, request, Reply, Server, GOOD_KEY};
use common::pty::*;
use common::*;

const FILE: &str = "active = \"dev\"\n\n[profiles.dev]\n";
const EVIL_KEY: &str = "pnu_attacker0123456789";

/// A Cloud where both keys are valid and see the same workspaces: only which key lands in the
/// file tells whose workspace the user's work goes to.
fn two_key_cloud() -> Server {
    Server::start(|req, _| {
        let auth = req.header("authorization").unwrap_or("");
        if auth == format!("Bearer {GOOD_KEY}") || auth == format!("Bearer {EVIL_KEY}") {
            Reply::Json(200, cloud::three_workspaces())
        } else {
            Reply::Json(401, r#"{"detail":"Unauthorized"}"#.into())
        }
    })
}

fn sandbox(server: &Server) -> Sandbox {
    cloud::sandbox(server, FILE)
}

/// No ESC, BEL or C1 CSI byte: nothing that can draw on a terminal.
fn assert_inert(what: &str, text: &str) {
    for bad in ['\u{1b}', '\u{7}', '\u{9b}'] {
        assert!(
            !text.contains(bad),
            "{what}: a raw {:?} reached the terminal: {text:?}",
            bad
        );
    }
}

/// Runs `prefectx login` through the browser choice, with `BROWSER` doing `body`.
fn browser_login(sb: &Sandbox, body: &str) -> String {
    sb.set_env("BROWSER", &fake_browser(sb, body));
    let mut cmd = sb.cmd();
    cmd.args(["login", "--workspace", "acme/prod"]);
    let mut s = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
    s.exp_string("How would you like to authenticate?").unwrap();
    s.send_line("").unwrap();
    s.exp_eof().unwrap()
}

fn statuses(sb: &Sandbox) -> Vec<String> {
    std::fs::read_to_string(sb.dir.path().join("browser.statuses"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap_or("").to_string())
        .collect()
}

/// Finding 1: a hostile page posting its own key to the callback.
#[test]
fn forged_login_callbacks_are_refused_and_the_real_one_is_taken() {
    let server = two_key_cloud();
    let sb = sandbox(&server);
    let evil = format!("{{\"api_key\":\"{EVIL_KEY}\"}}");
    let ui = "Origin: http://ui.example\\r\\n";
    let page = "Origin: https://evil.example\\r\\n";
    let attempts = [
        // Without the nonce: what a page that only scanned the port can send.
        request("POST", "/success", "application/json", ui, &evil),
        request(
            "POST",
            "/failure",
            "application/json",
            ui,
            r#"{"reason":"x"}"#,
        ),
        request(
            "GET",
            &format!("/success?key={EVIL_KEY}"),
            "text/plain",
            "",
            "",
        ),
        // With the nonce but without an Origin: not the UI (a program, not a browser page).
        request("POST", "/$nonce/success", "application/json", "", &evil),
        // With the nonce, but in the forms a page can send without a preflight, or from
        // another origin.
        request("POST", "/$nonce/success", "text/plain", ui, &evil),
        request(
            "GET",
            &format!("/$nonce/success?key={EVIL_KEY}"),
            "text/plain",
            ui,
            "",
        ),
        request("POST", "/$nonce/success", "application/json", page, &evil),
        request("OPTIONS", "/$nonce/success", "text/plain", page, ""),
        // The UI: preflight, then the key.
        request("OPTIONS", "/$nonce/success", "text/plain", ui, ""),
        post("/success", &format!("{{\"api_key\":\"{GOOD_KEY}\"}}")),
    ];
    let rest = browser_login(&sb, &attempts.join("\n"));
    assert_eq!(
        statuses(&sb),
        ["404", "404", "404", "403", "415", "405", "403", "403", "204", "200"],
        "{rest}"
    );
    let url = std::fs::read_to_string(sb.dir.path().join("browser.location")).unwrap();
    assert!(
        url.starts_with("http://ui.example/auth/client?callback=http%3A//127.0.0.1%3A"),
        "the browser is sent to the address we bound: {url}"
    );
    let nonce = url.trim().rsplit('/').next().unwrap();
    assert_eq!(nonce.len(), 32, "{url}");
    assert!(rest.contains("Authenticated with Prefect Cloud!"), "{rest}");
    let file = sb.read_profiles();
    assert!(
        file.contains(GOOD_KEY) && !file.contains(EVIL_KEY),
        "{file}"
    );
    let reqs = server.requests();
    assert!(
        reqs.iter()
            .all(|r| r.header("authorization") == Some(format!("Bearer {GOOD_KEY}").as_str())),
        "only the real key was ever tried"
    );
}

/// Finding 1 and 5: a failure posted with escape sequences is shown escaped.
#[test]
fn a_failure_reason_cannot_draw_on_the_terminal() {
    let server = two_key_cloud();
    let sb = sandbox(&server);
    let rest = browser_login(
        &sb,
        &post(
            "/failure",
            r#"{"reason":"\u001b]0;owned\u0007\u001b[2Jdenied"}"#,
        ),
    );
    assert!(
        rest.contains("failed to log in: \\u{1b}]0;owned\\u{7}\\u{1b}[2Jdenied"),
        "{rest}"
    );
    let line = rest
        .lines()
        .find(|l| l.contains("failed to log in"))
        .unwrap();
    assert_inert("browser reason", line);
    assert_eq!(sb.read_profiles(), FILE);
    assert_eq!(server.count(), 0);
}

/// Finding 7: a wait given as 1e400 (infinity to a float parser) was a panic.
#[test]
fn huge_durations_do_not_panic() {
    let server = two_key_cloud();
    let sb = sandbox(&server);
    sb.set_env("PREFECTX_LOGIN_TIMEOUT", "1e400");
    let rest = browser_login(
        &sb,
        &post("/success", &format!("{{\"api_key\":\"{GOOD_KEY}\"}}")),
    );
    assert!(rest.contains("Authenticated with Prefect Cloud!"), "{rest}");
    assert!(!rest.contains("panicked"), "{rest}");
    for flag in [["--timeout", "1e400"], ["--connect-timeout", "inf"]] {
        let mut args = cloud::login_args(&[]);
        args.extend(flag);
        let out = sb.run(&args);
        assert!(out.status.success(), "{flag:?}: {}", stderr(&out));
    }
}

fn hostile_handle_cloud(handle: &'static str) -> Server {
    Server::start(move |req, _| {
        if req.header("authorization") == Some(format!("Bearer {GOOD_KEY}").as_str()) {
            Reply::Json(
                200,
                serde_json::json!([cloud::ws(cloud::ACME, "acme", cloud::PROD, handle)])
                    .to_string(),
            )
        } else {
            Reply::Json(401, r#"{"detail":"Unauthorized"}"#.into())
        }
    })
}

/// Finding 2: `PROMPT="$(prefectx prompt --shell zsh)..."` with prompt_subst ran `$(...)` from a
/// profile name and from a workspace handle the Cloud API served. bash's PS1 expands too.
#[test]
fn prompt_output_runs_nothing_with_prompt_subst() {
    const HANDLE: &str = "w$(touch pwn2)`touch pwn3`\\$HOME%F{red}";
    const NAME: &str = "p$(touch pwn1)";
    for shell in ["zsh", "bash"] {
        if !have(shell) {
            continue;
        }
        let server = hostile_handle_cloud(HANDLE);
        let sb = sandbox(&server);
        let ws = format!("acme/{HANDLE}");
        let out = sb.run(&["login", "--key", GOOD_KEY, "--workspace", &ws, "-p", NAME]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(sb.run(&["use", "--global", NAME]).status.success());
        let body = match shell {
            "zsh" => format!(
                "setopt prompt_subst\nprecmd() {{ PS1=\"[$('{BIN}' prompt --shell zsh)] {PROMPT}\" }}"
            ),
            _ => format!(
                "PROMPT_COMMAND='PS1=\"[$(\"{BIN}\" prompt --shell bash)] {PROMPT}\"'"
            ),
        };
        let mut t = Term::start(&sb, shell, &rc_text(shell, &body));
        let out = t.run("echo one");
        t.run("echo two");
        t.exit();
        let expect = format!(
            "[p$(touch pwn1):acme/w$(touch pwn2){}\\$HOME%F{{red}}]",
            if shell == "zsh" {
                "?touch pwn3?"
            } else {
                "`touch pwn3`"
            }
        );
        assert!(out.contains(&expect), "{shell}: {out:?}\nwanted {expect}");
        for f in ["pwn1", "pwn2", "pwn3"] {
            assert!(!sb.home().join(f).exists(), "{shell}: the prompt ran {f}");
        }
    }
}

/// Finding 3: TAB on hostile names in bash (and zsh, fish), through a hook whose binary path
/// holds `$(...)` and `'`.
#[test]
fn tab_inserts_hostile_names_quoted_and_runs_nothing() {
    const HANDLE: &str = "w;touch pwnw;#";
    for shell in interactive_shells() {
        let server = hostile_handle_cloud(HANDLE);
        let sb = sandbox(&server);
        // The stand-in's URL must survive the hook's exact-environment rule.
        sb.set_env("PREFECTX_KEEP", "PREFECT_CLOUD_API_URL");
        sb.write_profiles(
            "active = \"dev\"\n\n[profiles.dev]\n\n[profiles.\"zz;touch pwn;#\"]\n\n[profiles.\"it's \\\"q\\\" x\"]\n",
        );
        // The binaries in a folder whose name is code in every shell.
        let dir = sb.dir.path().join("b$(touch pwnp)'q`touch pwnb`");
        std::fs::create_dir_all(&dir).unwrap();
        for b in ["prefectx", "prefectx-cloud"] {
            let from = std::path::Path::new(BIN).with_file_name(b);
            std::fs::copy(&from, dir.join(b)).unwrap();
        }
        let bin = dir.join("prefectx").display().to_string();
        let out = sb.run(&[
            "login",
            "--key",
            GOOD_KEY,
            "--workspace",
            &format!("acme/{HANDLE}"),
            "-p",
            "dev",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let hook = match shell {
            "fish" => format!("{} hook fish | source", fish_word(&bin)),
            _ => format!("eval \"$({} hook {shell})\"", sh_word(&bin)),
        };
        let rc = match shell {
            "zsh" => rc_text(
                shell,
                &format!("autoload -Uz compinit && compinit -u\n{hook}"),
            ),
            _ => rc_text(shell, &hook),
        };
        // tmux: a terminal with a size, where readline and zle show what TAB inserted.
        let t = Tmux::start(
            shell_command(&sb, shell, &rc, None),
            &format!("tab-{shell}"),
        );
        t.wait_for(PROMPT.trim_end());
        let before = server.count();
        for (typed, inserted, shows) in [
            (
                "zz",
                "zz\\;touch\\ pwn\\;\\#",
                "PREFECT_PROFILE='zz;touch pwn;#'",
            ),
            (
                "it",
                "it\\'s\\ \\\"q\\\"\\ x",
                "PREFECT_PROFILE='it'\\''s \"q\" x'",
            ),
        ] {
            t.keys(&["-l", &format!("prefectx env --shell sh {typed}")]);
            t.keys(&["Tab"]);
            t.wait_for(inserted);
            t.keys(&["Enter"]);
            t.wait_for(shows);
            t.keys(&["-l", "clear"]);
            t.keys(&["Enter"]);
            wait_until(20, "the screen to clear", || !t.screen().contains(shows));
        }
        // A handle from the Cloud API, through the cache.
        t.keys(&["-l", "prefectx workspace set acme/w"]);
        t.keys(&["Tab"]);
        t.wait_for("acme/w\\;touch\\ pwnw\\;\\#");
        t.keys(&["Enter"]);
        t.wait_for("Successfully set workspace to 'acme/w;touch pwnw;#'");
        drop(t);
        assert_eq!(server.count(), before, "{shell}: TAB went to the network");
        for f in ["pwn", "pwnw", "pwnp", "pwnb"] {
            assert!(!sb.home().join(f).exists(), "{shell}: {f} was run");
            assert!(!sb.dir.path().join(f).exists(), "{shell}: {f} was run");
        }
    }
}

fn sh_word(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn fish_word(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// `hook-env bash init PID` as the hook's first call makes it; returns the stamp it exported.
fn init_stamp(sb: &Sandbox, pid: &str) -> String {
    let out = sb.run(&["hook-env", "bash", "init", pid]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("export __PREFECTX_STAMP="))
        .unwrap_or_else(|| panic!("no stamp exported: {text}"));
    line.trim_end_matches(';').trim_matches('\'').to_string()
}

/// Finding 4, as one user: a runtime folder that others can write is not used.
#[test]
fn a_runtime_folder_others_can_write_is_not_used() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let rt = sb.dir.path().join("run/prefectx");
    std::fs::create_dir_all(&rt).unwrap();
    std::fs::set_permissions(&rt, std::fs::Permissions::from_mode(0o777)).unwrap();
    let stamp = init_stamp(&sb, "4242");
    let fallback = sb.cache_dir().join("prefectx/stamps");
    assert_eq!(stamp, fallback.join("4242").display().to_string());
    assert!(!rt.join("4242").exists());
    assert_eq!(mode(&fallback), 0o700);
    // A private one is used.
    std::fs::set_permissions(&rt, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(
        init_stamp(&sb, "4243"),
        rt.join("4243").display().to_string()
    );
    assert_eq!(mode(&rt.join("4243")) & 0o077, 0);
}

/// Finding 4, as the attack was made: another user prepares `prefectx` in a shared runtime
/// folder (0777, a symlinked stamp, a symlinked folder) before the victim's shell starts.
#[test]
fn another_user_cannot_steer_stamps_in_a_shared_runtime_folder() {
    if !can_be_another_user() {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    open_path_to_others(sb.dir.path());
    let shared = sb.dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    sb.set_env("XDG_RUNTIME_DIR", &shared.display().to_string());
    // The victim's own private folder, with a file that a dead-stamp sweep would delete.
    let private = sb.dir.path().join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::write(private.join("999999"), "keep").unwrap();
    let victim = private.join("victim");
    std::fs::write(&victim, "v").unwrap();
    let mtime = || std::fs::metadata(&victim).unwrap().modified().unwrap();
    let before = mtime();

    // Attack 1: a 0777 `prefectx` of the other user's, with the stamp planted as a symlink.
    let rt = shared.join("prefectx");
    let ok = as_other_user("sh")
        .arg("-c")
        .arg(format!(
            "mkdir -m 0777 '{0}' && ln -s '{1}' '{0}/4242' && ln -s '{1}' '{0}/777777'",
            rt.display(),
            victim.display()
        ))
        .status()
        .unwrap()
        .success();
    assert!(ok, "the other user prepared the folder");
    let stamp = init_stamp(&sb, "4242");
    assert!(
        stamp.starts_with(&sb.cache_dir().display().to_string()),
        "{stamp}"
    );
    assert_eq!(mtime(), before, "the victim's file was touched");
    assert!(std::fs::symlink_metadata(rt.join("4242"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(
        std::fs::symlink_metadata(rt.join("777777")).is_ok(),
        "nothing removed there"
    );

    // Attack 2: `prefectx` is a symlink to a folder of the victim's (dead-stamp sweep).
    std::fs::remove_dir_all(&rt).unwrap_or_else(|_| {
        as_other_user("rm")
            .args(["-rf", &rt.display().to_string()])
            .status()
            .unwrap();
    });
    let ok = as_other_user("ln")
        .args([
            "-s",
            &private.display().to_string(),
            &rt.display().to_string(),
        ])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let stamp = init_stamp(&sb, "4243");
    assert!(!stamp.starts_with(&rt.display().to_string()), "{stamp}");
    assert_eq!(
        std::fs::read_to_string(private.join("999999")).unwrap(),
        "keep"
    );
    assert_eq!(mtime(), before);
    assert_eq!(sb.read_profiles(), FILE);
}

/// Finding 6: another user held the lock (flock on the 0755 profiles folder) and every write
/// failed. Now the lock is a 0600 file only we can open.
#[test]
fn another_user_cannot_hold_the_write_lock() {
    if !can_be_another_user() || !have("flock") {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    open_path_to_others(&sb.prefect_home());
    std::fs::set_permissions(sb.prefect_home(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut flock = as_other_user("flock");
    flock
        .arg(sb.prefect_home())
        .args(["-c", "echo held; exec sleep 60"]);
    let (mut holder, line) = spawn_first_line(flock);
    assert_eq!(line, "held\n", "the other user holds the folder lock");
    let out = sb
        .cmd()
        .args(["config", "set", "-p", "dev", "PREFECT_API_URL=http://x/api"])
        .env("PREFECTX_LOCK_TIMEOUT_MS", "300")
        .output()
        .unwrap();
    let _ = holder.kill();
    let _ = holder.wait();
    assert!(out.status.success(), "{}", stderr(&out));
    let lock = sb.prefect_home().join(".profiles.toml.prefectx-lock");
    assert_eq!(mode(&lock), 0o600);
    let tried = as_other_user("flock")
        .args(["-n", &lock.display().to_string(), "true"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!tried.success(), "the other user could open our lock file");

    // In a folder everyone can write, a lock file the other user made first is refused.
    let shared = sb.dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    std::fs::write(shared.join("profiles.toml"), FILE).unwrap();
    let planted = shared.join(".profiles.toml.prefectx-lock");
    assert!(as_other_user("touch")
        .arg(&planted)
        .status()
        .unwrap()
        .success());
    let out = sb
        .cmd()
        .args(["config", "set", "-p", "dev", "PREFECT_API_URL=http://x/api"])
        .env("PREFECT_HOME", &shared)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the lock file belongs to another user (uid 65534)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(shared.join("profiles.toml")).unwrap(),
        FILE
    );
}

/// Finding 5: escape sequences from every source named in the review.
#[test]
fn escape_sequences_from_files_network_and_folder_are_shown_escaped() {
    const HANDLE: &str = "w\u{1b}]0;t\u{7}\u{9b}2J";
    let server = Server::start(|req, _| match req.header("authorization") {
        Some(a) if a == format!("Bearer {GOOD_KEY}") => Reply::Json(
            200,
            serde_json::json!([cloud::ws(cloud::ACME, "acme", cloud::PROD, HANDLE)]).to_string(),
        ),
        _ => Reply::Json(
            500,
            "{\"detail\":\"boom\\u001b]0;t\\u0007\\u001b[2J\"}".into(),
        ),
    });
    let sb = sandbox(&server);
    // Cloud error detail.
    let out = sb.run(&["login", "--key", "pnu_other", "--workspace", "acme/x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("boom\\u{1b}]0;t\\u{7}"),
        "{}",
        stderr(&out)
    );
    assert_inert("Cloud error detail", &stderr(&out));
    // Workspace handles: login, workspace ls, ls, prompt.
    let out = sb.run(&[
        "login",
        "--key",
        GOOD_KEY,
        "--workspace",
        &format!("acme/{HANDLE}"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_inert("login", &format!("{}{}", stdout(&out), stderr(&out)));
    for args in [
        vec!["workspace", "ls"],
        vec!["workspace", "ls", "--refresh"],
        vec!["ls"],
        vec!["prompt"],
        vec!["doctor"],
    ] {
        let out = sb.run(&args);
        assert_inert(
            &format!("{args:?}"),
            &format!("{}{}", stdout(&out), stderr(&out)),
        );
    }
    let out = sb.run(&["workspace", "ls"]);
    assert!(
        stdout(&out).contains("acme/w\\u{1b}]0;t\\u{7}\\u{9b}2J"),
        "{}",
        stdout(&out)
    );
    // URLs in the file, and a cloned repo's project files in the current folder.
    sb.write_profiles(
        "active = \"s\"\n[profiles.s]\nPREFECT_API_URL = \"http://h\\u001b[2J/api\"\n",
    );
    // Prefect ignores a `.env` key that names no setting, and so does prefectx;
    // the folder's name still reaches doctor's lines.
    let repo = sb.home().join("repo\u{1b}[2J");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(
        repo.join(".env"),
        "PREFECT_X\u{1b}[2J=1\nPREFECT_API_URL=http://e\u{1b}[2J/api\n",
    )
    .unwrap();
    std::fs::write(repo.join("prefect.toml"), "\"k\\u001b]0;t\\u0007\" = 1\n").unwrap();
    for args in [
        vec!["ls"],
        vec!["doctor", "--offline"],
        vec!["config", "view"],
    ] {
        let out = sb.cmd().args(&args).current_dir(&repo).output().unwrap();
        assert_inert(
            &format!("{args:?}"),
            &format!("{}{}", stdout(&out), stderr(&out)),
        );
    }
    let out = sb
        .cmd()
        .args(["doctor", "--offline"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("repo\\u{1b}[2J/.env: not allowed"),
        "{}",
        stdout(&out)
    );
}

/// Finding 7: a password in a URL is masked wherever a value is shown.
#[test]
fn url_passwords_are_masked_like_keys() {
    let server = Server::start(|req, _| {
        if req.path.ends_with("/health") {
            Reply::Json(200, "true".into())
        } else {
            Reply::Json(404, "{}".into())
        }
    });
    let url = server.base.replace("http://", "http://admin:hunter2@");
    let sb = Sandbox::new();
    sb.write_profiles(&format!(
        "active = \"s\"\n[profiles.s]\nPREFECT_API_URL = \"{url}\"\n"
    ));
    let masked = url.replace("hunter2", "********");
    for (args, shows) in [
        (vec!["ls"], false),
        (vec!["ls", "--json"], true),
        (vec!["config", "view"], true),
        (vec!["profile", "inspect", "s"], true),
        (vec!["doctor"], true),
    ] {
        let out = sb.run(&args);
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!text.contains("hunter2"), "{args:?}: {text}");
        if shows {
            assert!(text.contains("admin:********@"), "{args:?}: {text}");
        }
    }
    let out = sb.run(&["config", "view", "--show-secrets"]);
    assert!(
        stdout(&out).contains(&url),
        "--show-secrets shows it: {}",
        stdout(&out)
    );
    // watch --json: its first line describes the profile in effect.
    let mut watch = sb.cmd();
    watch.args(["watch", "--json"]);
    let (mut w, line) = spawn_first_line(watch);
    let _ = w.kill();
    let _ = w.wait();
    assert!(
        line.contains(&masked) && !line.contains("hunter2"),
        "{line}"
    );
    // env and exec give the real value: they are how the URL reaches Prefect.
    let out = sb.run(&["env", "s", "--shell", "sh"]);
    assert!(stdout(&out).contains("hunter2"));
}
