//! A `.env` file read as python-dotenv 1.2 reads it (Prefect 3.9.1 reads `./.env` through
//! pydantic-settings, which calls `dotenv_values`): `export ` prefix, `'single'` and
//! `"double"` quotes (multi-line), their escapes, comments, and `${NAME}` / `${NAME:-default}`
//! expanded in every value, quoted or not, from the environment and then the lines above.
//!
//! dotenvy, the well-kept Rust crate, differs on purpose in ways that matter here: it expands
//! `$NAME` too, does not expand inside single quotes and refuses lines python-dotenv skips. A
//! value that reads differently would be a value Prefect does not use, so this follows
//! python-dotenv's parser (dotenv/parser.py, dotenv/variables.py) line by line.

/// `(key, value)` in file order; a key without `=` has no value and is left out, as
/// pydantic-settings leaves it out. `env` looks names up for `${NAME}`.
pub fn parse(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Vec<(String, String)> {
    let raw = bindings(text.strip_prefix('\u{feff}').unwrap_or(text));
    let mut out: Vec<(String, String)> = Vec::new();
    for (key, value) in raw {
        let Some(value) = value else { continue };
        // python-dotenv resolves with override=True: the lines above win over the environment.
        let lookup = |name: &str| {
            out.iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .or_else(|| env(name))
        };
        let value = expand(&value, &lookup);
        out.push((key, value));
    }
    out
}

fn is_ws(c: char) -> bool {
    c.is_whitespace() && c != '\n' && c != '\r'
}

struct Reader<'a> {
    s: &'a str,
    i: usize,
}

impl Reader<'_> {
    fn rest(&self) -> &str {
        &self.s[self.i..]
    }
    fn skip_while(&mut self, f: impl Fn(char) -> bool) -> &str {
        let start = self.i;
        let n: usize = self
            .rest()
            .chars()
            .take_while(|c| f(*c))
            .map(char::len_utf8)
            .sum();
        self.i += n;
        &self.s[start..self.i]
    }
    /// The rest of the line and its line end: what python-dotenv skips after an error.
    fn skip_line(&mut self) {
        self.skip_while(|c| c != '\n' && c != '\r');
        if self.rest().starts_with("\r\n") {
            self.i += 2;
        } else if self.rest().starts_with(['\n', '\r']) {
            self.i += 1;
        }
    }
    /// A quoted value starting at the quote: the text up to the closing quote, where a
    /// backslash always takes the next character with it.
    fn quoted(&mut self, q: char) -> Option<String> {
        let body = &self.rest()[1..];
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '\\' {
                chars.next()?;
            } else if c == q {
                let v = body[..i].to_string();
                self.i += 1 + i + 1;
                return Some(v);
            }
        }
        None
    }
}

/// One binding per statement; a statement python-dotenv cannot parse is skipped to its line end.
fn bindings(text: &str) -> Vec<(String, Option<String>)> {
    let mut r = Reader { s: text, i: 0 };
    let mut out = Vec::new();
    while r.i < r.s.len() {
        // After an error python-dotenv skips the rest of the line from where it stopped.
        match binding(&mut r) {
            Some(Some(b)) => out.push(b),
            Some(None) => {}
            None => r.skip_line(),
        }
    }
    out
}

