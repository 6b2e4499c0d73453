//! Runtime resolution with real rows and the vault: which credential a
//! (tenant, user, agent) uses for a server, decided by the pure
//! `domain::resolution::resolve`, then rendered into the target to connect
//! to. The runtime API, the agent gateway and "Test as…" all come through
//! here; the secret leaves the vault only into the returned target.

use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

use crate::domain::headers::{DEFAULT_SCHEME, Header, render_headers};
use crate::domain::resolution::{Binding, Caller, Resolution, ResolvedBy, Rule, ServerFacts};
use crate::domain::{AgentId, AuthType, Scope, ServerId, TenantId, UserId};
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::mcp::McpTarget;
use crate::server::ports::Ports;
use crate::server::services::connections::read_sealed;
use crate::server::services::oauth_grants::{self, Fresh};
use crate::server::services::resolution_cache::{HeadersKey, SecretHeaders, Snapshot};
use crate::server::store::{ConnectionRecord, ServerRecord};

/// Who is asking, already verified to be of `tenant_id`.
#[derive(Debug, Clone, Copy)]
pub struct Asker {
    pub tenant_id: TenantId,
    pub user: Option<UserId>,
    pub agent: Option<AgentId>,
}

/// A resolution that found what to send.
pub struct Resolved {
    pub target: McpTarget,
    pub resolved_by: ResolvedBy,
    /// The server, for the audit log.
    pub server_id: ServerId,
    pub server_name: String,
}

impl Resolved {
    /// Whether the answer carries a stored secret (what gets audited).
    pub fn carries_secret(&self) -> bool {
        self.resolved_by.rule != Rule::NoCredential
    }
}

/// A member of the tenant by username (how both the runtime API and "Test
/// as…" name users); `None` for anyone else.
pub(crate) async fn member_named(
    ports: &Ports,
    tenant: TenantId,
    username: &str,
) -> ServiceResult<Option<UserId>> {
    let Some(user) = ports.store.user_by_username(username.trim()).await? else {
        return Ok(None);
    };
    Ok(ports
        .store
        .membership(tenant, user.id)
        .await?
        .map(|_| user.id))
}

fn facts(s: &ServerRecord) -> ServerFacts {
    ServerFacts {
        id: s.id,
        tenant_id: s.tenant_id,
        enabled: s.enabled,
        featured: s.featured,
        auth_type: s.auth_type,
        auth_scope: s.auth_scope,
        has_own_credential: s.secret_ref.is_some(),
    }
}

fn binding(c: &ConnectionRecord) -> Binding {
    Binding {
        id: c.id,
        tenant_id: c.tenant_id,
        server_id: c.server_id,
        scope: c.scope,
        user: c.user_id,
        // A user's OAuth grant is not a connection: `user_grant` decides
        // it before these rules run.
        grant_user: None,
        agent: c.agent_id,
        active: c.active,
        created_at: c.created_at,
    }
}

/// The server as the asker may reach it: the tenant's own, or a featured
/// server of the global platform (then also that platform's id, whose
/// connections apply too). `None` for anything else. The tenant's own
/// server, the usual case, costs one query.
async fn reachable_server(
    ports: &Ports,
    asker: &Asker,
    server: ServerId,
) -> ServiceResult<Option<(ServerRecord, Option<TenantId>)>> {
    if let Some(s) = ports.store.server(asker.tenant_id, server).await? {
        return Ok(Some((s, None)));
    }
    let Some(global) = ports.store.tenant_by_slug(&ports.global_tenant).await? else {
        return Ok(None);
    };
    Ok(ports
        .store
        .server(global.id, server)
        .await?
        .filter(|s| s.featured)
        .map(|s| (s, Some(global.id))))
}

/// The reachable server and its active connections, from the database.
async fn load(ports: &Ports, asker: &Asker, server: ServerId) -> ServiceResult<Option<Snapshot>> {
    let Some((server, global)) = reachable_server(ports, asker, server).await? else {
        return Ok(None);
    };
    let tenants: Vec<TenantId> = std::iter::once(asker.tenant_id)
        .chain(global.filter(|g| *g != asker.tenant_id))
        .collect();
    let rows = ports
        .store
        .active_connections_to(&tenants, server.id)
        .await?;
    Ok(Some(Snapshot {
        server,
        global,
        rows,
    }))
}

