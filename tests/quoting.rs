//! Every value survives `env` → eval in real bash, zsh, dash and fish, and `env --shell nu` →
//! load-env in nushell, byte for byte. Values are read back with `env -0`, which shows exactly what was exported.

mod common;

use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};

const SHELLS: [&str; 5] = ["bash", "zsh", "dash", "fish", "nu"];

fn corpus() -> Vec<String> {
    let mut v: Vec<String> = [
        "plain",
        "",
        "it's",
        "'",
        "''",
        "\"double\"",
        "back\\slash",
        "trailing\\",
        "\\",
        "\\\\'",
        "$(touch /tmp/prefectx-pwned)",
        "`touch /tmp/prefectx-pwned`",
        "${HOME}",
        "$HOME",
        "a;b&c|d",
        "line1\nline2",
        "\n",
        "ends with newline\n",
        "tab\there",
        "cr\rhere",
        "esc\u{1b}[31mred",
        "del\u{7f}",
        "100%",
        "%s%n",
        "~",
        "~/x",
        "a:b:c",
        "#comment",
        "!history",
        "é",
        "日本語",
        "emoji 🚀",
        "it’s",
        "‘‚‛’",
        "a'b\\'c\\",
        "{a,b}",
        "*",
        "?",
        "[x]",
        "-n",
        "--",
        " leading and trailing ",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("x".repeat(10_000));
    v
}

fn profiles_file(values: &[String]) -> String {
    let mut s = String::from("active = \"q\"\n\n[profiles.q]\n");
    for (i, v) in values.iter().enumerate() {
        s.push_str(&format!("PREFECT_V{i} = {}\n", toml_str(v)));
    }
    s
}

/// Applies a profile holding `values` in `shell` and checks each one came back exactly.
fn roundtrip(sb: &Sandbox, shell: &str, values: &[String]) -> Result<(), String> {
    sb.write_profiles(&profiles_file(values));
    let out = sb.shell(shell, &apply_and_dump(shell, "q"), &[]);
    if !out.status.success() {
        return Err(format!("{shell} failed: {}", stderr(&out)));
    }
    let env = parse_env0(&out.stdout);
    for (i, v) in values.iter().enumerate() {
        let got = env.get(&format!("PREFECT_V{i}"));
        if got != Some(v) {
            return Err(format!("{shell}: PREFECT_V{i}: sent {v:?}, got {got:?}"));
        }
    }
    if std::path::Path::new("/tmp/prefectx-pwned").exists() {
        return Err("a value ran as code".into());
    }
    Ok(())
}

#[test]
fn corpus_roundtrips_in_every_shell() {
    let sb = Sandbox::new();
    let values = corpus();
    for shell in SHELLS {
        if have(shell) {
            roundtrip(&sb, shell, &values).unwrap();
        }
    }
}

/// Characters that break quoting, weighted so that every value has several of them.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec![
            '\'', '"', '\\', '$', '`', ';', '&', '|', '\n', '\r', '\t', '\u{1b}', '\u{7f}', '%',
            '~', '#', '!', '(', ')', '{', '}', '*', '?', '[', ']', ' ', '=', ':',
            '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}', 'é', '日', '🚀',
        ]),
        2 => proptest::char::range('a', 'z'),
        1 => any::<char>().prop_filter("no NUL", |c| *c != '\0'),
    ]
}

