//! The catalogue of Prefect 3.9.1 setting names (docs/prefect-compat.md), embedded from
//! `data/prefect-settings.tsv`: canonical names, legacy aliases, the secret flag and the type;
//! and masking of values for display. Parsed on demand: `env`, `config`, completion and
//! `doctor` look names up.

const TSV: &str = include_str!("../../data/prefect-settings.tsv");

#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub name: &'static str,
    pub canonical: &'static str,
    pub accessor: &'static str,
    pub secret: bool,
    pub ty: &'static str,
}

impl Setting {
    pub fn is_alias(&self) -> bool {
        self.name != self.canonical
    }
}

fn parse_line(line: &'static str) -> Option<Setting> {
    let mut f = line.split('\t');
    let name = f.next()?;
    let _kind = f.next()?;
    let canonical = f.next()?;
    let accessor = f.next()?;
    let secret = f.next()? == "true";
    let ty = f.next().unwrap_or("");
    Some(Setting {
        name,
        canonical,
        accessor,
        secret,
        ty,
    })
}

pub fn all() -> impl Iterator<Item = Setting> {
    TSV.lines().skip(1).filter_map(parse_line)
}

/// Looks a name up exactly (Prefect's check is case-sensitive, docs/prefect-compat.md, "Setting names"). One substring
/// search for the line, not a parse of the whole table: `env` looks up every key of the
/// profile, and the scan was 41% of its instructions (callgrind). The pattern
/// `\nNAME\t` is put together on the stack, not with `format!`: no allocation per key.
pub fn lookup(name: &str) -> Option<Setting> {
    // Room for any setting name (the longest is 77 bytes; the test below looks up every one).
    let mut pattern = [0u8; 128];
    let n = name.len();
    if n == 0 || n + 2 > pattern.len() {
        return None;
    }
    pattern[0] = b'\n';
    pattern[1..=n].copy_from_slice(name.as_bytes());
    pattern[n + 1] = b'\t';
    let start = memchr::memmem::find(TSV.as_bytes(), &pattern[..n + 2])? + 1;
    let end = TSV[start..].find('\n').map_or(TSV.len(), |e| start + e);
    // A name holding a tab could match a longer line: the parsed name must be the name.
    parse_line(&TSV[start..end]).filter(|s| s.name == name)
}

/// The canonical name for a dotted accessor such as `api.url` (Prefect's CLI accepts these in
/// profiles; its runtime ignores them, docs/prefect-compat.md, "Setting names").
pub fn by_accessor(accessor: &str) -> Option<Setting> {
    all().find(|s| s.accessor == accessor && !s.is_alias())
}

/// True when values of this name must be masked: the catalogue's secret column, through
/// aliases; unknown names whose spelling says KEY, SECRET, PASSWORD, TOKEN or AUTH_STRING are
/// masked too, so a plugin's secret is not printed by accident.
/// A true value as Prefect reads booleans from the environment and from profiles.
pub fn truthy(v: &str) -> bool {
    matches!(
        v.to_ascii_lowercase().as_str(),
        "1" | "true" | "t" | "yes" | "y" | "on"
    )
}

/// What a masked value shows.
pub const MASK: &str = "********";

/// A value as every output but `env`/`exec` shows it: a secret setting's whole value masked,
/// and in any other value a URL's password (`http://admin:hunter2@host/api`).
/// `show` (`--show-secrets`) shows both.
pub fn mask(key: &str, value: &str, show: bool) -> String {
    if show {
        value.to_string()
    } else if is_secret(key) {
        MASK.to_string()
    } else {
        mask_url_password(value).into_owned()
    }
}

/// `scheme://user:PASSWORD@host...` with the password masked; anything else as it is.
pub fn mask_url_password(value: &str) -> std::borrow::Cow<'_, str> {
    let Some(i) = value.find("://") else {
        return value.into();
    };
    let start = i + 3;
    let authority_end = value[start..]
        .find(['/', '?', '#'])
        .map_or(value.len(), |j| start + j);
    let Some(at) = value[start..authority_end].rfind('@').map(|j| start + j) else {
        return value.into();
    };
    let Some(colon) = value[start..at].find(':').map(|j| start + j) else {
        return value.into();
    };
    format!("{}{MASK}{}", &value[..=colon], &value[at..]).into()
}

pub fn is_secret(name: &str) -> bool {
    match lookup(name) {
        Some(s) => s.secret,
        None => ["KEY", "SECRET", "PASSWORD", "TOKEN", "AUTH_STRING"]
            .iter()
            .any(|w| name.contains(w)),
    }
}

