//! `prefectx ls [--json]`: every profile (file ones in file order, then bundled ones), the
//! global `active` one marked `*`, this shell's (PREFECT_PROFILE) marked `>`, protected ones
//! `(protected)` (docs/protect.md). No network.

use crate::prefect::settings;
use crate::prefect::target::Target;
use crate::sys::error::Result;
use crate::sys::output;

pub fn run(json: bool) -> Result<i32> {
    let profiles = super::common::load()?;
    let active = profiles.global_active();
    // `>`: the profile in effect here, by the same rule as every command.
    let here = crate::choose::effective::select(&profiles, None)
        .ok()
        .map(|(n, _)| n);
    let file = std::path::absolute(&profiles.loc.path).unwrap_or_default();
    let backed: Vec<String> = crate::choose::keyring_profiles::load()
        .into_iter()
        .filter(|(f, _)| *f == file)
        .map(|(_, p)| p)
        .collect();
    let protected = crate::choose::protect::load();
    let guarded = |n: &str| crate::choose::protect::by(&protected, n).is_some();
    let mut rows = Vec::new();
    for name in profiles.names() {
        let r = profiles.resolve(&name)?;
        let t = Target::of(&r);
        rows.push((name, r, t));
    }
    if json {
        let items: Vec<serde_json::Value> = rows
            .iter()
            .map(|(name, r, t)| {
                let handle = match t {
                    Target::Cloud { handle, .. } => handle.clone(),
                    _ => None,
                };
                serde_json::json!({
                    "name": name,
                    "active": *name == active,
                    "current": here.as_deref() == Some(name.as_str()),
                    "in_file": r.in_file,
                    "kind": t.kind(),
                    "api_url": r.get("PREFECT_API_URL").map(settings::mask_url_password),
                    "key": if r.get("PREFECT_API_KEY").is_some() {
                        Some("file")
                    } else if backed.contains(name) {
                        Some("keyring")
                    } else {
                        None
                    },
                    "workspace": handle,
                    "protected": guarded(name),
                })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&items).unwrap_or_default();
        s.push('\n');
        output::out(&s);
        return Ok(0);
    }
    let (_, column) = output::name_column(rows.iter().map(|(n, _, _)| n.as_str()), "");
    let mut s = String::new();
    for ((name, r, t), shown) in rows.iter().zip(&column) {
        let a = if *name == active { '*' } else { ' ' };
        let h = if here.as_deref() == Some(name.as_str()) {
            '>'
        } else {
            ' '
        };
        // A URL's password is masked; a URL from the file or a handle from the Cloud API
        // (through the cache) cannot draw on the terminal.
        let detail = match t {
            Target::Server { url } => output::safe(&settings::mask_url_password(url)).into_owned(),
            Target::Cloud { .. } => output::safe(&t.short()).into_owned(),
            _ => String::new(),
        };
        let bundled = if r.in_file { "" } else { "  (bundled)" };
        // Where the key lives; the keyring is not asked here.
        let keyring = if r.get("PREFECT_API_KEY").is_none() && backed.iter().any(|n| n == name) {
            "  (key in the OS keyring)"
        } else {
            ""
        };
        let guard = if guarded(name) { "  (protected)" } else { "" };
        s.push_str(&format!(
            "{a}{h} {shown}  {:<9} {detail}{bundled}{keyring}{guard}\n",
            t.kind()
        ));
    }
    output::out(&s);
    Ok(0)
}
