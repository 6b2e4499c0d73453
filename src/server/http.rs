//! The Axum router: pages and server functions (Leptos), health checks, and
//! the middleware that guards them.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::CookieJar;
use leptos_axum::{LeptosRoutes, generate_route_list};

use crate::app::{App, shell};
use crate::domain::redirect::{DEFAULT_NEXT, is_safe_next};
use crate::server::auth::session::COOKIE_NAME;
use crate::server::services::accounts;
use crate::server::state::AppState;

/// Pages that need a session; anything else is public.
const PROTECTED_PAGES: [&str; 4] = ["/", "/mcp-servers", "/audit", "/settings/api-tokens"];

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let (rest, _openapi) = crate::server::rest::routes();
    Router::new()
        .merge(rest)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .leptos_routes_with_context(&state, routes, || {}, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(state.clone(), page_guard))
        .layer(middleware::from_fn(same_origin))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.ports.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Signed-out visitors of an admin page go to `/login?next=…`; signed-in
/// visitors of `/login` (or `/`) go to the servers page. Done before Leptos
/// renders anything, so the redirect is a real 302 and no page leaks.
async fn page_guard(
    State(state): State<AppState>,
    jar: CookieJar,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    let is_login = path == "/login";
    if !is_login && !PROTECTED_PAGES.contains(&path.as_str()) {
        return next.run(req).await;
    }
    let signed_in = match jar.get(COOKIE_NAME) {
        Some(cookie) => accounts::actor_for_session(&state.ports, cookie.value())
            .await
            .is_ok(),
        None => false,
    };
    match (signed_in, is_login) {
        (true, true) => Redirect::to(DEFAULT_NEXT).into_response(),
        (true, false) if path == "/" => Redirect::to(DEFAULT_NEXT).into_response(),
        (false, false) => {
            let next = sign_in_next(&path, req.uri().query());
            Redirect::to(&format!("/login?next={}", encode_component(&next))).into_response()
        }
        _ => next.run(req).await,
    }
}

/// Where sign-in should return to: the page asked for with its query (a
/// list's page, sort and filter live there). A query the login page would
/// refuse anyway is dropped rather than losing the page too.
fn sign_in_next(path: &str, query: Option<&str>) -> String {
    let path = if path == "/" { DEFAULT_NEXT } else { path };
    match query.filter(|q| !q.is_empty()) {
        Some(q) => {
            let with_query = format!("{path}?{q}");
            if is_safe_next(&with_query) {
                with_query
            } else {
                path.to_owned()
            }
        }
        None => path.to_owned(),
    }
}

/// Escapes every reserved character, so `?`, `&` and `=` of the inner query
/// stay inside the one `next` parameter.
fn encode_component(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A state-changing request that carries browser metadata must come from our
/// own origin (defence in depth on top of SameSite=Lax cookies).
async fn same_origin(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || origin_ok(&req) {
        return next.run(req).await;
    }
    tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-origin request refused");
    Response::builder()
        .status(StatusCode::FORBIDDEN)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from("cross-origin request refused"))
        .unwrap_or_else(|_| StatusCode::FORBIDDEN.into_response())
}

fn origin_ok(req: &Request) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Not a browser (curl, an SDK): there is no ambient cookie authority to abuse.
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}
