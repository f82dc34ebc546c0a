//! `exec --each/--all/--workspace-pattern`: one command across profiles, each with exactly its
//! own profile's environment, against three loopback servers that log every request; parallel
//! output never mixed mid-line; the summary and the status when one command fails; Ctrl-C
//! stops every child and says which finished.

mod common;

use std::process::{Command, Stdio};

use common::cloud::{Reply, Server};
use common::*;

/// One GET to the profile's server, with its key, from a real HTTP client.
const HIT: &str = "import os, urllib.request\nr = urllib.request.Request(os.environ['PREFECT_API_URL'] + '/hello', headers={'Authorization': 'Bearer ' + os.environ['PREFECT_API_KEY']})\nprint(os.environ['PREFECT_PROFILE'], urllib.request.urlopen(r).status)\n";

/// The summary's line for `profile`.
fn row<'a>(summary: &'a str, profile: &str) -> Option<&'a str> {
    summary
        .lines()
        .find(|l| l.split_whitespace().next() == Some(profile))
}

struct Three {
    sb: Sandbox,
    servers: Vec<Server>,
}

fn three() -> Three {
    let servers: Vec<Server> = (0..3)
        .map(|_| Server::start(|_, _| Reply::Json(200, "{}".into())))
        .collect();
    let sb = Sandbox::new();
    let mut file = String::from(
        "active = \"other\"\n\n[profiles.other]\nPREFECT_API_URL = \"http://127.0.0.1:9/api\"\n",
    );
    for (i, s) in servers.iter().enumerate() {
        file.push_str(&format!(
            "\n[profiles.p{i}]\nPREFECT_API_URL = \"{}\"\nPREFECT_API_KEY = \"pnu_key{i}\"\n",
            s.base
        ));
    }
    sb.write_profiles(&file);
    Three { sb, servers }
}

