//! `prefectx prompt [--format F] [--shell SH]`: the prompt segment, escaped for that shell's
//! prompt. The hook also exports it as PREFECTX_PROMPT, so prompts need not run anything.

use crate::cli::PromptArgs;
use crate::error::Result;
use crate::output;
use crate::prompt_text;
use crate::shell::{bash, zsh, Shell};

pub fn run(a: PromptArgs) -> Result<i32> {
    let profiles = super::load()?;
    let (name, _) = crate::effective::select(&profiles, a.profile.profile.as_deref())?;
    let r = profiles.resolve(&name)?;
    let text = prompt_text::text(&r, a.format.as_deref());
    let text = match a.shell {
        Some(Shell::Bash) => bash::escape_prompt(&text),
        Some(Shell::Zsh) => zsh::escape_prompt(&text),
        _ => text,
    };
    output::out(&format!("{text}\n"));
    Ok(0)
}
