//! The Axum router: pages and server functions (Leptos), health checks, and
//! the middleware that guards them.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Extensions, HeaderMap, Method, StatusCode, Version, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::sync::Arc;
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::app::{App, shell};
use crate::domain::redirect::{DEFAULT_NEXT, is_safe_next};
use crate::server::auth::session::{SessionCookie, session_cookie};
use crate::server::security_headers::{SecurityHeaders, page_nonce, security_headers};
use crate::server::services::accounts;
use crate::server::state::AppState;

/// Pages that need a session; anything else is public. A test checks that
/// every page the app routes but `/login` is here.
pub(crate) const PROTECTED_PAGES: [&str; 7] = [
    "/",
    "/mcp-servers",
    "/agents",
    "/agent-templates",
    "/integrations",
    "/audit",
    "/settings/api-tokens",
];

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let (rest, _openapi) = crate::server::rest::routes();
    let in_flight = Arc::new(Semaphore::new(state.config.max_in_flight));
    // Installs the recorder if nothing has yet (the server's start does).
    let _ = crate::server::metrics::handle();
    let request_timeout = state.config.request_timeout;
    Router::new()
        .merge(rest)
        .merge(crate::server::gateway::routes(&state))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(crate::server::metrics::scrape))
        .route("/media/server-images/{name}", get(server_image))
        .leptos_routes_with_context(&state, routes, page_nonce, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(page_nonce, shell))
        .layer(middleware::from_fn_with_state(state.clone(), page_guard))
        // Inside the router's layers, where the matched route template is known.
        .layer(middleware::from_fn(crate::server::metrics::track))
        .layer(middleware::from_fn(same_origin))
        .layer(middleware::from_fn_with_state(
            Arc::new(json_server_fns()),
            json_only,
        ))
        .layer(middleware::from_fn_with_state(
            state.config.allowed_hosts().map(Arc::new),
            known_host,
        ))
        .layer(middleware::from_fn_with_state(
            Arc::new(SecurityHeaders::new(&state)),
            security_headers,
        ))
        .layer(compress_code())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            shed_load(in_flight.clone(), req, next)
        }))
        // Outermost: every answer, a shed or timed-out one included, has a
        // request id in its span and in its `X-Request-Id` header.
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(TraceLayer::new_for_http().make_span_with(request_span)),
        )
        .with_state(state)
}

/// One span per request: method, path (not the query: a list's filter is
/// what a user typed) and the request id, which the client can quote.
fn request_span(req: &axum::http::Request<Body>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
}

/// The site's WASM, JS and CSS go out compressed (brotli, else gzip, as the
/// browser accepts): the main WASM module is ~650 kB raw and ~260 kB gzip.
/// Pages and API answers are left alone: they can hold what a user typed
/// beside data of theirs, which is what compression-length attacks need.
fn compress_code() -> CompressionLayer<impl Predicate> {
    let code = |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| {
                [
                    "application/wasm",
                    "text/javascript",
                    "application/javascript",
                    "text/css",
                ]
                .iter()
                .any(|code| t.starts_with(code))
            })
    };
    CompressionLayer::new().compress_when(DefaultPredicate::new().and(code))
}

/// Past `SWITCHBOARD_MAX_IN_FLIGHT` requests at once, the next is answered
/// 503 at once: a queue in front of a slow database or slow MCP servers only
/// grows memory and latency for everyone. Health checks are spared, so an
/// orchestrator does not restart a replica for being busy.
async fn shed_load(in_flight: Arc<Semaphore>, req: Request, next: Next) -> Response {
    if matches!(req.uri().path(), "/healthz" | "/readyz") {
        return next.run(req).await;
    }
    match in_flight.try_acquire_owned() {
        Ok(_permit) => next.run(req).await,
        Err(_) => {
            tracing::warn!(path = %req.uri().path(), "too many requests in flight: answered 503");
            metrics::counter!("switchboard_http_shed_total").increment(1);
            Response::builder()
                .status(StatusCode::SERVICE_UNAVAILABLE)
                .header(header::RETRY_AFTER, "1")
                .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(Body::from("the server is busy: retry in a second"))
                .unwrap_or_else(|_| StatusCode::SERVICE_UNAVAILABLE.into_response())
        }
    }
}

