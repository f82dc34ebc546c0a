//! what a new user hit, each item reproduced in real shells.

mod common;

use common::pty::*;
use common::*;

const FILE: &str = "active = \"production\"\n\n[profiles.production]\nPREFECT_API_URL = \"http://prod.example/api\"\n\n[profiles.development]\nPREFECT_API_URL = \"http://dev.example/api\"\n";
const DEV: &str = "http://dev.example/api";

fn hooked(sb: &Sandbox, shell: &str) -> Term {
    Term::start(sb, shell, &rc_text(shell, &hook_line(shell, BIN)))
}

/// Item 1: renaming the pinned profile moved the shell to `production`'s server.
#[test]
fn a_renamed_pin_moves_along_and_a_vanished_pin_keeps_the_settings() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let mut t = hooked(&sb, shell);
        t.run("prefectx use development");
        let out = t.run("prefectx profile rename development dev2");
        assert!(out.contains("Renamed profile"), "{shell}: {out}");
        let out = t.run("");
        assert!(!out.contains("prefectx:"), "{shell}: {out}");
        assert_eq!(t.var("PREFECT_PROFILE"), "dev2", "{shell}");
        assert_eq!(t.var("__PREFECTX_PIN"), "dev2", "{shell}");
        assert_eq!(t.var("PREFECT_API_URL"), DEV, "{shell}");
        // Renamed in another terminal: the shell stays where it is and says so, once.
        let other = sb.run(&["profile", "rename", "dev2", "dev3"]);
        assert!(other.status.success(), "{}", stderr(&other));
        let out = t.run("");
        assert!(
            out.contains("pinned profile 'dev2' is no longer in")
                && out.contains("this shell keeps its settings"),
            "{shell}: {out}"
        );
        assert!(!out.contains("now using"), "{shell}: {out}");
        assert_eq!(
            t.var("PREFECT_API_URL"),
            DEV,
            "{shell}: moved to another server"
        );
        let out = t.run("echo again");
        assert!(!out.contains("prefectx:"), "{shell}: said twice: {out}");
        t.run("prefectx use dev3");
        assert_eq!(t.var("PREFECT_API_URL"), DEV, "{shell}");
        t.exit();
    }
}

/// Item 2: a kept name is the user's: no profile's value lands in it, none survives a switch.
#[test]
fn kept_names_are_never_changed() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles("active = \"p2\"\n\n[profiles.p1]\nPREFECT_CLOUD_API_URL = \"http://B/api\"\n\n[profiles.p2]\n");
        sb.set_env("PREFECT_CLOUD_API_URL", "http://A/api");
        sb.set_env("PREFECTX_KEEP", "PREFECT_CLOUD_API_URL");
        let mut t = hooked(&sb, shell);
        assert_eq!(t.var("PREFECT_CLOUD_API_URL"), "http://A/api", "{shell}");
        t.run("prefectx use p1");
        assert_eq!(
            t.var("PREFECT_CLOUD_API_URL"),
            "http://A/api",
            "{shell}: p1"
        );
        t.run("prefectx use p2");
        assert_eq!(
            t.var("PREFECT_CLOUD_API_URL"),
            "http://A/api",
            "{shell}: p2"
        );
        t.exit();
    }
    // `env` follows the same rule.
    let sb = Sandbox::new();
    sb.write_profiles("[profiles.p1]\nPREFECT_CLOUD_API_URL = \"http://B/api\"\n");
    let out = sb
        .cmd()
        .args(["env", "p1", "--shell", "sh"])
        .env("PREFECTX_KEEP", "PREFECT_CLOUD_API_URL")
        .env("PREFECT_CLOUD_API_URL", "http://A/api")
        .output()
        .unwrap();
    assert!(
        !stdout(&out).contains("PREFECT_CLOUD_API_URL"),
        "{}",
        stdout(&out)
    );
}

