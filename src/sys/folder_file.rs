//! The one reader for files a folder can hold: `.prefect-profile`, `.env`, `prefect.toml`,
//! `pyproject.toml`. Such a file may come with a cloned repository or from another user of a
//! shared folder, so it is opened once and every check is made on the open descriptor, never
//! on the path before the open (a `stat` then `open` could be raced: a regular file swapped for
//! a FIFO hung the prompt in `open`). docs/security.md lists what each check prevents.
//!
//! - The last component is opened with `O_NOFOLLOW`. A symlink is followed only when the link
//!   itself is ours (or root's): a dotfile manager's link, or one that came with our own clone.
//!   The target is then resolved and opened with `O_NOFOLLOW` too, and checked like any file.
//! - `O_NONBLOCK`, so a FIFO or a device never blocks the open; `fstat` then requires a regular
//!   file.
//! - The file's owner is this user or root, and neither group nor others can write it (as git's
//!   `safe.directory` and direnv trust only what the user controls). A group-writable file is
//!   accepted when its group is this user's own private group (Debian's `umask 002` default
//!   makes every file 0664 there).
//! - Files of the kernel's pseudo file systems (`/proc/self/environ`, `/sys`) are refused: they
//!   pass every other check and hold the process's secrets.
//! - At most `max` bytes.

use std::fmt;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

/// Why a file was not read. Shown to the user: it never holds the file's content.
#[derive(Debug)]
pub enum Refused {
    Missing,
    /// A symlink owned by another user (its uid).
    ForeignLink(u32),
    NotRegular,
    /// Owned by another user (its uid).
    Foreign(u32),
    /// Group or others can write it (its mode).
    Writable(u32),
    /// A file of /proc, /sys or another kernel pseudo file system.
    Pseudo,
    TooLarge(u64),
    Io(std::io::Error),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Missing => write!(f, "does not exist"),
            Refused::ForeignLink(uid) => write!(
                f,
                "is a symlink owned by another user (uid {uid}); ignored: only your own files choose for you"
            ),
            Refused::NotRegular => write!(f, "is not a regular file; ignored"),
            Refused::Foreign(uid) => write!(
                f,
                "is owned by another user (uid {uid}); ignored: only your own files choose for you"
            ),
            Refused::Writable(mode) => write!(
                f,
                "can be written by other users (mode {mode:03o}); ignored until you `chmod go-w` it"
            ),
            Refused::Pseudo => write!(f, "is a file of the kernel (/proc, /sys); ignored"),
            Refused::TooLarge(max) => write!(f, "is larger than {} KiB; ignored", max / 1024),
            Refused::Io(e) => write!(f, "cannot be read ({e})"),
        }
    }
}

impl Refused {
    pub fn is_missing(&self) -> bool {
        matches!(self, Refused::Missing)
    }
}

fn me() -> u32 {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() }
}

fn ours(uid: u32) -> bool {
    uid == me() || uid == 0
}

/// True when `gid` is this user's own private group: the effective group, with no member
/// listed in the group database. Asked only for a group-writable file.
fn own_private_group(gid: u32) -> bool {
    // SAFETY: getegid cannot fail.
    if gid != unsafe { libc::getegid() } {
        return false;
    }
    // SAFETY: a zeroed `group` is a valid buffer for getgrgid_r to fill.
    let mut grp: libc::group = unsafe { std::mem::zeroed() };
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    let mut found: *mut libc::group = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; buf's length is passed.
    let rc = unsafe { libc::getgrgid_r(gid, &mut grp, buf.as_mut_ptr(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() {
        return false;
    }
    // SAFETY: gr_mem is a NULL-terminated array inside buf, filled by getgrgid_r.
    grp.gr_mem.is_null() || unsafe { (*grp.gr_mem).is_null() }
}

#[cfg(target_os = "linux")]
fn pseudo(f: &std::fs::File) -> bool {
    use std::os::unix::io::AsRawFd;
    // SAFETY: a zeroed `statfs` is a valid buffer for fstatfs to fill.
    let mut s: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: a valid descriptor and a zeroed struct of the right type.
    if unsafe { libc::fstatfs(f.as_raw_fd(), &mut s) } != 0 {
        return true;
    }
    // PROC_SUPER_MAGIC, SYSFS_MAGIC, DEBUGFS_MAGIC, SECURITYFS_MAGIC, CGROUP2_SUPER_MAGIC
    // (linux/magic.h).
    const PSEUDO: [i64; 5] = [0x9fa0, 0x6265_6572, 0x6462_6720, 0x7363_6673, 0x6367_7270];
    PSEUDO.contains(&(s.f_type as i64))
}

#[cfg(not(target_os = "linux"))]
fn pseudo(_: &std::fs::File) -> bool {
    false
}

fn open_nofollow(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOCTTY)
        .open(path)
}

/// The bytes of `path` when it passes every check above.
pub fn read(path: &Path, max: u64) -> Result<Vec<u8>, Refused> {
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Refused::Missing),
        Err(e) => return Err(Refused::Io(e)),
    };
    let file = if link.file_type().is_symlink() {
        if !ours(link.uid()) {
            return Err(Refused::ForeignLink(link.uid()));
        }
        let target = std::fs::canonicalize(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Refused::Missing,
            _ => Refused::Io(e),
        })?;
        open_nofollow(&target)
    } else {
        open_nofollow(path)
    };
    let mut file = file.map_err(|e| match (e.kind(), e.raw_os_error()) {
        (std::io::ErrorKind::NotFound, _) => Refused::Missing,
        // ELOOP: the name became a symlink between the lstat and the open.
        (_, Some(libc::ELOOP)) => Refused::NotRegular,
        _ => Refused::Io(e),
    })?;
    let m = file.metadata().map_err(Refused::Io)?;
    if !m.is_file() {
        return Err(Refused::NotRegular);
    }
    if !ours(m.uid()) {
        return Err(Refused::Foreign(m.uid()));
    }
    let mode = m.mode() & 0o7777;
    if mode & 0o002 != 0 || (mode & 0o020 != 0 && !own_private_group(m.gid())) {
        return Err(Refused::Writable(mode));
    }
    if pseudo(&file) {
        return Err(Refused::Pseudo);
    }
    if m.len() > max {
        return Err(Refused::TooLarge(max));
    }
    let mut bytes = Vec::new();
    (&mut file)
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(Refused::Io)?;
    if bytes.len() as u64 > max {
        return Err(Refused::TooLarge(max));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn only_regular_private_files_on_disk_are_read() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("f");
        std::fs::write(&f, "dev\n").unwrap();
        assert_eq!(read(&f, 100).unwrap(), b"dev\n");
        assert!(read(&t.path().join("none"), 100).unwrap_err().is_missing());
        assert!(matches!(read(&f, 2), Err(Refused::TooLarge(2))));
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o646)).unwrap();
        assert!(matches!(read(&f, 100), Err(Refused::Writable(0o646))));
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        // Our own link to our own file is followed; a link to the kernel's file is not read.
        let l = t.path().join("l");
        std::os::unix::fs::symlink(&f, &l).unwrap();
        assert_eq!(read(&l, 100).unwrap(), b"dev\n");
        let e = t.path().join("e");
        std::os::unix::fs::symlink("/proc/self/environ", &e).unwrap();
        let err = read(&e, 1 << 20).unwrap_err();
        assert!(matches!(err, Refused::Pseudo), "{err}");
        assert!(matches!(read(t.path(), 100), Err(Refused::NotRegular)));
        // A FIFO neither blocks nor is read.
        let fifo = t.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(read(&fifo, 100), Err(Refused::NotRegular)));
    }
}
