//! Connections (seed 000's `MCPServerConnection`): a credential bound to a
//! server at one scope. What they look like to a client, what may be written,
//! and the checks that need no database.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::agent::AgentUid;
use super::error::{AppError, FieldError};
use super::headers::{Header, check_extra_headers, looks_secret};
use super::ids::{ConnectionId, GrantId, ServerId, TenantId};
use super::scope::Scope;
use super::server::{API_KEY_MAX, AuthType};

pub const SCHEME_MAX: usize = 50;
/// What a secret header's value reads as.
pub const SECRET_HEADER_MASK: &str = "••••••••";

/// One connection as read: never its credential, and its secret headers'
/// values masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionView {
    pub id: ConnectionId,
    pub tenant_id: TenantId,
    pub tenant_slug: String,
    pub server_id: ServerId,
    pub server_name: String,
    pub scope: Scope,
    pub auth_type: AuthType,
    /// The user of a user connection (a username).
    pub user: Option<String>,
    pub agent: Option<AgentUid>,
    pub has_credential: bool,
    pub authorization_scheme: String,
    /// Plain headers with their values, then secret ones masked.
    pub extra_headers: Vec<Header>,
    pub active: bool,
    /// An `oauth2` connection's grant (seed 000's `connected_service`).
    #[serde(default)]
    pub connected_service: Option<GrantId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A connection as written. Field names are the domain's; each contract
/// maps its own.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewConnection {
    pub server: ServerId,
    pub scope: Scope,
    pub auth_type: AuthType,
    /// A user connection's user (a username); `None` is the caller.
    pub user: Option<String>,
    pub agent: Option<AgentUid>,
    pub credentials: Option<String>,
    pub authorization_scheme: String,
    pub extra_headers: Vec<Header>,
    pub active: bool,
    /// For `oauth2`: whose connected account it sends.
    #[serde(default)]
    pub connected_service: Option<GrantId>,
}

/// A partial update; `None` leaves a field as it is.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConnectionPatch {
    pub server: Option<ServerId>,
    pub scope: Option<Scope>,
    pub auth_type: Option<AuthType>,
    pub user: Option<Option<String>>,
    pub agent: Option<Option<AgentUid>>,
    pub credentials: Option<String>,
    pub authorization_scheme: Option<String>,
    pub extra_headers: Option<Vec<Header>>,
    pub active: Option<bool>,
    /// `Some(None)` drops it.
    #[serde(default)]
    pub connected_service: Option<Option<GrantId>>,
}

// Neither a credential nor a header value reaches a debug print.
impl std::fmt::Debug for NewConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewConnection")
            .field("server", &self.server)
            .field("scope", &self.scope)
            .field("auth_type", &self.auth_type)
            .field("user", &self.user)
            .field("agent", &self.agent)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "<redacted>"),
            )
            .field("authorization_scheme", &self.authorization_scheme)
            .field("extra_headers", &header_names(&self.extra_headers))
            .field("active", &self.active)
            .field("connected_service", &self.connected_service)
            .finish()
    }
}

impl std::fmt::Debug for ConnectionPatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionPatch")
            .field("server", &self.server)
            .field("scope", &self.scope)
            .field("auth_type", &self.auth_type)
            .field("user", &self.user)
            .field("agent", &self.agent)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "<redacted>"),
            )
            .field("authorization_scheme", &self.authorization_scheme)
            .field(
                "extra_headers",
                &self.extra_headers.as_deref().map(header_names),
            )
            .field("active", &self.active)
            .field("connected_service", &self.connected_service)
            .finish()
    }
}

fn header_names(headers: &[Header]) -> Vec<&str> {
    headers.iter().map(|(name, _)| name.as_str()).collect()
}

/// Field names, as the domain spells them (each contract maps its own).
pub struct ConnectionField;

impl ConnectionField {
    pub const SERVER: &'static str = "server";
    pub const SCOPE: &'static str = "scope";
    pub const USER: &'static str = "user";
    pub const AGENT: &'static str = "agent";
    pub const CREDENTIALS: &'static str = "credentials";
    pub const SCHEME: &'static str = "authorization_scheme";
    pub const EXTRA_HEADERS: &'static str = "extra_headers";
    pub const CONNECTED_SERVICE: &'static str = "connected_service";
}

