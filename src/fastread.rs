//! A fast reader for the common shape of a profiles file: `active = "..."`, then
//! `[profiles.NAME]` tables of `KEY = "string" | 'literal' | true | false | 123`, comments and
//! blank lines. It returns None for anything else (arrays, floats, dotted keys, escapes other
//! than \" \\ \n \t \r, duplicates, ...), and toml_edit reads the file instead, so every
//! error message and odd case stays toml_edit's. Why: toml_edit builds a format-preserving
//! tree, which made `env` on a 1,000-profile file cost 3.8x a 3-profile one (issue 7); this
//! reads only. `tests::agrees_with_toml_edit` checks both readers give the same profiles.

use crate::profiles::{Entry, FileProfile};

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

/// Parses a quoted string at the start of `s`; returns (value, rest).
fn string(s: &str) -> Option<(String, &str)> {
    // Most strings have no escapes: find the closing quote with a byte scan and copy once.
    // Anything else (escapes, a backslash in a literal, control characters, triple quotes)
    // takes the careful path below.
    let b = s.as_bytes();
    let q = *b.first()?;
    let triple = b.len() >= 3 && b[1] == q && b[2] == q;
    if (q == b'"' || q == b'\'') && !triple {
        let stop = b[1..]
            .iter()
            .position(|&c| c == q || c == b'\\' || (c < b' ' && c != b'\t') || c == 0x7f);
        if let Some(i) = stop {
            if b[1 + i] == q {
                return Some((s[1..1 + i].to_string(), &s[2 + i..]));
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
                    return Some((out, &s[i + 1..]));
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
                    return Some((out, &s[i + 1..]));
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

/// A key: bare, or a quoted string. Returns (key, rest).
fn key(s: &str) -> Option<(String, &str)> {
    if s.starts_with('"') || s.starts_with('\'') {
        return string(s);
    }
    let end = s
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
        .unwrap_or(s.len());
    (end > 0).then(|| (s[..end].to_string(), &s[end..]))
}

/// What may follow a value or header: whitespace, then nothing or a comment.
fn end_ok(rest: &str) -> bool {
    let rest = rest.trim_start_matches(is_ws);
    rest.is_empty() || (rest.starts_with('#') && !rest.chars().any(bad_control))
}

/// A value, stringified as Prefect does; None when not in our subset.
fn value(s: &str) -> Option<(String, &str)> {
    if s.starts_with('"') || s.starts_with('\'') {
        return string(s);
    }
    let end = s.find(|c: char| is_ws(c) || c == '#').unwrap_or(s.len());
    let (word, rest) = s.split_at(end);
    match word {
        "true" => Some(("True".into(), rest)),
        "false" => Some(("False".into(), rest)),
        _ => {
            let digits = word.strip_prefix(['+', '-']).unwrap_or(word);
            let plain = !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && (digits == "0" || !digits.starts_with('0'));
            if !plain {
                return None;
            }
            let n: i64 = word.parse().ok()?;
            Some((n.to_string(), rest))
        }
    }
}

/// `KEY = VALUE [# comment]`.
fn assignment(line: &str) -> Option<(String, String)> {
    let (k, rest) = key(line)?;
    let rest = rest.trim_start_matches(is_ws).strip_prefix('=')?;
    let (v, rest) = value(rest.trim_start_matches(is_ws))?;
    end_ok(rest).then_some((k, v))
}

pub fn parse(text: &str) -> Option<Parsed> {
    let mut active = None;
    let mut file: Vec<FileProfile> = Vec::new();
    let segments: Vec<&str> = text.split('\n').collect();
    let last = segments.len() - 1;
    for (i, raw) in segments.into_iter().enumerate() {
        let line_no = i + 1;
        // CRLF only where a \n follows; a lone \r is not a line ending in TOML.
        let line = if i < last {
            raw.strip_suffix('\r').unwrap_or(raw)
        } else {
            raw
        };
        if line.contains('\r') || line.contains('\0') {
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
            file.push(FileProfile {
                name,
                entries: Vec::new(),
            });
            continue;
        }
        if line.starts_with('[') {
            return None;
        }
        let (k, v) = assignment(line)?;
        match file.last_mut() {
            None if k == "active" && active.is_none() && line.starts_with("active") => {
                // Only a string is an `active`; anything else is toml_edit's to judge.
                let raw_value =
                    line["active".len()..].trim_start_matches(is_ws)[1..].trim_start_matches(is_ws);
                if !(raw_value.starts_with('"') || raw_value.starts_with('\'')) {
                    return None;
                }
                active = Some(v);
            }
            None => return None,
            Some(p) => {
                if p.entries.iter().any(|e| e.key == k) {
                    return None;
                }
                p.entries.push(Entry {
                    key: k,
                    line: line_no,
                    value: Ok(v),
                });
            }
        }
    }
    // A table named twice is toml_edit's to report: checked once here on borrowed names, not
    // with a clone and a hash per profile while reading.
    let mut names: Vec<&str> = file.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    if names.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    Some(Parsed { active, file })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::{Location, Source};
    use crate::profiles::Profiles;
    use proptest::prelude::*;

    type Flat = Vec<(String, Vec<(String, usize, String)>)>;

    fn full(text: &str) -> Option<(Option<String>, Flat)> {
        let loc = Location {
            path: "/p.toml".into(),
            source: Source::ProfilesPathEnv,
        };
        let p = Profiles::parse_full(&loc, text).ok()?;
        Some((p.active, flatten(&p.file)))
    }

    fn flatten(f: &[FileProfile]) -> Flat {
        f.iter()
            .map(|p| {
                let e = p
                    .entries
                    .iter()
                    .map(|e| {
                        (
                            e.key.clone(),
                            e.line,
                            e.value.clone().unwrap_or_else(|w| format!("ERR {w}")),
                        )
                    })
                    .collect();
                (p.name.clone(), e)
            })
            .collect()
    }

    #[test]
    fn reads_what_prefect_writes() {
        let text = "active = \"a\"\n\n[profiles.a]\nPREFECT_API_URL = \"http://x/api\" # c\nK = 'lit'\nB = false\nN = -3\n\n[profiles.\"b c\"]\n";
        let p = parse(text).unwrap();
        assert_eq!(p.active.as_deref(), Some("a"));
        assert_eq!((p.active.clone(), flatten(&p.file)), full(text).unwrap());
    }

    #[test]
    fn leaves_the_rest_to_toml_edit() {
        for t in [
            "x = 1\n",
            "active = 3\n",
            "[profiles]\na = {}\n",
            "[profiles.a]\nK = [1]\n",
            "[profiles.a]\nK = 1.5\n",
            "[profiles.a]\nK = \"\\u0041\"\n",
            "[profiles.a]\nK = \"1\"\nK = \"2\"\n",
            "[profiles.a]\n[profiles.a]\n",
            "[profiles.a.b]\n",
            "[profiles.a]\na.b = 1\n",
            "[profiles.a]\nK = 01\n",
            "[profiles.a]\nK = \"\"\"x\"\"\"\n",
            "[profiles.a]\nK = \"x\" y\n",
            "[profiles.a\n",
        ] {
            assert!(parse(t).is_none(), "{t:?}");
        }
    }

    fn piece() -> impl Strategy<Value = String> {
        let atom = prop::sample::select(vec![
            "active",
            "\"active\"",
            "'a b'",
            "PREFECT_X",
            "x-y",
            "\"q\\\"x\"",
            "\"\"",
            "1",
            "true",
            "false",
            "-0",
            "+7",
            "007",
            "1.5",
            "'lit'",
            "\"s\\n\\t\\\\\"",
            "\"\\u00e9\"",
            "=",
            " ",
            "\t",
            "#",
            "# c",
            "[profiles.",
            "[profiles.\"n m\"]",
            "]",
            "[",
            "\"",
            "'",
            "é",
            "\r",
            "[profiles.a]",
            "[profiles.b]",
            "\n",
            "\n",
            "\n",
            "a.b",
            "{}",
            "[1]",
        ]);
        prop::collection::vec(atom, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4000, failure_persistence: None, ..ProptestConfig::default() })]
        /// Whenever the fast reader accepts a text, toml_edit reads the very same profiles.
        #[test]
        fn agrees_with_toml_edit(text in piece()) {
            if let Some(p) = parse(&text) {
                let f = full(&text);
                prop_assert!(f.is_some(), "fast accepted what toml_edit rejects: {text:?}");
                prop_assert_eq!((p.active.clone(), flatten(&p.file)), f.unwrap(), "{:?}", text);
            }
        }
    }
}
