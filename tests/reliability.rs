//! Evidence that no input runs code, corrupts the file, loses an update or leaks a key
//!: a hostile corpus, SIGKILL during writes, concurrent writers, secret hygiene.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::cloud::{self, GOOD_KEY};
use common::*;

/// Runs `env` on a hostile file: no panic, nothing but PREFECT_ names on stdout, and on error an
/// empty stdout and one located stderr line.
fn check_hostile(sb: &Sandbox, what: &str, want_error: Option<&str>) {
    let out = sb.run(&["env", "--json"]);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{what}: panic: {err}");
    assert_ne!(out.status.code(), Some(101), "{what}");
    match want_error {
        Some(msg) => {
            assert_eq!(out.status.code(), Some(1), "{what}: {err}");
            assert!(out.stdout.is_empty(), "{what}: stdout on error");
            assert_eq!(err.lines().count(), 1, "{what}: {err}");
            assert!(err.contains(msg), "{what}: {err}");
            assert!(
                err.contains(&sb.profiles_path().display().to_string()),
                "{what}: names the file: {err}"
            );
        }
        None => {
            assert!(out.status.success(), "{what}: {err}");
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            for k in v["set"].as_object().unwrap().keys() {
                assert!(
                    k.starts_with("PREFECT_")
                        && k[8..]
                            .bytes()
                            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                    "{what}: emitted {k}"
                );
            }
        }
    }
    // The same file in real shells: nothing runs.
    for shell in ["bash", "dash"] {
        if !have(shell) {
            continue;
        }
        let canary = sb.dir.path().join("pwned");
        let out = sb.shell(
            shell,
            "eval \"$(\"$PREFECTX\" env --shell sh 2>/dev/null)\"; echo done",
            &[],
        );
        assert_eq!(
            stdout(&out),
            "done\n",
            "{what} in {shell}: {}",
            stderr(&out)
        );
        assert!(!canary.exists(), "{what}: code ran in {shell}");
    }
}

