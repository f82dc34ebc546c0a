//! Which profiles are protected: one name or glob pattern (`*`, `?`) per line in
//! `$XDG_DATA_HOME/prefectx/protected` (0600, in the 0700 folder of ours that holds the allowed
//! list). Not in Prefect's profiles file: Prefect warns about keys it does not know there.
//! docs/protect.md says what a protected profile changes.

use std::path::PathBuf;

use crate::sys::error::Result;

const NAME: &str = "protected";

/// The list's path, for the hook's change check (it stamps the file's mtime).
pub fn file_path() -> Result<PathBuf> {
    Ok(crate::sys::paths::data_dir()?.join(NAME))
}

/// The patterns, in the order they were added.
pub fn load() -> Vec<String> {
    crate::sys::paths::read_data(NAME)
        .map(|b| {
            String::from_utf8_lossy(&b)
                .lines()
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

pub fn save(list: &[String]) -> Result<()> {
    let mut text = String::new();
    for p in list {
        text.push_str(p);
        text.push('\n');
    }
    crate::sys::paths::write_data(NAME, text.as_bytes())
}

/// The first pattern in `list` that protects `name`.
pub fn by<'a>(list: &'a [String], name: &str) -> Option<&'a str> {
    list.iter().find(|p| matches(p, name)).map(String::as_str)
}

/// Whether `name` is protected (reads the list).
pub fn is_protected(name: &str) -> bool {
    by(&load(), name).is_some()
}

pub fn is_pattern(p: &str) -> bool {
    p.contains(['*', '?'])
}

/// After a rename: the mark goes with the profile (a pattern that no longer matches it is
/// joined by the new name).
pub fn renamed(old: &str, new: &str) -> Result<()> {
    let mut list = load();
    if by(&list, old).is_none() {
        return Ok(());
    }
    if let Some(p) = list.iter_mut().find(|p| *p == old) {
        *p = new.to_string();
    } else if by(&list, new).is_none() {
        list.push(new.to_string());
    } else {
        return Ok(());
    }
    save(&list)
}

/// After a delete: the name's own entry goes (a pattern stays, for profiles made later).
pub fn deleted(name: &str) -> Result<()> {
    let mut list = load();
    let before = list.len();
    list.retain(|p| p != name);
    if list.len() == before {
        return Ok(());
    }
    save(&list)
}

/// Whether glob `pattern` matches `name`: `*` any run of characters, `?` one, everything else
/// itself. Also `exec --each` and `--workspace-pattern`.
pub fn matches(pattern: &str, name: &str) -> bool {
    glob(pattern.as_bytes(), name.as_bytes())
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob(&p[1..], s) || (!s.is_empty() && glob(p, &s[1..])),
        (Some(b'?'), Some(_)) => glob(&p[1..], &s[1..]),
        (Some(a), Some(b)) if a == b => glob(&p[1..], &s[1..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_names() {
        let list = vec!["prod*".to_string(), "staging".to_string()];
        assert_eq!(by(&list, "prod-eu"), Some("prod*"));
        assert_eq!(by(&list, "prod"), Some("prod*"));
        assert_eq!(by(&list, "staging"), Some("staging"));
        assert_eq!(by(&list, "staging2"), None);
        assert_eq!(by(&list, "dev"), None);
        assert!(glob(b"a?c*", b"abcdef"));
        assert!(!glob(b"a?c", b"ac"));
    }
}
