//! A setting the user exported under one spelling and kept (PREFECTX_KEEP) is never exported by
//! prefectx under another: Prefect reads the canonical name before a legacy alias, so a second
//! spelling of ours would beat the user's value (docs/prefect-compat.md, "Kept names"). The
//! oracle is prefect 3.9.1 with the same environment and folder, without prefectx.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

const FILE: &str = "active = \"p\"\n\n[profiles.p]\nPREFECT_API_URL = \"http://p/api\"\nPREFECT_TASKS_DEFAULT_RETRIES = \"4\"\n";

/// `accessor` as Prefect resolves it in `dir`, with `script` run first in sh (or nothing).
fn resolved(sb: &Sandbox, venv: &Path, dir: &Path, script: &str, accessor: &str) -> String {
    let py = format!(
        "from prefect.settings import get_current_settings as g; s = g(); print(s.{accessor})"
    );
    let out = Command::new("sh")
        .env_clear()
        .envs(sb.envs())
        .env("PREFECTX", BIN)
        .env(
            "PREFECTX_KEEP",
            "PREFECT_TASK_DEFAULT_RETRIES PREFECT_SERVER_ALLOW_EPHEMERAL_MODE",
        )
        .env("PREFECT_TASK_DEFAULT_RETRIES", "10")
        .env("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "false")
        .env("PREFECT_PROFILE", "p")
        .env("PWD", dir)
        .current_dir(dir)
        .args([
            "-c",
            &format!(
                "{script}\nexec '{}' -c '{py}'",
                venv.join("bin/python").display()
            ),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).trim().to_string()
}

#[test]
fn a_kept_setting_is_never_exported_under_another_spelling() {
    let Some(venv) = prefect_venv() else { return };
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let proj = sb.home().join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(
        proj.join("prefect.toml"),
        "[server.ephemeral]\nenabled = \"true\"\n",
    )
    .unwrap();
    let o = sb.run_in(&proj, &["allow"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let eval = "eval \"$(\"$PREFECTX\" env --shell sh)\"";
    for (accessor, plain_value) in [
        ("tasks.default_retries", "10"),
        ("server.ephemeral.enabled", "False"),
    ] {
        let plain = resolved(&sb, &venv, &proj, ":", accessor);
        assert_eq!(plain, plain_value, "plain Prefect: {accessor}");
        let ours = resolved(&sb, &venv, &proj, eval, accessor);
        assert_eq!(ours, plain, "{accessor}: prefectx's environment differs");
    }
    let env = sb
        .cmd()
        .current_dir(&proj)
        .env("PWD", &proj)
        .env(
            "PREFECTX_KEEP",
            "PREFECT_TASK_DEFAULT_RETRIES PREFECT_SERVER_ALLOW_EPHEMERAL_MODE",
        )
        .args(["env", "--shell", "sh"])
        .output()
        .unwrap();
    let text = stdout(&env);
    assert!(!text.contains("PREFECT_TASKS_DEFAULT_RETRIES"), "{text}");
    assert!(!text.contains("PREFECT_SERVER_EPHEMERAL_ENABLED"), "{text}");
}
