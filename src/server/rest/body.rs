//! Reading a JSON request body field by field, so a wrong type or an unknown
//! choice becomes an error under that field's own (contract) name instead of
//! one serde message about the whole body. Both REST surfaces use it.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde_json::{Map, Value};
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use super::error::{ErrorShape, RestError};
use crate::domain::{AppError, FieldError};

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

/// A request body that is a JSON object, as an extractor; anything else is
/// contract `C`'s 400. Read it through `Body`'s methods, then `finish` it.
pub struct JsonObject<C> {
    body: Body,
    contract: PhantomData<fn() -> C>,
}

impl<C: ErrorShape> JsonObject<C> {
    /// `Ok` when every field read had the right type; otherwise the
    /// contract's 400, worded its way.
    pub fn finish(self) -> Result<(), RestError<C>> {
        self.body
            .finish()
            .map_err(|fields| AppError::Invalid(C::type_errors(fields)).into())
    }
}

impl<C> Deref for JsonObject<C> {
    type Target = Body;

    fn deref(&self) -> &Body {
        &self.body
    }
}

impl<C> DerefMut for JsonObject<C> {
    fn deref_mut(&mut self) -> &mut Body {
        &mut self.body
    }
}

impl<C: ErrorShape, S: Send + Sync> FromRequest<S> for JsonObject<C> {
    type Rejection = RestError<C>;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // A body axum cannot read (over the limit, cut off) keeps axum's answer.
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(RestError::rejected)?;
        let body = Body::parse(&bytes)
            .map_err(|NotAnObject| AppError::invalid("body", C::NOT_AN_OBJECT))?;
        Ok(JsonObject {
            body,
            contract: PhantomData,
        })
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
