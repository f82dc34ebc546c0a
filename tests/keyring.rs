//! Keys at rest in the OS keyring, against a real Secret Service: gnome-keyring in a
//! private D-Bus session of its own, unlocked headless. Login into the keyring, moving keys
//! both ways, applying in hooked bash, zsh and fish and in `exec`, rename/delete/logout, the
//! failures (no Secret Service, a locked keyring, an entry that vanished), and a sweep showing
//! the key in no file, error or state variable.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::cloud::{standard, Server, GOOD_KEY};
use common::pty::*;
use common::*;

/// A D-Bus session bus and gnome-keyring-daemon on it, both ours, killed at the end.
struct SecretService {
    dbus: Child,
    keyring: Child,
    addr: String,
}

impl SecretService {
    fn start(sb: &Sandbox) -> Option<SecretService> {
        if !have("dbus-daemon") || !have("gnome-keyring-daemon") || !have("dbus-send") {
            return None;
        }
        let mut c = Command::new("dbus-daemon");
        c.args(["--session", "--nofork", "--print-address=1"])
            .env_clear()
            .envs(sb.envs())
            .stderr(Stdio::null());
        let (dbus, addr) = spawn_first_line(c);
        let addr = addr.trim().to_string();
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--foreground"])
            .env_clear()
            .envs(sb.envs())
            .env("DBUS_SESSION_BUS_ADDRESS", &addr)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start gnome-keyring-daemon");
        // The unlock password, then end of input.
        keyring
            .stdin
            .take()
            .unwrap()
            .write_all(b"test-password")
            .unwrap();
        let s = SecretService {
            dbus,
            keyring,
            addr,
        };
        wait_until(15, "the Secret Service on the bus", || {
            s.call(
                "org.freedesktop.DBus",
                "/",
                "org.freedesktop.DBus.NameHasOwner",
                &["string:org.freedesktop.secrets"],
            )
            .contains("boolean true")
        });
        sb.set_env("DBUS_SESSION_BUS_ADDRESS", &s.addr);
        Some(s)
    }

    fn call(&self, dest: &str, path: &str, method: &str, args: &[&str]) -> String {
        let o = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                &format!("--dest={dest}"),
                path,
                method,
            ])
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.addr)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Locks the default collection, as a screen lock or `secret-tool lock` would.
    fn lock(&self) {
        self.call(
            "org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            &["array:objpath:/org/freedesktop/secrets/collection/login"],
        );
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        let _ = self.keyring.kill();
        let _ = self.keyring.wait();
        let _ = self.dbus.kill();
        let _ = self.dbus.wait();
    }
}

fn sandbox(server: &Server) -> Sandbox {
    common::cloud::sandbox(
        server,
        "active = \"dev\"\n\n# the local server\n[profiles.dev]\nPREFECT_API_URL = \"http://dev/api\"\n",
    )
}

