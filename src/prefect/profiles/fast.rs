//! A fast reader for the common shape of a profiles file: `active = "..."`, then
//! `[profiles.NAME]` tables of `KEY = "string" | 'literal' | true | false | 123`, comments and
//! blank lines. It returns None for anything else (arrays, floats, dotted keys, escapes other
//! than \" \\ \n \t \r, duplicates, ...), and toml_edit reads the file instead, so every
//! error message and odd case stays toml_edit's. Why: toml_edit builds a format-preserving
//! tree, which made `env` on a 1,000-profile file cost 3.8x a 3-profile one; this
//! reads only. `tests::agrees_with_toml_edit` checks both readers give the same profiles.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, DefaultHasher};
use std::sync::Arc;

use super::entry::{Entry, FileProfile};

pub struct Parsed {
    pub active: Option<String>,
    pub file: Vec<FileProfile>,
}

fn is_ws(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// A control character TOML does not allow raw in strings or comments (tab is allowed).
fn bad_control(c: char) -> bool {
    (c < ' ' && c != '\t') || c == '\u{7f}'
}

/// Parses a quoted string at the start of `s`; returns (value, rest). Borrowed unless it has
/// escapes.
fn string(s: &str) -> Option<(Cow<'_, str>, &str)> {
    // Most strings have no escapes: find the closing quote with a byte scan and copy once.
    // Anything else (escapes, a backslash in a literal, control characters, triple quotes)
    // takes the careful path below.
    let b = s.as_bytes();
    let q = *b.first()?;
    let triple = b.len() >= 3 && b[1] == q && b[2] == q;
    if (q == b'"' || q == b'\'') && !triple {
        if let Some(i) = memchr::memchr2(q, b'\\', &b[1..]) {
            // No short-circuit, so the compiler can check many bytes at a time.
            let control = b[1..1 + i].iter().fold(false, |bad, &c| {
                bad | ((c < b' ' && c != b'\t') || c == 0x7f)
            });
            if b[1 + i] == q && !control {
                return Some((Cow::Borrowed(&s[1..1 + i]), &s[2 + i..]));
            }
        }
    }
    let mut chars = s.char_indices();
    let (_, q) = chars.next()?;
    let mut out = String::new();
    match q {
        '\'' => {
            for (i, c) in chars {
                if c == '\'' {
                    // ''' starts a multi-line literal: not ours.
                    if i == 1 && s[2..].starts_with('\'') {
                        return None;
                    }
                    return Some((Cow::Owned(out), &s[i + 1..]));
                }
                if bad_control(c) {
                    return None;
                }
                out.push(c);
            }
            None
        }
        '"' => {
            if s.starts_with("\"\"\"") {
                return None;
            }
            let mut esc = false;
            for (i, c) in chars {
                if esc {
                    out.push(match c {
                        '"' => '"',
                        '\\' => '\\',
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        _ => return None,
                    });
                    esc = false;
                } else if c == '\\' {
                    esc = true;
                } else if c == '"' {
                    return Some((Cow::Owned(out), &s[i + 1..]));
                } else if bad_control(c) {
                    return None;
                } else {
                    out.push(c);
                }
            }
            None
        }
        _ => None,
    }
}

/// Bytes of a bare key (A-Z a-z 0-9 _ -), as a table: one load per byte.
static BARE_KEY: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        b += 1;
    }
    t
};

/// A key: bare, or a quoted string. Returns (key, rest).
fn key(s: &str) -> Option<(Cow<'_, str>, &str)> {
    if s.starts_with('"') || s.starts_with('\'') {
        return string(s);
    }
    let end = s
        .bytes()
        .position(|b| !BARE_KEY[b as usize])
        .unwrap_or(s.len());
    (end > 0).then(|| (Cow::Borrowed(&s[..end]), &s[end..]))
}

/// What may follow a value or header: whitespace, then nothing or a comment.
fn end_ok(rest: &str) -> bool {
    let rest = rest.trim_start_matches(is_ws);
    rest.is_empty() || (rest.starts_with('#') && !rest.chars().any(bad_control))
}

/// A value, stringified as Prefect does; None when not in our subset.
fn value(s: &str) -> Option<(Cow<'_, str>, &str)> {
    if s.starts_with('"') || s.starts_with('\'') {
        return string(s);
    }
    let end = s.find(|c: char| is_ws(c) || c == '#').unwrap_or(s.len());
    let (word, rest) = s.split_at(end);
    match word {
        "true" => Some((Cow::Borrowed("True"), rest)),
        "false" => Some((Cow::Borrowed("False"), rest)),
        _ => {
            let digits = word.strip_prefix(['+', '-']).unwrap_or(word);
            let plain = !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && (digits == "0" || !digits.starts_with('0'));
            if !plain {
                return None;
            }
            let n: i64 = word.parse().ok()?;
            Some((Cow::Owned(n.to_string()), rest))
        }
    }
}

