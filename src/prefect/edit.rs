//! Format-preserving changes to the profiles document: comments, order, spacing and keys we do
//! not know stay byte for byte outside what changes. Values are written as TOML strings, as
//! Prefect writes them (docs/prefect-compat.md, "Writing the file").

use toml_edit::{value, DocumentMut, Item, Table, TableLike};

use crate::prefect::profiles;
use crate::prefect::settings;
use crate::sys::error::{Error, Result};
use crate::sys::output::q;

/// No keys and no tables (an implicit, empty `profiles` we made does not count).
fn is_blank(doc: &DocumentMut) -> bool {
    doc.iter().all(|(k, i)| {
        k == "profiles"
            && i.as_table()
                .is_some_and(|t| t.is_empty() && t.is_implicit())
    })
}

/// In a file with comments but no keys or tables yet, toml_edit keeps the comments as the
/// document's trailing text, after anything we add. Take them, to put them first.
fn take_leading_comments(doc: &mut DocumentMut) -> String {
    if !is_blank(doc) {
        return String::new();
    }
    let text = doc.trailing().as_str().unwrap_or("").to_string();
    doc.set_trailing("");
    text
}

fn profiles_table(doc: &mut DocumentMut) -> Result<&mut dyn TableLike> {
    if !doc.contains_key("profiles") {
        let mut t = Table::new();
        t.set_implicit(true);
        doc.insert("profiles", Item::Table(t));
    }
    doc.get_mut("profiles")
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| Error::new("key 'profiles' is not a table"))
}

pub fn set_active(doc: &mut DocumentMut, name: &str) {
    match doc.get_mut("active").and_then(Item::as_value_mut) {
        Some(v) => {
            let decor = v.decor().clone();
            *v = name.into();
            *v.decor_mut() = decor;
        }
        None => {
            let had_values = doc.iter().any(|(_, i)| i.is_value());
            let lead = take_leading_comments(doc);
            doc.insert("active", value(name));
            if let Some(mut k) = doc.as_table_mut().key_mut("active") {
                k.leaf_decor_mut().set_prefix(lead);
            }
            if !had_values {
                blank_line_before_first_table(doc);
            }
        }
    }
}

/// `active = ...` goes above every table; keep the blank line Prefect writes after it.
fn blank_line_before_first_table(doc: &mut DocumentMut) {
    fn min_pos(t: &Table) -> Option<isize> {
        t.iter()
            .filter_map(|(_, i)| i.as_table())
            .flat_map(|sub| {
                let own = (!sub.is_implicit()).then(|| sub.position()).flatten();
                [own, min_pos(sub)]
            })
            .flatten()
            .min()
    }
    fn fix(t: &mut Table, pos: isize) -> bool {
        for (_, item) in t.iter_mut() {
            if let Some(sub) = item.as_table_mut() {
                if !sub.is_implicit() && sub.position() == Some(pos) {
                    let prefix = sub
                        .decor()
                        .prefix()
                        .and_then(|p| p.as_str())
                        .unwrap_or("")
                        .to_string();
                    if !prefix.starts_with('\n') {
                        sub.decor_mut().set_prefix(format!("\n{prefix}"));
                    }
                    return true;
                }
                if fix(sub, pos) {
                    return true;
                }
            }
        }
        false
    }
    if let Some(pos) = min_pos(doc.as_table()) {
        fix(doc.as_table_mut(), pos);
    }
}

/// A new table for the end of `doc`: after a blank line, as Prefect (and people) write them,
/// unless it is the first thing in the file (then after the file's leading comments).
fn new_table(doc: &mut DocumentMut) -> Table {
    let lead = take_leading_comments(doc);
    let mut t = Table::new();
    if !is_blank(doc) {
        t.decor_mut().set_prefix("\n");
    } else if !lead.is_empty() {
        t.decor_mut().set_prefix(format!("{lead}\n"));
    }
    t
}

/// Makes sure `[profiles.NAME]` exists. A bundled profile missing from the file is written with
/// its bundled settings, so Prefect's runtime really uses them (docs/prefect-compat.md, "A bundled profile named by `active`").
/// Returns true when the table was created.
pub fn ensure_profile(doc: &mut DocumentMut, name: &str) -> Result<bool> {
    if profiles_table(doc)?.contains_key(name) {
        return Ok(false);
    }
    let mut t = new_table(doc);
    for (k, v) in profiles::bundled(name).unwrap_or(&[]) {
        t.insert(k, value(*v));
    }
    profiles_table(doc)?.insert(name, Item::Table(t));
    Ok(true)
}