#[test]
fn hostile_profiles_never_run_code() {
    let sb = Sandbox::new();
    let pwn = format!(
        "$(touch {0})`touch {0}`",
        sb.dir.path().join("pwned").display()
    );
    let cases: Vec<(&str, String, Option<&str>)> = vec![
        ("dangerous names", "active = \"h\"\n[profiles.h]\nPATH = \"/x\"\nLD_PRELOAD = \"/x.so\"\nBASH_ENV = \"/x\"\nPROMPT_COMMAND = \"touch /tmp/x\"\n\"PREFECT_A;touch x\" = \"1\"\n\"PREFECT_B C\" = \"1\"\n\"PREFECT_C=D\" = \"1\"\n\"\" = \"1\"\n".into(), None),
        ("code in a profile name", format!("active = {}\n[profiles.{}]\nPREFECT_API_URL = {}\n", toml_str(&pwn), toml_str(&pwn), toml_str(&pwn)), None),
        ("newline in a profile name", "active = \"a\\nb\"\n[profiles.\"a\\nb\"]\nPREFECT_X = \"y\"\n".into(), None),
        ("quotes in a profile name", "active = \"'\\\"\"\n[profiles.\"'\\\"\"]\n".into(), None),
        ("NUL, array, table, datetime values", "active = \"h\"\n[profiles.h]\nPREFECT_A = \"a\\u0000b\"\nPREFECT_B = [1]\nPREFECT_C = {x = 1}\nPREFECT_D = 1979-05-27\n[profiles.h.sub]\nx = 1\n".into(), None),
        ("active of the wrong type", "active = [\"a\"]\n[profiles.a]\n".into(), Some(":1: key 'active': must be a string")),
        ("profiles of the wrong type", "profiles = \"x\"\n".into(), Some(":1: key 'profiles': must be a table")),
        ("a profile that is not a table", "[profiles]\nh = \"x\"\n".into(), Some(":2: profile 'h': must be a table")),
        ("duplicate keys", "[profiles.a]\nPREFECT_X = \"1\"\nPREFECT_X = \"2\"\n".into(), Some(":3:")),
        ("duplicate tables", "[profiles.a]\n[profiles.a]\n".into(), Some(":2:")),
        ("broken TOML", "[profiles.a\n".into(), Some("not valid TOML")),
    ];
    for (what, text, err) in cases {
        sb.write_profiles(&text);
        check_hostile(&sb, what, err);
    }
    // Not UTF-8.
    std::fs::write(
        sb.profiles_path(),
        b"[profiles.a]\nPREFECT_X = \"\xff\xfe\"\n",
    )
    .unwrap();
    check_hostile(
        &sb,
        "not UTF-8",
        Some(":2: the profiles file is not valid UTF-8"),
    );
    // A folder where the file should be.
    std::fs::remove_file(sb.profiles_path()).unwrap();
    std::fs::create_dir(sb.profiles_path()).unwrap();
    check_hostile(&sb, "a folder", Some("is a folder, not a file"));
    std::fs::remove_dir(sb.profiles_path()).unwrap();
    // A FIFO: must not hang.
    let fifo = std::ffi::CString::new(sb.profiles_path().display().to_string()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    check_hostile(&sb, "a FIFO", Some("not a regular file"));
    std::fs::remove_file(sb.profiles_path()).unwrap();
    // A symlinked file is read through; a dangling one means "no file".
    let real = sb.dir.path().join("real.toml");
    std::fs::write(
        &real,
        "active = \"s\"\n[profiles.s]\nPREFECT_X = \"linked\"\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&real, sb.profiles_path()).unwrap();
    check_hostile(&sb, "symlink", None);
    std::fs::remove_file(&real).unwrap();
    check_hostile(&sb, "dangling symlink", None);
    std::fs::remove_file(sb.profiles_path()).unwrap();
    // 20,000 profiles.
    let mut big = String::from("active = \"p19999\"\n");
    for i in 0..20_000 {
        big.push_str(&format!(
            "\n[profiles.p{i}]\nPREFECT_API_URL = \"http://h{i}/api\"\n"
        ));
    }
    sb.write_profiles(&big);
    check_hostile(&sb, "20,000 profiles", None);
}

#[test]
fn unreadable_file_is_one_clear_line() {
    let sb = Sandbox::new();
    sb.write_profiles("[profiles.a]\n");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(sb.profiles_path(), std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(sb.profiles_path()).is_err() {
        check_hostile(&sb, "unreadable", Some("Permission denied"));
        return;
    }
    // Root reads any file (CI runs as root): the file is made unreadable for a second user,
    // who runs prefectx (this case used to pass silently as root).
    if !can_be_another_user() {
        return;
    }
    open_path_to_others(&sb.prefect_home());
    for d in [sb.home(), sb.prefect_home()] {
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // A copy of the binary in the sandbox, which the second user can reach wherever CI clones.
    let bin = sb.dir.path().join("prefectx-copy");
    std::fs::copy(BIN, &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = as_other_user(&bin.display().to_string())
        .arg("ls")
        .env_clear()
        .envs(sb.envs())
        .current_dir("/")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&sb.profiles_path().display().to_string())
            && err.contains("Permission denied"),
        "{err}"
    );
}

fn big_file() -> String {
    let mut s = String::from("# a large file with comments\nactive = \"p0\"\n");
    for i in 0..3000 {
        s.push_str(&format!("\n# profile {i}\n[profiles.p{i}]\nPREFECT_API_URL = \"http://host-{i}.example/api\" # note {i}\nPREFECT_LOGGING_LEVEL = \"INFO\"\n"));
    }
    s
}

#[test]
fn sigkill_during_writes_never_leaves_a_broken_or_partial_file() {
    let sb = Sandbox::new();
    let mut current = big_file();
    sb.write_profiles(&current);
    let shadow = Sandbox::new();
    let kills = 200;
    let mut landed = 0;
    for i in 0..kills {
        let arg = format!("PREFECT_API_URL=http://changed-{i}/api");
        // What a complete write would produce, computed on a copy.
        shadow.write_profiles(&current);
        let t = std::time::Instant::now();
        assert!(shadow
            .run(&["config", "set", "-p", "p1500", &arg])
            .status
            .success());
        let full = t.elapsed();
        let expected = shadow.read_profiles();
        let mut child = sb
            .cmd()
            .args(["config", "set", "-p", "p1500", &arg])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over the whole run (start-up, parse, write, rename), as measured.
        let span = full.as_micros().max(1) as u64 * 11 / 10;
        std::thread::sleep(Duration::from_micros((i as u64 * 7919) % span));
        let _ = child.kill();
        let _ = child.wait();
        let now = sb.read_profiles();
        assert!(
            now == current || now == expected,
            "kill {i}: the file is neither the old nor the new content"
        );
        assert!(now.parse::<toml_edit::DocumentMut>().is_ok());
        assert!(now.contains("# profile 2999\n"), "comments intact");
        if now == expected {
            landed += 1;
        }
        current = now;
    }
    eprintln!("SIGKILLs survived: {kills} ({landed} writes had landed)");
    // Temp files of killed writers are removed by the next write.
    assert!(sb
        .run(&["config", "set", "-p", "p1", "PREFECT_LOGGING_LEVEL=DEBUG"])
        .status
        .success());
    let left: Vec<String> = std::fs::read_dir(sb.prefect_home())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "profiles.toml" && n != ".profiles.toml.prefectx-lock")
        .collect();
    assert!(left.is_empty(), "stray temp files: {left:?}");
}

#[test]
fn concurrent_writers_lose_no_update() {
    let sb = Sandbox::new();
    sb.write_profiles("# shared\n");
    // String-valued settings, so every write is accepted.
    let names: Vec<String> = {
        let tsv = std::fs::read_to_string(format!(
            "{}/data/prefect-settings.tsv",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        tsv.lines()
            .skip(1)
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .filter(|f| {
                f[1] == "canonical" && f[5] == "Optional[str]" && f[0] != "PREFECT_PROFILES_PATH"
            })
            .map(|f| f[0].to_string())
            .collect()
    };
    assert_eq!(names.len(), 19, "{names:?}");
    let writers = 4;
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let cmds: Vec<Command> = names
                .iter()
                .map(|n| {
                    let mut c = sb.cmd();
                    c.args([
                        "config",
                        "set",
                        "-p",
                        &format!("w{w}"),
                        &format!("{n}=v{w}"),
                    ])
                    .stdout(Stdio::null());
                    c
                })
                .collect();
            let create = {
                let mut c = sb.cmd();
                c.args(["profile", "create", &format!("w{w}")])
                    .stdout(Stdio::null());
                c
            };
            std::thread::spawn(move || {
                let mut create = create;
                assert!(create.status().unwrap().success());
                for mut c in cmds {
                    let out = c.output().unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let text = sb.read_profiles();
    assert!(text.starts_with("# shared\n"));
    for w in 0..writers {
        let out = sb.run(&["profile", "inspect", &format!("w{w}"), "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            v.as_object().unwrap().len(),
            names.len(),
            "writer {w} lost updates: {v}"
        );
    }
    eprintln!(
        "concurrent writers: {writers} x {} writes, none lost",
        names.len() + 1
    );
}

#[test]
fn a_held_lock_gives_a_clear_message_within_the_wait() {
    let sb = Sandbox::new();
    sb.write_profiles("[profiles.a]\n");
    // Hold the lock from another process (flock(1) from util-linux) on our lock file.
    if !have("flock") {
        return;
    }
    let mut flock = Command::new("flock");
    flock
        .arg(sb.prefect_home().join(".profiles.toml.prefectx-lock"))
        .args(["-c", "echo held; exec sleep 30"]);
    let (mut holder, line) = spawn_first_line(flock);
    assert_eq!(line, "held\n");
    let out = sb
        .cmd()
        .args(["config", "set", "-p", "a", "PREFECT_API_URL=x"])
        .env("PREFECTX_LOCK_TIMEOUT_MS", "300")
        .output()
        .unwrap();
    let _ = holder.kill();
    let _ = holder.wait();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("another prefectx is writing the profiles file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.read_profiles(), "[profiles.a]\n");
}

#[test]
fn the_key_shows_only_in_env_and_exec_output() {
    let server = cloud::standard();
    let sb = Sandbox::new();
    sb.set_env("PREFECT_CLOUD_API_URL", &server.base);
    // No file yet: login creates it, holding a key, so it must be 0600.
    assert!(sb.run(&cloud::login_args(&["-p", "c"])).status.success());
    assert_eq!(
        mode(&sb.profiles_path()),
        0o600,
        "a new file holding a key is 0600"
    );
    assert!(sb.run(&["use", "--global", "c"]).status.success());
    let mut outputs = Vec::new();
    for args in [
        vec!["ls"],
        vec!["ls", "--json"],
        vec!["current"],
        vec!["prompt"],
        vec!["profile", "inspect"],
        vec!["profile", "inspect", "--json"],
        vec!["config", "view"],
        vec!["config", "view", "--json"],
        vec!["config", "set", "PREFECT_LOGGING_LEVEL=INFO"],
        vec!["config", "set", &format!("PREFECT_API_KEY={GOOD_KEY}")],
        vec!["config", "unset", "PREFECT_LOGGING_LEVEL"],
        vec!["doctor"],
        vec!["doctor", "--offline"],
        vec!["workspace", "ls"],
        vec!["workspace", "ls", "--json", "--refresh"],
        vec!["workspace", "set", "acme/dev"],
        vec!["workspace", "set", "nope/nope"],
        vec!["login", "--key", GOOD_KEY, "--workspace", "nope/nope"],
        vec!["env", "nosuch"],
        vec!["logout", "-p", "nosuch"],
        vec!["profile", "create", "c"],
    ] {
        let out = sb.run(&args);
        assert!(
            !stdout(&out).contains(GOOD_KEY),
            "{args:?} printed the key: {}",
            stdout(&out)
        );
        assert!(
            !stderr(&out).contains(GOOD_KEY),
            "{args:?} printed the key on stderr: {}",
            stderr(&out)
        );
        outputs.push(out);
    }
    // watch --json: one line, no key.
    let mut watch = sb.cmd();
    watch.args(["watch", "--json"]);
    // Its first line, read as it comes (no fixed wait), then SIGTERM.
    let (w, first) = spawn_first_line(watch);
    // SAFETY: signalling our own child.
    unsafe { libc::kill(w.id() as i32, libc::SIGTERM) };
    let out = w.wait_with_output().unwrap();
    let out = std::process::Output {
        stdout: [first.into_bytes(), out.stdout].concat(),
        ..out
    };
    assert!(
        stdout(&out).contains("\"profile\":\"c\""),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains(GOOD_KEY));
    // The hook's state variables and prompt carry names only.
    let out = sb
        .cmd()
        .args(["hook-env", "bash", "init", "4242"])
        .output()
        .unwrap();
    for line in stdout(&out).lines() {
        if line.contains("PREFECT_API_KEY") {
            continue; // the env export itself
        }
        assert!(
            !line.contains(GOOD_KEY),
            "state line carries the key: {line}"
        );
    }
    // Cache files: hashed names, no key.
    for e in std::fs::read_dir(sb.cache_dir().join("prefectx"))
        .unwrap()
        .flatten()
    {
        if e.path().is_file() {
            assert!(!std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .contains(GOOD_KEY));
            assert_eq!(mode(&e.path()), 0o600);
        }
    }
    // env and exec do carry it (that is their job).
    assert!(stdout(&sb.run(&["env", "--shell", "bash"])).contains(GOOD_KEY));
    assert_eq!(mode(&sb.profiles_path()), 0o600, "writes kept the mode");
}
