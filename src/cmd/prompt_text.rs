//! The prompt segment: `profile:target`, e.g. `cloud:acme/prod` or `local:127.0.0.1:4200`,
//! with `!` in front for a protected profile (docs/protect.md). Built from the profile and the
//! workspace cache only; never the network.

use crate::prefect::profiles::Resolved;
use crate::prefect::target::Target;

/// The segment for `profile`, formatted. Control characters are dropped: a profile name or
/// URL must not be able to draw on the terminal.
pub fn text(profile: &Resolved, format: Option<&str>, protected: bool) -> String {
    let mark = if protected { "!" } else { "" };
    let t = Target::of(profile);
    let target = t.short();
    let handle = match &t {
        Target::Cloud { handle, .. } => handle.clone().unwrap_or_default(),
        _ => String::new(),
    };
    let s = match format {
        Some(f) => f
            .replace("{profile}", &profile.name)
            .replace("{target}", &target)
            .replace("{kind}", t.kind())
            .replace("{handle}", &handle)
            .replace("{protected}", mark),
        None if target == profile.name => format!("{mark}{}", profile.name),
        None => format!("{mark}{}:{target}", profile.name),
    };
    s.chars().filter(|c| !c.is_control()).collect()
}

/// Marks after the segment: `@` when a `.prefect-profile` chose the profile, `+`
/// when allowed project files add settings. The hook adds `*` for a value set by hand.
pub fn marks(by_folder: bool, from_project: bool) -> &'static str {
    match (by_folder, from_project) {
        (true, true) => "@+",
        (true, false) => "@",
        (false, true) => "+",
        (false, false) => "",
    }
}
