//! Connecting a user's account at an OAuth server: [`begin`] discovers the
//! server's authorization server, registers Switchboard there if it has
//! not yet, keeps the flow and answers where to send the browser;
//! [`complete`] takes the callback, checks the flow (the state is ours,
//! unused, unexpired, this browser's, and the issuer the one we asked),
//! redeems the code, and keeps the tokens in the vault as the grant.

use chrono::Duration;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::domain::{AuditAction, AuthType, ConnectOutcome, ServerId};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::oauth::discovery::{self, AuthServerMetadata};
use crate::server::oauth::flow_secret::{self, FlowSecrets};
use crate::server::oauth::registration::{self, ClientIdentity, METADATA_DOCUMENT_PATH};
use crate::server::oauth::tokens::{self, ClientConfig};
use crate::server::oauth::{OAuthError, TokenSet};
use crate::server::ports::Ports;
use crate::server::services::{accounts, audit};
use crate::server::store::{NewGrant, NewOAuthClient, OAuthClientRecord, OAuthStateRecord};
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
    let found = discovery::discover(&ports.outbound, &server_url, row.transport)
        .await
        .map_err(|e| scrubbed(e, full.secret.as_ref()))?;
    let redirect = redirect_uri(browser.origin);
    let client = client_for(ports, actor, &found.metadata, &redirect, browser, force).await?;
    let now = ports.clock.now();
    let flow = FlowSecrets::generate();
    let scopes = found.scopes.clone().unwrap_or_default();
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
                resource: found.resource.clone(),
                scopes: scopes.clone(),
                created_at: now,
                expires_at: now + FLOW_LIFETIME,
            },
            now,
        )
        .await?;
    let url = tokens::authorize_url(
        &ClientConfig {
            metadata: &found.metadata,
            client_id: &client.client_id,
            client_secret: None,
            redirect_uri: &redirect,
        },
        &flow.state,
        &flow.verifier,
        &found.resource,
        (!scopes.is_empty()).then_some(scopes.as_str()),
    )?;
    tracing::info!(tenant = %actor.tenant_slug, server = %row.id, issuer = %found.metadata.issuer,
        "oauth connect begun");
    Ok(url)
}

/// The tenant's registration at the issuer for this redirect URI, made
/// now if there is none (or `force` asks for a fresh one). The metadata
/// kept with it is what this discovery found.
async fn client_for(
    ports: &Ports,
    actor: &Actor,
    metadata: &AuthServerMetadata,
    redirect: &str,
    browser: &Browser<'_>,
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
    let document = metadata_document_url(browser.origin);
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
    let secret_ref = match &registered.client_secret {
        Some(secret) => Some(
            ports
                .vault
                .put(
                    &SecretOwner {
                        tenant_id: actor.tenant_id,
                        tenant_slug: &actor.tenant_slug,
                        kind: SecretKind::OAuthClient,
                        owner: &format!("oauth-client/{}", host_of(&metadata.issuer)),
                    },
                    secret,
                )
                .await?,
        ),
        None => None,
    };
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
            if let Some(secret_ref) = secret_ref
                && let Err(cleanup) = ports.vault.delete(&secret_ref).await
            {
                tracing::warn!(error = %cleanup, "could not delete an unused client secret; the sweeper will");
            }
            Err(e.into())
        }
    }
}

/// What the authorization server's redirect carried.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub iss: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// Completes a flow from its callback. Every failure is an outcome for the
/// page to show, never an error page: the popup must tell its opener.
pub async fn complete(
    ports: &Ports,
    session: Option<&str>,
    callback: &CallbackQuery,
) -> ConnectOutcome {
    let Some(state) = callback.state.as_deref().filter(|s| !s.is_empty()) else {
        return ConnectOutcome::failed(
            None,
            "missing_code_or_state",
            "The authorization server sent no state back; start connecting again.",
        );
    };
    let flow = match ports
        .store
        .take_oauth_state(&flow_secret::state_hash(state))
        .await
    {
        Ok(Some(flow)) => flow,
        Ok(None) => {
            return ConnectOutcome::failed(
                None,
                "invalid_state",
                "This sign-in link is not one Switchboard started, or it was already used; \
                 start connecting again.",
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "oauth callback: could not read the flow");
            return ConnectOutcome::failed(
                None,
                "unavailable",
                "Switchboard could not read this sign-in; please try again.",
            );
        }
    };
    let server = Some(flow.server_id);
    let now = ports.clock.now();
    if flow.expires_at < now {
        return ConnectOutcome::failed(
            server,
            "expired_state",
            "This sign-in took longer than 10 minutes; start connecting again.",
        );
    }
    // The browser that began the flow, still signed in as the same user.
    let actor = match session {
        Some(session) if flow_secret::session_hash(session) == flow.session_hash => {
            accounts::actor_for_session(ports, session).await.ok()
        }
        _ => None,
    };
    let Some(actor) = actor.filter(|a| a.user_id == flow.user_id && a.tenant_id == flow.tenant_id)
    else {
        return ConnectOutcome::failed(
            server,
            "wrong_session",
            "This sign-in was started in another browser session; start connecting again here.",
        );
    };
    let outcome = redeem(ports, &actor, &flow, state, callback).await;
    let target = format!("server {}", flow.server_id);
    match &outcome {
        Ok(()) => {
            audit::record(ports, &actor, AuditAction::OAuthConnect, &target, Ok(())).await;
            ConnectOutcome::connected(flow.server_id)
        }
        Err((reason, message)) => {
            audit::record(
                ports,
                &actor,
                AuditAction::OAuthConnect,
                &target,
                Err(format!("{reason}: {message}")),
            )
            .await;
            ConnectOutcome::failed(server, reason, message.clone())
        }
    }
}

