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
