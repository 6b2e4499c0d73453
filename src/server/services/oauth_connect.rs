//! Connecting a user's account at an OAuth server: [`begin`] discovers the
//! server's authorization server, registers Switchboard there if it has
//! not yet, keeps the flow and answers where to send the browser. The
//! callback's half is `oauth_callback`.

use chrono::Duration;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::domain::{AuditAction, AuthType, SecretRef, ServerId};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::oauth::OAuthError;
use crate::server::oauth::discovery::{self, AuthServerMetadata};
use crate::server::oauth::flow_secret::{self, FlowSecrets};
use crate::server::oauth::registration::{self, ClientIdentity, METADATA_DOCUMENT_PATH};
use crate::server::oauth::tokens::{self, ClientConfig};
use crate::server::ports::Ports;
use crate::server::services::{audit, secrets};
use crate::server::store::{
    NewOAuthClient, OAuthClientRecord, OAuthServiceRecord, OAuthStateRecord, Registration,
    ServerRecord,
};
use crate::server::vault::{SecretKind, SecretOwner};

/// How long a flow may take from the redirect to the callback.
pub const FLOW_LIFETIME: Duration = Duration::minutes(10);

pub use crate::domain::oauth::CALLBACK_PATH;

/// The browser a flow runs in: its session, and the origin it reached us
/// at (the redirect URI is built from it).
pub struct Browser<'a> {
    pub session: &'a str,
    pub origin: &'a str,
}

pub fn redirect_uri(origin: &str) -> String {
    format!("{origin}{CALLBACK_PATH}")
}

/// Our Client ID Metadata Document's URL: only an HTTPS origin has one an
/// authorization server will fetch.
pub fn metadata_document_url(origin: &str) -> Option<String> {
    origin
        .starts_with("https://")
        .then(|| format!("{origin}{METADATA_DOCUMENT_PATH}"))
}

/// Begins connecting `actor`'s account at server `id`: the URL to send
/// the browser to. `force` registers Switchboard again (a fresh client)
/// instead of reusing the tenant's registration at that issuer.
pub async fn begin(
    ports: &Ports,
    actor: &Actor,
    browser: &Browser<'_>,
    id: ServerId,
    force: bool,
) -> ServiceResult<Url> {
    let row = super::servers::row(ports, actor, id).await?;
    if row.auth_type != AuthType::Oauth2 {
        return Err(ServiceError::invalid(
            "mcpServerId",
            "This server does not use OAuth: there is no account to connect.",
        ));
    }
    let full = super::server_url::full(ports, &row).await?;
    let server_url = Url::parse(&full.url)
        .map_err(|e| ServiceError::invalid("url", format!("The server's URL is invalid: {e}")))?;
    let plan = match admin_service(ports, actor, &row).await? {
        // An admin's own client comes first: no discovery, no registration
        // (and nothing for `force` to renew).
        Some((service, client)) => Plan {
            metadata: serde_json::from_str(&client.metadata).map_err(|e| {
                ServiceError::Store(crate::server::store::StoreError::Corrupt(format!(
                    "oauth client {}: {e}",
                    client.id
                )))
            })?,
            resource: discovery::canonical_resource(&server_url),
            scopes: service.scopes,
            // The one the admin registered with their app.
            redirect: client.redirect_uri.clone(),
            client,
        },
        None => {
            let found = discovery::discover(&ports.outbound, &server_url, row.transport)
                .await
                .map_err(|e| scrubbed(e, full.secret.as_ref()))?;
            let redirect = redirect_uri(browser.origin);
            let client = client_for(
                ports,
                actor,
                &found.metadata,
                &redirect,
                browser.origin,
                force,
            )
            .await?;
            Plan {
                redirect,
                resource: found.resource,
                scopes: found.scopes.unwrap_or_default(),
                metadata: found.metadata,
                client,
            }
        }
    };
    let Plan {
        metadata,
        resource,
        scopes,
        redirect,
        client,
    } = plan;
    // Step-up: a new authorization keeps what the grant holds and asks for
    // what the server said it lacks.
    let held = ports
        .store
        .grant(actor.tenant_id, actor.user_id, row.id)
        .await?;
    let scopes = super::oauth_step_up::widened(&scopes, held.as_ref());
    let now = ports.clock.now();
    let flow = FlowSecrets::generate();
    ports
        .store
        .insert_oauth_state(
            &OAuthStateRecord {
                state_hash: flow_secret::state_hash(flow.state.expose_secret()),
                tenant_id: actor.tenant_id,
                user_id: actor.user_id,
                server_id: row.id,
                client_row_id: client.id,
                session_hash: flow_secret::session_hash(browser.session),
                sealed_verifier: flow_secret::seal(&flow.state, &flow.verifier),
                resource: resource.clone(),
                scopes: scopes.clone(),
                created_at: now,
                expires_at: now + FLOW_LIFETIME,
            },
            now,
        )
        .await?;
    let url = tokens::authorize_url(
        &ClientConfig {
            metadata: &metadata,
            client_id: &client.client_id,
            client_secret: None,
            redirect_uri: &redirect,
        },
        &flow.state,
        &flow.verifier,
        &resource,
        (!scopes.is_empty()).then_some(scopes.as_str()),
    )?;
    tracing::info!(tenant = %actor.tenant_slug, server = %row.id, issuer = %metadata.issuer,
        "oauth connect begun");
    Ok(url)
}

