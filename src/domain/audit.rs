//! The audit log's vocabulary, shared by the server and the Audit page.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::AuditEventId;
use super::listing::{DEFAULT_PER_PAGE, MAX_PER_PAGE};

/// Declares [`AuditAction`] from one table, so the list of every action, the
/// stored spelling and the page's label cannot fall out of step.
macro_rules! audit_actions {
    ($($(#[$doc:meta])* $variant:ident => $stored:literal, $label:literal;)+) => {
        /// What was done. The string forms are stored, so they never change.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum AuditAction {
            $($(#[$doc])* $variant,)+
        }

        impl AuditAction {
            /// Every action, in declaration order (the Audit page's filter).
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $stored,)+
                }
            }

            /// What the Audit page shows.
            pub fn label(self) -> &'static str {
                match self {
                    $(AuditAction::$variant => $label,)+
                }
            }
        }
    };
}

audit_actions! {
    ServerRegister => "server.register", "Server registered";
    ServerUpdate => "server.update", "Server updated";
    ServerDelete => "server.delete", "Server deleted";
    KeyRotate => "key.rotate", "Key rotated";
    KeyRotateUndo => "key.rotate_undo", "Key rotation undone";
    /// A secret was read out of the vault (for a test connection).
    SecretRead => "secret.read", "Secret read";
    TokenCreate => "token.create", "API token created";
    TokenRevoke => "token.revoke", "API token revoked";
    AgentCreate => "agent.create", "Agent created";
    AgentRename => "agent.rename", "Agent renamed";
    AgentDelete => "agent.delete", "Agent deleted";
    ConnectionCreate => "connection.create", "Connection created";
    ConnectionUpdate => "connection.update", "Connection updated";
    ConnectionDelete => "connection.delete", "Connection deleted";
    /// A runtime token resolved a stored credential (counted: see
    /// `services::resolve_audit`).
    RuntimeResolve => "runtime.resolve", "Credential resolved for a runtime";
    TemplateCreate => "template.create", "Template created";
    TemplateUpdate => "template.update", "Template changed";
    TemplateDelete => "template.delete", "Template deleted";
    /// A server assigned to a template (or its switch or allow-list changed).
    TemplateAssign => "template.assign", "Server assigned to a template";
    TemplateUnassign => "template.unassign", "Server removed from a template";
    AgentAssign => "agent.assign", "Server assigned to an agent";
    AgentUnassign => "agent.unassign", "Server removed from an agent";
    /// One agent synced to its template.
    TemplateSync => "template.sync", "Agent synced to a template";
    /// A user connected their account at a server's authorization server.
    OAuthConnect => "oauth.connect", "OAuth account connected";
    /// A user's grant was cleared (and revoked at the server when it can).
    OAuthDisconnect => "oauth.disconnect", "OAuth account disconnected";
    /// Switchboard registered itself as a client of an authorization server.
    OAuthRegister => "oauth.register", "OAuth client registered";
    /// A runtime called a tool through the agent gateway (one per call).
    GatewayCall => "gateway.call", "Tool called through the agent gateway";
    /// A refresh found tools that differ from their approved definitions.
    ToolsChanged => "tools.changed", "Server's tools changed";
    /// Tool changes approved, by an admin or by the `accept` policy.
    ToolsApprove => "tools.approve", "Tool changes approved";
    /// The tenant's policy for changed tools was set.
    ToolPolicy => "tenant.tool_policy", "Tool change policy set";
}

impl AuditAction {
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    Success,
    Failure,
}

impl AuditOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Success => "success",
            AuditOutcome::Failure => "failure",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "success" => Some(AuditOutcome::Success),
            "failure" => Some(AuditOutcome::Failure),
            _ => None,
        }
    }
}

/// One row of the Audit page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub actor: String,
    pub action: AuditAction,
    pub target: String,
    pub outcome: AuditOutcome,
    pub detail: Option<String>,
    pub at: DateTime<Utc>,
}

/// A page of the log, newest first, optionally one action only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// 1-based page number.
    pub page: u32,
    pub per_page: u32,
    pub action: Option<AuditAction>,
}

impl Default for AuditQuery {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            action: None,
        }
    }
}

impl AuditQuery {
    pub fn normalized(mut self) -> Self {
        self.page = self.page.max(1);
        self.per_page = self.per_page.clamp(1, MAX_PER_PAGE);
        self
    }

    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.per_page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_through_their_stored_names() {
        for &action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        // Stored spellings are unique, or a parse would pick the wrong one.
        let mut stored: Vec<_> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        stored.sort_unstable();
        stored.dedup();
        assert_eq!(stored.len(), AuditAction::ALL.len());
        assert_eq!(AuditAction::parse("server.explode"), None);
    }

    #[test]
    fn queries_are_clamped() {
        let q = AuditQuery {
            page: 0,
            per_page: 10_000,
            action: None,
        }
        .normalized();
        assert_eq!((q.page, q.per_page, q.offset()), (1, MAX_PER_PAGE, 0));
    }
}