fn profile_mut<'a>(doc: &'a mut DocumentMut, name: &str) -> Result<&'a mut dyn TableLike> {
    profiles_table(doc)?
        .get_mut(name)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| Error::new(format!("profile {} is not a table", q(name))))
}

/// Sets KEY (canonical) to a string value in profile NAME, which must exist. Legacy aliases of
/// the same setting are removed, since the canonical name would win anyway.
pub fn set_value(doc: &mut DocumentMut, profile: &str, key: &str, val: &str) -> Result<()> {
    let t = profile_mut(doc, profile)?;
    for alias in settings::all().filter(|s| s.is_alias() && s.canonical == key) {
        t.remove(alias.name);
    }
    match t.get_mut(key).and_then(Item::as_value_mut) {
        Some(v) => {
            let decor = v.decor().clone();
            *v = val.into();
            *v.decor_mut() = decor;
        }
        None => {
            t.insert(key, value(val));
        }
    }
    Ok(())
}

/// Removes KEY and its aliases from profile NAME. Returns true when something was removed.
pub fn remove_value(doc: &mut DocumentMut, profile: &str, key: &str) -> Result<bool> {
    let t = profile_mut(doc, profile)?;
    let mut removed = t.remove(key).is_some();
    for alias in settings::all().filter(|s| s.is_alias() && s.canonical == key) {
        removed |= t.remove(alias.name).is_some();
    }
    Ok(removed)
}

/// Removes a profile's table and the comment block attached to its header (no blank line
/// between them). toml_edit keeps every comment above a header in that header's prefix, so
/// removing the table took the previous profile's trailing comments too, a commented-out
/// setting included; that part is put back where it was.
pub fn remove_profile(doc: &mut DocumentMut, name: &str) -> Result<bool> {
    let Some(item) = profiles_table(doc)?.remove(name) else {
        return Ok(false);
    };
    if let Some(t) = item.as_table() {
        let prefix = t.decor().prefix().and_then(|p| p.as_str()).unwrap_or("");
        let kept = not_attached(prefix);
        if !kept.is_empty() {
            put_back(doc, t.position(), kept);
        }
    }
    Ok(true)
}

/// The part of a header's prefix that is not its own comment block: everything up to the
/// last line that is not a comment.
fn not_attached(prefix: &str) -> &str {
    let mut cut = prefix.len();
    for line in prefix.split_inclusive('\n').rev() {
        if !line.trim_start().starts_with('#') {
            break;
        }
        cut -= line.len();
    }
    &prefix[..cut]
}

/// Puts `text` back at the place of a removed table at `pos`: before the next table's header
/// in the file, else at the end of the document.
fn put_back(doc: &mut DocumentMut, pos: Option<isize>, text: &str) {
    /// The smallest header position after `pos` among `t`'s tables, at any depth.
    fn next_pos(t: &Table, pos: isize) -> Option<isize> {
        t.iter()
            .filter_map(|(_, item)| item.as_table())
            .flat_map(|sub| {
                let own = sub.position().filter(|p| *p > pos && !sub.is_implicit());
                [own, next_pos(sub, pos)]
            })
            .flatten()
            .min()
    }
    /// Prepends `text` to the prefix of the table whose header is at `at`.
    fn prepend(t: &mut Table, at: isize, text: &str) -> bool {
        for (_, item) in t.iter_mut() {
            if let Some(sub) = item.as_table_mut() {
                if sub.position() == Some(at) && !sub.is_implicit() {
                    let old = sub.decor().prefix().and_then(|p| p.as_str()).unwrap_or("");
                    let new = format!("{text}{old}");
                    sub.decor_mut().set_prefix(new);
                    return true;
                }
                if prepend(sub, at, text) {
                    return true;
                }
            }
        }
        false
    }
    let next = pos.and_then(|p| next_pos(doc.as_table(), p));
    if next.is_some_and(|at| prepend(doc.as_table_mut(), at, text)) {
        return;
    }
    let old = doc.trailing().as_str().unwrap_or("").to_string();
    doc.set_trailing(format!("{text}{old}"));
}