async fn healthz() -> &'static str {
    "ok"
}

/// A server's image, by the name that is its bytes' digest: public (the name
/// is the capability), cacheable for ever, and never run as anything but an
/// image (`nosniff`, and a CSP that allows nothing).
async fn server_image(
    State(state): State<AppState>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    match crate::server::services::images::public(&state.ports, &name).await {
        Ok(Some(image)) => (
            [
                (header::CONTENT_TYPE, image.content_type),
                (
                    header::CACHE_CONTROL,
                    "public, max-age=31536000, immutable".to_owned(),
                ),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; sandbox".to_owned(),
                ),
            ],
            image.bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "could not read a server image");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
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
/// visitors of `/login` go to the overview. Done before Leptos
/// renders anything, so the redirect is a real 302 and no page leaks.
async fn page_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    let is_login = path == "/login";
    if !is_login && !PROTECTED_PAGES.contains(&path.as_str()) {
        return next.run(req).await;
    }
    let signed_in = match session_cookie(req.headers(), state.config.secure_cookies) {
        SessionCookie::One(token) => accounts::actor_for_session(&state.ports, &token)
            .await
            .is_ok(),
        SessionCookie::Absent | SessionCookie::Several => false,
    };
    match (signed_in, is_login) {
        (true, true) => Redirect::to(DEFAULT_NEXT).into_response(),
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

/// DNS rebinding: a page on a name its owner re-points at this server (say,
/// at 127.0.0.1 on a laptop running Switchboard) reaches it from the
/// browser as its own origin. Such a request names that foreign host in
/// `Host`, so a host we do not answer to gets 421. Health checks are spared:
/// orchestrators call them by address.
async fn known_host(
    State(allowed): State<Option<Arc<Vec<String>>>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(allowed) = allowed else {
        return next.run(req).await;
    };
    if matches!(req.uri().path(), "/healthz" | "/readyz") {
        return next.run(req).await;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(host_name)
        .unwrap_or_default();
    if allowed.contains(&host) {
        return next.run(req).await;
    }
    tracing::warn!(host = %host, path = %req.uri().path(), "request for an unknown host refused");
    (
        StatusCode::MISDIRECTED_REQUEST,
        "this server does not answer to that host name (see SWITCHBOARD_ALLOWED_HOSTS)",
    )
        .into_response()
}

/// `Host` without its port, lower-case; an IPv6 literal keeps its brackets.
fn host_name(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    if host.starts_with('[') {
        return host
            .split_once(']')
            .map_or(host.clone(), |(h, _)| format!("{h}]"));
    }
    host.split_once(':')
        .map_or(host.clone(), |(h, _)| h.to_owned())
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

/// The server functions that take JSON: all but sign-in and sign-out,
/// whose forms work without JavaScript (and are guarded by `same_origin`).
fn json_server_fns() -> std::collections::HashSet<String> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|path| !path.starts_with("/api/auth/"))
        .collect()
}

/// A server function called with anything but `Content-Type:
/// application/json` is refused (415) before it runs: a cross-site HTML form
/// can only send form or text bodies, so this closes the door CORS leaves
/// open for "simple" requests, even where `Origin` is missing.
async fn json_only(
    State(paths): State<Arc<std::collections::HashSet<String>>>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::POST || !paths.contains(req.uri().path()) {
        return next.run(req).await;
    }
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if json {
        return unreadable_arguments_as_400(next.run(req).await).await;
    }
    tracing::warn!(path = %req.uri().path(), "server function called without a JSON body: refused");
    Response::builder()
        .status(StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(
            "server functions take Content-Type: application/json",
        ))
        .unwrap_or_else(|_| StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response())
}

/// Leptos answers 500 to an error raised before a server function's body
/// runs, such as arguments that do not decode; our errors set their own
/// status as they are made (`api::fail`). Such a decode error arrives as
/// `AppError::Invalid` (see its `FromServerFnError`), and is answered as
/// the 400 it is. Only a server function's error answers are read here,
/// and those are small.
async fn unreadable_arguments_as_400(res: Response) -> Response {
    use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if matches!(
        serde_json::from_slice::<crate::domain::AppError>(&bytes),
        Ok(crate::domain::AppError::Invalid(_))
    ) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
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
