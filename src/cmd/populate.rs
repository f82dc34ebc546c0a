//! `prefectx workspace populate`: one profile per workspace the key can see, in one write, as
//! aws-sso-util's `configure populate` makes one profile per account and role
//! (docs/usage.md, "Many workspaces"). What it created is recorded (`populated` in our data
//! folder), so that a second run changes nothing and `--prune` removes only its own profiles.

use std::path::{Path, PathBuf};

use crate::cli::PopulateArgs;
use crate::prefect::cache::Workspace;
use crate::prefect::profiles::{Profiles, Resolved};
use crate::prefect::{edit, store, target};
use crate::sys::error::{Error, Result};
use crate::sys::output::{self, q};

const RECORD: &str = "populated";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Action {
    Create,
    Update,
    Unchanged,
    /// A profile of that name exists and populate did not make it, or two workspaces get the
    /// same name: left as it is.
    Collision,
    /// Made by populate earlier; its workspace is gone (`--prune` removes it).
    Gone,
    Remove,
}

impl Action {
    /// The word in the table and in `--json`.
    fn label(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Collision => "collision",
            Action::Gone => "gone",
            Action::Remove => "remove",
        }
    }
}

impl serde::Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

#[derive(Debug, serde::Serialize)]
struct Row {
    action: Action,
    profile: String,
    workspace: String,
    /// Hand-made profiles that point at the same workspace.
    also: Vec<String>,
}

/// `(profiles file, profile, workspace id)` lines of what populate made.
fn records() -> Vec<(PathBuf, String, String)> {
    let Some(bytes) = crate::sys::paths::read_data(RECORD) else {
        return Vec::new();
    };
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.into(), f.next()?.into(), f.next()?.into()))
        })
        .collect()
}

fn save_records(list: &[(PathBuf, String, String)]) -> Result<()> {
    let text: String = list
        .iter()
        .map(|(f, p, w)| format!("{}\t{p}\t{w}\n", f.display()))
        .collect();
    crate::sys::paths::write_data(RECORD, text.as_bytes())
}

/// The template filled from the handles, kept to characters a profile name can safely hold.
fn name_for(template: &str, w: &Workspace) -> String {
    template
        .replace("{account}", &w.account_handle)
        .replace("{workspace}", &w.workspace_handle)
        .chars()
        .map(|c| match c.is_ascii_alphanumeric() || "._-".contains(c) {
            true => c,
            false => '-',
        })
        .collect()
}