/// Seed 000's words for its two documented refusals.
pub const NOT_AVAILABLE: &str = "Selected MCP server is not available to the current tenant.";
pub const OAUTH_NEEDS_SERVICE: &str = "OAuth2 connections require a connected service.";

/// The connection as it will be stored, checked as a whole: every rule
/// that needs no database. `credentials_stored` says whether the row
/// already holds a credential (on an update that does not send one).
pub struct Shape<'a> {
    pub scope: Scope,
    pub auth_type: AuthType,
    pub has_user: bool,
    pub has_agent: bool,
    pub credentials: Option<&'a str>,
    pub credentials_stored: bool,
    pub authorization_scheme: &'a str,
    pub extra_headers: &'a [Header],
    pub has_connected_service: bool,
}

impl Shape<'_> {
    pub fn check(&self) -> Result<(), AppError> {
        let mut errors = Vec::new();
        let mut wrong = |field: &str, message: &str| errors.push(FieldError::new(field, message));
        match self.scope {
            Scope::Tenant | Scope::User if self.has_agent => wrong(
                ConnectionField::AGENT,
                "Only a mentor-scoped connection names a mentor.",
            ),
            Scope::Agent if !self.has_agent => wrong(
                ConnectionField::AGENT,
                "A mentor-scoped connection needs a mentor.",
            ),
            _ => {}
        }
        if self.scope != Scope::User && self.has_user {
            wrong(
                ConnectionField::USER,
                "Only a user-scoped connection names a user.",
            );
        }
        let has_credentials = self.credentials.is_some() || self.credentials_stored;
        match self.auth_type {
            AuthType::Token if !has_credentials => wrong(
                ConnectionField::CREDENTIALS,
                "Token based connections must include credentials.",
            ),
            AuthType::Oauth2 if !self.has_connected_service => {
                wrong(ConnectionField::CONNECTED_SERVICE, OAUTH_NEEDS_SERVICE)
            }
            AuthType::Oauth2 if self.credentials.is_some() => wrong(
                ConnectionField::CREDENTIALS,
                "An OAuth2 connection sends its connected service's token, not credentials.",
            ),
            AuthType::None if self.credentials.is_some() => wrong(
                ConnectionField::CREDENTIALS,
                "Only a token connection carries credentials.",
            ),
            _ => {}
        }
        if self.has_connected_service && self.auth_type != AuthType::Oauth2 {
            wrong(
                ConnectionField::CONNECTED_SERVICE,
                "Only an OAuth2 connection uses a connected service.",
            );
        }
        if let Some(c) = self.credentials {
            if c.is_empty() {
                wrong(ConnectionField::CREDENTIALS, "Credentials cannot be blank.");
            } else if c.chars().count() > API_KEY_MAX {
                wrong(
                    ConnectionField::CREDENTIALS,
                    &format!("Credentials must be at most {API_KEY_MAX} characters."),
                );
            } else if c.chars().any(char::is_control) {
                wrong(
                    ConnectionField::CREDENTIALS,
                    "Credentials cannot contain line breaks or control characters.",
                );
            }
        }
        let scheme = self.authorization_scheme;
        if scheme.chars().count() > SCHEME_MAX
            || !scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
        {
            wrong(
                ConnectionField::SCHEME,
                &format!("A scheme is one word of at most {SCHEME_MAX} letters, digits or - _ ."),
            );
        }
        if let Err(message) = check_extra_headers(self.extra_headers, true) {
            wrong(ConnectionField::EXTRA_HEADERS, &message);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

/// Splits headers into the plain ones (stored in the row) and the secret
/// ones (stored in the vault), keeping their order within each.
pub fn split_secret_headers(headers: Vec<Header>) -> (Vec<Header>, Vec<Header>) {
    headers
        .into_iter()
        .partition(|(name, _)| !looks_secret(name))
}

#[cfg(test)]
#[path = "connection_tests.rs"]
mod tests;
