//! Against the real `prefect==3.9.1`: in an allowed folder, the hooked shell's
//! `PREFECT_*` environment is exactly what `prefect config view --show-secrets` resolves in that
//! folder with nothing exported: `.env` only, `prefect.toml` only, pyproject only, all three
//! disagreeing, aliases, nested tables, and PREFECT_PROFILES_PATH set by a project file.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;

const FILE: &str = "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev/api\"\nPREFECT_API_KEY = \"pnu_devkey\"\nPREFECT_LOGGING_LEVEL = \"INFO\"\nPREFECT_CLIENT_MAX_RETRIES = \"4\"\n";

/// `prefect config view --show-secrets -o json` in `dir`, as JSON.
fn prefect_view_json(sb: &Sandbox, venv: &Path, dir: &Path) -> serde_json::Value {
    let out = Command::new(venv.join("bin/prefect"))
        .env_clear()
        .envs(sb.envs())
        .env("DO_NOT_TRACK", "1")
        .current_dir(dir)
        .args(["config", "view", "--show-secrets", "-o", "json"])
        .output()
        .expect("run prefect");
    assert!(out.status.success(), "prefect: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
}

/// Each setting of a `config view -o json` (Prefect's or ours): name → (value, source).
fn view_settings(v: &serde_json::Value) -> BTreeMap<String, (String, String)> {
    v["settings"]
        .as_array()
        .expect("settings")
        .iter()
        .map(|s| {
            let value = match &s["value"] {
                serde_json::Value::String(x) => x.clone(),
                other => other.to_string(),
            };
            let source = s["source"].as_str().unwrap_or_default().to_string();
            (s["name"].as_str().unwrap().to_string(), (value, source))
        })
        .collect()
}

/// What `prefect config view` resolves in `dir`, with the profile as PREFECT_PROFILE.
fn prefect_view(sb: &Sandbox, venv: &Path, dir: &Path) -> BTreeMap<String, String> {
    let v = prefect_view_json(sb, venv, dir);
    let mut m: BTreeMap<String, String> = view_settings(&v)
        .into_iter()
        .map(|(k, (value, _))| (k, value))
        .collect();
    m.insert(
        "PREFECT_PROFILE".into(),
        v["profile"].as_str().expect("profile").to_string(),
    );
    m
}

/// The `PREFECT_*` variables of a bash that ran the hook in `dir`.
fn hooked_shell(sb: &Sandbox, dir: &Path) -> BTreeMap<String, String> {
    let out = Command::new("bash")
        .env_clear()
        .envs(sb.envs())
        .env("PREFECTX", BIN)
        .current_dir(dir)
        .args(["-c", "eval \"$(\"$PREFECTX\" hook bash)\" && env -0"])
        .output()
        .expect("run bash");
    assert!(out.status.success(), "{}", stderr(&out));
    prefect_vars(&parse_env0(&out.stdout))
}

fn case(venv: &Path, name: &str, files: &[(&str, &str)]) {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let dir = sb.home().join("proj");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(sb.home().join("alt")).unwrap();
    std::fs::write(
        sb.home().join("alt/profiles.toml"),
        "active = \"a\"\n[profiles.a]\nPREFECT_API_URL = \"http://alt/api\"\nPREFECT_API_KEY = \"pnu_altkey\"\n",
    )
    .unwrap();
    for (f, text) in files {
        let text = text.replace("@HOME@", &sb.home().display().to_string());
        std::fs::write(dir.join(f), text).unwrap();
    }
    let unallowed = hooked_shell(&sb, &dir);
    // --yes: some cases move the keyed profile's URL on purpose (allow asks then).
    let o = sb.run_in(&dir, &["allow", "--yes"]);
    assert!(o.status.success(), "{name}: allow: {}", stderr(&o));
    let ours = hooked_shell(&sb, &dir);
    let theirs = prefect_view(&sb, venv, &dir);
    assert_eq!(
        ours, theirs,
        "{name}: the hooked shell differs from prefect"
    );
    assert_ne!(ours, unallowed, "{name}: the case changes nothing");
    eprintln!("{name}: {} settings agree", ours.len());
}

#[test]
fn an_allowed_folder_gives_what_prefect_resolves_there() {
    let Some(venv) = prefect_venv() else {
        return;
    };
    case(
        &venv,
        ".env only",
        &[(
            ".env",
            "# team settings\nexport PREFECT_API_URL=\"http://dotenv/api\" # the server\nPREFECT_LOGGING_LEVEL='WARNING'\nPREFECT_UI_URL=${HOME}/ui\nPREFECT_CLIENT_RETRY_JITTER_FACTOR = 0.5\nOTHER=ignored\n",
        )],
    );
    case(
        &venv,
        ".env syntax as python-dotenv reads it",
        &[(
            ".env",
            "\u{feff}  export   PREFECT_API_URL=http://a/api#frag # comment\nnot a binding\nPREFECT_UI_URL=\"l1\nl2 \\\"q\\\" \\t ${HOME}\"\nPREFECT_CLOUD_UI_URL='it\\'s ${NOPE:-dflt} $HOME'\n'PREFECT_CLOUD_API_URL' = \"${PREFECT_UI_URL}/x\"   \n",
        )],
    );
    case(
        &venv,
        "prefect.toml only, nested tables",
        &[(
            "prefect.toml",
            "[api]\nurl = \"http://toml/api\"\n[client]\nmax_retries = 7\ncsrf_support_enabled = false\n[server.database]\ntimeout = 3.5\n[server.api]\nport = 4300\n[logging]\nlevel = \"debug\"\n",
        )],
    );
    case(
        &venv,
        "pyproject.toml only",
        &[(
            "pyproject.toml",
            "[project]\nname = \"flows\"\n[tool.prefect]\napi.url = \"http://pyproject/api\"\n[tool.prefect.client]\nmax_retries = 2\n",
        )],
    );
    case(
        &venv,
        "all three disagreeing",
        &[
            (
                "pyproject.toml",
                "[tool.prefect]\napi.url = \"http://pyproject/api\"\nlogging.level = \"ERROR\"\n[tool.prefect.client]\nmax_retries = 2\n",
            ),
            (
                "prefect.toml",
                "[api]\nurl = \"http://toml/api\"\n[logging]\nlevel = \"CRITICAL\"\n",
            ),
            (".env", "PREFECT_API_URL=http://dotenv/api\n"),
        ],
    );
    case(
        &venv,
        "aliases",
        &[(
            ".env",
            "PREFECT_LOGGING_SERVER_LEVEL=WARNING\nPREFECT_API_SERVICES_SCHEDULER_ENABLED=false\n",
        )],
    );
    case(
        &venv,
        "PREFECT_PROFILES_PATH in prefect.toml",
        &[(
            "prefect.toml",
            "profiles_path = \"@HOME@/alt/profiles.toml\"\n[client]\nmax_retries = 9\n",
        )],
    );
}

#[test]
fn profiles_path_from_a_project_file_chooses_the_file() {
    let Some(venv) = prefect_venv() else {
        return;
    };
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let alt = sb.home().join("alt");
    std::fs::create_dir_all(&alt).unwrap();
    std::fs::write(
        alt.join("profiles.toml"),
        "active = \"a\"\n[profiles.a]\nPREFECT_API_URL = \"http://alt/api\"\n",
    )
    .unwrap();
    for (file, text) in [
        (
            ".env",
            format!("PREFECT_PROFILES_PATH={}/profiles.toml\n", alt.display()),
        ),
        (
            "pyproject.toml",
            format!(
                "[tool.prefect]\nprofiles_path = \"{}/profiles.toml\"\n",
                alt.display()
            ),
        ),
    ] {
        let dir = sb.home().join(format!("p{}", file.len()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(file), text).unwrap();
        assert!(sb
            .cmd()
            .current_dir(&dir)
            .arg("allow")
            .status()
            .unwrap()
            .success());
        let ours = hooked_shell(&sb, &dir);
        assert_eq!(
            ours.get("PREFECT_PROFILE").map(String::as_str),
            Some("a"),
            "{file}"
        );
        assert_eq!(ours, prefect_view(&sb, &venv, &dir), "{file}");
    }
}

/// `prefectx config view` in an allowed folder names each value's source as Prefect's own
/// `config view` does there: the project files over the profile.
#[test]
fn config_view_names_the_sources_prefect_names() {
    let Some(venv) = prefect_venv() else { return };
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let dir = sb.home().join("proj");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".env"), "PREFECT_LOGGING_LEVEL=DEBUG\n").unwrap();
    std::fs::write(dir.join("prefect.toml"), "[client]\nmax_retries = 7\n").unwrap();
    assert!(sb.run_in(&dir, &["allow", "--yes"]).status.success());
    let theirs = view_settings(&prefect_view_json(&sb, &venv, &dir));
    let o = sb.run_in(&dir, &["config", "view", "--json", "--show-secrets"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ours = view_settings(&serde_json::from_slice(&o.stdout).unwrap());
    assert_eq!(ours, theirs);
    assert_eq!(
        ours["PREFECT_LOGGING_LEVEL"],
        ("DEBUG".to_string(), ".env file".to_string())
    );
}
