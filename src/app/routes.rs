//! The pages as lazy routes. Built with `cargo leptos --split` (as `./dev`
//! does), each page's view lands in its own WASM chunk, fetched the first time
//! the page is shown: the sign-in page does not download the servers page, and
//! the servers page does not download the audit log. The shell, the router and
//! the signed-in layout stay in the main module.
//!
//! None of them has route data: each page starts its own resources, which
//! the server resolves while it renders the page, so a first visit still
//! arrives with its data; only a client-side move to a page not seen yet
//! waits for its chunk before it asks for the data.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use super::pages::agents::AgentsPage;
use super::pages::audit::AuditPage;
use super::pages::integrations::IntegrationsPage;
use super::pages::login::LoginPage;
use super::pages::overview::OverviewPage;
use super::pages::servers::ServersPage;
use super::pages::templates::TemplatesPage;
use super::pages::templates::detail::TemplatePage;
use super::pages::tokens::TokensPage;

/// `/login`.
pub struct Login;

#[lazy_route]
impl LazyRoute for Login {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <LoginPage /> }.into_any()
    }
}

/// `/`: the landing page after sign-in.
pub struct Overview;

#[lazy_route]
impl LazyRoute for Overview {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <OverviewPage /> }.into_any()
    }
}

/// `/mcp-servers`.
pub struct Servers;

#[lazy_route]
impl LazyRoute for Servers {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <ServersPage /> }.into_any()
    }
}

/// `/audit`.
pub struct Audit;

#[lazy_route]
impl LazyRoute for Audit {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <AuditPage /> }.into_any()
    }
}

/// `/settings/api-tokens`.
pub struct Tokens;

#[lazy_route]
impl LazyRoute for Tokens {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <TokensPage /> }.into_any()
    }
}

/// `/integrations`: a member's own OAuth accounts.
pub struct Integrations;

#[lazy_route]
impl LazyRoute for Integrations {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <IntegrationsPage /> }.into_any()
    }
}

/// `/agents`.
pub struct Agents;

#[lazy_route]
impl LazyRoute for Agents {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <AgentsPage /> }.into_any()
    }
}

/// `/agent-templates`, and one template at `/agent-templates?id=…`: one
/// lazy route, so both pages share one chunk (code two chunks share lands
/// in the main module, which every page downloads), and no path parameter
/// (the first would add the router's parameter matching to that module).
pub struct Templates;

#[lazy_route]
impl LazyRoute for Templates {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let query = leptos_router::hooks::use_query_map();
        let has_id = move || query.read().get("id").is_some();
        view! {
            <Show when=has_id fallback=|| view! { <TemplatesPage /> }>
                <TemplatePage />
            </Show>
        }
        .into_any()
    }
}
