//! zsh: the hook script and prompt escaping. Values are quoted by `sh::quote` (zsh reads
//! '...' exactly as POSIX sh does).

pub const HOOK: &str = include_str!("../../shell/prefectx.zsh");

/// Text placed literally into PROMPT, safe with and without `setopt prompt_subst` (oh-my-zsh
/// and many setups turn it on; an earlier version ran `$(...)` from a profile name and from a workspace
/// handle served by the Cloud API at every prompt):
/// - `%` starts a prompt escape: doubled;
/// - `$` and `\` are each followed by `%{%}`, an empty prompt escape: with prompt_subst, `$%`
///   starts no expansion and `\%` escapes nothing, and the empty escape then vanishes; without
///   it, both show as themselves;
/// - `` ` `` has no form that is literal in both modes (only a backslash quotes it, and that
///   backslash shows without prompt_subst), so it is shown as `?`, as `ls` shows what it cannot.
pub fn escape_prompt(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => s.push_str("%%"),
            '$' => s.push_str("$%{%}"),
            '\\' => s.push_str("\\%{%}"),
            '`' => s.push('?'),
            _ => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_text_expands_to_nothing() {
        assert_eq!(escape_prompt("prod:acme/prod"), "prod:acme/prod");
        assert_eq!(escape_prompt("a%b"), "a%%b");
        assert_eq!(escape_prompt("$(x)"), "$%{%}(x)");
        assert_eq!(escape_prompt("\\$"), "\\%{%}$%{%}");
        assert_eq!(escape_prompt("`x`"), "?x?");
    }
}
