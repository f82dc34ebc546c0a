//! The shell hook in real interactive bash, zsh and fish through a pseudo-terminal: following
//! and pinned modes, refresh on every kind of file change, politeness, and zero processes on
//! an idle prompt (counted with strace).

mod common;

use common::pty::*;
use common::*;

const FILE: &str = "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev/api\"\n\n[profiles.prod]\nPREFECT_API_URL = \"http://prod/api\"\nPREFECT_API_KEY = \"pnu_prodkey\"\n";

fn start(sb: &Sandbox, shell: &str) -> Term {
    Term::start(sb, shell, &rc_text(shell, &hook_line(shell, BIN)))
}

#[test]
fn following_shell_tracks_the_files_active_profile() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let mut t = start(&sb, shell);
        assert_eq!(t.var("PREFECT_PROFILE"), "dev", "{shell}: applied at once");
        assert_eq!(t.var("PREFECT_API_URL"), "http://dev/api");
        assert_eq!(
            t.var("PREFECTX_PROMPT"),
            "dev",
            "{shell}: host equals the name"
        );
        // Another terminal makes prod active.
        assert!(sb.run(&["use", "--global", "prod"]).status.success());
        t.run("");
        assert_eq!(t.var("PREFECT_PROFILE"), "prod", "{shell}");
        assert_eq!(t.var("PREFECT_API_KEY"), "pnu_prodkey");
        // An editor's atomic save (write a temp file, rename it over).
        let tmp = sb.prefect_home().join("profiles.toml.swp");
        std::fs::write(&tmp, FILE.replace("http://dev/api", "http://dev2/api")).unwrap();
        std::fs::rename(&tmp, sb.profiles_path()).unwrap();
        t.run("");
        assert_eq!(
            t.var("PREFECT_PROFILE"),
            "dev",
            "{shell}: active back to dev"
        );
        assert_eq!(t.var("PREFECT_API_URL"), "http://dev2/api");
        assert_eq!(t.var("PREFECT_API_KEY"), "<unset>", "{shell}: no stale key");
        // Deleted: Prefect's defaults apply.
        std::fs::remove_file(sb.profiles_path()).unwrap();
        t.run("");
        assert_eq!(t.var("PREFECT_PROFILE"), "ephemeral", "{shell}");
        assert_eq!(t.var("PREFECT_SERVER_EPHEMERAL_ENABLED"), "true");
        // Re-created.
        sb.write_profiles(FILE);
        t.run("");
        assert_eq!(t.var("PREFECT_PROFILE"), "dev", "{shell}");
        t.exit();
    }
}

#[test]
fn pinned_shell_stays_and_says_so_once() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let mut t = start(&sb, shell);
        let out = t.run("prefectx use prod");
        assert!(
            out.contains("Switched to profile 'prod' in this shell."),
            "{shell}: {out}"
        );
        assert_eq!(t.var("PREFECT_PROFILE"), "prod");
        assert_eq!(t.var("__PREFECTX_PIN"), "prod");
        // Another terminal changes prod's settings: re-applied.
        assert!(sb
            .run(&[
                "config",
                "set",
                "-p",
                "prod",
                "PREFECT_API_URL=http://prod2/api"
            ])
            .status
            .success());
        t.run("");
        assert_eq!(t.var("PREFECT_API_URL"), "http://prod2/api", "{shell}");
        // The global active moves: said once, this shell stays.
        assert!(sb.run(&["use", "--global", "local"]).status.success());
        let out = t.run("");
        assert!(
            out.contains("the active profile is now 'local'; this shell stays on 'prod'"),
            "{shell}: {out}"
        );
        let out = t.run("");
        assert!(
            !out.contains("active profile"),
            "{shell}: said twice: {out}"
        );
        assert_eq!(t.var("PREFECT_PROFILE"), "prod");
        // use - goes back to the previous state, as cd - does: following (`active` is now
        // local), then pinned on prod again; follow unpins.
        t.run("prefectx use -");
        assert_eq!(t.var("PREFECT_PROFILE"), "local", "{shell}: previous");
        assert_eq!(t.var("__PREFECTX_PIN"), "<unset>");
        t.run("prefectx use -");
        assert_eq!(t.var("PREFECT_PROFILE"), "prod", "{shell}: and back");
        t.run("prefectx follow");
        assert_eq!(t.var("PREFECT_PROFILE"), "local", "{shell}: follows active");
        assert_eq!(t.var("__PREFECTX_PIN"), "<unset>");
        let out = t.run("prefectx use nosuch");
        assert!(out.contains("'nosuch' not found"), "{out}");
        assert_eq!(
            t.var("PREFECT_PROFILE"),
            "local",
            "a failed use changes nothing"
        );
        t.exit();
    }
}

