//! Prefect Cloud commands against a real HTTP server on 127.0.0.1 (tests/common/cloud.rs):
//! happy paths take one request; every fault gives one clear line, leaves the profiles file
//! byte-identical, and never shows the key.

mod common;

use std::time::Instant;

use common::cloud::{self, Reply, Server, GOOD_KEY};
use common::*;

const FILE: &str =
    "# keep me\nactive = \"work\"\n\n[profiles.work]\nPREFECT_LOGGING_LEVEL = \"INFO\"\n";

fn sandbox(server: &Server) -> Sandbox {
    cloud::sandbox(server, FILE)
}

fn url_for(server: &Server, account: &str, workspace: &str) -> String {
    format!("{}/accounts/{account}/workspaces/{workspace}", server.base)
}

/// The key must appear nowhere but the profiles file: outputs, cache files, errors.
fn assert_no_key(sb: &Sandbox, outputs: &[&std::process::Output], key: &str) {
    for o in outputs {
        assert!(!stdout(o).contains(key), "key in stdout: {}", stdout(o));
        assert!(!stderr(o).contains(key), "key in stderr: {}", stderr(o));
    }
    if let Ok(rd) = std::fs::read_dir(sb.cache_dir().join("prefectx")) {
        for e in rd.flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            assert!(!text.contains(key), "key in cache file {:?}", e.path());
            assert!(!e.file_name().to_string_lossy().contains(key));
            assert_eq!(mode(&e.path()), 0o600, "{:?}", e.path());
        }
        assert_eq!(mode(&sb.cache_dir().join("prefectx")), 0o700);
    }
}

#[test]
fn login_with_a_key_takes_one_request_and_writes_two_settings() {
    let server = cloud::standard();
    let sb = sandbox(&server);
    let out = sb.run(&cloud::login_args(&[]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Authenticated with Prefect Cloud! Using workspace 'acme/prod' in profile 'work'.\n"
    );
    assert_eq!(server.count(), 1);
    let req = &server.requests()[0];
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/api/me/workspaces");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {GOOD_KEY}").as_str())
    );
    assert!(req.header("user-agent").unwrap().starts_with("prefectx/"));
    assert_eq!(
        sb.read_profiles(),
        format!(
            "{FILE}PREFECT_API_KEY = \"{GOOD_KEY}\"\nPREFECT_API_URL = \"{}\"\n",
            url_for(&server, cloud::ACME, cloud::PROD)
        )
    );
    assert_no_key(&sb, &[&out], GOOD_KEY);
    // The prompt names the workspace from the cache login wrote.
    let out = sb.run(&["prompt"]);
    assert_eq!(stdout(&out), "work:acme/prod\n");
}

