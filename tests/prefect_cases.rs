//! Prefect's own settings test cases (tests/data/prefect-setting-cases.tsv, ported from
//! PrefectHQ/prefect tests/test_settings.py, `TestSettingValues`): every supported setting set
//! through each of Prefect's sources (the profile, a kept variable in the environment, `.env`,
//! `prefect.toml`, `pyproject.toml`) in an allowed folder. For each, prefect 3.9.1 resolves
//! every field of its settings twice: plainly, and in the environment `eval "$(prefectx env)"`
//! gives in that folder. The two must agree.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

struct Setting {
    name: String,
    json: serde_json::Value,
    env: String,
}

fn cases() -> Vec<Setting> {
    let text = include_str!("data/prefect-setting-cases.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            let name = f.next()?.to_string();
            let json = serde_json::from_str(f.next()?).ok()?;
            let env = f.next()?.to_string();
            Some(Setting { name, json, env })
        })
        // Names only the environment may set, and the test-mode-only ones (Prefect's own test
        // skips these sources for them too).
        .filter(|s| {
            ![
                "PREFECT_HOME",
                "PREFECT_PROFILES_PATH",
                "PREFECT_TEST_SETTING",
                "PREFECT_TESTING_TEST_SETTING",
            ]
            .contains(&s.name.as_str())
        })
        .collect()
}

/// A TOML literal for a JSON value, as Prefect's test writes it (`toml.dump`).
fn toml(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => common::toml_str(s),
        serde_json::Value::Array(a) => {
            format!("[{}]", a.iter().map(toml).collect::<Vec<_>>().join(", "))
        }
        other => other.to_string(),
    }
}

/// The setting's accessor (`server.database.timeout`) from the catalogue prefectx embeds.
fn accessor(name: &str) -> String {
    let tsv = include_str!("../data/prefect-settings.tsv");
    tsv.lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.first() == Some(&name)).then(|| f[3].to_string())
        })
        .unwrap_or_else(|| panic!("{name} is not in the catalogue"))
}

/// `[a.b]\nc = v` for accessor `a.b.c` under `prefix` tables.
fn toml_file(prefix: &str, name: &str, v: &serde_json::Value) -> String {
    let acc = accessor(name);
    let (table, key) = acc
        .rsplit_once('.')
        .map_or((prefix.to_string(), acc.as_str()), |(t, k)| {
            (
                if prefix.is_empty() {
                    t.to_string()
                } else {
                    format!("{prefix}.{t}")
                },
                k,
            )
        });
    if table.is_empty() {
        format!("{key} = {}\n", toml(v))
    } else {
        format!("[{table}]\n{key} = {}\n", toml(v))
    }
}

struct Case {
    label: String,
    dir: PathBuf,
    plain: BTreeMap<String, String>,
    ours: BTreeMap<String, String>,
}

