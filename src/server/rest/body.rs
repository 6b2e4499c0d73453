//! Reading a JSON request body field by field, so a wrong type or an unknown
//! choice becomes an error under that field's own (contract) name instead of
//! one serde message about the whole body. Both REST surfaces use it.

use serde_json::{Map, Value};

use crate::domain::FieldError;

pub struct Body {
    fields: Map<String, Value>,
    errors: Vec<FieldError>,
}

/// The body was not a JSON object at all.
#[derive(Debug)]
pub struct NotAnObject;

impl Body {
    pub fn parse(bytes: &[u8]) -> Result<Self, NotAnObject> {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(fields)) => Ok(Self {
                fields,
                errors: Vec::new(),
            }),
            _ => Err(NotAnObject),
        }
    }

    fn get(&self, name: &str) -> Option<&Value> {
        // An explicit null means "not given", as it does for DRF's optional fields.
        self.fields.get(name).filter(|v| !v.is_null())
    }

    fn wrong(&mut self, name: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(name, message));
    }

    pub fn string(&mut self, name: &str) -> Option<String> {
        match self.get(name) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.wrong(name, "Must be a string.");
                None
            }
        }
    }

    pub fn required_string(&mut self, name: &str) -> String {
        match self.string(name) {
            Some(s) => s,
            None => {
                if !self.errors.iter().any(|e| e.field == name) {
                    self.wrong(name, "This field is required.");
                }
                String::new()
            }
        }
    }

    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        match self.get(name) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.wrong(name, "Must be a boolean.");
                None
            }
        }
    }

    /// A string that must be one of `choices` (their contract spellings).
    pub fn choice<T: Copy>(&mut self, name: &str, choices: &[(&str, T)]) -> Option<T> {
        let text = self.string(name)?;
        match choices.iter().find(|(spelling, _)| *spelling == text) {
            Some((_, value)) => Some(*value),
            None => {
                let options = choices
                    .iter()
                    .map(|(s, _)| format!("\"{s}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.wrong(
                    name,
                    format!("\"{text}\" is not a valid choice. Choose one of {options}."),
                );
                None
            }
        }
    }

    /// The type errors found so far, or `Ok` when there were none.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_errors_are_collected_per_field() {
        let mut body =
            Body::parse(br#"{"name": 5, "is_enabled": "yes", "transport": "ftp", "url": null}"#)
                .expect("object");
        assert_eq!(body.string("name"), None);
        assert_eq!(body.boolean("is_enabled"), None);
        assert_eq!(body.choice("transport", &[("sse", 1)]), None);
        assert_eq!(body.required_string("url"), "");
        let errors = body.finish().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "is_enabled", "transport", "url"]);
        assert!(errors[2].message.contains("\"ftp\" is not a valid choice"));
    }

    #[test]
    fn only_objects_are_bodies() {
        assert!(Body::parse(b"[1]").is_err());
        assert!(Body::parse(b"not json").is_err());
        assert!(Body::parse(b"{}").is_ok());
    }
}