/// Item 3: a tmux server started from a pinned shell handed the pin to every later window.
#[test]
fn a_new_terminal_follows_while_a_child_shell_keeps_the_pin() {
    if !have("tmux") {
        return;
    }
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let mut t = hooked(&sb, shell);
        t.run("prefectx use development");
        // A child shell in the same terminal keeps the pin.
        t.run(&child_shell_line(&sb, shell));
        assert_eq!(t.var("PREFECT_PROFILE"), "development", "{shell}: child");
        t.run("exit");
        // A tmux server started from here; then the pinned shell goes global.
        let sock = format!("prefectx-inner-{}-{shell}", std::process::id());
        let out_file = sb.dir.path().join(format!("window-{shell}.txt"));
        let report = match shell {
            "fish" => format!("echo \"P=$PREFECT_PROFILE\" > '{}'", out_file.display()),
            _ => format!("echo \"P=$PREFECT_PROFILE\" > '{}'", out_file.display()),
        };
        let inner = child_shell_line(&sb, shell).replace('"', "\\\"");
        t.run(&format!(
            "tmux -L {sock} -f /dev/null new-session -d -s i -x 100 -y 20 \"{inner}\""
        ));
        t.run("prefectx use --global production");
        t.run(&format!("tmux -L {sock} new-window -t i \"{inner}\""));
        // The new window's shell: wait for its prompt, then have it report its profile.
        let screen = || {
            std::process::Command::new("tmux")
                .args(["-L", &sock, "capture-pane", "-p", "-t", "i"])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default()
        };
        wait_until(30, "the new window's prompt", || {
            screen().contains(PROMPT.trim_end())
        });
        std::process::Command::new("tmux")
            .args(["-L", &sock, "send-keys", "-t", "i", "-l", &report])
            .status()
            .unwrap();
        std::process::Command::new("tmux")
            .args(["-L", &sock, "send-keys", "-t", "i", "Enter"])
            .status()
            .unwrap();
        wait_until(30, "the window's report", || {
            std::fs::read_to_string(&out_file).is_ok_and(|s| s.ends_with('\n'))
        });
        let _ = std::process::Command::new("tmux")
            .args(["-L", &sock, "kill-server"])
            .status();
        assert_eq!(
            std::fs::read_to_string(&out_file).unwrap(),
            "P=production\n",
            "{shell}: the new tmux window kept the old pin"
        );
        t.exit();
    }
}

/// Item 8: a relative PREFECT_PROFILES_PATH names another file after `cd`, as Prefect reads it.
#[test]
fn a_relative_profiles_path_follows_cd() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        for (dir, name, url) in [("p1", "a", "http://one/api"), ("p2", "b", "http://two/api")] {
            let d = sb.home().join(dir);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(
                d.join("profiles.toml"),
                format!("active = \"{name}\"\n\n[profiles.{name}]\nPREFECT_API_URL = \"{url}\"\n"),
            )
            .unwrap();
        }
        let mut t = hooked(&sb, shell);
        let export = match shell {
            "fish" => "cd p1; set -gx PREFECT_PROFILES_PATH profiles.toml",
            _ => "cd p1; export PREFECT_PROFILES_PATH=profiles.toml",
        };
        t.run(export);
        assert_eq!(t.var("PREFECT_API_URL"), "http://one/api", "{shell}");
        let out = t.run("cd ../p2");
        assert!(
            out.contains("(the profiles file is now profiles.toml)"),
            "{shell}: {out}"
        );
        assert_eq!(t.var("PREFECT_API_URL"), "http://two/api", "{shell}");
        assert!(t.run("prefectx current").contains('b'));
        t.exit();
    }
}

