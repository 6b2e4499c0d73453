//! The key routes seed 002 calls "backend-only": what is stored, and a
//! tested in-place change of the key (our rotation: staged, tested, and made
//! current only if the test passes).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{SkillsAuthType, SkillsBody, SkillsCaller, SkillsError, SkillsFailures, SkillsId};
use crate::domain::{AppError, KeyRotation, ServerField};
use crate::server::services::key_status::{key_status, last_four};
use crate::server::services::rotation;
use crate::server::state::AppState;

const MINT_UNSUPPORTED: &str =
    "Switchboard does not mint keys: send the new key as apiKey (a string).";
const KEY_REQUIRED: &str = "Either apiKey (string) or mintNew=true must be supplied.";

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status))
        .routes(routes!(change))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillsKeyStatus {
    pub auth_type: SkillsAuthType,
    pub has_key: bool,
    /// The key's last four characters: for admins, and only for keys of
    /// 12 characters or more; null otherwise.
    pub last_four: Option<String>,
}

/// A new key for the server.
#[derive(ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes the body; `Body` reads it field by field
pub struct SkillsKeyChange {
    #[schema(write_only, min_length = 1, max_length = 4096)]
    api_key: String,
}

/// The change's outcome. On `ok: false` the old key is still the one in use
/// and `error` says why the new one was refused.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkillsKeyChanged {
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_four: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl IntoResponse for SkillsKeyChanged {
    fn into_response(self) -> Response {
        super::ok_or_bad_gateway(self.ok, self)
    }
}

/// Whether the server has a stored key, and (for admins) its last four
/// characters, which is an audited read of the key.
#[utoipa::path(get, path = "/api/skills/mcp-servers/{id}/key-status", tag = "skills",
    params(("id" = i64, Path), ("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    responses((status = 200, description = "The key's status", body = SkillsKeyStatus), SkillsFailures))]
async fn status(
    caller: SkillsCaller,
    id: SkillsId,
    State(state): State<AppState>,
) -> Result<Json<SkillsKeyStatus>, SkillsError> {
    let s = key_status(&state.ports, &caller, *id).await?;
    Ok(Json(SkillsKeyStatus {
        auth_type: s.auth_type.into(),
        has_key: s.has_key,
        last_four: s.last_four,
    }))
}

/// Replace the server's key (tenant admins): the new key is tested against
/// the server first and becomes current only if that test passes; a failed
/// test answers 502 and leaves the old key in place.
#[utoipa::path(put, path = "/api/skills/mcp-servers/{id}/api-key", tag = "skills",
    params(("id" = i64, Path), ("x-tenant-slug" = String, Header, description = "The caller's tenant; any other answers 404.")),
    request_body = SkillsKeyChange,
    responses(
        (status = 200, description = "The new key is current", body = SkillsKeyChanged),
        (status = 502, description = "The new key failed its test; the old one is still current", body = SkillsKeyChanged),
        SkillsFailures))]
async fn change(
    caller: SkillsCaller,
    id: SkillsId,
    State(state): State<AppState>,
    mut body: SkillsBody,
) -> Result<SkillsKeyChanged, SkillsError> {
    let api_key = body.string("apiKey");
    if body.boolean("mintNew") == Some(true) {
        body.refuse("mintNew", MINT_UNSUPPORTED);
    } else if api_key.is_none() && !body.has_error("apiKey") {
        body.refuse("apiKey", KEY_REQUIRED);
    }
    body.finish()?;
    let api_key = api_key.ok_or_else(|| AppError::invalid(ServerField::API_KEY, KEY_REQUIRED))?;
    let tail = last_four(api_key.trim());
    let outcome = rotation::rotate(&state.ports, &caller, *id, KeyRotation { api_key }).await?;
    Ok(SkillsKeyChanged {
        ok: outcome.ok,
        last_four: outcome.ok.then_some(tail).flatten(),
        error: outcome.error.map(super::classed),
    })
}
