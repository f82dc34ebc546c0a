//! The profiles file, read: which profiles exist, which is active, and what each one sets.
//! Prefect's bundled profiles (docs/prefect-compat.md, "Bundled profiles") count as present whenever the file lacks them.
//! Writing lives in `store.rs` (atomic save) and `edit.rs` (format-preserving changes).

use std::path::Path;

use toml_edit::{Document, Item, Value};

use crate::error::{Error, Result};
use crate::output::q;
use crate::paths::Location;
use crate::settings;

/// Prefect 3.9.1's `settings/profiles.toml`, byte for byte in meaning (docs/prefect-compat.md, "Bundled profiles").
pub const BUNDLED: &[(&str, &[(&str, &str)])] = &[
    ("ephemeral", &[("PREFECT_SERVER_EPHEMERAL_ENABLED", "true")]),
    ("local", &[("PREFECT_API_URL", "http://127.0.0.1:4200/api")]),
    (
        "test",
        &[
            ("PREFECT_SERVER_EPHEMERAL_ENABLED", "true"),
            (
                "PREFECT_SERVER_DATABASE_CONNECTION_URL",
                "sqlite+aiosqlite:///:memory:",
            ),
        ],
    ),
    ("cloud", &[]),
];
pub const DEFAULT_PROFILE: &str = "ephemeral";

pub fn bundled(name: &str) -> Option<&'static [(&'static str, &'static str)]> {
    BUNDLED.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// One `KEY = value` line of a profile table, as found.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub line: usize,
    /// The value as Prefect would stringify it, or why it cannot be used.
    pub value: std::result::Result<String, String>,
}

#[derive(Debug, Clone)]
pub struct FileProfile {
    pub name: String,
    entries: std::cell::OnceCell<Vec<Entry>>,
    /// From the fast reader: the file and the byte range and first line of this table, read
    /// into `entries` when first asked (fastread.rs, issue 7).
    lines: Option<(std::sync::Arc<str>, std::ops::Range<usize>, usize)>,
}

impl FileProfile {
    pub fn new(name: String, entries: Vec<Entry>) -> FileProfile {
        FileProfile {
            name,
            entries: std::cell::OnceCell::from(entries),
            lines: None,
        }
    }

    pub fn lazy(
        name: String,
        text: std::sync::Arc<str>,
        range: std::ops::Range<usize>,
        first_line: usize,
    ) -> FileProfile {
        FileProfile {
            name,
            entries: std::cell::OnceCell::new(),
            lines: Some((text, range, first_line)),
        }
    }

    /// The table's `KEY = value` lines, in file order.
    pub fn entries(&self) -> &[Entry] {
        self.entries.get_or_init(|| match &self.lines {
            Some((text, range, first_line)) => {
                crate::fastread::entries(&text[range.clone()], *first_line)
            }
            None => Vec::new(),
        })
    }
}

#[derive(Debug)]
pub struct Profiles {
    pub loc: Location,
    pub exists: bool,
    pub active: Option<String>,
    pub file: Vec<FileProfile>,
}

/// A profile ready to apply: names checked, aliases made canonical, values stringified.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub name: String,
    pub in_file: bool,
    pub settings: Vec<(String, String)>,
    /// One line each, already naming file, line, profile and key.
    pub warnings: Vec<String>,
}

impl Resolved {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a profile is the one in effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selected {
    Flag,
    EnvVar,
    Active,
    Default,
}

impl Selected {
    pub fn describe(self) -> &'static str {
        match self {
            Selected::Flag => "from -p/--profile",
            Selected::EnvVar => "from PREFECT_PROFILE",
            Selected::Active => "the file's `active`",
            Selected::Default => "Prefect's default",
        }
    }
}