/// Decides, then renders: the server's extra headers, the connection's
/// (plain, then secret), then its credential under its scheme. Anything
/// that does not resolve comes back as the `Resolution` that says why.
/// Reads go through the replica's [`ResolutionCache`](super::resolution_cache).
pub async fn resolve(
    ports: &Ports,
    asker: &Asker,
    server: ServerId,
) -> ServiceResult<Result<Resolved, Resolution>> {
    let cache = &ports.resolution_cache;
    let generation = cache.generation();
    let slot = match cache.snapshot(asker.tenant_id, server) {
        Some(slot) => slot,
        None => {
            let slot = load(ports, asker, server).await?.map(Arc::new);
            cache.keep_snapshot(generation, asker.tenant_id, server, slot.clone());
            slot
        }
    };
    let Some(snapshot) = slot else {
        return Ok(Err(Resolution::NotAvailable));
    };
    let Snapshot {
        server,
        global,
        rows,
    } = snapshot.as_ref();
    if let Some(answer) = user_grant(ports, asker, server, global.is_some()).await? {
        return Ok(answer);
    }
    let bindings: Vec<Binding> = rows.iter().map(binding).collect();
    let caller = Caller {
        tenant_id: asker.tenant_id,
        user: asker.user,
        agent: asker.agent,
    };
    let resolved_by =
        match crate::domain::resolution::resolve(&facts(server), &bindings, &caller, *global) {
            Resolution::Resolved(by) => by,
            other => return Ok(Err(other)),
        };
    let key = HeadersKey {
        asker: asker.tenant_id,
        owner: server.tenant_id,
        server: server.id,
        by: resolved_by,
    };
    let oauth_connection = resolved_by
        .connection_id
        .and_then(|id| rows.iter().find(|c| c.id == id))
        .filter(|c| c.auth_type == AuthType::Oauth2);
    let headers = match (oauth_connection, cache.headers(&key)) {
        // Never cached: the token is renewed under the grant's lease.
        (Some(connection), _) => match grant_headers(ports, server, connection).await? {
            Ok(headers) => Arc::new(headers),
            Err(unresolved) => return Ok(Err(unresolved)),
        },
        (None, Some(headers)) => headers,
        (None, None) => {
            let rendered = render(ports, server, rows, resolved_by).await?;
            let headers: Arc<SecretHeaders> = Arc::new(
                rendered
                    .into_iter()
                    .map(|(name, value)| (name, SecretString::from(value)))
                    .collect(),
            );
            cache.keep_headers(generation, key, headers.clone());
            headers
        }
    };
    // Not cached: only servers with a secret URL part read the vault here.
    let url = super::server_url::full(ports, server).await?;
    Ok(Ok(Resolved {
        target: McpTarget {
            url: url.url,
            transport: server.transport,
            headers: headers.as_ref().clone(),
            url_secrets: Vec::new(),
        }
        .with_url_secret(url.secret.as_ref()),
        resolved_by,
        server_id: server.id,
        server_name: server.name.clone(),
    }))
}

/// An OAuth server of the asker's own tenant, for a user: their connected
/// account comes first, ahead of any connection (the user acting as
/// themselves is what OAuth is for). Its token is renewed on the way when
/// due, and never cached here (the grant's lease keeps refreshes to one).
/// Without a usable grant a user-scoped server needs the user to connect;
/// any other scope falls through to the connections. `None`: not decided
/// here.
async fn user_grant(
    ports: &Ports,
    asker: &Asker,
    server: &ServerRecord,
    global: bool,
) -> ServiceResult<Option<Result<Resolved, Resolution>>> {
    let (Some(user), AuthType::Oauth2, true, false) =
        (asker.user, server.auth_type, server.enabled, global)
    else {
        return Ok(None);
    };
    let token = match oauth_grants::access_token(ports, asker.tenant_id, user, server.id).await? {
        Fresh::Token(token) => token,
        Fresh::NeedsConnection(_) if server.auth_scope == Scope::User => {
            return Ok(Some(Err(Resolution::NeedsUserConnection {
                server: server.id,
                oauth: true,
            })));
        }
        Fresh::NeedsConnection(_) => return Ok(None),
    };
    let headers: SecretHeaders = render_headers(
        &server.extra_headers,
        Some(token.expose_secret()),
        Some(DEFAULT_SCHEME),
    )
    .into_iter()
    .map(|(name, value)| (name, SecretString::from(value)))
    .collect();
    let url = super::server_url::full(ports, server).await?;
    Ok(Some(Ok(Resolved {
        target: McpTarget {
            url: url.url,
            transport: server.transport,
            headers,
            url_secrets: Vec::new(),
        }
        .with_url_secret(url.secret.as_ref()),
        resolved_by: ResolvedBy {
            rule: Rule::UserGrant,
            connection_id: None,
        },
        server_id: server.id,
        server_name: server.name.clone(),
    })))
}

