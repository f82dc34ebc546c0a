//! bash: the hook script and prompt escaping. Values are quoted by `sh::quote` (bash reads
//! '...' exactly as POSIX sh does).

pub const HOOK: &str = include_str!("../../shell/prefectx.bash");

/// Text placed literally into PS1: PS1 is decoded for backslash escapes, then expanded
/// (promptvars), so `\`, `$` and `` ` `` must survive both passes.
pub fn escape_prompt(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => s.push_str("\\\\\\\\"),
            '$' => s.push_str("\\\\$"),
            '`' => s.push_str("\\\\`"),
            _ => s.push(c),
        }
    }
    s
}

/// The registration `prefectx completions bash` prints and `prefectx hook bash` includes.
pub const COMPLETE: &str = include_str!("../../shell/complete.bash");

/// How the word under the cursor was opened: bare, or inside `'...` or `"...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    Bare,
    Single,
    Double,
}

/// The word being completed as the user typed it (`typed`, from COMP_WORDS) and as bash passed
/// it (`given`, $2): how it is quoted, and its text without quoting, which candidates must
/// start with. bash 5 passes a word that opens with a quote without that quote; a bare word
/// keeps its backslashes.
pub fn typed_word(typed: &str, given: &str) -> (Quoting, String) {
    match typed.chars().next() {
        Some('\'') => (Quoting::Single, given.to_string()),
        Some('"') => (Quoting::Double, given.to_string()),
        _ => (Quoting::Bare, dequote(given)),
    }
}

/// Removes bash's quoting from a word: `\x`, `'...'` and `"..."` (unfinished quotes too).
fn dequote(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let mut it = w.chars();
    let mut quote = None;
    while let Some(c) = it.next() {
        match (quote, c) {
            (None, '\\') => out.extend(it.next()),
            (None, '\'' | '"') => quote = Some(c),
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('"'), '\\') => match it.next() {
                Some(n @ ('$' | '`' | '"' | '\\')) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            },
            (_, c) => out.push(c),
        }
    }
    out
}

/// A completion candidate as bash must insert it, given how the word was opened: bare words
/// get a backslash before every character the shell would act on; inside `'...` only `'`
/// needs its dance; inside `"...` the four characters double quotes keep special. A value with
/// a control character is not offered (it cannot be typed back safely).
pub fn candidate(value: &str, quoting: Quoting) -> Option<String> {
    if value.chars().any(char::is_control) {
        return None;
    }
    let mut s = String::with_capacity(value.len() + 4);
    for c in value.chars() {
        match quoting {
            Quoting::Bare
                if c.is_ascii() && !c.is_ascii_alphanumeric() && !"_-./:@%+,=".contains(c) =>
            {
                s.push('\\');
                s.push(c);
            }
            Quoting::Single if c == '\'' => s.push_str("'\\''"),
            Quoting::Double if "$`\"\\".contains(c) => {
                s.push('\\');
                s.push(c);
            }
            _ => s.push(c),
        }
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_quoted_for_bash() {
        use Quoting::*;
        assert_eq!(candidate("acme/prod", Bare).unwrap(), "acme/prod");
        assert_eq!(
            candidate("PREFECT_API_URL=", Bare).unwrap(),
            "PREFECT_API_URL="
        );
        assert_eq!(
            candidate("zz;touch pwn;#", Bare).unwrap(),
            "zz\\;touch\\ pwn\\;\\#"
        );
        assert_eq!(
            candidate("$(x)`y`'\"*~", Bare).unwrap(),
            "\\$\\(x\\)\\`y\\`\\'\\\"\\*\\~"
        );
        assert_eq!(candidate("日本é", Bare).unwrap(), "日本é");
        assert_eq!(candidate("it's", Single).unwrap(), "it'\\''s");
        assert_eq!(candidate("a\"$b`\\", Double).unwrap(), "a\\\"\\$b\\`\\\\");
        assert_eq!(candidate("a\nb", Bare), None);
    }

    #[test]
    fn typed_words_lose_their_quoting() {
        assert_eq!(
            typed_word("zz\\;to", "zz\\;to"),
            (Quoting::Bare, "zz;to".into())
        );
        assert_eq!(
            typed_word("'zz;t", "zz;t"),
            (Quoting::Single, "zz;t".into())
        );
        assert_eq!(typed_word("\"a b", "a b"), (Quoting::Double, "a b".into()));
        assert_eq!(dequote("a'b c'\"d\\\"\"\\ e"), "ab cd\" e");
    }
}
