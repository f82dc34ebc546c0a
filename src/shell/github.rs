//! `env --shell github`: a GitHub Actions step's environment for the steps after it
//! (docs.github.com, "Workflow commands for GitHub Actions": "Setting an environment variable",
//! "Multiline strings", "Masking a value in a log").
//! - stdout gets only `::add-mask::` commands, one per secret value, escaped as the runner reads
//!   command data (`%` as `%25`, CR as `%0D`, LF as `%0A`, as actions/toolkit's `escapeData`),
//!   and for a multi-line secret one more per line: the runner matches masks line by line, and a
//!   raw newline would end the command and print the lines after it;
//! - the `NAME=value` lines go to the file `$GITHUB_ENV` names, a multi-line value as
//!   `NAME<<DELIMITER`, the value, `DELIMITER`, with a random delimiter (as toolkit's
//!   `prepareKeyValueMessage`), which must not occur in the value.
//!
//! The runner reads the file line by line and joins a multi-line value with the platform's line
//! break, so a value with a carriage return cannot come through exactly, and is refused.

use super::Plan;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The masks for stdout and the text to append to `$GITHUB_ENV`, or why not.
pub fn render(
    plan: &Plan,
    is_secret: impl Fn(&str) -> bool,
    delimiter: &str,
) -> Result<(String, String), String> {
    let (mut masks, mut file) = (String::new(), String::new());
    for (name, value) in &plan.set {
        if value.contains('\r') {
            return Err(format!(
                "{name}: has a carriage return, which the runner reads as a line break; it cannot be passed through $GITHUB_ENV exactly"
            ));
        }
        if is_secret(name) && !value.is_empty() {
            masks.push_str(&format!("::add-mask::{}\n", escape_data(value)));
            if value.contains('\n') {
                for line in value.lines().filter(|l| !l.is_empty()) {
                    masks.push_str(&format!("::add-mask::{}\n", escape_data(line)));
                }
            }
        }
        if value.contains('\n') {
            if value.contains(delimiter) {
                return Err(format!("{name}: the value holds the delimiter; run again"));
            }
            file.push_str(&format!("{name}<<{delimiter}\n{value}\n{delimiter}\n"));
        } else {
            file.push_str(&format!("{name}={value}\n"));
        }
    }
    Ok((masks, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_and_values_go_to_the_file() {
        let plan = Plan {
            set: vec![
                ("PREFECT_API_KEY".into(), "pnu_1%\nline2".into()),
                ("PREFECT_API_URL".into(), "http://x/api".into()),
            ],
            unset: vec![],
        };
        let (masks, file) = render(&plan, |n| n.ends_with("KEY"), "D").unwrap();
        assert_eq!(
            masks,
            "::add-mask::pnu_1%25%0Aline2\n::add-mask::pnu_1%25\n::add-mask::line2\n"
        );
        assert_eq!(
            file,
            "PREFECT_API_KEY<<D\npnu_1%\nline2\nD\nPREFECT_API_URL=http://x/api\n"
        );
    }
}