/// An `oauth2` connection's headers: the server's and the connection's
/// plain ones, then the access token of the grant it names (seed 000's
/// `connected_service`), fresh. A grant that is gone or no longer usable
/// leaves nothing to send: the user of a user connection is asked to
/// connect again, anyone else hears that no credential applies.
async fn grant_headers(
    ports: &Ports,
    server: &ServerRecord,
    c: &ConnectionRecord,
) -> ServiceResult<Result<SecretHeaders, Resolution>> {
    let grant = match c.grant_id {
        Some(id) => ports.store.grant_by_id(c.tenant_id, id).await?,
        None => None,
    };
    let fresh = match grant {
        Some(g) if g.server_id == server.id => {
            oauth_grants::access_token(ports, c.tenant_id, g.user_id, g.server_id).await?
        }
        _ => Fresh::NeedsConnection("the connected service is gone".into()),
    };
    let token = match fresh {
        Fresh::Token(token) => token,
        Fresh::NeedsConnection(why) => {
            tracing::warn!(connection = %c.id, server = %server.id, reason = %why,
                "an oauth2 connection has no usable connected service");
            return Ok(Err(if c.scope == Scope::User {
                Resolution::NeedsUserConnection {
                    server: server.id,
                    oauth: true,
                }
            } else {
                Resolution::NoCredential { server: server.id }
            }));
        }
    };
    let mut extra: Vec<Header> = server
        .extra_headers
        .iter()
        .filter(|(name, _)| {
            !c.extra_headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
        })
        .cloned()
        .collect();
    extra.extend(c.extra_headers.iter().cloned());
    let scheme = Some(c.authorization_scheme.as_str())
        .filter(|s| !s.is_empty())
        .unwrap_or(DEFAULT_SCHEME);
    Ok(Ok(render_headers(
        &extra,
        Some(token.expose_secret()),
        Some(scheme),
    )
    .into_iter()
    .map(|(name, value)| (name, SecretString::from(value)))
    .collect()))
}

/// The headers a decision sends, secrets read from the vault.
async fn render(
    ports: &Ports,
    server: &ServerRecord,
    rows: &[ConnectionRecord],
    resolved_by: ResolvedBy,
) -> ServiceResult<Vec<Header>> {
    Ok(match resolved_by.connection_id {
        Some(id) => {
            let connection = rows
                .iter()
                .find(|c| c.id == id)
                .ok_or(ServiceError::NotFound)?;
            connection_headers(ports, server, connection).await?
        }
        None => match (resolved_by.rule, &server.secret_ref) {
            (Rule::ServerCredential | Rule::GlobalServerCredential, Some(secret_ref)) => {
                let key = ports.vault.get(secret_ref.as_str()).await?;
                render_headers(
                    &server.extra_headers,
                    Some(key.expose_secret()),
                    Some(DEFAULT_SCHEME),
                )
            }
            _ => server.extra_headers.clone(),
        },
    })
}

/// A connection's headers over the server's: a connection header replaces
/// a server header of the same name (any case), and the credential wins
/// over both.
async fn connection_headers(
    ports: &Ports,
    server: &ServerRecord,
    c: &ConnectionRecord,
) -> ServiceResult<Vec<Header>> {
    let sealed = read_sealed(ports, c).await?;
    let own: Vec<Header> = c
        .extra_headers
        .iter()
        .cloned()
        .chain(sealed.headers)
        .collect();
    let mut extra: Vec<Header> = server
        .extra_headers
        .iter()
        .filter(|(name, _)| !own.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)))
        .cloned()
        .collect();
    extra.extend(own);
    let scheme = Some(c.authorization_scheme.as_str()).filter(|s| !s.is_empty());
    Ok(render_headers(
        &extra,
        sealed.credentials.as_deref(),
        scheme,
    ))
}
