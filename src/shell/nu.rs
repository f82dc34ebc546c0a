//! Nushell loads JSON: `prefectx env P --shell nu | from json | ...` (or `--json`).

use crate::plan::Plan;

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
