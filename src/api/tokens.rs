//! The Settings → API tokens page's server functions.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::{ApiTokenView, AppError, CreatedToken, NewApiToken, TokenId};

#[server(input = Json, endpoint = "tokens/list")]
pub async fn list_tokens() -> Result<Vec<ApiTokenView>, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::tokens;

    let (state, actor) = caller().await?;
    tokens::list(&state.ports, &actor).await.map_err(fail)
}

/// The answer carries the token this once; it is never readable again.
#[server(input = Json, endpoint = "tokens/create")]
pub async fn create_token(token: NewApiToken) -> Result<CreatedToken, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::tokens;

    let (state, actor) = caller().await?;
    tokens::create(&state.ports, &actor, token)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "tokens/revoke")]
pub async fn revoke_token(id: TokenId) -> Result<(), AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::tokens;

    let (state, actor) = caller().await?;
    tokens::revoke(&state.ports, &actor, id).await.map_err(fail)
}
