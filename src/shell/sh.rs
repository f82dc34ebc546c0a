//! POSIX sh quoting, also used for bash and zsh: all three read '...' the same way, byte for
//! byte, newlines included; only `'` itself needs the '\'' dance. ANSI-C `$'...'` is avoided
//! because dash does not have it.

/// True when `value` needs no quotes in any POSIX shell: letters and digits of any script (no
/// shell gives a meaning to a byte above 0x7F) and `_-./:@%+,=`, not starting with `=`.
pub fn is_bare(value: &str) -> bool {
    let safe = |c: char| c.is_alphanumeric() || "_-./:@%+,=".contains(c);
    !value.is_empty() && value.chars().all(safe) && !value.starts_with('=')
}

pub fn quote(value: &str) -> String {
    // Bare words read better in hints and messages.
    if is_bare(value) {
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
        assert_eq!(quote("日本é"), "日本é");
        assert_eq!(quote("🙂"), "'🙂'");
        assert_eq!(quote("~"), "'~'");
        assert_eq!(quote("a'b"), "'a'\\''b'");
        assert_eq!(quote("$(x)`y`\\"), "'$(x)`y`\\'");
    }
}
