//! `workspace populate` against the local Cloud stand-in: three accounts, a dozen workspaces,
//! one removed between runs. One request per run; a dry run writes nothing; a second run
//! leaves the file byte-identical; `--prune` removes only what populate made; hand-made
//! profiles are never touched; the real prefect 3.9.1 can use every profile made.

mod common;

use std::sync::{Arc, Mutex};

use common::cloud::{ws, Reply, Server, GOOD_KEY};
use common::*;

fn id(n: usize) -> String {
    format!("{n:08x}-0000-4000-8000-000000000000")
}

/// Twelve workspaces over three accounts: acme (5), data-team (4), Personal Space (3).
fn workspaces() -> Vec<serde_json::Value> {
    let accounts = [("acme", 5), ("data-team", 4), ("personal space", 3)];
    let mut out = Vec::new();
    let mut n = 0;
    for (a, (account, count)) in accounts.iter().enumerate() {
        for w in 0..*count {
            n += 1;
            let handle = ["prod", "dev", "staging", "ml", "etl"][w];
            out.push(ws(&id(100 + a), account, &id(n), handle));
        }
    }
    out
}

fn cloud(list: Arc<Mutex<Vec<serde_json::Value>>>) -> Server {
    Server::start(move |req, _| {
        if req.path.ends_with("/me/workspaces")
            && req.header("authorization") == Some(&format!("Bearer {GOOD_KEY}"))
        {
            Reply::Json(
                200,
                serde_json::Value::from(list.lock().unwrap().clone()).to_string(),
            )
        } else {
            Reply::Json(401, r#"{"detail":"Unauthorized"}"#.into())
        }
    })
}

#[test]
fn populate_makes_one_profile_per_workspace_and_a_second_run_changes_nothing() {
    let list = Arc::new(Mutex::new(workspaces()));
    let server = cloud(list.clone());
    let prod_url = format!("{}/accounts/{}/workspaces/{}", server.base, id(100), id(1));
    let sb = common::cloud::sandbox(
        &server,
        &format!(
            "# my profiles\nactive = \"main\"\n\n[profiles.main]\nPREFECT_API_KEY = \"{GOOD_KEY}\"\nPREFECT_API_URL = \"{prod_url}\"\n\n# hand-made, same name as the template gives acme/dev\n[profiles.acme-dev]\nPREFECT_API_URL = \"http://elsewhere/api\"\n\n[profiles.prod]\nPREFECT_API_URL = \"{prod_url}\"\n"
        ),
    );
    let before = sb.read_profiles();

    // A dry run: the plan, nothing written.
    let out = sb.run(&["workspace", "populate", "--dry-run", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the collision: {}",
        stderr(&out)
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = plan.as_array().unwrap();
    assert_eq!(rows.len(), 12);
    let row = |p: &str| rows.iter().find(|r| r["profile"] == p).unwrap().clone();
    assert_eq!(row("acme-dev")["action"], "collision");
    assert_eq!(row("acme-prod")["action"], "create");
    assert_eq!(row("acme-prod")["also"], serde_json::json!(["prod"]));
    assert_eq!(
        row("personal-space-staging")["workspace"],
        "personal space/staging"
    );
    assert_eq!(sb.read_profiles(), before);
    assert_eq!(server.count(), 1);

    let out = sb.run(&["workspace", "populate"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(server.count(), 2, "one request per run");
    assert!(
        stdout(&out).contains("collision  acme-dev"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("Created 11, updated 0, removed 0"),
        "{}",
        stderr(&out)
    );
    let after = sb.read_profiles();
    assert!(after.starts_with("# my profiles\n"), "{after}");
    assert!(after.contains("# hand-made, same name as the template gives acme/dev\n[profiles.acme-dev]\nPREFECT_API_URL = \"http://elsewhere/api\"\n"), "{after}");
    let ls: serde_json::Value = serde_json::from_slice(&sb.run(&["ls", "--json"]).stdout).unwrap();
    let in_file = ls
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in_file"] == true)
        .count();
    assert_eq!(in_file, 3 + 11);

    // Idempotent: byte for byte.
    let out = sb.run(&["workspace", "populate"]);
    assert!(
        stderr(&out).contains("Nothing to change"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.read_profiles(), after);

    // A workspace goes: listed, kept; --prune removes it and only it.
    list.lock()
        .unwrap()
        .retain(|w| w["workspace_handle"] != "etl");
    let out = sb.run(&["workspace", "populate"]);
    assert!(
        stdout(&out).contains("gone       acme-etl"),
        "{}",
        stdout(&out)
    );
    assert_eq!(sb.read_profiles(), after);
    // A protected profile is removed only once its name is typed: with no terminal, refused.
    assert!(sb.run(&["profile", "protect", "acme-etl"]).status.success());
    let out = std::process::Command::new("setsid")
        .arg("-w")
        .arg(BIN)
        .args(["workspace", "populate", "--prune"])
        .env_clear()
        .envs(sb.envs())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("changes protected profile 'acme-etl'"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.read_profiles(), after);
    let out = sb
        .cmd()
        .args(["workspace", "populate", "--prune"])
        .env("PREFECTX_CONFIRM", "0")
        .output()
        .unwrap();
    assert!(stderr(&out).contains("removed 1"), "{}", stderr(&out));
    let pruned = sb.read_profiles();
    assert!(!pruned.contains("[profiles.acme-etl]"), "{pruned}");
    assert_eq!(pruned.matches("[profiles.").count(), 3 + 10);
    assert!(pruned.contains("[profiles.prod]") && pruned.contains("[profiles.acme-dev]"));
    assert_eq!(server.count(), 6);

    // The real prefect reads every profile made, with its workspace's URL.
    let Some(venv) = prefect_venv() else { return };
    let script = "import json\nfrom prefect.settings import load_profiles\np = load_profiles()\nprint(json.dumps({n: str(p[n].settings.get(next(k for k in p[n].settings if k.name == 'PREFECT_API_URL'))) for n in p.names if n not in ('ephemeral','local','test','cloud')}))";
    let o = std::process::Command::new(venv.join("bin/python"))
        .env_clear()
        .envs(sb.envs())
        .args(["-c", script])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let urls: std::collections::BTreeMap<String, String> =
        serde_json::from_slice(&o.stdout).unwrap();
    for w in list.lock().unwrap().iter() {
        let name = format!(
            "{}-{}",
            w["account_handle"].as_str().unwrap().replace(' ', "-"),
            w["workspace_handle"].as_str().unwrap()
        );
        if name == "acme-dev" {
            continue;
        }
        let want = format!(
            "{}/accounts/{}/workspaces/{}",
            server.base,
            w["account_id"].as_str().unwrap(),
            w["workspace_id"].as_str().unwrap()
        );
        assert_eq!(urls.get(&name), Some(&want), "{name}");
    }
    let o = std::process::Command::new(venv.join("bin/prefect"))
        .env_clear()
        .envs(sb.envs())
        .args(["-p", "data-team-ml", "config", "view"])
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains(&format!(
            "PREFECT_API_URL='{}/accounts/{}/workspaces/",
            server.base,
            id(101)
        )),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_template_that_gives_two_workspaces_one_name_is_a_collision() {
    let list = Arc::new(Mutex::new(workspaces()));
    let server = cloud(list);
    let sb = common::cloud::sandbox(&server, &format!("[profiles.main]\nPREFECT_API_KEY = \"{GOOD_KEY}\"\nPREFECT_API_URL = \"http://x/api\"\n"));
    let out = sb.run(&[
        "workspace",
        "populate",
        "-p",
        "main",
        "--template",
        "{workspace}",
    ]);
    assert_eq!(out.status.code(), Some(1));
    // prod, dev, staging, ml exist in two or three accounts; only etl is alone.
    assert!(stderr(&out).contains("Created 1,"), "{}", stderr(&out));
    assert!(sb.read_profiles().contains("[profiles.etl]"));
    let out = sb.run(&["workspace", "populate", "-p", "nosuch"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout, b"");
}
