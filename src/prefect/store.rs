//! The one way the profiles file is written: under an advisory lock (a 0600 file of ours
//! beside it), read, parse (a broken file is never rewritten), change with toml_edit, then save
//! atomically: a temp file in the same folder, fsync, rename, fsync the folder. The existing
//! mode is kept; a new file is 0600 and a new Prefect home 0700.

use std::fs::{self, File};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use toml_edit::DocumentMut;

use crate::prefect::profiles::Location;
use crate::prefect::profiles::{self, Profiles};
use crate::sys::error::{Context, Error, Result};
use crate::sys::paths;

const TMP_SUFFIX: &str = ".prefectx-tmp";

/// How long a writer waits for another prefectx writer (bounded wait, clear message).
fn lock_wait() -> Duration {
    let ms = std::env::var("PREFECTX_LOCK_TIMEOUT_MS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    Duration::from_millis(ms)
}

/// An exclusive flock on `.NAME.prefectx-lock`, a 0600 file of ours beside the profiles file.
/// The profiles file itself cannot carry the lock: every save renames a new inode into place,
/// so a lock on the old one would protect nothing. The folder could (an earlier version did),
/// but anyone who can open a folder can flock it: another user held the lock on a 0755
/// `~/.prefect` and every write of ours failed. A 0600 file only its owner can open.
struct FileLock {
    _file: File,
}

fn lock_name(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "profiles.toml".into());
    format!(".{name}.prefectx-lock")
}

fn open_lock(path: &Path) -> Result<File> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let f = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .context(|| format!("{}: cannot open the lock file", path.display()))?;
    let m = f
        .metadata()
        .context(|| format!("{}: cannot read the lock file", path.display()))?;
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    if !m.is_file() || m.uid() != me {
        return Err(Error::new(format!(
            "{}: the lock file belongs to another user (uid {}); nothing was changed; remove it and try again",
            path.display(),
            m.uid()
        )));
    }
    Ok(f)
}

fn lock_file(dir: &Path, target: &Path) -> Result<FileLock> {
    let path = dir.join(lock_name(target));
    let f = open_lock(&path)?;
    let start = Instant::now();
    let wait = lock_wait();
    loop {
        // SAFETY: flock on a valid, owned descriptor.
        let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc == 0 {
            return Ok(FileLock { _file: f });
        }
        let err = std::io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
            return Err(Error::new(format!(
                "{}: cannot lock: {err}",
                path.display()
            )));
        }
        if start.elapsed() >= wait {
            return Err(Error::new(format!(
                "{}: another prefectx is writing the profiles file (waited {} ms); nothing was changed, try again",
                dir.display(),
                wait.as_millis()
            )));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The real file to replace: a symlinked profiles file (dotfile managers) is written through
/// the link, so the link survives.
fn target_path(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).unwrap_or_else(|_| {
            // A dangling link: write where it points.
            fs::read_link(path)
                .map(|t| path.parent().unwrap_or(Path::new(".")).join(t))
                .unwrap_or_else(|_| path.to_path_buf())
        }),
        _ => path.to_path_buf(),
    }
}

fn temp_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "profiles.toml".into());
    format!(".{name}.")
}

