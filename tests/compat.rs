//! The real `prefect` CLI (prefect==3.9.1, installed by scripts/test.sh) as the oracle: a change
//! made with one tool is read back with the other. Under CI=true a missing prefect
//! fails; elsewhere these tests skip with a printed reason.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::cloud::{self, GOOD_KEY};
use common::*;
use serde_json::Value;

fn venv() -> Option<PathBuf> {
    prefect_venv()
}

fn prefect_cmd(sb: &Sandbox, venv: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new(venv.join("bin/prefect"));
    c.env_clear()
        .envs(sb.envs())
        .env("DO_NOT_TRACK", "1")
        .env("PREFECT_CLI_COLORS", "false")
        .env("COLUMNS", "200");
    c.current_dir(sb.home()).args(args);
    c
}

fn prefect(sb: &Sandbox, venv: &std::path::Path, args: &[&str]) -> Output {
    let out = prefect_cmd(sb, venv, args).output().expect("run prefect");
    assert!(
        out.status.success(),
        "prefect {args:?} failed:\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    out
}

fn prefect_json(sb: &Sandbox, venv: &std::path::Path, args: &[&str]) -> Value {
    let out = prefect(sb, venv, args);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("prefect {args:?}: {e}: {}", stdout(&out)))
}

/// One setting's entry (`name`, `value`, `source`) in `prefect config view -o json`.
fn view_setting<'a>(view: &'a Value, name: &str) -> &'a Value {
    view["settings"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["name"] == name))
        .unwrap_or_else(|| panic!("{name} missing: {view}"))
}

