//! `prefectx login [--key KEY | --key -] [--workspace ACCOUNT/WS] [-p NAME]` (docs/prefect-compat.md, "Cloud"):
//! one `GET /me/workspaces` validates the key and lists workspaces; only PREFECT_API_KEY and
//! PREFECT_API_URL are written, into the current profile or `-p NAME` (created if new).
//! Nothing is written when anything fails.

use std::io::{BufRead, IsTerminal};

use dialoguer::console::Term;
use dialoguer::{Password, Select};

use crate::bail;
use crate::cli::picker;
use crate::cli::LoginArgs;
use crate::cloud::{self, api, browser, http::Client};
use crate::prefect::cache;
use crate::prefect::edit;
use crate::prefect::store;
use crate::prefect::target;
use crate::sys::error::{Error, Result};
use crate::sys::output;

use super::common::q;

fn read_key_stdin() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::new(format!("cannot read the key from stdin: {e}")))?;
    let key = line.trim().to_string();
    if key.is_empty() {
        bail!("no key on stdin");
    }
    Ok(key)
}

/// The key asked for on the terminal, and whether it came from the browser.
fn ask_key(ui: &str) -> Result<(String, bool)> {
    let term = Term::stderr();
    let how = picker::on_ctrl_c_restore(|| {
        Select::new()
            .with_prompt("How would you like to authenticate?")
            .items(["Log in with a web browser", "Paste an API key"])
            .default(0)
            .interact_on_opt(&term)
    })
    .map_err(|e| picker::prompt_failed(&term, e))?
    .ok_or_else(|| Error::new("cancelled"))?;
    if how == 0 {
        return Ok((browser::login(ui)?, true));
    }
    picker::on_ctrl_c_restore(|| {
        Password::new()
            .with_prompt("Paste your API key")
            .interact_on(&term)
    })
    .map_err(|e| picker::prompt_failed(&term, e))
    .map(|k| (k, false))
}

pub fn run(a: LoginArgs) -> Result<i32> {
    let loc = crate::choose::locate::locate()?;
    let profiles = crate::prefect::profiles::Profiles::load(&loc)?;
    // -p NAME may name a new profile: login creates it (PrefectHQ/prefect#7529, #6147).
    let name = match &a.profile.profile {
        Some(n) => n.clone(),
        None => crate::choose::effective::select(&profiles, None)?.0,
    };
    let existing = profiles
        .contains(&name)
        .then(|| profiles.resolve(&name))
        .transpose()?;
    // Asked before the browser or the network: a protected profile's key changes here.
    super::guard::own(&profiles, &name, "prefectx login")?;
    let cloud_api = target::cloud_api(existing.as_ref());
    let ui = cloud::ui_url(&cloud_api);

    let (key, from_browser) = match a.key.as_deref() {
        Some("-") => (read_key_stdin()?, false),
        Some(k) => (k.to_string(), false),
        None if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() => ask_key(&ui)?,
        None => bail!("no terminal to log in on: pass --key KEY, or --key - to read it from stdin"),
    };

    let client = Client::new(&(&a.net).into())?.for_login();
    let list = api::me_workspaces(&client, &cloud_api, &key)?;
    if from_browser {
        // Whose key the browser sent, before anything is chosen or written: a key of another
        // account shows here and in the workspace handles below (docs/security.md).
        output::note(&match api::me(&client, &cloud_api, &key) {
            Ok(me) => format!(
                "The browser sent a key of {}{}.",
                output::safe(me.handle.as_deref().unwrap_or("(no handle)")),
                me.email
                    .as_deref()
                    .map(|e| format!(" <{}>", output::safe(e)))
                    .unwrap_or_default()
            ),
            Err(e) => format!("prefectx: could not ask Prefect Cloud whose key the browser sent ({e}); check the account in the workspace handles"),
        });
    }
    let current_url = existing.as_ref().and_then(|r| r.get("PREFECT_API_URL"));
    let ui = cloud::ui_url(&cloud_api);
    let ws = super::workspace::choose(&list, a.workspace.as_deref(), current_url, &cloud_api, &ui)?;
    let owner = cache::owner(&loc.path, &name, &key, a.keyring);
    if let Err(e) = cache::write(&cloud_api, &owner, &list) {
        output::warn(&e.to_string());
    }
    let url = ws.api_url(&cloud_api);
    // --keyring: the key goes into the OS keyring first; if that fails nothing is
    // written, and never into the file instead.
    if a.keyring {
        crate::cloud::os_keyring::set(&loc.path, &name, &key)?;
    }
    store::modify(&loc, |_, doc| {
        edit::ensure_profile(doc, &name)?;
        if a.keyring {
            edit::remove_value(doc, &name, "PREFECT_API_KEY")?;
        } else {
            edit::set_value(doc, &name, "PREFECT_API_KEY", &key)?;
        }
        edit::set_value(doc, &name, "PREFECT_API_URL", &url)
    })?;
    if a.keyring {
        crate::choose::keyring_profiles::set(&loc.path, &name, true)?;
    } else if crate::choose::keyring_profiles::is_backed(&loc.path, &name) {
        // A plain login puts the key in the file, which wins: the keyring entry goes (a
        // keyring that fails now leaves a stale entry, said; the file's key is the one used).
        match crate::cloud::os_keyring::delete(&loc.path, &name) {
            Ok(()) => crate::choose::keyring_profiles::set(&loc.path, &name, false)?,
            Err(e) => output::warn(&format!("the old key stays in the OS keyring: {e}")),
        }
    }
    if let Some(line) = store::mode_of(&loc.path).and_then(|m| store::key_exposed(&loc.path, m)) {
        output::warn(&line);
    }
    if std::env::var("PREFECT_API_KEY").is_ok_and(|k| k != key)
        && !crate::choose::effective::shell_is_hooked()
    {
        output::warn("PREFECT_API_KEY in this shell's environment overrides the profile; `unset PREFECT_API_KEY` or use the prefectx hook");
    }
    output::out(&format!(
        "Authenticated with Prefect Cloud! Using workspace {} in profile {}.\n",
        q(&ws.handle()),
        q(&name)
    ));
    Ok(0)
}