/// Temp files left by a killed writer. Called with the lock held, so none is in use.
fn remove_stale_temps(dir: &Path, prefix: &str) {
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            let n = e.file_name();
            let n = n.to_string_lossy();
            if n.starts_with(prefix) && n.ends_with(TMP_SUFFIX) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// Writes `contents` to `target` atomically, keeping `mode`.
fn write_atomic(target: &Path, contents: &str, mode: u32) -> Result<()> {
    crate::sys::atomic::write(
        target,
        contents.as_bytes(),
        mode,
        &temp_prefix(target),
        TMP_SUFFIX,
    )
    .context(|| format!("{}: cannot write the profiles file", target.display()))
}

/// Reads, checks and changes the profiles file in one locked step. `change` gets the parsed
/// model (for checks and messages) and the editable document; the file is written only when
/// the text changed. Returns what `change` returns.
pub fn modify<T>(
    loc: &Location,
    change: impl FnOnce(&Profiles, &mut DocumentMut) -> Result<T>,
) -> Result<T> {
    let target = target_path(&loc.path);
    let dir = target.parent().unwrap_or(Path::new(".")).to_path_buf();
    if !dir.as_os_str().is_empty() && !dir.exists() {
        paths::create_private_dir(&dir)
            .context(|| format!("{}: cannot create the folder", dir.display()))?;
    }
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    let _lock = lock_file(&dir, &target)?;
    remove_stale_temps(&dir, &temp_prefix(&target));

    // A file without its owner's write bit is one the user protected: Prefect fails on it for a
    // normal user, and a rename would replace it anyway, so it is refused.
    if let Some(m) = fs::metadata(&target).ok().filter(|m| m.is_file()) {
        let mode = m.permissions().mode() & 0o7777;
        if mode & 0o200 == 0 {
            return Err(Error::new(format!(
                "{}: the file is read-only (mode {mode:03o}); nothing was changed",
                target.display()
            )));
        }
    }
    let (text, mode) = match profiles::read_text(&target)? {
        Some(t) => {
            let mode = fs::metadata(&target)
                .map(|m| m.permissions().mode() & 0o7777)
                .unwrap_or(0o600);
            (t, mode)
        }
        None => (String::new(), 0o600),
    };
    // A broken file is never rewritten; said only here, where a write was asked for (// "the file was not changed" at a prompt, right after the user edited it, misled).
    let unchanged = "; the file was not changed";
    let model = if text.is_empty() && !target.exists() {
        Profiles::load(loc).map_err(|e| e.and(unchanged))?
    } else {
        Profiles::parse(loc, &text).map_err(|e| e.and(unchanged))?
    };
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| profiles::syntax_error(&target, &text, &e).and(unchanged))?;
    let keys_before = keys_in(&doc);
    let result = change(&model, &mut doc)?;
    if keys_in(&doc).iter().any(|k| !keys_before.contains(k)) {
        key_may_be_written(loc, &target, mode)?;
    }
    let new_text = doc.to_string();
    if new_text != text || !target.exists() {
        write_atomic(&target, &new_text, mode)?;
    }
    Ok(result)
}

/// Every API key the document holds, in any profile.
fn keys_in(doc: &DocumentMut) -> Vec<String> {
    let Some(profiles) = doc.get("profiles").and_then(|p| p.as_table_like()) else {
        return Vec::new();
    };
    profiles
        .iter()
        .filter_map(|(_, t)| t.as_table_like()?.get("PREFECT_API_KEY")?.as_str())
        .map(str::to_string)
        .collect()
}

/// A key is written only where no one else can read it (docs/security.md): not into a
/// profiles file that a project file chose (it lives in the repository), not into a file
/// group or others can read, not inside a Git work tree. One line saying why and what to do.
fn key_may_be_written(loc: &Location, target: &Path, mode: u32) -> Result<()> {
    let shown = target.display();
    let instead = "or keep the key in the OS keyring (`--keyring`)";
    if loc.source == crate::prefect::profiles::Source::Project {
        return Err(Error::new(format!(
            "{shown} was chosen by PREFECT_PROFILES_PATH in a project file of this folder; prefectx writes no API key into a file a repository chose; nothing was changed; set PREFECT_PROFILES_PATH yourself to use that file, {instead}"
        )));
    }
    if mode & 0o044 != 0 {
        return Err(Error::new(format!(
            "{shown} can be read by other users (mode {mode:03o}), and so could the API key; nothing was changed; run `chmod 600 {shown}` and try again, {instead}"
        )));
    }
    let mut dir = target.parent();
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return Err(Error::new(format!(
                "{shown} is inside the Git work tree {}, where an API key is one `git add` away from being published; nothing was changed; keep the profiles file outside it (PREFECT_PROFILES_PATH), {instead}",
                d.display()
            )));
        }
        dir = d.parent();
    }
    Ok(())
}

/// The file's permission bits, when it can be read.
pub fn mode_of(path: &Path) -> Option<u32> {
    fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

/// The line for a file holding a key that others may read (`login` warns, `doctor` fails).
/// Writes keep the mode as it is, as Prefect does; this says how to close it.
pub fn key_exposed(path: &Path, mode: u32) -> Option<String> {
    (mode & 0o077 != 0).then(|| {
        format!(
            "{} holds an API key and is readable by others (mode {mode:03o}); run: chmod 600 {}",
            path.display(),
            path.display()
        )
    })
}

/// Writes `active = NAME`; a bundled profile missing from the file gets its table too, so
/// Prefect's runtime really uses it (docs/prefect-compat.md, "A bundled profile named by `active`").
pub fn write_active(loc: &Location, name: &str) -> Result<()> {
    modify(loc, |p, doc| {
        p.require(name)?;
        crate::prefect::edit::set_active(doc, name);
        crate::prefect::edit::ensure_profile(doc, name)?;
        Ok(())
    })
}
