//! Shared test helpers: a sandboxed HOME, the real binary, real shells, and the rule that a
//! missing tool fails under CI=true and skips with a printed reason elsewhere.
#![allow(dead_code)]

pub mod cloud;
pub mod nu;
pub mod pty;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_prefectx");

/// True when `tool` is on PATH. Under CI=true a missing tool is a failure, never a skip.
pub fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !found {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{tool} is required under CI=true but is not installed");
        }
        eprintln!("SKIP: {tool} is not installed (set CI=true to make this a failure)");
    }
    found
}

/// The one way tests wait: calls `f` every 20 ms until it gives a value, for at most `secs`
/// seconds. A slow machine only makes a test slower, never red.
pub fn poll<T>(secs: u64, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if std::time::Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Waits until `cond` holds, failing with `what` after `secs` seconds.
pub fn wait_until(secs: u64, what: &str, mut cond: impl FnMut() -> bool) {
    if poll(secs, || cond().then_some(())).is_none() {
        panic!("waited {secs} s for: {what}");
    }
}

/// True when this test can act as a second, unprivileged user (uid/gid 65534, `nobody`) through
/// `setpriv`: it needs root, which CI has. Elsewhere the test is skipped with the reason.
pub fn can_be_another_user() -> bool {
    // SAFETY: geteuid cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("this test needs root (to act as a second user) under CI=true");
        }
        eprintln!("SKIP: acting as a second user needs root (CI runs as root)");
        return false;
    }
    have("setpriv")
}

/// `program args...` run as uid/gid 65534 with no supplementary groups.
pub fn as_other_user(program: &str) -> Command {
    let mut c = Command::new("setpriv");
    c.args([
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--",
        program,
    ]);
    c
}

/// Opens `path` and its parents for others to pass through (a tempdir is 0700), so that a
/// second user can reach a shared folder below it.
pub fn open_path_to_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut p = Some(path);
    while let Some(d) = p {
        if d == Path::new("/") || d == std::env::temp_dir() {
            break;
        }
        let m = std::fs::metadata(d).unwrap().permissions().mode();
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(m | 0o711)).unwrap();
        p = d.parent();
    }
}

/// The venv holding the real `prefect==3.9.1` (scripts/test.sh makes it): the compatibility
/// oracle. Under CI=true its absence fails the test; elsewhere the test is skipped, saying why.
pub fn prefect_venv() -> Option<PathBuf> {
    let dir = std::env::var_os("PREFECTX_PREFECT_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv"));
    if dir.join("bin/prefect").exists() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "prefect is required under CI=true: no {}/bin/prefect (run scripts/test.sh)",
            dir.display()
        );
    }
    eprintln!(
        "SKIP: no prefect at {}/bin/prefect (scripts/test.sh installs it)",
        dir.display()
    );
    None
}

/// Starts `cmd` with its stdout piped and returns it with the first line it printed, read as it
/// comes (no fixed wait).
pub fn spawn_first_line(mut cmd: Command) -> (std::process::Child, String) {
    let mut child = cmd.stdout(Stdio::piped()).spawn().expect("spawn");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("piped stdout")),
        &mut line,
    )
    .expect("read the first line");
    (child, line)
}

