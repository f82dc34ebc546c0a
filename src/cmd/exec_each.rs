//! `prefectx exec --each PATTERN | --all | --workspace-pattern PATTERN [--parallel N] -- CMD`:
//! CMD once per matching profile of the file, each with exactly the environment `exec NAME`
//! gives it, as kubie `exec` runs a command across contexts (docs/usage.md, "One command across
//! profiles"). Every profile runs even when one fails (`--fail-fast` stops); a summary follows
//! on stderr (`--json`: on stdout); the status is 0 only when every command succeeded.

use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cli::ExecArgs;
use crate::prefect::profiles::Profiles;
use crate::prefect::target::Target;
use crate::sys::error::{Error, Result};
use crate::sys::{output, signals};

/// One profile's run: None until it ended (or never started).
struct Run {
    name: String,
    plan: crate::shell::Plan,
    status: Option<std::process::ExitStatus>,
    started: Option<Instant>,
    seconds: f64,
}

/// The profiles of the file that the selector matches, in file order.
fn matching(profiles: &Profiles, a: &ExecArgs) -> Vec<String> {
    let glob = crate::choose::protect::matches;
    profiles
        .names()
        .into_iter()
        .filter(|n| profiles.file_profile(n).is_some())
        .filter(|n| match (&a.each, &a.workspace_pattern) {
            (Some(p), _) => glob(p, n),
            (None, Some(p)) => profiles.resolve(n).is_ok_and(|r| match Target::of(&r) {
                Target::Cloud {
                    handle: Some(h), ..
                } => glob(p, &h),
                _ => false,
            }),
            (None, None) => true,
        })
        .collect()
}

pub fn run(a: ExecArgs) -> Result<i32> {
    let profiles = super::common::load()?;
    let command = super::exec::unnamed_command(&a);
    if command.is_empty() {
        return Err(Error::usage("exec needs a command after --"));
    }
    let names = matching(&profiles, &a);
    if names.is_empty() {
        let what = a.each.as_deref().or(a.workspace_pattern.as_deref());
        return Err(Error::new(format!(
            "no profile in {} matches{}",
            profiles.loc.path.display(),
            what.map(|p| format!(" {}", output::q(p)))
                .unwrap_or_default()
        )));
    }
    // Every environment (and every question for a protected profile) before anything runs.
    let mut runs = Vec::new();
    for name in names {
        super::exec::guard(&profiles, &name, &command)?;
        let plan = super::exec::environment(&profiles, &name)?;
        runs.push(Run {
            name,
            plan,
            status: None,
            started: None,
            seconds: 0.0,
        });
    }
    signals::catch_int_term();
    let parallel = usize::from(a.parallel.unwrap_or(1));
    if parallel == 1 {
        sequential(&mut runs, &command, a.fail_fast, a.json)?;
    } else {
        concurrent(&mut runs, &command, parallel, &a)?;
    }
    summary(&runs, a.json);
    let failed = runs.iter().any(|r| !r.status.is_some_and(|s| s.success()));
    Ok(if signals::stopped() {
        130
    } else {
        i32::from(failed)
    })
}

fn spawn(run: &mut Run, command: &[std::ffi::OsString], piped: bool) -> Result<Child> {
    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..]);
    super::exec::with_profile(&mut cmd, &run.plan);
    if piped {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    }
    run.started = Some(Instant::now());
    // 127 or 126, as `exec` and shells say (it would fail for every profile alike).
    cmd.spawn().map_err(|e| {
        let code = match e.kind() {
            std::io::ErrorKind::NotFound => 127,
            _ => 126,
        };
        Error::with_code(
            format!("exec: cannot run {}: {e}", command[0].to_string_lossy()),
            code,
        )
    })
}

/// One after the other, each with the terminal; a header names each profile (on stderr when
/// stdout is for the JSON summary).
fn sequential(
    runs: &mut [Run],
    command: &[std::ffi::OsString],
    fail_fast: bool,
    json: bool,
) -> Result<()> {
    for run in runs.iter_mut() {
        if signals::stopped() {
            break;
        }
        let header = format!("==> {} <==", output::shown(&run.name));
        if json {
            output::note(&header);
        } else {
            output::out(&format!("{header}\n"));
        }
        let mut child = spawn(run, command, false)?;
        let status = loop {
            // The terminal's Ctrl-C reaches the child too; a signal sent to us alone is passed on.
            if signals::stopped() {
                // SAFETY: signalling our own child by its pid.
                unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
                break child.wait();
            }
            match child.try_wait() {
                Ok(Some(s)) => break Ok(s),
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => break Err(e),
            }
        };
        ended(run, status.ok());
        if fail_fast && !run.status.is_some_and(|s| s.success()) {
            break;
        }
    }
    Ok(())
}

