//! The signed-in frame: header with tenant, user and sign-out.

use leptos::prelude::*;

use crate::api::auth::{SignOut, me};
use crate::domain::SessionInfo;

/// Who is signed in, loaded once per page and shared with its children.
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

/// A nav link that marks itself as the current page.
#[component]
fn NavLink(href: &'static str, label: &'static str) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let current = move || (location.pathname.get() == href).then_some("page");
    view! { <a href=href aria-current=current>{label}</a> }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
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
            <a class="brand" href="/mcp-servers">"Switchboard"</a>
            <nav aria-label="Main">
                <NavLink href="/mcp-servers" label="MCP Servers" />
                <AdminOnly>
                    <NavLink href="/audit" label="Audit" />
                </AdminOnly>
                <NavLink href="/settings/api-tokens" label="API tokens" />
            </nav>
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
            {children()}
        </main>
    }
}
