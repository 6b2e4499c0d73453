//! Seed 000's OAuth wire types, with the field names and types of ibl.ai's
//! published client (`OAuthService`, `OAuthProvider`,
//! `OauthCredentialsMasked`, `ConnectedService`, `OAuthStartResponse`).

use chrono::SecondsFormat;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::super::timestamp;
use crate::server::services::connected_services::Connected;
use crate::server::services::oauth_services::{Service, provider_name};

/// What a client secret reads as: never the secret.
const SECRET_MASK: &str = "••••••••";

fn at(t: chrono::DateTime<chrono::Utc>) -> String {
    timestamp(t, SecondsFormat::Micros)
}

/// `OAuthService`: how a tenant's OAuth servers get their client.
#[derive(Debug, Serialize, ToSchema)]
pub struct OAuthServiceWire {
    pub id: i64,
    /// The provider's name.
    pub oauth_provider: String,
    pub oauth_provider_id: Option<i64>,
    pub name: String,
    pub display_name: String,
    pub description: String,
    /// Space-separated.
    pub scope: String,
    pub image: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<&Service> for OAuthServiceWire {
    fn from(s: &Service) -> Self {
        OAuthServiceWire {
            id: s.record.id.get(),
            oauth_provider: provider_name(&s.client),
            oauth_provider_id: Some(s.client.id.get()),
            name: s.record.name.clone(),
            display_name: s.record.display_name.clone(),
            description: s.record.description.clone(),
            scope: s.record.scopes.clone(),
            image: None,
            created_at: at(s.record.created_at),
            updated_at: at(s.record.updated_at),
        }
    }
}

/// `OauthCredentialsMasked`: the provider's client, its secret masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialsMasked {
    pub id: i64,
    pub name: String,
    pub is_global: bool,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub scopes: Option<Vec<String>>,
    pub redirect_uris: Option<Vec<String>>,
    pub url: Option<String>,
}

/// `OAuthProvider`: one client registration and the services using it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OAuthProviderWire {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// The authorization server's issuer.
    pub url: String,
    pub image: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub scope_map: Option<Value>,
    pub auth_url: String,
    pub token_url: String,
    pub is_enabled: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    pub services: Vec<OAuthServiceWire>,
    pub credentials: CredentialsMasked,
    /// The client authenticates at the token endpoint with HTTP Basic.
    pub use_basic_auth: bool,
}

impl OAuthProviderWire {
    /// The provider of `services` (all of one client), listed with them.
    pub fn of(services: &[&Service]) -> Option<Self> {
        let first = services.first()?;
        let view = first.view();
        let client = &first.client;
        let mut scopes: Vec<String> = Vec::new();
        for scope in services
            .iter()
            .flat_map(|s| s.record.scopes.split_whitespace())
        {
            if !scopes.iter().any(|s| s == scope) {
                scopes.push(scope.to_owned());
            }
        }
        Some(OAuthProviderWire {
            id: client.id.get(),
            name: view.provider.clone(),
            description: view.registered_via.label().to_owned(),
            url: client.issuer.clone(),
            image: None,
            scope_map: None,
            auth_url: view.authorization_endpoint.clone(),
            token_url: view.token_endpoint.clone(),
            is_enabled: true,
            created_at: at(client.created_at),
            updated_at: at(client.created_at),
            services: services
                .iter()
                .map(|s| OAuthServiceWire::from(*s))
                .collect(),
            credentials: CredentialsMasked {
                id: client.id.get(),
                name: view.provider,
                is_global: false,
                client_id: client.client_id.clone(),
                client_secret: client
                    .client_secret_ref
                    .as_ref()
                    .map(|_| SECRET_MASK.to_owned()),
                scopes: (!scopes.is_empty()).then_some(scopes),
                redirect_uris: Some(vec![client.redirect_uri.clone()]),
                url: Some(client.issuer.clone()).filter(|u| !u.is_empty()),
            },
            use_basic_auth: client.client_secret_ref.is_some() && first.basic_auth(),
        })
    }
}

/// `ExternalServiceInfo`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceInfo {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub logo: Option<String>,
}

/// `ConnectedService`: one of the user's grants.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectedServiceWire {
    pub id: i64,
    pub provider: String,
    pub service: String,
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    /// Space-separated.
    pub scope: String,
    pub scope_names: Vec<String>,
    pub scopes: Vec<String>,
    pub token_type: String,
    pub service_info: ServiceInfo,
    /// The grant's user, as a one-item list (ibl.ai's shape).
    pub username: Vec<String>,
}

impl ConnectedServiceWire {
    pub fn read(c: &Connected, username: &str) -> Self {
        let scopes: Vec<String> = c
            .grant
            .scopes
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        ConnectedServiceWire {
            id: c.grant.id.get(),
            provider: c.provider.clone(),
            service: c.service.clone(),
            expires_at: c.grant.expires_at.map(at),
            scope: c.grant.scopes.clone(),
            scope_names: scopes.clone(),
            scopes,
            token_type: "Bearer".into(),
            service_info: ServiceInfo {
                id: c.grant.server_id.get(),
                name: c.service.clone(),
                display_name: c.display_name.clone(),
                logo: None,
            },
            username: vec![username.to_owned()],
        }
    }
}

/// `OAuthStartResponse`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OAuthStart {
    /// Where to send the user's browser: Switchboard's authorize page,
    /// which signs them in if needed and goes on to the authorization
    /// server.
    pub auth_url: String,
}

/// `oauth-find`'s failures: its own 400, and DRF's for the rest.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(super) enum FindFailures {
    /// Not found and not discoverable, or a body without a `url`.
    #[response(status = 400)]
    BadRequest(FindError),
    #[response(status = 401)]
    Unauthorized(super::super::ai_mentor::Detail),
    /// Not a tenant admin.
    #[response(status = 403)]
    Forbidden(super::super::ai_mentor::Detail),
    /// An org or user that is not the caller's.
    #[response(status = 404)]
    NotFound(super::super::ai_mentor::Detail),
    #[response(status = 429)]
    TooManyRequests(super::super::ai_mentor::Detail),
    #[response(status = 503)]
    Unavailable(super::super::ai_mentor::Detail),
}

/// `oauth-find`'s failure (`Error`).
#[derive(Debug, Serialize, ToSchema)]
pub struct FindError {
    pub error: String,
}
