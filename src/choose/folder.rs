//! `.prefect-profile`: a folder names the profile for itself and every folder below it, like
//! pyenv's `.python-version`. The nearest one in the current folder or a parent
//! wins; its first line that is neither empty nor a `#` comment is the name.
//!
//! The parents are walked on the shell's logical `$PWD`, textually, exactly as the hook
//! scripts walk them with builtins at each prompt: the two must find the same file, or the
//! prompt check would see a change at every prompt.

use std::path::{Path, PathBuf};

use crate::sys::error::{Error, Result};
use crate::sys::folder_file::Refused;
use crate::sys::output::safe;

pub const FILE_NAME: &str = ".prefect-profile";

/// A `.prefect-profile` holds a name; anything larger is not one.
const MAX_LEN: u64 = 4096;

/// The nearest `.prefect-profile` from `cwd` up to `/` (`[[ -e ]]`: it exists, of any type).
pub fn nearest(cwd: &Path) -> Option<PathBuf> {
    let s = cwd.to_str()?;
    let mut d = if s == "/" {
        ""
    } else {
        s.trim_end_matches('/')
    };
    loop {
        let candidate = format!("{d}/{FILE_NAME}");
        if Path::new(&candidate).exists() {
            return Some(PathBuf::from(candidate));
        }
        if d.is_empty() {
            return None;
        }
        d = &d[..d.rfind('/')?];
    }
}

fn bad(path: &Path, what: &str) -> Error {
    Error::new(format!("{}: {what}", safe(&path.to_string_lossy())))
}

/// What a `.prefect-profile` holds, as far as the user allowed it.
pub enum Found {
    /// Allowed as it is now: the first line that is neither empty nor a `#` comment.
    Names(String),
    /// Read, but not allowed (it came with a clone, or was edited since): the name it holds,
    /// which the caller shows only when it is one of the user's profiles.
    NotAllowed(String),
    /// Not read at all (folder_file.rs says why).
    Refused(Refused),
}

/// The key the allowed list records a `.prefect-profile` under: its folder resolved (the
/// shell walks the logical `$PWD`; `prefectx allow` resolves the folder it is given).
pub fn trust_path(path: &Path) -> PathBuf {
    path.parent()
        .and_then(|d| std::fs::canonicalize(d).ok())
        .map(|d| d.join(FILE_NAME))
        .unwrap_or_else(|| path.to_path_buf())
}

/// The file's bytes through the one hardened reader (folder_file.rs).
pub fn bytes(path: &Path) -> std::result::Result<Vec<u8>, Refused> {
    crate::sys::folder_file::read(path, MAX_LEN)
}

/// The profile name in `bytes`: the first line that is neither empty nor `#` (a UTF-8 BOM,
/// which Windows editors write, is not part of it).
pub fn name_in(path: &Path, bytes: Vec<u8>) -> Result<String> {
    let text = String::from_utf8(bytes).map_err(|_| bad(path, "not UTF-8"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .ok_or_else(|| {
            bad(
                path,
                "names no profile (every line is empty or a # comment)",
            )
        })
}

/// Reads `path` and says whether the user allowed it (`allowed`: the list, trust.rs). An
/// allowed file that names nothing, or is not UTF-8, is an error naming the file; its content
/// is never quoted (it could be any file of the user's, through a symlink).
pub fn read(path: &Path, allowed: &[(String, PathBuf)]) -> Result<Found> {
    let bytes = match bytes(path) {
        Ok(b) => b,
        Err(r) => return Ok(Found::Refused(r)),
    };
    let digest = crate::choose::trust::digest(&bytes);
    let trusted = crate::choose::trust::is_allowed(allowed, &trust_path(path), &digest);
    let name = name_in(path, bytes);
    match (trusted, name) {
        (true, name) => name.map(Found::Names),
        (false, Ok(n)) => Ok(Found::NotAllowed(n)),
        (false, Err(_)) => Ok(Found::NotAllowed(String::new())),
    }
}

/// Writes `.prefect-profile` naming `name` in `dir` (atomic; readable by all, as any file in a
/// project is) and allows it as written: the user chose it here.
pub fn write(dir: &Path, name: &str) -> Result<PathBuf> {
    let path = dir.join(FILE_NAME);
    let text = format!("{name}\n");
    crate::sys::atomic::write(&path, text.as_bytes(), 0o644, ".prefect-profile.", ".tmp")
        .map_err(|e| bad(&path, &format!("cannot write: {e}")))?;
    crate::choose::trust::allow(&[(
        trust_path(&path),
        crate::choose::trust::digest(text.as_bytes()),
    )])?;
    Ok(path)
}

/// Removes `dir/.prefect-profile`; false when there was none.
pub fn remove(dir: &Path) -> Result<bool> {
    let path = dir.join(FILE_NAME);
    let key = trust_path(&path);
    match std::fs::remove_file(&path) {
        Ok(()) => {
            crate::choose::trust::forget(&key)?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(bad(&path, &format!("cannot remove: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(path: &Path) -> Result<String> {
        name_in(path, bytes(path).map_err(|e| Error::new(e.to_string()))?)
    }

    #[test]
    fn the_nearest_file_upwards_names_the_profile() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        let deep = root.join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(nearest(&deep), None);
        std::fs::write(root.join("a").join(FILE_NAME), "# team\n\n  dev  \nprod\n").unwrap();
        let found = nearest(&deep).unwrap();
        assert_eq!(found, root.join("a").join(FILE_NAME));
        assert_eq!(name(&found).unwrap(), "dev");
        std::fs::write(&found, "\u{feff}prod\r\n").unwrap();
        assert_eq!(
            name(&found).unwrap(),
            "prod",
            "a BOM is not part of the name"
        );
        std::fs::write(root.join("a").join(FILE_NAME), "#only\n").unwrap();
        assert!(name(&found)
            .unwrap_err()
            .to_string()
            .contains("names no profile"));
        std::fs::write(root.join("a").join(FILE_NAME), vec![b'x'; 5000]).unwrap();
        assert!(name(&found).unwrap_err().to_string().contains("4 KiB"));
        std::fs::write(root.join("a").join(FILE_NAME), b"\xff\n").unwrap();
        assert!(name(&found).unwrap_err().to_string().contains("not UTF-8"));
    }

    #[test]
    fn only_an_allowed_file_names_a_profile() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join(FILE_NAME);
        std::fs::write(&f, "prod\n").unwrap();
        assert!(matches!(read(&f, &[]).unwrap(), Found::NotAllowed(n) if n == "prod"));
        let list = vec![(crate::choose::trust::digest(b"prod\n"), trust_path(&f))];
        assert!(matches!(read(&f, &list).unwrap(), Found::Names(n) if n == "prod"));
        std::fs::write(&f, "dev\n").unwrap();
        assert!(
            matches!(read(&f, &list).unwrap(), Found::NotAllowed(_)),
            "an edit revokes"
        );
    }
}
