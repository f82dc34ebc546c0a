//! Writing to stdout and stderr. A closed pipe (`prefectx ls | head -1`) is a quiet success,
//! never a panic (a closed reader is normal for a CLI, as `git log | head` shows).
//!
//! Text that comes from a file, the network or the current folder is shown through [`safe`]:
//! a profile name, a workspace handle served by the Cloud API or a `reason` posted to the login
//! callback must not be able to move the cursor, retitle the window or hide text.

use std::borrow::Cow;
use std::io::{self, Write};

/// Writes `text` to stdout. Returns false when the reader went away, so the caller can stop.
pub fn out(text: &str) -> bool {
    let mut so = io::stdout().lock();
    match so.write_all(text.as_bytes()).and_then(|_| so.flush()) {
        Ok(()) => true,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => false,
        Err(_) => false,
    }
}

/// Characters a terminal acts on instead of showing: C0 controls (ESC, CR, BS, newline...),
/// DEL, the C1 controls (U+0080-U+009F; U+009B is a one-character CSI to many terminals), and
/// the Unicode bidi controls that reorder what is shown ("Trojan Source", CVE-2021-42574).
fn acts_on_terminal(c: char) -> bool {
    matches!(c,
        '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The one function every untrusted string goes through on its way to a terminal: those
/// characters are shown as Rust escapes (`\u{1b}`, `\n`), everything else as it is.
pub fn safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(acts_on_terminal) {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !acts_on_terminal(c) {
            o.push(c);
        } else if c.is_control() {
            o.extend(c.escape_debug());
        } else {
            // escape_debug leaves the bidi controls as they are; spell them out.
            o.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(o)
}

/// Like [`safe`], line by line: for messages of ours that span lines on purpose.
fn safe_lines(msg: &str) -> String {
    msg.split('\n').map(safe).collect::<Vec<_>>().join("\n")
}

/// A name as a user would type it in bash or zsh, quoted only when it must be (`ls`
/// showed `it\'s`, which no shell reads back): as `sh::quote` writes it for `eval` (bare or
/// `'...'`) when it holds no `'`; `"..."` when it holds `'` but nothing double quotes act on;
/// else `$'...'` (control characters as `\t`, `\x1b`). Nothing in the result can draw on a
/// terminal.
pub fn shown(name: &str) -> String {
    let control = |c: char| acts_on_terminal(c) || c.is_control();
    if !name.chars().any(control) {
        // Without a `'`: the one POSIX quoting rule (bare, or '...').
        if !name.contains('\'') {
            return crate::shell::sh::quote(name);
        }
        // A `'` reads better inside double quotes, when nothing else there is special.
        if !name.contains(['"', '$', '`', '\\', '!']) {
            return format!("\"{name}\"");
        }
    }
    let mut o = String::from("$'");
    for c in name.chars() {
        match c {
            '\'' => o.push_str("\\'"),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            c if control(c) && (c as u32) < 0x100 => o.push_str(&format!("\\x{:02x}", c as u32)),
            c if control(c) => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('\'');
    o
}

/// A name in a message: `'name'` for plain names (so it stands out in the sentence), else as
/// [`shown`] quotes it. Every message that quotes a name goes through this.
pub fn q(name: &str) -> String {
    let s = shown(name);
    if s.starts_with(['\'', '"', '$']) {
        s
    } else {
        format!("'{s}'")
    }
}

/// Columns a string takes on a terminal (CJK and emoji take two), for aligning tables.
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// A column of profile names, as `shown` prints them, padded to the widest (and to `header`):
/// the header padded, then each name padded, in `names`' order.
pub fn name_column<'a>(
    names: impl IntoIterator<Item = &'a str>,
    header: &str,
) -> (String, Vec<String>) {
    let shown: Vec<String> = names.into_iter().map(shown).collect();
    let w = shown
        .iter()
        .map(|n| width(n))
        .max()
        .unwrap_or(0)
        .max(width(header));
    let pad = |n: String| {
        let spaces = w - width(&n);
        n + &" ".repeat(spaces)
    };
    (
        pad(header.to_string()),
        shown.into_iter().map(pad).collect(),
    )
}

/// Writes one line to stderr, prefixed like every message of ours.
pub fn warn(msg: &str) {
    line(&format!("prefectx: warning: {}", safe_lines(msg)));
}

/// A plain line on stderr (notes, progress): stdout stays clean for `eval`. Every message,
/// errors included (lib.rs `finish`), goes through [`safe`] here, whatever it quotes.
pub fn note(msg: &str) {
    line(&safe_lines(msg));
}

/// Messages held back by [`defer`], for the shell to show later.
static DEFERRED: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// From now on [`note`] and [`warn`] collect their lines instead of writing them.
pub fn defer() {
    if let Ok(mut d) = DEFERRED.lock() {
        *d = Some(String::new());
    }
}

/// The lines collected since [`defer`], if any.
pub fn deferred() -> Option<String> {
    let text = DEFERRED.lock().ok()?.take()?;
    (!text.is_empty()).then_some(text)
}

fn line(text: &str) {
    if let Ok(mut d) = DEFERRED.lock() {
        if let Some(held) = d.as_mut() {
            held.push_str(text);
            held.push('\n');
            return;
        }
    }
    let _ = writeln!(io::stderr().lock(), "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_escapes_what_a_terminal_acts_on() {
        assert_eq!(safe("acme/prod"), "acme/prod");
        assert_eq!(safe("日本 é"), "日本 é");
        assert_eq!(safe("a\u{1b}]0;x\u{7}b"), "a\\u{1b}]0;x\\u{7}b");
        assert_eq!(safe("a\nb\r\t"), "a\\nb\\r\\t");
        assert_eq!(safe("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(safe("\u{7f}"), "\\u{7f}");
        assert_eq!(safe("x\u{202e}y\u{2066}"), "x\\u{202e}y\\u{2066}");
        assert_eq!(safe_lines("one\u{1b}\ntwo"), "one\\u{1b}\ntwo");
    }

    #[test]
    fn names_are_shown_as_typed() {
        assert_eq!(shown("prod-eu"), "prod-eu");
        assert_eq!(shown("日本"), "日本");
        assert_eq!(shown("my staging"), "'my staging'");
        assert_eq!(shown("it's"), "\"it's\"");
        assert_eq!(shown("say \"hi\""), "'say \"hi\"'");
        assert_eq!(shown("it's \"q\""), "$'it\\'s \"q\"'");
        assert_eq!(shown("tab\tx"), "$'tab\\tx'");
        assert_eq!(shown("e\u{1b}[2J"), "$'e\\x1b[2J'");
        assert_eq!(q("dev"), "'dev'");
        assert_eq!(q("it's"), "\"it's\"");
        assert_eq!(width("日本x"), 5);
    }
}
