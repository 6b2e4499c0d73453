//! Whose credential applies: one user's, one agent's, or the tenant's. A
//! server's `auth_scope` says which of them it is called with; a
//! connection's `scope` says which of them it binds. Seed 000 spells them
//! `user`, `mentor` and `platform`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Scope {
    /// Shared by the whole tenant (seed 000's `platform`).
    #[default]
    Tenant,
    /// One agent's (seed 000's `mentor`).
    Agent,
    /// One user's own.
    User,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Tenant, Scope::Agent, Scope::User];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Tenant => "tenant",
            Scope::Agent => "agent",
            Scope::User => "user",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Seed 000's spelling.
    pub fn wire(self) -> &'static str {
        match self {
            Scope::Tenant => "platform",
            Scope::Agent => "mentor",
            Scope::User => "user",
        }
    }

    pub fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.wire() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::Tenant => "Tenant",
            Scope::Agent => "Agent",
            Scope::User => "User",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_round_trip() {
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.as_str()), Some(s));
            assert_eq!(Scope::from_wire(s.wire()), Some(s));
        }
        assert_eq!(Scope::from_wire("tenant"), None, "not a seed 000 spelling");
    }
}
