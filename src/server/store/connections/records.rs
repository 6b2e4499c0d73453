//! A connection's rows as the store reads and writes them.

use chrono::{DateTime, Utc};

use crate::domain::headers::Header;
use crate::domain::{
    AgentId, AgentUid, AuthType, ConnectionId, GrantId, Scope, SecretRef, ServerId, TenantId,
    UserId,
};
use crate::server::store::SecretRefChange;

#[derive(Debug, Clone)]
pub struct NewConnectionRecord {
    pub tenant_id: TenantId,
    pub server_id: ServerId,
    pub scope: Scope,
    pub auth_type: AuthType,
    pub user_id: Option<UserId>,
    pub agent_id: Option<AgentId>,
    pub authorization_scheme: String,
    /// The headers that are not secret, with their values.
    pub extra_headers: Vec<Header>,
    /// The names of the headers whose values are in the vault.
    pub secret_header_names: Vec<String>,
    pub secret_ref: Option<SecretRef>,
    pub active: bool,
    /// An `oauth2` connection's grant (seed 000's `connected_service`).
    pub grant_id: Option<GrantId>,
    pub now: DateTime<Utc>,
}

/// A partial update; `None` leaves the column alone.
#[derive(Debug, Clone, Default)]
pub struct ConnectionUpdate {
    pub server_id: Option<ServerId>,
    pub scope: Option<Scope>,
    pub auth_type: Option<AuthType>,
    pub user_id: Option<Option<UserId>>,
    pub agent_id: Option<Option<AgentId>>,
    pub authorization_scheme: Option<String>,
    pub extra_headers: Option<Vec<Header>>,
    pub secret_header_names: Option<Vec<String>>,
    /// Only while the reference is still `from` (see `ServerUpdate`).
    pub secret_ref: Option<SecretRefChange>,
    pub active: Option<bool>,
    /// `Some(None)` drops the grant.
    pub grant_id: Option<Option<GrantId>>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRecord {
    pub id: ConnectionId,
    pub tenant_id: TenantId,
    pub server_id: ServerId,
    pub server_name: String,
    pub scope: Scope,
    pub auth_type: AuthType,
    pub user_id: Option<UserId>,
    pub username: Option<String>,
    pub agent_id: Option<AgentId>,
    pub agent_uid: Option<AgentUid>,
    pub authorization_scheme: String,
    pub extra_headers: Vec<Header>,
    pub secret_header_names: Vec<String>,
    pub secret_ref: Option<SecretRef>,
    pub active: bool,
    pub grant_id: Option<GrantId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Seed 000's connection list filters; `None` is no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionFilter {
    pub auth_type: Option<AuthType>,
    pub active: Option<bool>,
    pub agent: Option<AgentUid>,
    pub scope: Option<Scope>,
    /// A case-insensitive part of the server's name.
    pub search: Option<String>,
    pub server: Option<ServerId>,
    /// A username.
    pub user: Option<String>,
    /// Only this user's own (user-scoped) connections: what a member sees.
    pub owned_by: Option<UserId>,
}

#[derive(sqlx::FromRow)]
pub(super) struct ConnectionRow {
    pub id: ConnectionId,
    pub tenant_id: TenantId,
    pub server_id: ServerId,
    pub scope: String,
    pub auth_type: String,
    pub user_id: Option<UserId>,
    pub agent_id: Option<AgentId>,
    pub authorization_scheme: String,
    pub extra_headers: Option<String>,
    pub secret_header_names: Option<String>,
    pub secret_ref: Option<SecretRef>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub grant_id: Option<GrantId>,
    pub server_name: Option<String>,
    pub username: Option<String>,
    pub agent_uid: Option<AgentUid>,
}

impl TryFrom<ConnectionRow> for ConnectionRecord {
    type Error = crate::server::store::StoreError;

    fn try_from(row: ConnectionRow) -> Result<Self, Self::Error> {
        let corrupt = |what: &str| {
            crate::server::store::StoreError::Corrupt(format!("connection {}: bad {what}", row.id))
        };
        let scope = Scope::parse(&row.scope).ok_or_else(|| corrupt("scope"))?;
        let auth_type = AuthType::parse(&row.auth_type).ok_or_else(|| corrupt("auth_type"))?;
        let extra_headers = match row.extra_headers.as_deref() {
            None => Vec::new(),
            Some(text) => crate::server::store::servers::headers_from_json(text)
                .ok_or_else(|| corrupt("extra_headers"))?,
        };
        let secret_header_names = match row.secret_header_names.as_deref() {
            None => Vec::new(),
            Some(text) => serde_json::from_str::<Vec<String>>(text)
                .map_err(|_| corrupt("secret_header_names"))?,
        };
        Ok(ConnectionRecord {
            id: row.id,
            tenant_id: row.tenant_id,
            server_id: row.server_id,
            server_name: row.server_name.unwrap_or_default(),
            scope,
            auth_type,
            user_id: row.user_id,
            username: row.username,
            agent_id: row.agent_id,
            agent_uid: row.agent_uid,
            authorization_scheme: row.authorization_scheme,
            extra_headers,
            secret_header_names,
            secret_ref: row.secret_ref,
            active: row.is_active,
            grant_id: row.grant_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

pub(super) fn names_json(names: &[String]) -> Option<String> {
    (!names.is_empty()).then(|| serde_json::Value::from(names.to_vec()).to_string())
}
