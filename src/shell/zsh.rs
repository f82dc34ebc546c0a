//! zsh: the hook script and prompt escaping. Values are quoted by `sh::quote` (zsh reads
//! '...' exactly as POSIX sh does).

pub const HOOK: &str = include_str!("../../shell/prefectx.zsh");

/// Text placed literally into PROMPT: `%` starts a prompt escape and must be doubled.
pub fn escape_prompt(text: &str) -> String {
    text.replace('%', "%%")
}
