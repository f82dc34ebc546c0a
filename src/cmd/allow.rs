//! `prefectx allow [DIR]` and `prefectx deny [DIR]`: trust Prefect's project files of a folder
//! as they are now, or withdraw it (issue 11, trust.rs). Like `direnv allow`, an edit to an
//! allowed file makes it unallowed again.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::output::{self, safe};
use crate::project;
use crate::trust;

fn folder(dir: Option<PathBuf>) -> Result<PathBuf> {
    let d = dir.unwrap_or_else(|| PathBuf::from("."));
    std::fs::canonicalize(&d)
        .map_err(|e| Error::new(format!("{}: {e}", safe(&d.to_string_lossy()))))
}

fn shown(p: &Path) -> String {
    safe(&p.to_string_lossy()).into_owned()
}

pub fn allow(dir: Option<PathBuf>) -> Result<i32> {
    let dir = folder(dir)?;
    let Some(p) = project::scan(&dir) else {
        return Err(Error::new(format!(
            "{}: no .env, prefect.toml or pyproject.toml here; nothing to allow",
            shown(&dir)
        )));
    };
    if let Some(bad) = p.files.iter().find(|f| f.error.is_some()) {
        return Err(Error::new(format!(
            "{}: {}; nothing allowed",
            shown(&bad.path),
            bad.error.as_deref().unwrap_or_default()
        )));
    }
    let files: Vec<(PathBuf, String)> = p
        .files
        .iter()
        .map(|f| (f.path.clone(), f.digest.clone()))
        .collect();
    trust::allow(&files)?;
    let what = p
        .files
        .iter()
        .map(|f| {
            let names: Vec<&str> = f.sets.iter().map(|(k, _)| k.as_str()).collect();
            if names.is_empty() {
                format!("{} (sets nothing for Prefect)", shown(&f.path))
            } else {
                format!("{} (sets {})", shown(&f.path), names.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    output::note(&format!(
        "Allowed {what}. Hooked shells in this folder apply them at their next prompt; an edit to one of them needs `prefectx allow` again."
    ));
    Ok(0)
}

pub fn deny(dir: Option<PathBuf>) -> Result<i32> {
    let dir = folder(dir)?;
    let n = trust::deny(&dir)?;
    output::note(&format!(
        "{} {}: {}",
        if n == 0 {
            "Nothing was allowed in"
        } else {
            "Denied"
        },
        shown(&dir),
        if n == 0 {
            "no change".to_string()
        } else {
            format!("{n} file(s) no longer applied; hooked shells here drop their settings at the next prompt")
        }
    ));
    Ok(0)
}
