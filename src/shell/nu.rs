//! Nushell. `env --shell nu` prints JSON for `from json | get set | load-env`; the hook
//! (shell/prefectx.nu) reads one JSON array per line (`["set", NAME, VALUE]`, `["unset", NAME]`)
//! and applies them with `load-env` and `hide-env`: nushell evaluates no code from us at all.
//! `quote` writes a nushell string literal, for the one place the hook script holds a value
//! (the binary's path).

use super::plan::Plan;

pub const HOOK: &str = include_str!("../../shell/prefectx.nu");

pub fn render(plan: &Plan) -> String {
    let set: serde_json::Map<String, serde_json::Value> = plan
        .set
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    let mut s = serde_json::json!({ "set": set, "unset": plan.unset }).to_string();
    s.push('\n');
    s
}

/// The hook's form of a plan: unsets, then sets, one operation per line.
pub fn ops(plan: &Plan) -> String {
    let mut out = String::new();
    for name in &plan.unset {
        unset(&mut out, name);
    }
    for (k, v) in &plan.set {
        export(&mut out, k, v);
    }
    out
}

pub fn export(out: &mut String, name: &str, value: &str) {
    out.push_str(&serde_json::json!(["set", name, value]).to_string());
    out.push('\n');
}

pub fn unset(out: &mut String, name: &str) {
    out.push_str(&serde_json::json!(["unset", name]).to_string());
    out.push('\n');
}

/// A double-quoted nushell string: `\` and `"` escaped, control characters as `\u{..}`
/// (nushell 0.115's escapes), so any path reads back as itself.
pub fn quote(value: &str) -> String {
    let mut q = String::with_capacity(value.len() + 2);
    q.push('"');
    for c in value.chars() {
        match c {
            '\\' => q.push_str("\\\\"),
            '"' => q.push_str("\\\""),
            c if c.is_control() => q.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// One nushell word for `value`: bare when it holds only characters nushell reads literally in
/// a bare word, else [`quote`]d (TAB inserts it as it is).
pub fn word(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./@:+=%,".contains(&b));
    if plain {
        value.to_string()
    } else {
        quote(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_ops() {
        assert_eq!(quote("/usr/bin/prefectx"), "\"/usr/bin/prefectx\"");
        assert_eq!(quote("a\"b\\c\n$(x)"), "\"a\\\"b\\\\c\\u{a}$(x)\"");
        assert_eq!(word("acme/prod"), "acme/prod");
        assert_eq!(word("zz;touch pwn;#"), "\"zz;touch pwn;#\"");
        assert_eq!(word("a b(c)"), "\"a b(c)\"");
        let mut s = String::new();
        export(&mut s, "PREFECT_X", "v\"\n");
        unset(&mut s, "PREFECT_Y");
        assert_eq!(
            s,
            "[\"set\",\"PREFECT_X\",\"v\\\"\\n\"]\n[\"unset\",\"PREFECT_Y\"]\n"
        );
    }
}
