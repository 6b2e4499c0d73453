//! A server's rows as the store reads and writes them.

use chrono::{DateTime, Utc};

use crate::domain::headers::Header;
use crate::domain::{
    AgentId, AgentUid, AuthType, ErrorClass, OAuthServiceId, Scope, SecretRef, ServerId, TenantId,
    Transport, UrlSecret,
};

#[derive(Debug, Clone)]
pub struct NewServerRecord {
    pub tenant_id: TenantId,
    pub name: String,
    pub slug: String,
    pub description: String,
    /// The public part of the URL (all of it unless `url_secret` says otherwise).
    pub url: String,
    pub url_secret: UrlSecret,
    /// The vault's copy of the URL's secret part.
    pub url_secret_ref: Option<SecretRef>,
    pub transport: Transport,
    pub auth_type: AuthType,
    pub enabled: bool,
    pub featured: bool,
    pub secret_ref: Option<SecretRef>,
    /// Who registered it (a username).
    pub owner: Option<String>,
    pub auth_scope: Scope,
    /// Set for a server of one agent's own.
    pub agent_id: Option<AgentId>,
    pub extra_headers: Vec<Header>,
    /// The OAuth service its flows use; `None`: discovered when connecting.
    pub oauth_service_id: Option<OAuthServiceId>,
    pub now: DateTime<Utc>,
}

/// A partial update; `None` leaves the column alone.
#[derive(Debug, Clone, Default)]
pub struct ServerUpdate {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
    pub url_secret: Option<UrlSecret>,
    /// `Some(r)` sets the reference to the URL's secret part (`None`: no
    /// secret part any more).
    pub url_secret_ref: Option<Option<SecretRef>>,
    pub transport: Option<Transport>,
    pub auth_type: Option<AuthType>,
    pub enabled: Option<bool>,
    pub featured: Option<bool>,
    /// Replaces the secret reference, but only while it is still `from`: of
    /// two concurrent key changes, the later one finds no row.
    pub secret_ref: Option<SecretRefChange>,
    pub auth_scope: Option<Scope>,
    /// `Some(None)` makes the server the whole tenant's again.
    pub agent_id: Option<Option<AgentId>>,
    pub extra_headers: Option<Vec<Header>>,
    /// `Some(None)` unlinks the OAuth service.
    pub oauth_service_id: Option<Option<OAuthServiceId>>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRefChange {
    pub from: Option<SecretRef>,
    pub to: Option<SecretRef>,
}

/// The last test connection's result as stored on the server row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestSnapshot {
    pub ok: bool,
    /// JSON array of `ToolInfo`; tool names and descriptions only.
    pub tools_json: Option<String>,
    pub tool_count: Option<i64>,
    pub error_class: Option<ErrorClass>,
    pub error_message: Option<String>,
    pub tested_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerRecord {
    pub id: ServerId,
    pub tenant_id: TenantId,
    pub name: String,
    pub slug: String,
    pub description: String,
    /// The public part: see [`crate::domain::url_secret`].
    pub url: String,
    pub url_secret: UrlSecret,
    pub url_secret_ref: Option<SecretRef>,
    pub transport: Transport,
    pub auth_type: AuthType,
    pub enabled: bool,
    pub featured: bool,
    pub secret_ref: Option<SecretRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub test: Option<TestSnapshot>,
    pub credential_rotated_at: Option<DateTime<Utc>>,
    pub owner: Option<String>,
    pub auth_scope: Scope,
    pub agent_id: Option<AgentId>,
    /// The agent's public id, read with the row.
    pub agent_uid: Option<AgentUid>,
    pub extra_headers: Vec<Header>,
    pub oauth_service_id: Option<OAuthServiceId>,
    /// The image's public name, read with the row.
    pub image: Option<String>,
}

/// Extra headers as stored: a JSON object (so they read back sorted by
/// name, which HTTP does not mind), or NULL for none.
pub(in crate::server::store) fn headers_json(headers: &[Header]) -> Option<String> {
    if headers.is_empty() {
        return None;
    }
    let object: serde_json::Map<String, serde_json::Value> = headers
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    Some(serde_json::Value::Object(object).to_string())
}

pub(in crate::server::store) fn headers_from_json(text: &str) -> Option<Vec<Header>> {
    match serde_json::from_str::<serde_json::Value>(text).ok()? {
        serde_json::Value::Object(map) => map
            .into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k, s)),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// The raw row; turned into a [`ServerRecord`] with its enums checked.
#[derive(sqlx::FromRow)]
pub(super) struct ServerRow {
    pub id: ServerId,
    pub tenant_id: TenantId,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub url: String,
    pub url_secret: String,
    pub url_secret_ref: Option<SecretRef>,
    pub transport: String,
    pub auth_type: String,
    pub enabled: bool,
    pub is_featured: bool,
    pub secret_ref: Option<SecretRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub test_ok: Option<bool>,
    pub test_tools: Option<String>,
    pub test_tool_count: Option<i64>,
    pub test_error_class: Option<String>,
    pub test_error_message: Option<String>,
    pub tested_at: Option<DateTime<Utc>>,
    pub credential_rotated_at: Option<DateTime<Utc>>,
    pub owner: Option<String>,
    pub auth_scope: String,
    pub agent_id: Option<AgentId>,
    pub agent_uid: Option<AgentUid>,
    pub extra_headers: Option<String>,
    pub oauth_service_id: Option<OAuthServiceId>,
    pub image: Option<String>,
}

impl TryFrom<ServerRow> for ServerRecord {
    type Error = crate::server::store::StoreError;

