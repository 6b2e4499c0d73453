//! The one error type that crosses the server-function boundary.
//!
//! Server-side layers have their own `thiserror` enums; they are mapped into
//! this one at the edge, which decides what a user may see.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A validation problem tied to one form field, so the UI can show it in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No valid session or token.
    #[error("Please sign in to continue.")]
    Unauthorized,
    /// Signed in, but the role does not allow this.
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// Missing, or belonging to another tenant (never distinguishable).
    #[error("Not found.")]
    NotFound,
    /// One or more fields are invalid.
    #[error("{}", join_fields(.0))]
    Invalid(Vec<FieldError>),
    /// Too many failed attempts.
    #[error("Too many attempts. Try again in {}.", seconds(*retry_after_secs))]
    RateLimited { retry_after_secs: u64 },
    /// The tenant (or the whole service) is running as many test
    /// connections as it may; nothing was tried.
    #[error("Too many test connections are running. Try again in {}.", seconds(*retry_after_secs))]
    TooManyTests { retry_after_secs: u64 },
    /// Too much of one kind of work at once (password checks); nothing failed.
    #[error("The server is busy. Try again in {}.", seconds(*retry_after_secs))]
    Busy { retry_after_secs: u64 },
    /// A dependency (the credential vault, the database) is down.
    #[error("{0}")]
    Unavailable(String),
    /// Something failed on the server; details are in its logs, not here.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request never reached the server, or its answer could not be read.
    #[error("Could not reach the server: {0}")]
    Network(String),
    /// A server this request depended on (an MCP server's authorization
    /// server) failed or refused; the message says which and why.
    #[error("{0}")]
    Upstream(String),
}

/// "1 second", "5 seconds".
fn seconds(n: u64) -> String {
    if n == 1 {
        "1 second".to_owned()
    } else {
        format!("{n} seconds")
    }
}

fn join_fields(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }

    /// The message for one field, if this error carries one.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// The message for an error that belongs to no single field (a form shows
    /// field errors under their inputs and this one above its buttons).
    pub fn general_message(&self) -> Option<String> {
        match self {
            AppError::Invalid(_) => None,
            other => Some(other.to_string()),
        }
    }

    /// How long the client should wait before trying again, if it should.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after_secs }
            | AppError::Busy { retry_after_secs }
            | AppError::TooManyTests { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The HTTP status this error answers with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid(_) => 422,
            AppError::RateLimited { .. } | AppError::TooManyTests { .. } => 429,
            AppError::Busy { .. } | AppError::Unavailable(_) => 503,
            AppError::Internal => 500,
            AppError::Network(_) | AppError::Upstream(_) => 502,
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(e: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr;
        match e {
            // The body did not decode into the function's arguments: the
            // caller's mistake, said as one (the edge answers it with 400).
            ServerFnErrorErr::Args(why) => {
                AppError::invalid("request", format!("The request could not be read: {why}"))
            }
            // On the server only a request is ever decoded (the JSON codec
            // names its failure so); in the browser this is an answer that
            // could not be read, which stays a network error.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(why) => {
                AppError::invalid("request", format!("The request could not be read: {why}"))
            }
            ServerFnErrorErr::MissingArg(name) => AppError::invalid(
                "request",
                format!("The request could not be read: {name} is missing."),
            ),
            e => AppError::Network(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_spelled_for_people() {
        assert_eq!(
            AppError::Busy {
                retry_after_secs: 1
            }
            .to_string(),
            "The server is busy. Try again in 1 second."
        );
        assert_eq!(
            AppError::RateLimited {
                retry_after_secs: 900
            }
            .to_string(),
            "Too many attempts. Try again in 900 seconds."
        );
    }
}