fn ended(run: &mut Run, status: Option<std::process::ExitStatus>) {
    run.status = status;
    run.seconds = run.started.map_or(0.0, |t| t.elapsed().as_secs_f64());
}

/// Up to `n` at once; each line of their output whole, prefixed with the profile's name.
fn concurrent(
    runs: &mut [Run],
    command: &[std::ffi::OsString],
    n: usize,
    a: &ExecArgs,
) -> Result<()> {
    let mut running: Vec<(usize, Child, Vec<std::thread::JoinHandle<()>>)> = Vec::new();
    let mut next = 0;
    let mut halt = false;
    let lock = Arc::new(Mutex::new(()));
    loop {
        halt |= signals::stopped();
        while !halt && running.len() < n && next < runs.len() {
            let mut child = match spawn(&mut runs[next], command, true) {
                Ok(c) => c,
                Err(e) => {
                    // None left behind: the ones already running stop too.
                    for (_, mut c, _) in running {
                        // SAFETY: signalling our own child by its pid.
                        unsafe { libc::kill(c.id() as i32, libc::SIGTERM) };
                        let _ = c.wait();
                    }
                    return Err(e);
                }
            };
            let prefix = match a.no_prefix {
                true => String::new(),
                false => format!("{} | ", output::shown(&runs[next].name)),
            };
            let mut readers = Vec::new();
            if let Some(out) = child.stdout.take() {
                readers.push(forward(out, prefix.clone(), false, lock.clone()));
            }
            if let Some(err) = child.stderr.take() {
                readers.push(forward(err, prefix, true, lock.clone()));
            }
            running.push((next, child, readers));
            next += 1;
        }
        if running.is_empty() {
            return Ok(());
        }
        let mut i = 0;
        while i < running.len() {
            match running[i].1.try_wait() {
                Ok(None) => i += 1,
                done => {
                    let (k, _, readers) = running.swap_remove(i);
                    readers.into_iter().for_each(|r| drop(r.join()));
                    ended(&mut runs[k], done.ok().flatten());
                    if a.fail_fast && !runs[k].status.is_some_and(|s| s.success()) {
                        halt = true;
                    }
                }
            }
        }
        if halt {
            for (_, child, _) in &running {
                // SAFETY: signalling our own child by its pid.
                unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Copies one stream line by line, each line written whole under `lock` so that lines of
/// different commands never mix.
fn forward(
    from: impl std::io::Read + Send + 'static,
    prefix: String,
    to_stderr: bool,
    lock: Arc<Mutex<()>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = std::io::BufReader::new(from);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line.last() != Some(&b'\n') {
                line.push(b'\n');
            }
            let mut whole = prefix.clone().into_bytes();
            whole.extend_from_slice(&line);
            let _held = lock.lock();
            let _ = match to_stderr {
                true => std::io::stderr().write_all(&whole),
                false => std::io::stdout().write_all(&whole),
            };
        }
    })
}

/// The summary: profile, exit status (or the signal, `interrupted`, `not run`), seconds.
fn summary(runs: &[Run], json: bool) {
    use std::os::unix::process::ExitStatusExt;
    let status = |r: &Run| match (r.started, r.status) {
        (None, _) => "not run".to_string(),
        (Some(_), None) => "interrupted".to_string(),
        (Some(_), Some(s)) => match (s.code(), s.signal()) {
            (Some(c), _) => c.to_string(),
            (None, Some(sig)) => format!("signal {sig}"),
            _ => "?".to_string(),
        },
    };
    if json {
        let items: Vec<serde_json::Value> = runs
            .iter()
            .map(|r| {
                serde_json::json!({
                    "profile": r.name,
                    "ran": r.started.is_some(),
                    "status": r.status.and_then(|s| s.code()),
                    "signal": r.status.and_then(|s| s.signal()),
                    "ok": r.status.is_some_and(|s| s.success()),
                    "seconds": (r.seconds * 1000.0).round() / 1000.0,
                })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&items).unwrap_or_default();
        s.push('\n');
        output::out(&s);
        return;
    }
    let (header, column) = output::name_column(runs.iter().map(|r| r.name.as_str()), "profile");
    let mut s = format!("{header}  status       seconds\n");
    for (r, shown) in runs.iter().zip(&column) {
        s.push_str(&format!("{shown}  {:<11}  {:.2}\n", status(r), r.seconds));
    }
    output::note(s.trim_end());
}
