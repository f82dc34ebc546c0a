//! `env` and `exec`: the exact-environment rule, defaults, errors that print nothing on stdout.

mod common;

use common::*;

const FILE: &str = r#"# my profiles
active = "dev"

[profiles.dev]
PREFECT_API_URL = "http://dev:4200/api" # dev server
PREFECT_LOGGING_LEVEL = "DEBUG"

[profiles.cloudy]
PREFECT_API_URL = "https://api.prefect.cloud/api/accounts/11111111-1111-1111-1111-111111111111/workspaces/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
PREFECT_API_KEY = "pnu_secret_cloudy"
"#;

#[test]
fn works_out_of_the_box_with_no_files() {
    let sb = Sandbox::new();
    if !have("bash") {
        return;
    }
    let out = sb.shell(
        "bash",
        r#"eval "$("$PREFECTX" env local)"; echo "$PREFECT_API_URL""#,
        &[],
    );
    assert_eq!(
        stdout(&out),
        "http://127.0.0.1:4200/api\n",
        "{}",
        stderr(&out)
    );
    assert!(!sb.profiles_path().exists(), "env must never write");
}

#[test]
fn switching_leaves_no_stale_key_in_any_shell() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    for shell in ["bash", "zsh", "dash", "fish"] {
        if !have(shell) {
            continue;
        }
        let script = match shell {
            "fish" => "\"$PREFECTX\" env cloudy --shell fish | source; \"$PREFECTX\" env dev --shell fish | source; env -0".to_string(),
            _ => format!(
                "eval \"$(\"$PREFECTX\" env cloudy --shell {s})\"; eval \"$(\"$PREFECTX\" env dev --shell {s})\"; env -0",
                s = if shell == "dash" { "sh" } else { shell }
            ),
        };
        let out = sb.shell(
            shell,
            &script,
            &[
                ("PREFECT_OTHER_THING", "x"),
                ("PREFECTX_KEEP", "PREFECT_KEPT"),
                ("PREFECT_KEPT", "k"),
            ],
        );
        let env = prefect_vars(&parse_env0(&out.stdout));
        assert_eq!(
            env.get("PREFECT_API_URL").map(String::as_str),
            Some("http://dev:4200/api"),
            "{shell}"
        );
        assert_eq!(
            env.get("PREFECT_LOGGING_LEVEL").map(String::as_str),
            Some("DEBUG"),
            "{shell}"
        );
        assert_eq!(
            env.get("PREFECT_PROFILE").map(String::as_str),
            Some("dev"),
            "{shell}"
        );
        assert_eq!(
            env.get("PREFECT_KEPT").map(String::as_str),
            Some("k"),
            "{shell}: PREFECTX_KEEP"
        );
        assert!(
            !env.contains_key("PREFECT_API_KEY"),
            "{shell}: stale key survived: {env:?}"
        );
        assert!(!env.contains_key("PREFECT_OTHER_THING"), "{shell}: {env:?}");
        assert_eq!(env.len(), 4, "{shell}: {env:?}");
    }
}

#[test]
fn prefect_home_and_profiles_path_are_kept() {
    let sb = Sandbox::new();
    let ph = sb.dir.path().join("ph");
    std::fs::create_dir_all(&ph).unwrap();
    std::fs::write(
        ph.join("profiles.toml"),
        "[profiles.x]\nPREFECT_API_URL = \"http://x/api\"\n",
    )
    .unwrap();
    let out = sb
        .cmd()
        .args(["env", "x", "--json"])
        .env("PREFECT_HOME", &ph)
        .env("PREFECT_PROFILES_PATH", ph.join("profiles.toml"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["set"]["PREFECT_API_URL"], "http://x/api");
    assert_eq!(v["set"]["PREFECT_PROFILE"], "x");
    assert_eq!(
        v["unset"],
        serde_json::json!([]),
        "PREFECT_HOME/PROFILES_PATH must not be unset"
    );
}

#[test]
fn json_lists_what_to_unset() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let out = sb
        .cmd()
        .args(["env", "dev", "--json"])
        .env("PREFECT_API_KEY", "pnu_old")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["unset"], serde_json::json!(["PREFECT_API_KEY"]));
    assert_eq!(v["set"]["PREFECT_LOGGING_LEVEL"], "DEBUG");
    // nu gets the same JSON
    let nu = sb
        .cmd()
        .args(["env", "dev", "--shell", "nu"])
        .env("PREFECT_API_KEY", "pnu_old")
        .output()
        .unwrap();
    assert_eq!(nu.stdout, out.stdout);
}

