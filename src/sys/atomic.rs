//! The one atomic write: a temp file in the target's folder (0600 while written),
//! the final mode set exactly (chmod ignores the umask), the bytes, fsync, rename over the
//! target, fsync of the folder. A reader sees the old file or the new one, never a part, and a
//! crash leaves at most a temp file that the next writer removes (store.rs).

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Temp files are named `{prefix}XXXXXX{suffix}` in the target's folder.
pub fn write(target: &Path, bytes: &[u8], mode: u32, prefix: &str, suffix: &str) -> io::Result<()> {
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(prefix)
        .suffix(suffix)
        .permissions(fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)?;
    tmp.as_file()
        .set_permissions(fs::Permissions::from_mode(mode))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(target).map_err(|e| e.error)?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