#[test]
fn login_reads_the_key_from_stdin_and_creates_a_new_profile() {
    let server = cloud::standard();
    let sb = sandbox(&server);
    let mut child = sb
        .cmd()
        .args([
            "login",
            "--key",
            "-",
            "--workspace",
            "personal/sandbox",
            "-p",
            "sandbox",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The key is not on the command line, so `ps` cannot show it.
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap_or_default();
    assert!(!String::from_utf8_lossy(&cmdline).contains(GOOD_KEY));
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{GOOD_KEY}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = sb.read_profiles();
    assert!(text.starts_with(FILE), "existing content kept: {text}");
    assert!(
        text.contains(&format!(
            "\n[profiles.sandbox]\nPREFECT_API_KEY = \"{GOOD_KEY}\"\nPREFECT_API_URL = \"{}\"\n",
            url_for(&server, cloud::PERSONAL, cloud::SANDBOX)
        )),
        "{text}"
    );
    assert!(text.contains("active = \"work\""), "active untouched");
}

#[test]
fn workspace_choice_rules() {
    let server = cloud::standard();
    let sb = sandbox(&server);
    // Case-insensitive unique match: accepted, and said.
    let out = sb.run(&["login", "--key", GOOD_KEY, "--workspace", "ACME/Prod"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Using workspace 'acme/prod' for 'ACME/Prod'"),
        "{}",
        stderr(&out)
    );
    sb.write_profiles(FILE);
    // Unknown: the available handles, sorted; nothing written.
    let out = sb.run(&["login", "--key", GOOD_KEY, "--workspace", "acme/nosuch"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "prefectx: workspace 'acme/nosuch' not found; available: 'acme/dev', 'acme/prod', 'personal/sandbox'\n");
    assert_eq!(sb.read_profiles(), FILE);
    // Several, no TTY, no --workspace: say to pass it.
    let out = sb.run(&["login", "--key", GOOD_KEY]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("pass --workspace with one of: acme/dev, acme/prod, personal/sandbox"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.read_profiles(), FILE);
    // No TTY and no key at all.
    let out = sb
        .cmd()
        .arg("login")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--key -"), "{}", stderr(&out));
}

#[test]
fn exactly_one_workspace_is_chosen_silently_and_none_is_an_error() {
    let one = Server::start(|_, _| {
        Reply::Json(
            200,
            serde_json::json!([cloud::ws(cloud::ACME, "acme", cloud::PROD, "prod")]).to_string(),
        )
    });
    let sb = sandbox(&one);
    let out = sb.run(&["login", "--key", GOOD_KEY]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("'acme/prod'"));
    let none = Server::start(|_, _| Reply::Json(200, "[]".into()));
    let sb = sandbox(&none);
    let out = sb.run(&["login", "--key", GOOD_KEY]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "prefectx: no workspaces found; create one at http://ui.example and try again\n"
    );
    assert_eq!(sb.read_profiles(), FILE);
}

/// Runs a login against `reply`; returns (output, seconds, requests) and checks the file.
fn fault(
    reply: impl Fn(&cloud::Req, usize) -> Reply + Send + Sync + 'static,
    key: &str,
    env: &[(&str, &str)],
) -> (std::process::Output, f64, usize) {
    let server = Server::start(reply);
    let sb = sandbox(&server);
    let start = Instant::now();
    let mut c = sb.cmd();
    c.args(["login", "--key", key, "--workspace", "acme/prod"]);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(sb.read_profiles(), FILE, "a failed login changed the file");
    assert_no_key(&sb, &[&out], key);
    assert!(out.stdout.is_empty() || out.status.success());
    (out, secs, server.count())
}

#[test]
fn every_fault_gives_one_clear_line_and_changes_nothing() {
    let err_line = |o: &std::process::Output| {
        let e = stderr(o);
        assert_eq!(e.lines().count(), 1, "{e}");
        assert_eq!(o.status.code(), Some(1), "{e}");
        e
    };
    let (o, _, n) = fault(
        |_, _| Reply::Json(401, r#"{"detail":"nope"}"#.into()),
        "pnu_bad",
        &[],
    );
    // During login the key is the one just given: no "run `prefectx login`".
    assert!(err_line(&o)
        .contains("Prefect Cloud rejected the API key (HTTP 401); check the key and try again"));
    assert_eq!(n, 1);
    let (o, _, _) = fault(|_, _| Reply::Json(403, "{}".into()), "sk_wrongformat", &[]);
    assert!(
        err_line(&o).contains("HTTP 403")
            && stderr(&o).contains("not in the expected format (pnu_... or pnb_...)")
    );
    // Answers that are not retried: one request, one line naming what came back.
    for (code, body, line_has, also_has) in [
        (
            404,
            r#"{"detail":"Not Found"}"#,
            "HTTP 404 Not Found for /api/me/workspaces",
            "",
        ),
        (
            500,
            r#"{"detail":"boom"}"#,
            "HTTP 500 Internal Server Error for /api/me/workspaces at 127.0.0.1",
            ": boom",
        ),
        (200, "<html>oops</html>", "not the expected JSON", ""),
        (200, r#"[{"account_id":"x"}]"#, "not the expected JSON", ""),
    ] {
        let (o, _, n) = fault(
            move |_, _| Reply::Json(code, body.to_string()),
            GOOD_KEY,
            &[],
        );
        assert!(
            err_line(&o).contains(line_has) && stderr(&o).contains(also_has),
            "{}",
            stderr(&o)
        );
        assert_eq!(n, 1, "HTTP {code} is not retried");
    }
    // 429, 502, 503 and 408 are retried after Retry-After, and then succeed.
    for code in [429u16, 503, 502, 408] {
        let server = Server::start(move |_, n| {
            if n == 1 {
                Reply::WithHeaders(code, vec![("Retry-After", "1".into())], "{}".into())
            } else {
                Reply::Json(200, cloud::three_workspaces())
            }
        });
        let sb = sandbox(&server);
        let o = sb.run(&cloud::login_args(&[]));
        assert!(o.status.success(), "{code}: {}", stderr(&o));
        assert_eq!(server.count(), 2, "{code}");
    }
    // Retry-After is read: a wait longer than the whole budget is not waited for.
    let (o, _, n) = fault(
        |_, _| Reply::WithHeaders(429, vec![("Retry-After", "3600".into())], "{}".into()),
        GOOD_KEY,
        &[],
    );
    assert!(err_line(&o).contains("HTTP 429"), "{}", stderr(&o));
    assert_eq!(n, 1, "gave up at once instead of waiting an hour");
    // Always 503: at most 5 retries, then the error.
    let (o, _, n) = fault(
        |_, _| {
            Reply::WithHeaders(
                503,
                vec![("Retry-After", "0.05".into())],
                r#"{"detail":"maintenance"}"#.into(),
            )
        },
        GOOD_KEY,
        &[],
    );
    assert!(err_line(&o).contains("HTTP 503"), "{}", stderr(&o));
    assert_eq!(n, 6, "1 try + 5 retries");
}

#[test]
fn a_reset_connection_is_retried() {
    let server = Server::start(|_, n| {
        if n == 1 {
            Reply::Close
        } else {
            Reply::Json(200, cloud::three_workspaces())
        }
    });
    let sb = sandbox(&server);
    let o = sb.run(&cloud::login_args(&[]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(server.count(), 2);
}

#[test]
fn a_hanging_server_gives_up_within_the_total_budget() {
    let (o, secs, _) = fault(
        |_, _| Reply::Hang,
        GOOD_KEY,
        &[("PREFECTX_TIMEOUT", "1"), ("PREFECTX_TOTAL_TIMEOUT", "3")],
    );
    assert!(stderr(&o).contains("timed out"), "{}", stderr(&o));
    assert_eq!(o.status.code(), Some(1));
    // The documented budget: PREFECTX_TOTAL_TIMEOUT, here 3 s; generous margin.
    assert!(secs < 15.0, "took {secs} s");
}

#[test]
fn refused_and_unresolvable_hosts() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = sb
        .cmd()
        .args(cloud::login_args(&[]))
        .env(
            "PREFECT_CLOUD_API_URL",
            format!("http://127.0.0.1:{port}/api"),
        )
        .output()
        .unwrap();
    assert_eq!(
        stderr(&out),
        format!("prefectx: cannot reach Prefect Cloud at 127.0.0.1:{port}: connection refused\n")
    );
    let out = sb
        .cmd()
        .args(cloud::login_args(&[]))
        .env("PREFECT_CLOUD_API_URL", "http://no-such-host.invalid/api")
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("does not resolve"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.read_profiles(), FILE);
}

#[test]
fn workspace_ls_and_set() {
    let server = cloud::standard();
    let sb = sandbox(&server);
    assert!(sb.run(&cloud::login_args(&[])).status.success());
    let n = server.count();
    let out = sb.run(&["workspace", "ls"]);
    assert_eq!(
        stdout(&out),
        "  acme/dev\n* acme/prod\n  personal/sandbox\n"
    );
    assert_eq!(server.count(), n, "ls answers from the cache");
    let out = sb.run(&["workspace", "ls", "--refresh", "--json"]);
    assert_eq!(server.count(), n + 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(
        v[0].as_object().unwrap().len(),
        7,
        "exactly the seven model fields"
    );
    assert_eq!(v[0]["workspace_handle"], "dev");
    // set: from the fresh cache, no request; only PREFECT_API_URL changes.
    let before = sb.read_profiles();
    let out = sb.run(&["workspace", "set", "acme/dev"]);
    assert_eq!(
        stdout(&out),
        "Successfully set workspace to 'acme/dev' in profile 'work'.\n"
    );
    assert_eq!(server.count(), n + 1);
    assert_eq!(sb.read_profiles(), before.replace(cloud::PROD, cloud::DEV));
    // With no cache: exactly one request.
    std::fs::remove_dir_all(sb.cache_dir()).unwrap();
    let out = sb.run(&["workspace", "set", "personal/sandbox"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.count(), n + 2);
    let out = sb.run(&["workspace", "set", "nope/nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("'nope/nope' not found"));
    assert_no_key(&sb, &[&out], GOOD_KEY);
    // logout: both settings go, nothing else; no network.
    let n = server.count();
    let out = sb.run(&["logout"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sb.read_profiles(), FILE);
    assert_eq!(server.count(), n);
    let out = sb.run(&["logout"]);
    assert!(stderr(&out).contains("not logged in"), "{}", stderr(&out));
    let out = sb.run(&["workspace", "ls"]);
    assert!(stderr(&out).contains("prefectx login"), "{}", stderr(&out));
}

use common::cloud::{fake_browser, post};

#[test]
fn browser_login_through_the_loopback_callback() {
    for (body, expect_ok) in [
        (
            post("/success", &format!("{{\"api_key\":\"{GOOD_KEY}\"}}")),
            true,
        ),
        (
            post("/failure", "{\"reason\":\"User denied access\"}"),
            false,
        ),
    ] {
        let server = cloud::standard();
        let sb = sandbox(&server);
        let browser = fake_browser(&sb, &body);
        sb.set_env("BROWSER", &browser);
        let mut cmd = sb.cmd();
        cmd.args(["login", "--workspace", "acme/prod"]);
        let mut s = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
        s.exp_string("How would you like to authenticate?").unwrap();
        s.send_line("").unwrap(); // the default: the browser
        let rest = s.exp_eof().unwrap();
        let url = std::fs::read_to_string(sb.dir.path().join("browser.url")).unwrap();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let location = std::fs::read_to_string(sb.dir.path().join("browser.location")).unwrap();
        assert!(
            location.starts_with("http://ui.example/auth/client?callback=http%3A//127.0.0.1%3A"),
            "{location}"
        );
        assert!(rest.contains(url.trim()), "the URL is printed too: {rest}");
        if expect_ok {
            assert!(
                rest.contains("Authenticated with Prefect Cloud! Using workspace 'acme/prod'"),
                "{rest}"
            );
            assert!(sb.read_profiles().contains(GOOD_KEY));
        } else {
            assert!(
                rest.contains("failed to log in: User denied access"),
                "{rest}"
            );
            assert_eq!(sb.read_profiles(), FILE);
        }
        assert!(!rest.contains(GOOD_KEY), "key shown: {rest}");
    }
}

#[test]
fn browser_login_times_out() {
    let server = cloud::standard();
    let sb = sandbox(&server);
    sb.set_env("BROWSER", "true");
    sb.set_env("PREFECTX_LOGIN_TIMEOUT", "1");
    let mut cmd = sb.cmd();
    cmd.args(["login", "--workspace", "acme/prod"]);
    let mut s = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
    s.exp_string("How would you like to authenticate?").unwrap();
    s.send_line("").unwrap();
    let rest = s.exp_eof().unwrap();
    assert!(
        rest.contains("timed out after 1 s waiting for the browser"),
        "{rest}"
    );
    assert_eq!(sb.read_profiles(), FILE);
    assert_eq!(server.count(), 0);
}

#[test]
fn a_day_old_cache_answers_completion_at_once_and_refreshes_in_the_background() {
    let server = cloud::standard();
    let sb = sandbox(&server);
    assert!(sb.run(&cloud::login_args(&[])).status.success());
    assert_eq!(server.count(), 1);
    // Age the cache by two days.
    let dir = sb.cache_dir().join("prefectx");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("workspaces-"))
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&file).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let old = v["fetched_at"].as_u64().unwrap() - 2 * 86_400;
    v["fetched_at"] = old.into();
    std::fs::write(&file, v.to_string()).unwrap();
    let out = sb
        .cmd()
        .env("COMPLETE", "fish")
        .args(["--", "prefectx", "workspace", "set", "acme/"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "acme/dev\nacme/prod\n",
        "answered from the old cache"
    );
    // One detached refresh: one request, and a fresh cache.
    wait_until(20, "the background refresh to rewrite the cache", || {
        std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v["fetched_at"].as_u64())
            .is_some_and(|f| f > old)
    });
    assert_eq!(server.count(), 2, "exactly one background refresh");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(v["fetched_at"].as_u64().unwrap() > old, "cache refreshed");
}

#[test]
fn doctor_checks_offline_and_live() {
    let server = cloud::standard();
    let sb = sandbox(&server);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(sb.profiles_path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(sb.run(&cloud::login_args(&[])).status.success());
    let out = sb.run(&["doctor"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("ok    profiles file:")
            && text.contains("(default ~/.prefect/profiles.toml)"),
        "{text}"
    );
    assert!(
        text.contains("ok    profile: 'work' (the file's `active`)"),
        "{text}"
    );
    assert!(
        text.contains("ok    Prefect Cloud: key valid, workspace 'acme/prod'"),
        "{text}"
    );
    assert!(!text.contains(GOOD_KEY));
    // Readable by others while holding a key, a shadowing variable, a project file.
    std::fs::set_permissions(sb.profiles_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(
        sb.home().join("prefect.toml"),
        "[api]\nurl = \"http://elsewhere\"\n",
    )
    .unwrap();
    let out = sb
        .cmd()
        .args(["doctor", "--offline"])
        .env("PREFECT_API_URL", "http://shadow/api")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("FAIL") && text.contains("readable by others (mode 644)"),
        "{text}"
    );
    assert!(
        text.contains("warn  PREFECT_API_URL in the environment differs"),
        "{text}"
    );
    // The project file is not applied until allowed, and is held back for Prefect too;
    // doctor says so.
    assert!(
        text.contains("prefect.toml: not allowed, held back for Prefect too (`prefectx allow` applies it); sets PREFECT_API_URL"),
        "{text}"
    );
    // A server profile: /health.
    let health = Server::start(|r, _| {
        if r.path == "/api/health" {
            Reply::Json(200, "true".into())
        } else {
            Reply::Json(404, "{}".into())
        }
    });
    let sb2 = Sandbox::new();
    sb2.write_profiles(&format!(
        "active = \"s\"\n[profiles.s]\nPREFECT_API_URL = \"{}\"\n",
        health.base
    ));
    let out = sb2.run(&["doctor"]);
    assert!(
        stdout(&out).contains("/api/health answers"),
        "{}",
        stdout(&out)
    );
    assert!(out.status.success());
}

#[test]
fn interactive_login_with_a_pasted_key_and_the_workspace_picker() {
    if !have("tmux") {
        return;
    }
    use common::pty::Tmux;
    let server = cloud::standard();
    let sb = sandbox(&server);
    let mut cmd = sb.cmd();
    cmd.args(["login", "-p", "picked"]);
    let t = Tmux::start(cmd, "login");
    t.wait_for("How would you like to authenticate?");
    t.keys(&["Down"]);
    t.wait_for("> Paste an API key");
    t.keys(&["Enter"]);
    t.wait_for("Paste your API key");
    t.keys(&["-l", GOOD_KEY]);
    t.keys(&["Enter"]);
    // Several workspaces on a terminal: the picker, sorted by handle; type to filter.
    let s = t.wait_for("Which workspace?");
    assert!(
        s.contains("acme/dev") && s.contains("personal/sandbox"),
        "{s}"
    );
    t.keys(&["-l", "sandbox"]);
    t.wait_for("> personal/sandbox");
    t.keys(&["Enter"]);
    let s = t.wait_for("EXIT=");
    assert!(
        s.contains("Using workspace 'personal/sandbox' in profile 'picked'"),
        "{s}"
    );
    assert!(!s.contains(GOOD_KEY), "the pasted key was echoed: {s}");
    assert!(sb.read_profiles().contains(&format!(
        "{}/accounts/{}/workspaces/{}",
        server.base,
        cloud::PERSONAL,
        cloud::SANDBOX
    )));
    assert_eq!(server.count(), 1);
}

#[test]
fn many_workspaces_over_several_accounts_ask_for_the_account_first() {
    if !have("tmux") {
        return;
    }
    use common::pty::Tmux;
    let mut list = Vec::new();
    for i in 0..8 {
        list.push(cloud::ws(
            cloud::ACME,
            "acme",
            &format!("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaa{i:02}"),
            &format!("w{i}"),
        ));
        list.push(cloud::ws(
            cloud::PERSONAL,
            "personal",
            &format!("bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbb{i:02}"),
            &format!("p{i}"),
        ));
    }
    let body = serde_json::Value::Array(list).to_string();
    let server = Server::start(move |_, _| Reply::Json(200, body.clone()));
    let sb = sandbox(&server);
    let mut cmd = sb.cmd();
    cmd.args(["login", "--key", GOOD_KEY]);
    let t = Tmux::start(cmd, "accounts");
    let s = t.wait_for("Which account?");
    assert!(s.contains("acme") && s.contains("personal"), "{s}");
    t.keys(&["-l", "personal"]);
    t.wait_for("> personal");
    t.keys(&["Enter"]);
    let s = t.wait_for("Which workspace?");
    assert!(
        s.contains("personal/p0") && !s.contains("acme/w0"),
        "only that account's workspaces: {s}"
    );
    t.keys(&["-l", "p3"]);
    t.wait_for("> personal/p3");
    t.keys(&["Enter"]);
    let s = t.wait_for("EXIT=");
    assert!(s.contains("Using workspace 'personal/p3'"), "{s}");
}

#[test]
fn proxies_come_from_the_standard_variables() {
    let server = cloud::standard();
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let proxy = server.base.trim_end_matches("/api").to_string();
    let out = sb
        .cmd()
        .args(cloud::login_args(&[]))
        .env("PREFECT_CLOUD_API_URL", "http://cloud.invalid/api")
        .env("HTTP_PROXY", &proxy)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let req = &server.requests()[0];
    assert_eq!(
        req.path, "http://cloud.invalid/api/me/workspaces",
        "the request went through the proxy"
    );
    // A key sent in clear to a host that is not this machine is said.
    assert!(
        stderr(&out)
            .contains("prefectx: warning: sending the API key to cloud.invalid over plain http://"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains(GOOD_KEY));
    // Loopback is not warned about.
    let out = sb
        .cmd()
        .args(cloud::login_args(&[]))
        .env("PREFECT_CLOUD_API_URL", &server.base)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("plain http"), "{}", stderr(&out));
}

/// A key is never written where other users can read it (docs/security.md): the login is
/// refused with one line saying how to close the file, and the file is left as it was.
#[test]
fn login_into_a_file_others_can_read_is_refused_and_says_how_to_close_it() {
    use std::os::unix::fs::PermissionsExt;
    let server = cloud::standard();
    let sb = sandbox(&server);
    std::fs::set_permissions(sb.profiles_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = sb.read_profiles();
    let out = sb.run(&cloud::login_args(&[]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let path = sb.profiles_path().display().to_string();
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "{path} can be read by other users (mode 644), and so could the API key; nothing was changed; run `chmod 600 {path}`"
        )),
        "{err}"
    );
    assert!(!err.contains(GOOD_KEY));
    assert_eq!(sb.read_profiles(), before, "nothing written");
    assert_eq!(mode(&sb.profiles_path()), 0o644, "mode left as it was");
    // A private file: no word about it.
    std::fs::set_permissions(sb.profiles_path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = sb.run(&["login", "--key", GOOD_KEY, "--workspace", "acme/dev"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("readable by others"),
        "{}",
        stderr(&out)
    );
}
