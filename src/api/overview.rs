//! The overview page's one call.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::AppError;
use crate::domain::overview::Overview;

/// How the caller's tenant is doing (see `server::services::overview`).
#[server(input = Json, endpoint = "overview")]
pub async fn tenant_overview() -> Result<Overview, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::overview;

    let (state, actor) = caller().await?;
    overview::overview(&state.ports, &actor).await.map_err(fail)
}
