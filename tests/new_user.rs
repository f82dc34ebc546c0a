//! Issue 17: what a new user hit, each item reproduced in real shells.

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
        for (dir, url) in [("p1", "http://one/api"), ("p2", "http://two/api")] {
            let d = sb.home().join(dir);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(
                d.join("profiles.toml"),
                format!("active = \"a\"\n\n[profiles.a]\nPREFECT_API_URL = \"{url}\"\n"),
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
        t.run("cd ../p2");
        assert_eq!(t.var("PREFECT_API_URL"), "http://two/api", "{shell}");
        assert!(t.run("prefectx current").contains('a'));
        t.exit();
    }
}

/// Item 5: Ctrl-C in a picker left the cursor hidden. Now it is restored, and the exit is 130.
#[test]
fn ctrl_c_in_a_picker_restores_the_cursor_and_exits_130() {
    if !have("tmux") {
        return;
    }
    // The profile picker, through the hook's `prefectx use`.
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let t = Tmux::start(
            shell_command(&sb, shell, &rc_text(shell, &hook_line(shell, BIN)), None),
            &format!("{shell}-ctrlc"),
        );
        t.wait_for(PROMPT.trim_end());
        t.keys(&["-l", "prefectx use"]);
        t.keys(&["Enter"]);
        t.wait_for("(current)");
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
}
