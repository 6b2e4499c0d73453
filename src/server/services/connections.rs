//! Connections: credentials bound to a server at one scope (seed 000's
//! `MCPServerConnection`). Admins manage every connection of their tenant;
//! a member sees and manages only their own user connections. A connection
//! may bind the tenant's own server or a featured server of the global
//! platform. Its credential and secret-looking headers go to the vault as
//! one secret (a JSON document), through the same saga as a server's key.

use crate::domain::connection::{SECRET_HEADER_MASK, Shape, split_secret_headers};
use crate::domain::headers::Header;
use crate::domain::{
    AuditAction, AuthType, ConnectionId, ConnectionView, NewConnection, Role, Scope, ServerId,
};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::services::audit;
use crate::server::services::connection_rules::{
    agent_of, available_server, connected_service, may_create, may_manage, user_of,
};
pub(crate) use crate::server::services::connection_secret::{Sealed, read_sealed};
pub use crate::server::services::connection_update::update;
use crate::server::services::secrets::{Owner, SecretChange};
use crate::server::store::{ConnectionFilter, ConnectionRecord, NewConnectionRecord};
use crate::server::vault::SecretKind;

pub fn view(r: ConnectionRecord, tenant_slug: &str) -> ConnectionView {
    let mut extra_headers = r.extra_headers;
    extra_headers.extend(
        r.secret_header_names
            .into_iter()
            .map(|name| (name, SECRET_HEADER_MASK.to_owned())),
    );
    ConnectionView {
        id: r.id,
        tenant_id: r.tenant_id,
        tenant_slug: tenant_slug.to_owned(),
        server_id: r.server_id,
        server_name: r.server_name,
        scope: r.scope,
        auth_type: r.auth_type,
        user: r.username,
        agent: r.agent_uid,
        // The credential is the vault secret's `credentials`; a secret
        // holding only headers has none.
        has_credential: r.secret_ref.is_some() && r.auth_type == AuthType::Token,
        authorization_scheme: r.authorization_scheme,
        extra_headers,
        active: r.active,
        connected_service: r.grant_id,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

pub(super) fn target(r: &ConnectionRecord) -> String {
    format!(
        "{} connection {} to {}",
        r.scope.wire(),
        r.id,
        r.server_name
    )
}

pub(super) fn owner(actor: &Actor) -> Owner<'_> {
    Owner {
        actor,
        kind: SecretKind::ConnectionCredential,
        name: format!("connection/{}", actor.username),
    }
}

pub async fn create(
    ports: &Ports,
    actor: &Actor,
    new: NewConnection,
) -> ServiceResult<ConnectionView> {
    let credentials = new.credentials.map(|c| c.trim().to_owned());
    let scheme = new.authorization_scheme.trim().to_owned();
    let headers: Vec<Header> = new
        .extra_headers
        .into_iter()
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Shape {
        scope: new.scope,
        auth_type: new.auth_type,
        has_user: new.user.as_deref().is_some_and(|u| !u.trim().is_empty()),
        has_agent: new.agent.is_some(),
        credentials: credentials.as_deref(),
        credentials_stored: false,
        authorization_scheme: &scheme,
        extra_headers: &headers,
        has_connected_service: new.connected_service.is_some(),
    }
    .check()?;
    let server = available_server(ports, actor, new.server).await?;
    let user_id = match new.scope {
        Scope::User => Some(user_of(ports, actor, new.user.as_deref()).await?),
        _ => None,
    };
    may_create(actor, new.scope, user_id.unwrap_or(actor.user_id))?;
    let agent_id = match &new.agent {
        Some(uid) => Some(agent_of(ports, actor, uid).await?),
        None => None,
    };
    let grant_id = match new.connected_service {
        Some(id) => Some(
            connected_service(
                ports,
                actor,
                id,
                server.id,
                user_id.unwrap_or(actor.user_id),
            )
            .await?,
        ),
        None => None,
    };
    let (plain, secret) = split_secret_headers(headers);
    let sealed = Sealed {
        credentials,
        headers: secret,
    };
    let secret_header_names = sealed.headers.iter().map(|(n, _)| n.clone()).collect();
    let change = SecretChange::prepare(
        ports,
        &owner(actor),
        None,
        (!sealed.is_empty()).then(|| sealed.to_json()),
        true,
        false,
    )
    .await?;
    let record = NewConnectionRecord {
        tenant_id: actor.tenant_id,
        server_id: server.id,
        scope: new.scope,
        auth_type: new.auth_type,
        user_id,
        agent_id,
        authorization_scheme: scheme,
        extra_headers: plain,
        secret_header_names,
        secret_ref: change.ref_change(None).and_then(|c| c.to),
        active: new.active,
        grant_id,
        now: ports.clock.now(),
    };
    let row = match ports.store.insert_connection(&record).await {
        Ok(row) => row,
        Err(e) => {
            change.revert(ports).await;
            return Err(e.into());
        }
    };
    ports.resolution_cache.forget_tenant(actor.tenant_id);
    audit::record(
        ports,
        actor,
        AuditAction::ConnectionCreate,
        &target(&row),
        Ok(()),
    )
    .await;
    tracing::info!(tenant = %actor.tenant_slug, connection = %row.id, scope = row.scope.as_str(), "connection created");
    Ok(view(row, &actor.tenant_slug))
}

/// A page (1-based) of the connections the actor may see, oldest first.
pub async fn list(
    ports: &Ports,
    actor: &Actor,
    mut filter: ConnectionFilter,
    page: u32,
    page_size: u32,
) -> ServiceResult<(Vec<ConnectionView>, u64)> {
    if actor.role != Role::Admin {
        filter.owned_by = Some(actor.user_id);
    }
    let offset = u64::from(page.saturating_sub(1)) * u64::from(page_size);
    let (rows, total) = ports
        .store
        .list_connections(actor.tenant_id, &filter, page_size, offset)
        .await?;
    Ok((
        rows.into_iter()
            .map(|r| view(r, &actor.tenant_slug))
            .collect(),
        total,
    ))
}

/// The connections to one of the tenant's servers the actor may see (an
/// admin all of them, a member their own), oldest first, at most `limit`,
/// and how many there are. Another tenant's server answers 404.
pub async fn for_server(
    ports: &Ports,
    actor: &Actor,
    server: ServerId,
    limit: u32,
) -> ServiceResult<(Vec<ConnectionView>, u64)> {
    ports
        .store
        .server(actor.tenant_id, server)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let filter = ConnectionFilter {
        server: Some(server),
        ..ConnectionFilter::default()
    };
    list(ports, actor, filter, 1, limit).await
}

/// One connection the actor may see; any other answers 404.
pub(super) async fn row(
    ports: &Ports,
    actor: &Actor,
    id: ConnectionId,
) -> ServiceResult<ConnectionRecord> {
    ports
        .store
        .connection(actor.tenant_id, id)
        .await?
        .filter(|r| may_manage(actor, r))
        .ok_or(ServiceError::NotFound)
}

pub async fn get(ports: &Ports, actor: &Actor, id: ConnectionId) -> ServiceResult<ConnectionView> {
    Ok(view(row(ports, actor, id).await?, &actor.tenant_slug))
}

pub async fn delete(ports: &Ports, actor: &Actor, id: ConnectionId) -> ServiceResult<()> {
    let current = row(ports, actor, id).await?;
    let gone = ports
        .store
        .delete_connection(actor.tenant_id, current.id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    ports.resolution_cache.forget_tenant(actor.tenant_id);
    if let Some(secret_ref) = &gone.secret_ref {
        crate::server::services::secrets::discard(ports, secret_ref.as_str()).await;
    }
    audit::record(
        ports,
        actor,
        AuditAction::ConnectionDelete,
        &target(&gone),
        Ok(()),
    )
    .await;
    Ok(())
}
