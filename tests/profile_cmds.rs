//! profile and config management, and the one write path: format kept, atomic, mode kept.

mod common;

use common::*;

const FILE: &str = r#"# Team profiles -- keep this comment
active = "dev"   # the default for new shells
unknown_top_level = { keep = true }

[profiles.dev]
# the dev server
PREFECT_API_URL = "http://dev:4200/api"   # trailing comment
CUSTOM_THING = [1, 2, 3]

[profiles.prod]
PREFECT_API_URL = "https://prod/api"
"#;

#[test]
fn config_set_keeps_everything_else_byte_for_byte() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let out = sb.run(&[
        "config",
        "set",
        "-p",
        "prod",
        "PREFECT_LOGGING_LEVEL=DEBUG",
        "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE=false",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Set 'PREFECT_LOGGING_LEVEL' to 'DEBUG'.\nSet 'PREFECT_SERVER_ALLOW_EPHEMERAL_MODE' to 'false'.\nUpdated profile 'prod'.\n");
    let want = FILE.replace(
        "PREFECT_API_URL = \"https://prod/api\"\n",
        "PREFECT_API_URL = \"https://prod/api\"\nPREFECT_LOGGING_LEVEL = \"DEBUG\"\nPREFECT_SERVER_EPHEMERAL_ENABLED = \"false\"\n",
    );
    assert_eq!(sb.read_profiles(), want);
    let out = sb.run(&["config", "set", "PREFECT_API_URL=http://dev2:4200/api"]);
    assert!(out.status.success());
    assert_eq!(
        sb.read_profiles(),
        want.replace(
            "\"http://dev:4200/api\"   # trailing",
            "\"http://dev2:4200/api\"   # trailing"
        )
    );
}

#[test]
fn config_set_refuses_bad_names_and_values_and_changes_nothing() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    for (args, msg) in [
        (
            vec!["config", "set", "PREFECT_API_ULR=x"],
            "unknown setting name 'PREFECT_API_ULR'; did you mean PREFECT_API_URL?",
        ),
        (
            vec!["config", "set", "prefect_api_url=x"],
            "did you mean PREFECT_API_URL?",
        ),
        (
            vec!["config", "set", "PREFECT_HOME=/x"],
            "cannot be changed with this command",
        ),
        (
            vec!["config", "set", "PREFECT_PROFILES_PATH=/x"],
            "cannot be changed with this command",
        ),
        (
            vec!["config", "set", "PREFECT_API_URL"],
            "use the format 'VAR=VAL'",
        ),
        (
            vec!["config", "set", "PREFECT_CLIENT_MAX_RETRIES=abc"],
            "valid integer",
        ),
        (
            vec!["config", "set", "PREFECT_LOGGING_LEVEL=LOUD"],
            "one of DEBUG",
        ),
        (
            vec!["config", "set", "-p", "nosuch", "PREFECT_API_URL=x"],
            "'nosuch' not found",
        ),
        (
            vec!["config", "unset", "PREFECT_LOGGING_LEVEL"],
            "'PREFECT_LOGGING_LEVEL' is not set in profile 'dev'",
        ),
    ] {
        let out = sb.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(msg), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert_eq!(sb.read_profiles(), FILE, "{args:?} changed the file");
    }
}

