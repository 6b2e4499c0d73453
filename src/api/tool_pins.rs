//! The server dialog's tool review: pinned tools, approvals, and the
//! tenant's policy for changed tools.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::{AppError, ServerId, ToolApproval, ToolChangePolicy, ToolPinsView};

#[server(input = Json, endpoint = "tools/pins")]
pub async fn tool_pins(id: ServerId) -> Result<ToolPinsView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::tool_pins;

    let (state, actor) = caller().await?;
    tool_pins::view(&state.ports, &actor, id)
        .await
        .map_err(fail)
}

#[server(input = Json, endpoint = "tools/approve")]
pub async fn approve_tools(
    id: ServerId,
    approvals: Vec<ToolApproval>,
) -> Result<ToolPinsView, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::tool_pins;

    let (state, actor) = caller().await?;
    tool_pins::approve(&state.ports, &actor, id, approvals)
        .await
        .map_err(fail)
}

/// `policy` is the stored spelling (`warn`, `hold`, `accept`), checked
/// here so that another word is a field error, not a decoding failure.
#[server(input = Json, endpoint = "tools/set-policy")]
pub async fn set_tool_policy(policy: String) -> Result<ToolChangePolicy, AppError> {
    use super::edge::{caller, fail};
    use crate::server::services::tool_pins;

    let (state, actor) = caller().await?;
    let policy = ToolChangePolicy::parse(&policy).map_err(fail)?;
    tool_pins::set_policy(&state.ports, &actor, policy)
        .await
        .map_err(fail)
}