/// Names only the environment may set; `config set` refuses them (docs/prefect-compat.md, "Setting names") and `env`
/// never emits them from a profile, since they decide which file the shell follows.
pub const ENV_ONLY: [&str; 2] = ["PREFECT_HOME", "PREFECT_PROFILES_PATH"];

/// The closest known name, for "did you mean ...?".
pub fn suggest(name: &str) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    let upper = if upper.starts_with("PREFECT_") {
        upper
    } else {
        format!("PREFECT_{upper}")
    };
    let mut best: Option<(usize, &'static str)> = None;
    for s in all() {
        let d = distance(&upper, s.name);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, s.canonical));
        }
    }
    let (d, n) = best?;
    (d <= 1 + upper.len() / 5).then_some(n)
}

/// The candidate closest to `name` (case first, then edit distance), when it is close enough
/// to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let d = if c.to_lowercase() == lower {
            0
        } else {
            distance(&lower, &c.to_lowercase())
        };
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let (d, n) = best?;
    (d <= 1 + name.chars().count() / 4 && n != name).then_some(n)
}

fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Checks a value against the catalogue's type, for the common types (bool, int, float,
/// Literal). Prefect validates with pydantic (docs/prefect-compat.md, "Setting names" step 4); what we cannot judge
/// here is accepted and left to Prefect.
/// What Prefect checks beyond a value's type (bounds, upper-casing), from
/// `data/prefect-checks.tsv`, made by `scripts/prefect-checks.py` from the real package.
const CHECKS: &str = include_str!("../../data/prefect-checks.tsv");

fn checks_of(canonical: &str) -> &'static str {
    CHECKS
        .lines()
        .skip(1)
        .find_map(|l| l.strip_prefix(canonical)?.strip_prefix('\t'))
        .unwrap_or("")
}

/// True when Prefect's environment source decodes `canonical`'s value as JSON (the `json`
/// check), so a string from the profile or a TOML file must be exported JSON-quoted to reach
/// Prefect as the same string (docs/prefect-compat.md, "Values read as JSON from the
/// environment").
pub fn reads_json(canonical: &str) -> bool {
    checks_of(canonical).split_whitespace().any(|c| c == "json")
}

/// `s` as a JSON string literal.
pub fn json_quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// Digits with single underscores between them, as pydantic reads numbers.
fn digits(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('_')
        && !s.ends_with('_')
        && !s.contains("__")
        && s.chars().all(|c| c.is_ascii_digit() || c == '_')
}

/// An integer as pydantic's lax mode reads a string: surrounding white space, a sign, digits
/// with single underscores, and a fraction of zeros only (`1.0`, not `1.` or `1e0`).
fn parse_int(v: &str) -> Option<f64> {
    let t = v.trim();
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    let (whole, frac) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    if !digits(whole) || frac.is_some_and(|f| f.is_empty() || !f.chars().all(|c| c == '0')) {
        return None;
    }
    let n: f64 = whole.replace('_', "").parse().ok()?;
    Some(if t.starts_with('-') { -n } else { n })
}

/// A float as pydantic reads a string: white space, `inf`/`infinity`/`nan` in any case, and
/// single underscores inside the number (not first, not last).
fn parse_float(v: &str) -> Option<f64> {
    let t = v.trim();
    if t.starts_with('_') || t.ends_with('_') || t.contains("__") {
        return None;
    }
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    if body.starts_with('_') {
        return None;
    }
    t.replace('_', "").parse::<f64>().ok()
}

/// Bounds (`ge=0 gt=0 ...`) on a number; NaN fails every bound, as in Python.
fn within(n: f64, checks: &str) -> Result<(), String> {
    for c in checks.split_whitespace() {
        let Some((k, b)) = c.split_once('=') else {
            continue;
        };
        let Ok(b) = b.parse::<f64>() else { continue };
        let (ok, what) = match k {
            "ge" => (n >= b, "greater than or equal to"),
            "gt" => (n > b, "greater than"),
            "le" => (n <= b, "less than or equal to"),
            "lt" => (n < b, "less than"),
            _ => continue,
        };
        if !ok {
            let shown = c.split_once('=').map_or(c, |(_, v)| v);
            return Err(format!("Input should be {what} {shown}"));
        }
    }
    Ok(())
}

