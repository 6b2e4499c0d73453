//! Each server's tools as the server defines them, kept from its last
//! successful test connection: what the agent gateway lists and routes by.
//! A definition is kept byte for byte as the server sent it, with its
//! SHA-256, so that a later change is seen (tool pinning: see
//! `services::tool_pins`).

use rmcp::model::Tool;
use sha2::{Digest, Sha256};

use crate::domain::{AuditAction, ServerId, ToolChangePolicy};
use crate::server::error::ServiceResult;
use crate::server::ports::Ports;
use crate::server::services::audit::{self, By, server_target};
use crate::server::store::NewServerTool;

/// The rows a tool list becomes. (A definition came in as JSON, so it
/// goes back out as JSON; one that would not is logged and left out.)
pub fn rows_of(server: ServerId, tools: &[Tool]) -> Vec<NewServerTool> {
    tools
        .iter()
        .filter_map(|tool| match serde_json::to_string(tool) {
            Ok(definition) => Some(NewServerTool {
                name: tool.name.to_string(),
                hash: hex::encode(Sha256::digest(definition.as_bytes())),
                definition,
            }),
            Err(e) => {
                tracing::warn!(server = %server, error = %e, "a tool definition is not JSON");
                None
            }
        })
        .collect()
}

/// Keeps `tools` as the server's catalog (a deleted server keeps nothing),
/// each against its approved definition under the tenant's policy. A
/// change that now waits for an admin, and one the `accept` policy
/// approved, are audited.
pub async fn refresh(
    ports: &Ports,
    by: By<'_>,
    server: ServerId,
    server_name: &str,
    tools: &[Tool],
) -> ServiceResult<()> {
    let tenant = by.tenant();
    let policy = ports.store.tool_change_policy(tenant).await?;
    let rows = rows_of(server, tools);
    let Some(report) = ports
        .store
        .refresh_server_tools(
            tenant,
            server,
            &rows,
            ports.clock.now(),
            policy == ToolChangePolicy::Accept,
        )
        .await?
    else {
        return Ok(());
    };
    // What agents may call follows the kept tools at once on this replica.
    ports.resolution_cache.forget_tenant(tenant);
    let target = server_target(server, server_name);
    if !report.changed.is_empty() {
        let detail = format!(
            "{} ({}: {})",
            report.changed.join(", "),
            policy.as_str(),
            policy.describe()
        );
        tracing::info!(tenant = %tenant, server = %server, tools = ?report.changed, "tools changed");
        audit::record_by(
            ports,
            by,
            AuditAction::ToolsChanged,
            &target,
            Ok(()),
            Some(detail),
        )
        .await;
    }
    if !report.accepted.is_empty() {
        let detail = format!(
            "{} (by the tenant's accept policy)",
            report.accepted.join(", ")
        );
        audit::record_by(
            ports,
            by,
            AuditAction::ToolsApprove,
            &target,
            Ok(()),
            Some(detail),
        )
        .await;
    }
    Ok(())
}

/// A kept definition read back; one that no longer parses (written by a
/// newer version, say) is left out and logged rather than failing a list.
pub fn parse(server: ServerId, definition: &str) -> Option<Tool> {
    match serde_json::from_str(definition) {
        Ok(tool) => Some(tool),
        Err(e) => {
            tracing::warn!(server = %server, error = %e, "a kept tool definition does not parse");
            None
        }
    }
}
