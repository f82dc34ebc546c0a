//! Prefect's own commands that choose profiles by name or write the profiles file act in a
//! switched shell as plain Prefect does (docs/prefect-compat.md, "Prefect's profile commands
//! in a switched shell"): the shell follows `p2`, `p1` and `p2` point at two servers that log
//! every request, and the real prefect 3.9.1 runs through the hook's `prefect` function in
//! bash, zsh and fish.

mod common;

use std::process::{Command, Output};

use common::cloud::{self, Reply, Server, GOOD_KEY};
use common::*;

/// A Prefect server stand-in: enough for the client's health, version and CSRF checks; every
/// other request gets an empty list.
fn server() -> Server {
    Server::start(|req, _| {
        let body = if req.path.ends_with("/health") {
            "true".to_string()
        } else if req.path.ends_with("/admin/version") {
            "\"3.9.1\"".to_string()
        } else if req.path.contains("/csrf-token") {
            "{\"token\":\"t\",\"client\":\"c\",\"expiration\":\"2099-01-01T00:00:00Z\"}".to_string()
        } else {
            "[]".to_string()
        };
        Reply::Json(200, body)
    })
}

/// `script` in a non-interactive `shell` with the hook, prefect 3.9.1 first on PATH, in HOME.
fn hooked(sb: &Sandbox, shell: &str, script: &str) -> Output {
    let venv = prefect_venv().expect("prefect venv");
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let hook = match shell {
        "fish" => "$PREFECTX hook fish | source".to_string(),
        _ => format!("eval \"$(\"$PREFECTX\" hook {shell})\""),
    };
    let mut c = Command::new(shell);
    if shell == "fish" {
        c.arg("--no-config");
    }
    c.env_clear()
        .envs(sb.envs())
        .env("PATH", path)
        .env("PREFECTX", BIN)
        .env("DO_NOT_TRACK", "1")
        .current_dir(sb.home())
        .args(["-c", &format!("{hook}\n{script}")])
        .output()
        .unwrap()
}

#[test]
fn transfer_and_profile_use_read_the_profiles_they_name() {
    if prefect_venv().is_none() {
        return;
    }
    for shell in common::pty::interactive_shells() {
        let (a, b) = (server(), server());
        let sb = Sandbox::new();
        sb.write_profiles(&format!(
            "active = \"p2\"\n\n[profiles.p1]\nPREFECT_API_URL = \"{}\"\n\n[profiles.p2]\nPREFECT_API_URL = \"{}\"\n",
            a.base, b.base
        ));
        // `transfer --from p1 --to p2` reads p1's server first (plain Prefect does; the exported
        // URL of p2 used to win).
        let out = hooked(&sb, shell, "prefect transfer --from p1 --to p2");
        let first_a = a.requests().len();
        assert!(
            first_a >= 1,
            "{shell}: p1's server was never asked: {}",
            stderr(&out)
        );
        assert!(
            b.requests().iter().all(|r| !r.path.contains("filter")),
            "{shell}: nothing read from p2's server for p1"
        );
        // `profile use p1` checks p1's server and says so.
        let (a_before, b_before) = (a.count(), b.count());
        let out = hooked(&sb, shell, "prefect profile use p1");
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            text.contains("Connected to Prefect server using profile 'p1'"),
            "{shell}: {text}"
        );
        assert!(a.count() > a_before, "{shell}: p1's server checked");
        assert_eq!(b.count(), b_before, "{shell}: p2's server not asked");
        assert!(sb.read_profiles().starts_with("active = \"p1\""));
    }
}

#[test]
fn cloud_login_with_a_new_key_works_in_a_logged_in_shell() {
    if prefect_venv().is_none() {
        return;
    }
    for shell in common::pty::interactive_shells() {
        let server = cloud::standard();
        let sb = Sandbox::new();
        sb.write_profiles(&format!(
            "active = \"work\"\n\n[profiles.work]\nPREFECT_API_URL = \"{0}/accounts/{1}/workspaces/{2}\"\nPREFECT_API_KEY = \"pnu_oldkey0123\"\nPREFECT_CLOUD_API_URL = \"{0}\"\n",
            server.base,
            cloud::ACME,
            cloud::DEV
        ));
        let out = hooked(
            &sb,
            shell,
            &format!("prefect cloud login --key {GOOD_KEY} --workspace acme/prod"),
        );
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(out.status.success(), "{shell}: {text}");
        assert!(
            !text.contains("Cannot log in with a key"),
            "{shell}: {text}"
        );
        let file = sb.read_profiles();
        assert!(
            file.contains(GOOD_KEY) && !file.contains("pnu_oldkey0123"),
            "{shell}: {file}"
        );
        assert!(
            server
                .requests()
                .iter()
                .any(|r| r.header("authorization") == Some(&format!("Bearer {GOOD_KEY}"))),
            "{shell}"
        );
    }
}

/// In a folder whose project files are not allowed, Prefect's profile commands do not see
/// them either: they run in an empty folder of ours.
#[test]
fn profile_commands_do_not_read_unallowed_files() {
    if prefect_venv().is_none() {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(
        "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev.example/api\"\n",
    );
    let repo = sb.home().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(
        repo.join(".env"),
        "PREFECT_API_URL=http://attacker.example/api\n",
    )
    .unwrap();
    let out = hooked(&sb, "bash", "cd repo && prefect config view --show-sources");
    let text = stdout(&out);
    assert!(
        text.contains("PREFECT_API_URL='http://dev.example/api'"),
        "{text}{}",
        stderr(&out)
    );
    assert!(!text.contains("attacker"), "{text}");
}
