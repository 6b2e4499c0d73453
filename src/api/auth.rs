//! Sign-in, sign-out, and who am I.

use leptos::prelude::*;

use crate::domain::{AppError, SessionInfo};

#[server(endpoint = "auth/sign-in")]
pub async fn sign_in(email: String, password: String) -> Result<SessionInfo, AppError> {
    use axum::http::{HeaderValue, header};

    use super::edge::{client_ip, fail, session_token, state};
    use crate::server::auth::session::set_cookie;
    use crate::server::services::accounts;

    let state = state()?;
    let ip = client_ip().await;
    let signed_in = accounts::sign_in(&state.ports, &email, &password, &ip)
        .await
        .map_err(fail)?;
    // The cookie is about to name the new session; the one it named before
    // (another account on a shared browser, or a session fixed on the
    // browser by someone else) ends rather than living on unseen.
    if let Some(previous) = session_token(&state).await {
        accounts::sign_out(&state.ports, &previous)
            .await
            .map_err(fail)?;
    }
    let cookie = set_cookie(&signed_in.token, state.config.secure_cookies);
    let value = HeaderValue::from_str(&cookie).map_err(|_| fail(AppError::Internal))?;
    expect_context::<leptos_axum::ResponseOptions>().append_header(header::SET_COOKIE, value);
    Ok(signed_in.actor.session_info())
}

#[server(endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    use axum::http::{HeaderValue, header};

    use super::edge::{fail, session_token, state};
    use crate::server::auth::session::clear_cookie;
    use crate::server::services::accounts;

    let state = state()?;
    if let Some(token) = session_token(&state).await {
        accounts::sign_out(&state.ports, &token)
            .await
            .map_err(fail)?;
    }
    let value = HeaderValue::from_str(&clear_cookie(state.config.secure_cookies))
        .map_err(|_| fail(AppError::Internal))?;
    expect_context::<leptos_axum::ResponseOptions>().append_header(header::SET_COOKIE, value);
    Ok(())
}

/// Ends every session of the signed-in user (other browsers included) and
/// clears this browser's cookie; answers how many sessions ended.
#[server(endpoint = "auth/sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<u64, AppError> {
    use axum::http::{HeaderValue, header};

    use super::edge::{caller, fail};
    use crate::server::auth::session::clear_cookie;
    use crate::server::services::accounts;

    let (state, actor) = caller().await?;
    let ended = accounts::sign_out_everywhere(&state.ports, &actor)
        .await
        .map_err(fail)?;
    let value = HeaderValue::from_str(&clear_cookie(state.config.secure_cookies))
        .map_err(|_| fail(AppError::Internal))?;
    expect_context::<leptos_axum::ResponseOptions>().append_header(header::SET_COOKIE, value);
    Ok(ended)
}

/// The signed-in user, or `None`.
#[server(endpoint = "auth/me")]
pub async fn me() -> Result<Option<SessionInfo>, AppError> {
    use super::edge::{actor, state};

    let state = state()?;
    match actor(&state).await {
        Ok(actor) => Ok(Some(actor.session_info())),
        Err(AppError::Unauthorized) => {
            // "Not signed in" is an answer here, not a failure.
            if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
                r.set_status(axum::http::StatusCode::OK);
            }
            Ok(None)
        }
        Err(e) => Err(e),
    }
}
