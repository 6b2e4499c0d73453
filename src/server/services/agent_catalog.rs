//! What one agent may call: the kept tools of each enabled server assigned
//! to it (and enabled itself), after the assignment's allow-list, each
//! under a name that says whose it is, and each marked held when the
//! tenant's policy for changed tools (`hold`) keeps it from agents until
//! an admin approves it.
//!
//! The agent gateway reads this on every list and call, so it goes through
//! the replica's [`ResolutionCache`](super::resolution_cache) (for its TTL,
//! and dropped at once by this replica's own writes to assignments,
//! servers, kept tools and the policy).

use rmcp::model::Tool;
use std::borrow::Cow;
use std::sync::Arc;

use crate::domain::{AgentId, AuthType, ServerId, TenantId, ToolChangePolicy};
use crate::server::error::ServiceResult;
use crate::server::ports::Ports;
use crate::server::services::tool_catalog;
use crate::server::store::Holder;

/// Between a server's slug and its tool's own name. Slugs are made of
/// letters, digits and dashes, so the first separator in an exposed name
/// always ends the slug: two servers' tools can never collide.
pub const NAME_SEPARATOR: &str = "__";

/// One tool as the agent sees it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub server: ServerId,
    pub server_name: String,
    /// The server signs users in with OAuth: a user without credentials
    /// can connect their own account.
    pub oauth: bool,
    /// The tool's name at its server.
    pub upstream: String,
    /// The definition as the server gave it, under the exposed name.
    pub tool: Tool,
    /// It changed since it was approved and the tenant holds such tools
    /// back: neither listed nor callable until an admin approves it.
    pub held: bool,
}

/// One agent's tools, as [`of_agent`] finds them.
pub type Catalog = Arc<[Entry]>;

/// `<slug>__<tool>`. A slug that is not plain ASCII (a name in another
/// script) gives way to `server-<id>`, as MCP tool names are ASCII.
pub fn exposed_name(slug: &str, server: ServerId, tool: &str) -> String {
    let plain = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if plain {
        format!("{slug}{NAME_SEPARATOR}{tool}")
    } else {
        format!("server-{server}{NAME_SEPARATOR}{tool}")
    }
}

/// The agent's tools, by server (in assignment order) then name, held
/// ones included (marked).
pub async fn of_agent(ports: &Ports, tenant: TenantId, agent: AgentId) -> ServiceResult<Catalog> {
    let cache = &ports.resolution_cache;
    if let Some(catalog) = cache.catalog(tenant, agent) {
        return Ok(catalog);
    }
    let generation = cache.generation();
    let catalog: Catalog = read(ports, tenant, agent).await?.into();
    cache.keep_catalog(generation, tenant, agent, catalog.clone());
    Ok(catalog)
}

async fn read(ports: &Ports, tenant: TenantId, agent: AgentId) -> ServiceResult<Vec<Entry>> {
    let assignments: Vec<_> = ports
        .store
        .assignments(tenant, Holder::Agent(agent))
        .await?
        .into_iter()
        .filter(|a| a.assignment.enabled && a.server_enabled)
        .collect();
    let servers: Vec<ServerId> = assignments.iter().map(|a| a.assignment.server_id).collect();
    let kept = ports.store.server_tools(tenant, &servers).await?;
    let hold = ports.store.tool_change_policy(tenant).await? == ToolChangePolicy::Hold;
    let mut entries = Vec::with_capacity(kept.len());
    for a in &assignments {
        let server = a.assignment.server_id;
        let allowed = |name: &str| {
            a.assignment
                .tool_allowlist
                .as_ref()
                .is_none_or(|list| list.iter().any(|n| n == name))
        };
        for row in kept.iter().filter(|t| t.server_id == server) {
            if !allowed(&row.name) {
                continue;
            }
            let Some(mut tool) = tool_catalog::parse(server, &row.definition) else {
                continue;
            };
            tool.name = Cow::Owned(exposed_name(&a.server_slug, server, &row.name));
            entries.push(Entry {
                server,
                server_name: a.server_name.clone(),
                oauth: a.server_auth_type == AuthType::Oauth2,
                upstream: row.name.clone(),
                tool,
                held: hold && !row.approved(),
            });
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_whose_tool_it_is_and_never_collide() {
        let id = ServerId::new(7);
        assert_eq!(exposed_name("everything", id, "echo"), "everything__echo");
        assert_eq!(exposed_name("my-notes", id, "a__b"), "my-notes__a__b");
        assert_eq!(exposed_name("café", id, "echo"), "server-7__echo");
        assert_eq!(exposed_name("", id, "echo"), "server-7__echo");
        // The slug ends at the first separator, whatever the tool is named.
        let name = exposed_name("a-b", id, "c__d");
        assert_eq!(name.split_once(NAME_SEPARATOR), Some(("a-b", "c__d")));
    }
}