#[test]
fn each_profile_reaches_its_own_server_with_its_own_key() {
    if !have("python3") {
        return;
    }
    let t = three();
    for parallel in ["1", "3"] {
        let out = t.sb.run(&[
            "exec",
            "--each",
            "p*",
            "--parallel",
            parallel,
            "--",
            "python3",
            "-c",
            HIT,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        for (i, s) in t.servers.iter().enumerate() {
            let reqs = s.requests();
            let last = reqs.last().unwrap();
            assert_eq!(
                last.header("authorization"),
                Some(format!("Bearer pnu_key{i}").as_str())
            );
            assert!(
                stdout(&out).contains(&format!("p{i} 200")),
                "{}",
                stdout(&out)
            );
        }
        // The summary: every profile, status 0.
        let summary = stderr(&out);
        for i in 0..3 {
            assert!(
                row(&summary, &format!("p{i}")).is_some_and(|l| l.contains(" 0 ")),
                "{summary}"
            );
        }
    }
    assert!(
        t.servers.iter().all(|s| s.count() == 2),
        "each server once per run"
    );
    // Sequential output has a header per profile.
    let out =
        t.sb.run(&["exec", "--all", "--", "sh", "-c", "echo $PREFECT_PROFILE"]);
    assert_eq!(
        stdout(&out),
        "==> other <==\nother\n==> p0 <==\np0\n==> p1 <==\np1\n==> p2 <==\np2\n"
    );
    let out = t.sb.run(&["exec", "--each", "nomatch*", "--", "true"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no profile in") && stderr(&out).contains("matches 'nomatch*'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn parallel_lines_are_never_mixed_and_stderr_stays_apart() {
    if !have("python3") {
        return;
    }
    let t = three();
    // Long lines in 8 kB chunks (python buffers a pipe): a line is often split across writes.
    let script = "import os, sys\nn = os.environ['PREFECT_PROFILE']\nfor i in range(3000):\n    sys.stdout.write(n * 60 + '\\n')\n    if i % 500 == 0:\n        sys.stderr.write('E' + n + '\\n')\n";
    let out = t.sb.run(&[
        "exec",
        "--all",
        "--parallel",
        "4",
        "--",
        "python3",
        "-c",
        script,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let mut seen = std::collections::BTreeMap::new();
    for line in text.lines() {
        let (name, rest) = line
            .split_once(" | ")
            .unwrap_or_else(|| panic!("no prefix: {line:?}"));
        assert_eq!(rest, name.repeat(60), "a mixed line: {line:?}");
        *seen.entry(name.to_string()).or_insert(0) += 1;
    }
    assert_eq!(seen.values().copied().collect::<Vec<_>>(), vec![3000; 4]);
    let err = stderr(&out);
    assert_eq!(err.lines().filter(|l| l.contains(" | E")).count(), 4 * 6);
    let out = t.sb.run(&[
        "exec",
        "--all",
        "--parallel",
        "2",
        "--no-prefix",
        "--",
        "sh",
        "-c",
        "echo $PREFECT_PROFILE",
    ]);
    let text = stdout(&out);
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort();
    assert_eq!(lines, ["other", "p0", "p1", "p2"]);
}

#[test]
fn one_failure_shows_in_the_summary_and_the_status() {
    let t = three();
    let fail = "[ \"$PREFECT_PROFILE\" != p1 ] || exit 3";
    let out =
        t.sb.run(&["exec", "--all", "--json", "--", "sh", "-c", fail]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<(String, Option<i64>, bool)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["profile"].as_str().unwrap().into(),
                r["status"].as_i64(),
                r["ran"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("other".into(), Some(0), true),
            ("p0".into(), Some(0), true),
            ("p1".into(), Some(3), true),
            ("p2".into(), Some(0), true)
        ]
    );
    // --fail-fast: nothing after the first failure starts.
    let out =
        t.sb.run(&["exec", "--all", "--fail-fast", "--", "sh", "-c", fail]);
    assert_eq!(out.status.code(), Some(1));
    let summary = stderr(&out);
    assert!(
        row(&summary, "p1").is_some_and(|l| l.contains(" 3 ")),
        "{summary}"
    );
    assert!(
        row(&summary, "p2").is_some_and(|l| l.contains("not run")),
        "{summary}"
    );
    // Without --each/--all the multi-profile flags are refused.
    let out = t.sb.run(&["exec", "--parallel", "2", "p0", "--", "true"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Ctrl-C at a terminal signals the whole foreground process group: here the command gets a
/// group of its own, and SIGINT goes to all of it. Every child stops, the summary says which finished.
#[test]
fn ctrl_c_stops_every_child_and_reports_which_finished() {
    let t = three();
    let marker = format!("61.{}", std::process::id());
    let script = format!(
        "case $PREFECT_PROFILE in p0) echo finished;; *) echo started; exec sleep {marker};; esac"
    );
    // Its own process group, as a shell gives a foreground job.
    use std::os::unix::process::CommandExt;
    let mut child = Command::new(BIN)
        .process_group(0)
        .args([
            "exec",
            "--all",
            "--parallel",
            "4",
            "--",
            "sh",
            "-c",
            &script,
        ])
        .env_clear()
        .envs(t.sb.envs())
        .current_dir(t.sb.home())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Processes whose command line is exactly `sleep MARKER`, read from /proc.
    let sleeping = || {
        let want = format!("sleep\0{marker}\0");
        std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|e| std::fs::read(e.ok()?.path().join("cmdline")).ok())
            .filter(|c| c == want.as_bytes())
            .count()
    };
    wait_until(20, "three sleeping children", || sleeping() == 3);
    unsafe { libc::kill(-(child.id() as i32), libc::SIGINT) };
    wait_until(20, "prefectx to end", || {
        child.try_wait().ok().flatten().is_some()
    });
    let out = child.wait_with_output().unwrap();
    wait_until(20, "no child left", || sleeping() == 0);
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let summary = stderr(&out);
    assert!(
        row(&summary, "p0").is_some_and(|l| l.contains(" 0 ")),
        "{summary}"
    );
    for p in ["other", "p1", "p2"] {
        assert!(
            row(&summary, p).is_some_and(|l| l.contains("signal") || l.contains("interrupted")),
            "{p}: {summary}"
        );
    }
}
