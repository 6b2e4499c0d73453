//! OAuth services: the client a tenant's OAuth servers connect users'
//! accounts with. An admin enters one (the registration that comes first:
//! their own app's client id and secret, endpoints and scopes), or
//! [`find`] discovers one for an MCP server's URL and registers Switchboard
//! there (Client ID Metadata Document, else dynamic registration). Every
//! member may read them (nothing secret is in a view); only admins make
//! them.

use secrecy::SecretString;
use url::Url;

use crate::domain::oauth_service::{OAuthServiceField, Registration, service_name_from};
use crate::domain::{
    AuditAction, NewAdminClient, OAuthServiceId, OAuthServiceView, Role, Transport,
};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::oauth::discovery::{self, AuthServerMetadata};
use crate::server::ports::Ports;
use crate::server::services::oauth_connect::{client_for, keep_client_secret, redirect_uri};
use crate::server::services::{audit, secrets};
use crate::server::store::{
    NewOAuthClient, NewOAuthService, OAuthClientRecord, OAuthServiceRecord, StoreError,
};

/// The provider a service is shown under: what the admin called it, else
/// its authorization server's host.
pub fn provider_name(client: &OAuthClientRecord) -> String {
    client.name.clone().unwrap_or_else(|| {
        let host = Url::parse(&client.issuer)
            .ok()
            .and_then(|u| {
                u.host_str().map(|h| {
                    format!(
                        "{h}{}",
                        u.port().map(|p| format!("-{p}")).unwrap_or_default()
                    )
                })
            })
            .unwrap_or_default();
        service_name_from(&host)
    })
}

pub fn view(service: &OAuthServiceRecord, client: &OAuthClientRecord) -> OAuthServiceView {
    let metadata: Option<AuthServerMetadata> = serde_json::from_str(&client.metadata).ok();
    OAuthServiceView {
        id: service.id,
        provider: provider_name(client),
        name: service.name.clone(),
        display_name: service.display_name.clone(),
        description: service.description.clone(),
        scopes: service
            .scopes
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        issuer: client.issuer.clone(),
        registered_via: client.registered_via,
        client_id: client.client_id.clone(),
        has_client_secret: client.client_secret_ref.is_some(),
        redirect_uri: client.redirect_uri.clone(),
        authorization_endpoint: metadata
            .as_ref()
            .map(|m| m.authorization_endpoint.clone())
            .unwrap_or_default(),
        token_endpoint: metadata.map(|m| m.token_endpoint).unwrap_or_default(),
        resource: service.resource.clone(),
        created_at: service.created_at,
        updated_at: service.updated_at,
    }
}

/// A service with its client, read together.
pub struct Service {
    pub record: OAuthServiceRecord,
    pub client: OAuthClientRecord,
}

impl Service {
    pub fn view(&self) -> OAuthServiceView {
        view(&self.record, &self.client)
    }

    /// Whether its client sends its secret by HTTP Basic at the token
    /// endpoint (what the token request does unless the metadata lists
    /// methods without `client_secret_basic`).
    pub fn basic_auth(&self) -> bool {
        serde_json::from_str::<AuthServerMetadata>(&self.client.metadata).is_ok_and(|m| {
            m.token_endpoint_auth_methods_supported.is_empty()
                || m.token_endpoint_auth_methods_supported
                    .iter()
                    .any(|x| x == "client_secret_basic")
        })
    }
}

async fn with_client(ports: &Ports, record: OAuthServiceRecord) -> ServiceResult<Service> {
    let client = ports
        .store
        .oauth_client(record.tenant_id, record.client_row_id)
        .await?
        .ok_or_else(|| {
            ServiceError::Store(StoreError::Corrupt(format!(
                "oauth service {} has no client",
                record.id
            )))
        })?;
    Ok(Service { record, client })
}

/// The tenant's services, oldest first.
pub async fn list(ports: &Ports, actor: &Actor) -> ServiceResult<Vec<Service>> {
    let records = ports.store.oauth_services(actor.tenant_id).await?;
    let mut services = Vec::with_capacity(records.len());
    for record in records {
        services.push(with_client(ports, record).await?);
    }
    Ok(services)
}