/// `None`: an error; `Some(None)`: a comment or blank; `Some(Some(..))`: a binding.
#[allow(clippy::option_option)]
fn binding(r: &mut Reader) -> Option<Option<(String, Option<String>)>> {
    r.skip_while(char::is_whitespace);
    if r.i >= r.s.len() {
        return Some(None);
    }
    if let Some(after) = r.rest().strip_prefix("export") {
        if after.starts_with(is_ws) {
            r.i += "export".len();
            r.skip_while(is_ws);
        }
    }
    let key = if r.rest().starts_with('#') {
        None
    } else if r.rest().starts_with('\'') {
        let body = &r.rest()[1..];
        let end = body.find('\'').filter(|e| *e > 0)?;
        let k = body[..end].to_string();
        r.i += end + 2;
        Some(k)
    } else {
        let k = r
            .skip_while(|c| c != '=' && c != '#' && !c.is_whitespace())
            .to_string();
        if k.is_empty() {
            return None;
        }
        Some(k)
    };
    r.skip_while(is_ws);
    let mut value = None;
    if r.rest().starts_with('=') {
        r.i += 1;
        let ws = r.skip_while(is_ws).len();
        value = Some(if ws > 0 && r.rest().starts_with('#') {
            String::new()
        } else if r.rest().starts_with('\'') {
            unescape(&r.quoted('\'')?, "\\'")
        } else if r.rest().starts_with('"') {
            unescape(&r.quoted('"')?, "\\'\"abfnrtv")
        } else if r.rest().is_empty() || r.rest().starts_with(['\n', '\r']) {
            String::new()
        } else {
            let part = r.skip_while(|c| c != '\n' && c != '\r');
            unquoted(part)
        });
    }
    // An optional comment, then the line end.
    let save = r.i;
    r.skip_while(is_ws);
    if r.rest().starts_with('#') {
        r.skip_while(|c| c != '\n' && c != '\r');
    } else {
        r.i = save;
    }
    r.skip_while(is_ws);
    if r.rest().starts_with("\r\n") {
        r.i += 2;
    } else if r.rest().starts_with(['\n', '\r']) {
        r.i += 1;
    } else if !r.rest().is_empty() {
        return None;
    }
    Some(key.map(|k| (k, value)))
}

/// An unquoted value: a comment starts at whitespace followed by `#`; trailing space goes.
fn unquoted(part: &str) -> String {
    let mut cut = part.len();
    let b = part.as_bytes();
    for (i, c) in part.char_indices() {
        if c == '#' && i > 0 && (b[i - 1] as char).is_whitespace() {
            cut = part[..i].trim_end().len();
            break;
        }
    }
    part[..cut].trim_end().to_string()
}

/// `\x` escapes for x in `which`, decoded as Python's unicode-escape codec decodes them.
fn unescape(s: &str, which: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&n) = chars.peek() {
                if which.contains(n) {
                    chars.next();
                    out.push(match n {
                        'a' => '\u{7}',
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'v' => '\u{b}',
                        other => other,
                    });
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// `${NAME}` and `${NAME:-default}`; nothing else (python-dotenv's `_posix_variable`).
fn expand(value: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let body = &rest[start + 2..];
        let Some(end) = body.find('}') else { break };
        let inner = &body[..end];
        let (name, default) = match inner.find(":-") {
            Some(d) => (&inner[..d], Some(&inner[d + 2..])),
            None => (inner, None),
        };
        if name.contains(':') {
            // Not a variable by python-dotenv's pattern: `${` stays literal; go on after it.
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            continue;
        }
        out.push_str(&rest[..start]);
        out.push_str(&lookup(name).unwrap_or_else(|| default.unwrap_or("").to_string()));
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Vec<(String, String)> {
        parse(text, &|n| (n == "HOME").then(|| "/h".to_string()))
    }

    fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_what_python_dotenv_reads() {
        assert_eq!(
            p("export A=1\nB = \"x # y\" # c\nC='it\\'s ${HOME}'\nD=a b # c\nE\nF=\"l1\nl2\\n\"\n#G=1\n"),
            kv(&[
                ("A", "1"),
                ("B", "x # y"),
                ("C", "it's /h"),
                ("D", "a b"),
                ("F", "l1\nl2\n")
            ])
        );
        assert_eq!(
            p("A=${NOPE:-d}/${HOME}\nB=${A}x\nC=#v\nD= #c\n"),
            kv(&[("A", "d//h"), ("B", "d//hx"), ("C", "#v"), ("D", "")])
        );
        // A line python-dotenv cannot parse is skipped; the next one is read.
        assert_eq!(p("A=\"open\nB=2\n"), kv(&[("B", "2")]));
        assert_eq!(p("A=\"l1\nl2\" junk\nB=2"), kv(&[("B", "2")]));
        assert_eq!(p("'' = 1\nB=2\n"), kv(&[("B", "2")]));
        assert_eq!(p("A='x' junk\nB=2"), kv(&[("B", "2")]));
    }
}
