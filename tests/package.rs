//! The Debian package and the plugin-manager layouts. scripts/test.sh builds the
//! .deb (`cargo deb --no-build --profile dev`, the binaries the tests use) before the tests; this checks the
//! package's contents and dependencies, installs it with dpkg on this machine (CI runs as
//! root), and shows that fresh interactive shells complete `prefectx ` with no prefectx line in
//! any rc file, that `man prefectx` works, and that `prefectx` finds `prefectx-cloud`. Then it
//! removes the package again.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::pty::{rc_text, shell_command, Tmux, PROMPT};
use common::*;

fn deb_file() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/debian");
    let mut debs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "deb"))
                .collect()
        })
        .unwrap_or_default();
    debs.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    let found = debs.pop();
    if found.is_none() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!(
                "no .deb under {}: scripts/test.sh builds it (cargo deb)",
                dir.display()
            );
        }
        eprintln!(
            "SKIP: no .deb under {} (scripts/test.sh builds it)",
            dir.display()
        );
    }
    found
}

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().expect("run");
    assert!(o.status.success(), "{cmd:?}: {}{}", stdout(&o), stderr(&o));
    stdout(&o)
}

/// Removes the package when the test ends, whatever happened.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = Command::new("dpkg").args(["--purge", "prefectx"]).output();
    }
}

#[test]
fn the_debian_package_installs_and_works() {
    let Some(deb) = deb_file() else {
        return;
    };
    let list = run(Command::new("dpkg-deb").arg("-c").arg(&deb));
    for want in [
        "./usr/bin/prefectx",
        "./usr/bin/prefectx-cloud",
        "./usr/share/man/man1/prefectx.1",
        "./usr/share/man/man1/prefectx-env.1",
        "./usr/share/bash-completion/completions/prefectx",
        "./usr/share/zsh/vendor-completions/_prefectx",
        "./usr/share/fish/vendor_completions.d/prefectx.fish",
        "./usr/share/doc/prefectx/README.md",
        "./usr/share/doc/prefectx/copyright",
    ] {
        assert!(list.contains(want), "{want} not in the package:\n{list}");
    }
    eprintln!("package contents:\n{list}");
    assert!(
        list.contains("./usr/share/man/man1/prefectx-cloud.1"),
        "{list}"
    );
    // Debian's own checker, at its default level: no error, no warning.
    if have("lintian") {
        run(Command::new("lintian")
            .args(["--fail-on", "error,warning"])
            .arg(&deb));
    } else {
        assert!(
            std::env::var("CI").is_err(),
            "lintian is missing under CI=true"
        );
        eprintln!("SKIP: lintian is not installed");
    }
    let depends = run(Command::new("dpkg-deb").arg("-f").arg(&deb).arg("Depends"));
    assert!(depends.trim().starts_with("libc6"), "{depends}");
    assert!(!depends.contains(','), "libc only: {depends}");

    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        assert!(
            std::env::var("CI").is_err(),
            "installing the .deb needs root under CI=true"
        );
        eprintln!("SKIP: installing the .deb needs root (CI runs as root)");
        return;
    }
    run(Command::new("dpkg").arg("-i").arg(&deb));
    let _installed = Installed;
    let sb = Sandbox::new();
    sb.write_profiles(
        "active = \"dev\"\n[profiles.dev]\nPREFECT_API_URL = \"http://dev/api\"\n[profiles.prod]\n",
    );
    let plain = |prog: &str| {
        let mut c = Command::new(prog);
        c.env_clear()
            .envs(sb.envs())
            .env("PATH", "/usr/bin:/bin")
            .current_dir(sb.home());
        c
    };

    // man, and the second binary found next to the first.
    let page = run(plain("man").env("MANPAGER", "cat").args(["prefectx"]));
    assert!(page.contains("Switch Prefect profiles"), "{page}");
    let page = run(plain("man").env("MANPAGER", "cat").args(["prefectx-use"]));
    assert!(page.contains("--local"), "{page}");
    let doctor = run(plain("prefectx").args(["doctor", "--offline"]));
    assert!(doctor.contains("profiles file:"), "{doctor}");

    // Fresh interactive shells, no prefectx line anywhere: bash as a login shell (Debian's
    // /etc/profile.d loads bash-completion), zsh with only `compinit` (Debian runs none), fish
    // as it is.
    for (shell, rc) in [
        ("bash", String::new()),
        ("zsh", "autoload -U compinit; compinit -u".to_string()),
        ("fish", String::new()),
    ] {
        if !have(shell) {
            continue;
        }
        let mut cmd = shell_command(&sb, shell, &rc_text(shell, &rc), None);
        if shell == "bash" {
            // A login shell reads /etc/profile (and its profile.d); ~/.bash_profile sets only
            // the prompt.
            std::fs::write(
                sb.home().join(".bash_profile"),
                "PS1='PX> '\nHISTFILE=/dev/null\n",
            )
            .unwrap();
            cmd = Command::new("bash");
            cmd.args(["-l", "-i"]);
            cmd.env_clear().envs(sb.envs()).current_dir(sb.home());
        }
        if shell == "fish" {
            // `--no-config` would also leave out the vendor completions: a plain fish, whose
            // config.fish sets only the prompt.
            let conf = sb.home().join(".config/fish");
            std::fs::create_dir_all(&conf).unwrap();
            std::fs::write(conf.join("config.fish"), rc_text("fish", "")).unwrap();
            cmd = Command::new("fish");
            cmd.arg("-i");
            cmd.env_clear().envs(sb.envs()).current_dir(sb.home());
        }
        cmd.env("PATH", "/usr/bin:/bin");
        eprintln!("TAB in a fresh {shell}");
        let t = Tmux::start(cmd, &format!("deb-{shell}"));
        t.wait_for(PROMPT.trim_end());
        t.keys(&["prefectx ", "Tab"]);
        if shell == "bash" {
            t.keys(&["Tab"]);
        }
        let screen = t.wait_for("workspace");
        assert!(screen.contains("profile"), "{shell}: {screen}");
        // C-c ends the listing; on a loaded machine it can land while zsh still runs the
        // completion and leave the typed words, which C-u clears.
        // fish 3.6 repaints after C-c; words typed during the repaint can reach the line
        // while a Tab sent with them is lost, so wait for an empty prompt, then the words.
        t.keys(&["C-c"]);
        t.keys(&["C-u"]);
        wait_until(15, "an empty prompt after C-c", || {
            let screen = t.screen();
            let last = screen.lines().rev().find(|l| !l.trim().is_empty());
            last.map(str::trim_end) == Some(PROMPT.trim_end())
        });
        t.keys(&["prefectx use pr"]);
        t.wait_for("prefectx use pr");
        t.keys(&["Tab"]);
        t.wait_for("prefectx use prod");
    }
}