/// `prefectx allow --yes` in `dir` with `extra` set, which must succeed (the cases move a
/// keyed profile's URL on purpose).
fn allow(sb: &Sandbox, dir: &Path, extra: &BTreeMap<String, String>) {
    let o = sb
        .cmd()
        .current_dir(dir)
        .env("PWD", dir)
        .envs(extra)
        .args(["allow", "--yes"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}: {}", dir.display(), stderr(&o));
}

fn our_env(sb: &Sandbox, dir: &Path, extra: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let out = Command::new("sh")
        .env_clear()
        .envs(sb.envs())
        .envs(extra)
        .env("PREFECTX", BIN)
        .env("PWD", dir)
        .current_dir(dir)
        .args(["-c", "eval \"$(\"$PREFECTX\" env --shell sh)\" && env -0"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut e = parse_env0(&out.stdout);
    e.remove("PREFECTX");
    e.remove("PWD");
    e
}

/// Settings whose value Prefect's environment source reads as JSON, while the profile and TOML
/// files hand over a string as it is: a string from those is exported JSON-quoted, so Prefect
/// resolves the same value, or fails the same way (`retry_extra_codes = "0"` is refused from a
/// file, and exported bare used to read as an empty set).
#[test]
fn strings_prefect_reads_as_json_from_the_environment_agree() {
    let Some(venv) = prefect_venv() else { return };
    let sb = Sandbox::new();
    let mut envs = Vec::new();
    let mut labels = Vec::new();
    for (i, v) in ["400", "400,500", "0", "[400]"].iter().enumerate() {
        for source in ["profile", "prefect.toml"] {
            let dir = sb.home().join(format!("j{i}-{}", source.replace('.', "")));
            std::fs::create_dir_all(&dir).unwrap();
            let mut profile = "active = \"p\"\n\n[profiles.p]\n".to_string();
            if source == "profile" {
                for n in [
                    "PREFECT_CLIENT_RETRY_EXTRA_CODES",
                    "PREFECT_TASKS_DEFAULT_RETRY_DELAY_SECONDS",
                ] {
                    profile.push_str(&format!("{n} = {}\n", common::toml_str(v)));
                }
            } else {
                std::fs::write(
                    dir.join("prefect.toml"),
                    format!(
                        "[client]\nretry_extra_codes = {0}\n[tasks]\ndefault_retry_delay_seconds = {0}\n",
                        common::toml_str(v)
                    ),
                )
                .unwrap();
            }
            std::fs::write(dir.join("profiles.toml"), profile).unwrap();
            let mut extra = BTreeMap::new();
            extra.insert(
                "PREFECT_PROFILES_PATH".to_string(),
                dir.join("profiles.toml").display().to_string(),
            );
            if source != "profile" {
                allow(&sb, &dir, &extra);
            }
            let mut plain = sb.envs();
            plain.extend(extra.clone());
            envs.push((dir.clone(), plain));
            envs.push((dir.clone(), our_env(&sb, &dir, &extra)));
            labels.push(format!("{v:?} via {source}"));
        }
    }
    let dumps = prefect_settings(&venv, &sb, &envs);
    for (label, pair) in labels.iter().zip(dumps.chunks(2)) {
        let (plain, ours) = (&pair[0], &pair[1]);
        for k in [
            "client.retry_extra_codes",
            "tasks.default_retry_delay_seconds",
            "error",
        ] {
            assert_eq!(plain.get(k), ours.get(k), "{label}: {k}");
        }
    }
}

#[test]
fn prefects_own_setting_cases_resolve_the_same_with_prefectx() {
    let Some(venv) = prefect_venv() else { return };
    let sb = Sandbox::new();
    let base = "active = \"p\"\n\n[profiles.p]\n";
    let mut all = Vec::new();
    let settings = cases();
    // Each setting through two of the five sources, in turn, so that every source sees every
    // kind of setting (all five for all settings: 1,630 cases, 93 s here; all agreed).
    let sources = ["profile", "env", ".env", "prefect.toml", "pyproject.toml"];
    for (i, s) in settings.iter().enumerate() {
        for source in [sources[i % 5], sources[(i + 2) % 5]] {
            let dir = sb.home().join(format!("c{i}-{}", source.replace('.', "")));
            std::fs::create_dir_all(&dir).unwrap();
            let mut extra = BTreeMap::new();
            let profiles = match source {
                "profile" => format!("{base}{} = {}\n", s.name, toml(&s.json)),
                _ => base.to_string(),
            };
            let profiles_path = dir.join("profiles.toml");
            std::fs::write(&profiles_path, profiles).unwrap();
            extra.insert(
                "PREFECT_PROFILES_PATH".to_string(),
                profiles_path.display().to_string(),
            );
            match source {
                "env" => {
                    extra.insert(s.name.clone(), s.env.clone());
                    extra.insert("PREFECTX_KEEP".into(), s.name.clone());
                }
                ".env" => {
                    std::fs::write(dir.join(".env"), format!("{}={}\n", s.name, s.env)).unwrap()
                }
                "prefect.toml" => {
                    std::fs::write(dir.join("prefect.toml"), toml_file("", &s.name, &s.json))
                        .unwrap()
                }
                "pyproject.toml" => std::fs::write(
                    dir.join("pyproject.toml"),
                    toml_file("tool.prefect", &s.name, &s.json),
                )
                .unwrap(),
                _ => {}
            }
            if source.contains('.') {
                allow(&sb, &dir, &extra);
            }
            let mut plain = sb.envs();
            plain.extend(extra.clone());
            plain.remove("PREFECTX_KEEP");
            let ours = our_env(&sb, &dir, &extra);
            all.push(Case {
                label: format!("{} via {source}", s.name),
                dir,
                plain,
                ours,
            });
        }
    }
    // The reference: no source at all, to show the sources change what Prefect resolves.
    let empty = sb.home().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("profiles.toml"), base).unwrap();
    let mut reference = sb.envs();
    reference.insert(
        "PREFECT_PROFILES_PATH".into(),
        empty.join("profiles.toml").display().to_string(),
    );
    all.push(Case {
        label: "reference".into(),
        dir: empty.clone(),
        plain: reference.clone(),
        ours: reference,
    });
    let envs: Vec<(PathBuf, BTreeMap<String, String>)> = all
        .iter()
        .flat_map(|c| {
            [
                (c.dir.clone(), c.plain.clone()),
                (c.dir.clone(), c.ours.clone()),
            ]
        })
        .collect();
    let dumps = prefect_settings(&venv, &sb, &envs);
    let mut differ = Vec::new();
    let mut failed = Vec::new();
    let reference = &dumps[dumps.len() - 1];
    let mut effective = 0;
    for (c, pair) in all.iter().zip(dumps.chunks(2)) {
        let (plain, ours) = (&pair[0], &pair[1]);
        if let Some(e) = plain.get("error") {
            failed.push(format!("{}: {e}", c.label));
        }
        if plain != reference {
            effective += 1;
        }
        let fields: Vec<String> = plain
            .keys()
            .chain(ours.keys())
            .filter(|k| plain.get(*k) != ours.get(*k))
            .map(|k| format!("{k}: {:?} / {:?}", plain.get(k), ours.get(k)))
            .collect();
        if !fields.is_empty() {
            differ.push(format!("{}: {}", c.label, fields.join("; ")));
        }
    }
    assert!(
        failed.is_empty(),
        "plain Prefect failed:\n{}",
        failed.join("\n")
    );
    let cases = all.len() - 1;
    eprintln!(
        "{cases} cases ({} settings, two sources each): {} agree; the source changed what plain Prefect resolves in {effective}",
        settings.len(),
        cases - differ.len(),
    );
    // Most test values differ from the defaults; a source that changed nothing would show here.
    assert!(
        effective * 10 >= cases * 9,
        "only {effective} of {cases} cases changed anything"
    );
    assert!(
        differ.is_empty(),
        "{} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}

/// A case: what it is, the profiles file (None: no file), the variables set.
type Shape = (
    &'static str,
    Option<&'static str>,
    &'static [(&'static str, &'static str)],
);

/// The profiles-file shapes of Prefect's own `TestLoadProfiles` (no file, an empty file, only
/// `active`, a file without an `ephemeral` table, one with its own, a profile holding a setting
/// under both its canonical and its legacy name, an environment variable with no file): plain
/// Prefect and a hooked bash in the same environment resolve every field alike.
#[test]
fn prefects_load_profiles_cases_resolve_the_same_with_prefectx() {
    let Some(venv) = prefect_venv() else { return };
    let sb = Sandbox::new();
    let shapes: [Shape; 8] = [
        ("no profiles file", None, &[]),
        ("an empty file", Some(""), &[]),
        ("only active", Some("active = \"ephemeral\"\n"), &[]),
        (
            "no ephemeral table",
            Some("[profiles.foo]\nPREFECT_API_KEY = \"bar\"\n"),
            &[],
        ),
        (
            "its own ephemeral table, no active",
            Some("[profiles.ephemeral]\nPREFECT_API_KEY = \"foo\"\n\n[profiles.bar]\nPREFECT_API_KEY = \"bar\"\n"),
            &[],
        ),
        (
            "canonical and legacy name in one profile",
            Some("active = \"test\"\n[profiles.test]\nPREFECT_API_DATABASE_TIMEOUT = \"42\"\nPREFECT_SERVER_DATABASE_TIMEOUT = \"99\"\n"),
            &[],
        ),
        (
            "a legacy name alone",
            Some("active = \"test\"\n[profiles.test]\nPREFECT_API_DATABASE_TIMEOUT = \"42\"\n"),
            &[],
        ),
        (
            "a kept variable and no profiles file (Prefect #15981)",
            None,
            &[
                ("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "false"),
                ("PREFECTX_KEEP", "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE"),
            ],
        ),
    ];
    let mut envs = Vec::new();
    for (i, (_, file, vars)) in shapes.iter().enumerate() {
        let dir = sb.home().join(format!("l{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("profiles.toml");
        if let Some(text) = file {
            std::fs::write(&path, text).unwrap();
        }
        let mut extra: BTreeMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        extra.insert("PREFECT_PROFILES_PATH".into(), path.display().to_string());
        let mut plain = sb.envs();
        plain.extend(extra.clone());
        plain.remove("PREFECTX_KEEP");
        let out = Command::new("bash")
            .env_clear()
            .envs(sb.envs())
            .envs(&extra)
            .env("PREFECTX", BIN)
            .current_dir(&dir)
            .args([
                "-c",
                "eval \"$(\"$PREFECTX\" hook bash)\" 2>/dev/null && env -0",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let mut ours = parse_env0(&out.stdout);
        ours.retain(|k, _| !k.starts_with("__PREFECTX") && k != "PREFECTX" && k != "PWD");
        envs.push((dir.clone(), plain));
        envs.push((dir, ours));
    }
    let dumps = prefect_settings(&venv, &sb, &envs);
    for ((label, _, _), pair) in shapes.iter().zip(dumps.chunks(2)) {
        let (plain, ours) = (&pair[0], &pair[1]);
        let differ: Vec<String> = plain
            .keys()
            .chain(ours.keys())
            .filter(|k| plain.get(*k) != ours.get(*k))
            .map(|k| format!("{k}: {:?} / {:?}", plain.get(k), ours.get(k)))
            .collect();
        assert!(differ.is_empty(), "{label}: {}", differ.join("; "));
    }
}
