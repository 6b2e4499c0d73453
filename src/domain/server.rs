//! MCP server registrations: the vocabulary, the payloads and their validation.

use super::agent::AgentUid;
use super::headers::Header;
use super::ids::{OAuthServiceId, ServerId, TenantId};
use super::scope::Scope;
use super::url_secret::UrlSecret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const NAME_MAX: usize = 100;
pub const URL_MAX: usize = 2048;
pub const API_KEY_MAX: usize = 4096;
pub const DESCRIPTION_MAX: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Transport {
    /// The MCP standard transport, and our recommendation.
    #[default]
    StreamableHttp,
    /// Legacy HTTP+SSE, deprecated by the spec but still widely deployed.
    Sse,
    /// JSON-RPC messages over a WebSocket (subprotocol `mcp`); not in the
    /// MCP spec, but seed 000 lists it and some servers only speak it.
    WebSocket,
}

impl Transport {
    pub const ALL: [Transport; 3] = [
        Transport::StreamableHttp,
        Transport::Sse,
        Transport::WebSocket,
    ];

    /// The stable spelling used in the database and both REST contracts.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::StreamableHttp => "streamable_http",
            Transport::Sse => "sse",
            Transport::WebSocket => "websocket",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Transport::StreamableHttp => "Streamable HTTP",
            Transport::Sse => "SSE",
            Transport::WebSocket => "WebSocket",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum AuthType {
    #[default]
    None,
    /// A static key shared by the whole tenant ("Tenant API Key").
    Token,
    /// Each user connects their own account.
    Oauth2,
}

impl AuthType {
    pub const ALL: [AuthType; 3] = [AuthType::None, AuthType::Token, AuthType::Oauth2];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthType::None => "none",
            AuthType::Token => "token",
            AuthType::Oauth2 => "oauth2",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            AuthType::None => "None",
            AuthType::Token => "Tenant API Key",
            AuthType::Oauth2 => "OAuth",
        }
    }
}

/// Which way a failed test connection went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorClass {
    /// DNS, connect, TLS, timeout, wrong transport, refused by the SSRF guard.
    Transport,
    /// The server refused our credentials (401/403).
    Auth,
    /// The server answered, with a JSON-RPC or HTTP 5xx error.
    Downstream,
}

impl ErrorClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Transport => "transport",
            ErrorClass::Auth => "auth",
            ErrorClass::Downstream => "downstream",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Transport, Self::Auth, Self::Downstream]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestError {
    pub class: ErrorClass,
    pub message: String,
}

/// The result of one test connection: a point-in-time snapshot, not live state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestOutcome {
    pub ok: bool,
    pub tools: Vec<ToolInfo>,
    pub error: Option<TestError>,
    pub tested_at: DateTime<Utc>,
}

/// The columns of the servers table that can be sorted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ServerSort {
    #[default]
    Name,
    Transport,
    AuthType,
    ToolCount,
    Status,
    CreatedAt,
}

/// A row of the servers table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerSummary {
    pub id: ServerId,
    pub name: String,
    pub transport: Transport,
    pub auth_type: AuthType,
    /// From the last test; `None` before any successful test.
    pub tool_count: Option<u32>,
    pub enabled: bool,
}

/// Everything the detail dialog shows. Never carries a credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerView {
    pub id: ServerId,
    /// The tenant's id (seed 000 calls it `platform`).
    pub tenant_id: TenantId,
    pub name: String,
    pub slug: String,
    pub description: String,
    /// As everyone reads it: a secret part (see `url_secret`) is masked.
    pub url: String,
    /// Which part of the URL is a secret kept in the vault.
    #[serde(default)]
    pub url_secret: UrlSecret,
    pub transport: Transport,
    pub auth_type: AuthType,
    pub enabled: bool,
    /// Offered as a fallback to every tenant when set on the global platform's server.
    pub featured: bool,
    /// Whether a credential is stored in the vault for this server.
    pub has_credential: bool,
    pub tool_count: Option<u32>,
    pub last_test: Option<TestOutcome>,
    /// Set once the key has been rotated: the vault then holds a previous
    /// key that "Undo rotation" can restore.
    pub credential_rotated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who registered it (a username); `None` for servers from before this
    /// was kept.
    pub owner: Option<String>,
    /// Whose credentials it is called with.
    pub auth_scope: Scope,
    /// Set when the server is one agent's own rather than the tenant's.
    pub agent: Option<AgentUid>,
    /// Sent on every call; never a credential.
    pub extra_headers: Vec<Header>,
    /// The server's image, by its public name (`<sha256>.<ext>`, served
    /// under `/media/server-images/`).
    #[serde(default)]
    pub image: Option<String>,
    /// The OAuth service its accounts connect through; `None`: discovered
    /// from the server when a user connects.
    #[serde(default)]
    pub oauth_service: Option<OAuthServiceId>,
}

/// A new key to rotate to. It is tested before it becomes current.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRotation {
    pub api_key: String,
}