/// `KEY = VALUE [# comment]`, and whether VALUE is a string.
fn assignment(line: &str) -> Option<(Cow<'_, str>, Cow<'_, str>, bool)> {
    let (k, rest) = key(line)?;
    let raw = rest.trim_start_matches(is_ws).strip_prefix('=')?;
    let raw = raw.trim_start_matches(is_ws);
    let (v, rest) = value(raw)?;
    end_ok(rest).then_some((k, v, raw.starts_with(['"', '\''])))
}

/// Lines of `text` with their 1-based numbers and the byte offset where the next line starts;
/// a CRLF's \r is dropped only where a \n follows (a lone \r is not a line ending in TOML).
/// memchr per line: `split('\n')` into a Vec was a tenth of the instructions on a 1,000-profile
/// file (callgrind).
fn lines(text: &str, first_line: usize) -> impl Iterator<Item = (usize, &str, usize)> {
    let mut rest = Some(text);
    let mut line_no = first_line;
    std::iter::from_fn(move || {
        let r = rest?;
        let (raw, next) = match memchr::memchr(b'\n', r.as_bytes()) {
            Some(i) => (&r[..i], Some(&r[i + 1..])),
            None => (r, None),
        };
        rest = next;
        let line = match next {
            Some(_) => raw.strip_suffix('\r').unwrap_or(raw),
            None => raw,
        };
        let end = text.len() - next.map_or(0, str::len);
        line_no += 1;
        Some((line_no - 1, line, end))
    })
}

/// Checks the whole file and finds its profiles; a profile's settings are read when first
/// asked for (`entries`). Nothing is copied while checking: on a 1,000-profile file, `env`
/// needs one profile's settings, and copying every key and value was a third of its
/// instructions (callgrind).
pub fn parse(text: &str) -> Option<Parsed> {
    let shared: Arc<str> = Arc::from(text);
    let mut active = None;
    let mut file: Vec<FileProfile> = Vec::new();
    // The current table: name, where its lines start, and its keys so far (for duplicates).
    let mut table: Option<(Cow<'_, str>, usize, usize)> = None;
    let mut keys: Vec<Cow<'_, str>> = Vec::new();
    let close = |file: &mut Vec<FileProfile>, table: Option<(Cow<'_, str>, usize, usize)>, end| {
        if let Some((name, start, first_line)) = table {
            file.push(FileProfile::lazy(
                name.into_owned(),
                shared.clone(),
                start..end,
                first_line,
                entries,
            ));
        }
    };
    let mut line_start = 0;
    for (line_no, line, next_start) in lines(text, 1) {
        let this_start = std::mem::replace(&mut line_start, next_start);
        if memchr::memchr2(b'\r', 0, line.as_bytes()).is_some() {
            return None;
        }
        let line = line.trim_start_matches(is_ws);
        if line.is_empty() {
            continue;
        }
        if line.starts_with('#') {
            if line.chars().any(bad_control) {
                return None;
            }
            continue;
        }
        if let Some(h) = line.strip_prefix("[profiles.") {
            if h.starts_with('[') {
                return None;
            }
            let (name, rest) = key(h)?;
            let rest = rest.strip_prefix(']')?;
            if !end_ok(rest) {
                return None;
            }
            close(&mut file, table.take(), this_start);
            table = Some((name, next_start, line_no + 1));
            keys.clear();
            continue;
        }
        if line.starts_with('[') {
            return None;
        }
        let (k, v, _) = assignment(line)?;
        if table.is_some() {
            if keys.contains(&k) {
                return None;
            }
            keys.push(k);
        } else if k == "active" && active.is_none() && line.starts_with("active") {
            // Only a string is an `active`; anything else is toml_edit's to judge.
            let raw_value =
                line["active".len()..].trim_start_matches(is_ws)[1..].trim_start_matches(is_ws);
            if !(raw_value.starts_with('"') || raw_value.starts_with('\'')) {
                return None;
            }
            active = Some(v.into_owned());
        } else {
            return None;
        }
    }
    close(&mut file, table.take(), text.len());
    // A table named twice is toml_edit's to report. A set of borrowed names: sorting them was
    // another 16% on 1,000 profiles. SipHash with fixed keys: no random seed to fetch, and the
    // file is the user's own.
    let mut names: HashSet<&str, BuildHasherDefault<DefaultHasher>> =
        HashSet::with_capacity_and_hasher(file.len(), Default::default());
    if !file.iter().all(|p| names.insert(p.name.as_str())) {
        return None;
    }
    Some(Parsed { active, file })
}

/// The settings of one table that `parse` accepted: its lines from `first_line` on.
pub fn entries(body: &str, first_line: usize) -> Vec<Entry> {
    lines(body, first_line)
        .filter_map(|(line_no, line, _)| {
            let line = line.trim_start_matches(is_ws);
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let (k, v, string) = assignment(line)?;
            Some(Entry {
                key: k.into_owned(),
                line: line_no,
                value: Ok(v.into_owned()),
                string,
            })
        })
        .collect()
}
