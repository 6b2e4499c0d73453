//! The UI: shell, routes and layout. Pages talk to the server only through
//! the server functions in `crate::api`.

pub mod components;
pub mod list_url;
pub mod pages;
pub mod routes;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, path};

use components::toasts::{ToastRegion, provide_toasts};
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
                <Route path=path!("/login") view={Lazy::<routes::Login>::new()} />
                // The signed-in pages share one layout, rendered once, with the
                // page in its <Outlet/>. Each page is a lazy route: its code is
                // fetched when it is first shown (see `routes`).
                <ParentRoute path=path!("") view=SignedInLayout>
                    <Route path=path!("/") view={Lazy::<routes::Overview>::new()} />
                    <Route path=path!("/mcp-servers") view={Lazy::<routes::Servers>::new()} />
                    <Route path=path!("/agents") view={Lazy::<routes::Agents>::new()} />
                    <Route path=path!("/agent-templates") view={Lazy::<routes::Templates>::new()} />
                    <Route path=path!("/integrations") view={Lazy::<routes::Integrations>::new()} />
                    <Route path=path!("/audit") view={Lazy::<routes::Audit>::new()} />
                    <Route path=path!("/settings/api-tokens") view={Lazy::<routes::Tokens>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
        <ToastRegion />
    }
}
