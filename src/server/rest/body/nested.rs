//! The body's structured fields: a map of strings (seed 000's
//! `extra_headers`) and a list of strings inside an object (seed 002's
//! `config.toolAllowlist`).

use serde_json::Value;

use super::Body;

impl Body {
    /// A JSON object of strings (in a form, as JSON text). An explicit null
    /// is `Some(empty)`: no headers.
    pub fn string_map(&mut self, name: &str) -> Option<Vec<(String, String)>> {
        let value = match self.fields.get(name)? {
            Value::Null => return Some(Vec::new()),
            Value::String(text) if self.form => {
                if text.trim().is_empty() {
                    return Some(Vec::new());
                }
                match serde_json::from_str::<Value>(text) {
                    Ok(v) => v,
                    Err(_) => {
                        self.wrong(name, "Value must be valid JSON.");
                        return None;
                    }
                }
            }
            other => other.clone(),
        };
        let pairs = match value {
            Value::Null => Some(Vec::new()),
            Value::Object(map) => map
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Some((k, s)),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        if pairs.is_none() {
            self.wrong(name, "Must be an object of header names to text values.");
        }
        pairs
    }

    /// `config.toolAllowlist`-style: a list of strings at `key` inside the
    /// object `name`. `Some(None)` when the object sets it to null (every
    /// tool), `None` when the object or the key is absent.
    pub fn nested_string_list(&mut self, name: &str, key: &str) -> Option<Option<Vec<String>>> {
        let field = format!("{name}.{key}");
        let object = match self.get(name) {
            None => return None,
            Some(Value::Object(o)) => o.clone(),
            Some(_) => {
                self.wrong(name, "Must be an object.");
                return None;
            }
        };
        match object.get(key) {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::Array(items)) => {
                let names: Option<Vec<String>> = items
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect();
                if names.is_none() {
                    self.wrong(&field, "Must be a list of tool names (strings).");
                }
                names.map(Some)
            }
            Some(_) => {
                self.wrong(&field, "Must be a list of tool names (strings), or null.");
                None
            }
        }
    }
}