/// Item 5: Ctrl-C in a picker left the cursor hidden. Now it is restored, and the exit is 130.
#[test]
fn ctrl_c_in_a_picker_restores_the_cursor_and_exits_130() {
    if !have("tmux") {
        return;
    }
    // The profile picker, through the hook's `prefectx use`; names show as typed (item 9).
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(&format!("{FILE}\n[profiles.\"it's\"]\n"));
        let t = Tmux::shell(&sb, shell, &rc_text(shell, &hook_line(shell, BIN)), "ctrlc");
        t.keys(&["-l", "prefectx use"]);
        t.keys(&["Enter"]);
        let screen = t.wait_for("(current)");
        assert!(screen.contains("  \"it's\"\n"), "{shell}: {screen}");
        assert!(!t.cursor_visible(), "{shell}: the picker hides the cursor");
        t.keys(&["C-c"]);
        let status = if shell == "fish" { "$status" } else { "$?" };
        t.keys(&["-l", &format!("echo RC={status}")]);
        t.keys(&["Enter"]);
        let s = t.wait_for("RC=1");
        assert!(s.contains("RC=130"), "{shell}: {s}");
        assert!(t.cursor_visible(), "{shell}: cursor left hidden");
    }
    // Login's first prompt.
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    sb.set_env("PREFECT_CLOUD_API_URL", "http://127.0.0.1:9/api");
    let mut cmd = sb.cmd();
    cmd.arg("login");
    let t = Tmux::start(cmd, "login-ctrlc");
    t.wait_for("How would you like to authenticate?");
    t.keys(&["C-c"]);
    let s = t.wait_for("EXIT=");
    assert!(s.contains("EXIT=130"), "{s}");
    assert!(t.cursor_visible(), "login: cursor left hidden");
    assert_eq!(sb.read_profiles(), FILE);

    // Ctrl-C at the hidden key prompt, in an interactive bash: the terminal echoes again.
    let t = Tmux::shell(&sb, "bash", &rc_text("bash", ""), "login-key-ctrlc");
    t.keys(&[
        "-l",
        &format!("PREFECT_CLOUD_API_URL=http://127.0.0.1:9/api '{BIN}' login"),
    ]);
    t.keys(&["Enter"]);
    t.wait_for("How would you like to authenticate?");
    t.keys(&["Down"]);
    t.keys(&["Enter"]);
    t.wait_for("Paste your API key");
    t.keys(&["C-c"]);
    t.keys(&[
        "-l",
        "stty -a | tr ' ;' '\\n\\n' | grep -x -e echo -e -echo | sed 's/^/MO''DE=/'",
    ]);
    t.keys(&["Enter"]);
    // (The typed line spells it MO''DE=, so only the output matches.)
    let s = t.wait_for("MODE=");
    assert!(s.contains("MODE=echo"), "echo left off: {s}");
}

/// Item 9: names shown as they are typed, quoted only when needed; columns by display width.
#[test]
fn names_are_shown_as_a_user_types_them() {
    let sb = Sandbox::new();
    sb.write_profiles(
        "[profiles.dev]\n[profiles.\"it's\"]\n[profiles.'say \"hi\"']\n[profiles.\"tab\\tx\"]\n[profiles.\"日本語\"]\n",
    );
    let out = stdout(&sb.run(&["ls"]));
    for shown in ["dev", "\"it's\"", "'say \"hi\"'", "$'tab\\tx'", "日本語"] {
        assert!(
            out.lines()
                .any(|l| l[3..].starts_with(&format!("{shown} "))),
            "{shown} not shown: {out}"
        );
    }
    // The kind column starts at the same display column on every line.
    let cols: Vec<usize> = out
        .lines()
        .map(|l| {
            let i = ["server", "ephemeral", "unconfigured", "cloud"]
                .iter()
                .filter_map(|k| l.rfind(&format!(" {k} ")))
                .max()
                .unwrap_or_else(|| panic!("no kind in {l:?}"));
            unicode_width::UnicodeWidthStr::width(&l[..i])
        })
        .collect();
    assert!(cols.windows(2).all(|w| w[0] == w[1]), "{cols:?}\n{out}");
    // What is shown can be typed back.
    for (shown, name) in [
        ("\"it's\"", "it's"),
        ("'say \"hi\"'", "say \"hi\""),
        ("$'tab\\tx'", "tab\tx"),
    ] {
        let o = sb.shell(
            "bash",
            &format!("\"$PREFECTX\" env --shell sh {shown}"),
            &[],
        );
        assert!(
            stdout(&o).contains(&format!("PREFECT_PROFILE={}", sh_quote(name))),
            "{shown}: {}{}",
            stdout(&o),
            stderr(&o)
        );
    }
    let out = sb.run(&["profile", "create", "x"]);
    assert!(
        stdout(&out).starts_with("Created profile 'x'.\n"),
        "{}",
        stdout(&out)
    );
    let out = sb.run(&["profile", "create", "y", "--from", "it's"]);
    assert!(
        stdout(&out).starts_with("Created profile 'y', a copy of \"it's\".\n"),
        "{}",
        stdout(&out)
    );
}

