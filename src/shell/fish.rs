//! fish quoting. fish is not POSIX: inside single quotes both `\` and `'` are special, so a
//! value ending in `\` would escape the closing quote if copied from sh (fish 3: `\` and `\'` are special inside single quotes).

pub const HOOK: &str = include_str!("../../shell/prefectx.fish");

pub fn quote(value: &str) -> String {
    let mut q = String::with_capacity(value.len() + 2);
    q.push('\'');
    for c in value.chars() {
        match c {
            '\\' => q.push_str("\\\\"),
            '\'' => q.push_str("\\'"),
            _ => q.push(c),
        }
    }
    q.push('\'');
    q
}

pub fn export(out: &mut String, name: &str, value: &str) {
    out.push_str("set -gx ");
    out.push_str(name);
    out.push(' ');
    out.push_str(&quote(value));
    out.push_str(";\n");
}

/// `-g`: erase the global, never a universal variable shared with other shells.
pub fn unset(out: &mut String, name: &str) {
    out.push_str("set -e -g ");
    out.push_str(name);
    out.push_str(";\n");
}

pub fn set_local(out: &mut String, name: &str, value: &str) {
    out.push_str("set -g ");
    out.push_str(name);
    out.push(' ');
    out.push_str(&quote(value));
    out.push_str(";\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes() {
        assert_eq!(quote("a\\"), "'a\\\\'");
        assert_eq!(quote("it's"), "'it\\'s'");
        assert_eq!(quote("$x (y)"), "'$x (y)'");
    }
}