fn ours_json(sb: &Sandbox, args: &[&str]) -> Value {
    let out = sb.run(args);
    assert!(out.status.success(), "prefectx {args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What Prefect's runtime actually uses (not what its CLI shows): docs/prefect-compat.md, "A bundled profile named by `active`".
fn runtime(sb: &Sandbox, venv: &std::path::Path) -> (String, String) {
    let mut c = Command::new(venv.join("bin/python"));
    c.env_clear()
        .envs(sb.envs())
        .env("DO_NOT_TRACK", "1")
        .current_dir(sb.home());
    c.args(["-c", "from prefect.settings import get_current_settings as g; s = g(); print(s.api.url); print(s.server.ephemeral.enabled)"]);
    let out = c.output().unwrap();
    let text = stdout(&out);
    let mut l = text.lines();
    (
        l.next().unwrap_or("").to_string(),
        l.next().unwrap_or("").to_string(),
    )
}

/// `prefect profile ls -o json` as (name, active) pairs.
fn prefect_ls(sb: &Sandbox, v: &std::path::Path) -> Vec<(String, bool)> {
    prefect_json(sb, v, &["profile", "ls", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["active"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// `prefectx ls --json`, file profiles only, as (name, active) pairs.
fn ours_ls(sb: &Sandbox) -> Vec<(String, bool)> {
    ours_json(sb, &["ls", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in_file"] == true)
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["active"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn catalogue_matches_prefects_own_list_of_setting_names() {
    let Some(v) = venv() else { return };
    let out = Command::new(v.join("bin/python"))
        .args(["-c", "from prefect.settings import Settings\nfrom prefect.settings.legacy import _get_valid_setting_names as n\nprint('\\n'.join(sorted(n(Settings))))"])
        .env("DO_NOT_TRACK", "1")
        .output()
        .unwrap();
    let theirs: Vec<String> = stdout(&out).lines().map(String::from).collect();
    let tsv = std::fs::read_to_string(format!(
        "{}/data/prefect-settings.tsv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut ours: Vec<String> = tsv
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect();
    ours.sort();
    assert_eq!(
        ours, theirs,
        "data/prefect-settings.tsv differs from prefect 3.9.1"
    );
}

/// `scripts/SCRIPT` run with the real prefect prints exactly the committed `data/DATA`.
/// What `scripts/SCRIPT` prints, run with the prefect venv's python; None when skipped.
fn script_output(script: &str) -> Option<String> {
    let v = venv()?;
    let out = Command::new(v.join("bin/python"))
        .arg(format!("{}/scripts/{script}", env!("CARGO_MANIFEST_DIR")))
        .env("DO_NOT_TRACK", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    Some(stdout(&out))
}

fn regenerated_from_prefect(script: &str, data: &str) {
    let Some(printed) = script_output(script) else {
        return;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let committed = std::fs::read_to_string(format!("{root}/data/{data}")).unwrap();
    assert_eq!(
        printed, committed,
        "data/{data} is stale: run scripts/{script} with the prefect venv"
    );
}

#[test]
fn value_checks_are_regenerated_from_prefect() {
    regenerated_from_prefect("prefect-checks.py", "prefect-checks.tsv");
}

/// The values that hold back an unallowed project file (data/prefect-defaults.tsv) are Prefect
/// 3.9.1's own: made again from the real package, they are the committed file.
#[test]
fn neutral_values_are_regenerated_from_prefect() {
    regenerated_from_prefect("prefect-defaults.py", "prefect-defaults.tsv");
}

/// `config set` accepts exactly what Prefect's own validation accepts (the
/// check `prefect config set` runs: `Profile.validate_settings`), for the catalogue's bool, int,
/// float and Literal settings and a sample of values: fixed hard cases plus seeded random ones.
#[test]
fn config_set_value_checks_agree_with_prefect() {
    let Some(v) = venv() else { return };
    let tsv = std::fs::read_to_string(format!(
        "{}/data/prefect-settings.tsv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut by_type: std::collections::BTreeMap<&str, Vec<(String, String)>> = Default::default();
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (name, kind, ty) = (f[0], f[1], f[5]);
        if kind != "canonical" || name == "PREFECT_HOME" || name == "PREFECT_PROFILES_PATH" {
            continue;
        }
        let class = match ty.trim_start_matches("Optional[").trim_end_matches(']') {
            "<class 'bool'>" => "bool",
            "<class 'int'>" => "int",
            "<class 'float'>" => "float",
            t if t.starts_with("Literal[") => "literal",
            _ => continue,
        };
        by_type
            .entry(class)
            .or_default()
            .push((name.to_string(), ty.to_string()));
    }
    // A seeded generator: the same sample every run, different values per setting.
    let mut seed: u64 = 0x005e_ed17;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet: Vec<char> = "0123456789._-+eEinfatyrusolNIFT ".chars().collect();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (class, settings) in &by_type {
        let fixed: Vec<String> = match *class {
            "bool" => [
                "true", "True", "TRUE", "tRuE", "yes", "Y", "on", "1", "0", "off", "F", "no",
                "nope", "2", "", " true", "false ",
            ]
            .map(String::from)
            .to_vec(),
            "int" | "float" => [
                "0", "1", "-1", "+4", " 5 ", "1.0", "1.", "1.5", "1e3", "1_000", "1__0", "_1",
                "0x10", "inf", "-inf", "nan", "Infinity", "1e400", ".5", "-0.0", "", "abc",
            ]
            .map(String::from)
            .to_vec(),
            _ => Vec::new(),
        };
        for (i, (name, ty)) in settings.iter().enumerate() {
            let mut values = fixed.clone();
            if *class == "literal" {
                let choices: Vec<String> = ty
                    .split("Literal[")
                    .nth(1)
                    .unwrap()
                    .split(", ")
                    .map(|c| c.trim_matches(|c| c == '\'' || c == ']').to_string())
                    .collect();
                for c in &choices {
                    values.extend([
                        c.clone(),
                        c.to_lowercase(),
                        c.to_uppercase(),
                        format!(" {c}"),
                        format!("{c}x"),
                    ]);
                }
                values.extend(["".to_string(), "nope".to_string()]);
            } else if i % 6 != 0 {
                // Fixed values for every sixth setting of a type; random ones for all.
                values.clear();
            }
            for _ in 0..4 {
                let len = 1 + (next() % 6) as usize;
                values.push(
                    (0..len)
                        .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                        .collect(),
                );
            }
            pairs.extend(values.into_iter().map(|v| (name.clone(), v)));
        }
    }
    // Prefect's verdicts, from one Python process.
    // `prefect config set` validates with `Profile.validate_settings` (the whole Settings model,
    // ~35 ms a value); the field's own model gives the same verdict ~30x faster. Every tenth pair
    // is judged both ways, and a difference fails the test.
    let oracle = r#"import json, sys
from prefect.settings import Settings
from prefect.settings.legacy import _get_settings_fields
from prefect.settings.profiles import Profile
f = _get_settings_fields(Settings)
def full(n, v):
    try:
        Profile(name="t", settings={f[n]: v}).validate_settings()
        return True
    except Exception:
        return False
def inner(n, v):
    parts = f[n].accessor.split(".")
    m = Settings
    for p in parts[:-1]:
        m = m.model_fields[p].annotation
    try:
        m.model_validate({parts[-1]: v})
        return True
    except Exception:
        return False
out = []
for i, (n, v) in enumerate(json.load(sys.stdin)):
    ok = inner(n, v)
    if i % 10 == 0 and full(n, v) != ok:
        sys.exit(f"the field's model and Profile.validate_settings disagree on {n}={v!r}")
    out.append(ok)
print(json.dumps(out))
"#;
    let mut child = Command::new(v.join("bin/python"))
        .args(["-c", oracle])
        .env("DO_NOT_TRACK", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        child.stdin.as_mut().unwrap(),
        serde_json::to_string(&pairs).unwrap().as_bytes(),
    )
    .unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    let theirs: Vec<bool> = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("oracle: {e}: {}", stderr(&out)));
    assert_eq!(theirs.len(), pairs.len());
    let sb = Sandbox::new();
    sb.write_profiles("[profiles.t]\n");
    // Each verdict is a real `config set`, which fsyncs; on tmpfs that costs nothing.
    let shm = std::path::Path::new("/dev/shm");
    let scratch = shm
        .is_dir()
        .then(|| tempfile::tempdir_in(shm).ok())
        .flatten();
    if let Some(d) = &scratch {
        std::fs::write(d.path().join("profiles.toml"), "[profiles.t]\n").unwrap();
        sb.set_env(
            "PREFECT_PROFILES_PATH",
            &d.path().join("profiles.toml").display().to_string(),
        );
    }
    let mut disagree = Vec::new();
    for ((name, value), prefect_ok) in pairs.iter().zip(&theirs) {
        let o = sb.run(&["config", "set", "-p", "t", &format!("{name}={value}")]);
        if o.status.success() != *prefect_ok {
            disagree.push(format!(
                "{name}={value:?}: prefect {}, prefectx {} {}",
                if *prefect_ok { "accepts" } else { "rejects" },
                if o.status.success() {
                    "accepts"
                } else {
                    "rejects"
                },
                stderr(&o).trim()
            ));
        }
    }
    eprintln!("value checks compared with prefect: {} pairs", pairs.len());
    assert!(
        disagree.is_empty(),
        "{} disagreements:\n{}",
        disagree.len(),
        disagree.join("\n")
    );
}

#[test]
fn prefectx_profile_changes_are_what_prefect_sees() {
    let Some(v) = venv() else { return };
    let sb = Sandbox::new();
    for args in [
        vec!["profile", "create", "dev"],
        vec!["profile", "create", "stage", "--from", "local"],
        vec!["profile", "create", "my prof.1"],
        vec!["profile", "rename", "stage", "staging"],
        vec!["use", "--global", "dev"],
        vec!["profile", "create", "gone"],
        vec!["profile", "delete", "gone", "--yes"],
    ] {
        let out = sb.run(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(prefect_ls(&sb, &v), ours_ls(&sb));
    assert_eq!(
        prefect_ls(&sb, &v),
        [
            ("dev".to_string(), true),
            ("staging".into(), false),
            ("my prof.1".into(), false)
        ]
    );
    let inspect = prefect_json(&sb, &v, &["profile", "inspect", "staging", "-o", "json"]);
    assert_eq!(
        inspect,
        serde_json::json!({"PREFECT_API_URL": "http://127.0.0.1:4200/api"})
    );
}

#[test]
fn prefectx_config_set_with_alias_and_boolean_is_what_prefect_sees() {
    let Some(v) = venv() else { return };
    let sb = Sandbox::new();
    sb.write_profiles("active = \"dev\"\n\n[profiles.dev]\n");
    let out = sb.run(&[
        "config",
        "set",
        "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE=false",
        "PREFECT_CLI_COLORS=False",
        "PREFECT_API_KEY=pnu_sekrit",
        "PREFECT_API_URL=http://x:4200/api",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let theirs = prefect_json(&sb, &v, &["profile", "inspect", "dev", "-o", "json"]);
    let ours = ours_json(
        &sb,
        &["profile", "inspect", "dev", "--json", "--show-secrets"],
    );
    assert_eq!(theirs, ours);
    assert_eq!(
        theirs["PREFECT_SERVER_EPHEMERAL_ENABLED"], "false",
        "alias written canonically"
    );
    let view = prefect_json(&sb, &v, &["config", "view", "-o", "json", "--show-secrets"]);
    assert_eq!(view["profile"], "dev");
    let key = view_setting(&view, "PREFECT_API_KEY");
    assert_eq!(key["value"], "pnu_sekrit");
    assert_eq!(key["source"], "profile");
    // unset
    assert!(sb
        .run(&["config", "unset", "PREFECT_CLI_COLORS"])
        .status
        .success());
    let theirs = prefect_json(&sb, &v, &["profile", "inspect", "dev", "-o", "json"]);
    assert!(theirs.get("PREFECT_CLI_COLORS").is_none());
}

#[test]
fn prefect_profile_changes_are_what_prefectx_sees() {
    let Some(v) = venv() else { return };
    let sb = Sandbox::new();
    prefect(&sb, &v, &["profile", "create", "a"]);
    prefect(&sb, &v, &["profile", "create", "b b"]);
    prefect(&sb, &v, &["profile", "create", "c.d"]);
    prefect(
        &sb,
        &v,
        &[
            "--profile",
            "a",
            "config",
            "set",
            "PREFECT_API_URL=http://a/api",
            "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE=true",
            "PREFECT_CLIENT_MAX_RETRIES=3",
        ],
    );
    let _ = prefect_cmd(&sb, &v, &["profile", "use", "a"]).output();
    prefect(&sb, &v, &["profile", "rename", "c.d", "e.f"]);
    prefect(&sb, &v, &["profile", "delete", "b b"]);
    prefect(
        &sb,
        &v,
        &["config", "unset", "PREFECT_CLIENT_MAX_RETRIES", "-y"],
    );
    assert_eq!(ours_ls(&sb), prefect_ls(&sb, &v));
    assert_eq!(
        ours_ls(&sb),
        [("a".to_string(), true), ("e.f".into(), false)]
    );
    let ours = ours_json(
        &sb,
        &["profile", "inspect", "a", "--json", "--show-secrets"],
    );
    assert_eq!(
        ours,
        serde_json::json!({"PREFECT_API_URL": "http://a/api", "PREFECT_SERVER_EPHEMERAL_ENABLED": "true"})
    );
    let env = ours_json(&sb, &["env", "--json"]);
    assert_eq!(env["set"]["PREFECT_PROFILE"], "a");
    assert_eq!(env["set"]["PREFECT_API_URL"], "http://a/api");
}

#[test]
fn applied_profile_is_what_prefect_uses_from_the_environment() {
    let Some(v) = venv() else { return };
    if !have("bash") {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles("active = \"local\"\n\n[profiles.p]\nPREFECT_API_URL = \"http://p:4200/api\"\nPREFECT_API_KEY = \"pnu_p\" # key\nPREFECT_LOGGING_LEVEL = \"DEBUG\"\nPREFECT_CLIENT_MAX_RETRIES = 7\n");
    let prefect_bin = v.join("bin/prefect").display().to_string();
    let check = |view: &Value, how: &str| {
        assert_eq!(view["profile"], "p", "{how}");
        for (k, want) in [
            ("PREFECT_API_URL", "http://p:4200/api"),
            ("PREFECT_API_KEY", "pnu_p"),
            ("PREFECT_LOGGING_LEVEL", "DEBUG"),
            ("PREFECT_CLIENT_MAX_RETRIES", "7"),
        ] {
            let s = view_setting(view, k);
            assert_eq!(s["value"], want, "{how}: {k}");
            assert_eq!(s["source"], "env", "{how}: {k}");
        }
    };
    let out = sb.shell(
        "bash",
        &format!("eval \"$(\"$PREFECTX\" env p --shell bash)\" && '{prefect_bin}' config view -o json --show-secrets"),
        &[("DO_NOT_TRACK", "1"), ("PREFECT_API_KEY", "pnu_stale_from_elsewhere")],
    );
    check(
        &serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", stderr(&out))),
        "eval env",
    );
    let out = sb
        .cmd()
        .args([
            "exec",
            "p",
            "--",
            &prefect_bin,
            "config",
            "view",
            "-o",
            "json",
            "--show-secrets",
        ])
        .env("DO_NOT_TRACK", "1")
        .output()
        .unwrap();
    check(&serde_json::from_slice(&out.stdout).unwrap(), "exec");
}

#[test]
fn bundled_profiles_made_active_really_run() {
    let Some(v) = venv() else { return };
    for (name, url, eph) in [
        ("local", "http://127.0.0.1:4200/api", "False"),
        ("ephemeral", "None", "True"),
        ("test", "None", "True"),
        ("cloud", "None", "False"),
    ] {
        let sb = Sandbox::new();
        // Start from another active profile, so the runtime's fallback would be visible.
        sb.write_profiles(
            "active = \"other\"\n\n[profiles.other]\nPREFECT_API_URL = \"http://other/api\"\n",
        );
        let out = sb.run(&["use", "--global", name]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            runtime(&sb, &v),
            (url.to_string(), eph.to_string()),
            "runtime after `prefectx use --global {name}`"
        );
    }
}

#[test]
fn files_written_by_prefect_read_right_and_ours_read_right_by_prefect() {
    let Some(v) = venv() else { return };
    // Prefect writes: aliases canonicalised, strings, its own order.
    let sb = Sandbox::new();
    prefect(&sb, &v, &["profile", "create", "q\"x"]);
    prefect(
        &sb,
        &v,
        &[
            "--profile",
            "q\"x",
            "config",
            "set",
            "PREFECT_API_DATABASE_CONNECTION_URL=sqlite:///x.db",
            "PREFECT_CLI_COLORS=false",
        ],
    );
    let ours = ours_json(
        &sb,
        &["profile", "inspect", "q\"x", "--json", "--show-secrets"],
    );
    assert_eq!(
        ours,
        prefect_json(&sb, &v, &["profile", "inspect", "q\"x", "-o", "json"])
    );
    // We write over a hand-formatted file with comments and unknown keys: Prefect reads what
    // we meant, and the comments are still there (Prefect itself would drop them).
    let sb = Sandbox::new();
    let hand = "# my notes\nactive = 'ünï'   # single-quoted, hand-made\n\n[profiles.'ünï']\nPREFECT_API_URL = 'http://u/api'\nPREFECT_CLIENT_MAX_RETRIES = 4   # a number, not a string\nPREFECT_NOT_A_SETTING = \"kept by prefectx\"\n\n[profiles.\"with space\"]\n";
    sb.write_profiles(hand);
    assert!(sb
        .run(&["config", "set", "PREFECT_LOGGING_LEVEL=WARNING"])
        .status
        .success());
    assert!(sb
        .run(&[
            "config",
            "set",
            "-p",
            "with space",
            "PREFECT_API_URL=http://s/api"
        ])
        .status
        .success());
    let text = sb.read_profiles();
    assert!(
        text.starts_with("# my notes\nactive = 'ünï'   # single-quoted, hand-made\n"),
        "{text}"
    );
    assert!(
        text.contains("PREFECT_CLIENT_MAX_RETRIES = 4   # a number"),
        "{text}"
    );
    assert!(
        text.contains("PREFECT_NOT_A_SETTING"),
        "unknown keys kept: {text}"
    );
    let theirs = prefect_json(&sb, &v, &["profile", "inspect", "ünï", "-o", "json"]);
    assert_eq!(theirs["PREFECT_API_URL"], "http://u/api");
    assert_eq!(theirs["PREFECT_LOGGING_LEVEL"], "WARNING");
    // Found here, now in docs/prefect-compat.md, "Numbers written by hand": Prefect's `inspect -o json` shows a hand-written TOML
    // number as a JSON number; we show the string Prefect's writer and the env would carry.
    assert_eq!(theirs["PREFECT_CLIENT_MAX_RETRIES"], 4);
    let ours = ours_json(&sb, &["profile", "inspect", "ünï", "--json"]);
    assert_eq!(ours["PREFECT_CLIENT_MAX_RETRIES"], "4");
    let theirs = prefect_json(&sb, &v, &["profile", "inspect", "with space", "-o", "json"]);
    assert_eq!(theirs["PREFECT_API_URL"], "http://s/api");
    assert_eq!(
        prefect_ls(&sb, &v),
        [("ünï".to_string(), true), ("with space".into(), false)]
    );
}

#[test]
fn cloud_commands_interoperate_in_both_directions() {
    let Some(v) = venv() else { return };
    let server = cloud::standard();
    let sb = Sandbox::new();
    sb.set_env("PREFECT_CLOUD_API_URL", &server.base);
    sb.write_profiles("active = \"work\"\n\n[profiles.work]\n");
    // prefect logs in; prefectx sees it.
    prefect(
        &sb,
        &v,
        &[
            "cloud",
            "login",
            "--key",
            GOOD_KEY,
            "--workspace",
            "acme/prod",
        ],
    );
    let ours = ours_json(
        &sb,
        &["profile", "inspect", "work", "--json", "--show-secrets"],
    );
    assert_eq!(ours["PREFECT_API_KEY"], GOOD_KEY);
    assert_eq!(
        ours["PREFECT_API_URL"],
        format!(
            "{}/accounts/{}/workspaces/{}",
            server.base,
            cloud::ACME,
            cloud::PROD
        )
    );
    prefect(
        &sb,
        &v,
        &[
            "cloud",
            "workspace",
            "set",
            "--workspace",
            "personal/sandbox",
        ],
    );
    let env = ours_json(&sb, &["env", "--json"]);
    assert_eq!(
        env["set"]["PREFECT_API_URL"],
        format!(
            "{}/accounts/{}/workspaces/{}",
            server.base,
            cloud::PERSONAL,
            cloud::SANDBOX
        )
    );
    // prefectx switches and logs out; prefect sees it.
    assert!(sb.run(&["workspace", "set", "acme/dev"]).status.success());
    let view = prefect_json(&sb, &v, &["config", "view", "-o", "json", "--show-secrets"]);
    let url = view_setting(&view, "PREFECT_API_URL");
    assert_eq!(
        url["value"],
        format!(
            "{}/accounts/{}/workspaces/{}",
            server.base,
            cloud::ACME,
            cloud::DEV
        )
    );
    let out = prefect_cmd(&sb, &v, &["cloud", "workspace", "ls", "-o", "json"])
        .output()
        .unwrap();
    let theirs: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours = ours_json(&sb, &["workspace", "ls", "--json", "--refresh"]);
    assert_eq!(theirs, ours, "same seven fields, same order");
    assert!(sb.run(&["logout"]).status.success());
    let out = prefect_cmd(&sb, &v, &["cloud", "logout"]).output().unwrap();
    assert!(
        stdout(&out).contains("not logged into Prefect Cloud"),
        "{}",
        stdout(&out)
    );
    // prefectx logs in to a new profile; prefect uses it.
    assert!(sb.run(&cloud::login_args(&["-p", "prod"])).status.success());
    let view = prefect_json(
        &sb,
        &v,
        &[
            "--profile",
            "prod",
            "config",
            "view",
            "-o",
            "json",
            "--show-secrets",
        ],
    );
    assert_eq!(view["profile"], "prod");
    let key = view_setting(&view, "PREFECT_API_KEY");
    assert_eq!(key["value"], GOOD_KEY);
}

#[test]
fn deliberate_differences_are_pinned() {
    let Some(v) = venv() else { return };
    let sb = Sandbox::new();
    sb.write_profiles(
        "active = \"a\"\n\n[profiles.a]\nPREFECT_API_KEY = \"pnu_x\"\n\n[profiles.b]\n",
    );
    // Secrets: Prefect prints them; we mask unless asked.
    let theirs = stdout(&prefect(&sb, &v, &["profile", "inspect", "a"]));
    assert!(theirs.contains("pnu_x"));
    let ours = stdout(&sb.run(&["profile", "inspect", "a"]));
    assert!(!ours.contains("pnu_x") && ours.contains("********"));
    // Deleting the active profile: both refuse.
    let out = prefect_cmd(&sb, &v, &["profile", "delete", "a"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(sb.run(&["profile", "delete", "a"]).status.code(), Some(1));
    // Prefect's `profile ls` hides bundled profiles; ours lists them, marked.
    assert_eq!(prefect_ls(&sb, &v).len(), 2);
    assert_eq!(
        ours_json(&sb, &["ls", "--json"]).as_array().unwrap().len(),
        6
    );
}

/// Which Prefect commands ask on a protected profile (data/prefect-commands.tsv) covers exactly
/// the real package's command tree: a command Prefect adds is in neither list and fails here,
/// and so does a listed one Prefect no longer has.
#[test]
fn the_protected_command_table_is_prefects_command_tree() {
    let Some(printed) = script_output("prefect-commands.py") else {
        return;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let tree: std::collections::BTreeMap<String, String> = printed
        .lines()
        .map(|l| {
            let (p, k) = l.split_once('\t').unwrap();
            (p.to_string(), k.to_string())
        })
        .collect();
    assert!(tree.len() > 300, "{} commands", tree.len());
    let table = std::fs::read_to_string(format!("{root}/data/prefect-commands.tsv")).unwrap();
    let mut listed = std::collections::BTreeMap::new();
    for l in table.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let (p, c) = l.split_once('\t').unwrap();
        let kind = if c == "group" { "group" } else { "command" };
        assert!(
            [
                "group",
                "read",
                "change",
                "change-to",
                "change-named",
                "api"
            ]
            .contains(&c),
            "{p}: unknown class {c}"
        );
        listed.insert(p.to_string(), kind.to_string());
    }
    let missing: Vec<&String> = tree.keys().filter(|p| !listed.contains_key(*p)).collect();
    let gone: Vec<&String> = listed.keys().filter(|p| !tree.contains_key(*p)).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "Prefect's commands in neither list of data/prefect-commands.tsv: {missing:?}; listed but not Prefect's: {gone:?}"
    );
    assert_eq!(
        tree, listed,
        "a group listed as a command or the other way round"
    );
}