type Refusal = (&'static str, String);

/// Checks the answer, redeems the code and stores the grant.
async fn redeem(
    ports: &Ports,
    actor: &Actor,
    flow: &OAuthStateRecord,
    state: &str,
    callback: &CallbackQuery,
) -> Result<(), Refusal> {
    let internal = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "oauth callback failed");
        (
            "unavailable",
            "Switchboard could not finish this sign-in; please try again.".to_owned(),
        )
    };
    if let Some(error) = callback.error.as_deref() {
        let words: String = callback
            .error_description
            .as_deref()
            .unwrap_or("the authorization server refused the request")
            .chars()
            .take(200)
            .collect();
        let reason = if error == "access_denied" {
            "access_denied"
        } else {
            "authorization_failed"
        };
        return Err((
            reason,
            format!("{}: {words}", error.chars().take(64).collect::<String>()),
        ));
    }
    let Some(code) = callback.code.as_deref().filter(|c| !c.is_empty()) else {
        return Err((
            "missing_code_or_state",
            "The authorization server sent no code back; start connecting again.".into(),
        ));
    };
    let client = ports
        .store
        .oauth_client(flow.tenant_id, flow.client_row_id)
        .await
        .map_err(|e| internal(&e))?
        .ok_or_else(|| internal(&"the flow's client registration is gone"))?;
    let metadata: AuthServerMetadata =
        serde_json::from_str(&client.metadata).map_err(|e| internal(&e))?;
    // RFC 9207: the answer says who sent it, and it must be who we asked.
    match callback.iss.as_deref() {
        Some(iss) if iss != metadata.issuer => {
            return Err((
                "issuer_mismatch",
                format!(
                    "The answer came from {iss:?}, not from {:?}, the server this sign-in was \
                     sent to; it was not used.",
                    metadata.issuer
                ),
            ));
        }
        None if metadata.authorization_response_iss_parameter_supported => {
            return Err((
                "issuer_missing",
                "The authorization server promised to name itself in its answer and did not; \
                 it was not used."
                    .into(),
            ));
        }
        _ => {}
    }
    let verifier = flow_secret::unseal(state, &flow.sealed_verifier).ok_or((
        "invalid_state",
        "This sign-in could not be verified; start connecting again.".to_owned(),
    ))?;
    let client_secret = match &client.client_secret_ref {
        Some(secret_ref) => Some(
            ports
                .vault
                .get(secret_ref)
                .await
                .map_err(|e| internal(&e))?,
        ),
        None => None,
    };
    let redirect = client.redirect_uri.clone();
    let tokens = tokens::exchange_code(
        &ports.outbound,
        &ClientConfig {
            metadata: &metadata,
            client_id: &client.client_id,
            client_secret: client_secret.as_ref(),
            redirect_uri: &redirect,
        },
        code,
        &verifier,
        &flow.resource,
        ports.clock.now(),
    )
    .await
    .map_err(|e| (e.code(), e.to_string()))?;
    store_grant(ports, actor, flow, &client, &tokens)
        .await
        .map_err(|e| internal(&e))
}

/// The token set into the vault, then the grant row; the grant's previous
/// token set is deleted once the row no longer names it.
async fn store_grant(
    ports: &Ports,
    actor: &Actor,
    flow: &OAuthStateRecord,
    client: &OAuthClientRecord,
    tokens: &TokenSet,
) -> ServiceResult<()> {
    let secret_ref = ports
        .vault
        .put(
            &SecretOwner {
                tenant_id: actor.tenant_id,
                tenant_slug: &actor.tenant_slug,
                kind: SecretKind::OAuthTokens,
                owner: &format!("user/{}/mcp-server/{}", actor.user_id, flow.server_id),
            },
            &tokens.to_secret(),
        )
        .await?;
    let written = ports
        .store
        .upsert_grant(&NewGrant {
            tenant_id: actor.tenant_id,
            user_id: actor.user_id,
            server_id: flow.server_id,
            client_row_id: client.id,
            secret_ref: secret_ref.clone(),
            resource: flow.resource.clone(),
            scopes: tokens.scope.clone().unwrap_or_else(|| flow.scopes.clone()),
            expires_at: tokens.expires_at,
            at: ports.clock.now(),
        })
        .await;
    match written {
        Ok((_, previous)) => {
            if let Some(previous) = previous
                && let Err(e) = ports.vault.delete(&previous).await
            {
                tracing::warn!(error = %e, "could not delete a replaced token set; the sweeper will");
            }
            Ok(())
        }
        Err(e) => {
            if let Err(cleanup) = ports.vault.delete(&secret_ref).await {
                tracing::warn!(error = %cleanup, "could not delete an unused token set; the sweeper will");
            }
            Err(e.into())
        }
    }
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