#[test]
fn default_profile_follows_prefects_order() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let json = |envs: &[(&str, &str)]| {
        let mut c = sb.cmd();
        c.args(["env", "--json"]);
        for (k, v) in envs {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
        v["set"]["PREFECT_PROFILE"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(json(&[]), "dev", "active");
    assert_eq!(
        json(&[("PREFECT_PROFILE", "cloudy")]),
        "cloudy",
        "PREFECT_PROFILE wins"
    );
    sb.write_profiles("[profiles.a]\n");
    assert_eq!(json(&[]), "ephemeral", "no active: ephemeral");
}

#[test]
fn unknown_profile_lists_names_and_prints_nothing() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let out = sb.run(&["env", "nosuch", "--shell", "bash"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("'nosuch' not found") && err.contains("'dev', 'cloudy', 'ephemeral'"),
        "{err}"
    );
}

#[test]
fn broken_file_one_line_nothing_on_stdout_never_rewritten() {
    let sb = Sandbox::new();
    let broken = "active = \"dev\"\n\n[profiles.dev\nPREFECT_API_URL = \"x\"\n";
    sb.write_profiles(broken);
    let path = sb.profiles_path().display().to_string();
    for args in [
        vec!["env", "dev", "--shell", "bash"],
        vec!["config", "set", "PREFECT_API_URL=y"],
        vec!["use", "--global", "local"],
        vec!["profile", "create", "z"],
        vec!["logout"],
    ] {
        let out = sb.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", stdout(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with(&format!("prefectx: {path}:3:")),
            "{args:?}: {err}"
        );
        assert_eq!(sb.read_profiles(), broken, "{args:?} rewrote a broken file");
    }
}

#[test]
fn hostile_keys_are_skipped_with_a_located_warning() {
    let sb = Sandbox::new();
    sb.write_profiles(
        "[profiles.h]\nPATH = \"/evil\"\nLD_PRELOAD = \"/evil.so\"\n\"A;rm -rf ~\" = \"x\"\nPREFECT_OK = \"fine\"\nPREFECT_NUL = \"a\\u0000b\"\nPREFECT_ARR = [1, 2]\nPREFECT_TBL = { a = 1 }\nPREFECT_BOOL = true\nPREFECT_INT = 3\nPREFECT_FLOAT = 2.5\nPREFECT_HOME = \"/elsewhere\"\nprefect_api_url = \"lower\"\n",
    );
    let out = sb.run(&["env", "h", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let set = v["set"].as_object().unwrap();
    let mut keys: Vec<&String> = set.keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "PREFECT_BOOL",
            "PREFECT_FLOAT",
            "PREFECT_INT",
            "PREFECT_OK",
            "PREFECT_PROFILE"
        ]
    );
    assert_eq!(set["PREFECT_BOOL"], "True");
    assert_eq!(set["PREFECT_INT"], "3");
    assert_eq!(set["PREFECT_FLOAT"], "2.5");
    let err = stderr(&out);
    for (line, key) in [
        (2, "PATH"),
        (3, "LD_PRELOAD"),
        (4, "A;rm -rf ~"),
        (6, "PREFECT_NUL"),
        (7, "PREFECT_ARR"),
        (8, "PREFECT_TBL"),
        (12, "PREFECT_HOME"),
        (13, "prefect_api_url"),
    ] {
        assert!(
            err.contains(&format!("profiles.toml:{line}: profile 'h', key '{key}'")),
            "no warning for {key} at line {line}: {err}"
        );
    }
}

#[test]
fn aliases_are_applied_as_canonical_names() {
    let sb = Sandbox::new();
    sb.write_profiles("[profiles.a]\nPREFECT_SERVER_ALLOW_EPHEMERAL_MODE = \"true\"\nPREFECT_API_DATABASE_CONNECTION_URL = \"x\"\nPREFECT_SERVER_DATABASE_CONNECTION_URL = \"canonical wins\"\n");
    let out = sb.run(&["env", "a", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["set"]["PREFECT_SERVER_EPHEMERAL_ENABLED"], "true");
    assert_eq!(
        v["set"]["PREFECT_SERVER_DATABASE_CONNECTION_URL"],
        "canonical wins"
    );
    assert!(v["set"]
        .get("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE")
        .is_none());
}

#[test]
fn odd_profile_names_work_everywhere() {
    let sb = Sandbox::new();
    let names = ["my profile", "a.b", "q\"x", "ünï", "it's", "$(x)", "a\\b"];
    let mut file = String::new();
    for (i, n) in names.iter().enumerate() {
        file.push_str(&format!(
            "[profiles.{}]\nPREFECT_API_URL = \"http://n{i}/api\"\n\n",
            toml_str(n)
        ));
    }
    sb.write_profiles(&file);
    for (i, n) in names.iter().enumerate() {
        for shell in ["bash", "fish"] {
            if !have(shell) {
                continue;
            }
            let sh = if shell == "fish" { "fish" } else { "sh" };
            let script = match shell {
                "fish" => {
                    "\"$PREFECTX\" env --shell fish -p \"$N\" | source; and env -0".to_string()
                }
                _ => format!("eval \"$(\"$PREFECTX\" env --shell {sh} -p \"$N\")\" && env -0"),
            };
            let out = sb.shell(shell, &script, &[("N", n)]);
            let env = parse_env0(&out.stdout);
            assert_eq!(
                env.get("PREFECT_PROFILE").map(String::as_str),
                Some(*n),
                "{shell} {n}: {}",
                stderr(&out)
            );
            assert_eq!(
                env.get("PREFECT_API_URL"),
                Some(&format!("http://n{i}/api"))
            );
        }
        let out = sb.run(&["use", "--global", n]);
        assert!(out.status.success(), "{n}: {}", stderr(&out));
        let out = sb.run(&["current"]);
        assert_eq!(stdout(&out), format!("{n}\n"));
    }
}

#[test]
fn exec_applies_the_profile_and_passes_the_status_through() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let out = sb
        .cmd()
        .args(["exec", "dev", "--", "sh", "-c", "env -0; exit 7"])
        .env("PREFECT_API_KEY", "pnu_stale")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    let env = prefect_vars(&parse_env0(&out.stdout));
    assert_eq!(
        env.get("PREFECT_API_URL").map(String::as_str),
        Some("http://dev:4200/api")
    );
    assert!(!env.contains_key("PREFECT_API_KEY"));
    let out = sb.run(&["exec", "dev", "--", "/nonexistent/cmd"]);
    assert_eq!(out.status.code(), Some(127));
    assert_eq!(stderr(&out).lines().count(), 1);
    let out = sb.run(&["exec", "nosuch", "--", "true"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn powershell_output_doubles_every_single_quote_character() {
    let sb = Sandbox::new();
    sb.write_profiles(
        "[profiles.p]\nPREFECT_X = \"a'b\u{2019}c\u{2018}\u{201A}\u{201B}$env:HOME\"\n",
    );
    let out = sb
        .cmd()
        .args(["env", "p", "--shell", "powershell"])
        .env("PREFECT_OLD", "1")
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "Remove-Item -ErrorAction SilentlyContinue Env:PREFECT_OLD\n$env:PREFECT_X = 'a''b\u{2019}\u{2019}c\u{2018}\u{2018}\u{201A}\u{201A}\u{201B}\u{201B}$env:HOME'\n$env:PREFECT_PROFILE = 'p'\n"
    );
}

#[test]
fn shell_is_detected_from_the_parent_process() {
    let sb = Sandbox::new();
    for (shell, marker) in [
        ("bash", "export PREFECT_PROFILE="),
        ("fish", "set -gx PREFECT_PROFILE"),
        ("dash", "export PREFECT_PROFILE="),
    ] {
        if !have(shell) {
            continue;
        }
        let out = sb.shell(shell, "\"$PREFECTX\" env local", &[]);
        assert!(stdout(&out).contains(marker), "{shell}: {}", stdout(&out));
    }
    let out = sb
        .cmd()
        .args(["env", "local"])
        .env("SHELL", "/usr/bin/fish")
        .output()
        .unwrap();
    assert!(
        stdout(&out).contains("set -gx"),
        "falls back to $SHELL: {}",
        stdout(&out)
    );
}
