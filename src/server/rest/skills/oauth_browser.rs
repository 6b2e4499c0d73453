//! The browser's half of connecting an OAuth account: seed 002's
//! `GET /api/skills/mcp-oauth/authorize` (a popup opens it; 302 to the
//! authorization server), its callback (a small page that tells the
//! opener how it went and closes), and the deployment's Client ID
//! Metadata Document. These are pages, not API: they take the browser's
//! session only (the flow is bound to it), and every failure is a page
//! that reports to its opener rather than a bare error.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use serde::Deserialize;
use serde_json::json;

use crate::domain::{AppError, ConnectOutcome, ServerId};
use crate::server::auth::Actor;
use crate::server::auth::credentials::Credentials;
use crate::server::oauth::registration::{METADATA_DOCUMENT_PATH, metadata_document};
use crate::server::services::oauth_callback::{self, CallbackQuery};
use crate::server::services::oauth_connect::{
    self, Browser, CALLBACK_PATH, metadata_document_url, redirect_uri,
};
use crate::server::state::AppState;

pub use crate::domain::oauth::AUTHORIZE_PATH;

pub(in crate::server::rest) fn routes() -> Router<AppState> {
    Router::new()
        .route(AUTHORIZE_PATH, get(authorize))
        .route(CALLBACK_PATH, get(callback))
        .route(METADATA_DOCUMENT_PATH, get(client_metadata))
}

/// What seed 002's admin (`tenantSlug`) and mobile (`tenantId`, `userId`)
/// clients send. The user is always the signed-in one: these only have
/// to agree with it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthorizeQuery {
    mcp_server_id: Option<String>,
    tenant_slug: Option<String>,
    tenant_id: Option<String>,
    user_id: Option<String>,
    force: Option<String>,
    /// `json`: answer `{authorizeUrl}` instead of redirecting.
    response: Option<String>,
}

async fn authorize(
    State(state): State<AppState>,
    headers: HeaderMap,
    nonce: Option<Extension<leptos::nonce::Nonce>>,
    uri: Uri,
    Query(query): Query<AuthorizeQuery>,
) -> Response {
    let json = query.response.as_deref() == Some("json");
    let server = query.mcp_server_id.as_deref().and_then(ServerId::parse);
    let result = begin(&state, &headers, &query, server).await;
    match (result, json) {
        (Ok(url), false) => Redirect::to(url.as_str()).into_response(),
        (Ok(url), true) => Json(json!({ "authorizeUrl": url.as_str() })).into_response(),
        // A link (from a runtime's `connect_url`, say) followed while signed
        // out: sign in, then come back here and carry on.
        (Err(AppError::Unauthorized), false) => {
            let back = uri.path_and_query().map_or(AUTHORIZE_PATH, |p| p.as_str());
            let next: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
            Redirect::to(&format!("/login?next={next}")).into_response()
        }
        (Err(e), true) => {
            let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::BAD_GATEWAY);
            (status, Json(json!({ "error": e.to_string() }))).into_response()
        }
        (Err(e), false) => {
            let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::BAD_GATEWAY);
            let outcome = ConnectOutcome::failed(server, reason_of(&e), e.to_string());
            (status, page(&outcome, nonce.as_deref())).into_response()
        }
    }
}

async fn begin(
    state: &AppState,
    headers: &HeaderMap,
    query: &AuthorizeQuery,
    server: Option<ServerId>,
) -> Result<url::Url, AppError> {
    let Credentials::Session(session) = Credentials::session(headers, state.config.secure_cookies)
    else {
        return Err(AppError::Unauthorized);
    };
    let actor = crate::server::services::accounts::actor_for_session(&state.ports, &session)
        .await
        .map_err(AppError::from)?;
    admit(&actor, query)?;
    let server =
        server.ok_or_else(|| AppError::invalid("mcpServerId", "mcpServerId is required"))?;
    let origin = site_origin(state, headers)?;
    let force = matches!(query.force.as_deref(), Some("true" | "1"));
    oauth_connect::begin(
        &state.ports,
        &actor,
        &Browser {
            session: &session,
            origin: &origin,
        },
        server,
        force,
    )
    .await
    .map_err(AppError::from)
}