/// Renames in place: the table keeps its position, comments and settings.
pub fn rename_profile(doc: &mut DocumentMut, old: &str, new: &str) -> Result<()> {
    let profiles = profiles_table(doc)?;
    let item = profiles
        .remove(old)
        .ok_or_else(|| Error::new(format!("profile {} not found", q(old))))?;
    profiles.insert(new, item);
    Ok(())
}

/// Copies the settings of profile FROM (file table or bundled) into a new table NAME.
pub fn create_profile(doc: &mut DocumentMut, name: &str, from: &[(String, String)]) -> Result<()> {
    let mut t = new_table(doc);
    let profiles = profiles_table(doc)?;
    for (k, v) in from {
        t.insert(k, value(v.as_str()));
    }
    profiles.insert(name, Item::Table(t));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &str) -> DocumentMut {
        s.parse().unwrap()
    }

    #[test]
    fn keeps_comments_and_unknown_keys() {
        let src = "# top\nactive = \"a\" # why\nother = 1\n\n[profiles.a]\n# note\nPREFECT_API_URL = \"x\" # trailing\nFOO = [1, 2]\n\n[profiles.b]\n";
        let mut d = doc(src);
        set_value(&mut d, "a", "PREFECT_API_URL", "y").unwrap();
        set_active(&mut d, "b");
        let out = d.to_string();
        assert_eq!(
            out,
            "# top\nactive = \"b\" # why\nother = 1\n\n[profiles.a]\n# note\nPREFECT_API_URL = \"y\" # trailing\nFOO = [1, 2]\n\n[profiles.b]\n"
        );
    }

    #[test]
    fn new_file_looks_like_prefects() {
        let mut d = doc("");
        set_active(&mut d, "local");
        ensure_profile(&mut d, "local").unwrap();
        assert_eq!(
            d.to_string(),
            "active = \"local\"\n\n[profiles.local]\nPREFECT_API_URL = \"http://127.0.0.1:4200/api\"\n"
        );
    }

    #[test]
    fn active_added_above_tables_with_blank_line() {
        let mut d = doc("# c\n[profiles.a]\nK = \"1\"\n");
        set_active(&mut d, "a");
        assert_eq!(
            d.to_string(),
            "active = \"a\"\n\n# c\n[profiles.a]\nK = \"1\"\n"
        );
    }

    #[test]
    fn comment_only_file_keeps_its_comment_first() {
        let mut d = doc("# shared\n");
        ensure_profile(&mut d, "a").unwrap();
        assert_eq!(d.to_string(), "# shared\n\n[profiles.a]\n");
        let mut d = doc("# shared\n");
        set_active(&mut d, "a");
        assert_eq!(d.to_string(), "# shared\nactive = \"a\"\n");
    }

    #[test]
    fn delete_takes_only_its_own_comment_block() {
        let text = "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev/api\"\n# PREFECT_LOGGING_LEVEL = \"DEBUG\"\n\n# production below\n[profiles.prod]\nPREFECT_API_URL = \"http://prod/api\"\n\n# staging\n[profiles.stage]\n";
        let mut d = doc(text);
        assert!(remove_profile(&mut d, "prod").unwrap());
        assert_eq!(
            d.to_string(),
            "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev/api\"\n# PREFECT_LOGGING_LEVEL = \"DEBUG\"\n\n\n# staging\n[profiles.stage]\n"
        );
        let mut d = doc(text);
        assert!(remove_profile(&mut d, "stage").unwrap());
        assert_eq!(
            d.to_string(),
            "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev/api\"\n# PREFECT_LOGGING_LEVEL = \"DEBUG\"\n\n# production below\n[profiles.prod]\nPREFECT_API_URL = \"http://prod/api\"\n\n"
        );
    }

    #[test]
    fn rename_keeps_position_and_quotes_names() {
        let mut d = doc("[profiles.a]\nK = \"1\"\n\n[profiles.b]\n");
        rename_profile(&mut d, "a", "my prof").unwrap();
        assert_eq!(
            d.to_string(),
            "[profiles.\"my prof\"]\nK = \"1\"\n\n[profiles.b]\n"
        );
    }
}
