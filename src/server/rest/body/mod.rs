//! Reading a request body field by field, so a wrong type or an unknown
//! choice becomes an error under that field's own (contract) name instead of
//! one serde message about the whole body. Both REST surfaces use it.
//!
//! A body is JSON, `application/x-www-form-urlencoded` or
//! `multipart/form-data` (what ibl.ai's generated clients send). In the two
//! form encodings every value is text: a boolean arrives as `true` or
//! `True`, an object as JSON text, and a multipart file part is kept aside.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use serde_json::{Map, Value};
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

mod nested;

use super::error::{ErrorShape, RestError};
use crate::domain::{AppError, FieldError};

pub struct Body {
    fields: Map<String, Value>,
    errors: Vec<FieldError>,
    /// The values arrived as form text.
    form: bool,
    /// The multipart parts that carried a file, by name (the request's
    /// body limit bounds them).
    files: Vec<(String, Bytes)>,
}

/// Django's spellings of a boolean in form data.
const TRUE_TEXT: [&str; 8] = ["true", "True", "TRUE", "1", "yes", "Yes", "on", "On"];
const FALSE_TEXT: [&str; 8] = ["false", "False", "FALSE", "0", "no", "No", "off", "Off"];

/// The body was not a JSON object at all.
#[derive(Debug)]
pub struct NotAnObject;

