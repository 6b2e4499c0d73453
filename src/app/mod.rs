//! The UI: shell, routes and layout. Pages talk to the server only through
//! the server functions in `crate::api`.
//!
//! Leptos islands: the router, the layout and every page render on the
//! server only, and ship no code. Only islands (`#[island]`) are compiled
//! into the browser's WASM, lazy ones (`#[island(lazy)]`) as chunks fetched
//! by the pages that show them. Most pages have one, `LivePage`, the same
//! for all: their lists reload in place and their forms (create, rename,
//! delete, revoke, assign) are server-rendered markup it sends in place
//! (`components::live_form`). What needs code of its own is its own island:
//! the servers list's dialogs, an OAuth connection's popup, a template's
//! sync plan and allow-lists. Links between pages are plain links.

pub mod components;
pub mod list_url;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use components::hydration_mark::HydrationMark;
use components::toasts::ToastRegion;
use pages::layout::SignedInLayout;
use pages::not_found::NotFound;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
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
    view! {
        <Stylesheet id="leptos" href="/pkg/switchboard.css" />
        <Title formatter=|page: String| if page.is_empty() { "Switchboard".to_owned() } else { format!("{page} · Switchboard") } />
        <Router>
            <Routes fallback=NotFound>
                // Sign-in has no signed-in frame.
                <Route path=path!("/login") ssr=SsrMode::Async view=pages::login::LoginPage />
                // The signed-in pages share one layout, with the page in its
                // <Outlet/>. Every page is sent whole, its data in it
                // (`Async`): islands hydrate once the page has loaded, and
                // none of them may still be on its way in the stream.
                <ParentRoute path=path!("") ssr=SsrMode::Async view=SignedInLayout>
                    <Route path=path!("/") ssr=SsrMode::Async view=pages::overview::OverviewPage />
                    <Route path=path!("/mcp-servers") ssr=SsrMode::Async view=pages::servers::ServersPage />
                    <Route path=path!("/agents") ssr=SsrMode::Async view=pages::agents::AgentsPage />
                    <Route path=path!("/agent-templates") ssr=SsrMode::Async view=pages::templates::TemplatesRoute />
                    <Route path=path!("/integrations") ssr=SsrMode::Async view=pages::integrations::IntegrationsPage />
                    <Route path=path!("/audit") ssr=SsrMode::Async view=pages::audit::AuditPage />
                    <Route path=path!("/settings/api-tokens") ssr=SsrMode::Async view=pages::tokens::TokensPage />
                </ParentRoute>
            </Routes>
        </Router>
        <ToastRegion />
        <HydrationMark />
    }
}
