//! Switchboard: a multi-tenant registry and connection broker for MCP servers.
//!
//! `domain` and `app` compile for both the server and the browser; `api`
//! holds the server functions (their bodies run only on the server);
//! `server` is server-only.

// The admin pages' views are deeply nested types; the hydrate build's
// layout queries need more than the default 128 levels.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Only the islands hydrate (see `app`); the last of them marks the page
    // as hydrated (`app::components::hydration_mark`).
    leptos::mount::hydrate_islands();
}