/// Runs after `workspace.rs` has the source profile, its key and the workspace list (one
/// request). `cloud_api` is the source profile's Cloud API.
pub fn run(
    a: &PopulateArgs,
    profiles: &Profiles,
    source: &Resolved,
    key: &str,
    list: &[Workspace],
    cloud_api: &str,
) -> Result<i32> {
    let file = std::path::absolute(&profiles.loc.path).unwrap_or_default();
    let all = records();
    let mine: Vec<&(PathBuf, String, String)> = all.iter().filter(|(f, _, _)| *f == file).collect();
    let keyring = crate::choose::keyring_profiles::is_backed(&profiles.loc.path, &source.name);
    // The Cloud API goes along when the source profile names its own (a stand-in, a region).
    let cloud = source
        .get("PREFECT_CLOUD_API_URL")
        .filter(|_| source.in_file)
        .map(str::to_string);
    let is_mine = |n: &str| mine.iter().any(|(_, p, _)| p == n);
    // The hand-made profiles of each workspace, by workspace id (one resolve per profile).
    let mut hand_made: std::collections::HashMap<String, Vec<String>> = Default::default();
    for n in profiles.names() {
        if is_mine(&n) || n == source.name {
            continue;
        }
        let id = profiles.resolve(&n).ok().and_then(|r| {
            r.get("PREFECT_API_URL")
                .and_then(target::workspace_ids)
                .map(|(_, w)| w)
        });
        if let Some(id) = id {
            hand_made.entry(id).or_default().push(n);
        }
    }
    let mut rows = Vec::new();
    // Ids go into URLs and the record: a workspace whose ids are not UUIDs is left out, said.
    let (list, odd): (Vec<Workspace>, Vec<Workspace>) = list
        .iter()
        .cloned()
        .partition(|w| target::workspace_ids(&w.api_url(cloud_api)).is_some());
    for w in &odd {
        output::warn(&format!(
            "workspace {} has ids that are not UUIDs; skipped",
            output::safe(&w.handle())
        ));
    }
    let list = list.as_slice();
    let mut sorted: Vec<(&Workspace, String)> =
        list.iter().map(|w| (w, name_for(&a.template, w))).collect();
    sorted.sort_by_key(|(w, _)| w.handle());
    for (w, name) in &sorted {
        let name = name.clone();
        let twice = sorted.iter().filter(|(_, n)| *n == name).count() > 1;
        let url = w.api_url(cloud_api);
        let action = if name.is_empty() || twice {
            Action::Collision
        } else if !profiles.contains(&name) {
            Action::Create
        } else if !is_mine(&name) {
            Action::Collision
        } else {
            let r = profiles.resolve(&name)?;
            let same_key = match keyring {
                true => crate::choose::keyring_profiles::is_backed(&profiles.loc.path, &name),
                false => r.get("PREFECT_API_KEY") == Some(key),
            };
            match r.get("PREFECT_API_URL") == Some(url.as_str()) && same_key {
                true => Action::Unchanged,
                false => Action::Update,
            }
        };
        let also = hand_made
            .get(&w.workspace_id)
            .map(|v| v.iter().filter(|n| **n != name).cloned().collect())
            .unwrap_or_default();
        rows.push(Row {
            action,
            profile: name,
            workspace: w.handle(),
            also,
        });
    }
    for (_, p, id) in &mine {
        if profiles.contains(p) && !list.iter().any(|w| w.workspace_id == *id) {
            rows.push(Row {
                action: if a.prune {
                    Action::Remove
                } else {
                    Action::Gone
                },
                profile: p.clone(),
                workspace: id.clone(),
                also: Vec::new(),
            });
        }
    }
    let changes: Vec<&Row> = rows
        .iter()
        .filter(|r| matches!(r.action, Action::Create | Action::Update | Action::Remove))
        .collect();
    let collided = rows.iter().any(|r| r.action == Action::Collision);
    print(&rows, a.json);
    if a.dry_run {
        output::note("Dry run: nothing was written.");
        return Ok(i32::from(collided));
    }
    if changes.is_empty() {
        output::note("Nothing to change: every workspace has its profile.");
        return Ok(i32::from(collided));
    }
    // A protected profile is changed or removed only once the user types its name.
    for r in changes.iter().filter(|r| r.action != Action::Create) {
        super::guard::own(profiles, &r.profile, "prefectx workspace populate")?;
    }
    // Keys first, as `login --keyring` does: a locked keyring leaves the file as it was.
    if keyring {
        for r in changes.iter().filter(|r| r.action != Action::Remove) {
            crate::cloud::os_keyring::set(&profiles.loc.path, &r.profile, key)?;
        }
    }
    let url_of = |r: &Row| {
        list.iter()
            .find(|w| w.handle() == r.workspace)
            .map(|w| w.api_url(cloud_api))
    };
    store::modify(&profiles.loc, |_, doc| {
        for r in &changes {
            if r.action == Action::Remove {
                edit::remove_profile(doc, &r.profile)?;
                continue;
            }
            edit::ensure_profile(doc, &r.profile)?;
            if let Some(url) = url_of(r) {
                edit::set_value(doc, &r.profile, "PREFECT_API_URL", &url)?;
            }
            match keyring {
                true => drop(edit::remove_value(doc, &r.profile, "PREFECT_API_KEY")?),
                false => edit::set_value(doc, &r.profile, "PREFECT_API_KEY", key)?,
            }
            if let Some(c) = &cloud {
                edit::set_value(doc, &r.profile, "PREFECT_CLOUD_API_URL", c)?;
            }
        }
        Ok(())
    })?;
    finish(&profiles.loc.path, &file, &changes, list, keyring, all)?;
    let count = |x: Action| changes.iter().filter(|r| r.action == x).count();
    output::note(&format!(
        "Created {}, updated {}, removed {} profiles in {}.",
        count(Action::Create),
        count(Action::Update),
        count(Action::Remove),
        profiles.loc.path.display()
    ));
    Ok(i32::from(collided))
}

/// After the write: the record of what populate made, and which keys live in the keyring.
fn finish(
    path: &Path,
    file: &Path,
    changes: &[&Row],
    list: &[Workspace],
    keyring: bool,
    mut all: Vec<(PathBuf, String, String)>,
) -> Result<()> {
    for r in changes {
        all.retain(|(f, p, _)| !(f == file && *p == r.profile));
        if r.action == Action::Remove {
            if crate::choose::keyring_profiles::is_backed(path, &r.profile) {
                let _ = crate::cloud::os_keyring::delete(path, &r.profile);
                crate::choose::keyring_profiles::set(path, &r.profile, false)?;
            }
            continue;
        }
        if let Some(w) = list.iter().find(|w| w.handle() == r.workspace) {
            all.push((
                file.to_path_buf(),
                r.profile.clone(),
                w.workspace_id.clone(),
            ));
        }
        if keyring {
            crate::choose::keyring_profiles::set(path, &r.profile, true)?;
        }
    }
    save_records(&all)
}

fn print(rows: &[Row], json: bool) {
    if json {
        let mut s = serde_json::to_string_pretty(rows).unwrap_or_default();
        s.push('\n');
        output::out(&s);
        return;
    }
    let (header, column) = output::name_column(rows.iter().map(|r| r.profile.as_str()), "profile");
    let mut s = format!("{:<10} {header}  workspace\n", "action");
    for (r, shown) in rows.iter().zip(&column) {
        let action = r.action.label();
        let why = match r.action {
            Action::Collision => {
                "  (a profile of that name exists or another workspace gets it: left as it is)"
                    .to_string()
            }
            Action::Gone => "  (workspace gone; --prune removes the profile)".to_string(),
            _ if !r.also.is_empty() => {
                let names: Vec<String> = r.also.iter().map(|n| q(n)).collect();
                format!("  (also: {})", names.join(", "))
            }
            _ => String::new(),
        };
        s.push_str(&format!(
            "{action:<10} {shown}  {}{why}\n",
            output::safe(&r.workspace)
        ));
    }
    output::out(&s);
}

/// No workspace at all: nothing to make, said as `login` says it.
pub fn none_found(ui: &str) -> Error {
    Error::new(format!(
        "no workspaces found for this key; create one at {ui} and try again"
    ))
}