/// A tenant named (by slug or id) must be the caller's: any other answers
/// 404, as on every route. A user named must be the caller: any other is
/// 403, never a flow for someone else.
fn admit(actor: &Actor, query: &AuthorizeQuery) -> Result<(), AppError> {
    fn named(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    if let Some(slug) = named(&query.tenant_slug)
        && slug != actor.tenant_slug
    {
        return Err(AppError::NotFound);
    }
    if let Some(id) = named(&query.tenant_id)
        && id != actor.tenant_id.to_string()
        && id != actor.tenant_slug
    {
        return Err(AppError::NotFound);
    }
    if let Some(user) = named(&query.user_id)
        && user != actor.user_id.to_string()
        && user != actor.username
        && !user.eq_ignore_ascii_case(&actor.email)
    {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// The origin browsers and authorization servers reach us at: the
/// configured public URL, else this request's `Host` (which the allowed
/// hosts check has already vetted), over https when cookies are secure.
pub(crate) fn site_origin(state: &AppState, headers: &HeaderMap) -> Result<String, AppError> {
    if let Ok(Some(origin)) = state.config.public_origin() {
        return Ok(origin);
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && !h.contains(['/', '@', ' ']))
        .ok_or_else(|| AppError::invalid("host", "The request names no Host."))?;
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    Ok(format!("{scheme}://{host}"))
}

fn reason_of(e: &AppError) -> &'static str {
    match e {
        AppError::Unauthorized => "not_signed_in",
        AppError::Forbidden => "forbidden",
        AppError::NotFound => "not_found",
        AppError::Invalid(_) => "invalid_request",
        AppError::Upstream(_) => "discovery_failed",
        _ => "unavailable",
    }
}

pub(in crate::server::rest) async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    nonce: Option<Extension<leptos::nonce::Nonce>>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let session = match Credentials::session(&headers, state.config.secure_cookies) {
        Credentials::Session(s) => Some(s),
        _ => None,
    };
    let outcome = oauth_callback::complete(&state.ports, session.as_deref(), &query).await;
    let status = if outcome.ok {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    // The page's URL holds the code: it must not travel on in a Referer.
    (
        status,
        [(header::REFERRER_POLICY, "no-referrer")],
        page(&outcome, nonce.as_deref()),
    )
        .into_response()
}

/// The deployment's Client ID Metadata Document (served over HTTPS only:
/// an authorization server fetches it nowhere else).
async fn client_metadata(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Ok(origin) = site_origin(&state, &headers) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match metadata_document_url(&origin) {
        Some(url) => Json(metadata_document(&url, &redirect_uri(&origin))).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The page a flow ends on: says how it went, posts the outcome to its
/// opener (our origin only), and closes. Without an opener (the link was
/// opened in a tab) it stays, with a way back.
fn page(outcome: &ConnectOutcome, nonce: Option<&leptos::nonce::Nonce>) -> Html<String> {
    let (title, text) = if outcome.ok {
        (
            "Account connected",
            "Your account is connected. You can close this window.".to_owned(),
        )
    } else {
        (
            "Could not connect",
            outcome
                .message
                .clone()
                .unwrap_or_else(|| "Connecting failed.".into()),
        )
    };
    // Inside a <script>, `<` could end the element: JSON may spell it
    // `\u003c` instead, and means the same.
    let data = serde_json::to_string(outcome)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    let nonce = nonce.map(|n| n.to_string()).unwrap_or_default();
    Html(format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Switchboard</title>
<link rel="stylesheet" href="/pkg/switchboard.css">
</head>
<body>
<main class="oauth-done" data-ok="{ok}">
<h1>{title}</h1>
<p role="status">{text}</p>
<p><a href="/integrations">Back to Switchboard</a></p>
</main>
<script type="application/json" id="sb-oauth-outcome">{data}</script>
<script nonce="{nonce}">
(function () {{
  var outcome = JSON.parse(document.getElementById("sb-oauth-outcome").textContent);
  if (window.opener && !window.opener.closed) {{
    window.opener.postMessage(outcome, window.location.origin);
    window.close();
  }}
}})();
</script>
</body>
</html>
"#,
        ok = outcome.ok,
        title = escape(title),
        text = escape(&text),
    ))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}
