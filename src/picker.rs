//! The interactive profile picker: type to filter, arrows, enter; esc cancels; the current
//! one is marked. Drawn on stderr and read from the terminal, so it works inside `$(...)`.

use std::io::IsTerminal;

use dialoguer::console::Term;
use dialoguer::FuzzySelect;

use crate::error::{Error, Result};

pub fn is_interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Lets the user pick one of `names`. Ok(None) when cancelled.
pub fn pick(prompt: &str, names: &[String], current: Option<&str>) -> Result<Option<String>> {
    let labels: Vec<String> = names
        .iter()
        .map(|n| {
            let shown = n.escape_debug().to_string();
            if Some(n.as_str()) == current {
                format!("{shown} (current)")
            } else {
                shown
            }
        })
        .collect();
    let default = current
        .and_then(|c| names.iter().position(|n| n == c))
        .unwrap_or(0);
    let choice = FuzzySelect::new()
        .with_prompt(prompt)
        .items(&labels)
        .default(default)
        .interact_on_opt(&Term::stderr())
        .map_err(|e| Error::new(format!("picker: {e}")))?;
    Ok(choice.map(|i| names[i].clone()))
}
