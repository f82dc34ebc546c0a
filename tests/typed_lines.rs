//! What a command line typed at a hooked bash costs, and what it keeps. bash runs a DEBUG trap
//! before every simple command, so the hook's trap is armed by the prompt and disarms itself at
//! its first run: the hook's work runs once per typed line, however many commands the line runs
//! (a 1,000-iteration loop), and `$_`, `$?` and PIPESTATUS stay as the user's commands left
//! them. Real interactive bash in a pseudo-terminal.

mod common;

use common::pty::*;
use common::*;

const FILE: &str = "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev/api\"\n\n[profiles.prod]\nPREFECT_API_URL = \"http://prod/api\"\n";

/// The hook, then counters around its per-line function and its per-command check, and a
/// PROMPT_COMMAND entry of another tool after ours.
fn counted(sb: &Sandbox) -> Term {
    let body = format!(
        "{}\n{}\n",
        hook_line("bash", BIN),
        r#"eval "$(declare -f __prefectx_line | sed '1s/.*/__t_line ()/')"
eval "$(declare -f __prefectx_preexec | sed '1s/.*/__t_preexec ()/')"
__t_lines=0 __t_checks=0
__prefectx_line() { __t_lines=$((__t_lines + 1)); __t_line "$@"; }
__prefectx_preexec() { __t_checks=$((__t_checks + 1)); __t_preexec "$@"; }
PROMPT_COMMAND+=('__t_other=1')"#
    );
    Term::start(sb, "bash", &rc_text("bash", &body))
}

#[test]
fn the_hook_runs_once_per_typed_line_not_per_command() {
    if !have("bash") {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let mut t = counted(&sb);
    let lines0: usize = t.var("__t_lines").parse().unwrap();
    let checks0: usize = t.var("__t_checks").parse().unwrap();
    t.run("for ((i=0;i<1000;i++)); do : PREFECT_X; done");
    let lines1: usize = t.var("__t_lines").parse().unwrap();
    let checks1: usize = t.var("__t_checks").parse().unwrap();
    // Once for each typed line after the first read: the one that read `__t_checks`, the loop,
    // and the one that read `__t_lines` again.
    assert_eq!(lines1 - lines0, 3, "the hook's function per typed line");
    assert!(
        checks1 - checks0 <= 5,
        "the check ran per command of the loop: {}",
        checks1 - checks0
    );
    // The warning still sees every command of a line, after another tool's prompt entry.
    let out = t.run("cd / && PREFECT_PROFILE=prod true");
    assert!(
        out.contains("PREFECT_PROFILE=prod does not reach true"),
        "{out}"
    );
    let out = t.run("export PREFECT_LOGGING_LEVEL=DEBUG");
    assert!(!out.contains("prefectx"), "{out}");
    assert!(t.var("PREFECTX_PROMPT").ends_with('*'), "marked by hand");
    t.exit();
}

#[test]
fn the_hook_keeps_last_argument_status_and_pipestatus() {
    if !have("bash") {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let mut t = counted(&sb);
    let made = sb.home().join("r/made-here");
    let out = t.run(&format!(
        "mkdir -p {} && cd $_ && echo \"at=$PWD\"",
        made.display()
    ));
    assert!(out.contains(&format!("at={}", made.display())), "{out}");
    t.run("echo a b lastarg");
    assert_eq!(t.var("_"), "lastarg", "$_ after a line");
    t.run("false | true");
    let out = t.run("echo \"ps=${PIPESTATUS[*]}\"");
    assert!(out.contains("ps=1 0"), "{out}");
    t.run("(exit 3)");
    assert_eq!(t.var("?"), "3");
    t.exit();
}
