//! `prefectx workspace ls|set` (docs/prefect-compat.md, "Cloud"): workspaces of the profile's key, from
//! the cache or `GET /me/workspaces`; `set` writes only PREFECT_API_URL.

use crate::bail;
use crate::cli::picker;
use crate::cli::{ProfileFlag, WorkspaceCmd};
use crate::cloud::{api, http::Client, Net};
use crate::prefect::cache::{self, Workspace};
use crate::prefect::edit;
use crate::prefect::profiles::{Profiles, Resolved};
use crate::prefect::store;
use crate::prefect::target;
use crate::sys::error::{Error, Result};
use crate::sys::output;

use super::common::q;

/// The profile to act on and its key (profile first, then the environment, as Prefect's
/// effective setting would be).
fn keyed(p: &ProfileFlag) -> Result<(Profiles, Resolved, String, String)> {
    let profiles = super::common::load()?;
    let (name, _) = crate::choose::effective::select(&profiles, p.profile.as_deref())?;
    let mut r = profiles.resolve(&name)?;
    crate::choose::keyring_profiles::fill(&profiles.loc.path, &name, &mut r.settings)?;
    let key = r.get("PREFECT_API_KEY").map(str::to_string).or_else(|| {
        std::env::var("PREFECT_API_KEY")
            .ok()
            .filter(|k| !k.is_empty())
    });
    let in_keyring = crate::choose::keyring_profiles::is_backed(&profiles.loc.path, &name);
    match key {
        Some(k) => {
            // From here on `key` names the cache's owner; the requests read the real key.
            let owner = cache::owner(&profiles.loc.path, &name, &k, in_keyring);
            Ok((profiles, r, k, owner))
        }
        None => bail!(
            "profile {} is not logged in to Prefect Cloud; run `prefectx login -p {}`",
            q(&name),
            crate::shell::sh::quote(&name)
        ),
    }
}

fn fetch(net: &Net, cloud_api: &str, key: &str, owner: &str) -> Result<Vec<Workspace>> {
    let client = Client::new(net)?;
    let list = api::me_workspaces(&client, cloud_api, key)?;
    if let Err(e) = cache::write(cloud_api, owner, &list) {
        output::warn(&e.to_string());
    }
    Ok(list)
}

pub fn run(c: WorkspaceCmd) -> Result<i32> {
    match c {
        WorkspaceCmd::Ls {
            json,
            refresh,
            profile,
            net,
        } => {
            let (_, r, key, owner) = keyed(&profile)?;
            let api = target::cloud_api(Some(&r));
            let mut list = match (refresh, cache::read(&api, &owner)) {
                (false, Some((list, _))) => list,
                _ => fetch(&(&net).into(), &api, &key, &owner)?,
            };
            list.sort_by_key(|w| w.handle());
            let current = r.get("PREFECT_API_URL").and_then(target::workspace_ids);
            let is_current = |w: &Workspace| {
                current
                    .as_ref()
                    .is_some_and(|(a, ws)| *a == w.account_id && *ws == w.workspace_id)
            };
            if json {
                let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
                s.push('\n');
                output::out(&s);
            } else {
                let mut s = String::new();
                for w in &list {
                    let mark = if is_current(w) { '*' } else { ' ' };
                    // Handles come from the Cloud API: shown through output::safe.
                    s.push_str(&format!("{mark} {}\n", output::safe(&w.handle())));
                }
                output::out(&s);
            }
        }
        WorkspaceCmd::Populate(a) => {
            let (profiles, r, key, owner) = keyed(&a.profile)?;
            let api = target::cloud_api(Some(&r));
            // Always asked: a workspace made or removed since the cache was written matters.
            let list = fetch(&(&a.net).into(), &api, &key, &owner)?;
            if list.is_empty() {
                return Err(super::populate::none_found(&crate::cloud::ui_url(&api)));
            }
            return super::populate::run(&a, &profiles, &r, &key, &list, &api);
        }
        WorkspaceCmd::Set {
            handle,
            profile,
            net,
        } => {
            let (profiles, r, key, owner) = keyed(&profile)?;
            super::guard::own(&profiles, &r.name, "prefectx workspace set")?;
            let api = target::cloud_api(Some(&r));
            let fresh = cache::read(&api, &owner).filter(|(_, age)| *age <= cache::MAX_AGE_SECS);
            let ws = match handle {
                // The cache answers when it knows the handle and is fresh; else one request.
                Some(handle) => {
                    let cached = fresh.and_then(|(list, _)| find(&list, &handle).ok().cloned());
                    match cached {
                        Some(w) => w,
                        None => {
                            let list = fetch(&(&net).into(), &api, &key, &owner)?;
                            find(&list, &handle)?.clone()
                        }
                    }
                }
                // No handle: a picker on a terminal, as `prefect cloud workspace set` offers
                //; elsewhere the handles to choose from.
                None => {
                    let list = match fresh {
                        Some((list, _)) => list,
                        None => fetch(&(&net).into(), &api, &key, &owner)?,
                    };
                    if list.len() > 1 && !crate::cli::picker::is_interactive() {
                        let mut handles: Vec<String> = list.iter().map(|w| w.handle()).collect();
                        handles.sort();
                        return Err(crate::sys::error::Error::usage(format!(
                            "which workspace? pass one of: {}",
                            handles.join(", ")
                        )));
                    }
                    choose(
                        &list,
                        None,
                        r.get("PREFECT_API_URL"),
                        &api,
                        &crate::cloud::ui_url(&api),
                    )?
                }
            };
            let url = ws.api_url(&api);
            let name = r.name.clone();
            store::modify(&profiles.loc, |_, doc| {
                edit::ensure_profile(doc, &name)?;
                edit::set_value(doc, &name, "PREFECT_API_URL", &url)
            })?;
            output::out(&format!(
                "Successfully set workspace to {} in profile {}.\n",
                q(&ws.handle()),
                q(&name)
            ));
        }
    }
    Ok(0)
}

