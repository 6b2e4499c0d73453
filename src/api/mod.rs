//! Server functions by area. Bodies run on the server only and stay thin:
//! identify the caller, call a service, map its error.

pub mod agents;
pub mod audit;
pub mod auth;
pub mod connections;
pub mod oauth;
pub mod oauth_services;
pub mod overview;
pub mod servers;
pub mod templates;
pub mod tokens;
pub mod tool_pins;

#[cfg(feature = "ssr")]
mod edge {
    use axum::extract::ConnectInfo;
    use axum::http::HeaderMap;
    use leptos::prelude::*;
    use std::net::SocketAddr;

    use crate::domain::AppError;
    use crate::server::auth::Actor;
    use crate::server::auth::credentials::Credentials;
    use crate::server::auth::session::{SessionCookie, session_cookie};
    use crate::server::state::AppState;

    /// Maps a service error to what the client sees, with the matching
    /// status (and `Retry-After` when there is a time to wait).
    pub fn fail(e: impl Into<AppError>) -> AppError {
        let e = e.into();
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = axum::http::StatusCode::from_u16(e.status_code()) {
                response.set_status(status);
            }
            if let Some(secs) = e.retry_after_secs() {
                response.insert_header(axum::http::header::RETRY_AFTER, secs.into());
            }
        }
        e
    }

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| fail(AppError::Internal))
    }

    /// The request's one session cookie (none when there are several).
    pub async fn session_token(state: &AppState) -> Option<String> {
        let headers: HeaderMap = leptos_axum::extract().await.ok()?;
        match session_cookie(&headers, state.config.secure_cookies) {
            SessionCookie::One(token) => Some(token),
            SessionCookie::Absent | SessionCookie::Several => None,
        }
    }

    /// The app state and the signed-in caller, or 401.
    pub async fn caller() -> Result<(AppState, Actor), AppError> {
        let state = state()?;
        let actor = actor(&state).await?;
        Ok((state, actor))
    }

    /// The signed-in caller (by session cookie only: tokens are for the REST
    /// APIs, so a leaked token cannot mint more tokens), or 401.
    pub async fn actor(state: &AppState) -> Result<Actor, AppError> {
        let headers: HeaderMap = leptos_axum::extract()
            .await
            .map_err(|_| fail(AppError::Internal))?;
        Credentials::session(&headers, state.config.secure_cookies)
            .actor(state, &client_ip().await)
            .await
            .map_err(fail)
    }

    /// A browser's own form submission, made without script: it asks for
    /// HTML (the test Leptos itself uses to answer such a post with a
    /// redirect).
    pub async fn plain_form() -> bool {
        let headers: HeaderMap = leptos_axum::extract().await.unwrap_or_default();
        headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    }

    /// The client's address as rate limits count it (see
    /// `server::auth::client`).
    pub async fn client_ip() -> String {
        let peer = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
            .await
            .map(|ConnectInfo(addr)| addr.ip());
        let headers: HeaderMap = leptos_axum::extract().await.unwrap_or_default();
        match (peer, use_context::<AppState>()) {
            (Ok(peer), Some(state)) => crate::server::auth::client::rate_limit_address(
                peer,
                &headers,
                &state.trusted_proxies,
            ),
            _ => "unknown".into(),
        }
    }
}