#[test]
fn plugin_manager_layouts_hook_the_shell() {
    // The files plugin managers pick up: they run `prefectx` from PATH.
    let sb = Sandbox::new();
    sb.write_profiles("active = \"dev\"\n[profiles.dev]\nPREFECT_API_URL = \"http://dev/api\"\n");
    let bin_dir = Path::new(BIN).parent().unwrap().display().to_string();
    let path = format!("{bin_dir}:{}", std::env::var("PATH").unwrap_or_default());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if have("zsh") {
        // oh-my-zsh, zinit, antidote and sheldon all `source` the plugin file.
        let script = format!(
            "source '{}'; print -r -- \"$PREFECT_PROFILE|$PREFECT_API_URL|$+functions[__prefectx_precmd]\"",
            root.join("prefectx.plugin.zsh").display()
        );
        let o = sb.shell("zsh", &script, &[("PATH", &path)]);
        assert_eq!(stdout(&o).trim(), "dev|http://dev/api|1", "{}", stderr(&o));
        // Without prefectx on PATH: one line, and the shell goes on.
        let o = sb.shell("zsh", &script, &[("PATH", "/usr/bin:/bin")]);
        if !Path::new("/usr/bin/prefectx").exists() {
            assert!(
                stderr(&o).contains("prefectx is not on PATH"),
                "{}",
                stderr(&o)
            );
            assert_eq!(stdout(&o).trim(), "||0");
        }
    }
    if have("fish") {
        // fish sources ~/.config/fish/conf.d/*.fish at startup (fisher installs there).
        let conf = sb.home().join(".config/fish/conf.d");
        std::fs::create_dir_all(&conf).unwrap();
        std::fs::copy(
            root.join("conf.d/prefectx.fish"),
            conf.join("prefectx.fish"),
        )
        .unwrap();
        let o = Command::new("fish")
            .env_clear()
            .envs(sb.envs())
            .env("PATH", &path)
            .current_dir(sb.home())
            .args(["-i", "-c", "echo \"$PREFECT_PROFILE|$PREFECT_API_URL|\"(functions -q __prefectx_prompt; and echo 1)"])
            .output()
            .unwrap();
        assert_eq!(stdout(&o).trim(), "dev|http://dev/api|1", "{}", stderr(&o));
    }
}
