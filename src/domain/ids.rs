//! Typed ids. Every table's key is its own type, so passing a user's id where
//! a tenant's is expected, or swapping two arguments, is a compile error
//! rather than a cross-tenant read. On the wire they are the bare integer (or
//! string) they wrap, so neither contract changes.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An id that a request names in its path or form, so an edge can parse any
/// of them the same way.
pub trait RowId: Copy + Send + Sync + 'static {
    /// `None` for anything that cannot name a row.
    fn parse(raw: &str) -> Option<Self>;
}

/// Declares an integer id: transparent on the wire and (on the server) in
/// the database, `Display`s as the number, parsed only when positive.
macro_rules! int_id {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(i64);

        impl $name {
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }

            pub const fn get(self) -> i64 {
                self.0
            }

            /// A path segment or form value: anything but a positive
            /// integer names no row, so it is `None`, not an error.
            pub fn parse(raw: &str) -> Option<Self> {
                raw.parse::<i64>().ok().filter(|id| *id > 0).map(Self)
            }
        }

        impl RowId for $name {
            fn parse(raw: &str) -> Option<Self> {
                $name::parse(raw)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}

int_id! {
    /// A tenant (seed 002's tenant, seed 000's platform or org).
    TenantId;
    /// A local account.
    UserId;
    /// A registered MCP server.
    ServerId;
    /// An API token (its row, never the token).
    TokenId;
    /// One audit log entry.
    AuditEventId;
    /// An agent's row; on the wire an agent is its `AgentUid`.
    AgentId;
    /// A connection: a credential bound to a scope.
    ConnectionId;
    /// An agent template: a set of servers agents are made from and synced to.
    TemplateId;
    /// One user's OAuth grant for one server (`user_mcp_tokens`).
    GrantId;
    /// Switchboard's registration as a client of one authorization server.
    OAuthClientId;
    /// An OAuth service: the client a tenant's OAuth servers connect with.
    OAuthServiceId;
}

/// Where a secret lives in the vault: an opaque name (local: a UUID; aws: the
/// secret's name). A row keeps only this, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct SecretRef(String);

impl SecretRef {
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SecretRef {
    fn from(raw: &str) -> Self {
        Self(raw.to_owned())
    }
}

impl From<String> for SecretRef {
    fn from(raw: String) -> Self {
        Self(raw)
    }
}

// The vault's methods take `&str`, so a `&SecretRef` can be passed as is.
impl std::ops::Deref for SecretRef {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_only_positive_integers() {
        assert_eq!(ServerId::parse("42"), Some(ServerId::new(42)));
        for bad in ["0", "-3", "", "4x", "9999999999999999999999"] {
            assert_eq!(ServerId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ids_are_bare_on_the_wire() {
        assert_eq!(serde_json::to_string(&TenantId::new(7)).unwrap(), "7");
        let id: UserId = serde_json::from_str("12").unwrap();
        assert_eq!(id.get(), 12);
        let r: SecretRef = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(&*r, "abc");
    }
}
