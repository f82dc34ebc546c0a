//! POSIX sh quoting, also used for bash and zsh: all three read '...' the same way, byte for
//! byte, newlines included; only `'` itself needs the '\'' dance. ANSI-C `$'...'` is avoided
//! because dash does not have it.

pub fn quote(value: &str) -> String {
    // Words made only of these need no quotes in any POSIX shell (and read better in hints).
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./:@%+,=".contains(c);
    if !value.is_empty() && value.chars().all(safe) && !value.starts_with('=') {
        return value.to_string();
    }
    let mut q = String::with_capacity(value.len() + 2);
    q.push('\'');
    for c in value.chars() {
        if c == '\'' {
            q.push_str("'\\''");
        } else {
            q.push(c);
        }
    }
    q.push('\'');
    q
}

pub fn export(out: &mut String, name: &str, value: &str) {
    out.push_str("export ");
    out.push_str(name);
    out.push('=');
    out.push_str(&quote(value));
    out.push_str(";\n");
}

pub fn unset(out: &mut String, name: &str) {
    out.push_str("unset ");
    out.push_str(name);
    out.push_str(";\n");
}

pub fn set_local(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push('=');
    out.push_str(&quote(value));
    out.push_str(";\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("local"), "local");
        assert_eq!(quote("http://x:1/api"), "http://x:1/api");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("~"), "'~'");
        assert_eq!(quote("a'b"), "'a'\\''b'");
        assert_eq!(quote("$(x)`y`\\"), "'$(x)`y`\\'");
    }
}