/// `refresh-cache -p NAME`: started detached by completion when the cache is a day old.
pub fn refresh_in_background(p: ProfileFlag) -> Result<i32> {
    let (_, r, key, owner) = keyed(&p)?;
    let api = target::cloud_api(Some(&r));
    fetch(&Net::default(), &api, &key, &owner)?;
    Ok(0)
}

/// The workspace `wanted` names: exact, else a unique case-insensitive match (said on stderr).
pub fn find<'a>(list: &'a [Workspace], wanted: &str) -> Result<&'a Workspace> {
    if let Some(w) = list.iter().find(|w| w.handle() == wanted) {
        return Ok(w);
    }
    let ci: Vec<&Workspace> = list
        .iter()
        .filter(|w| w.handle().eq_ignore_ascii_case(wanted))
        .collect();
    if let [w] = ci.as_slice() {
        output::note(&format!(
            "Using workspace {} for {}.",
            q(&w.handle()),
            q(wanted)
        ));
        return Ok(w);
    }
    let mut handles: Vec<String> = list.iter().map(|w| q(&w.handle())).collect();
    handles.sort();
    if handles.is_empty() {
        bail!(
            "workspace {} not found; this key has no workspaces",
            q(wanted)
        );
    }
    // `acme/prd` for `acme/prod`: the closest handle, as profile names get.
    let all: Vec<String> = list.iter().map(|w| w.handle()).collect();
    let hint = crate::prefect::settings::closest(wanted, all.iter().map(String::as_str))
        .map(|h| format!("; did you mean {}?", q(h)))
        .unwrap_or_default();
    bail!(
        "workspace {} not found{hint}; available: {}",
        q(wanted),
        handles.join(", ")
    )
}

/// Picks a workspace on the terminal: account first when there are many, like Prefect.
fn pick(list: &[Workspace], current_url: Option<&str>, cloud_api: &str) -> Result<Workspace> {
    let mut accounts: Vec<String> = list.iter().map(|w| w.account_handle.clone()).collect();
    accounts.sort();
    accounts.dedup();
    let mut pool: Vec<&Workspace> = list.iter().collect();
    if list.len() > 10 && accounts.len() > 1 {
        let acct = picker::pick("Which account?", &accounts, None)?
            .ok_or_else(|| Error::new("cancelled"))?;
        pool.retain(|w| w.account_handle == acct);
    }
    pool.sort_by_key(|w| w.handle());
    let handles: Vec<String> = pool.iter().map(|w| w.handle()).collect();
    let current = pool
        .iter()
        .find(|w| Some(w.api_url(cloud_api).as_str()) == current_url)
        .map(|w| w.handle());
    let h = picker::pick("Which workspace?", &handles, current.as_deref())?
        .ok_or_else(|| Error::new("cancelled"))?;
    pool.into_iter()
        .find(|w| w.handle() == h)
        .cloned()
        .ok_or_else(|| Error::new("cancelled"))
}

pub fn choose(
    list: &[Workspace],
    wanted: Option<&str>,
    current_url: Option<&str>,
    cloud_api: &str,
    ui: &str,
) -> Result<Workspace> {
    if let Some(w) = wanted {
        return find(list, w).cloned();
    }
    match list {
        [] => bail!("no workspaces found; create one at {} and try again", ui),
        [one] => Ok(one.clone()),
        _ if picker::is_interactive() => pick(list, current_url, cloud_api),
        _ => {
            let mut handles: Vec<String> = list.iter().map(|w| w.handle()).collect();
            handles.sort();
            bail!(
                "this key has several workspaces; pass --workspace with one of: {}",
                handles.join(", ")
            )
        }
    }
}
