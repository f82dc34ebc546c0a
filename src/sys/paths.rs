//! Where our own things live: the home folder, the data and cache folders, the hook's stamp
//! files and the second binary. Finding the profiles file is locate.rs.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::sys::error::{Error, Result};

pub fn non_empty(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

pub fn user_home() -> Result<PathBuf> {
    // $HOME first, as Python's Path.home() does; the passwd entry only when it is unset.
    non_empty("HOME")
        .map(PathBuf::from)
        .or_else(dirs::home_dir)
        .ok_or_else(|| Error::new("cannot find the home folder: HOME is not set"))
}

/// `~` and `~/x` expanded, as Prefect's settings model does for PREFECT_HOME.
pub fn expand_tilde(p: OsString) -> Result<PathBuf> {
    let s = p.to_string_lossy();
    if s == "~" {
        return user_home();
    }
    if let Some(rest) = s.strip_prefix("~/") {
        return Ok(user_home()?.join(rest));
    }
    Ok(PathBuf::from(p))
}

/// The folder the shell is in: `$PWD` as the shell exported it (the hook compares it with the
/// shell's own `$PWD`, which keeps a symlinked path), else the process's.
pub fn shell_cwd() -> PathBuf {
    non_empty("PWD")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

/// `$XDG_DATA_HOME/prefectx` (or `~/.local/share/prefectx`): the allowed list (trust.rs) and the
/// keyring record (keyring_profiles.rs).
pub fn data_dir() -> Result<PathBuf> {
    // Only an absolute folder: HOME=relative would put files under the current folder.
    dirs::data_dir()
        .filter(|d| d.is_absolute())
        .map(|d| d.join("prefectx"))
        .ok_or_else(|| Error::new("cannot find a data folder: set XDG_DATA_HOME or HOME"))
}

/// A file of ours in the data folder; None when missing, or when the folder or the file could
/// be written by someone else (what is read there decides trust and where keys come from).
/// The folder is not created by a read.
pub fn read_data(name: &str) -> Option<Vec<u8>> {
    let dir = data_dir().ok()?;
    if !dir.is_dir() {
        return None;
    }
    PrivateDir::open(&dir)?.read(name)
}

/// Writes `name` in the data folder atomically, 0600, making the folder 0700 when missing.
pub fn write_data(name: &str, bytes: &[u8]) -> Result<()> {
    let dir = data_dir()?;
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::new(format!("{}: cannot create: {e}", parent.display())))?;
    }
    let private = PrivateDir::open(&dir).ok_or_else(|| {
        Error::new(format!(
            "{}: not a private folder of this user (it must be a folder owned by you with mode 0700); not writing {name} there",
            dir.display()
        ))
    })?;
    let target = private.path.join(name);
    crate::sys::atomic::write(&target, bytes, 0o600, &format!(".{name}."), ".tmp")
        .map_err(|e| Error::new(format!("{}: cannot write: {e}", target.display())))
}

/// `$XDG_CACHE_HOME/prefectx` (or the platform cache folder).
pub fn cache_dir() -> Result<PathBuf> {
    dirs::cache_dir()
        .filter(|d| d.is_absolute())
        .map(|d| d.join("prefectx"))
        .ok_or_else(|| Error::new("cannot find a cache folder: set XDG_CACHE_HOME or HOME"))
}

/// A folder only this user can use, held open: the stamp files live in one. Checked on the open
/// descriptor (not through a path that could be swapped): a real folder, not a symlink, owned
/// by us, no permission bits for group or others. Files in it are made and removed relative to
/// that descriptor, never following a symlink. `XDG_RUNTIME_DIR` may be a shared folder such as
/// /tmp, where another user could prepare `prefectx` for us (finding 4).
pub struct PrivateDir {
    fd: std::fs::File,
    pub path: PathBuf,
}

