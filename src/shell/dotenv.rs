//! `env --shell dotenv`: a `.env` file that python-dotenv 1.2 (Prefect's own reader of `.env`)
//! reads back to exactly the profile's values (dotenv/parser.py, dotenv/main.py):
//! - letters, digits and `_./:@%+,=-` go unquoted, so docker's `--env-file`, which takes the
//!   rest of the line literally, reads them too;
//! - anything else in single quotes, where only `\\` and `\'` are escapes and a newline may
//!   stand as it is;
//! - a value with a carriage return in double quotes with `\r`/`\n` escapes: python opens the
//!   file with universal newlines, which would read a raw CR as a line break.
//!
//! python-dotenv expands `${NAME}` in every value, quoted or not, with no escape: such a value
//! cannot be written exactly, and is refused.

use super::Plan;

fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_./:@%+,=-".contains(c)
}

/// One value as python-dotenv reads it back, or why it cannot be.
pub fn quote(value: &str) -> Result<String, &'static str> {
    if value.contains("${") {
        return Err("python-dotenv would expand the `${...}` in it");
    }
    if !value.is_empty() && value.chars().all(plain) {
        return Ok(value.to_string());
    }
    if !value.contains('\r') {
        return Ok(format!(
            "'{}'",
            value.replace('\\', "\\\\").replace('\'', "\\'")
        ));
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(out)
}

/// The file: the profile's settings, one per line. A file only sets: the names the plan
/// unsets cannot be expressed, and a process that loads it keeps what it already has.
pub fn render(plan: &Plan) -> Result<String, String> {
    let mut out = String::new();
    for (name, value) in &plan.set {
        let v = quote(value)
            .map_err(|why| format!("{name}: cannot be written to a .env file exactly: {why}"))?;
        out.push_str(&format!("{name}={v}\n"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_as_python_dotenv_reads_them() {
        assert_eq!(
            quote("https://api.prefect.cloud/api").unwrap(),
            "https://api.prefect.cloud/api"
        );
        assert_eq!(quote("").unwrap(), "''");
        assert_eq!(quote("it's a\\b").unwrap(), "'it\\'s a\\\\b'");
        assert_eq!(quote("a\nb").unwrap(), "'a\nb'");
        assert_eq!(quote("a\r\n\"b").unwrap(), "\"a\\r\\n\\\"b\"");
        assert!(quote("${HOME}").is_err());
    }
}
