//! The audit log's vocabulary, shared by the server and the Audit page.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::listing::{DEFAULT_PER_PAGE, MAX_PER_PAGE};

/// What was done. The string forms are stored, so they never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    ServerRegister,
    ServerUpdate,
    ServerDelete,
    KeyRotate,
    KeyRotateUndo,
    /// A secret was read out of the vault (for a test connection).
    SecretRead,
    TokenCreate,
    TokenRevoke,
}

impl AuditAction {
    pub const ALL: [AuditAction; 8] = [
        AuditAction::ServerRegister,
        AuditAction::ServerUpdate,
        AuditAction::ServerDelete,
        AuditAction::KeyRotate,
        AuditAction::KeyRotateUndo,
        AuditAction::SecretRead,
        AuditAction::TokenCreate,
        AuditAction::TokenRevoke,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::ServerRegister => "server.register",
            AuditAction::ServerUpdate => "server.update",
            AuditAction::ServerDelete => "server.delete",
            AuditAction::KeyRotate => "key.rotate",
            AuditAction::KeyRotateUndo => "key.rotate_undo",
            AuditAction::SecretRead => "secret.read",
            AuditAction::TokenCreate => "token.create",
            AuditAction::TokenRevoke => "token.revoke",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// What the Audit page shows.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::ServerRegister => "Server registered",
            AuditAction::ServerUpdate => "Server updated",
            AuditAction::ServerDelete => "Server deleted",
            AuditAction::KeyRotate => "Key rotated",
            AuditAction::KeyRotateUndo => "Key rotation undone",
            AuditAction::SecretRead => "Secret read",
            AuditAction::TokenCreate => "API token created",
            AuditAction::TokenRevoke => "API token revoked",
        }
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
    pub id: i64,
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
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
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