#[test]
fn hook_is_idempotent_and_keeps_the_exit_status() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let hook = hook_line(shell, BIN);
        let body = format!("{hook}\n{hook}\n");
        let mut t = Term::start(&sb, shell, &rc_text(shell, &body));
        match shell {
            "bash" => assert_eq!(t.var("PROMPT_COMMAND"), "__prefectx_prompt"),
            "zsh" => assert_eq!(t.var("precmd_functions"), "__prefectx_precmd"),
            _ => {
                t.run("set -g handlers (functions --handlers | string match -- '*__prefectx_prompt' | count)");
                assert_eq!(t.var("handlers"), "1");
            }
        }
        t.run("false");
        let status = if shell == "fish" { "status" } else { "?" };
        // The refresh runs on this prompt (file touched) and must not clobber $?.
        sb.write_profiles(FILE);
        t.run("false");
        assert_eq!(t.var(status), "1", "{shell}: exit status lost");
        t.exit();
    }
}

#[test]
fn bash_prompt_command_string_array_and_trailing_semicolon() {
    if !have("bash") {
        return;
    }
    for (pre, want) in [
        ("PROMPT_COMMAND='echo hi;'", "__prefectx_prompt;echo hi;"),
        ("PROMPT_COMMAND='echo hi'", "__prefectx_prompt;echo hi"),
        ("PROMPT_COMMAND=(mine)", "__prefectx_prompt mine"),
    ] {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let body = format!(
            "mine() {{ :; }}\n{pre}\n{}\n{}\n",
            hook_line("bash", BIN),
            hook_line("bash", BIN)
        );
        let mut t = Term::start(&sb, "bash", &rc_text("bash", &body));
        let got = if pre.contains('(') {
            t.var("PROMPT_COMMAND[*]")
        } else {
            t.var("PROMPT_COMMAND")
        };
        assert_eq!(got, want);
        let out = t.run("");
        assert!(!out.contains("syntax error"), "{out}");
        t.exit();
    }
}

#[test]
fn set_u_and_a_broken_file_and_a_vanished_binary_keep_the_prompt_working() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let bin = bin_copy(&sb);
        let strict = if shell == "fish" { "" } else { "set -u" };
        let body = format!(
            "{strict}\n{}\n",
            hook_line(shell, &bin.display().to_string())
        );
        let mut t = Term::start(&sb, shell, &rc_text(shell, &body));
        let out = t.run("");
        assert!(
            !out.contains("unbound") && !out.contains("parameter not set"),
            "{shell}: {out}"
        );
        // Broken TOML: one warning for this change, not one per prompt; settings kept.
        sb.write_profiles("active = \"dev\"\n[profiles.dev\n");
        let mut all = String::new();
        for _ in 0..4 {
            all.push_str(&t.run(""));
        }
        assert_eq!(all.matches("not valid TOML").count(), 1, "{shell}: {all}");
        assert_eq!(t.var("PREFECT_API_URL"), "http://dev/api", "{shell}");
        // Fixed: applied again.
        sb.write_profiles(&FILE.replace("active = \"dev\"", "active = \"prod\""));
        t.run("");
        assert_eq!(t.var("PREFECT_PROFILE"), "prod", "{shell}");
        // The binary is gone: one message, the prompt still works.
        std::fs::remove_file(&bin).unwrap();
        sb.write_profiles(FILE);
        let mut all = String::new();
        for _ in 0..3 {
            all.push_str(&t.run(""));
        }
        assert_eq!(all.matches("is gone").count(), 1, "{shell}: {all}");
        assert_eq!(t.var("PREFECT_PROFILE"), "prod");
        t.exit();
    }
}

/// execve calls in a session with `prompts` idle prompts.
fn execs(sb: &Sandbox, shell: &str, rc: &str, prompts: usize) -> usize {
    let log = sb.dir.path().join(format!("strace-{shell}-{prompts}.log"));
    let cmd = shell_command(sb, shell, rc, Some(&log));
    let mut t = Term::start_cmd(cmd, shell);
    for _ in 0..prompts {
        t.run("");
    }
    t.exit();
    execs_in(&log)
}

#[test]
fn an_idle_prompt_starts_no_process() {
    if !have("strace") {
        return;
    }
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        // Both export modes: values (the default) and `--export profile`.
        for flag in ["", " --export profile"] {
            let line = hook_line(shell, BIN)
                .replace(&format!("hook {shell}"), &format!("hook {shell}{flag}"));
            let hooked = rc_text(shell, &line);
            let idle = execs(&sb, shell, &hooked, 20) - execs(&sb, shell, &hooked, 0);
            eprintln!("{shell}{flag}: extra processes over 20 idle prompts with the hook: {idle}");
            assert_eq!(
                idle, 0,
                "{shell}{flag}: the hook started processes on idle prompts"
            );
        }
        // The count is real: a prompt hook that runs /bin/true shows 20.
        let costly = match shell {
            "bash" => "PROMPT_COMMAND=/bin/true",
            "zsh" => "precmd() { /bin/true }",
            _ => "function costly --on-event fish_prompt; /bin/true; end",
        };
        let control = rc_text(shell, costly);
        let n = execs(&sb, shell, &control, 20) - execs(&sb, shell, &control, 0);
        assert_eq!(
            n, 20,
            "{shell}: the exec counter does not see prompt processes"
        );
        // And a change costs exactly one process at the next prompt.
        let log = sb.dir.path().join("strace-change.log");
        let hooked = rc_text(shell, &hook_line(shell, BIN));
        let mut t = Term::start_cmd(shell_command(&sb, shell, &hooked, Some(&log)), shell);
        t.run("");
        let before = std::fs::read_to_string(&log)
            .unwrap()
            .matches("execve(")
            .count();
        sb.write_profiles(FILE);
        t.run("");
        let after = std::fs::read_to_string(&log)
            .unwrap()
            .matches("execve(")
            .count();
        t.exit();
        assert_eq!(
            after - before,
            1,
            "{shell}: a change should cost one prefectx run"
        );
    }
}

