//! The UI: shell, routes and layout. Pages talk to the server only through
//! the server functions in `crate::api`.

pub mod components;
pub mod list_url;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use components::toasts::{ToastRegion, provide_toasts};
use pages::audit::AuditPage;
use pages::layout::SignedInLayout;
use pages::login::LoginPage;
use pages::not_found::NotFound;
use pages::servers::ServersPage;
use pages::tokens::TokensPage;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_toasts();
    view! {
        <Stylesheet id="leptos" href="/pkg/switchboard.css" />
        <Title formatter=|page: String| if page.is_empty() { "Switchboard".to_owned() } else { format!("{page} · Switchboard") } />
        <Router>
            <Routes fallback=NotFound>
                // Sign-in has no signed-in frame.
                <Route path=path!("/login") view=LoginPage />
                // The signed-in pages share one layout, rendered once, with the
                // page in its <Outlet/>. Each page is its own child route, so
                // one can become a lazy route later without touching the rest.
                <ParentRoute path=path!("") view=SignedInLayout>
                    <Route path=path!("/mcp-servers") view=ServersPage />
                    <Route path=path!("/audit") view=AuditPage />
                    <Route path=path!("/settings/api-tokens") view=TokensPage />
                </ParentRoute>
            </Routes>
        </Router>
        <ToastRegion />
    }
}
