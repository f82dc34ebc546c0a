//! PowerShell quoting: verbatim single-quoted strings, where every one of the five
//! single-quote characters (' U+2018 U+2019 U+201A U+201B) ends the string unless doubled.

const QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

pub fn quote(value: &str) -> String {
    let mut q = String::with_capacity(value.len() + 2);
    q.push('\'');
    for c in value.chars() {
        q.push(c);
        if QUOTES.contains(&c) {
            q.push(c);
        }
    }
    q.push('\'');
    q
}

pub fn export(out: &mut String, name: &str, value: &str) {
    out.push_str("$env:");
    out.push_str(name);
    out.push_str(" = ");
    out.push_str(&quote(value));
    out.push('\n');
}

pub fn unset(out: &mut String, name: &str) {
    out.push_str("Remove-Item -ErrorAction SilentlyContinue Env:");
    out.push_str(name);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_all_five_quotes() {
        assert_eq!(quote("a'b"), "'a''b'");
        assert_eq!(quote("it\u{2019}s"), "'it\u{2019}\u{2019}s'");
        assert_eq!(
            quote("\u{2018}\u{201A}\u{201B}"),
            "'\u{2018}\u{2018}\u{201A}\u{201A}\u{201B}\u{201B}'"
        );
        assert_eq!(quote("$env:X `n"), "'$env:X `n'");
    }
}
