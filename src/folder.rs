//! `.prefect-profile`: a folder names the profile for itself and every folder below it, like
//! pyenv's `.python-version` (issue 11). The nearest one in the current folder or a parent
//! wins; its first line that is neither empty nor a `#` comment is the name.
//!
//! The parents are walked on the shell's logical `$PWD`, textually, exactly as the hook
//! scripts walk them with builtins at each prompt: the two must find the same file, or the
//! prompt check would see a change at every prompt.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::output::safe;

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

/// The profile name in `path`; one line naming the file when it is not a regular file, larger
/// than 4 KiB, not UTF-8 or names nothing.
pub fn read(path: &Path) -> Result<String> {
    let meta = std::fs::metadata(path).map_err(|e| bad(path, &format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(bad(path, "not a regular file"));
    }
    // A shared folder (/tmp, a team share) must not let another user choose the server your
    // work goes to: only our own files, or root's, name a profile (as git's safe.directory
    // trusts only repositories of the user).
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me && meta.uid() != 0 {
        return Err(bad(
            path,
            &format!(
                "owned by another user (uid {}); ignored: only your own .prefect-profile chooses your profile",
                meta.uid()
            ),
        ));
    }
    if meta.len() > MAX_LEN {
        return Err(bad(
            path,
            "larger than 4 KiB; a .prefect-profile holds one profile name",
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| bad(path, &format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| bad(path, "not UTF-8"))?;
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

/// Writes `.prefect-profile` naming `name` in `dir` (atomic; readable by all, as any file in a
/// project is).
pub fn write(dir: &Path, name: &str) -> Result<PathBuf> {
    let path = dir.join(FILE_NAME);
    crate::atomic::write(
        &path,
        format!("{name}\n").as_bytes(),
        0o644,
        ".prefect-profile.",
        ".tmp",
    )
    .map_err(|e| bad(&path, &format!("cannot write: {e}")))?;
    Ok(path)
}

/// Removes `dir/.prefect-profile`; false when there was none.
pub fn remove(dir: &Path) -> Result<bool> {
    let path = dir.join(FILE_NAME);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(bad(&path, &format!("cannot remove: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(read(&found).unwrap(), "dev");
        write(&root.join("a/b"), "staging").unwrap();
        assert_eq!(read(&nearest(&deep).unwrap()).unwrap(), "staging");
        assert!(remove(&root.join("a/b")).unwrap());
        assert!(!remove(&root.join("a/b")).unwrap());
        std::fs::write(root.join("a").join(FILE_NAME), "#only\n").unwrap();
        assert!(read(&found)
            .unwrap_err()
            .to_string()
            .contains("names no profile"));
        std::fs::write(root.join("a").join(FILE_NAME), vec![b'x'; 5000]).unwrap();
        assert!(read(&found).unwrap_err().to_string().contains("4 KiB"));
        std::fs::write(root.join("a").join(FILE_NAME), b"\xff\n").unwrap();
        assert!(read(&found).unwrap_err().to_string().contains("not UTF-8"));
    }
}
