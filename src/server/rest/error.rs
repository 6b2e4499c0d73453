//! One REST error type for every contract. The contracts differ only in how a
//! failure looks on the wire, so that is a type parameter: seed 002 answers
//! `{"error": "<message>"}`, seed 000 answers in Django REST framework's
//! shapes. A handler just `?`s service and domain errors into it.

use axum::response::{IntoResponse, Response};
use std::fmt;
use std::marker::PhantomData;

use crate::domain::{AppError, FieldError};
use crate::server::error::ServiceError;

/// How a contract writes a failure.
pub trait ErrorShape: Send + Sync + 'static {
    /// The 400's message for a body that is not a JSON object.
    const NOT_AN_OBJECT: &'static str;

    /// How a body's type errors are worded; by default as `Body` found them.
    fn type_errors(fields: Vec<FieldError>) -> Vec<FieldError> {
        fields
    }

    /// The whole answer: status, headers and body. `token_refused` is set
    /// when the request sent an `Authorization` header and still was not
    /// authenticated, which some contracts word differently.
    fn respond(error: AppError, token_refused: bool) -> Response;
}

/// Any failure of a REST request, answered in the shape of contract `C`.
#[derive(thiserror::Error)]
#[error("{failure}")]
pub struct RestError<C> {
    failure: Failure,
    // `fn() -> C`: the contract is only a marker, so the error is Send and
    // Sync whatever `C` is.
    contract: PhantomData<fn() -> C>,
}

#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("{error}")]
    App {
        error: AppError,
        token_refused: bool,
    },
    /// axum's own answer to a request it could not take apart (no peer
    /// address, a path that is not UTF-8, a body over the limit): the same
    /// under every contract, as when handlers took those extractors directly.
    /// Boxed: it is rare, and a `Response` would triple every `Result`'s size.
    #[error("rejected by axum with status {}", .0.status())]
    Rejected(Box<Response>),
}

impl<C> RestError<C> {
    fn new(failure: Failure) -> Self {
        RestError {
            failure,
            contract: PhantomData,
        }
    }

    /// An axum extractor's rejection, answered exactly as axum answers it.
    pub(super) fn rejected(rejection: impl IntoResponse) -> Self {
        Self::new(Failure::Rejected(Box::new(rejection.into_response())))
    }

    /// A failed authentication; `authorization_sent` says the request
    /// presented an `Authorization` header (of any scheme).
    pub(super) fn unauthenticated(error: ServiceError, authorization_sent: bool) -> Self {
        let token_refused = matches!(error, ServiceError::Unauthorized) && authorization_sent;
        Self::new(Failure::App {
            error: error.into(),
            token_refused,
        })
    }
}

impl<C> From<AppError> for RestError<C> {
    fn from(error: AppError) -> Self {
        Self::new(Failure::App {
            error,
            token_refused: false,
        })
    }
}

impl<C> From<ServiceError> for RestError<C> {
    fn from(error: ServiceError) -> Self {
        AppError::from(error).into()
    }
}

// By hand: a derive would ask for `C: Debug`, and `C` is only a marker.
impl<C> fmt::Debug for RestError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RestError").field(&self.failure).finish()
    }
}

impl<C: ErrorShape> IntoResponse for RestError<C> {
    fn into_response(self) -> Response {
        match self.failure {
            Failure::App {
                error,
                token_refused,
            } => C::respond(error, token_refused),
            Failure::Rejected(response) => *response,
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::header;
    use serde_json::{Value, json};

    use super::*;
    use crate::server::rest::ai_mentor::MentorError;
    use crate::server::rest::skills::SkillsError;

    async fn answer(error: impl IntoResponse) -> (u16, Option<String>, Option<String>, Value) {
        let response = error.into_response();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &header::HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let (retry, challenge) = (
            header(header::RETRY_AFTER),
            header(header::WWW_AUTHENTICATE),
        );
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let body = serde_json::from_slice(&bytes).expect("JSON");
        (status, retry, challenge, body)
    }

    #[tokio::test]
    async fn skills_failures_are_one_error_message() {
        let limited = SkillsError::from(ServiceError::RateLimited(60));
        assert_eq!(
            answer(limited).await,
            (
                429,
                Some("60".into()),
                None,
                json!({ "error": "Too many attempts. Try again in 60 seconds." })
            )
        );
        let refused = SkillsError::unauthenticated(ServiceError::Unauthorized, true);
        assert_eq!(
            answer(refused).await,
            (
                401,
                None,
                None,
                json!({ "error": "Please sign in to continue." })
            )
        );
    }

    #[tokio::test]
    async fn mentor_failures_are_worded_as_django_rest_framework_does() {
        let challenge = Some("Token".to_owned());
        let refused = MentorError::unauthenticated(ServiceError::Unauthorized, true);
        assert_eq!(
            answer(refused).await,
            (
                401,
                None,
                challenge.clone(),
                json!({ "detail": "Invalid token." })
            )
        );
        let anonymous = MentorError::unauthenticated(ServiceError::Unauthorized, false);
        assert_eq!(
            answer(anonymous).await,
            (
                401,
                None,
                challenge,
                json!({ "detail": "Authentication credentials were not provided." })
            )
        );
        let limited = MentorError::unauthenticated(ServiceError::RateLimited(9), true);
        assert_eq!(
            answer(limited).await,
            (
                429,
                Some("9".into()),
                None,
                json!({ "detail": "Request was throttled. Expected available in 9 seconds." })
            )
        );
        let invalid = MentorError::from(AppError::invalid("body", "Invalid data."));
        assert_eq!(
            answer(invalid).await,
            (
                400,
                None,
                None,
                json!({ "non_field_errors": ["Invalid data."] })
            )
        );
    }
}