#[test]
fn config_unset_and_view_mask_secrets() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let out = sb.run(&["config", "set", "PREFECT_API_KEY=pnu_topsecret"]);
    assert!(!stdout(&out).contains("pnu_topsecret"), "{}", stdout(&out));
    assert!(stdout(&out).contains("'********'"));
    let out = sb.run(&["config", "view"]);
    assert!(!stdout(&out).contains("pnu_topsecret"));
    assert!(
        stdout(&out).contains("PREFECT_API_KEY='********' (from profile)"),
        "{}",
        stdout(&out)
    );
    let out = sb.run(&["config", "view", "--show-secrets", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["profile"], "dev");
    assert!(v["settings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["value"] == "pnu_topsecret"));
    let out = sb.run(&["profile", "inspect", "dev"]);
    assert!(!stdout(&out).contains("pnu_topsecret"));
    let out = sb.run(&["config", "unset", "PREFECT_API_KEY"]);
    assert_eq!(
        stdout(&out),
        "Unset 'PREFECT_API_KEY'.\nUpdated profile 'dev'.\n"
    );
    assert_eq!(sb.read_profiles(), FILE);
}

#[test]
fn config_on_a_bundled_profile_writes_its_table_first() {
    let sb = Sandbox::new();
    let out = sb.run(&["config", "set", "PREFECT_API_URL=http://x/api"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        sb.read_profiles(),
        "[profiles.ephemeral]\nPREFECT_SERVER_EPHEMERAL_ENABLED = \"true\"\nPREFECT_API_URL = \"http://x/api\"\n"
    );
    assert_eq!(mode(&sb.profiles_path()), 0o600);
    assert_eq!(mode(&sb.prefect_home()), 0o700);
}

#[test]
fn use_global_on_a_bundled_profile_writes_its_table() {
    let sb = Sandbox::new();
    let out = sb.run(&["use", "--global", "local"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        sb.read_profiles(),
        "active = \"local\"\n\n[profiles.local]\nPREFECT_API_URL = \"http://127.0.0.1:4200/api\"\n"
    );
    let out = sb.run(&["use", "--global", "nosuch"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn use_without_the_hook_says_how_to_install_it() {
    let sb = Sandbox::new();
    let out = sb.run(&["use", "local"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("prefectx hook") && err.contains("prefectx env local"),
        "{err}"
    );
    let out = sb.run(&["follow"]);
    assert_eq!(out.status.code(), Some(2));
    let out = sb.run(&["use"]);
    assert_eq!(
        stdout(&out),
        "ephemeral\nlocal\ntest\ncloud\n",
        "no TTY: list names"
    );
}

#[test]
fn profile_lifecycle() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let out = sb.run(&["profile", "create", "stage", "--from", "prod"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Created profile 'stage'"));
    assert!(
        sb.read_profiles()
            .ends_with("\n[profiles.stage]\nPREFECT_API_URL = \"https://prod/api\"\n"),
        "{}",
        sb.read_profiles()
    );
    for (args, msg) in [
        (vec!["profile", "create", "stage"], "already exists"),
        (
            vec!["profile", "create", "local"],
            "already exists (bundled with Prefect)",
        ),
        (
            vec!["profile", "create", "x", "--from", "nosuch"],
            "'nosuch' not found",
        ),
        (
            vec!["profile", "rename", "stage", "prod"],
            "'prod' already exists",
        ),
        (
            vec!["profile", "rename", "nosuch", "x"],
            "'nosuch' not found",
        ),
        (
            vec!["profile", "rename", "local", "x"],
            "bundled with Prefect",
        ),
        (vec!["profile", "delete", "dev"], "is the active profile"),
        (vec!["profile", "delete", "local"], "nothing to delete"),
        (vec!["profile", "delete", "nosuch"], "'nosuch' not found"),
    ] {
        let before = sb.read_profiles();
        let out = sb.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains(msg), "{args:?}: {}", stderr(&out));
        assert_eq!(sb.read_profiles(), before);
    }
    let out = sb
        .cmd()
        .args(["profile", "delete", "prod"])
        .env("PREFECT_PROFILE", "prod")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the profile this shell uses counts as active"
    );
    let out = sb.run(&["profile", "rename", "dev", "development"]);
    assert_eq!(stdout(&out), "Renamed profile 'dev' to 'development'.\n");
    let text = sb.read_profiles();
    assert!(
        text.contains("active = \"development\"   # the default"),
        "{text}"
    );
    assert!(
        text.contains("[profiles.development]\n# the dev server\n"),
        "renamed in place: {text}"
    );
    let out = sb.run(&["profile", "delete", "stage", "--yes"]);
    assert_eq!(stdout(&out), "Removed profile 'stage'.\n");
    assert!(!sb.read_profiles().contains("stage"));
}

#[test]
fn inspect_json_like_prefect() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let out = sb.run(&["profile", "inspect", "prod", "--json"]);
    assert_eq!(
        stdout(&out),
        "{\n  \"PREFECT_API_URL\": \"https://prod/api\"\n}\n"
    );
    let out = sb.run(&["profile", "inspect", "cloud"]);
    assert_eq!(stdout(&out), "Profile 'cloud' is empty.\n");
    let out = sb.run(&["profile", "inspect", "cloud", "--json"]);
    assert_eq!(stdout(&out), "{}\n");
}

#[test]
fn ls_marks_active_and_this_shell() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let out = sb
        .cmd()
        .arg("ls")
        .env("PREFECT_PROFILE", "prod")
        .output()
        .unwrap();
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("*  dev ")
            && lines[0].contains("server")
            && lines[0].contains("http://dev:4200/api"),
        "{text}"
    );
    assert!(lines[1].starts_with(" > prod "), "{text}");
    assert!(
        lines[2].contains("ephemeral") && lines[2].contains("(bundled)"),
        "{text}"
    );
    assert_eq!(lines.len(), 6);
    let out = sb.run(&["ls", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["name"], "dev");
    assert_eq!(v[0]["active"], true);
    assert_eq!(v[2]["name"], "ephemeral");
    assert_eq!(v[2]["kind"], "ephemeral");
    assert_eq!(v[2]["in_file"], false);
}

#[test]
fn writes_keep_mode_and_follow_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    std::fs::set_permissions(sb.profiles_path(), std::fs::Permissions::from_mode(0o640)).unwrap();
    assert!(sb
        .run(&["config", "set", "PREFECT_LOGGING_LEVEL=INFO"])
        .status
        .success());
    assert_eq!(mode(&sb.profiles_path()), 0o640);

    let real = sb.dir.path().join("dotfiles");
    std::fs::create_dir_all(&real).unwrap();
    std::fs::write(real.join("profiles.toml"), FILE).unwrap();
    std::fs::remove_file(sb.profiles_path()).unwrap();
    std::os::unix::fs::symlink(real.join("profiles.toml"), sb.profiles_path()).unwrap();
    assert!(sb
        .run(&["config", "set", "PREFECT_LOGGING_LEVEL=INFO"])
        .status
        .success());
    assert!(
        std::fs::symlink_metadata(sb.profiles_path())
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link must survive"
    );
    assert!(std::fs::read_to_string(real.join("profiles.toml"))
        .unwrap()
        .contains("PREFECT_LOGGING_LEVEL = \"INFO\""));
    // The folder holds the file and our lock file, no temp file.
    let mut leftovers: Vec<_> = std::fs::read_dir(&real)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    leftovers.sort();
    assert_eq!(
        leftovers,
        [".profiles.toml.prefectx-lock", "profiles.toml"],
        "temp files left"
    );
}

#[test]
fn unwritable_location_fails_cleanly() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["config", "set", "PREFECT_API_URL=x"])
        .env("PREFECT_PROFILES_PATH", "/proc/nope/profiles.toml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("/proc/nope"), "{}", stderr(&out));
}

/// A read-only file (no write bit for its owner) is refused, not replaced.
#[test]
fn a_read_only_profiles_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    std::fs::set_permissions(sb.profiles_path(), std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = sb.run(&["config", "set", "PREFECT_API_URL=http://x/api"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "prefectx: {}: the file is read-only (mode 444); nothing was changed\n",
            sb.profiles_path().display()
        )
    );
    assert_eq!(sb.read_profiles(), FILE);
    assert_eq!(mode(&sb.profiles_path()), 0o444);
}
