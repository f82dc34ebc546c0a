//! Values as Prefect's writer stores them: Python's `str()` of the TOML value.

use toml_edit::Value;

/// Python's `str()` of a TOML value, which is what Prefect writes (docs/prefect-compat.md, "Writing the file").
pub fn stringify(v: &Value) -> std::result::Result<String, String> {
    match v {
        Value::String(s) => {
            let s = s.value();
            if s.contains('\0') {
                Err("the value contains a NUL byte".into())
            } else {
                Ok(s.clone())
            }
        }
        Value::Integer(i) => Ok(i.value().to_string()),
        Value::Float(f) => Ok(py_float(*f.value())),
        Value::Boolean(b) => Ok(if *b.value() { "True" } else { "False" }.into()),
        Value::Datetime(_) => Err("a date/time is not a supported value; quote it".into()),
        Value::Array(_) => Err("an array is not a supported value".into()),
        Value::InlineTable(_) => Err("a table is not a supported value".into()),
    }
}

/// Python's `repr(float)`: shortest round-trip digits, exponent form outside [1e-4, 1e16).
pub fn py_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sci = format!("{f:e}"); // e.g. "1.5e-7", "1e20"
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..16).contains(&exp) {
        let s = format!("{f}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        format!("{mant}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_python() {
        assert_eq!(py_float(1.0), "1.0");
        assert_eq!(py_float(0.1), "0.1");
        assert_eq!(py_float(1e20), "1e+20");
        assert_eq!(py_float(1.5e-7), "1.5e-07");
        assert_eq!(py_float(123456.5), "123456.5");
        assert_eq!(py_float(1e16), "1e+16");
        assert_eq!(py_float(-2.5), "-2.5");
    }
}
