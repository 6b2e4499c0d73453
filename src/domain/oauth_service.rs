//! OAuth services (seed 000's `OAuthService`): the client a tenant's OAuth
//! servers connect users' accounts with. An admin enters one (their own
//! app's client id and secret, its endpoints and scopes), or discovery
//! finds one for a server's URL and registers Switchboard there. The form
//! that enters one is checked here, by the browser and the server alike.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{AppError, FieldError, OAuthServiceId};

#[path = "oauth_service_checks.rs"]
mod checks;
pub use checks::{check_endpoint, is_service_name, normalize_scopes, service_name_from};
use checks::{check_name, check_text};

/// How Switchboard became a client of an authorization server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Registration {
    /// RFC 7591 dynamic client registration.
    #[serde(rename = "dcr")]
    Dynamic,
    /// A Client ID Metadata Document: the client id is our document's URL.
    MetadataDocument,
    /// Entered by an admin: the registration that comes first.
    Admin,
}

impl Registration {
    pub fn as_str(self) -> &'static str {
        match self {
            Registration::Dynamic => "dcr",
            Registration::MetadataDocument => "metadata_document",
            Registration::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "dcr" => Some(Registration::Dynamic),
            "metadata_document" => Some(Registration::MetadataDocument),
            "admin" => Some(Registration::Admin),
            _ => None,
        }
    }

    /// In words, for a page.
    pub fn label(self) -> &'static str {
        match self {
            Registration::Dynamic => "Registered dynamically",
            Registration::MetadataDocument => "Client ID Metadata Document",
            Registration::Admin => "Entered by an admin",
        }
    }
}

/// A service as every reader sees it: nothing secret (a client secret is
/// only said to exist).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthServiceView {
    pub id: OAuthServiceId,
    /// The provider's name: what the admin called it, else the
    /// authorization server's host.
    pub provider: String,
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub scopes: Vec<String>,
    /// The authorization server's issuer; empty when an admin did not say.
    pub issuer: String,
    pub registered_via: Registration,
    pub client_id: String,
    pub has_client_secret: bool,
    /// The redirect URI registered with the authorization server.
    pub redirect_uri: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    /// The MCP server URL discovery found it for.
    pub resource: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Field names, shared so server-side errors land under the right input.
pub struct OAuthServiceField;

impl OAuthServiceField {
    pub const NAME: &'static str = "name";
    pub const DISPLAY_NAME: &'static str = "display_name";
    pub const DESCRIPTION: &'static str = "description";
    pub const PROVIDER: &'static str = "provider";
    pub const ISSUER: &'static str = "issuer";
    pub const AUTHORIZATION_ENDPOINT: &'static str = "authorization_endpoint";
    pub const TOKEN_ENDPOINT: &'static str = "token_endpoint";
    pub const REVOCATION_ENDPOINT: &'static str = "revocation_endpoint";
    pub const CLIENT_ID: &'static str = "client_id";
    pub const CLIENT_SECRET: &'static str = "client_secret";
    pub const SCOPES: &'static str = "scopes";
}

pub(super) const NAME_MAX: usize = 64;
const TEXT_MAX: usize = 255;
const DESCRIPTION_MAX: usize = 1000;
pub(super) const URL_MAX: usize = 2048;
const CLIENT_ID_MAX: usize = 512;
const SECRET_MAX: usize = 4096;
const SCOPES_MAX: usize = 1024;

/// A client an admin entered: the tenant's own app at an authorization
/// server. The secret travels to the server once, then lives in the vault.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAdminClient {
    /// The service's name: lower-case letters, digits, `.`, `_` and `-`.
    pub name: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub description: String,
    /// Empty: the service's name.
    #[serde(default)]
    pub provider: String,
    /// Empty: not known (the authorization server's `iss` cannot be checked).
    #[serde(default)]
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    /// RFC 7009; empty when it has none (disconnecting then only forgets).
    #[serde(default)]
    pub revocation_endpoint: String,
    pub client_id: String,
    /// Empty for a public client.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Space-separated.
    #[serde(default)]
    pub scopes: String,
    /// How the client authenticates at the token endpoint: HTTP Basic
    /// (`client_secret_basic`, OAuth's default) or in the form body
    /// (`client_secret_post`). Ignored for a public client.
    #[serde(default = "basic_by_default")]
    pub use_basic_auth: bool,
}

fn basic_by_default() -> bool {
    true
}