/// `cases` lists of 300 random values, from a fixed seed so that a failure reproduces.
fn random_values(cases: u32, seed: u64) -> (TestRunner, impl Strategy<Value = Vec<String>>) {
    let runner = TestRunner::new(Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = prop::collection::vec(
        prop::collection::vec(hostile_char(), 0..40)
            .prop_map(|cs| cs.into_iter().collect::<String>()),
        300,
    );
    (runner, strategy)
}

/// Thousands of random values per shell per run: 12 cases of 300 values, with a fixed seed so
/// a failure reproduces (set PREFECTX_PROPTEST_SEED to explore other seeds).
#[test]
fn random_values_roundtrip_in_every_shell() {
    let seed = std::env::var("PREFECTX_PROPTEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_2026);
    let shells: Vec<&str> = SHELLS.into_iter().filter(|s| have(s)).collect();
    let sb = Sandbox::new();
    let (mut runner, strategy) = random_values(12, seed);
    let checked = std::cell::Cell::new(0usize);
    runner
        .run(&strategy, |values| {
            for shell in &shells {
                roundtrip(&sb, shell, &values).map_err(TestCaseError::fail)?;
            }
            checked.set(checked.get() + values.len());
            Ok(())
        })
        .unwrap();
    let checked = checked.get();
    eprintln!("random values round-tripped per shell: {checked} (seed {seed:#x})");
    assert!(checked >= 3600 || shells.is_empty());
}

/// `env --shell dotenv` writes a file that python-dotenv (Prefect's own `.env` reader, from the
/// prefect venv) reads back to exactly the profile's values; `${...}`, which python-dotenv
/// expands in every value, is refused with one line and nothing on stdout.
fn dotenv_roundtrip(
    sb: &Sandbox,
    python: &std::path::Path,
    values: &[String],
) -> Result<(), String> {
    let kept: Vec<String> = values
        .iter()
        .filter(|v| !v.contains("${"))
        .cloned()
        .collect();
    sb.write_profiles(&profiles_file(&kept));
    let out = sb.run(&["env", "q", "--shell", "dotenv"]);
    if !out.status.success() {
        return Err(stderr(&out));
    }
    let file = sb.dir.path().join("profile.env");
    std::fs::write(&file, &out.stdout).unwrap();
    let read = std::process::Command::new(python)
        .args([
            "-c",
            "import json, sys; from dotenv import dotenv_values; print(json.dumps(dotenv_values(sys.argv[1])))",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let got: std::collections::BTreeMap<String, String> =
        serde_json::from_slice(&read.stdout).map_err(|e| format!("{e}: {}", stderr(&read)))?;
    for (i, v) in kept.iter().enumerate() {
        let g = got.get(&format!("PREFECT_V{i}"));
        if g != Some(v) {
            return Err(format!(
                "PREFECT_V{i}: sent {v:?}, python-dotenv read {g:?}"
            ));
        }
    }
    Ok(())
}

#[test]
fn dotenv_files_read_back_exactly_through_python_dotenv() {
    let Some(venv) = prefect_venv() else { return };
    let python = venv.join("bin/python");
    let sb = Sandbox::new();
    dotenv_roundtrip(&sb, &python, &corpus()).unwrap();
    let (mut runner, strategy) = random_values(4, 0x5eed_d07e);
    runner
        .run(&strategy, |values| {
            dotenv_roundtrip(&sb, &python, &values).map_err(TestCaseError::fail)
        })
        .unwrap();
    // Unquoted where docker's --env-file reads it too.
    sb.write_profiles("[profiles.q]\nPREFECT_API_URL = \"https://api.prefect.cloud/api/accounts/a/workspaces/b\"\n");
    assert!(stdout(&sb.run(&["env", "q", "--shell", "dotenv"]))
        .contains("PREFECT_API_URL=https://api.prefect.cloud/api/accounts/a/workspaces/b\n"));
    sb.write_profiles("[profiles.q]\nPREFECT_A = \"x\"\nPREFECT_B = \"${HOME}\"\n");
    let out = sb.run(&["env", "q", "--shell", "dotenv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("PREFECT_B: cannot be written to a .env file exactly"),
        "{}",
        stderr(&out)
    );
}

/// Reads a `$GITHUB_ENV` file as the runner documents it: `NAME=value` lines, and
/// `NAME<<DELIMITER`, the value's lines, `DELIMITER`.
fn read_github_env(text: &str) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let mut lines = text.split('\n');
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        let eq = line.find('=');
        let heredoc = line.find("<<");
        match (eq, heredoc) {
            (Some(e), h) if h.is_none_or(|h| e < h) => {
                out.insert(line[..e].to_string(), line[e + 1..].to_string());
            }
            (_, Some(h)) => {
                let delimiter = &line[h + 2..];
                let mut value = Vec::new();
                for l in lines.by_ref() {
                    if l == delimiter {
                        break;
                    }
                    value.push(l);
                }
                out.insert(line[..h].to_string(), value.join("\n"));
            }
            _ => panic!("not a GITHUB_ENV line: {line:?}"),
        }
    }
    out
}

/// `env --shell github`: stdout holds only `::add-mask::` commands (one per secret, escaped as
/// the runner reads command data, and one per line of a multi-line secret); the values go to
/// `$GITHUB_ENV` in the documented format and read back exactly; no GITHUB_ENV is one error.
#[test]
fn github_env_masks_secrets_and_appends_values() {
    let sb = Sandbox::new();
    let values: Vec<String> = corpus().into_iter().filter(|v| !v.contains('\r')).collect();
    let mut file = profiles_file(&values);
    let key = "pnu_first%line\n\nsecond line\nthird";
    let secret = "s%0A3\ntwo";
    file.push_str(&format!(
        "PREFECT_API_KEY = {}\nPREFECT_X_SECRET = {}\n",
        toml_str(key),
        toml_str(secret)
    ));
    sb.write_profiles(&file);
    let env_file = sb.dir.path().join("github_env");
    std::fs::write(&env_file, "EARLIER=kept\n").unwrap();
    let out = sb
        .cmd()
        .args(["env", "q", "--shell", "github"])
        .env("GITHUB_ENV", &env_file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let masks: Vec<String> = stdout(&out)
        .lines()
        .map(|l| {
            let data = l
                .strip_prefix("::add-mask::")
                .unwrap_or_else(|| panic!("not a mask on stdout: {l:?}"));
            data.replace("%0A", "\n")
                .replace("%0D", "\r")
                .replace("%25", "%")
        })
        .collect();
    for s in [key, secret] {
        assert!(
            masks.iter().any(|m| m == s),
            "{s:?} not masked whole: {masks:?}"
        );
        for line in s.lines().filter(|l| !l.is_empty()) {
            assert!(
                masks.iter().any(|m| m == line),
                "{line:?} not masked: {masks:?}"
            );
        }
    }
    assert_eq!(masks.len(), 2 + 3 + 2, "{masks:?}");
    let got = read_github_env(&std::fs::read_to_string(&env_file).unwrap());
    assert_eq!(got.get("EARLIER").map(String::as_str), Some("kept"));
    assert_eq!(got.get("PREFECT_API_KEY").map(String::as_str), Some(key));
    assert_eq!(
        got.get("PREFECT_X_SECRET").map(String::as_str),
        Some(secret)
    );
    for (i, v) in values.iter().enumerate() {
        assert_eq!(got.get(&format!("PREFECT_V{i}")), Some(v), "PREFECT_V{i}");
    }
    let out = sb
        .cmd()
        .args(["env", "q", "--shell", "github"])
        .env_remove("GITHUB_ENV")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("GITHUB_ENV is not set"),
        "{}",
        stderr(&out)
    );
    sb.write_profiles("[profiles.q]\nPREFECT_A = \"cr\\rhere\"\n");
    let before = std::fs::read(&env_file).unwrap();
    let out = sb
        .cmd()
        .args(["env", "q", "--shell", "github"])
        .env("GITHUB_ENV", &env_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("PREFECT_A: has a carriage return"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&env_file).unwrap(), before);
}
