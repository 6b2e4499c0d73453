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
    // The pages are lazy routes (see `app::routes`): hydration waits until
    // the current page's WASM chunk has arrived, so it runs as a task.
    // (`hydrate_from_async` sets up Leptos' executor itself.)
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        // Reached only if hydration did not panic: tests wait for this
        // marker before they interact with the page.
        if let Some(root) = leptos::prelude::document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}