/// One of the tenant's services; another tenant's answers 404.
pub async fn get(ports: &Ports, actor: &Actor, id: OAuthServiceId) -> ServiceResult<Service> {
    let record = ports
        .store
        .oauth_service(actor.tenant_id, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    with_client(ports, record).await
}

pub async fn named(ports: &Ports, actor: &Actor, name: &str) -> ServiceResult<Option<Service>> {
    match ports
        .store
        .oauth_service_named(actor.tenant_id, name)
        .await?
    {
        Some(record) => Ok(Some(with_client(ports, record).await?)),
        None => Ok(None),
    }
}

/// The id a server may link to: one of the tenant's services, else the
/// field error a form shows.
pub(crate) async fn linkable(
    ports: &Ports,
    actor: &Actor,
    id: OAuthServiceId,
) -> ServiceResult<OAuthServiceId> {
    ports
        .store
        .oauth_service(actor.tenant_id, id)
        .await?
        .map(|s| s.id)
        .ok_or_else(|| {
            ServiceError::invalid(
                "oauth_service",
                format!("Invalid pk \"{id}\" - object does not exist."),
            )
        })
}

fn admin_only(actor: &Actor) -> ServiceResult<()> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

fn name_taken(name: &str) -> ServiceError {
    ServiceError::invalid(
        OAuthServiceField::NAME,
        format!("An OAuth service named {name:?} already exists."),
    )
}

/// Enters a client of the tenant's own app: its secret to the vault, the
/// client and the service rows after it; nothing is left behind if any
/// step fails. `origin` is where the authorization server sends browsers
/// back (the redirect URI the admin registers there).
pub async fn create_admin(
    ports: &Ports,
    actor: &Actor,
    origin: &str,
    mut new: NewAdminClient,
) -> ServiceResult<Service> {
    admin_only(actor)?;
    new.validate()?;
    if ports
        .store
        .oauth_service_named(actor.tenant_id, &new.name)
        .await?
        .is_some()
    {
        return Err(name_taken(&new.name));
    }
    let metadata = AuthServerMetadata {
        issuer: new.issuer.clone(),
        authorization_endpoint: new.authorization_endpoint.clone(),
        token_endpoint: new.token_endpoint.clone(),
        registration_endpoint: None,
        revocation_endpoint: Some(new.revocation_endpoint.clone()).filter(|r| !r.is_empty()),
        // PKCE S256 is always sent; an app that ignores it still works.
        code_challenge_methods_supported: vec!["S256".into()],
        scopes_supported: Vec::new(),
        token_endpoint_auth_methods_supported: match (&new.client_secret, new.use_basic_auth) {
            (None, _) => vec!["none".into()],
            (Some(_), true) => vec!["client_secret_basic".into()],
            (Some(_), false) => vec!["client_secret_post".into()],
        },
        client_id_metadata_document_supported: false,
        authorization_response_iss_parameter_supported: false,
    };
    let secret = new.client_secret.take().map(SecretString::from);
    let secret_ref = keep_client_secret(ports, actor, &new.provider, secret.as_ref()).await?;
    let now = ports.clock.now();
    let client = ports
        .store
        .insert_oauth_client(&NewOAuthClient {
            tenant_id: actor.tenant_id,
            issuer: new.issuer.clone(),
            redirect_uri: redirect_uri(origin),
            client_id: new.client_id.clone(),
            client_secret_ref: secret_ref.clone(),
            registered_via: Registration::Admin,
            metadata: serde_json::to_string(&metadata).unwrap_or_default(),
            name: Some(new.provider.clone()),
            created_at: now,
        })
        .await;
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            if let Some(secret_ref) = secret_ref {
                secrets::discard(ports, secret_ref.as_str()).await;
            }
            return Err(e.into());
        }
    };
    let record = ports
        .store
        .insert_oauth_service(&NewOAuthService {
            tenant_id: actor.tenant_id,
            client_row_id: client.id,
            name: new.name.clone(),
            display_name: new.display_name.clone(),
            description: new.description.clone(),
            scopes: new.scopes.clone(),
            resource: None,
            now,
        })
        .await;
    let record = match record {
        Ok(record) => record,
        Err(e) => {
            // The client row is nobody's yet: it goes, and its secret.
            let _ = ports
                .store
                .delete_oauth_client(actor.tenant_id, client.id)
                .await;
            if let Some(secret_ref) = secret_ref {
                secrets::discard(ports, secret_ref.as_str()).await;
            }
            return Err(match e {
                StoreError::Conflict { .. } => name_taken(&new.name),
                other => other.into(),
            });
        }
    };
    audit::record_success(
        ports,
        actor,
        AuditAction::OAuthRegister,
        &format!("oauth service {}", record.name),
        Some("entered by an admin".into()),
    )
    .await;
    Ok(Service { record, client })
}

/// Seed 000's `oauth-find`: the OAuth service of the MCP server at `url`.
/// One the tenant has for that URL (a server of it already linked to one,
/// or one found for it before) comes back as it is; otherwise discovery
/// finds the server's authorization server and Switchboard registers
/// there (or reuses the tenant's registration at that issuer). `name`
/// names a new service (default: the URL's host).
pub async fn find(
    ports: &Ports,
    actor: &Actor,
    origin: &str,
    url: &str,
    name: Option<&str>,
) -> ServiceResult<Service> {
    admin_only(actor)?;
    let url = url.trim();
    crate::domain::validation::validate_url(url, Transport::StreamableHttp)
        .map_err(|e| ServiceError::Invalid(vec![e]))?;
    let server_url = Url::parse(url)
        .map_err(|e| ServiceError::invalid("url", format!("The URL is invalid: {e}")))?;
    let resource = discovery::canonical_resource(&server_url);
    if let Some(record) = ports
        .store
        .oauth_service_for_resource(actor.tenant_id, &resource)
        .await?
    {
        return with_client(ports, record).await;
    }
    let found =
        discovery::discover(&ports.outbound, &server_url, Transport::StreamableHttp).await?;
    let redirect = redirect_uri(origin);
    let client = client_for(ports, actor, &found.metadata, &redirect, origin, false).await?;
    let base = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(given) => service_name_from(given),
        None => service_name_from(server_url.host_str().unwrap_or("oauth")),
    };
    let display_name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| server_url.host_str().unwrap_or("OAuth").to_owned());
    // A free name: the base, else the base with a number.
    let mut candidate = base.clone();
    let mut n = 2;
    while ports
        .store
        .oauth_service_named(actor.tenant_id, &candidate)
        .await?
        .is_some()
    {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    let record = ports
        .store
        .insert_oauth_service(&NewOAuthService {
            tenant_id: actor.tenant_id,
            client_row_id: client.id,
            name: candidate,
            display_name,
            description: String::new(),
            scopes: found.scopes.clone().unwrap_or_default(),
            resource: Some(resource),
            now: ports.clock.now(),
        })
        .await?;
    audit::record_success(
        ports,
        actor,
        AuditAction::OAuthRegister,
        &format!("oauth service {}", record.name),
        Some(format!(
            "found for {}",
            server_url.origin().ascii_serialization()
        )),
    )
    .await;
    Ok(Service { record, client })
}