fn sh_quote(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii_alphanumeric()) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Item 10: `exec` runs a command given without `--`, and TAB completes commands, then files.
#[test]
fn exec_takes_a_command_without_dashes_and_completes_it() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let out = sb.run(&[
        "exec",
        "development",
        "sh",
        "-c",
        "echo $PREFECT_API_URL -- $1",
        "x",
        "-y",
    ]);
    assert_eq!(stdout(&out), format!("{DEV} -- -y\n"), "{}", stderr(&out));
    let out = sb.run(&["exec", "development", "--", "true"]);
    assert!(out.status.success());
    if !have("tmux") {
        return;
    }
    std::fs::write(sb.home().join("unique-file.txt"), "").unwrap();
    for shell in interactive_shells() {
        // zsh registers completion once compinit has run.
        let body = match shell {
            "zsh" => format!(
                "autoload -Uz compinit && compinit -u\n{}",
                hook_line(shell, BIN)
            ),
            _ => hook_line(shell, BIN),
        };
        let t = Tmux::shell(&sb, shell, &rc_text(shell, &body), "exec-tab");
        t.keys(&["-l", "prefectx exec development -- printen"]);
        t.keys(&["Tab"]);
        t.wait_for("-- printenv");
        t.keys(&["-l", "PREFECT_API_URL"]);
        t.keys(&["Enter"]);
        t.wait_for(&format!("\n{DEV}"));
        t.keys(&["-l", "prefectx exec development ls unique-f"]);
        t.keys(&["Tab"]);
        t.wait_for("ls unique-file.txt");
        t.keys(&["Enter"]);
        t.wait_for("\nunique-file.txt");
    }
}

/// Item 11: messages that said the wrong thing or nothing.
#[test]
fn messages_say_what_happened() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    // did you mean, for profiles as for settings
    for typo in ["Development", "developmnt"] {
        let out = sb.run(&["env", typo]);
        assert!(
            stderr(&out).contains("did you mean 'development'?"),
            "{typo}: {}",
            stderr(&out)
        );
    }
    // A self-hosted server is not "Prefect Cloud".
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    sb.write_profiles(&format!(
        "active = \"s\"\n[profiles.s]\nPREFECT_API_URL = \"http://127.0.0.1:{port}/api\"\n"
    ));
    let out = sb.run(&["doctor"]);
    assert!(
        stdout(&out).contains(&format!(
            "cannot reach the Prefect server at 127.0.0.1:{port}"
        )),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("Prefect Cloud"), "{}", stdout(&out));
    // A broken file: "not changed" only where a write was asked for.
    sb.write_profiles("[profiles.a\n");
    let out = sb.run(&["ls"]);
    assert!(
        stderr(&out).contains("not valid TOML") && !stderr(&out).contains("not changed"),
        "{}",
        stderr(&out)
    );
    let out = sb.run(&["config", "set", "PREFECT_API_URL=x"]);
    assert!(
        stderr(&out).contains("; the file was not changed"),
        "{}",
        stderr(&out)
    );
    // `config unset <TAB>`: the keys the profile sets.
    sb.write_profiles("active = \"a\"\n[profiles.a]\nPREFECT_API_URL = \"x\"\nPREFECT_LOGGING_LEVEL = \"DEBUG\"\n");
    let out = sb
        .cmd()
        .env("COMPLETE", "fish")
        .args(["--", "prefectx", "config", "unset", ""])
        .output()
        .unwrap();
    let names: Vec<String> = stdout(&out)
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .filter(|n| !n.starts_with('-'))
        .collect();
    assert_eq!(
        names,
        ["PREFECT_API_URL", "PREFECT_LOGGING_LEVEL"],
        "{}",
        stdout(&out)
    );
    // `follow` says what it did; the relative-path switch says why.
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let mut t = hooked(&sb, shell);
        t.run("prefectx use development");
        let out = t.run("prefectx follow");
        assert!(
            out.contains("This shell now follows the active profile, 'production'."),
            "{shell}: {out}"
        );
        t.exit();
    }
}

