//! The end of a connect flow: the authorization server's redirect back.
//! [`complete`] checks the flow (the state is ours, unused, unexpired, this
//! browser's, and the issuer the one we asked), redeems the code, and keeps
//! the tokens in the vault as the user's grant. Every failure is an
//! outcome the callback page shows and posts to its opener.

use crate::domain::{AuditAction, ConnectOutcome};
use crate::server::auth::Actor;
use crate::server::error::ServiceResult;
use crate::server::oauth::TokenSet;
use crate::server::oauth::discovery::AuthServerMetadata;
use crate::server::oauth::flow_secret;
use crate::server::oauth::tokens::{self, ClientConfig};
use crate::server::ports::Ports;
use crate::server::services::{accounts, audit, secrets};
use crate::server::store::{NewGrant, OAuthClientRecord, OAuthStateRecord};
use crate::server::vault::{SecretKind, SecretOwner};

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
        // An admin's client whose issuer was not given cannot be checked.
        Some(iss) if iss != metadata.issuer && !metadata.issuer.is_empty() => {
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
            refreshable: tokens.refresh_token.is_some(),
            at: ports.clock.now(),
        })
        .await;
    match written {
        Ok((_, previous)) => {
            if let Some(previous) = previous {
                secrets::discard(ports, previous.as_str()).await;
            }
            Ok(())
        }
        Err(e) => {
            secrets::discard(ports, secret_ref.as_str()).await;
            Err(e.into())
        }
    }
}
