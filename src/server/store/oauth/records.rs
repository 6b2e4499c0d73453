//! The OAuth tables' records: what is written, what is read back, and the
//! raw rows read from either engine.

use chrono::{DateTime, Utc};

use crate::domain::{GrantId, GrantStatus, OAuthClientId, SecretRef, ServerId, TenantId, UserId};
use crate::server::store::StoreError;

pub use crate::domain::oauth_service::Registration;

#[derive(Debug, Clone)]
pub struct NewOAuthClient {
    pub tenant_id: TenantId,
    pub issuer: String,
    pub redirect_uri: String,
    pub client_id: String,
    pub client_secret_ref: Option<SecretRef>,
    pub registered_via: Registration,
    /// The authorization server's metadata (public), as JSON.
    pub metadata: String,
    /// The provider's name an admin gave it; `None`: named after its host.
    pub name: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClientRecord {
    pub id: OAuthClientId,
    pub tenant_id: TenantId,
    pub issuer: String,
    pub redirect_uri: String,
    pub client_id: String,
    pub client_secret_ref: Option<SecretRef>,
    pub registered_via: Registration,
    pub metadata: String,
    pub name: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(super) struct ClientRow {
    id: OAuthClientId,
    tenant_id: TenantId,
    issuer: String,
    redirect_uri: String,
    client_id: String,
    client_secret_ref: Option<SecretRef>,
    registered_via: String,
    metadata: String,
    name: Option<String>,
    created_at: DateTime<Utc>,
}

impl TryFrom<ClientRow> for OAuthClientRecord {
    type Error = StoreError;

    fn try_from(r: ClientRow) -> Result<Self, StoreError> {
        let registered_via = Registration::parse(&r.registered_via).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "oauth client {}: registered_via {:?}",
                r.id, r.registered_via
            ))
        })?;
        Ok(Self {
            id: r.id,
            tenant_id: r.tenant_id,
            issuer: r.issuer,
            redirect_uri: r.redirect_uri,
            client_id: r.client_id,
            client_secret_ref: r.client_secret_ref,
            registered_via,
            metadata: r.metadata,
            name: r.name,
            created_at: r.created_at,
        })
    }
}

/// A flow in progress, as stored (see the migration for what each holds).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OAuthStateRecord {
    pub state_hash: String,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub server_id: ServerId,
    pub client_row_id: OAuthClientId,
    pub session_hash: String,
    pub sealed_verifier: String,
    pub resource: String,
    /// Space-separated, as OAuth writes them.
    pub scopes: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewGrant {
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub server_id: ServerId,
    pub client_row_id: OAuthClientId,
    pub secret_ref: SecretRef,
    pub resource: String,
    pub scopes: String,
    pub expires_at: Option<DateTime<Utc>>,
    /// The token set holds a refresh token (a refresh keeps it).
    pub refreshable: bool,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRecord {
    pub id: GrantId,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub server_id: ServerId,
    pub client_row_id: OAuthClientId,
    pub secret_ref: SecretRef,
    pub resource: String,
    pub scopes: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub status: GrantStatus,
    pub status_reason: Option<String>,
    pub refresh_lease_until: Option<DateTime<Utc>>,
    /// The scopes a server asked for beyond `scopes` (step-up), if any.
    pub wanted_scopes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(super) struct GrantRow {
    id: GrantId,
    tenant_id: TenantId,
    user_id: UserId,
    mcp_server_id: ServerId,
    client_row_id: OAuthClientId,
    secret_ref: SecretRef,
    resource: String,
    scopes: String,
    expires_at: Option<DateTime<Utc>>,
    status: String,
    status_reason: Option<String>,
    refresh_lease_until: Option<DateTime<Utc>>,
    wanted_scopes: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<GrantRow> for GrantRecord {
    type Error = StoreError;

    fn try_from(r: GrantRow) -> Result<Self, StoreError> {
        let status = GrantStatus::parse(&r.status)
            .ok_or_else(|| StoreError::Corrupt(format!("grant {}: status {:?}", r.id, r.status)))?;
        Ok(Self {
            id: r.id,
            tenant_id: r.tenant_id,
            user_id: r.user_id,
            server_id: r.mcp_server_id,
            client_row_id: r.client_row_id,
            secret_ref: r.secret_ref,
            resource: r.resource,
            scopes: r.scopes,
            expires_at: r.expires_at,
            status,
            status_reason: r.status_reason,
            refresh_lease_until: r.refresh_lease_until,
            wanted_scopes: r.wanted_scopes,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}