impl Body {
    /// A JSON body; an empty one is an empty object, as DRF reads it (the
    /// Python client sends no body at all unless told the content type).
    pub fn parse(bytes: &[u8]) -> Result<Self, NotAnObject> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::from_fields(Map::new(), false));
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(fields)) => Ok(Self::from_fields(fields, false)),
            _ => Err(NotAnObject),
        }
    }

    /// Form fields, in order; a repeated name keeps its last value.
    pub fn from_form(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let fields = pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        Self::from_fields(fields, true)
    }

    fn from_fields(fields: Map<String, Value>, form: bool) -> Self {
        Self {
            fields,
            errors: Vec::new(),
            form,
            files: Vec::new(),
        }
    }

    /// The bytes of the file sent as part `name` (the last, if several).
    pub fn take_file(&mut self, name: &str) -> Option<Bytes> {
        let at = self.files.iter().rposition(|(f, _)| f == name)?;
        Some(self.files.remove(at).1)
    }

    /// The field as given: `Some(None)` for an explicit null (or, in a form,
    /// an empty value), `None` when absent.
    pub fn nullable_string(&mut self, name: &str) -> Option<Option<String>> {
        match self.fields.get(name)? {
            Value::Null => Some(None),
            Value::String(s) if self.form && s.is_empty() => Some(None),
            Value::String(s) => Some(Some(s.clone())),
            _ => {
                self.wrong(name, "Must be a string.");
                None
            }
        }
    }

    fn get(&self, name: &str) -> Option<&Value> {
        // An explicit null means "not given", as it does for DRF's optional fields.
        self.fields.get(name).filter(|v| !v.is_null())
    }

    /// Records a field error found by the handler (a value that parsed but
    /// is refused), to be answered with the type errors at `finish`.
    pub fn refuse(&mut self, name: &str, message: impl Into<String>) {
        self.wrong(name, message);
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

    /// An integer (in a form, its text; DRF takes `"9"` in JSON too).
    pub fn integer(&mut self, name: &str) -> Option<i64> {
        match self.get(name) {
            None => None,
            Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
            Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => s.trim().parse().ok(),
            Some(Value::String(s)) if self.form && s.is_empty() => None,
            Some(_) => {
                self.wrong(name, "A valid integer is required.");
                None
            }
        }
    }

    /// A related row's id (Django REST framework's primary key field): a
    /// number, or its text; `Some(None)` for null or "" (no row), `None`
    /// when absent or not an id (recorded as the field's error).
    pub fn nullable_pk(&mut self, name: &str) -> Option<Option<i64>> {
        match self.fields.get(name)? {
            Value::Null => Some(None),
            Value::String(s) if s.trim().is_empty() => Some(None),
            Value::Number(n) if n.as_i64().is_some() => Some(n.as_i64()),
            Value::String(s) if s.trim().parse::<i64>().is_ok() => Some(s.trim().parse().ok()),
            other => {
                let kind = match other {
                    Value::String(_) => "str",
                    Value::Bool(_) => "bool",
                    Value::Array(_) => "list",
                    Value::Object(_) => "dict",
                    _ => "float",
                };
                self.wrong(
                    name,
                    format!("Incorrect type. Expected pk value, received {kind}."),
                );
                None
            }
        }
    }

    /// Whether a field error was already recorded for `name`.
    pub fn has_error(&self, name: &str) -> bool {
        self.errors.iter().any(|e| e.field == name)
    }

    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        match self.get(name) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if self.form && TRUE_TEXT.contains(&s.as_str()) => Some(true),
            Some(Value::String(s)) if self.form && FALSE_TEXT.contains(&s.as_str()) => Some(false),
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

impl<C> JsonObject<C> {
    /// The type errors found so far, for a route that words them itself.
    pub fn field_errors(self) -> Result<(), Vec<FieldError>> {
        self.body.finish()
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
        let kind = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let body = match kind.as_str() {
            "multipart/form-data" => read_multipart(req, state).await?,
            "application/x-www-form-urlencoded" => {
                let bytes = Bytes::from_request(req, state)
                    .await
                    .map_err(RestError::rejected)?;
                Body::from_form(url::form_urlencoded::parse(&bytes).into_owned())
            }
            // A body axum cannot read (over the limit, cut off) keeps axum's answer.
            _ => {
                let bytes = Bytes::from_request(req, state)
                    .await
                    .map_err(RestError::rejected)?;
                Body::parse(&bytes)
                    .map_err(|NotAnObject| AppError::invalid("body", C::NOT_AN_OBJECT))?
            }
        };
        Ok(JsonObject {
            body,
            contract: PhantomData,
        })
    }
}

/// Text parts become fields; parts with a file name are kept as files.
async fn read_multipart<C: ErrorShape, S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<Body, RestError<C>> {
    let malformed = |e: axum::extract::multipart::MultipartError| -> RestError<C> {
        // Over the body limit keeps axum's 413; anything else is the body's fault.
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            RestError::rejected(e)
        } else {
            AppError::invalid(
                "body",
                format!("Multipart form parse error - {}", e.body_text()),
            )
            .into()
        }
    };
    let mut multipart = Multipart::from_request(req, state)
        .await
        .map_err(RestError::rejected)?;
    let mut pairs = Vec::new();
    let mut files = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        if field.file_name().is_some() {
            // Read to the end; the body limit still applies.
            files.push((name, field.bytes().await.map_err(malformed)?));
        } else {
            pairs.push((name, field.text().await.map_err(malformed)?));
        }
    }
    let mut body = Body::from_form(pairs);
    body.files = files;
    Ok(body)
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
        assert!(Body::parse(b"").is_ok(), "no body is an empty object");
    }

    #[test]
    fn form_text_is_read_as_its_field_type() {
        let mut body = Body::from_form(
            [
                ("is_enabled", "True"),
                ("is_featured", "false"),
                ("extra_headers", r#"{"X-A": "b"}"#),
                ("mentor", ""),
                ("name", "Docs"),
                ("bad", "maybe"),
                ("bad_headers", "{'x': 'y'}"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        );
        assert_eq!(body.boolean("is_enabled"), Some(true));
        assert_eq!(body.boolean("is_featured"), Some(false));
        assert_eq!(
            body.string_map("extra_headers"),
            Some(vec![("X-A".to_owned(), "b".to_owned())])
        );
        assert_eq!(body.nullable_string("mentor"), Some(None));
        assert_eq!(body.nullable_string("absent"), None);
        assert_eq!(body.string("name").as_deref(), Some("Docs"));
        assert_eq!(body.boolean("bad"), None);
        assert_eq!(
            body.string_map("bad_headers"),
            None,
            "a Python repr is not JSON"
        );
        let errors = body.finish().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["bad", "bad_headers"]);
    }

    #[test]
    fn json_booleans_stay_strict() {
        let mut body = Body::parse(br#"{"is_enabled": "true", "h": {"a": 1}}"#).expect("object");
        assert_eq!(body.boolean("is_enabled"), None);
        assert_eq!(body.string_map("h"), None);
        assert_eq!(body.finish().unwrap_err().len(), 2);
    }
}
