//! `prefectx doctor [--offline] [-p NAME]`: one line per check, `ok`, `warn` or `FAIL`; exit 1
//! when something is wrong. Explains which file and profile are in effect and why, what in
//! the environment or the current folder changes what Prefect will use, and (unless
//! --offline) whether the profile's API answers.

use crate::cli::DoctorArgs;
use crate::cloud::{api, http::Client};
use crate::prefect::profiles::{is_emittable, Profiles, Selected};
use crate::prefect::settings;
use crate::prefect::store;
use crate::prefect::target::{self, Target};
use crate::sys::error::Result;
use crate::sys::output::{self, q};

#[derive(Default)]
struct Report {
    text: String,
    failed: bool,
}

/// Every line quotes what it found in files, the environment, the current folder (a cloned
/// repo's `.env`) or a server's answer: each goes through output::safe.
impl Report {
    fn line(&mut self, tag: &str, s: &str) {
        self.text.push_str(&format!("{tag}{}\n", output::safe(s)));
    }
    fn ok(&mut self, s: &str) {
        self.line("ok    ", s);
    }
    fn warn(&mut self, s: &str) {
        self.line("warn  ", s);
    }
    fn fail(&mut self, s: &str) {
        self.failed = true;
        self.line("FAIL  ", s);
    }
}

pub fn run(a: DoctorArgs) -> Result<i32> {
    let mut r = Report::default();
    let loc = crate::choose::locate::locate()?;
    let path = loc.path.display().to_string();
    let profiles = match Profiles::load(&loc) {
        Ok(p) => p,
        Err(e) => {
            r.fail(&e.to_string());
            output::out(&r.text);
            return Ok(1);
        }
    };
    if profiles.exists {
        r.ok(&format!(
            "profiles file: {path} ({})",
            loc.source.describe()
        ));
    } else {
        r.ok(&format!(
            "profiles file: {path} ({}) does not exist; Prefect's bundled profiles apply",
            loc.source.describe()
        ));
    }

    let flag = a.profile.profile.as_deref();
    let pinned = std::env::var(crate::choose::effective::PIN)
        .ok()
        .filter(|s| !s.is_empty());
    let (name, why) = match crate::choose::effective::select(&profiles, flag) {
        Ok(x) => x,
        Err(e) => {
            r.fail(&e.to_string());
            output::out(&r.text);
            return Ok(1);
        }
    };
    let why_text = match (&why, &pinned) {
        (Selected::EnvVar, Some(p)) if *p == name => {
            "pinned in this shell by `prefectx use`".into()
        }
        (w, _) => w.describe(),
    };
    // The whole chain: pin, .prefect-profile, active, project files, each setting's source
    // (this replaces a line that said a project file overrode the profile, which a
    // prefectx shell's exports kept it from doing).
    for (warn, line) in crate::choose::explain::chain(&profiles, &name, &why) {
        if line.starts_with("profile: ") {
            r.ok(&format!("profile: {} ({why_text})", q(&name)));
        } else if warn {
            r.warn(&line);
        } else {
            r.ok(&line);
        }
    }
    if let Some(p) = crate::choose::protect::by(&crate::choose::protect::load(), &name) {
        r.ok(&format!(
            "protected (by {}): Prefect commands that change it ask for its name first",
            q(p)
        ));
    }
    let implicit = crate::choose::effective::implicit(&profiles, &why);
    if implicit {
        r.warn(&crate::choose::effective::implicit_line(&profiles)["prefectx: ".len()..]);
    }
    let (mut resolved, _) = crate::choose::here::environment(&profiles, &name, implicit)?;
    // Where the key lives.
    let in_file = resolved.get("PREFECT_API_KEY").is_some();
    match (in_file, crate::choose::keyring_profiles::is_backed(&loc.path, &name)) {
        (true, true) => r.warn(&format!("API key: in {path} and in the OS keyring; the file's key wins, as prefect sees it (`prefectx profile keyring {}` moves it)", crate::shell::sh::quote(&name))),
        (true, false) => r.ok(&format!("API key: in {path}")),
        (false, true) => match crate::choose::keyring_profiles::fill(&loc.path, &name, &mut resolved.settings) {
            Ok(()) => r.ok("API key: in the OS keyring; prefect run outside a prefectx shell does not see it"),
            Err(e) => r.fail(&e.to_string()),
        },
        (false, false) => {}
    }
    for w in &resolved.warnings {
        r.warn(w);
    }

    if profiles.exists {
        if let Some(mode) = store::mode_of(&loc.path) {
            let holds_secret = profiles
                .file
                .iter()
                .flat_map(|p| p.entries().iter())
                .any(|e| settings::is_secret(&e.key));
            match store::key_exposed(&loc.path, mode).filter(|_| holds_secret) {
                Some(line) => r.fail(&line),
                None => r.ok(&format!("permissions: {mode:03o}")),
            }
        }
    }

    // vars_os: a variable that is not UTF-8 is not ours to judge, and must not panic.
    for (k, v) in std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
    {
        if !is_emittable(&k) || settings::ENV_ONLY.contains(&k.as_str()) || k == "PREFECT_PROFILE" {
            continue;
        }
        match resolved.get(&k) {
            Some(pv) if pv == v => {}
            Some(_) => r.warn(&format!(
                "{k} in the environment differs from profile {} (with the allowed project files here) and overrides it",
                q(&name)
            )),
            None => r.warn(&format!(
                "{k} is set in the environment and not by profile {}",
                q(&name)
            )),
        }
    }

    let t = Target::of(&resolved);
    if a.offline {
        r.ok(&format!(
            "target: {} {} (not checked: --offline)",
            t.kind(),
            t.short()
        ));
    } else {
        live(&mut r, &a, &resolved, &t);
    }
    output::out(&r.text);
    Ok(i32::from(r.failed))
}

