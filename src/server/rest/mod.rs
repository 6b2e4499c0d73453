//! The two published REST contracts, as thin adapters over the services:
//! `/api/skills/…` (seed 002, camelCase) and `/api/ai-mentor/…` (seed 000,
//! snake_case, Django REST framework's conventions). Each handler carries its
//! OpenAPI description, and the router is built from the same list, so a
//! route cannot exist without being documented (and isolation-tested).

pub mod ai_account;
pub mod ai_mentor;
mod body;
pub mod caller;
pub mod error;
mod item_id;
pub mod runtime;
mod runtime_configs;
pub mod skills;

pub(crate) use skills::site_origin;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use std::sync::Arc;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::domain::Transport;
use crate::server::state::AppState;

pub const OPENAPI_PATH: &str = "/api/openapi.json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Switchboard",
        description = "A multi-tenant registry and connection broker for MCP servers. \
                       Two contracts over one model: `skills` (the admin REST API, camelCase, \
                       tenant in `x-tenant-slug`) and `ai-mentor` (snake_case, tenant in the path)."
    ),
    modifiers(&TokenAuth),
    // The error bodies appear only in the IntoResponses sets, which do not
    // register their schemas themselves.
    components(schemas(skills::SkillsErrorBody, ai_mentor::Detail, ai_mentor::FieldErrors,
        runtime::RuntimeErrorBody)),
    security(("token" = [])),
    tags(
        (name = "skills", description = "Tenant MCP servers (seed 002)"),
        (name = "ai-mentor", description = "MCP servers under an org and user (seed 000)"),
        (name = "ai-account", description = "OAuth services and users' connected services (seed 000)"),
        (name = "runtime", description = "Credential resolution for agent runtimes (runtime tokens only)")
    )
)]
struct ApiDoc;

struct TokenAuth;

impl Modify for TokenAuth {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "`Token <token>`, `Bearer <token>` or `Api-Token <token>`: an API token from Settings → API tokens \
                 or `switchboard tokens create`.",
            ))),
        );
    }
}

/// The REST routes and their OpenAPI document, from one list.
pub fn routes() -> (Router<AppState>, OpenApiDoc) {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(skills::routes())
        .merge(ai_mentor::routes())
        .merge(ai_account::routes())
        .merge(runtime::routes())
        .split_for_parts();
    let json: Arc<str> = api.to_pretty_json().unwrap_or_default().into();
    let router = router
        .merge(skills::browser_routes())
        .merge(ai_account::browser_routes())
        .route(
            OPENAPI_PATH,
            get(move || {
                let json = json.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        json.to_string(),
                    )
                }
            }),
        );
    (router, api)
}

/// Transport names: the same spelling in both contracts.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransportName {
    StreamableHttp,
    Sse,
    Websocket,
}

impl From<Transport> for TransportName {
    fn from(t: Transport) -> Self {
        match t {
            Transport::StreamableHttp => TransportName::StreamableHttp,
            Transport::Sse => TransportName::Sse,
            Transport::WebSocket => TransportName::Websocket,
        }
    }
}

/// The choices a body's `transport` may take.
const TRANSPORTS: [(&str, Transport); 3] = [
    ("streamable_http", Transport::StreamableHttp),
    ("sse", Transport::Sse),
    ("websocket", Transport::WebSocket),
];

fn timestamp(at: DateTime<Utc>, precision: SecondsFormat) -> String {
    at.to_rfc3339_opts(precision, true)
}

/// `Retry-After` for a 429.
fn retry_after(secs: u64) -> [(header::HeaderName, String); 1] {
    [(header::RETRY_AFTER, secs.to_string())]
}
