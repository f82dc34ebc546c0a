//! Reading the file's bytes safely, and naming where TOML is broken.

use std::path::Path;

use crate::sys::error::{Error, Result};

use super::lines::line_of;

/// "path:line:col: message" for a TOML syntax error.
pub fn syntax_error(path: &Path, text: &str, e: &toml_edit::TomlError) -> Error {
    let (line, col) = match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line = line_of(text, start);
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            (line, text[line_start..start].chars().count() + 1)
        }
        None => (1, 1),
    };
    let msg = e.message().trim().replace('\n', " ");
    Error::new(format!(
        "{}:{line}:{col}: not valid TOML: {msg}",
        path.display()
    ))
}

/// Reads the file's bytes. `Ok(None)` when there is no file (Prefect's defaults apply).
/// Opened non-blocking and checked to be a regular file: a FIFO or device at this path must
/// not hang a prompt.
pub fn read_text(path: &Path) -> Result<Option<String>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let cannot = |why: String| {
        Error::new(format!(
            "{}: cannot read the profiles file: {why}",
            path.display()
        ))
    };
    let mut f = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            let why = if path.is_dir() {
                "is a folder, not a file".to_string()
            } else {
                e.to_string()
            };
            return Err(cannot(why));
        }
    };
    let meta = f.metadata().map_err(|e| cannot(e.to_string()))?;
    if meta.is_dir() {
        return Err(cannot("is a folder, not a file".into()));
    }
    if !meta.is_file() {
        return Err(cannot("not a regular file".into()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.read_to_end(&mut bytes)
        .map_err(|e| cannot(e.to_string()))?;
    String::from_utf8(bytes).map(Some).map_err(|e| {
        let off = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..off].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::new(format!(
            "{}:{line}: the profiles file is not valid UTF-8 (byte {off})",
            path.display()
        ))
    })
}
