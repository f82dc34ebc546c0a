//! Prefect's own project files in the current folder: `.env`, `prefect.toml` and
//! `pyproject.toml [tool.prefect]`. Prefect 3.9.1 reads them from the current folder only (no
//! parents) and ranks them env > .env > prefect.toml > pyproject.toml > profile
//! (docs/prefect-compat.md, "Project files"). prefectx applies them on top of the profile only
//! where the user allowed them (trust.rs); elsewhere it says what they would change.

pub mod dotenv;
pub mod neutral;
pub mod toml_file;

use std::path::{Path, PathBuf};

use crate::prefect::profiles::is_emittable;
use crate::prefect::settings::{self, ENV_ONLY};

/// The files, weakest first, with the stamp suffix the hook scripts use for each.
pub const FILES: [(&str, &str); 3] = [
    ("pyproject.toml", "y"),
    ("prefect.toml", "t"),
    (".env", "e"),
];

/// Larger project files are not read at a prompt (a `.env` is a few lines).
const MAX_LEN: u64 = 1 << 20;

#[derive(Debug, Clone)]
pub struct File {
    pub path: PathBuf,
    /// Setting names (canonical) and values it sets, in the file's order.
    pub sets: Vec<(String, String)>,
    /// One line when the file cannot be read as Prefect reads it.
    pub error: Option<String>,
    pub trusted: bool,
    pub digest: String,
}

impl File {
    /// A file that changes what Prefect run here uses: it sets a setting or is broken.
    pub fn matters(&self) -> bool {
        !self.sets.is_empty() || self.error.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct Project {
    pub dir: PathBuf,
    /// The files that exist, weakest first.
    pub files: Vec<File>,
}

/// What `${NAME}` in a `.env` sees: the environment Prefect would have in a shell where nothing
/// was exported by prefectx, i.e. without the `PREFECT_*` names prefectx manages.
fn outside(name: &str) -> Option<String> {
    if is_emittable(name) && !ENV_ONLY.contains(&name) {
        return None;
    }
    std::env::var(name).ok()
}

/// Reads the project files of `dir`, each with its digest; None when there is none. Whether a
/// file is allowed is decided above (choose/here.rs).
pub fn scan(dir: &Path) -> Option<Project> {
    let mut files = Vec::new();
    for (name, _) in FILES {
        let path = dir.join(name);
        let mut f = File {
            path: path.clone(),
            sets: Vec::new(),
            error: None,
            trusted: false,
            digest: String::new(),
        };
        // The one hardened reader (folder_file.rs): no symlink of another user's, no FIFO, no
        // file others can write, nothing of /proc.
        match crate::sys::folder_file::read(&path, MAX_LEN) {
            Err(r) if r.is_missing() => continue,
            Err(r) => f.error = Some(r.to_string()),
            Ok(bytes) => {
                // One read: the digest and the settings come from the same bytes.
                f.digest = digest(&bytes);
                match String::from_utf8(bytes) {
                    Err(_) => f.error = Some("not UTF-8".into()),
                    Ok(text) => match read(name, &text) {
                        Ok(sets) => f.sets = sets,
                        Err(e) => f.error = Some(e),
                    },
                }
            }
        }
        files.push(f);
    }
    (!files.is_empty()).then(|| Project {
        dir: dir.to_path_buf(),
        files,
    })
}

/// The settings a file sets, by canonical name. PREFECT_HOME is left out: Prefect's runtime
/// takes it from the environment only, so exporting a project's value would move Prefect to
/// another profiles file than `prefect` run here uses (docs/prefect-compat.md).
fn read(name: &str, text: &str) -> Result<Vec<(String, String)>, String> {
    let named: Vec<(String, String)> = if name == ".env" {
        // pydantic-settings matches names case-insensitively.
        let mut out: Vec<(String, String)> = Vec::new();
        let mut by_canonical: Vec<&str> = Vec::new();
        for (k, v) in dotenv::parse(text, &outside) {
            let Some(s) = settings::lookup(&k.to_ascii_uppercase()) else {
                continue;
            };
            // Prefect's view takes the canonical name before an alias of it (cli/config.py).
            if s.is_alias() && by_canonical.contains(&s.canonical) {
                continue;
            }
            if !s.is_alias() {
                by_canonical.push(s.canonical);
            }
            if v.contains('\0') {
                return Err(nul(text, &k, s.canonical));
            }
            out.retain(|(o, _)| o != s.canonical);
            out.push((s.canonical.to_string(), v));
        }
        out
    } else {
        let header: &[&str] = if name == "pyproject.toml" {
            &["tool", "prefect"]
        } else {
            &[]
        };
        toml_file::leaves(text, header)
            .map_err(|e| format!("not valid TOML ({e}); `prefect` fails in this folder too"))?
            .into_iter()
            .filter_map(|(acc, v, string)| {
                let canonical = settings::by_accessor(&acc)?.canonical;
                Some(if v.contains('\0') {
                    Err(nul(text, acc.rsplit('.').next().unwrap_or(&acc), canonical))
                } else if string && settings::reads_json(canonical) {
                    // Read as a string from the file, as JSON from the environment.
                    Ok((canonical.to_string(), settings::json_quoted(&v)))
                } else {
                    Ok((canonical.to_string(), v))
                })
            })
            .collect::<Result<_, _>>()?
    };
    Ok(named
        .into_iter()
        .filter(|(k, _)| is_emittable(k) && k != "PREFECT_HOME")
        .collect())
}

/// A value with a NUL byte cannot reach Prefect through the environment (bash drops the byte
/// with a warning of its own, other shells cut the value): the file is refused, naming the
/// line and the key. `key` as the file spells it, `canonical` as Prefect names the setting.
fn nul(text: &str, key: &str, canonical: &str) -> String {
    let line = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.trim_start();
            let l = l.strip_prefix("export ").unwrap_or(l).trim_start();
            let l = l.trim_start_matches(['"', '\'']);
            l.get(..key.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(key))
                && l[key.len()..]
                    .trim_start_matches(['"', '\''])
                    .trim_start()
                    .starts_with('=')
        })
        .last()
        .map_or(String::new(), |(i, _)| format!("line {}: ", i + 1));
    format!("{line}{canonical}: the value holds a NUL byte, which no environment variable can carry; not applied")
}

