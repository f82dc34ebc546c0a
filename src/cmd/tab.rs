//! A TAB press (`COMPLETE=SHELL prefectx -- prefectx WORDS...`): the clap tree it is answered
//! from, pruned to the subcommand being completed, and bash's answer, quoted by us. Candidates
//! themselves come from `complete.rs`, which the clap types in `cli/` name.

/// A bash TAB press (`COMPLETE=bash prefectx -- WORDS`), answered here rather than by
/// clap_complete's bash writer, which prints candidates as they are for bash to insert
/// unquoted: a profile named `zz;touch pwn;#`, TAB, Enter ran `touch`. The word under
/// the cursor loses its quoting before clap's engine matches it, and every candidate comes back
/// quoted the way that word was opened (shell/bash.rs). Without words, the registration.
pub fn answer_bash() -> i32 {
    use crate::shell::bash;
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let Some(escape) = args.iter().position(|a| a == "--") else {
        return i32::from(!crate::sys::output::out(bash::COMPLETE));
    };
    let mut words: Vec<std::ffi::OsString> = args[escape + 1..].to_vec();
    if words.is_empty() {
        return i32::from(!crate::sys::output::out(bash::COMPLETE));
    }
    let index: usize = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse().ok())
        .unwrap_or(words.len() - 1);
    let ifs = std::env::var("_CLAP_IFS").unwrap_or_else(|_| "\n".into());
    let typed = std::env::var("_PREFECTX_TYPED").unwrap_or_default();
    let given = words
        .get(index)
        .map(|w| w.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (quoting, bare) = bash::typed_word(&typed, &given);
    if let Some(w) = words.get_mut(index) {
        *w = bare.into();
    }
    let mut cmd = command_for_tab();
    cmd.build();
    // clap_complete reads this (our ValueHints never do; kept for parity with its writer).
    let cwd = std::env::current_dir().ok();
    let Ok(found) = clap_complete::engine::complete(&mut cmd, words, index, cwd.as_deref()) else {
        return 1;
    };
    let out: Vec<String> = found
        .iter()
        .filter_map(|c| bash::candidate(&c.get_value().to_string_lossy(), quoting))
        .collect();
    i32::from(!crate::sys::output::out(&out.join(&ifs)))
}

/// A nushell TAB press (`COMPLETE=nu prefectx -- WORDS`, from shell/prefectx.nu's completer):
/// `value<TAB>description` lines as for fish, with each value written the way nushell reads it
/// back as one word (`nu::word`): nushell inserts a custom completer's value as it is, so a
/// profile named `zz;touch pwn;#` would otherwise run `touch` on Enter. The word being typed
/// loses an opening quote before it is matched.
pub fn answer_nu() -> i32 {
    use crate::shell::nu;
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let Some(escape) = args.iter().position(|a| a == "--") else {
        return 1;
    };
    let mut words: Vec<std::ffi::OsString> = args[escape + 1..].to_vec();
    if words.is_empty() {
        return 1;
    }
    let index = words.len() - 1;
    if let Some(w) = words.get_mut(index) {
        let typed = w.to_string_lossy().into_owned();
        *w = typed
            .trim_start_matches(['"', '\'', '`'])
            .to_string()
            .into();
    }
    let mut cmd = command_for_tab();
    cmd.build();
    let cwd = std::env::current_dir().ok();
    let Ok(found) = clap_complete::engine::complete(&mut cmd, words, index, cwd.as_deref()) else {
        return 1;
    };
    let mut out = String::new();
    for c in &found {
        let value = nu::word(&c.get_value().to_string_lossy());
        let help = c
            .get_help()
            .map(|h| crate::sys::output::safe(&h.to_string()).replace('\t', " "))
            .unwrap_or_default();
        out.push_str(&format!("{value}\t{help}\n"));
    }
    i32::from(!crate::sys::output::out(&out))
}

/// clap's Command for a TAB press (`COMPLETE=SHELL prefectx -- prefectx WORDS...`).
///
/// Building the whole tree (bin names and usage strings for every subcommand) was 56% of the
/// instructions of a completion request (callgrind). When the word being completed is
/// past an exact subcommand name, clap's engine only walks that subcommand, so the root has
/// just it; anything else (the subcommand word itself, the registration script, `help`) gets
/// the whole tree. The test below checks both answer alike for every subcommand.
pub fn command_for_tab() -> clap::Command {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    match tab_subcommand(&args, std::env::var("_CLAP_COMPLETE_INDEX").ok()) {
        Some(sub) => command_for(sub),
        None => <crate::cli::Cli as clap::CommandFactory>::command(),
    }
}