#[test]
fn use_without_a_name_opens_a_picker_on_a_terminal() {
    if !have("tmux") {
        return;
    }
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let t = Tmux::start(
            shell_command(&sb, shell, &rc_text(shell, &hook_line(shell, BIN)), None),
            &format!("{shell}-picker"),
        );
        t.wait_for(PROMPT.trim_end());
        // Type to filter, enter picks; the current profile is marked.
        t.keys(&["prefectx use", "Enter"]);
        let s = t.wait_for("(current)");
        assert!(s.contains("dev (current)"), "{shell}: {s}");
        t.keys(&["-l", "prod"]);
        t.wait_for("Profile prod");
        t.keys(&["Enter"]);
        t.wait_for("Switched to profile 'prod' in this shell.");
        t.keys(&["-l", "echo P1=$PREFECT_PROFILE"]);
        t.keys(&["Enter"]);
        t.wait_for("P1=prod");
        // Arrows move; esc cancels and changes nothing.
        t.keys(&["prefectx use", "Enter"]);
        t.wait_for("prod (current)");
        t.keys(&["Down"]);
        wait_until(20, "the highlight to move", || {
            !t.screen().contains("> prod (current)")
        });
        t.keys(&["Escape"]);
        t.wait_for("cancelled");
        t.keys(&["-l", "echo P2=$PREFECT_PROFILE"]);
        t.keys(&["Enter"]);
        t.wait_for("P2=prod");
    }
}

#[test]
fn prompt_text_is_escaped_for_a_literal_bash_ps1() {
    if !have("bash") {
        return;
    }
    let sb = Sandbox::new();
    let canary = sb.dir.path().join("ran");
    let name = format!("a$(touch {})`id`\\w%", canary.display());
    sb.write_profiles(&format!(
        "active = {}\n[profiles.{}]\n",
        toml_str(&name),
        toml_str(&name)
    ));
    let body = format!("PS1=\"[$('{BIN}' prompt --shell bash)] \"'PX> '\n");
    let mut t = Term::start(
        &sb,
        "bash",
        &rc_text("bash", &body).replace("PS1='PX> '\n", ""),
    );
    let shown = t.run("");
    assert!(
        shown.contains(&format!("[{name}:unconfigured] ")),
        "{shown}"
    );
    assert!(!canary.exists(), "the prompt ran code");
    t.exit();
}

/// The bash hook's DEBUG trap runs after one the user had (bash-preexec and others
/// rely on theirs), which still sees `$_`, the previous command's last argument.
#[test]
fn an_existing_bash_debug_trap_keeps_working() {
    if !have("bash") {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let log = sb.dir.path().join("trap.log");
    let body = format!(
        "trap 'echo \"OLD[$_]\" >> {} # ends in a comment' DEBUG\n{}",
        log.display(),
        hook_line("bash", BIN)
    );
    let mut t = Term::start(&sb, "bash", &rc_text("bash", &body));
    t.run("true lastarg");
    let out = t.run("PREFECT_PROFILE=prod true");
    assert!(
        out.contains("PREFECT_PROFILE=prod does not reach true"),
        "{out}"
    );
    t.exit();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("OLD[lastarg]"), "{text}");
}

/// One parser for `use`: with the hook, `prefectx use --help` and a bad flag give
/// what the binary gives, on stderr, with nothing for the shell to eval.
#[test]
fn use_parses_the_same_with_and_without_the_hook() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let plain = sb.run(&["use", "--help"]);
    assert!(plain.status.success());
    for shell in ["bash", "zsh"] {
        if !have(shell) {
            continue;
        }
        let script = format!(
            "eval \"$(\"$PREFECTX\" hook {shell})\" 2>/dev/null\nprefectx use --help; echo \"rc=$?\"\nprefectx use a b; echo \"rc=$?\""
        );
        let out = sb.shell(shell, &script, &[]);
        assert_eq!(stdout(&out), "rc=0\nrc=2\n", "{shell}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with(&stdout(&plain)),
            "{shell}: {err:?}\n{:?}",
            stdout(&plain)
        );
        assert!(err.contains("unexpected argument 'b'"), "{shell}: {err}");
    }
}
