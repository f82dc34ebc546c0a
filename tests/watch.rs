//! `prefectx watch`: one line per change of the profile in effect or its settings, for every
//! way the file can change; debounced; ends with status 0 on SIGINT/SIGTERM.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::*;

struct Watch {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Watch {
    fn start(sb: &Sandbox, json: bool) -> Watch {
        let mut c = sb.cmd();
        c.arg("watch");
        if json {
            c.arg("--json");
        }
        let mut child = c
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        Watch { child, lines: rx }
    }

    fn next(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(10))
            .expect("a line from watch")
    }

    /// No line within a while (after a change that should print nothing).
    fn quiet(&self) {
        if let Ok(l) = self.lines.recv_timeout(Duration::from_millis(1200)) {
            panic!("unexpected line: {l}");
        }
    }

    fn stop(mut self, sig: i32) -> i32 {
        // SAFETY: signalling our own child.
        unsafe { libc::kill(self.child.id() as i32, sig) };
        self.child.wait().unwrap().code().unwrap_or(-1)
    }
}

const FILE: &str = "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev:4200/api\"\n\n[profiles.prod]\nPREFECT_API_URL = \"http://prod:4200/api\"\n";

#[test]
fn prints_a_line_for_each_kind_of_change() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let w = Watch::start(&sb, false);
    assert_eq!(w.next(), "dev server dev:4200");
    // prefectx writes (rename into place).
    assert!(sb.run(&["use", "--global", "prod"]).status.success());
    assert_eq!(w.next(), "prod server prod:4200");
    // A plain in-place write (what `prefect` does).
    std::fs::write(sb.profiles_path(), FILE.replace("prod:4200", "prod:4300")).unwrap();
    assert_eq!(
        w.next(),
        "dev server dev:4200",
        "active is dev again in that text"
    );
    // An editor's atomic save.
    let tmp = sb.prefect_home().join(".profiles.toml.swp");
    std::fs::write(&tmp, FILE.replace("dev:4200", "dev:9999")).unwrap();
    std::fs::rename(&tmp, sb.profiles_path()).unwrap();
    assert_eq!(w.next(), "dev server dev:9999");
    // A change to another profile prints nothing.
    assert!(sb
        .run(&["config", "set", "-p", "prod", "PREFECT_LOGGING_LEVEL=DEBUG"])
        .status
        .success());
    w.quiet();
    // Deleted, then created again.
    std::fs::remove_file(sb.profiles_path()).unwrap();
    assert_eq!(w.next(), "ephemeral ephemeral ephemeral");
    sb.write_profiles(FILE);
    assert_eq!(w.next(), "dev server dev:4200");
    // A burst of writes gives one line.
    for i in 0..20 {
        std::fs::write(
            sb.profiles_path(),
            FILE.replace("dev:4200", &format!("dev:{}", 5000 + i)),
        )
        .unwrap();
    }
    assert_eq!(w.next(), "dev server dev:5019");
    w.quiet();
    assert_eq!(w.stop(2), 0, "SIGINT ends it with 0");
}

#[test]
fn json_lines_and_a_prefect_home_that_appears_later() {
    let sb = Sandbox::new();
    let home = sb.dir.path().join("later/prefect-home");
    sb.set_env("PREFECT_HOME", &home.display().to_string());
    let w = Watch::start(&sb, true);
    let v: serde_json::Value = serde_json::from_str(&w.next()).unwrap();
    assert_eq!(v["profile"], "ephemeral");
    assert_eq!(v["kind"], "ephemeral");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join("profiles.toml"), "active = \"c\"\n[profiles.c]\nPREFECT_API_URL = \"https://api.prefect.cloud/api/accounts/11111111-1111-1111-1111-111111111111/workspaces/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa\"\nPREFECT_API_KEY = \"pnu_watchsecret\"\n").unwrap();
    let line = w.next();
    assert!(!line.contains("pnu_watchsecret"), "{line}");
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["profile"], "c");
    assert_eq!(v["kind"], "cloud");
    assert!(v["api_url"]
        .as_str()
        .unwrap()
        .contains("/workspaces/aaaaaaaa"));
    // A new key (same everything else) is a change too, but never shown.
    std::fs::write(home.join("profiles.toml"), "active = \"c\"\n[profiles.c]\nPREFECT_API_URL = \"https://api.prefect.cloud/api/accounts/11111111-1111-1111-1111-111111111111/workspaces/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa\"\nPREFECT_API_KEY = \"pnu_rotated\"\n").unwrap();
    let line = w.next();
    assert!(!line.contains("pnu_rotated"));
    assert_eq!(w.stop(15), 0, "SIGTERM ends it with 0");
}

/// A protected profile (docs/protect.md): `"protected"` in each JSON line, and setting the mark
/// prints a new line.
#[test]
fn json_lines_report_the_protected_mark() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    // Our data folder exists, private, as after any `allow` (watch watches it).
    let data = sb.home().join(".local/share/prefectx");
    std::fs::create_dir_all(&data).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
    let w = Watch::start(&sb, true);
    let first = w.next();
    assert!(first.contains("\"protected\":false"), "{first}");
    assert!(sb.run(&["profile", "protect", "dev"]).status.success());
    let line = w.next();
    assert!(line.contains("\"protected\":true"), "{line}");
    assert_eq!(w.stop(libc::SIGTERM), 0);
}