/// A root with only subcommand `sub`: built alone when cli/one.rs can (the derive building all of
/// them was another 29% of the instructions), else taken from the whole tree; the whole tree
/// when there is no such subcommand (`help` is one clap adds at build time).
fn command_for(sub: &str) -> clap::Command {
    let root = clap::Command::new("prefectx");
    if let Some(sc) = crate::cli::one::one_subcommand(sub) {
        return root.subcommand(sc);
    }
    let full = <crate::cli::Cli as clap::CommandFactory>::command();
    match full.find_subcommand(sub) {
        Some(sc) => {
            let pruned = root.subcommand(sc.clone());
            // The process exits right after answering; freeing the whole tree is wasted work.
            std::mem::forget(full);
            pruned
        }
        None => full,
    }
}

/// The subcommand the TAB press is inside, when the word being completed comes after it.
/// `args`: our own argv; clap's words follow the `--`. bash and zsh pass the word's index
/// (`_CLAP_COMPLETE_INDEX`); fish, elvish and PowerShell complete the last word.
fn tab_subcommand(args: &[std::ffi::OsString], index: Option<String>) -> Option<&str> {
    let escape = args.iter().position(|a| a == "--")?;
    let words = &args[escape + 1..];
    let index = match index {
        Some(i) => i.parse::<usize>().ok()?,
        None => words.len().checked_sub(1)?,
    };
    let sub = words.get(1)?.to_str()?;
    (index >= 2 && !sub.starts_with('-')).then_some(sub)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use std::ffi::OsString;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn finds_the_subcommand_only_past_it() {
        let a = os(&["prefectx", "--", "prefectx", "env", "p"]);
        assert_eq!(tab_subcommand(&a, Some("2".into())), Some("env"));
        assert_eq!(tab_subcommand(&a, None), Some("env"));
        assert_eq!(tab_subcommand(&a, Some("1".into())), None);
        let a = os(&["prefectx", "--", "prefectx", "en"]);
        assert_eq!(tab_subcommand(&a, None), None);
        let a = os(&["prefectx", "--", "prefectx", "--help", "x"]);
        assert_eq!(tab_subcommand(&a, None), None);
        assert_eq!(tab_subcommand(&os(&["prefectx"]), None), None);
    }

    /// Whatever the words, clap's engine answers the same from the pruned tree as from the whole
    /// one (candidates from the profiles file are the same on both sides: they read one file).
    #[test]
    fn pruned_tree_answers_like_the_whole_tree() {
        let mut full = crate::cli::Cli::command();
        full.build();
        let mut paths: Vec<Vec<String>> = Vec::new();
        for sc in full.get_subcommands() {
            paths.push(vec![sc.get_name().to_string()]);
            for sub in sc.get_subcommands() {
                paths.push(vec![sc.get_name().to_string(), sub.get_name().to_string()]);
            }
        }
        assert!(paths.len() > 25, "{paths:?}");
        let partials = [
            "",
            "p",
            "-",
            "--",
            "--p",
            "--profile",
            "-p",
            "--sh",
            "--shell=",
            "--json",
            "x",
            "PREFECT_API_",
            "PREFECT_API_URL=",
            "acme/",
            "local",
            "ephemeral",
            "-h",
            "--help",
        ];
        let mut compared = 0;
        for path in &paths {
            for before in [
                &[][..],
                &["-p", "local"][..],
                &["local"][..],
                &["--", "x"][..],
            ] {
                for cur in partials {
                    let mut words = vec!["prefectx".to_string()];
                    words.extend(path.iter().cloned());
                    words.extend(before.iter().map(|s| s.to_string()));
                    words.push(cur.to_string());
                    let index = words.len() - 1;
                    let args: Vec<OsString> = words.iter().map(OsString::from).collect();
                    let answer = |mut cmd: clap::Command| -> Vec<(String, Option<String>)> {
                        cmd.build();
                        clap_complete::engine::complete(&mut cmd, args.clone(), index, None)
                            .unwrap()
                            .into_iter()
                            .map(|c| {
                                (
                                    c.get_value().to_string_lossy().into_owned(),
                                    c.get_help().map(|h| h.to_string()),
                                )
                            })
                            .collect()
                    };
                    let whole = answer(crate::cli::Cli::command());
                    let pruned = answer(command_for(&path[0]));
                    assert_eq!(pruned, whole, "words {words:?}");
                    compared += 1;
                }
            }
        }
        assert!(compared > 1500, "{compared}");
    }
}