/// Item 11: `workspace set` with no handle: a picker on a terminal, the handles elsewhere.
#[test]
fn workspace_set_without_a_handle() {
    let server = cloud::standard();
    let sb = Sandbox::new();
    sb.write_profiles("active = \"dev\"\n[profiles.dev]\n");
    sb.set_env("PREFECT_CLOUD_API_URL", &server.base);
    assert!(sb.run(&cloud::login_args(&[])).status.success());
    let out = sb.run(&["workspace", "set"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("which workspace? pass one of: acme/dev, acme/prod, personal/sandbox"),
        "{}",
        stderr(&out)
    );
    if !have("tmux") {
        return;
    }
    let mut cmd = sb.cmd();
    cmd.args(["workspace", "set"]);
    let t = Tmux::start(cmd, "ws-picker");
    t.wait_for("Which workspace?");
    t.keys(&["-l", "acme/dev"]);
    t.wait_for("> acme/dev");
    t.keys(&["Enter"]);
    let s = t.wait_for("EXIT=");
    assert!(
        s.contains("Successfully set workspace to 'acme/dev'") && s.contains("EXIT=0"),
        "{s}"
    );
}

/// Item 4: deleting a profile took the previous profile's trailing comments with it.
#[test]
fn delete_keeps_the_comments_of_the_profile_before() {
    let sb = Sandbox::new();
    let head = "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev/api\"\n# PREFECT_LOGGING_LEVEL = \"DEBUG\"\n\n";
    sb.write_profiles(&format!(
        "{head}# production, do not touch\n[profiles.prod]\nPREFECT_API_URL = \"http://prod/api\"\n"
    ));
    let out = sb.run(&["profile", "delete", "prod", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sb.read_profiles(), head);
    // Rename keeps everything in place too.
    let out = sb.run(&["profile", "rename", "dev", "dev2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        sb.read_profiles(),
        head.replace("dev\"\n\n[profiles.dev]", "dev2\"\n\n[profiles.dev2]")
    );
}

/// Item 7: values exported by hand were reset by the next change of the file without a word;
/// now they stand while set, as for Prefect, and are named.
#[test]
fn values_changed_by_hand_are_marked_and_stand() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let mut t = hooked(&sb, shell);
        t.run("prefectx use development");
        // A one-shot prefix changes nothing in the shell: no mark.
        t.run("PREFECT_API_URL=http://once/api true");
        assert!(!t.var("PREFECTX_PROMPT").ends_with('*'), "{shell}");
        let (set_url, set_level) = match shell {
            "fish" => (
                "set -gx PREFECT_API_URL http://manual/api",
                "set -gx PREFECT_LOGGING_LEVEL DEBUG",
            ),
            _ => (
                "export PREFECT_API_URL=http://manual/api",
                "export PREFECT_LOGGING_LEVEL=DEBUG",
            ),
        };
        t.run(set_url);
        t.run(set_level);
        let prompt = t.var("PREFECTX_PROMPT");
        assert!(
            prompt.ends_with('*') && !prompt.ends_with("**"),
            "{shell}: {prompt}"
        );
        let sums = t.var("__PREFECTX_SUMS");
        assert!(
            !sums.contains("dev.example") && !sums.contains("manual"),
            "{shell}: {sums}"
        );
        // An unrelated change of the file elsewhere re-applies: values set by hand stand, as
        // an environment variable does for Prefect (docs/shells.md), and stay marked.
        assert!(sb.run(&["profile", "create", "other"]).status.success());
        let out = t.run("");
        assert!(!out.contains("prefectx:"), "{shell}: {out}");
        assert_eq!(t.var("PREFECT_API_URL"), "http://manual/api", "{shell}");
        assert_eq!(t.var("PREFECT_LOGGING_LEVEL"), "DEBUG", "{shell}");
        assert_eq!(t.var("PREFECTX_PROMPT"), "development:manual*", "{shell}");
        let outside = t.var("__PREFECTX_OUTSIDE");
        assert!(
            outside.contains("PREFECT_API_URL:")
                && outside.contains("PREFECT_LOGGING_LEVEL:-")
                && !outside.contains("manual")
                && !outside.contains("DEBUG"),
            "{shell}: {outside}"
        );
        // Switching names them; unsetting them gives the profile's values back.
        let out = t.run("prefectx use production");
        assert!(
            out.contains("kept in effect over profile 'production', as Prefect would: PREFECT_API_URL, PREFECT_LOGGING_LEVEL"),
            "{shell}: {out}"
        );
        t.run(match shell {
            "fish" => "set -e PREFECT_API_URL PREFECT_LOGGING_LEVEL",
            _ => "unset PREFECT_API_URL PREFECT_LOGGING_LEVEL",
        });
        assert_eq!(
            t.var("PREFECT_API_URL"),
            "http://prod.example/api",
            "{shell}"
        );
        assert!(!t.var("PREFECTX_PROMPT").ends_with('*'), "{shell}");
        t.exit();
    }
}