// Never print the key, even in a debug dump of a request.
impl std::fmt::Debug for KeyRotation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyRotation { api_key: <redacted> }")
    }
}

impl ServerView {
    pub fn summary(&self) -> ServerSummary {
        ServerSummary {
            id: self.id,
            name: self.name.clone(),
            transport: self.transport,
            auth_type: self.auth_type,
            tool_count: self.tool_count,
            enabled: self.enabled,
        }
    }
}

/// Field names, shared so that server-side errors land under the right input.
pub struct ServerField;

impl ServerField {
    pub const NAME: &'static str = "name";
    pub const URL: &'static str = "url";
    pub const TRANSPORT: &'static str = "transport";
    pub const AUTH_TYPE: &'static str = "auth_type";
    pub const API_KEY: &'static str = "api_key";
    pub const DESCRIPTION: &'static str = "description";
    pub const EXTRA_HEADERS: &'static str = "extra_headers";
    pub const URL_SECRET: &'static str = "url_secret";
    pub const AGENT: &'static str = "agent";
}

/// A registration as submitted by the form or an API client.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewServer {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The whole URL, its secret part included.
    pub url: String,
    /// Which part of `url` goes to the vault instead of the row.
    #[serde(default)]
    pub url_secret: UrlSecret,
    pub transport: Transport,
    pub auth_type: AuthType,
    /// Only for [`AuthType::Token`]. Travels to the server once, then lives in the vault.
    pub api_key: Option<String>,
    /// `None` registers the server enabled.
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub featured: bool,
    #[serde(default)]
    pub auth_scope: Scope,
    /// Makes it one agent's own server.
    #[serde(default)]
    pub agent: Option<AgentUid>,
    #[serde(default)]
    pub extra_headers: Vec<Header>,
    /// One of the tenant's OAuth services, for an `oauth2` server.
    #[serde(default)]
    pub oauth_service: Option<OAuthServiceId>,
}

/// Whether a Tenant API Key server must come with its key. The admin page and
/// seed 002 say yes; seed 000 lets the key follow later by PATCH.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRule {
    Required,
    MayFollow,
}

// The key never reaches a debug print or a log line.
impl std::fmt::Debug for NewServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewServer")
            .field("name", &self.name)
            .field("description", &self.description)
            .field("url", &redacted_url(&self.url, self.url_secret))
            .field("url_secret", &self.url_secret)
            .field("transport", &self.transport)
            .field("auth_type", &self.auth_type)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("enabled", &self.enabled)
            .field("featured", &self.featured)
            .field("auth_scope", &self.auth_scope)
            .field("agent", &self.agent)
            .field("extra_headers", &self.extra_headers)
            .finish()
    }
}

/// A URL for a debug print: masked when a part of it is (or may be) secret.
fn redacted_url(url: &str, which: UrlSecret) -> String {
    match super::url_secret::split(url, which) {
        Ok(split) => super::url_secret::masked(&split.public, which),
        Err(_) if which == UrlSecret::None => url.to_owned(),
        Err(_) => "<redacted>".to_owned(),
    }
}

/// A partial update: `None` leaves a field as it is.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServerPatch {
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The whole new URL; the masked URL as read back leaves it as it is.
    pub url: Option<String>,
    #[serde(default)]
    pub url_secret: Option<UrlSecret>,
    pub transport: Option<Transport>,
    #[serde(default)]
    pub auth_type: Option<AuthType>,
    /// A new key for a Tenant API Key server; replaces the stored one untested
    /// (the rotate flow is the tested way). Never echoed back.
    #[serde(default)]
    pub api_key: Option<String>,
    pub enabled: Option<bool>,
    #[serde(default)]
    pub featured: Option<bool>,
    #[serde(default)]
    pub auth_scope: Option<Scope>,
    /// `Some(None)` shares the server with the whole tenant again.
    #[serde(default)]
    pub agent: Option<Option<AgentUid>>,
    #[serde(default)]
    pub extra_headers: Option<Vec<Header>>,
    /// `Some(None)` unlinks it (accounts are then connected by discovery).
    #[serde(default)]
    pub oauth_service: Option<Option<OAuthServiceId>>,
}

impl std::fmt::Debug for ServerPatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerPatch")
            .field("name", &self.name)
            .field("description", &self.description)
            .field(
                "url",
                &self
                    .url
                    .as_deref()
                    .map(|u| redacted_url(u, self.url_secret.unwrap_or(UrlSecret::Path))),
            )
            .field("url_secret", &self.url_secret)
            .field("transport", &self.transport)
            .field("auth_type", &self.auth_type)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("enabled", &self.enabled)
            .field("featured", &self.featured)
            .field("auth_scope", &self.auth_scope)
            .field("agent", &self.agent)
            .field("extra_headers", &self.extra_headers)
            .finish()
    }
}

pub use super::validation::slugify;
