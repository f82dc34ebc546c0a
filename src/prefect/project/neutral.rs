//! The values that hold back a project file that is not allowed: exported, they make Prefect
//! resolve a setting's default whatever the file says (docs/prefect-compat.md, "Unallowed
//! files").

const DEFAULTS: &str = include_str!("../../../data/prefect-defaults.tsv");

/// The value that, exported, makes Prefect 3.9.1's runtime resolve `canonical`'s default
/// whatever a project file says (`data/prefect-defaults.tsv`, made from the real package by
/// `scripts/prefect-defaults.py`). None when no exported value can stand for it: a default of
/// None, or one computed from other settings or the home folder.
pub fn neutral(canonical: &str) -> Option<&'static str> {
    DEFAULTS
        .lines()
        .skip(1)
        .find_map(|l| l.split_once('\t').filter(|(k, _)| *k == canonical))
        .map(|(_, v)| v)
}