impl PrivateDir {
    /// Opens `path`, creating it 0700 if missing; None unless it passes the checks above.
    pub fn open(path: &Path) -> Option<PrivateDir> {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
        let open = || {
            std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
                .open(path)
        };
        // Made only when missing: a refresh at a prompt opens the folder and nothing more.
        let fd = match open() {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let _ = std::fs::DirBuilder::new().mode(0o700).create(path);
                open()
            }
            other => other,
        }
        .ok()?;
        let m = fd.metadata().ok()?;
        // SAFETY: geteuid cannot fail.
        let me = unsafe { libc::geteuid() };
        (m.is_dir() && m.uid() == me && m.mode() & 0o077 == 0).then(|| PrivateDir {
            fd,
            path: path.to_path_buf(),
        })
    }

    fn c_name(name: &str) -> Option<std::ffi::CString> {
        (!name.contains('/') && name != "." && name != "..")
            .then(|| std::ffi::CString::new(name).ok())
            .flatten()
    }

    /// Creates `name` if needed (0600, not through a symlink) and sets its mtime to `mtime`
    /// through the open file.
    pub fn touch(&self, name: &str, mtime: std::time::SystemTime) -> std::io::Result<()> {
        use std::os::unix::io::{AsRawFd, FromRawFd};
        let c = Self::c_name(name).ok_or(std::io::ErrorKind::InvalidInput)?;
        // SAFETY: a valid directory descriptor and a NUL-terminated name.
        let raw = unsafe {
            libc::openat(
                self.fd.as_raw_fd(),
                c.as_ptr(),
                libc::O_WRONLY
                    | libc::O_CREAT
                    | libc::O_NOFOLLOW
                    | libc::O_CLOEXEC
                    | libc::O_NONBLOCK,
                0o600 as libc::c_uint,
            )
        };
        if raw < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `raw` is a descriptor we just opened and own.
        let f = unsafe { std::fs::File::from_raw_fd(raw) };
        if !f.metadata()?.is_file() {
            return Err(std::io::ErrorKind::InvalidInput.into());
        }
        f.set_modified(mtime)
    }

    /// Removes `name` from this folder (unlinkat: a symlink is removed, never followed).
    pub fn remove(&self, name: &str) {
        use std::os::unix::io::AsRawFd;
        if let Some(c) = Self::c_name(name) {
            // SAFETY: a valid directory descriptor and a NUL-terminated name.
            unsafe { libc::unlinkat(self.fd.as_raw_fd(), c.as_ptr(), 0) };
        }
    }

    /// The bytes of `name`, when it is a regular file of ours that only we can write, read
    /// without following a symlink: what decides trust must not be writable by anyone else
    ///.
    pub fn read(&self, name: &str) -> Option<Vec<u8>> {
        use std::io::Read;
        use std::os::unix::fs::MetadataExt;
        use std::os::unix::io::{AsRawFd, FromRawFd};
        let c = Self::c_name(name)?;
        // SAFETY: a valid directory descriptor and a NUL-terminated name.
        let raw = unsafe {
            libc::openat(
                self.fd.as_raw_fd(),
                c.as_ptr(),
                libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK,
            )
        };
        if raw < 0 {
            return None;
        }
        // SAFETY: `raw` is a descriptor we just opened and own.
        let mut f = unsafe { std::fs::File::from_raw_fd(raw) };
        let m = f.metadata().ok()?;
        // SAFETY: geteuid cannot fail.
        let me = unsafe { libc::geteuid() };
        if !m.is_file() || m.uid() != me || m.mode() & 0o022 != 0 {
            return None;
        }
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).ok()?;
        Some(bytes)
    }

    /// The names in this folder.
    pub fn names(&self) -> Vec<String> {
        // Listed through the descriptor's /proc entry would tie us to Linux; the path was
        // checked to be this very folder a moment ago, and removal goes through the descriptor.
        std::fs::read_dir(&self.path)
            .map(|rd| {
                rd.flatten()
                    .filter_map(|e| e.file_name().to_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Per-shell stamp files: `$XDG_RUNTIME_DIR/prefectx` (tmpfs, emptied at logout) when that is
/// a private folder of ours, else `~/.cache/prefectx/stamps` under the same checks.
pub fn stamp_dir() -> Result<PrivateDir> {
    if let Some(rt) = non_empty("XDG_RUNTIME_DIR") {
        let rt = PathBuf::from(rt);
        if rt.is_dir() {
            if let Some(d) = PrivateDir::open(&rt.join("prefectx")) {
                return Ok(d);
            }
        }
    }
    let cache = cache_dir()?;
    let _ = create_private_dir(&cache);
    let fallback = cache.join("stamps");
    PrivateDir::open(&fallback).ok_or_else(|| {
        Error::new(format!(
            "{}: not a private folder of this user (it must be a folder owned by you with mode 0700); the hook cannot keep its stamp there",
            fallback.display()
        ))
    })
}

/// Creates `dir` (and parents) with mode 0700 for every folder we create.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// The second binary, run for the Cloud commands (lib.rs).
pub const CLOUD_BIN: &str = "prefectx-cloud";

/// `prefectx-cloud` next to this binary (where `cargo install` puts both), else on PATH, as git
/// finds its `git-*` helpers.
pub fn cloud_binary() -> Result<PathBuf> {
    let exe = std::env::current_exe().ok();
    if let Some(sibling) = exe
        .as_ref()
        .and_then(|e| e.parent())
        .map(|d| d.join(CLOUD_BIN))
    {
        if sibling.is_file() {
            return Ok(sibling);
        }
    }
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join(CLOUD_BIN))
            .find(|p| p.is_file())
    });
    on_path.ok_or_else(|| {
        let here = exe
            .as_ref()
            .and_then(|e| e.parent())
            .map(|d| d.display().to_string())
            .unwrap_or_else(|| "this binary's folder".to_string());
        Error::new(format!(
            "the Prefect Cloud commands need {CLOUD_BIN}, which is neither in {here} nor on PATH; \
             install both binaries with `cargo install --path .`"
        ))
    })
}
