//! `prefectx prompt [--format F] [--shell SH]`: the prompt segment, escaped for that shell's
//! prompt. The hook also exports it as PREFECTX_PROMPT, so prompts need not run anything.

use crate::cli::PromptArgs;
use crate::cmd::prompt_text;
use crate::shell::{bash, zsh, Shell};
use crate::sys::error::Result;
use crate::sys::output;

pub fn run(a: PromptArgs) -> Result<i32> {
    let profiles = super::common::load()?;
    let (name, why) =
        match crate::choose::effective::select(&profiles, a.profile.profile.as_deref()) {
            Ok(x) => x,
            // A `.prefect-profile` or PREFECT_PROFILE naming no profile must not break a prompt
            // that runs us at every line: `?`, and `prefectx current` says why.
            Err(_) if a.profile.profile.is_none() => {
                output::out("?\n");
                return Ok(0);
            }
            Err(e) => return Err(e),
        };
    let implicit = crate::choose::effective::implicit(&profiles, &why);
    let (r, from) = crate::choose::here::environment(&profiles, &name, implicit)?;
    let mut text = prompt_text::text(
        &r,
        a.format.as_deref(),
        // The list is read only when the segment can show the mark.
        a.format
            .as_deref()
            .is_none_or(|f| f.contains("{protected}"))
            && crate::choose::protect::is_protected(&name),
    );
    if a.format.is_none() {
        let folder = matches!(why, crate::prefect::profiles::Selected::Folder(_));
        text.push_str(prompt_text::marks(folder, !from.is_empty()));
    }
    let text = match a.shell {
        Some(Shell::Bash) => bash::escape_prompt(&text),
        Some(Shell::Zsh) => zsh::escape_prompt(&text),
        _ => text,
    };
    output::out(&format!("{text}\n"));
    Ok(0)
}
