//! The fast reader checked against toml_edit: whenever it accepts a file, toml_edit
//! reads the very same profiles, line numbers included.
#![cfg(test)]

use super::fast::*;
use super::FileProfile;
use super::{Location, Source};
use crate::prefect::profiles::Profiles;
use proptest::prelude::*;

type Flat = Vec<(String, Vec<(String, usize, String)>)>;

fn full(text: &str) -> Option<(Option<String>, Flat)> {
    let loc = Location {
        path: "/p.toml".into(),
        source: Source::ProfilesPathEnv,
    };
    let p = Profiles::parse_full(&loc, text).ok()?;
    Some((p.active, flatten(&p.file)))
}

fn flatten(f: &[FileProfile]) -> Flat {
    f.iter()
        .map(|p| {
            let e = p
                .entries()
                .iter()
                .map(|e| {
                    (
                        e.key.clone(),
                        e.line,
                        e.value.clone().unwrap_or_else(|w| format!("ERR {w}")),
                    )
                })
                .collect();
            (p.name.clone(), e)
        })
        .collect()
}

#[test]
fn reads_what_prefect_writes() {
    let text = "active = \"a\"\n\n[profiles.a]\nPREFECT_API_URL = \"http://x/api\" # c\nK = 'lit'\nB = false\nN = -3\n\n[profiles.\"b c\"]\n";
    let p = parse(text).unwrap();
    assert_eq!(p.active.as_deref(), Some("a"));
    assert_eq!((p.active.clone(), flatten(&p.file)), full(text).unwrap());
}

#[test]
fn leaves_the_rest_to_toml_edit() {
    for t in [
        "x = 1\n",
        "active = 3\n",
        "[profiles]\na = {}\n",
        "[profiles.a]\nK = [1]\n",
        "[profiles.a]\nK = 1.5\n",
        "[profiles.a]\nK = \"\\u0041\"\n",
        "[profiles.a]\nK = \"1\"\nK = \"2\"\n",
        "[profiles.a]\n[profiles.a]\n",
        "[profiles.a.b]\n",
        "[profiles.a]\na.b = 1\n",
        "[profiles.a]\nK = 01\n",
        "[profiles.a]\nK = \"\"\"x\"\"\"\n",
        "[profiles.a]\nK = \"x\" y\n",
        "[profiles.a\n",
    ] {
        assert!(parse(t).is_none(), "{t:?}");
    }
}

fn piece() -> impl Strategy<Value = String> {
    let atom = prop::sample::select(vec![
        "active",
        "\"active\"",
        "'a b'",
        "PREFECT_X",
        "x-y",
        "\"q\\\"x\"",
        "\"\"",
        "1",
        "true",
        "false",
        "-0",
        "+7",
        "007",
        "1.5",
        "'lit'",
        "\"s\\n\\t\\\\\"",
        "\"\\u00e9\"",
        "=",
        " ",
        "\t",
        "#",
        "# c",
        "[profiles.",
        "[profiles.\"n m\"]",
        "]",
        "[",
        "\"",
        "'",
        "é",
        "\r",
        "[profiles.a]",
        "[profiles.b]",
        "\n",
        "\n",
        "\n",
        "a.b",
        "{}",
        "[1]",
    ]);
    prop::collection::vec(atom, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, failure_persistence: None, ..ProptestConfig::default() })]
    /// Whenever the fast reader accepts a text, toml_edit reads the very same profiles.
    #[test]
    fn agrees_with_toml_edit(text in piece()) {
        if let Some(p) = parse(&text) {
            let f = full(&text);
            prop_assert!(f.is_some(), "fast accepted what toml_edit rejects: {text:?}");
            prop_assert_eq!((p.active.clone(), flatten(&p.file)), f.unwrap(), "{:?}", text);
        }
    }
}
