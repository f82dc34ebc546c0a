//! The profiles file, read: which profiles exist, which is active, and what each one sets.
//! Prefect's bundled profiles (docs/prefect-compat.md, "Bundled profiles") count as present whenever the file lacks them.
//! Writing lives in `store.rs` (atomic save) and `edit.rs` (format-preserving changes).
//!
//! Here: the model (`Profiles`, `Resolved`), resolution, and the toml_edit reader; beside it
//! the fast reader (`fast.rs`), the tables as read (`entry.rs`), Prefect's bundled profiles,
//! line numbers, file reading and Python-style values. Which profile is in effect is decided in
//! `effective.rs`.

use toml_edit::{Document, Item};

use crate::prefect::settings;
use crate::sys::error::{Error, Result};
use crate::sys::output::q;

mod bundled;
mod entry;
mod fast;
#[cfg(test)]
mod fast_agrees;
mod lines;
mod location;
mod python;
mod read;

pub use bundled::{bundled, BUNDLED, DEFAULT_PROFILE};
pub use entry::{Entry, FileProfile};
pub use location::{Location, Source};
pub use read::{read_text, syntax_error};

use lines::LineIndex;
use python::stringify;

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
    /// Prefect's built-in default, taken because the file names no `active` (effective.rs):
    /// PREFECT_PROFILE is not exported for it.
    pub implicit: bool,
    pub settings: Vec<(String, String)>,
    /// One line each, already naming file, line, profile and key.
    pub warnings: Vec<String>,
}

impl Resolved {
    /// Prefect's built-in profile `name`, as it ships (bundled.rs).
    pub fn bundled(name: &str) -> Option<Resolved> {
        Some(Resolved {
            name: name.to_string(),
            in_file: false,
            implicit: false,
            settings: bundled(name)?
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            warnings: Vec::new(),
        })
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a profile is the one in effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    Flag,
    EnvVar,
    /// This shell's `prefectx use`.
    Pin,
    /// Named by this `.prefect-profile`.
    Folder(std::path::PathBuf),
    Active,
    Default,
}

impl Selected {
    pub fn describe(&self) -> String {
        match self {
            Selected::Flag => "from -p/--profile".into(),
            Selected::EnvVar => "from PREFECT_PROFILE".into(),
            Selected::Pin => "pinned in this shell by `prefectx use`".into(),
            Selected::Folder(p) => {
                format!(
                    "named by {}",
                    crate::sys::output::safe(&p.to_string_lossy())
                )
            }
            Selected::Active => "the file's `active`".into(),
            Selected::Default => "Prefect's default".into(),
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
        match fast::parse(text) {
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
                        string: matches!(v, Item::Value(toml_edit::Value::String(_))),
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

    pub fn require(&self, name: &str) -> Result<()> {
        if self.contains(name) {
            Ok(())
        } else {
            Err(self.unknown(name, ""))
        }
    }

    pub(crate) fn unknown(&self, name: &str, from: &str) -> Error {
        let all = self.names();
        let names: Vec<String> = all.iter().map(|n| q(n)).collect();
        // `use Prod`, `use prd`: the closest name, as `config set` does for settings.
        let hint = crate::prefect::settings::closest(name, all.iter().map(String::as_str))
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
                let setting = settings::lookup(key);
                let value = match setting {
                    Some(s) if e.string && settings::reads_json(s.canonical) => {
                        settings::json_quoted(value)
                    }
                    _ => value.clone(),
                };
                match setting {
                    Some(s) if s.is_alias() => from_alias.push((s.canonical.to_string(), value)),
                    _ => settings.push((key.to_string(), value)),
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
                implicit: false,
                settings,
                warnings,
            });
        }
        Resolved::bundled(name).ok_or_else(|| self.unknown(name, ""))
    }
}

#[cfg(test)]
mod tests {
    use super::Source;
    use super::*;
    use std::path::PathBuf;

    fn loc() -> Location {
        Location {
            path: PathBuf::from("/x/profiles.toml"),
            source: Source::ProfilesPathEnv,
        }
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
