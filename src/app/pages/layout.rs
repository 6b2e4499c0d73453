//! The signed-in frame: header with tenant, user and sign-out, around the
//! page the route below it picked. It renders on the server; only the
//! sign-out button is an island.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use serde::{Deserialize, Serialize};

use crate::api::auth::{SignOut, me};
use crate::app::components::form::live_action;
use crate::app::components::live_list::LiveForms;
use crate::domain::{Role, SessionInfo};

/// Who is signed in. The layout loads it once on the server and provides
/// it to the page; a page hands it to its islands as a prop, and each
/// island provides it again for what it renders in the browser.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser(pub Option<SessionInfo>);

impl CurrentUser {
    /// The signed-in user as the layout (server) or the island (browser)
    /// provided it; no one if neither did.
    pub fn get() -> Self {
        use_context::<Self>().unwrap_or_default()
    }

    pub fn is_admin(&self) -> bool {
        self.0.as_ref().is_some_and(|u| u.role == Role::Admin)
    }

    pub fn tenant_slug(&self) -> Option<String> {
        self.0.as_ref().map(|u| u.tenant_slug.clone())
    }
}

/// Renders its children only for tenant admins.
#[component]
pub fn AdminOnly(children: Children) -> impl IntoView {
    CurrentUser::get().is_admin().then(children)
}

/// The main navigation. `<A>` marks the link of the current page with
/// `aria-current="page"` as the server renders it.
#[component]
fn MainNav() -> impl IntoView {
    view! {
        <nav aria-label="Main">
            <ul class="nav-links">
                <li><A href="/" exact=true>"Overview"</A></li>
                <li><A href="/mcp-servers">"MCP Servers"</A></li>
                <li><A href="/agents">"Agents"</A></li>
                <li><A href="/agent-templates">"Agent Templates"</A></li>
                <li><A href="/integrations">"Integrations"</A></li>
                <AdminOnly>
                    <li><A href="/audit">"Audit"</A></li>
                </AdminOnly>
                <li><A href="/settings/api-tokens">"API tokens"</A></li>
            </ul>
        </nav>
    }
}

#[component]
pub fn SignedInLayout() -> impl IntoView {
    let user = Resource::new(|| (), |_| async { me().await.ok().flatten() });
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let user = user.await;
                provide_context(CurrentUser(user.clone()));
                view! {
                    <a class="skip-link" href="#main">"Skip to content"</a>
                    <header class="topbar">
                        // Not an `<A>`: it does not claim `aria-current` next to
                        // the nav's own link.
                        <a class="brand" href="/">"Switchboard"</a>
                        <MainNav />
                        <div class="who">
                            {user.map(|u| view! {
                                <span class="tenant" title="Tenant">{u.tenant_name}</span>
                                <span class="user">{u.email}</span>
                            })}
                            <SignOutButton />
                        </div>
                    </header>
                    <main id="main" tabindex="-1">
                        <Outlet />
                    </main>
                }
            })}
        </Suspense>
    }
}

/// Sign out, as a live form (see `live_form`): without script it is a
/// plain form post, and Leptos sends the browser back, now to sign in.
#[component]
fn SignOutButton() -> impl IntoView {
    view! {
        <LiveForms>
            <form method="post" action={live_action::<SignOut>()}
                data-live-form={live_action::<SignOut>()} data-encoding="url" data-then="/login">
                <button class="button ghost" type="submit">"Sign out"</button>
            </form>
        </LiveForms>
    }
}