/// True for names we may hand to a shell: `PREFECT_[A-Z0-9_]+`.
pub fn is_emittable(name: &str) -> bool {
    name.strip_prefix("PREFECT_").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    })
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Line numbers for many offsets of one text: computed once, looked up by binary search
/// (a per-key scan from the start made a 3,000-profile file take half a second).
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex(starts)
    }

    fn line(&self, offset: usize) -> usize {
        match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

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

/// Python's `str()` of a TOML value, which is what Prefect writes (docs/prefect-compat.md, "Writing the file").
fn stringify(v: &Value) -> std::result::Result<String, String> {
    match v {
        Value::String(s) => {
            let s = s.value();
            if s.contains('\0') {
                Err("the value contains a NUL byte".into())
            } else {
                Ok(s.clone())
            }
        }
        Value::Integer(i) => Ok(i.value().to_string()),
        Value::Float(f) => Ok(py_float(*f.value())),
        Value::Boolean(b) => Ok(if *b.value() { "True" } else { "False" }.into()),
        Value::Datetime(_) => Err("a date/time is not a supported value; quote it".into()),
        Value::Array(_) => Err("an array is not a supported value".into()),
        Value::InlineTable(_) => Err("a table is not a supported value".into()),
    }
}

/// Python's `repr(float)`: shortest round-trip digits, exponent form outside [1e-4, 1e16).
pub fn py_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sci = format!("{f:e}"); // e.g. "1.5e-7", "1e20"
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..16).contains(&exp) {
        let s = format!("{f}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

impl Profiles {
    /// Loads the file at `loc`, or Prefect's defaults when there is none.
    pub fn load(loc: &Location) -> Result<Profiles> {
        match read_text(&loc.path)? {
            None => Ok(Profiles {
                loc: loc.clone(),
                exists: false,
                active: None,
                file: Vec::new(),
            }),
            Some(text) => Profiles::parse(loc, &text),
        }
    }

    /// Reads `text`: the fast reader when the file has the usual shape, else toml_edit.
    pub fn parse(loc: &Location, text: &str) -> Result<Profiles> {
        match crate::fastread::parse(text) {
            Some(p) => Ok(Profiles {
                loc: loc.clone(),
                exists: true,
                active: p.active,
                file: p.file,
            }),
            None => Profiles::parse_full(loc, text),
        }
    }

    /// Reads `text` with toml_edit (any TOML; exact error positions).
    pub fn parse_full(loc: &Location, text: &str) -> Result<Profiles> {
        let path = &loc.path;
        let doc = Document::parse(text).map_err(|e| syntax_error(path, text, &e))?;
        let root = doc.as_table();
        let lines = LineIndex::new(text);
        let at = |span: Option<std::ops::Range<usize>>| span.map_or(1, |s| lines.line(s.start));

        let active = match root.get("active") {
            None => None,
            Some(item) => match item.as_str() {
                Some(s) => Some(s.to_string()),
                None => {
                    return Err(Error::new(format!(
                        "{}:{}: key 'active': must be a string naming a profile, found {}",
                        path.display(),
                        at(item.span()),
                        item.type_name()
                    )))
                }
            },
        };

        let mut file = Vec::new();
        if let Some(item) = root.get("profiles") {
            let Some(table) = item.as_table_like() else {
                return Err(Error::new(format!(
                    "{}:{}: key 'profiles': must be a table of profiles, found {}",
                    path.display(),
                    at(item.span()),
                    item.type_name()
                )));
            };
            for (name, item) in table.iter() {
                let key_line = table
                    .key(name)
                    .and_then(|k| k.span())
                    .map_or(1, |s| lines.line(s.start));
                let Some(settings) = item.as_table_like() else {
                    return Err(Error::new(format!(
                        "{}:{key_line}: profile {}: must be a table of settings, found {}",
                        path.display(),
                        q(name),
                        item.type_name()
                    )));
                };
                let mut entries = Vec::new();
                for (key, v) in settings.iter() {
                    let line = settings
                        .key(key)
                        .and_then(|k| k.span())
                        .map_or(key_line, |s| lines.line(s.start));
                    let value = match v {
                        Item::Value(v) => stringify(v),
                        _ => Err("a table is not a supported value".into()),
                    };
                    entries.push(Entry {
                        key: key.to_string(),
                        line,
                        value,
                    });
                }
                file.push(FileProfile::new(name.to_string(), entries));
            }
        }
        Ok(Profiles {
            loc: loc.clone(),
            exists: true,
            active,
            file,
        })
    }

    pub fn file_profile(&self, name: &str) -> Option<&FileProfile> {
        self.file.iter().find(|p| p.name == name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.file_profile(name).is_some() || bundled(name).is_some()
    }

    /// File profiles in file order, then bundled ones the file lacks.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.file.iter().map(|p| p.name.clone()).collect();
        for (b, _) in BUNDLED {
            if self.file_profile(b).is_none() {
                names.push((*b).to_string());
            }
        }
        names
    }

    /// The file's `active`, if it names a profile that exists; else Prefect's default.
    pub fn global_active(&self) -> String {
        match &self.active {
            Some(a) if !a.is_empty() && self.contains(a) => a.clone(),
            _ => DEFAULT_PROFILE.to_string(),
        }
    }

    /// Prefect's order (docs/prefect-compat.md, "How Prefect chooses the profile"): flag, PREFECT_PROFILE, `active`, `ephemeral`.
    /// An explicit name that does not exist is an error; a dangling `active` falls back to
    /// the default with a warning, as Prefect does.
    pub fn select(&self, flag: Option<&str>) -> Result<(String, Selected)> {
        if let Some(name) = flag {
            self.require(name)?;
            return Ok((name.to_string(), Selected::Flag));
        }
        if let Some(env) = std::env::var("PREFECT_PROFILE")
            .ok()
            .filter(|s| !s.is_empty())
        {
            if self.contains(&env) {
                return Ok((env, Selected::EnvVar));
            }
            return Err(self.unknown(&env, " (from PREFECT_PROFILE)"));
        }
        match &self.active {
            Some(a) if !a.is_empty() => {
                if self.contains(a) {
                    Ok((a.clone(), Selected::Active))
                } else {
                    crate::output::warn(&format!(
                        "{}: active profile {} is not in the file; using '{DEFAULT_PROFILE}' as Prefect does",
                        self.loc.path.display(),
                        q(a)
                    ));
                    Ok((DEFAULT_PROFILE.to_string(), Selected::Default))
                }
            }
            _ => Ok((DEFAULT_PROFILE.to_string(), Selected::Default)),
        }
    }

    pub fn require(&self, name: &str) -> Result<()> {
        if self.contains(name) {
            Ok(())
        } else {
            Err(self.unknown(name, ""))
        }
    }

    fn unknown(&self, name: &str, from: &str) -> Error {
        let all = self.names();
        let names: Vec<String> = all.iter().map(|n| q(n)).collect();
        // `use Prod`, `use prd`: the closest name, as `config set` does for settings (issue 17).
        let hint = crate::settings::closest(name, all.iter().map(String::as_str))
            .map(|n| format!("; did you mean {}?", q(n)))
            .unwrap_or_default();
        Error::new(format!(
            "profile {}{from} not found in {}{hint}; available: {}",
            q(name),
            self.loc.path.display(),
            names.join(", ")
        ))
    }

    /// What applying `name` sets. A profile in the file uses its own table only, which is
    /// what Prefect's runtime reads (docs/prefect-compat.md, "A bundled profile named by `active`"); a bundled one missing from the file
    /// uses the bundled settings.
    pub fn resolve(&self, name: &str) -> Result<Resolved> {
        let path = self.loc.path.display();
        if let Some(p) = self.file_profile(name) {
            let mut settings: Vec<(String, String)> = Vec::new();
            let mut from_alias: Vec<(String, String)> = Vec::new();
            let mut warnings = Vec::new();
            let pname = q(name);
            for e in p.entries() {
                let key = e.key.as_str();
                let warn = |why: &str| {
                    format!(
                        "{path}:{}: profile {pname}, key {}: {why}; skipped",
                        e.line,
                        q(key)
                    )
                };
                let value = match &e.value {
                    Ok(v) => v,
                    Err(why) => {
                        warnings.push(warn(why));
                        continue;
                    }
                };
                if !is_emittable(key) {
                    let why = match settings::by_accessor(key) {
                        Some(s) => format!(
                            "dotted names are not read by Prefect's runtime; write {}",
                            s.name
                        ),
                        None => "not a Prefect setting name (PREFECT_[A-Z0-9_]+)".to_string(),
                    };
                    warnings.push(warn(&why));
                    continue;
                }
                if settings::ENV_ONLY.contains(&key) {
                    warnings.push(warn("can only come from the environment"));
                    continue;
                }
                match settings::lookup(key) {
                    Some(s) if s.is_alias() => {
                        from_alias.push((s.canonical.to_string(), value.clone()))
                    }
                    _ => settings.push((key.to_string(), value.clone())),
                }
            }
            // An alias counts only when its canonical name is absent (docs/prefect-compat.md, "Writing the file").
            for (k, v) in from_alias {
                if !settings.iter().any(|(sk, _)| *sk == k) {
                    settings.push((k, v));
                }
            }
            return Ok(Resolved {
                name: name.to_string(),
                in_file: true,
                settings,
                warnings,
            });
        }
        if let Some(b) = bundled(name) {
            return Ok(Resolved {
                name: name.to_string(),
                in_file: false,
                settings: b
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                warnings: Vec::new(),
            });
        }
        Err(self.unknown(name, ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::Source;
    use std::path::PathBuf;

    fn loc() -> Location {
        Location {
            path: PathBuf::from("/x/profiles.toml"),
            source: Source::ProfilesPathEnv,
        }
    }

    #[test]
    fn line_index_matches_a_scan() {
        let text = "a\nbb\n\nccc\n";
        let idx = LineIndex::new(text);
        for off in 0..=text.len() {
            assert_eq!(idx.line(off), line_of(text, off), "offset {off}");
        }
    }

    #[test]
    fn floats_like_python() {
        assert_eq!(py_float(1.0), "1.0");
        assert_eq!(py_float(0.1), "0.1");
        assert_eq!(py_float(1e20), "1e+20");
        assert_eq!(py_float(1.5e-7), "1.5e-07");
        assert_eq!(py_float(123456.5), "123456.5");
        assert_eq!(py_float(1e16), "1e+16");
        assert_eq!(py_float(-2.5), "-2.5");
    }

    #[test]
    fn names_and_values() {
        let p = Profiles::parse(
            &loc(),
            "active = \"a\"\n[profiles.a]\nPREFECT_CLI_COLORS = false\nPREFECT_CLIENT_MAX_RETRIES = 3\nPATH = \"/evil\"\nPREFECT_SERVER_ALLOW_EPHEMERAL_MODE = \"true\"\n\"api.url\" = \"x\"\n",
        )
        .unwrap();
        let r = p.resolve("a").unwrap();
        assert_eq!(r.get("PREFECT_CLI_COLORS"), Some("False"));
        assert_eq!(r.get("PREFECT_CLIENT_MAX_RETRIES"), Some("3"));
        assert_eq!(r.get("PREFECT_SERVER_EPHEMERAL_ENABLED"), Some("true"));
        assert_eq!(r.get("PATH"), None);
        assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
        assert!(r.warnings[0].contains(":5: profile 'a', key 'PATH'"));
        assert_eq!(p.names(), ["a", "ephemeral", "local", "test", "cloud"]);
    }

    #[test]
    fn emittable_names() {
        assert!(is_emittable("PREFECT_API_URL"));
        assert!(is_emittable("PREFECT_1"));
        assert!(!is_emittable("PREFECT_"));
        assert!(!is_emittable("PREFECT_api"));
        assert!(!is_emittable("PATH"));
        assert!(!is_emittable("PREFECT_A;rm"));
        assert!(!is_emittable("PREFECT_A B"));
    }

    #[test]
    fn broken_files_name_line_and_column() {
        let e = Profiles::parse(&loc(), "active = \"a\"\n[profiles.a\n").unwrap_err();
        assert!(e.to_string().starts_with("/x/profiles.toml:2:"), "{e}");
        let e = Profiles::parse(&loc(), "active = 3\n").unwrap_err();
        assert!(e.to_string().contains(":1: key 'active'"), "{e}");
        let e = Profiles::parse(&loc(), "profiles = \"x\"\n").unwrap_err();
        assert!(e.to_string().contains("key 'profiles'"), "{e}");
    }
}
