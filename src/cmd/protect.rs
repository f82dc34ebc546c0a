//! `prefectx profile protect [--off] NAME...`: marks profiles protected (docs/protect.md). The
//! marks live in prefectx's own list (choose/protect.rs); hooked shells see a change at their
//! next prompt (the list's mtime is stamped like the profiles file's).

use crate::choose::protect;
use crate::sys::error::{Error, Result};
use crate::sys::output;

use super::common::q;

pub fn run(names: &[String], off: bool) -> Result<i32> {
    let mut list = protect::load();
    if names.is_empty() {
        let text: String = list
            .iter()
            .map(|p| format!("{}\n", output::shown(p)))
            .collect();
        output::out(&text);
        return Ok(0);
    }
    let profiles = super::common::load()?;
    for n in names {
        if n.is_empty() || n.contains(['\n', '\r']) {
            return Err(Error::usage(format!(
                "{}: not a profile name or pattern",
                q(n)
            )));
        }
    }
    if off {
        for n in names {
            let before = list.len();
            list.retain(|p| p != n);
            if let Some(p) = protect::by(&list, n) {
                return Err(Error::new(format!(
                    "{} stays protected by the pattern {}; nothing changed (prefectx profile protect --off {})",
                    q(n),
                    q(p),
                    crate::shell::sh::quote(p)
                )));
            }
            if list.len() == before {
                return Err(Error::new(format!(
                    "{} is not protected; nothing changed",
                    q(n)
                )));
            }
        }
        protect::save(&list)?;
        output::out(&format!("No longer protected: {}.\n", shown(names)));
        return Ok(0);
    }
    for n in names {
        // A mistyped name would leave the real profile unguarded: names must exist; a pattern
        // may match none yet (it protects profiles made later).
        if !protect::is_pattern(n) {
            profiles.require(n)?;
        } else if !profiles.names().iter().any(|p| protect::matches(n, p)) {
            output::warn(&format!(
                "the pattern {} matches no profile yet; kept for profiles made later",
                q(n)
            ));
        }
        if !list.contains(n) {
            list.push(n.clone());
        }
    }
    protect::save(&list)?;
    output::out(&format!(
        "Protected: {}. Prefect commands that change {} ask for the profile's name first.\n",
        shown(names),
        if names.len() == 1 { "it" } else { "them" }
    ));
    Ok(0)
}

fn shown(names: &[String]) -> String {
    names.iter().map(|n| q(n)).collect::<Vec<_>>().join(", ")
}
