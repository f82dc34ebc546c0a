//! `prefect.toml` and `pyproject.toml [tool.prefect]` as Prefect 3.9.1 reads them
//! (settings/sources.py, cli/config.py): nested tables are accessor paths (`[api] url` is
//! `api.url`, which the catalogue names PREFECT_API_URL); keys that name no setting are ignored.

use toml_edit::{DocumentMut, Item, Value};

/// `(accessor, value, is a string)` for every leaf of `table` (after `header`, e.g.
/// `["tool", "prefect"]`), with the value as Python's `str()` shows it: Prefect reads the same
/// text from the environment.
pub type Leaf = (String, String, bool);

pub fn leaves(text: &str, header: &[&str]) -> Result<Vec<Leaf>, String> {
    let doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.message().trim().replace('\n', " "))?;
    let mut item: &Item = doc.as_item();
    for h in header {
        match item.get(h) {
            Some(i) => item = i,
            None => return Ok(Vec::new()),
        }
    }
    let mut out = Vec::new();
    walk(item, &mut Vec::new(), &mut out);
    Ok(out)
}

fn walk(item: &Item, path: &mut Vec<String>, out: &mut Vec<Leaf>) {
    let table: Option<Vec<(&str, &Item)>> = match item {
        Item::Table(t) => Some(t.iter().collect()),
        Item::Value(Value::InlineTable(_)) => {
            item.as_table_like().map(|t| t.iter().collect::<Vec<_>>())
        }
        _ => None,
    };
    match table {
        Some(entries) => {
            for (k, v) in entries {
                path.push(k.to_string());
                walk(v, path, out);
                path.pop();
            }
        }
        None => {
            if let Some(v) = item.as_value() {
                out.push((path.join("."), python_str(v), v.is_str()));
            }
        }
    }
}

/// `str(value)` in Python: `True`/`False`, integers in decimal, floats as `repr` writes them
/// (`1.0`, `0.5`), strings as they are; arrays as JSON, which pydantic reads back from the
/// environment.
fn python_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.value().clone(),
        Value::Integer(i) => i.value().to_string(),
        Value::Boolean(b) => if *b.value() { "True" } else { "False" }.to_string(),
        Value::Float(f) => python_float(*f.value()),
        Value::Datetime(d) => d.value().to_string(),
        Value::Array(a) => {
            let items: Vec<serde_json::Value> = a.iter().map(json).collect();
            serde_json::Value::Array(items).to_string()
        }
        Value::InlineTable(_) => json(v).to_string(),
    }
}

fn python_float(f: f64) -> String {
    if f.is_nan() {
        "nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.into()
    } else if f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

fn json(v: &Value) -> serde_json::Value {
    match v {
        Value::String(s) => s.value().clone().into(),
        Value::Integer(i) => (*i.value()).into(),
        Value::Boolean(b) => (*b.value()).into(),
        Value::Float(f) => serde_json::Number::from_f64(*f.value())
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        Value::Datetime(d) => d.value().to_string().into(),
        Value::Array(a) => serde_json::Value::Array(a.iter().map(json).collect()),
        Value::InlineTable(t) => {
            serde_json::Value::Object(t.iter().map(|(k, v)| (k.to_string(), json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_paths_and_values_read_as_python_shows_them() {
        let t = "profiles_path = \"/p\"\n[api]\nurl = \"u\"\n[client]\nmax_retries = 3\ncsrf_support_enabled = false\n[server.database]\ntimeout = 3.0\n";
        assert_eq!(
            leaves(t, &[]).unwrap(),
            vec![
                ("profiles_path".to_string(), "/p".to_string(), true),
                ("api.url".into(), "u".into(), true),
                ("client.max_retries".into(), "3".into(), false),
                ("client.csrf_support_enabled".into(), "False".into(), false),
                ("server.database.timeout".into(), "3.0".into(), false),
            ]
        );
        let py = "[project]\nname='x'\n[tool.prefect]\napi.url = 'v'\n[tool.prefect.client]\nmax_retries = 2\n";
        assert_eq!(
            leaves(py, &["tool", "prefect"]).unwrap(),
            vec![
                ("api.url".to_string(), "v".to_string(), true),
                ("client.max_retries".into(), "2".into(), false)
            ]
        );
        assert!(leaves("[api", &[]).is_err());
        assert_eq!(leaves("[project]\n", &["tool", "prefect"]).unwrap(), vec![]);
    }
}

#[cfg(test)]
mod error_tests {
    /// A parse error names what is wrong, never the text around it: a broken line may hold a
    /// key, and this message reaches the terminal.
    #[test]
    fn a_parse_error_does_not_quote_the_file() {
        for text in [
            "[api]\nkey = \"pnu_secret_value\nurl = 1\n",
            "key = pnu_secret_value\n",
            "[api\nkey = \"pnu_secret_value\"\n",
        ] {
            let e = super::leaves(text, &[]).unwrap_err();
            assert!(!e.contains("pnu_secret"), "{e}");
        }
    }
}