fn live(r: &mut Report, a: &DoctorArgs, p: &crate::prefect::profiles::Resolved, t: &Target) {
    let client = match Client::new(&(&a.net).into()) {
        Ok(c) if matches!(t, Target::Server { .. }) => c.for_server(),
        Ok(c) => c,
        Err(e) => return r.fail(&e.to_string()),
    };
    match t {
        Target::Cloud {
            account_id,
            workspace_id,
            ..
        } => {
            let Some(key) = p.get("PREFECT_API_KEY") else {
                return r.fail("Cloud profile without PREFECT_API_KEY; run `prefectx login`");
            };
            let cloud_api = target::cloud_api(Some(p));
            match api::me_workspaces(&client, &cloud_api, key) {
                Ok(list) => {
                    match list
                        .iter()
                        .find(|w| w.account_id == *account_id && w.workspace_id == *workspace_id)
                    {
                        Some(w) => r.ok(&format!("Prefect Cloud: key valid, workspace '{}'", w.handle())),
                        None => r.fail("Prefect Cloud: key valid, but PREFECT_API_URL's workspace is not one of its workspaces"),
                    }
                }
                Err(e) => r.fail(&e.to_string()),
            }
        }
        Target::Server { url } => {
            let health = format!("{}/health", url.trim_end_matches('/'));
            let shown = settings::mask_url_password(&health).into_owned();
            let auth = p.get("PREFECT_API_AUTH_STRING").map(str::to_string);
            let key = p.get("PREFECT_API_KEY").map(str::to_string);
            let res = client.send(&health, |rb| match (&auth, &key) {
                (Some(a), _) => match a.split_once(':') {
                    Some((u, pw)) => rb.basic_auth(u, Some(pw)),
                    None => rb.basic_auth(a, None::<&str>),
                },
                (None, Some(k)) => rb.bearer_auth(k),
                _ => rb,
            });
            match res {
                Ok(resp) if resp.status().is_success() => r.ok(&format!("server: {shown} answers")),
                Ok(resp) => r.fail(&format!("server: {shown} answered HTTP {}", resp.status().as_u16())),
                Err(e) => r.fail(&format!("server: {e}")),
            }
        }
        Target::Ephemeral => r.ok("target: ephemeral (Prefect starts a temporary server; nothing to check)"),
        Target::Unconfigured => r.fail("target: no PREFECT_API_URL and ephemeral mode is off; Prefect has no server to talk to"),
    }
}
