//! The Audit page's server function.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::{AppError, AuditEvent, AuditQuery, Page};

#[server(input = Json, endpoint = "audit/list")]
pub async fn list_audit(query: AuditQuery) -> Result<Page<AuditEvent>, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::audit;

    let (state, actor) = caller().await?;
    audit::list(&state.ports, &actor, query).await.map_err(fail)
}
