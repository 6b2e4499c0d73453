//! Server functions by area. Bodies run on the server only and stay thin:
//! identify the caller, call a service, map its error.

pub mod audit;
pub mod auth;
pub mod servers;

#[cfg(feature = "ssr")]
mod edge {
    use axum_extra::extract::CookieJar;
    use leptos::prelude::*;

    use crate::domain::AppError;
    use crate::server::auth::Actor;
    use crate::server::auth::session::COOKIE_NAME;
    use crate::server::error::ServiceError;
    use crate::server::services::accounts;
    use crate::server::state::AppState;

    /// Maps a service error to what the client sees, with the matching status.
    pub fn fail(e: impl Into<AppError>) -> AppError {
        let e = e.into();
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
            && let Ok(status) = axum::http::StatusCode::from_u16(e.status_code())
        {
            response.set_status(status);
        }
        e
    }

    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| fail(AppError::Internal))
    }

    pub async fn session_token() -> Option<String> {
        let jar: CookieJar = leptos_axum::extract().await.ok()?;
        jar.get(COOKIE_NAME).map(|c| c.value().to_owned())
    }

    /// The app state and the signed-in caller, or 401.
    pub async fn caller() -> Result<(AppState, Actor), AppError> {
        let state = state()?;
        let actor = actor(&state).await?;
        Ok((state, actor))
    }

    /// The signed-in caller, or 401.
    pub async fn actor(state: &AppState) -> Result<Actor, AppError> {
        let token = session_token()
            .await
            .ok_or_else(|| fail(ServiceError::Unauthorized))?;
        accounts::actor_for_session(state.store.as_ref(), &token)
            .await
            .map_err(fail)
    }
}