impl Default for NewAdminClient {
    fn default() -> Self {
        Self {
            name: String::new(),
            display_name: String::new(),
            description: String::new(),
            provider: String::new(),
            issuer: String::new(),
            authorization_endpoint: String::new(),
            token_endpoint: String::new(),
            revocation_endpoint: String::new(),
            client_id: String::new(),
            client_secret: None,
            scopes: String::new(),
            use_basic_auth: true,
        }
    }
}

// The secret never reaches a debug print or a log line.
impl std::fmt::Debug for NewAdminClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAdminClient")
            .field("name", &self.name)
            .field("provider", &self.provider)
            .field("issuer", &self.issuer)
            .field("authorization_endpoint", &self.authorization_endpoint)
            .field("token_endpoint", &self.token_endpoint)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "••••"),
            )
            .field("scopes", &self.scopes)
            .field("use_basic_auth", &self.use_basic_auth)
            .finish_non_exhaustive()
    }
}

impl NewAdminClient {
    /// Trims every field, fills the defaults, and checks all of them at
    /// once (every problem comes back, each under its field).
    pub fn validate(&mut self) -> Result<(), AppError> {
        for text in [
            &mut self.name,
            &mut self.display_name,
            &mut self.description,
            &mut self.provider,
            &mut self.issuer,
            &mut self.authorization_endpoint,
            &mut self.token_endpoint,
            &mut self.revocation_endpoint,
            &mut self.client_id,
        ] {
            *text = text.trim().to_owned();
        }
        self.name = self.name.to_ascii_lowercase();
        self.provider = self.provider.to_ascii_lowercase();
        if self.provider.is_empty() {
            self.provider = self.name.clone();
        }
        if self.display_name.is_empty() {
            self.display_name = self.name.clone();
        }
        self.client_secret = self
            .client_secret
            .take()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        self.scopes = normalize_scopes(&self.scopes);

        let mut errors = Vec::new();
        errors.extend(check_name(OAuthServiceField::NAME, "Name", &self.name).err());
        errors.extend(check_name(OAuthServiceField::PROVIDER, "Provider", &self.provider).err());
        errors.extend(
            check_text(
                OAuthServiceField::DISPLAY_NAME,
                "Display name",
                &self.display_name,
                TEXT_MAX,
            )
            .err(),
        );
        errors.extend(
            check_text(
                OAuthServiceField::DESCRIPTION,
                "Description",
                &self.description,
                DESCRIPTION_MAX,
            )
            .err(),
        );
        for (field, label, value, required) in [
            (
                OAuthServiceField::AUTHORIZATION_ENDPOINT,
                "Authorization endpoint",
                &self.authorization_endpoint,
                true,
            ),
            (
                OAuthServiceField::TOKEN_ENDPOINT,
                "Token endpoint",
                &self.token_endpoint,
                true,
            ),
            (
                OAuthServiceField::REVOCATION_ENDPOINT,
                "Revocation endpoint",
                &self.revocation_endpoint,
                false,
            ),
            (OAuthServiceField::ISSUER, "Issuer", &self.issuer, false),
        ] {
            errors.extend(check_endpoint(field, label, value, required).err());
        }
        if self.client_id.is_empty() {
            errors.push(FieldError::new(
                OAuthServiceField::CLIENT_ID,
                "Client ID is required.",
            ));
        } else {
            errors.extend(
                check_text(
                    OAuthServiceField::CLIENT_ID,
                    "Client ID",
                    &self.client_id,
                    CLIENT_ID_MAX,
                )
                .err(),
            );
        }
        if let Some(secret) = &self.client_secret {
            if secret.len() > SECRET_MAX {
                errors.push(FieldError::new(
                    OAuthServiceField::CLIENT_SECRET,
                    format!("Client secret must be at most {SECRET_MAX} characters."),
                ));
            } else if secret.chars().any(char::is_control) {
                errors.push(FieldError::new(
                    OAuthServiceField::CLIENT_SECRET,
                    "Client secret cannot contain line breaks or control characters.",
                ));
            }
        }
        if self.scopes.len() > SCOPES_MAX {
            errors.push(FieldError::new(
                OAuthServiceField::SCOPES,
                format!("Scopes must be at most {SCOPES_MAX} characters."),
            ));
        } else if self
            .scopes
            .chars()
            .any(|c| c == '"' || c == '\\' || c.is_control())
        {
            errors.push(FieldError::new(
                OAuthServiceField::SCOPES,
                "Scopes are words separated by spaces, without quotes or backslashes.",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

#[cfg(test)]
#[path = "oauth_service_tests.rs"]
mod tests;