fn login_keyring(sb: &Sandbox, profile: &str) -> std::process::Output {
    let mut c = sb.cmd();
    c.args([
        "login",
        "--key",
        "-",
        "--workspace",
        "acme/prod",
        "--keyring",
        "-p",
        profile,
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{GOOD_KEY}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// No file under `dir` holds `key` in clear (gnome-keyring's own store is encrypted).
fn sweep(dir: &Path, key: &str) {
    for e in walk(dir) {
        let bytes = std::fs::read(&e).unwrap_or_default();
        assert!(
            !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
            "{} holds the key",
            e.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        let Ok(m) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if m.is_dir() {
            out.extend(walk(&p));
        } else if m.is_file() {
            out.push(p);
        }
    }
    out
}

#[test]
fn login_into_the_keyring_moves_both_ways_and_leaves_no_key_in_a_file() {
    let server = standard();
    let sb = sandbox(&server);
    let Some(_ss) = SecretService::start(&sb) else {
        return;
    };
    let o = login_keyring(&sb, "prod");
    assert!(o.status.success(), "{}", stderr(&o));
    let file = sb.read_profiles();
    assert!(!file.contains(GOOD_KEY), "{file}");
    assert!(
        file.contains("[profiles.prod]") && file.contains("PREFECT_API_URL"),
        "{file}"
    );
    assert!(file.contains("# the local server"), "comments kept: {file}");
    let state = sb.home().join(".local/share/prefectx/keyring.json");
    assert_eq!(mode(&state), 0o600);
    assert!(!std::fs::read_to_string(&state).unwrap().contains(GOOD_KEY));

    // Applied like any other setting by env and exec; shown where it lives.
    let env = stdout(&sb.run(&["env", "prod", "--shell", "sh"]));
    assert!(
        env.contains(&format!("PREFECT_API_KEY={GOOD_KEY}")),
        "{env}"
    );
    let o = sb.run(&[
        "exec",
        "prod",
        "--",
        "sh",
        "-c",
        "printf %s \"$PREFECT_API_KEY\"",
    ]);
    assert_eq!(stdout(&o), GOOD_KEY);
    let ls = stdout(&sb.run(&["ls"]));
    assert!(
        ls.lines()
            .any(|l| l.contains("prod") && l.contains("key in the OS keyring")),
        "{ls}"
    );
    let doctor = stdout(&sb.run(&["doctor", "--offline", "-p", "prod"]));
    assert!(doctor.contains("API key: in the OS keyring"), "{doctor}");
    assert!(!doctor.contains(GOOD_KEY));

    // Back into the file, and into the keyring again.
    let o = sb.run(&["profile", "keyring", "prod", "--no-keyring"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(sb.read_profiles().contains(GOOD_KEY));
    let o = sb.run(&["profile", "keyring", "prod"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!sb.read_profiles().contains(GOOD_KEY));

    // A key in the file too: the file wins, as prefect sees it, and doctor says so.
    let both = sb.read_profiles().replace(
        "[profiles.prod]\n",
        "[profiles.prod]\nPREFECT_API_KEY = \"pnu_fromfile\"\n",
    );
    sb.write_profiles(&both);
    assert!(
        stdout(&sb.run(&["env", "prod", "--shell", "sh"])).contains("PREFECT_API_KEY=pnu_fromfile")
    );
    let doctor = stdout(&sb.run(&["doctor", "--offline", "-p", "prod"]));
    assert!(doctor.contains("the file's key wins"), "{doctor}");
    sb.write_profiles(&both.replace("PREFECT_API_KEY = \"pnu_fromfile\"\n", ""));
    sweep(sb.dir.path(), GOOD_KEY);
}

#[test]
fn hooked_shells_apply_a_keyring_profile_and_a_switch_costs_one_more_process() {
    let server = standard();
    let sb = sandbox(&server);
    let Some(_ss) = SecretService::start(&sb) else {
        return;
    };
    assert!(login_keyring(&sb, "prod").status.success());
    for shell in interactive_shells() {
        let mut t = Term::start(&sb, shell, &rc_text(shell, &hook_line(shell, BIN)));
        t.run("prefectx use prod");
        assert_eq!(t.var("PREFECT_API_KEY"), GOOD_KEY, "{shell}");
        let state = t.run("env | grep '^__PREFECTX' ; env | grep '^PREFECTX_'");
        assert!(!state.contains(GOOD_KEY), "{shell}: {state}");
        t.run("prefectx use dev");
        assert_eq!(t.var("PREFECT_API_KEY"), "<unset>", "{shell}: no stale key");
        t.exit();
    }
    if !have("strace") {
        return;
    }
    // bash under strace: idle prompts start nothing; a switch to dev costs 1 process, a switch
    // to the keyring profile 2 (hook-env and the keyring helper).
    let log = sb.dir.path().join("strace-keyring.log");
    let rc = rc_text("bash", &hook_line("bash", BIN));
    let mut t = Term::start_cmd(shell_command(&sb, "bash", &rc, Some(&log)), "bash");
    let count = || execs_in(&log);
    t.run("prefectx use prod");
    let a = count();
    for _ in 0..10 {
        t.run("");
    }
    let b = count();
    t.run("prefectx use dev");
    let c = count();
    t.run("prefectx use prod");
    let d = count();
    t.exit();
    eprintln!(
        "idle: {}, switch to dev: {}, switch to the keyring profile: {}",
        b - a,
        c - b,
        d - c
    );
    assert_eq!(b - a, 0, "idle prompts with a keyring profile applied");
    assert_eq!(c - b, 1);
    assert_eq!(d - c, 2);
}

/// `--export profile` (only PREFECT_PROFILE goes out, Prefect reads the profile itself): a
/// profile kept in the OS keyring has no key in the file, so the key goes out beside the
/// selector, and the real prefect sees it.
/// TAB completes a keyring profile's workspaces from the cache, without opening the keyring.
#[test]
fn tab_completes_a_keyring_profiles_workspaces() {
    let server = standard();
    let sb = sandbox(&server);
    let Some(_ss) = SecretService::start(&sb) else {
        return;
    };
    assert!(login_keyring(&sb, "prod").status.success());
    let before = server.count();
    let out = sb
        .cmd()
        .env("COMPLETE", "fish")
        // No bus: a completion that tried the keyring would find nothing.
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .args(["--", "prefectx", "workspace", "set", "-p", "prod", "acme/"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "acme/dev\nacme/prod\n", "{}", stderr(&out));
    assert_eq!(server.count(), before, "TAB went to the network");
}

#[test]
fn export_profile_mode_gives_prefect_a_keyring_profiles_key() {
    let Some(venv) = prefect_venv() else { return };
    let server = standard();
    let sb = sandbox(&server);
    let Some(_ss) = SecretService::start(&sb) else {
        return;
    };
    assert!(login_keyring(&sb, "prod").status.success());
    assert!(!sb.read_profiles().contains(GOOD_KEY));
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .env_clear()
        .envs(sb.envs())
        .env("PATH", path)
        .env("PREFECTX", BIN)
        .env("PREFECT_PROFILE", "prod")
        .current_dir(sb.home())
        .args([
            "-c",
            "eval \"$(\"$PREFECTX\" hook bash --export profile)\" && prefect config view --show-secrets && \"$PREFECTX\" doctor --offline; env | grep '^__PREFECTX' || true",
        ])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains(&format!("PREFECT_API_KEY='{GOOD_KEY}'")),
        "{text}{}",
        stderr(&out)
    );
    let state: String = text
        .lines()
        .filter(|l| l.starts_with("__PREFECTX"))
        .collect();
    assert!(!state.contains(GOOD_KEY), "no key in the state: {state}");
    // doctor in that shell names the server and the key Prefect uses there.
    assert!(text.contains("ok    target: cloud acme/prod"), "{text}");
    assert!(text.contains("ok    API key: in the OS keyring"), "{text}");
}

#[test]
fn rename_delete_and_logout_keep_the_keyring_in_step() {
    let server = standard();
    let sb = sandbox(&server);
    let Some(_ss) = SecretService::start(&sb) else {
        return;
    };
    assert!(login_keyring(&sb, "prod").status.success());
    let file = sb.profiles_path().display().to_string();
    let get = |name: &str| {
        Command::new(Path::new(BIN).with_file_name("prefectx-cloud"))
            .env_clear()
            .envs(sb.envs())
            .args(["keyring-helper", "get", &file, name])
            .output()
            .unwrap()
    };
    assert!(sb
        .run(&["profile", "rename", "prod", "p2"])
        .status
        .success());
    assert_eq!(stdout(&get("p2")), GOOD_KEY);
    assert!(!get("prod").status.success(), "the old entry is gone");
    assert!(stdout(&sb.run(&["env", "p2", "--shell", "sh"])).contains(GOOD_KEY));
    assert!(sb
        .run(&["profile", "delete", "p2", "--yes"])
        .status
        .success());
    assert!(!get("p2").status.success(), "deleted with the profile");
    assert!(login_keyring(&sb, "prod").status.success());
    let o = sb.run(&["logout", "-p", "prod"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!get("prod").status.success(), "logged out");
    assert!(
        !std::fs::read_to_string(sb.home().join(".local/share/prefectx/keyring.json"))
            .unwrap()
            .contains("prod")
    );
}

#[test]
fn keyring_failures_are_one_line_and_change_nothing() {
    let server = standard();
    let sb = sandbox(&server);
    // No Secret Service on this bus address: login --keyring never falls back to the file.
    sb.set_env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    let before = sb.read_profiles();
    let o = login_keyring(&sb, "prod");
    assert!(!o.status.success());
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("OS keyring"), "{}", stderr(&o));
    assert!(!stderr(&o).contains(GOOD_KEY));
    assert_eq!(sb.read_profiles(), before, "nothing written");

    let Some(ss) = SecretService::start(&sb) else {
        return;
    };
    assert!(login_keyring(&sb, "prod").status.success());
    let file = sb.read_profiles();
    let mut t = Term::start(&sb, "bash", &rc_text("bash", &hook_line("bash", BIN)));

    // A locked keyring that would ask for a password with no terminal (no prompter here).
    ss.lock();
    let o = sb.run(&["env", "prod", "--shell", "sh"]);
    assert!(!o.status.success());
    assert_eq!(stdout(&o), "", "nothing for eval");
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("locked"), "{}", stderr(&o));
    let out = t.run("prefectx use prod");
    assert!(out.contains("locked"), "{out}");
    assert_eq!(
        t.var("PREFECT_PROFILE"),
        "dev",
        "the shell keeps what it had"
    );
    assert_eq!(t.var("PREFECT_API_KEY"), "<unset>");
    t.exit();

    // An entry that vanished (deleted outside prefectx): a new session unlocks the keyring.
    drop(ss);
    let ss = SecretService::start(&sb).unwrap();
    assert!(stdout(&sb.run(&["env", "prod", "--shell", "sh"])).contains(GOOD_KEY));
    let helper = Command::new(Path::new(BIN).with_file_name("prefectx-cloud"))
        .env_clear()
        .envs(sb.envs())
        .args([
            "keyring-helper",
            "delete",
            &sb.profiles_path().display().to_string(),
            "prod",
        ])
        .status()
        .unwrap();
    assert!(helper.success());
    let o = sb.run(&["env", "prod", "--shell", "sh"]);
    assert!(!o.status.success());
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).contains("no key for it in the OS keyring")
            && stderr(&o).contains("`prefectx login --keyring -p prod`")
            && stderr(&o).contains("`prefectx profile keyring prod --no-keyring`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(sb.read_profiles(), file);
    // --no-keyring drops the record the vanished entry left; the profile has no key now.
    let o = sb.run(&["profile", "keyring", "prod", "--no-keyring"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("held no key for profile 'prod'"),
        "{}",
        stdout(&o)
    );
    assert_eq!(sb.read_profiles(), file);
    let o = sb.run(&["env", "prod", "--shell", "sh"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains("PREFECT_API_KEY="), "{}", stdout(&o));
    drop(ss);
}

/// Prefect's own profile commands on a profile kept in the OS keyring, in a hooked bash: the
/// real prefect reads the key from a private copy of the profiles file (removed afterwards),
/// `cloud workspace set` works, `cloud login --key NEW` stores NEW in the keyring, and no key
/// is ever left in a file.
#[test]
fn prefects_profile_commands_on_a_keyring_profile_keep_the_key_in_the_keyring() {
    let Some(venv) = prefect_venv() else { return };
    const NEW_KEY: &str = "pnu_newkey0123456789";
    let server = Server::start(|req, _| {
        let auth = req.header("authorization").unwrap_or("");
        if auth == format!("Bearer {GOOD_KEY}") || auth == format!("Bearer {NEW_KEY}") {
            common::cloud::Reply::Json(200, common::cloud::three_workspaces())
        } else {
            common::cloud::Reply::Json(401, r#"{"detail":"Unauthorized"}"#.into())
        }
    });
    let sb = sandbox(&server);
    let Some(_ss) = SecretService::start(&sb) else {
        return;
    };
    assert!(login_keyring(&sb, "prod").status.success());
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |line: &str| {
        Command::new("bash")
            .env_clear()
            .envs(sb.envs())
            .env("PATH", &path)
            .env("PREFECTX", BIN)
            .env("PREFECT_PROFILE", "prod")
            .env(
                "PREFECTX_KEEP",
                "PREFECT_CLOUD_API_URL PREFECT_CLOUD_UI_URL",
            )
            .env("DO_NOT_TRACK", "1")
            .current_dir(sb.home())
            .args([
                "-c",
                &format!("eval \"$(\"$PREFECTX\" hook bash)\" 2>/dev/null\n{line}"),
            ])
            .output()
            .unwrap()
    };
    let out = run("prefect cloud workspace set --workspace acme/dev");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let file = sb.read_profiles();
    assert!(
        file.contains(common::cloud::DEV),
        "workspace set wrote the URL: {file}"
    );
    assert!(!file.contains(GOOD_KEY), "{file}");

    let out = run(&format!(
        "prefect cloud login --key {NEW_KEY} --workspace acme/prod"
    ));
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let file = sb.read_profiles();
    assert!(
        !file.contains(NEW_KEY) && !file.contains(GOOD_KEY),
        "{file}"
    );
    let env = stdout(&sb.run(&["env", "prod", "--shell", "sh"]));
    assert!(
        env.contains(NEW_KEY),
        "the keyring holds the new key: {env}"
    );
    assert!(server
        .requests()
        .iter()
        .any(|r| r.header("authorization") == Some(&format!("Bearer {NEW_KEY}"))));
    let copies = sb.cache_dir().join("prefectx/keyring-copies");
    assert_eq!(
        std::fs::read_dir(&copies).map(|d| d.count()).unwrap_or(0),
        0,
        "the private copy was removed"
    );
    sweep(sb.dir.path(), GOOD_KEY);
    sweep(sb.dir.path(), NEW_KEY);
}

/// `workspace populate` from a keyring profile: each new profile's key goes into the OS
/// keyring too, never into the file, and each applies with its key.
#[test]
fn populate_from_a_keyring_profile_keeps_every_key_in_the_keyring() {
    let server = standard();
    let sb = sandbox(&server);
    let Some(_ss) = SecretService::start(&sb) else {
        return;
    };
    let o = login_keyring(&sb, "main");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = sb.run(&["workspace", "populate", "-p", "main"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("Created 3,"), "{}", stderr(&o));
    let file = sb.read_profiles();
    assert!(!file.contains(GOOD_KEY), "{file}");
    for p in ["acme-prod", "acme-dev", "personal-sandbox"] {
        assert!(file.contains(&format!("[profiles.{p}]")), "{file}");
        let env = stdout(&sb.run(&["env", p, "--shell", "sh"]));
        assert!(
            env.contains(&format!("PREFECT_API_KEY={GOOD_KEY}")),
            "{p}: {env}"
        );
    }
    let o = sb.run(&["workspace", "populate", "-p", "main"]);
    assert!(stderr(&o).contains("Nothing to change"), "{}", stderr(&o));
    assert_eq!(sb.read_profiles(), file);
    sweep(&sb.home(), GOOD_KEY);
}
