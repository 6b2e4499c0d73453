//! The browser-facing headers every response carries, and the script
//! policy's per-response nonce, shared with the page renderer.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

use crate::server::state::AppState;

/// What [`security_headers`] sends, settled once at start-up.
pub(super) struct SecurityHeaders {
    https: bool,
    /// Sources `connect-src` allows beyond our own origin: cargo-leptos'
    /// live-reload WebSocket, on its own port, when it is watching.
    connect_extra: String,
}

impl SecurityHeaders {
    pub(super) fn new(state: &AppState) -> Self {
        let options = &state.leptos_options;
        let connect_extra = if std::env::var_os("LEPTOS_WATCH").is_some() {
            let port = options.reload_external_port.unwrap_or(options.reload_port);
            format!(" ws://localhost:{port} ws://127.0.0.1:{port}")
        } else {
            String::new()
        };
        Self {
            https: state.config.secure_cookies,
            connect_extra,
        }
    }

    /// Scripts come from our own origin (the site's modules, their
    /// preloads and lazy chunks) or carry this response's nonce (Leptos'
    /// inline hydration script); WebAssembly may compile
    /// (`'wasm-unsafe-eval'`, not `eval`); everything else is our origin's.
    /// An injected inline `<script>` or handler, or a foreign script or
    /// stylesheet, does not run. (`'strict-dynamic'` would drop `'self'`,
    /// and Leptos' preload links carry no nonce.)
    fn policy(&self, nonce: &leptos::nonce::Nonce) -> String {
        format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'{}; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            self.connect_extra
        )
    }
}

/// Headers every response carries: a script policy with a fresh nonce, no
/// framing (clickjacking), no MIME sniffing, no full URLs (which may hold a
/// list's filter) in the Referer sent elsewhere, and HSTS when the site is
/// served over HTTPS. The nonce travels to the page renderer in the
/// request's extensions ([`page_nonce`]); a response that set its own CSP
/// (a server image's) keeps it.
pub(super) async fn security_headers(
    State(policy): State<Arc<SecurityHeaders>>,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = leptos::nonce::Nonce::new();
    let csp = header::HeaderValue::from_str(&policy.policy(&nonce));
    req.extensions_mut().insert(nonce);
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    if let Ok(csp) = csp {
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(csp);
    }
    let mut set = |name: header::HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(header::HeaderValue::from_static(value));
    };
    // A policy that could not be written still forbids framing.
    set(header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    if policy.https {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    response
}

/// Page context: the nonce [`security_headers`] put in the CSP, in place of
/// the random one leptos_axum provides, so the page's scripts carry the
/// value the header allows.
pub(super) fn page_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<leptos::nonce::Nonce>().cloned())
    {
        provide_context(nonce);
    }
}
