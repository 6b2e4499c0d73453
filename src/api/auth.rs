//! Sign-in, sign-out, and who am I.

use leptos::prelude::*;

use crate::domain::{AppError, SessionInfo};

/// Signs in. The sign-in page posts here as a plain HTML form (it ships no
/// script): then the answer is a redirect, to `next` once signed in, or back
/// to the page with the error and the email typed, so nothing but the
/// password has to be typed again. A script's call gets the session back.
#[server(endpoint = "auth/sign-in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<SessionInfo, AppError> {
    use super::edge::plain_form;
    use crate::domain::redirect::safe_next;

    let form = plain_form().await;
    let next = safe_next(next.as_deref());
    let started = start_session(&email, &password).await;
    if form {
        match &started {
            Ok(_) => leptos_axum::redirect(&next),
            Err(e) => leptos_axum::redirect(&sign_in_again(e, &next, &email)),
        }
    }
    started
}

#[cfg(feature = "ssr")]
async fn start_session(email: &str, password: &str) -> Result<SessionInfo, AppError> {
    use axum::http::{HeaderValue, header};

    use super::edge::{client_ip, fail, session_token, state};
    use crate::server::auth::session::set_cookie;
    use crate::server::services::accounts;

    let state = state()?;
    let ip = client_ip().await;
    let signed_in = accounts::sign_in(&state.ports, email, password, &ip)
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

/// The sign-in page again, saying what went wrong (in Leptos' own `__err`
/// form, which the page's `ServerAction` reads) with the email kept (one too
/// long to be an email is not carried).
#[cfg(feature = "ssr")]
fn sign_in_again(error: &AppError, next: &str, email: &str) -> String {
    use leptos::server_fn::ServerFn;
    use leptos::server_fn::error::ServerFnUrlError;
    use url::{Position, Url};

    use crate::domain::session::EMAIL_MAX;

    // Only the path and query are kept; the origin is a placeholder.
    let Ok(mut page) = Url::parse("http://switchboard/login") else {
        return "/login".into();
    };
    {
        let mut query = page.query_pairs_mut();
        query.append_pair("next", next);
        if email.len() <= EMAIL_MAX {
            query.append_pair("email", email);
        }
    }
    match ServerFnUrlError::new(SignIn::PATH, error.clone()).to_url(page.as_str()) {
        Ok(url) => url[Position::BeforePath..].to_owned(),
        Err(_) => page[Position::BeforePath..].to_owned(),
    }
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
