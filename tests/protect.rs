//! Protected profiles (docs/protect.md), for real: the real prefect 3.9.1 against two loopback
//! servers that log every request (prod and dev), in interactive bash, zsh and fish (a pty) and
//! nushell (tmux). A `prefect` shim in front of the real one counts how often Prefect started.
//! For each class of state-changing command: a wrong name and Ctrl-C leave both logs empty;
//! with no terminal the command is refused; the typed name runs it once; PREFECTX_CONFIRM=0
//! runs it with no question; read-only commands never ask. On an unprotected profile the
//! `prefect` function starts nothing of ours (strace), and an idle prompt starts nothing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::cloud::{Reply, Server};
use common::nu::{nu_command, Nu};
use common::pty::{hook_line, rc_text, shell_command, Term, PROMPT};
use common::*;

/// One command per class the protection must stop, each reaching the server when it runs.
/// `--no-prompt`: Prefect's own confirmations stay out of the way once the name is typed.
const CLASSES: &[&str] = &[
    "--no-prompt deploy flows.py:hello -n d -p pool",
    "--no-prompt deployment run hello/d",
    "--no-prompt deployment delete hello/d",
    "--no-prompt work-pool delete pool",
    "--no-prompt variable set x 1",
    "--no-prompt block delete secret/x",
    "--no-prompt automation delete x",
    "--no-prompt concurrency-limit delete tag",
    "--no-prompt transfer --from dev --to prod",
];

const QUESTION: &str = "Type the profile's name to go on: ";

struct World {
    sb: Sandbox,
    prod: Server,
    dev: Server,
    runs: PathBuf,
}