/// Checks `value` the way Prefect 3.9.1's settings model would (pydantic's lax mode): the
/// compatibility suite compares every verdict on a sample of values with Prefect's own
/// validation. Types we do not model are accepted; Prefect remains the judge there.
pub fn check_value(s: &Setting, value: &str) -> Result<(), String> {
    // An empty value is not None to pydantic: `Optional[int]` rejects it like `int` does.
    let ty = s.ty.trim_start_matches("Optional[").trim_end_matches(']');
    let checks = checks_of(s.canonical);
    match ty {
        "<class 'bool'>" | "bool" => {
            const OK: [&str; 12] = [
                "0", "off", "f", "false", "n", "no", "1", "on", "t", "true", "y", "yes",
            ];
            if OK.contains(&value.to_ascii_lowercase().as_str()) {
                Ok(())
            } else {
                Err("Input should be a valid boolean".into())
            }
        }
        "<class 'int'>" | "int" => match parse_int(value) {
            Some(n) => within(n, checks),
            None => Err("Input should be a valid integer".into()),
        },
        "<class 'float'>" | "float" => match parse_float(value) {
            Some(n) => within(n, checks),
            None => Err("Input should be a valid number".into()),
        },
        t if t.starts_with("Literal[") => {
            let choices: Vec<&str> = t["Literal[".len()..]
                .split(", ")
                .map(|c| c.trim_matches(|c| c == '\'' || c == ']'))
                .collect();
            // The log levels are upper-cased before the check (`debug` is fine).
            let v = if checks.split_whitespace().any(|c| c == "upper") {
                value.to_uppercase()
            } else {
                value.to_string()
            };
            if choices.contains(&v.as_str()) {
                Ok(())
            } else {
                Err(format!("Input should be one of {}", choices.join(", ")))
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords_are_masked() {
        assert_eq!(
            mask_url_password("http://admin:hunter2@host:4200/api"),
            "http://admin:********@host:4200/api"
        );
        assert_eq!(
            mask_url_password("https://u:p@w:x@h/a@b"),
            "https://u:********@h/a@b"
        );
        assert_eq!(
            mask_url_password("http://user@host/api"),
            "http://user@host/api"
        );
        assert_eq!(mask_url_password("http://host/a:b@c"), "http://host/a:b@c");
        assert_eq!(mask_url_password("not a url"), "not a url");
        assert_eq!(
            mask("PREFECT_API_URL", "http://a:b@h", false),
            "http://a:********@h"
        );
        assert_eq!(
            mask("PREFECT_API_URL", "http://a:b@h", true),
            "http://a:b@h"
        );
        assert_eq!(mask("PREFECT_API_KEY", "pnu_x", false), MASK);
    }

    #[test]
    fn catalogue_has_prefect_counts() {
        assert_eq!(all().count(), 332);
        assert_eq!(all().filter(|s| s.is_alias()).count(), 105);
    }

    #[test]
    fn lookup_finds_every_name_and_only_exact_names() {
        for s in all() {
            assert_eq!(lookup(s.name).map(|l| l.canonical), Some(s.canonical));
        }
        assert!(lookup("PREFECT_API_KEY\tcanonical").is_none());
        assert!(lookup("PREFECT_API").is_none());
        assert!(lookup("").is_none());
    }

    #[test]
    fn aliases_and_secrets() {
        let a = lookup("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE").unwrap();
        assert_eq!(a.canonical, "PREFECT_SERVER_EPHEMERAL_ENABLED");
        assert!(is_secret("PREFECT_API_KEY"));
        assert!(is_secret("PREFECT_API_DATABASE_PASSWORD"));
        assert!(!is_secret("PREFECT_API_URL"));
        assert_eq!(by_accessor("api.url").unwrap().name, "PREFECT_API_URL");
    }

    #[test]
    fn did_you_mean() {
        assert_eq!(suggest("PREFECT_API_ULR"), Some("PREFECT_API_URL"));
        assert_eq!(suggest("prefect_api_url"), Some("PREFECT_API_URL"));
        assert_eq!(suggest("api_key"), Some("PREFECT_API_KEY"));
        assert_eq!(suggest("TOTALLY_UNRELATED_THING_HERE"), None);
    }

    #[test]
    fn value_types() {
        let b = lookup("PREFECT_CLI_COLORS").unwrap();
        assert!(check_value(&b, "false").is_ok());
        assert!(check_value(&b, "maybe").is_err());
        let i = lookup("PREFECT_CLIENT_MAX_RETRIES").unwrap();
        assert!(check_value(&i, "3").is_ok());
        assert!(check_value(&i, "abc").is_err());
        let l = lookup("PREFECT_LOGGING_LEVEL").unwrap();
        assert!(check_value(&l, "DEBUG").is_ok());
        assert!(check_value(&l, "LOUD").is_err());
    }
}