pub struct Sandbox {
    pub dir: tempfile::TempDir,
    extra: std::cell::RefCell<BTreeMap<String, String>>,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        std::fs::create_dir_all(dir.path().join("run")).unwrap();
        Sandbox {
            dir,
            extra: Default::default(),
        }
    }

    /// Adds a variable to every command and shell this sandbox starts.
    pub fn set_env(&self, k: &str, v: &str) {
        self.extra.borrow_mut().insert(k.into(), v.into());
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn prefect_home(&self) -> PathBuf {
        self.home().join(".prefect")
    }

    pub fn profiles_path(&self) -> PathBuf {
        self.prefect_home().join("profiles.toml")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.home().join(".cache")
    }

    /// The environment every command in the sandbox gets: nothing of the real user's.
    pub fn envs(&self) -> BTreeMap<String, String> {
        let mut e = BTreeMap::new();
        e.insert("HOME".into(), self.home().display().to_string());
        e.insert("PATH".into(), std::env::var("PATH").unwrap_or_default());
        e.insert(
            "XDG_CACHE_HOME".into(),
            self.cache_dir().display().to_string(),
        );
        e.insert(
            "XDG_RUNTIME_DIR".into(),
            self.dir.path().join("run").display().to_string(),
        );
        e.insert("LANG".into(), "C.UTF-8".into());
        e.insert("TERM".into(), "xterm".into());
        e.extend(self.extra.borrow().clone());
        e
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(BIN);
        c.env_clear().envs(self.envs()).current_dir(self.home());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run prefectx")
    }

    /// `prefectx ARGS` run in `dir`, with PWD saying so as a shell would.
    pub fn run_in(&self, dir: &Path, args: &[&str]) -> Output {
        self.cmd()
            .current_dir(dir)
            .env("PWD", dir)
            .args(args)
            .output()
            .expect("run prefectx")
    }

    pub fn write_profiles(&self, text: &str) {
        std::fs::create_dir_all(self.prefect_home()).unwrap();
        std::fs::write(self.profiles_path(), text).unwrap();
        // As a file that holds keys must be: prefectx writes no key into a file others can read.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(self.profiles_path(), std::fs::Permissions::from_mode(0o600))
            .unwrap();
    }

    pub fn read_profiles(&self) -> String {
        std::fs::read_to_string(self.profiles_path()).unwrap_or_default()
    }

    /// Runs `script` in a non-interactive shell with the sandbox's environment plus `extra`.
    pub fn shell(&self, shell: &str, script: &str, extra: &[(&str, &str)]) -> Output {
        let mut c = Command::new(shell);
        c.env_clear().envs(self.envs()).current_dir(self.home());
        c.env("PREFECTX", BIN);
        for (k, v) in extra {
            c.env(k, v);
        }
        c.arg("-c").arg(script);
        c.output().expect("run shell")
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Parses `env -0` output into a map.
pub fn parse_env0(bytes: &[u8]) -> BTreeMap<String, String> {
    bytes
        .split(|&b| b == 0)
        .filter(|e| !e.is_empty())
        .filter_map(|e| {
            let s = String::from_utf8_lossy(e).into_owned();
            s.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}

/// Only the PREFECT_* part of an environment.
pub fn prefect_vars(env: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    env.iter()
        .filter(|(k, _)| k.starts_with("PREFECT_"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The code to load prefectx's output for `shell` and then dump the environment NUL-separated.
pub fn apply_and_dump(shell: &str, env_args: &str) -> String {
    match shell {
        "fish" => format!("\"$PREFECTX\" env {env_args} --shell fish | source; and env -0"),
        // Nushell loads JSON: no code of ours is evaluated.
        "nu" => format!(
            "^$env.PREFECTX env {env_args} --shell nu | from json | get set | load-env; ^env -0"
        ),
        _ => format!("eval \"$(\"$PREFECTX\" env {env_args} --shell sh)\" && env -0"),
    }
}

pub fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

/// A TOML basic string for `s` (for writing test profiles).
pub fn toml_str(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                o.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Every field of Prefect's settings, flattened, for each `(folder, environment)`; a failure
/// to build them is `{"error": first line}`. One prefect 3.9.1 process for all of them, started
/// in the sandbox's environment (Prefect reads HOME when it is imported).
pub fn prefect_settings(
    venv: &Path,
    sb: &Sandbox,
    envs: &[(PathBuf, BTreeMap<String, String>)],
) -> Vec<BTreeMap<String, String>> {
    let script = r#"
import json, os, sys, warnings
warnings.filterwarnings("ignore")
from prefect.settings import Settings
def flat(d, p=""):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(flat(v, p + k + "."))
        else:
            out[p + k] = json.dumps(v, sort_keys=True, default=str)
    return out
for line in sys.stdin:
    case = json.loads(line)
    os.chdir(case["dir"])
    os.environ.clear()
    os.environ.update(case["env"])
    try:
        d = flat(Settings().model_dump(mode="json"))
    except Exception as e:
        d = {"error": str(e).splitlines()[0][:300]}
    print(json.dumps(d), flush=True)
"#;
    let mut child = std::process::Command::new(venv.join("bin/python"))
        .env_clear()
        .envs(sb.envs())
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Written from a thread: Python answers each line as it comes, and both pipes would fill.
    let lines: Vec<String> = envs
        .iter()
        .map(|(d, e)| serde_json::json!({"dir": d, "env": e}).to_string())
        .collect();
    let writer = std::thread::spawn(move || {
        for l in lines {
            std::io::Write::write_all(&mut stdin, format!("{l}\n").as_bytes()).unwrap();
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let dumps: Vec<BTreeMap<String, String>> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(dumps.len(), envs.len());
    dumps
}
