//! A profiles file without `active` that has an `ephemeral` table of its own: prefect 3.9.1
//! then uses its built-in 'ephemeral' and ignores the file's table (its CLI too: it starts a
//! temporary server rather than use the table's URL). A hooked shell must run the very same,
//! say so once, and name the command that makes the file choose (docs/prefect-compat.md, "A
//! file without `active`"). prefect 3.9.1 is the oracle.

mod common;

use std::process::Command;

use common::*;

const FILE: &str = "[profiles.ephemeral]\nPREFECT_API_URL = \"http://mine.example/api\"\nPREFECT_LOGGING_LEVEL = \"DEBUG\"\n\n[profiles.other]\nPREFECT_API_URL = \"http://other.example/api\"\n";

/// `api.url logging.level` as prefect resolves them after `setup` in sh.
fn resolved(sb: &Sandbox, setup: &str) -> (String, String) {
    let venv = prefect_venv().expect("venv");
    let py = "from prefect.settings import get_current_settings as g; s = g(); print(s.api.url, s.logging.level)";
    let out = Command::new("bash")
        .env_clear()
        .envs(sb.envs())
        .env("PREFECTX", BIN)
        .current_dir(sb.home())
        .args([
            "-c",
            &format!("{setup}\n'{}' -c '{py}'", venv.join("bin/python").display()),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    (stdout(&out).trim().to_string(), stderr(&out))
}

#[test]
fn a_file_without_active_runs_prefects_own_ephemeral_here_too() {
    if prefect_venv().is_none() {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let (plain, _) = resolved(&sb, ":");
    assert_eq!(plain, "None INFO", "plain Prefect: its built-in ephemeral");
    let (hooked, said) = resolved(&sb, "eval \"$(\"$PREFECTX\" hook bash)\"");
    assert_eq!(
        hooked, plain,
        "the hooked shell runs what plain Prefect runs"
    );
    assert_eq!(
        said.matches("has no `active`, so Prefect uses its built-in 'ephemeral'")
            .count(),
        1,
        "{said}"
    );
    assert!(said.contains("prefectx use --global ephemeral"), "{said}");
    let (evald, _) = resolved(&sb, "eval \"$(\"$PREFECTX\" env --shell bash)\"");
    assert_eq!(evald, plain, "env");
    let doctor = stdout(&sb.run(&["doctor", "--offline"]));
    assert!(doctor.contains("has no `active`"), "{doctor}");

    // The one command: the file says what the user meant, and both run the file's table.
    assert!(sb.run(&["use", "--global", "ephemeral"]).status.success());
    let (plain, _) = resolved(&sb, ":");
    assert_eq!(plain, "http://mine.example/api DEBUG");
    let (hooked, said) = resolved(&sb, "eval \"$(\"$PREFECTX\" hook bash)\"");
    assert_eq!(hooked, plain);
    assert!(!said.contains("has no `active`"), "{said}");
}

/// In a hooked shell on Prefect's built-in default, an exported PREFECT_PROFILE still chooses
/// (nothing was applied by name, so the hook compares it with nothing), and the prompt check
/// stays quiet otherwise.
#[test]
fn an_exported_profile_still_chooses_in_a_shell_on_the_default() {
    if !have("bash") {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let out = sb.shell(
        "bash",
        "eval \"$(\"$PREFECTX\" hook bash)\" 2>/dev/null\n__prefectx_prompt; echo \"A=${PREFECT_API_URL-none}\"\nexport PREFECT_PROFILE=other\n__prefectx_prompt; echo \"B=$PREFECT_API_URL\"",
        &[],
    );
    let text = stdout(&out);
    assert!(text.contains("A=none"), "{text}");
    assert!(
        text.contains("B=http://other.example/api"),
        "{text}{}",
        stderr(&out)
    );
}

/// `active` naming a built-in profile the file has no table for: Prefect runs its built-in
/// 'ephemeral' (its CLI starts a temporary server), and so does a hooked shell, saying how to
/// make the file choose; `use --global local` writes the table, and both run it.
#[test]
fn an_active_built_in_profile_without_a_table_runs_ephemeral_here_too() {
    if prefect_venv().is_none() {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(
        "active = \"local\"\n\n[profiles.other]\nPREFECT_API_URL = \"http://other.example/api\"\n",
    );
    let (plain, _) = resolved(&sb, ":");
    assert_eq!(plain, "None INFO", "plain Prefect: its built-in ephemeral");
    let (hooked, said) = resolved(&sb, "eval \"$(\"$PREFECTX\" hook bash)\"");
    assert_eq!(hooked, plain);
    assert!(
        said.contains("prefectx use --global local` writes its table"),
        "{said}"
    );
    assert_eq!(stdout(&sb.run(&["current"])), "ephemeral\n", "what runs");
    assert!(sb.run(&["use", "--global", "local"]).status.success());
    let (plain, _) = resolved(&sb, ":");
    assert_eq!(plain, "http://127.0.0.1:4200/api INFO");
    let (hooked, _) = resolved(&sb, "eval \"$(\"$PREFECTX\" hook bash)\"");
    assert_eq!(hooked, plain);
}
