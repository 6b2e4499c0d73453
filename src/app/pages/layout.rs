//! The signed-in frame: header with tenant, user and sign-out, around the
//! page the route below it picked. It is the view of the parent route, so it
//! renders once and stays put while client-side navigation swaps the page.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

use crate::api::auth::{SignOut, me};
use crate::domain::SessionInfo;

/// Who is signed in, loaded once by the layout and shared with every page.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Option<SessionInfo>>);

/// Renders its children only for tenant admins. Reads the user inside a
/// `Transition`, so server and browser render the same markup.
#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let children = StoredValue::new(children);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let admin = user.0.await.is_some_and(|u| u.role == crate::domain::Role::Admin);
                admin.then(|| children.read_value()())
            })}
        </Transition>
    }
}

/// The main navigation. `<A>` navigates on the client and marks the link of
/// the current page with `aria-current="page"`.
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
    provide_context(CurrentUser(user));
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if sign_out.value().get().is_some() {
            let _ = window().location().set_href("/login");
        }
    });
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            // A plain link: the router still navigates it on the client, and
            // it does not claim `aria-current` next to the nav's own link.
            <a class="brand" href="/">"Switchboard"</a>
            <MainNav />
            <div class="who">
                <Transition fallback=|| ()>
                    {move || {
                        user.get()
                            .flatten()
                            .map(|u| {
                                view! {
                                    <span class="tenant" title="Tenant">{u.tenant_name.clone()}</span>
                                    <span class="user">{u.email.clone()}</span>
                                }
                            })
                    }}
                </Transition>
                <button
                    class="button ghost"
                    on:click=move |_| {
                        sign_out.dispatch(SignOut {});
                    }
                    disabled=move || sign_out.pending().get()
                >
                    "Sign out"
                </button>
            </div>
        </header>
        <main id="main" tabindex="-1">
            <Outlet />
        </main>
    }
}