/// Whom a flow asks, for what, and as which client.
struct Plan {
    metadata: AuthServerMetadata,
    resource: String,
    scopes: String,
    redirect: String,
    client: OAuthClientRecord,
}

/// The server's OAuth service, when it is one an admin entered.
async fn admin_service(
    ports: &Ports,
    actor: &Actor,
    row: &ServerRecord,
) -> ServiceResult<Option<(OAuthServiceRecord, OAuthClientRecord)>> {
    let Some(id) = row.oauth_service_id else {
        return Ok(None);
    };
    let Some(service) = ports.store.oauth_service(actor.tenant_id, id).await? else {
        return Ok(None);
    };
    let client = ports
        .store
        .oauth_client(actor.tenant_id, service.client_row_id)
        .await?
        .filter(|c| c.registered_via == Registration::Admin);
    Ok(client.map(|c| (service, c)))
}

/// The tenant's registration at the issuer for this redirect URI, made
/// now if there is none (or `force` asks for a fresh one). The metadata
/// kept with it is what this discovery found. `origin` is ours, as the
/// authorization server reaches it (for the Client ID Metadata Document).
pub(crate) async fn client_for(
    ports: &Ports,
    actor: &Actor,
    metadata: &AuthServerMetadata,
    redirect: &str,
    origin: &str,
    force: bool,
) -> ServiceResult<OAuthClientRecord> {
    if !force
        && let Some(existing) = ports
            .store
            .latest_oauth_client(actor.tenant_id, &metadata.issuer, redirect)
            .await?
    {
        return Ok(existing);
    }
    let document = metadata_document_url(origin);
    let target = format!("authorization server {}", metadata.issuer);
    let registered = registration::register(
        &ports.outbound,
        metadata,
        &ClientIdentity {
            client_name: format!("Switchboard ({})", actor.tenant_slug),
            redirect_uri: redirect,
            metadata_document_url: document.as_deref(),
            scope: None,
        },
    )
    .await;
    let registered = match registered {
        Ok(r) => r,
        Err(e) => {
            audit::record(
                ports,
                actor,
                AuditAction::OAuthRegister,
                &target,
                Err(e.to_string()),
            )
            .await;
            return Err(e.into());
        }
    };
    let secret_ref = keep_client_secret(
        ports,
        actor,
        &host_of(&metadata.issuer),
        registered.client_secret.as_ref(),
    )
    .await?;
    let stored = ports
        .store
        .insert_oauth_client(&NewOAuthClient {
            tenant_id: actor.tenant_id,
            issuer: metadata.issuer.clone(),
            redirect_uri: redirect.to_owned(),
            client_id: registered.client_id,
            client_secret_ref: secret_ref.clone(),
            registered_via: registered.via,
            metadata: serde_json::to_string(metadata).unwrap_or_default(),
            name: None,
            created_at: ports.clock.now(),
        })
        .await;
    match stored {
        Ok(client) => {
            audit::record_success(
                ports,
                actor,
                AuditAction::OAuthRegister,
                &target,
                Some(format!("registered by {}", client.registered_via.as_str())),
            )
            .await;
            Ok(client)
        }
        Err(e) => {
            // The row was not written: its secret must not outlive it.
            if let Some(secret_ref) = secret_ref {
                secrets::discard(ports, secret_ref.as_str()).await;
            }
            Err(e.into())
        }
    }
}

/// A client's secret, when it has one, into the vault: its reference.
pub(crate) async fn keep_client_secret(
    ports: &Ports,
    actor: &Actor,
    provider: &str,
    secret: Option<&SecretString>,
) -> ServiceResult<Option<SecretRef>> {
    let Some(secret) = secret else {
        return Ok(None);
    };
    let owner = SecretOwner {
        tenant_id: actor.tenant_id,
        tenant_slug: &actor.tenant_slug,
        kind: SecretKind::OAuthClient,
        owner: &format!("oauth-client/{provider}"),
    };
    Ok(Some(ports.vault.put(&owner, secret).await?))
}

/// A URL's secret part (see `domain::url_secret`) must not reach an error.
fn scrubbed(e: OAuthError, secret: Option<&SecretString>) -> ServiceError {
    let Some(secret) = secret
        .map(|s| s.expose_secret().to_owned())
        .filter(|s| !s.is_empty())
    else {
        return e.into();
    };
    let words = e.to_string().replace(&secret, "••••");
    ServiceError::OAuth(OAuthError::Discovery(words))
}

fn host_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}
