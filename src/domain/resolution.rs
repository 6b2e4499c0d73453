//! Runtime resolution (seed 000's `resolve_connection`): which stored
//! credential applies when a user, through an agent, calls a server. Pure and
//! wasm-safe: the runtime API, the agent gateway and the admin page's "Test
//! as…" all ask this one function, so they cannot disagree.
//!
//! The order is the seed's: the newest active connection of the user (their
//! own, or one made from their connected account), then of the agent, then of
//! the tenant (where the server's own key counts as the tenant's connection),
//! then, for a featured server of the global platform, that platform's. A
//! server's `auth_scope` caps how far it falls back: a `User` server is only
//! ever called with the user's own credential, an `Agent` one with the user's
//! or the agent's.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{AgentId, ConnectionId, ServerId, TenantId, UserId};
use super::scope::Scope;
use super::server::AuthType;

/// What resolution needs to know about the server being called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFacts {
    pub id: ServerId,
    pub tenant_id: TenantId,
    pub enabled: bool,
    pub featured: bool,
    pub auth_type: AuthType,
    pub auth_scope: Scope,
    /// The server row holds a key of its own.
    pub has_own_credential: bool,
}

/// One stored connection, as resolution sees it (no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub id: ConnectionId,
    pub tenant_id: TenantId,
    pub server_id: ServerId,
    pub scope: Scope,
    pub user: Option<UserId>,
    /// The user of the connected (OAuth) account it was made from.
    pub grant_user: Option<UserId>,
    pub agent: Option<AgentId>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// Who is calling: always a tenant, usually a user, and the agent acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub tenant_id: TenantId,
    pub user: Option<UserId>,
    /// The agent, already checked to be the tenant's.
    pub agent: Option<AgentId>,
}

/// Which rule picked the credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The user's own account at an OAuth server (their grant's access
    /// token, renewed when due).
    UserGrant,
    UserConnection,
    AgentConnection,
    TenantConnection,
    /// The server's own key, the tenant's connection by default.
    ServerCredential,
    /// The global platform's connection to one of its featured servers.
    GlobalConnection,
    /// The global platform's own key for its featured server.
    GlobalServerCredential,
    /// The server takes no credential and no connection applies.
    NoCredential,
}

impl Rule {
    pub fn label(self) -> &'static str {
        match self {
            Rule::UserGrant => "user's connected account",
            Rule::UserConnection => "user connection",
            Rule::AgentConnection => "agent connection",
            Rule::TenantConnection => "tenant connection",
            Rule::ServerCredential => "server's own key",
            Rule::GlobalConnection => "global platform connection",
            Rule::GlobalServerCredential => "global platform's key",
            Rule::NoCredential => "no credential needed",
        }
    }
}

/// The answer: a rule and the connection it picked (none for a server's own
/// key or no credential).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ResolvedBy {
    pub rule: Rule,
    pub connection_id: Option<ConnectionId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Resolution {
    Resolved(ResolvedBy),
    /// A `User`-scoped server, and this user has no active connection.
    NeedsUserConnection {
        server: ServerId,
        /// An OAuth server: the user connects their account there (the
        /// runtime can send them to the authorize URL).
        oauth: bool,
    },
    /// An `Agent`-scoped server, and neither the user nor the agent has one.
    NeedsAgentConnection {
        server: ServerId,
    },
    /// The server takes a credential and none applies at any scope.
    NoCredential {
        server: ServerId,
    },
    /// The server is switched off.
    Disabled {
        server: ServerId,
    },
    /// Neither the caller's tenant's server nor a featured global one.
    NotAvailable,
}

/// Decides which credential `caller` uses for `server`. `bindings` may hold
/// any connections (resolution filters them); `global` is the global
/// platform's tenant, if there is one.
pub fn resolve(
    server: &ServerFacts,
    bindings: &[Binding],
    caller: &Caller,
    global: Option<TenantId>,
) -> Resolution {
    let own_tenant = server.tenant_id == caller.tenant_id;
    let via_global = !own_tenant && server.featured && Some(server.tenant_id) == global;
    if !own_tenant && !via_global {
        return Resolution::NotAvailable;
    }
    if !server.enabled {
        return Resolution::Disabled { server: server.id };
    }
    let newest = |tenant: TenantId, scope: Scope, matches: &dyn Fn(&Binding) -> bool| {
        bindings
            .iter()
            .filter(|b| {
                b.active
                    && b.server_id == server.id
                    && b.tenant_id == tenant
                    && b.scope == scope
                    && matches(b)
            })
            .max_by_key(|b| (b.created_at, b.id))
            .map(|b| b.id)
    };
    let found = |rule, id| {
        Resolution::Resolved(ResolvedBy {
            rule,
            connection_id: Some(id),
        })
    };
    let by = |rule| {
        Resolution::Resolved(ResolvedBy {
            rule,
            connection_id: None,
        })
    };

    if let Some(user) = caller.user {
        let mine = |b: &Binding| b.user == Some(user) || b.grant_user == Some(user);
        if let Some(id) = newest(caller.tenant_id, Scope::User, &mine) {
            return found(Rule::UserConnection, id);
        }
    }
    if server.auth_scope == Scope::User {
        return Resolution::NeedsUserConnection {
            server: server.id,
            oauth: server.auth_type == AuthType::Oauth2,
        };
    }
    if let Some(agent) = caller.agent
        && let Some(id) = newest(caller.tenant_id, Scope::Agent, &|b| b.agent == Some(agent))
    {
        return found(Rule::AgentConnection, id);
    }
    if server.auth_scope == Scope::Agent {
        return Resolution::NeedsAgentConnection { server: server.id };
    }
    if let Some(id) = newest(caller.tenant_id, Scope::Tenant, &|_| true) {
        return found(Rule::TenantConnection, id);
    }
    if own_tenant && server.has_own_credential {
        return by(Rule::ServerCredential);
    }
    if via_global {
        if let Some(id) = newest(server.tenant_id, Scope::Tenant, &|_| true) {
            return found(Rule::GlobalConnection, id);
        }
        if server.has_own_credential {
            return by(Rule::GlobalServerCredential);
        }
    }
    if server.auth_type == AuthType::None {
        return by(Rule::NoCredential);
    }
    Resolution::NoCredential { server: server.id }
}

#[cfg(test)]
#[path = "resolution_tests.rs"]
mod tests;
