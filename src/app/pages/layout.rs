//! The signed-in frame: header with tenant, user and sign-out.

use leptos::prelude::*;

use crate::api::auth::{SignOut, me};
use crate::domain::SessionInfo;

/// Who is signed in, loaded once per page and shared with its children.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Option<SessionInfo>>);

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.0
            .get()
            .flatten()
            .is_some_and(|u| u.role == crate::domain::Role::Admin)
    }
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
                <a href="/mcp-servers" aria-current="page">"MCP Servers"</a>
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