impl Project {
    /// Files that change what Prefect uses here.
    pub fn mattering(&self) -> impl Iterator<Item = &File> {
        self.files.iter().filter(|f| f.matters())
    }

    /// True when there is something to apply and every file that matters is allowed as it is.
    pub fn trusted(&self) -> bool {
        self.mattering().next().is_some() && self.mattering().all(|f| f.trusted)
    }

    /// The merged settings, strongest last winning: `.env` over `prefect.toml` over pyproject.
    pub fn settings(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for f in &self.files {
            for (k, v) in &f.sets {
                out.retain(|(o, _)| o != k);
                out.push((k.clone(), v.clone()));
            }
        }
        out
    }

    /// PREFECT_PROFILES_PATH as Prefect's runtime finds it here: `.env`, then `prefect.toml`,
    /// then pyproject (settings/sources.py, `_get_profiles_path`).
    pub fn profiles_path(&self) -> Option<String> {
        self.files.iter().rev().find_map(|f| {
            f.sets
                .iter()
                .find(|(k, _)| k == "PREFECT_PROFILES_PATH")
                .map(|(_, v)| v.clone())
        })
    }

    /// `PATH sets A, B` for each file that matters, joined with `; `.
    pub fn describe(&self) -> String {
        self.mattering()
            .map(|f| {
                let what = match &f.error {
                    Some(e) => e.clone(),
                    None => format!(
                        "sets {}",
                        f.sets
                            .iter()
                            .map(|(k, _)| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                format!(
                    "{} {what}",
                    crate::sys::output::safe(&f.path.to_string_lossy())
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The trusted project's settings laid over `settings` (a profile's): a name the project sets
/// replaces the profile's value for it and for every alias of it. Names in `keep` stay the
/// user's. The names applied, sorted.
pub fn overlay(
    project: Option<&Project>,
    settings: &mut Vec<(String, String)>,
    keep: &[String],
) -> Vec<String> {
    let Some(p) = project.filter(|p| p.trusted()) else {
        return Vec::new();
    };
    let mut applied = Vec::new();
    for (k, v) in p.settings() {
        if is_kept(keep, &k) {
            continue;
        }
        settings.retain(|(o, _)| settings::lookup(o).map_or(o.as_str(), |s| s.canonical) != k);
        settings.push((k.clone(), v));
        applied.push(k);
    }
    applied.sort();
    applied
}

/// What keeps the project files of a folder that is not allowed absent for Prefect too
/// (docs/prefect-compat.md, "Unallowed files"): Prefect reads `.env`, `prefect.toml` and
/// pyproject itself for every setting the environment does not name, in any spelling or case,
/// and the environment beats them all. So for each setting such a file names, the value Prefect
/// would resolve without the file is exported: the profile's, else Prefect's default.
#[derive(Debug, Default)]
pub struct Absent {
    /// Exports that hold the files' settings at what Prefect resolves without them.
    pub exports: Vec<(String, String)>,
    /// Settings the files name that no exported value can hold back (default None, or
    /// computed): Prefect run here still reads them from the files.
    pub loose: Vec<String>,
}

/// The files' settings held back for a folder that is not allowed. `settings` are the
/// profile's (canonical names); `exported` says whether they are exported already (values
/// mode) or not (`--export profile`, where Prefect reads the profile itself and the files would
/// beat it). `profiles_path` is the file this shell uses. Names in `keep` are the user's.
pub fn absent(
    project: Option<&Project>,
    settings: &[(String, String)],
    exported: bool,
    profiles_path: &Path,
    keep: &[String],
) -> Absent {
    let mut out = Absent::default();
    let Some(p) = project.filter(|p| !p.trusted()) else {
        return out;
    };
    let kept = |n: &str| is_kept(keep, n);
    for f in p.mattering() {
        for (name, _) in &f.sets {
            if kept(name) || out.exports.iter().any(|(k, _)| k == name) || out.loose.contains(name)
            {
                continue;
            }
            if name == "PREFECT_PROFILES_PATH" {
                // Prefect's runtime takes the profiles file from `.env` and the TOML files too
                // (settings/sources.py, `_get_profiles_path`), unless the environment names one.
                out.exports
                    .push((name.clone(), profiles_path.to_string_lossy().into_owned()));
                continue;
            }
            match settings.iter().find(|(k, _)| k == name) {
                Some(_) if exported => {}
                Some((k, v)) => out.exports.push((k.clone(), v.clone())),
                None => match neutral::neutral(name) {
                    Some(v) => out.exports.push((name.clone(), v.to_string())),
                    None => out.loose.push(name.clone()),
                },
            }
        }
    }
    out
}

/// The digest the allow list records: SHA-256 of the file's bytes, in hex.
pub fn digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// True when `name` is kept by PREFECTX_KEEP (`keep`), in any spelling of the setting.
pub fn is_kept(keep: &[String], name: &str) -> bool {
    let canonical = |n: &str| {
        crate::prefect::settings::lookup(n).map_or(n.to_string(), |s| s.canonical.to_string())
    };
    let c = canonical(name);
    keep.iter().any(|k| k == name || canonical(k) == c)
}
