//! Identity: password hashes, sessions, and who is asking (`Actor`).

pub mod client;
pub mod credentials;
pub mod password;
pub mod rate_limit;
pub mod session;

use crate::domain::{Role, TenantId, TokenId, UserId};

/// A verified caller, scoped to one tenant. Services take this, never raw headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub username: String,
    pub email: String,
    pub tenant_id: TenantId,
    pub tenant_slug: String,
    pub tenant_name: String,
    pub role: Role,
}

impl Actor {
    pub fn require_admin(&self) -> Result<(), crate::server::error::ServiceError> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(crate::server::error::ServiceError::Forbidden)
        }
    }
}

/// A verified agent runtime: a live runtime token of one tenant, made by
/// one of its admins. It may only resolve credentials, so it is not an
/// `Actor` and no other service takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runtime {
    pub tenant_id: TenantId,
    pub tenant_slug: String,
    pub token_id: TokenId,
    /// The admin who made the token (the audit log's actor).
    pub maker: UserId,
    /// How the audit log names it: `runtime token <name> (<prefix>)`.
    pub label: String,
}