impl World {
    fn new() -> Option<World> {
        let venv = prefect_venv()?;
        let not_found =
            |_: &common::cloud::Req, _| Reply::Json(404, r#"{"detail":"Not Found"}"#.into());
        let (prod, dev) = (Server::start(not_found), Server::start(not_found));
        let sb = Sandbox::new();
        sb.write_profiles(&format!(
            "active = \"prod\"\n\n[profiles.prod]\nPREFECT_API_URL = \"{}\"\n\n[profiles.dev]\nPREFECT_API_URL = \"{}\"\n",
            prod.base, dev.base
        ));
        let shim = sb.dir.path().join("shim");
        std::fs::create_dir_all(&shim).unwrap();
        let runs = sb.dir.path().join("runs.log");
        std::fs::write(
            shim.join("prefect"),
            format!(
                "#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}/bin/prefect' \"$@\"\n",
                runs.display(),
                venv.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(shim.join("prefect"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        sb.set_env(
            "PATH",
            &format!(
                "{}:{}",
                shim.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        );
        sb.set_env("DO_NOT_TRACK", "1");
        std::fs::write(
            sb.home().join("flows.py"),
            "from prefect import flow\n\n@flow\ndef hello():\n    pass\n",
        )
        .unwrap();
        let out = sb.run(&["profile", "protect", "prod"]);
        assert!(out.status.success(), "{}", stderr(&out));
        Some(World {
            sb,
            prod,
            dev,
            runs,
        })
    }

    /// How often Prefect started, and how many requests each server saw.
    fn counts(&self) -> (usize, usize, usize) {
        let runs = std::fs::read_to_string(&self.runs).unwrap_or_default();
        (runs.lines().count(), self.prod.count(), self.dev.count())
    }

    /// Prefect ran once more, and the server the command acts on heard from it.
    fn ran_once(&self, before: (usize, usize, usize), line: &str) {
        let now = self.counts();
        assert_eq!(now.0, before.0 + 1, "prefect did not run once for {line:?}");
        let server = if line.contains("transfer") {
            now.2 > before.2
        } else {
            now.1 > before.1
        };
        assert!(server, "no request for {line:?}: {now:?} after {before:?}");
    }
}

/// Types `line` at an interactive bash, zsh or fish and answers the question with `answer`
/// (None: Ctrl-C); returns what was printed.
fn answer(t: &mut Term, line: &str, answer: Option<&str>) -> String {
    t.s.send_line(line).unwrap();
    let before =
        t.s.exp_string(QUESTION)
            .unwrap_or_else(|e| panic!("{}: no question for {line:?}: {e}", t.shell));
    match answer {
        Some(a) => drop(t.s.send_line(a).unwrap()),
        None => t.s.send_control('c').unwrap(),
    }
    let after = t.s.exp_string(PROMPT).unwrap();
    format!("{before}{QUESTION}{after}")
}

fn refusals_and_runs(shell: &str, all_runs: bool) {
    let Some(w) = World::new() else { return };
    if !have(shell) {
        return;
    }
    let rc = rc_text(shell, &hook_line(shell, BIN));
    let mut t = Term::start(&w.sb, shell, &rc);
    assert_eq!(t.var("PREFECTX_PROTECTED"), "prod");
    assert!(t.var("PREFECTX_PROMPT").starts_with("!prod:"));
    for line in CLASSES {
        let said = answer(&mut t, &format!("prefect {line}"), Some("prd"));
        assert!(
            said.contains("changes protected profile 'prod'"),
            "{shell}: {said}"
        );
        assert!(
            said.contains("'prd' is not 'prod'; nothing ran"),
            "{shell}: {said}"
        );
        if shell != "fish" {
            assert_eq!(t.var("?"), "1", "{shell}: {line}");
        }
        answer(&mut t, &format!("prefect {line}"), None);
        if shell == "bash" {
            assert_eq!(t.var("?"), "130", "{shell}: {line}");
        }
    }
    // Piped input never answers: the question is on the terminal.
    let piped = answer(&mut t, "echo prod | prefect variable set x 1", Some("no"));
    assert!(
        piped.contains("'no' is not 'prod'; nothing ran"),
        "{shell}: {piped}"
    );
    assert_eq!(
        w.counts(),
        (0, 0, 0),
        "{shell}: something ran or reached a server"
    );

    for line in CLASSES
        .iter()
        .filter(|l| all_runs || l.contains("variable"))
    {
        let before = w.counts();
        let said = answer(&mut t, &format!("prefect {line}"), Some("prod"));
        assert!(!said.contains("nothing ran"), "{shell}: {said}");
        w.ran_once(before, line);
    }
    let before = w.counts();
    let out = t.run("PREFECTX_CONFIRM=0 prefect variable set x 1");
    assert!(!out.contains("protected"), "{shell}: {out}");
    w.ran_once(before, "variable set");
    // Read-only commands never ask.
    for line in ["variable ls", "deployment delete --help"]
        .iter()
        .take(1 + usize::from(all_runs))
    {
        let before = w.counts();
        let out = t.run(&format!("prefect {line}"));
        assert!(!out.contains("protected"), "{shell}: {out}");
        assert_eq!(w.counts().0, before.0 + 1, "{shell}: {line}");
    }
    t.exit();
}

#[test]
fn bash_asks_before_every_class_of_change() {
    refusals_and_runs("bash", true);
}

#[test]
fn zsh_asks_before_every_class_of_change() {
    refusals_and_runs("zsh", false);
}

#[test]
fn fish_asks_before_every_class_of_change() {
    refusals_and_runs("fish", false);
}

#[test]
fn nushell_asks_before_every_class_of_change() {
    let Some(w) = World::new() else { return };
    if !have("nu") {
        return;
    }
    let mut nu = Nu::start_cmd(nu_command(&w.sb, "", None));
    assert_eq!(nu.var("PREFECTX_PROTECTED"), "prod");
    let mut asked = 0;
    let mut ask = |nu: &mut Nu, line: &str, keys: &[&str]| {
        asked += 1;
        nu.t.keys(&[&format!("prefect {line}"), "Enter"]);
        wait_until(20, "the question", || {
            nu.t.history().matches(QUESTION.trim_end()).count() >= asked
        });
        nu.t.keys(keys);
        nu.mark();
    };
    for line in CLASSES {
        ask(&mut nu, line, &["prd", "Enter"]);
        ask(&mut nu, line, &["C-c"]);
    }
    assert!(nu.t.history().contains("'prd' is not 'prod'; nothing ran"));
    assert_eq!(
        w.counts(),
        (0, 0, 0),
        "nu: something ran or reached a server"
    );
    let before = w.counts();
    ask(&mut nu, "variable set x 1", &["prod", "Enter"]);
    wait_until(60, "prefect to finish", || {
        w.counts().0 > before.0 && w.prod.count() > before.1
    });
    nu.mark();
    let before = w.counts();
    let out = nu.run("with-env {PREFECTX_CONFIRM: '0'} { prefect variable set x 1 }");
    w.ran_once(before, "variable set");
    let before = w.counts();
    let out2 = nu.run("prefect variable ls");
    assert_eq!(w.counts().0, before.0 + 1);
    assert!(
        !format!("{out}{out2}").contains(QUESTION.trim_end()),
        "{out}{out2}"
    );
}

/// No terminal (cron, CI, a service): refused with one line, exit 1, unless
/// PREFECTX_CONFIRM=0; through `exec` and through each shell's `prefect` function.
#[test]
fn without_a_terminal_a_change_is_refused() {
    let Some(w) = World::new() else { return };
    let bare = |args: &[&str], confirm: bool| {
        let mut c = Command::new("setsid");
        c.arg("-w")
            .args(args)
            .env_clear()
            .envs(w.sb.envs())
            .current_dir(w.sb.home());
        if confirm {
            c.env("PREFECTX_CONFIRM", "0");
        }
        c.stdin(std::process::Stdio::null()).output().unwrap()
    };
    for line in CLASSES {
        let mut args = vec![BIN, "exec", "prod", "--", "prefect"];
        args.extend(line.split(' '));
        let out = bare(&args, false);
        assert_eq!(out.status.code(), Some(1), "{line}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("no terminal to ask on"), "{err}");
    }
    let hook = w.sb.dir.path().join("hook.nu");
    std::fs::write(&hook, w.sb.run(&["hook", "nu"]).stdout).unwrap();
    let scripts = [
        (
            "bash",
            format!("eval \"$('{BIN}' hook bash)\"; prefect variable set x 1"),
        ),
        (
            "zsh",
            format!("eval \"$('{BIN}' hook zsh)\"; prefect variable set x 1"),
        ),
        (
            "fish",
            format!("'{BIN}' hook fish | source; prefect variable set x 1"),
        ),
        (
            "nu",
            format!("source '{}'; prefect variable set x 1", hook.display()),
        ),
    ];
    for (shell, script) in &scripts {
        if !have(shell) {
            continue;
        }
        let out = bare(&[shell, "-c", script], false);
        assert!(!out.status.success(), "{shell}");
        assert!(
            stderr(&out).contains("no terminal to ask on"),
            "{shell}: {}",
            stderr(&out)
        );
    }
    assert_eq!(w.counts(), (0, 0, 0), "something ran or reached a server");
    let out = bare(&["bash", "-c", &scripts[0].1], true);
    assert!(!stderr(&out).contains("protected"), "{}", stderr(&out));
    w.ran_once((0, 0, 0), "variable set");
    // Any other command is named on stderr before it runs, with no question.
    let out = bare(&[BIN, "exec", "prod", "--", "sh", "-c", "echo ran"], false);
    assert_eq!(stdout(&out), "ran\n");
    assert!(
        stderr(&out).contains("running sh with protected profile 'prod'"),
        "{}",
        stderr(&out)
    );
}

/// On an unprotected profile the `prefect` function runs prefect with no process of ours, and
/// on any profile an idle prompt starts none; a mark set or removed in another terminal shows
/// at the next prompt.
#[test]
fn unprotected_profiles_cost_nothing_and_marks_follow_at_the_next_prompt() {
    let Some(w) = World::new() else { return };
    for shell in common::pty::interactive_shells() {
        let log = w.sb.dir.path().join(format!("strace-{shell}.log"));
        let rc = rc_text(shell, &hook_line(shell, BIN));
        let mut t = Term::start_cmd(shell_command(&w.sb, shell, &rc, Some(&log)), shell);
        let ours = || common::pty::execs_of(&log, BIN);
        t.run("prefectx use dev");
        assert_eq!(t.var("PREFECTX_PROTECTED"), "<unset>");
        let before = (ours(), w.counts());
        t.run("prefect variable set x 1");
        assert_eq!(
            ours(),
            before.0,
            "{shell}: a process of ours ran for prefect on dev"
        );
        assert!(
            w.counts().0 > before.1 .0 && w.dev.count() > before.1 .2,
            "{shell}"
        );
        t.run("prefectx use prod");
        let idle = ours();
        for _ in 0..10 {
            t.run("");
        }
        assert_eq!(
            ours(),
            idle,
            "{shell}: an idle prompt started a process of ours"
        );
        // Another terminal removes the mark: the next prompt drops it, and puts it back.
        assert!(w
            .sb
            .run(&["profile", "protect", "--off", "prod"])
            .status
            .success());
        t.run("");
        assert_eq!(t.var("PREFECTX_PROTECTED"), "<unset>", "{shell}");
        assert!(!t.var("PREFECTX_PROMPT").starts_with('!'), "{shell}");
        assert!(w.sb.run(&["profile", "protect", "prod"]).status.success());
        t.run("");
        assert_eq!(t.var("PREFECTX_PROTECTED"), "prod", "{shell}");
        t.exit();
    }
}

/// The mark in `ls`, `ls --json`, `prompt` and `doctor` (`watch` in tests/watch.rs); globs; rename carries
/// the mark and delete drops it; prefectx's own changes ask too; `.prefect-profile` naming a
/// protected profile needs `allow` and says it is protected.
#[test]
fn the_mark_shows_everywhere_and_prefectx_own_changes_ask() {
    let sb = Sandbox::new();
    sb.write_profiles("active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev:1/api\"\n\n[profiles.prod]\nPREFECT_API_URL = \"http://prod:1/api\"\n\n[profiles.prod-eu]\nPREFECT_API_URL = \"http://eu:1/api\"\n\n[profiles.stage]\n");
    let ok = |args: &[&str]| {
        let o = sb.run(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stdout(&o)
    };
    let out = sb.run(&["profile", "protect", "prdo"]);
    assert!(
        !out.status.success() && stderr(&out).contains("'prdo' not found"),
        "{}",
        stderr(&out)
    );
    ok(&["profile", "protect", "prod*"]);
    let ls = ok(&["ls"]);
    assert!(
        ls.lines()
            .any(|l| l.contains(" prod ") && l.ends_with("(protected)")),
        "{ls}"
    );
    assert!(
        ls.lines()
            .any(|l| l.contains("prod-eu") && l.ends_with("(protected)")),
        "{ls}"
    );
    assert!(
        ls.lines()
            .any(|l| l.contains(" dev ") && !l.contains("protected")),
        "{ls}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&["ls", "--json"])).unwrap();
    let marks: Vec<(String, bool)> = json
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|p| {
            (
                p["name"].as_str().unwrap().into(),
                p["protected"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        marks,
        [
            ("dev".into(), false),
            ("prod".into(), true),
            ("prod-eu".into(), true)
        ]
    );
    assert_eq!(ok(&["prompt", "-p", "prod"]), "!prod:prod:1\n");
    assert_eq!(
        ok(&["prompt", "-p", "prod", "--format", "{protected}{profile}"]),
        "!prod\n"
    );
    assert_eq!(
        ok(&["prompt", "-p", "dev", "--format", "{protected}{profile}"]),
        "dev\n"
    );
    let doctor = sb.run(&["doctor", "--offline", "-p", "prod"]);
    assert!(
        stdout(&doctor).contains("protected (by 'prod*')"),
        "{}",
        stdout(&doctor)
    );
    // `--off` of a name a pattern still covers changes nothing and says which pattern.
    let out = sb.run(&["profile", "protect", "--off", "prod"]);
    assert!(
        stderr(&out).contains("stays protected by the pattern 'prod*'"),
        "{}",
        stderr(&out)
    );

    // prefectx's own changes to a protected profile ask; with no terminal they are refused.
    let before = sb.read_profiles();
    for args in [
        &[
            "config",
            "set",
            "PREFECT_API_URL=http://x/api",
            "-p",
            "prod",
        ][..],
        &["config", "unset", "PREFECT_API_URL", "-p", "prod"],
        &["logout", "-p", "prod"],
        &["profile", "delete", "prod-eu", "-y"],
        &["profile", "rename", "prod", "live"],
    ] {
        let out = Command::new("setsid")
            .arg("-w")
            .arg(BIN)
            .args(args)
            .env_clear()
            .envs(sb.envs())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).contains("no terminal to ask on"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(sb.read_profiles(), before);
    let confirmed = |args: &[&str]| {
        let o = sb
            .cmd()
            .args(args)
            .env("PREFECTX_CONFIRM", "0")
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    };
    // Rename carries the mark (the pattern no longer matches: the new name is added).
    confirmed(&["profile", "rename", "prod", "live"]);
    assert_eq!(ok(&["profile", "protect"]), "'prod*'\nlive\n");
    ok(&["profile", "protect", "stage"]);
    confirmed(&["profile", "rename", "stage", "stage2"]);
    assert_eq!(ok(&["profile", "protect"]), "'prod*'\nlive\nstage2\n");
    confirmed(&["profile", "delete", "stage2", "-y"]);
    assert_eq!(ok(&["profile", "protect"]), "'prod*'\nlive\n");

    // A `.prefect-profile` naming a protected profile chooses only once allowed, and says so.
    let dir = sb.home().join("proj");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".prefect-profile"), "live\n").unwrap();
    let rc = rc_text("bash", &hook_line("bash", BIN));
    let mut t = Term::start(&sb, "bash", &rc);
    t.run(&format!("cd '{}'", dir.display()));
    assert_eq!(t.var("PREFECTX_PROTECTED"), "<unset>");
    assert!(sb.run_in(&dir, &["allow"]).status.success());
    let said = t.run("");
    assert!(
        said.contains("now using protected profile 'live'"),
        "{said}"
    );
    assert_eq!(t.var("PREFECTX_PROTECTED"), "live");
    t.exit();
}

/// The README's starship configuration, with the real starship: the protected profile in red.
#[test]
fn starship_shows_a_protected_profile_in_red() {
    if !have("starship") {
        return;
    }
    let sb = Sandbox::new();
    let cfg = sb.dir.path().join("starship.toml");
    // The README's modules alone (starship's default format adds the user name, in red as root).
    std::fs::write(
        &cfg,
        format!("format = \"$env_var\"\n{}", readme_starship()),
    )
    .unwrap();
    let prompt = |vars: &[(&str, &str)]| {
        let o = Command::new("starship")
            .args(["prompt"])
            .env_clear()
            .envs(sb.envs())
            .env("STARSHIP_CONFIG", &cfg)
            .envs(vars.iter().copied())
            .current_dir(sb.home())
            .output()
            .unwrap();
        stdout(&o)
    };
    let prod = prompt(&[
        ("PREFECTX_PROTECTED", "prod"),
        ("PREFECTX_PROMPT", "!prod:acme/prod"),
    ]);
    let dev = prompt(&[("PREFECTX_PROMPT", "dev:acme/dev")]);
    // Red (31) or a red background (41) among the SGR parameters; none for dev.
    let red = |s: &str| {
        s.split("\x1b[").skip(1).any(|esc| {
            let params = esc.split('m').next().unwrap_or("");
            params.split(';').any(|p| p == "31" || p == "41")
        })
    };
    assert!(prod.contains("prod") && red(&prod), "{prod:?}");
    assert!(dev.contains("dev:acme/dev") && !red(&dev), "{dev:?}");

    // In a real interactive bash with the hook and `starship init bash`: the mark appears when
    // the shell switches to the protected profile, in red.
    sb.write_profiles("active = \"dev\"\n\n[profiles.dev]\n\n[profiles.prod]\nPREFECT_API_URL = \"http://prod:1/api\"\n");
    assert!(sb.run(&["profile", "protect", "prod"]).status.success());
    std::fs::write(
        &cfg,
        format!("format = \"${{env_var}}PX> \"\n{}", readme_starship()),
    )
    .unwrap();
    sb.set_env("STARSHIP_CONFIG", &cfg.display().to_string());
    let rc = format!(
        "{}\neval \"$(starship init bash)\"\n",
        hook_line("bash", BIN)
    );
    let t = common::pty::Tmux::shell(&sb, "bash", &rc, "starship");
    t.wait_for("prefect:dev:unconfigured PX>");
    t.keys(&["prefectx use prod", "Enter"]);
    let screen = t.wait_for("prefect:!prod:prod:1 PX>");
    let line = t
        .screen_ansi()
        .lines()
        .rev()
        .find(|l| l.contains("!prod:prod:1"))
        .unwrap_or_default()
        .to_string();
    assert!(line.contains(" prod ") && red(&line), "{line:?}\n{screen}");
}

/// The ```toml block of the README's "Protecting production" section.
fn readme_starship() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme
        .find("## Protecting production")
        .expect("README section")..];
    let start = section.find("```toml\n").expect("a toml block") + "```toml\n".len();
    section[start..start + section[start..].find("```").unwrap()].to_string()
}

/// A shell on Prefect's implicit default (`active` names a bundled profile the file has no
/// table for, choices.md) has applied no profile by name; Prefect's commands that name a protected profile still ask.
#[test]
fn on_the_implicit_default_commands_naming_a_protected_profile_ask() {
    let sb = Sandbox::new();
    sb.write_profiles(
        "active = \"local\"\n\n[profiles.prod]\nPREFECT_API_URL = \"http://prod:1/api\"\n",
    );
    assert!(sb.run(&["profile", "protect", "prod"]).status.success());
    for shell in common::pty::interactive_shells() {
        let rc = rc_text(shell, &hook_line(shell, BIN));
        let mut t = Term::start(&sb, shell, &rc);
        assert_eq!(t.var("__PREFECTX_APPLIED"), "<unset>", "{shell}");
        for line in [
            "prefect profile delete prod",
            "prefect transfer --from x --to prod",
        ] {
            let said = answer(&mut t, line, Some("no"));
            assert!(
                said.contains("changes protected profile 'prod'") && said.contains("nothing ran"),
                "{shell}: {said}"
            );
        }
        t.exit();
    }
    assert!(sb.read_profiles().contains("[profiles.prod]"));
}

/// The same in nushell: on an unprotected profile `prefect` starts nothing of ours (strace), on
/// a protected one it goes through the binary once.
#[test]
fn nushell_runs_prefect_on_an_unprotected_profile_with_no_process_of_ours() {
    let Some(w) = World::new() else { return };
    if !have("nu") || !have("strace") {
        return;
    }
    let log = w.sb.dir.path().join("strace-nu.log");
    let mut nu = Nu::start_cmd(nu_command(&w.sb, "", Some(&log)));
    let ours = || common::pty::execs_of(&log, BIN);
    nu.run("prefectx use dev");
    assert_eq!(nu.var("PREFECTX_PROTECTED"), "<unset>");
    let before = (ours(), w.counts());
    nu.run("prefect variable ls");
    assert_eq!(
        ours(),
        before.0,
        "nu: a process of ours ran for prefect on dev"
    );
    assert_eq!(w.counts().0, before.1 .0 + 1);
    nu.run("prefectx use prod");
    let before = ours();
    nu.run("prefect variable ls");
    assert_eq!(
        ours(),
        before + 1,
        "nu: prefect on prod goes through prefectx once"
    );
}
