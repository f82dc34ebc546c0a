//! Which project files the user allowed, like `direnv allow`: one line per file,
//! `sha256:HEX PATH`, in `$XDG_DATA_HOME/prefectx/allowed` (0600, in a 0700 folder of ours).
//! A file is trusted while its path and its content's digest are both listed, so any edit
//! makes it untrusted until allowed again. The list holds paths and digests, never a value.

use std::path::{Path, PathBuf};

use crate::sys::error::{Error, Result};

const NAME: &str = "allowed";

/// The list's path, for the hook's change check (it stamps the file's mtime).
pub fn file_path() -> Result<PathBuf> {
    Ok(crate::sys::paths::data_dir()?.join(NAME))
}

/// `(digest, path)` pairs. A list in a folder or file that someone else could write is not
/// read at all: a forged entry would apply a stranger's `.env` (it reads as empty).
pub fn load() -> Vec<(String, PathBuf)> {
    let Some(bytes) = crate::sys::paths::read_data(NAME) else {
        return Vec::new();
    };
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter_map(|l| {
            let (d, p) = l.split_once(' ')?;
            Some((d.strip_prefix("sha256:")?.to_string(), PathBuf::from(p)))
        })
        .collect()
}

pub use crate::prefect::project::digest;

pub fn is_allowed(list: &[(String, PathBuf)], path: &Path, digest: &str) -> bool {
    list.iter().any(|(d, p)| d == digest && p == path)
}

fn save(list: &[(String, PathBuf)]) -> Result<()> {
    let mut text = String::new();
    for (d, p) in list {
        text.push_str(&format!("sha256:{d} {}\n", p.display()));
    }
    crate::sys::paths::write_data(NAME, text.as_bytes())
}

/// Records `files` as they are now, replacing what was recorded for the same paths.
pub fn allow(files: &[(PathBuf, String)]) -> Result<()> {
    for (p, _) in files {
        if p.to_string_lossy().contains('\n') || p.to_str().is_none() {
            return Err(Error::new(format!(
                "{}: a path with a line break or that is not UTF-8 cannot be allowed",
                crate::sys::output::safe(&p.to_string_lossy())
            )));
        }
    }
    let mut list = load();
    list.retain(|(_, p)| !files.iter().any(|(f, _)| f == p));
    list.extend(files.iter().map(|(p, d)| (d.clone(), p.clone())));
    save(&list)
}

/// Forgets `path`; the number of entries removed.
pub fn forget(path: &Path) -> Result<usize> {
    let mut list = load();
    let before = list.len();
    list.retain(|(_, p)| p != path);
    let removed = before - list.len();
    if removed > 0 {
        save(&list)?;
    }
    Ok(removed)
}

/// Forgets every file in `dir`; the number of entries removed.
pub fn deny(dir: &Path) -> Result<usize> {
    let mut list = load();
    let before = list.len();
    list.retain(|(_, p)| p.parent() != Some(dir));
    let removed = before - list.len();
    if removed > 0 {
        save(&list)?;
    }
    Ok(removed)
}

/// Drops the entries whose file is gone, as `direnv prune` does; the paths dropped.
pub fn prune() -> Result<Vec<PathBuf>> {
    let mut list = load();
    let gone: Vec<PathBuf> = list
        .iter()
        .filter(|(_, p)| std::fs::symlink_metadata(p).is_err())
        .map(|(_, p)| p.clone())
        .collect();
    if !gone.is_empty() {
        list.retain(|(_, p)| !gone.contains(p));
        save(&list)?;
    }
    Ok(gone)
}
