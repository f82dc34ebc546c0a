//! Next to direnv and mise, each loaded as its own docs say, in both orders, in real bash, zsh
//! and fish: a value they export wins while it stands (as for plain Prefect), the prompt names
//! it and marks it, prefectx never overwrites it, and once the tool takes it back the shell is
//! exactly on the profile the prompt names.

mod common;

use common::pty::*;
use common::*;

const FILE: &str = "active = \"local\"\n\n[profiles.local]\nPREFECT_API_URL = \"http://127.0.0.1:4200/api\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev.example/api\"\n";
const OUTSIDE: &str = "http://outside.example/api";

/// The tool's hook line for `shell`, as its docs give it.
fn tool_line(tool: &str, shell: &str) -> String {
    match (tool, shell) {
        ("direnv", "fish") => "direnv hook fish | source".into(),
        ("direnv", _) => format!("eval \"$(direnv hook {shell})\""),
        ("mise", "fish") => "mise activate fish | source".into(),
        ("mise", _) => format!("eval \"$(mise activate {shell})\""),
        _ => unreachable!(),
    }
}

/// `proj/` whose tool file exports PREFECT_API_URL, allowed (direnv) or trusted (mise).
fn project(sb: &Sandbox, tool: &str) {
    let proj = sb.home().join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    let trust = match tool {
        "direnv" => {
            std::fs::write(
                proj.join(".envrc"),
                format!("export PREFECT_API_URL={OUTSIDE}\n"),
            )
            .unwrap();
            ["direnv", "allow", "proj"]
        }
        _ => {
            std::fs::write(
                proj.join("mise.toml"),
                format!("[env]\nPREFECT_API_URL = \"{OUTSIDE}\"\n"),
            )
            .unwrap();
            ["mise", "trust", "proj/mise.toml"]
        }
    };
    let o = std::process::Command::new(trust[0])
        .args(&trust[1..])
        .env_clear()
        .envs(sb.envs())
        .current_dir(sb.home())
        .output()
        .unwrap();
    assert!(o.status.success(), "{trust:?}: {}", stderr(&o));
}

fn check(tool: &str, shell: &str, tool_first: bool) {
    let what = format!(
        "{tool} {shell} ({} first)",
        if tool_first { tool } else { "prefectx" }
    );
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    project(&sb, tool);
    let (a, b) = (tool_line(tool, shell), hook_line(shell, BIN));
    let body = if tool_first {
        format!("{a}\n{b}")
    } else {
        format!("{b}\n{a}")
    };
    let mut t = Term::start(&sb, shell, &rc_text(shell, &body));
    assert_eq!(t.var("PREFECTX_PROMPT"), "local:127.0.0.1:4200", "{what}");

    // In the folder the tool's value is in effect, and the prompt says so.
    t.run("cd proj");
    assert_eq!(t.var("PREFECT_API_URL"), OUTSIDE, "{what}");
    assert_eq!(t.var("PREFECTX_PROMPT"), "local:outside.example*", "{what}");
    let verbose = t.run("prefectx current --verbose");
    assert!(
        verbose.contains(&format!(
            "PREFECT_API_URL={OUTSIDE} (from this shell's environment: set outside prefectx"
        )),
        "{what}: {verbose}"
    );

    // The profiles file changes: the next prompt leaves the tool's value alone.
    sb.write_profiles(&FILE.replace("4200", "4300"));
    let out = t.run("");
    assert!(!out.contains("PREFECTX_KEEP"), "{what}: {out}");
    assert_eq!(t.var("PREFECT_API_URL"), OUTSIDE, "{what}");

    // Switching here keeps it too, and says so.
    let out = t.run("prefectx use dev");
    assert!(
        out.contains("kept in effect over profile 'dev', as Prefect would: PREFECT_API_URL"),
        "{what}: {out}"
    );
    assert_eq!(t.var("PREFECT_API_URL"), OUTSIDE, "{what}");
    assert_eq!(t.var("PREFECTX_PROMPT"), "dev:outside.example*", "{what}");

    // The tool takes its value back: the shell is exactly on the profile the prompt names.
    t.run("cd ..");
    assert_eq!(t.var("PREFECT_PROFILE"), "dev", "{what}");
    assert_eq!(t.var("PREFECT_API_URL"), "http://dev.example/api", "{what}");
    assert_eq!(t.var("PREFECTX_PROMPT"), "dev:dev.example", "{what}");
    assert_eq!(t.var("__PREFECTX_OUTSIDE"), "<unset>", "{what}");
    t.exit();
}

/// `tool` in every interactive shell, loaded before and after the hook.
fn each_shell_and_order(tool: &str) {
    if !have(tool) {
        return;
    }
    for shell in interactive_shells() {
        for tool_first in [true, false] {
            check(tool, shell, tool_first);
        }
    }
}

#[test]
fn direnv_values_win_while_they_stand() {
    each_shell_and_order("direnv");
}

#[test]
fn mise_values_win_while_they_stand() {
    each_shell_and_order("mise");
}

/// A value typed by hand is set outside prefectx too: it stands until it is unset, and then
/// the profile's value applies at the next prompt.
#[test]
fn a_value_set_by_hand_stands_until_unset() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let mut t = Term::start(&sb, shell, &rc_text(shell, &hook_line(shell, BIN)));
        let (set, unset) = match shell {
            "fish" => (
                "set -gx PREFECT_API_URL http://manual/api",
                "set -e PREFECT_API_URL",
            ),
            _ => (
                "export PREFECT_API_URL=http://manual/api",
                "unset PREFECT_API_URL",
            ),
        };
        t.run(set);
        assert_eq!(t.var("PREFECTX_PROMPT"), "local:manual*", "{shell}");
        sb.write_profiles(&FILE.replace("4200", "4300"));
        t.run("");
        assert_eq!(t.var("PREFECT_API_URL"), "http://manual/api", "{shell}");
        t.run(unset);
        assert_eq!(
            t.var("PREFECT_API_URL"),
            "http://127.0.0.1:4300/api",
            "{shell}"
        );
        assert_eq!(t.var("PREFECTX_PROMPT"), "local:127.0.0.1:4300", "{shell}");
        t.exit();
    }
}
