//! Which Prefect command a `prefect` command line runs, and whether it changes anything: the
//! table in data/prefect-commands.tsv (Prefect 3.9.1's command tree, checked against the real
//! package by tests/compat.rs). Protected profiles ask before the ones that change
//! (docs/protect.md).

const TSV: &str = include_str!("../../data/prefect-commands.tsv");

/// What a `prefect` command line does, as far as protection goes.
#[derive(Debug, PartialEq)]
pub struct Call {
    /// The command as Prefect names it (`deployment delete`); empty for `prefect` alone.
    pub path: String,
    /// The profile named by the root `--profile`/`-p`, which Prefect loads over the
    /// environment (prefect/cli/_app.py, `use_profile(..., override_environment_variables=True)`).
    pub profile: Option<String>,
    pub effect: Effect,
}

#[derive(Debug, PartialEq)]
pub enum Effect {
    /// Changes nothing: a listing, `--help`, a group's help.
    Read,
    /// Changes the server or the profile the command uses.
    InUse,
    /// Changes the profile named here (`transfer --to NAME`, `profile delete NAME`).
    Named(String),
}

/// Prefect matches command names with `-` and `_` dropped and case ignored when the exact name
/// is not one (prefect/cli/_app.py, `_normalize_command_names`).
fn key(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The table's `(path, class)` rows.
fn rows() -> impl Iterator<Item = (&'static str, &'static str)> {
    TSV.lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
}

/// The class of the command at `path` (space-separated), or None when Prefect has none there.
fn class(path: &str) -> Option<&'static str> {
    rows().find_map(|(p, c)| (p == path).then_some(c))
}

/// The command under `parent` that the typed word `word` names, as Prefect matches it.
fn child(parent: &str, word: &str) -> Option<String> {
    let kids: Vec<&str> = rows()
        .filter_map(|(p, _)| match parent {
            "" => Some(p),
            _ => p.strip_prefix(parent)?.strip_prefix(' '),
        })
        .filter(|k| !k.contains(' '))
        .collect();
    let name = kids.iter().find(|k| **k == word).or_else(|| {
        let m: Vec<&&str> = kids.iter().filter(|k| key(k) == key(word)).collect();
        (m.len() == 1).then(|| m[0])
    })?;
    Some(match parent {
        "" => name.to_string(),
        p => format!("{p} {name}"),
    })
}

/// The value of `--opt VALUE` or `--opt=VALUE` among `args`.
fn option(args: &[String], opt: &str) -> Option<String> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == opt {
            return it.next().cloned();
        }
        if let Some(v) = a.strip_prefix(opt).and_then(|v| v.strip_prefix('=')) {
            return Some(v.to_string());
        }
    }
    None
}

/// Classifies the arguments of a `prefect` command line. A command the table does not know
/// (a newer Prefect's, a plugin's) counts as a change: protection fails closed.
pub fn classify(args: &[String]) -> Call {
    let mut profile = None;
    let mut i = 0;
    // Root options come before the command; after it, `-p` is the command's (`worker start -p`).
    while let Some(a) = args.get(i).filter(|a| a.starts_with('-')) {
        match a.as_str() {
            "--profile" | "-p" => {
                profile = args.get(i + 1).cloned();
                i += 1;
            }
            _ => {
                if let Some(v) = a.strip_prefix("--profile=") {
                    profile = Some(v.to_string());
                }
            }
        }
        i += 1;
    }
    let rest = &args[i.min(args.len())..];
    let help = args.iter().any(|a| a == "--help")
        || args[..i.min(args.len())]
            .iter()
            .any(|a| a == "--version" || a == "-v");
    let mut path = String::new();
    let mut used = 0;
    for w in rest.iter().take_while(|w| !w.starts_with('-')) {
        match child(&path, w) {
            Some(p) => {
                path = p;
                used += 1;
            }
            None => break,
        }
    }
    let after = &rest[used..];
    let first_arg = after.iter().find(|a| !a.starts_with('-')).cloned();
    let effect = match (help, class(&path)) {
        (true, _) => Effect::Read,
        // `prefect` alone, or a group with nothing after it: Prefect prints help.
        (_, None | Some("group")) if path.is_empty() && rest.is_empty() => Effect::Read,
        (_, Some("group")) if first_arg.is_none() => Effect::Read,
        (_, Some("read")) => Effect::Read,
        (_, Some("change-to")) => option(after, "--to").map_or(Effect::InUse, Effect::Named),
        (_, Some("change-named")) => first_arg.map_or(Effect::Read, Effect::Named),
        (_, Some("api")) => match first_arg.map(|m| m.to_ascii_uppercase()).as_deref() {
            Some("GET" | "HEAD" | "OPTIONS") => Effect::Read,
            _ => Effect::InUse,
        },
        _ => Effect::InUse,
    };
    Call {
        path,
        profile,
        effect,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(line: &str) -> Call {
        classify(
            &line
                .split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn commands_are_classified_as_the_table_says() {
        assert_eq!(c("deployment ls").effect, Effect::Read);
        assert_eq!(c("deployment delete f/d").effect, Effect::InUse);
        assert_eq!(c("deployment delete f/d").path, "deployment delete");
        assert_eq!(c("deploy ./f.py:fn -n x").effect, Effect::InUse);
        assert_eq!(c("deploy init").effect, Effect::Read);
        assert_eq!(c("deploy --help").effect, Effect::Read);
        assert_eq!(c("variable ls").effect, Effect::Read);
        assert_eq!(c("variable set x 1").effect, Effect::InUse);
        assert_eq!(c("work_pool Delete p").path, "work-pool delete");
        assert_eq!(c("workpool ls").effect, Effect::Read);
        assert_eq!(c("deployment").effect, Effect::Read);
        assert_eq!(c("deployment nosuch x").effect, Effect::InUse);
        assert_eq!(c("nosuch").effect, Effect::InUse);
        assert_eq!(c("").effect, Effect::Read);
        assert_eq!(c("--version").effect, Effect::Read);
        assert_eq!(c("api GET /flows").effect, Effect::Read);
        assert_eq!(c("api post /flows/filter").effect, Effect::InUse);
        assert_eq!(
            c("transfer --from a --to prod").effect,
            Effect::Named("prod".into())
        );
        assert_eq!(c("transfer --to=prod").effect, Effect::Named("prod".into()));
        assert_eq!(
            c("profile delete prod").effect,
            Effect::Named("prod".into())
        );
        assert_eq!(c("profile use prod").effect, Effect::Read);
        assert_eq!(c("config set PREFECT_X=1").effect, Effect::InUse);
        assert_eq!(c("cloud login --key k").effect, Effect::InUse);
        assert_eq!(c("cloud workspace ls").effect, Effect::Read);
        let p = c("-p dev worker start -p pool");
        assert_eq!(
            (p.profile.as_deref(), p.effect),
            (Some("dev"), Effect::InUse)
        );
        assert_eq!(c("--profile=prod version").profile.as_deref(), Some("prod"));
    }
}
