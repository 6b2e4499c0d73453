//! Changing a connection: the patch is checked whole against the shape it
//! leaves (scope, authentication, user, agent, connected service), then the
//! vault's sealed document and the row change together, through the same
//! staged secret change as a server's key (reverted if the row write fails).

use crate::domain::connection::{Shape, split_secret_headers};
use crate::domain::headers::Header;
use crate::domain::{AuditAction, AuthType, ConnectionId, ConnectionPatch, ConnectionView, Scope};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::services::audit;
use crate::server::services::connection_rules::{
    agent_of, available_server, connected_service, may_create, user_of,
};
use crate::server::services::connection_secret::{Sealed, keep_masked, read_sealed};
use crate::server::services::connections::{owner, row, target, view};
use crate::server::services::secrets::SecretChange;
use crate::server::store::ConnectionUpdate;

pub async fn update(
    ports: &Ports,
    actor: &Actor,
    id: ConnectionId,
    patch: ConnectionPatch,
) -> ServiceResult<ConnectionView> {
    let current = row(ports, actor, id).await?;
    let scope = patch.scope.unwrap_or(current.scope);
    let auth_type = patch.auth_type.unwrap_or(current.auth_type);
    let credentials = patch.credentials.map(|c| c.trim().to_owned());
    let scheme = patch
        .authorization_scheme
        .as_deref()
        .map(|s| s.trim().to_owned());
    let headers: Option<Vec<Header>> = patch.extra_headers.map(|h| {
        h.into_iter()
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect()
    });
    let named_user = match &patch.user {
        Some(u) => u.as_deref().is_some_and(|u| !u.trim().is_empty()),
        None => current.user_id.is_some() && scope == Scope::User,
    };
    let has_agent = match &patch.agent {
        Some(a) => a.is_some(),
        None => current.agent_id.is_some(),
    };
    let current_plain: Vec<Header> = current.extra_headers.clone();
    // A connection that stops being `oauth2` lets its grant go unless the
    // patch names one (which the shape check then refuses).
    let grant = match patch.connected_service {
        Some(grant) => grant,
        None if auth_type == AuthType::Oauth2 => current.grant_id,
        None => None,
    };
    Shape {
        scope,
        auth_type,
        // A user connection always has its user; naming one is only a
        // problem at the other scopes.
        has_user: named_user && scope != Scope::User,
        has_agent,
        credentials: credentials.as_deref(),
        credentials_stored: current.secret_ref.is_some() && current.auth_type == AuthType::Token,
        authorization_scheme: scheme.as_deref().unwrap_or(&current.authorization_scheme),
        extra_headers: headers.as_deref().unwrap_or(&current_plain),
        has_connected_service: grant.is_some(),
    }
    .check()?;
    let server_id = match patch.server {
        Some(s) if s != current.server_id => Some(available_server(ports, actor, s).await?.id),
        _ => None,
    };
    let user_id = match (scope, &patch.user) {
        (Scope::User, Some(named)) => Some(Some(user_of(ports, actor, named.as_deref()).await?)),
        (Scope::User, None) if current.user_id.is_none() => Some(Some(actor.user_id)),
        (Scope::User, None) => None,
        _ => current.user_id.map(|_| None),
    };
    may_create(
        actor,
        scope,
        user_id
            .flatten()
            .or(current.user_id)
            .unwrap_or(actor.user_id),
    )?;
    let agent_id = match (&patch.agent, scope) {
        (Some(Some(uid)), _) => Some(Some(agent_of(ports, actor, uid).await?)),
        (Some(None), _) => Some(None),
        (None, Scope::Agent) => None,
        (None, _) => current.agent_id.map(|_| None),
    };
    // Checked again whenever one stays: the server or the user may have
    // changed under it.
    let grant_id = match grant {
        Some(id) => {
            let server = server_id.unwrap_or(current.server_id);
            let user = match scope {
                Scope::User => user_id.flatten().or(current.user_id),
                _ => None,
            }
            .unwrap_or(actor.user_id);
            Some(connected_service(ports, actor, id, server, user).await?)
        }
        None => None,
    };

    // The vault side: a new credential or new secret headers replace the
    // sealed document (what is not sent is kept from the current one).
    let (plain, secret_headers) = match headers {
        Some(h) => {
            let (p, s) = split_secret_headers(h);
            (Some(p), Some(s))
        }
        None => (None, None),
    };
    let touches_secret = credentials.is_some() || secret_headers.is_some();
    let keeps_credential = auth_type == AuthType::Token;
    let mut sealed = if touches_secret || !keeps_credential {
        read_sealed(ports, &current).await?
    } else {
        Sealed::default()
    };
    if let Some(c) = credentials {
        sealed.credentials = Some(c);
    }
    if !keeps_credential {
        sealed.credentials = None;
    }
    if let Some(s) = secret_headers.clone() {
        sealed.headers = keep_masked(s, &sealed.headers)?;
    }
    let value_changes = touches_secret || (!keeps_credential && current.secret_ref.is_some());
    let change = SecretChange::prepare(
        ports,
        &owner(actor),
        current.secret_ref.as_ref(),
        (value_changes && !sealed.is_empty()).then(|| sealed.to_json()),
        !value_changes || !sealed.is_empty(),
        false,
    )
    .await?;
    let update = ConnectionUpdate {
        server_id,
        scope: patch.scope,
        auth_type: patch.auth_type,
        user_id,
        agent_id,
        authorization_scheme: scheme,
        extra_headers: plain,
        secret_header_names: secret_headers
            .map(|s| s.into_iter().map(|(n, _)| n).collect())
            .or_else(|| (value_changes && sealed.is_empty()).then(Vec::new)),
        secret_ref: change.ref_change(current.secret_ref.as_ref()),
        active: patch.active,
        grant_id: (grant_id != current.grant_id).then_some(grant_id),
        now: ports.clock.now(),
    };
    let written = ports
        .store
        .update_connection(actor.tenant_id, id, &update)
        .await;
    let row = match written {
        Ok(Some(row)) => row,
        Ok(None) => {
            change.revert(ports).await;
            return Err(ServiceError::NotFound);
        }
        Err(e) => {
            change.revert(ports).await;
            return Err(e.into());
        }
    };
    let finished = change.finish(ports).await;
    // After the secret is promoted: a resolution that read the old one in
    // between must not be kept.
    ports.resolution_cache.forget_tenant(actor.tenant_id);
    if let Err(e) = finished {
        tracing::error!(error = %e, connection = %id, "could not finish a connection's secret change");
        return Err(e.into());
    }
    audit::record(
        ports,
        actor,
        AuditAction::ConnectionUpdate,
        &target(&row),
        Ok(()),
    )
    .await;
    Ok(view(row, &actor.tenant_slug))
}