    fn try_from(row: ServerRow) -> Result<Self, Self::Error> {
        let corrupt = |what: &str, value: &str| {
            crate::server::store::StoreError::Corrupt(format!(
                "server {}: bad {what} {value:?}",
                row.id
            ))
        };
        let transport =
            Transport::parse(&row.transport).ok_or_else(|| corrupt("transport", &row.transport))?;
        let auth_type =
            AuthType::parse(&row.auth_type).ok_or_else(|| corrupt("auth_type", &row.auth_type))?;
        let url_secret = UrlSecret::parse(&row.url_secret)
            .ok_or_else(|| corrupt("url_secret", &row.url_secret))?;
        let auth_scope =
            Scope::parse(&row.auth_scope).ok_or_else(|| corrupt("auth_scope", &row.auth_scope))?;
        let extra_headers = match row.extra_headers.as_deref() {
            None => Vec::new(),
            Some(text) => headers_from_json(text).ok_or_else(|| corrupt("extra_headers", text))?,
        };
        let error_class = match row.test_error_class.as_deref() {
            Some(c) => Some(ErrorClass::parse(c).ok_or_else(|| corrupt("error class", c))?),
            None => None,
        };
        let test = match (row.test_ok, row.tested_at) {
            (Some(ok), Some(tested_at)) => Some(TestSnapshot {
                ok,
                tools_json: row.test_tools,
                tool_count: row.test_tool_count,
                error_class,
                error_message: row.test_error_message,
                tested_at,
            }),
            _ => None,
        };
        Ok(ServerRecord {
            id: row.id,
            tenant_id: row.tenant_id,
            name: row.name,
            slug: row.slug,
            description: row.description,
            url: row.url,
            url_secret,
            url_secret_ref: row.url_secret_ref,
            transport,
            auth_type,
            enabled: row.enabled,
            featured: row.is_featured,
            secret_ref: row.secret_ref,
            created_at: row.created_at,
            updated_at: row.updated_at,
            test,
            credential_rotated_at: row.credential_rotated_at,
            owner: row.owner,
            auth_scope,
            agent_id: row.agent_id,
            agent_uid: row.agent_uid,
            extra_headers,
            oauth_service_id: row.oauth_service_id,
            image: row.image,
        })
    }
}
