//! Seed 002's per-user OAuth routes, as ThinkWork's mobile client calls
//! them: the caller's servers with where they stand (`authStatus`), and
//! clearing the caller's own grant. Any member may call them, for
//! themselves only; the tenant is the caller's (a header, if sent, must
//! name it).

use axum::Json;
use axum::extract::State;
use chrono::SecondsFormat;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::servers::SkillsServer;
use super::{SkillsByToken, SkillsFailures};
use crate::domain::{AuthStatus, AuthType};
use crate::server::rest::caller::Caller;
use crate::server::rest::error::RestError;
use crate::server::rest::item_id::ItemId;
use crate::server::rest::timestamp;
use crate::server::services::oauth_grants;
use crate::server::state::AppState;

type UCaller = Caller<SkillsByToken>;
type UError = RestError<SkillsByToken>;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(user_servers))
        .routes(routes!(clear_token))
}

/// Where the caller stands with a server.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkillsAuthStatus {
    /// Connected (or no account is needed).
    Active,
    NotConnected,
    /// The connection ran out and could not be refreshed: reconnect.
    Expired,
}

impl From<AuthStatus> for SkillsAuthStatus {
    fn from(s: AuthStatus) -> Self {
        match s {
            AuthStatus::Active => SkillsAuthStatus::Active,
            AuthStatus::NotConnected => SkillsAuthStatus::NotConnected,
            AuthStatus::Expired => SkillsAuthStatus::Expired,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillsUserServer {
    #[serde(flatten)]
    pub server: SkillsServer,
    pub auth_status: SkillsAuthStatus,
    /// ThinkWork names the agent the server came with; servers here are
    /// the tenant's, so it is null.
    pub agent_name: Option<String>,
    /// When the caller's access token runs out (it is refreshed before).
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    /// Why a connection is no longer usable, when it is not.
    pub auth_reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsUserServerList {
    pub servers: Vec<SkillsUserServer>,
}

/// The tenant's enabled servers as the caller can use them: an OAuth
/// server is `active` once the caller has connected an account,
/// `expired` when that connection must be made again.
#[utoipa::path(get, path = "/api/skills/user-mcp-servers", tag = "skills",
    responses((status = 200, description = "The caller's servers", body = SkillsUserServerList), SkillsFailures))]
async fn user_servers(
    caller: UCaller,
    State(state): State<AppState>,
) -> Result<Json<SkillsUserServerList>, UError> {
    let servers = oauth_grants::standing(&state.ports, &caller)
        .await?
        .into_iter()
        .map(|(s, grant)| {
            let status = if s.auth_type == AuthType::Oauth2 {
                AuthStatus::of(grant.as_ref().map(|g| g.status))
            } else {
                AuthStatus::Active
            };
            SkillsUserServer {
                auth_status: status.into(),
                agent_name: None,
                expires_at: grant
                    .as_ref()
                    .and_then(|g| g.expires_at)
                    .map(|t| timestamp(t, SecondsFormat::Millis)),
                auth_reason: grant.and_then(|g| g.status_reason),
                server: SkillsServer::from(s),
            }
        })
        .collect();
    Ok(Json(SkillsUserServerList { servers }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkillsTokenCleared {
    pub ok: bool,
    /// Set when a grant was cleared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleared: Option<bool>,
    /// Set when there was none: `No token found`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Clears the caller's connection to a server (revoked at its
/// authorization server when that offers revocation).
#[utoipa::path(delete, path = "/api/skills/user-mcp-tokens/{id}", tag = "skills",
    params(("id" = i64, Path, description = "The server's id")),
    responses((status = 200, description = "Cleared, or there was nothing to clear", body = SkillsTokenCleared), SkillsFailures))]
async fn clear_token(
    caller: UCaller,
    id: ItemId<SkillsByToken>,
    State(state): State<AppState>,
) -> Result<Json<SkillsTokenCleared>, UError> {
    let cleared = oauth_grants::disconnect(&state.ports, &caller, *id).await?;
    Ok(Json(if cleared {
        SkillsTokenCleared {
            ok: true,
            cleared: Some(true),
            message: None,
        }
    } else {
        SkillsTokenCleared {
            ok: true,
            cleared: None,
            message: Some("No token found".into()),
        }
    }))
}
