//! The server dialog's Connections tab: which credential each scope uses
//! for this server (list, add, edit, deactivate, delete), and "Test as…"
//! to try exactly the one an agent would get.

use leptos::prelude::*;

use crate::api::agents::list_agents;
use crate::api::connections::{DeleteConnection, UpdateConnection, list_connections};
use crate::app::components::dialog::focus_id;
use crate::app::components::form::aria_bool;
use crate::app::components::toasts::use_toasts;
use crate::app::pages::layout::CurrentUser;
use crate::domain::{AgentView, ConnectionPatch, ConnectionView, Role, Scope, ServerId};

use super::connection_form::ConnectionForm;
use super::test_as::TestAsPanel;

/// The Connections tab's own button (see `detail_dialog::Tab`).
const CONNECTIONS_TAB: &str = "server-tab-connections";

#[derive(Clone, Debug, PartialEq)]
enum Editing {
    New,
    // Boxed: a view is large and the other variant holds nothing.
    Existing(Box<ConnectionView>),
}

/// Whose the connection is, as the list reads.
fn whose(c: &ConnectionView, agents: &[AgentView]) -> String {
    match c.scope {
        Scope::Tenant => "Tenant".to_owned(),
        Scope::Agent => {
            let name = c
                .agent
                .as_ref()
                .and_then(|uid| agents.iter().find(|a| &a.unique_id == uid))
                .map_or("an agent", |a| a.name.as_str());
            format!("Agent: {name}")
        }
        Scope::User => format!("User: {}", c.user.as_deref().unwrap_or("?")),
    }
}

#[component]
pub(super) fn ConnectionsTab(server: ServerId) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let connections = Resource::new(move || version.get(), move |_| list_connections(server));
    let agents = Resource::new(|| (), |_| list_agents());
    let role = CurrentUser::get().0.map_or(Role::Member, |u| u.role);
    let editing = RwSignal::new(None::<Editing>);
    // The form and the rows are re-rendered after each change: focus goes
    // back to the tab, which stays, so it never leaves the dialog.
    let refresh = Callback::new(move |_: ()| {
        version.update(|v| *v += 1);
        focus_id(CONNECTIONS_TAB);
    });
    let done = Callback::new(move |_: ()| {
        editing.set(None);
        refresh.run(());
    });
    let cancel = Callback::new(move |_: ()| {
        editing.set(None);
        focus_id(CONNECTIONS_TAB);
    });

    view! {
        <div class="connections">
            <p class="help">
                "A connection binds a credential to one scope of this server. When an agent calls it, "
                "the user's own connection wins, then the agent's, then the tenant's (the server's own key counts as the tenant's)."
            </p>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading connections…"</p> }>
                {move || Suspend::new(async move {
                    let agents = agents.await.unwrap_or_default();
                    match connections.await {
                        Err(e) => view! {
                            <div class="alert error" role="alert">
                                <p>"Could not load the connections: " {e.to_string()}</p>
                                <button class="button" type="button" on:click=move |_| refresh.run(())>"Retry"</button>
                            </div>
                        }
                        .into_any(),
                        Ok(list) => {
                            let shown = list.items.len();
                            let total = list.total;
                            let form_agents = StoredValue::new(agents.clone());
                            let rows = list
                                .items
                                .into_iter()
                                .map(|c| {
                                    let label = whose(&c, &agents);
                                    view! { <ConnectionRow connection=c label on_changed=refresh on_edit=move |c| editing.set(Some(Editing::Existing(Box::new(c)))) /> }
                                        .into_any()
                                })
                                .collect_view();
                            view! {
                                <div class="section-head">
                                    <p class="muted" role="status">
                                        {match (shown, total) {
                                            (0, _) => "No connections yet.".to_owned(),
                                            (n, t) if (n as u64) < t => format!("Showing {n} of {t} connections."),
                                            (n, _) => format!("{n} connection{}.", if n == 1 { "" } else { "s" }),
                                        }}
                                    </p>
                                    <button class="button" type="button"
                                        disabled=move || editing.get().is_some()
                                        on:click=move |_| editing.set(Some(Editing::New))>
                                        "Add connection"
                                    </button>
                                </div>
                                {move || editing.get().map(|e| {
                                    let existing = match e {
                                        Editing::New => None,
                                        Editing::Existing(c) => Some(*c),
                                    };
                                    view! {
                                        <ConnectionForm server existing agents=form_agents.get_value()
                                            role on_done=done on_cancel=cancel />
                                    }
                                    .into_any()
                                })}
                                {(shown > 0).then(move || view! {
                                    <div class="table-wrap" role="region" aria-label="Connections to this server" tabindex="0">
                                        <table class="data-table connections">
                                            <caption class="visually-hidden">"Connections to this server"</caption>
                                            <thead>
                                                <tr>
                                                    <th scope="col">"Scope"</th>
                                                    <th scope="col">"Authentication"</th>
                                                    <th scope="col">"Credential"</th>
                                                    <th scope="col">"Active"</th>
                                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                                </tr>
                                            </thead>
                                            <tbody>{rows}</tbody>
                                        </table>
                                    </div>
                                }
                                .into_any())}
                                {(role == Role::Admin).then(|| view! { <TestAsPanel server agents=agents.clone() /> }.into_any())}
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn ConnectionRow(
    connection: ConnectionView,
    label: String,
    #[prop(into)] on_changed: Callback<()>,
    #[prop(into)] on_edit: Callback<ConnectionView>,
) -> impl IntoView {
    let toasts = use_toasts();
    let update = ServerAction::<UpdateConnection>::new();
    let delete = ServerAction::<DeleteConnection>::new();
    let confirming = RwSignal::new(false);
    let id = connection.id;
    let active = connection.active;
    let label = StoredValue::new(label);
    Effect::new(move |_| match update.value().get() {
        Some(Ok(c)) => {
            let state = if c.active { "active" } else { "inactive" };
            toasts.success(format!("{} connection is now {state}.", label.get_value()));
            on_changed.run(());
        }
        Some(Err(e)) => toasts.error(format!("Could not change the connection: {e}")),
        None => {}
    });
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.success(format!("Deleted the {} connection.", label.get_value()));
            on_changed.run(());
        }
        Some(Err(e)) => toasts.error(format!("Could not delete the connection: {e}")),
        None => {}
    });
    let editable = StoredValue::new(connection.clone());
    view! {
        <tr data-connection=id.to_string()>
            <td>{label.get_value()}</td>
            <td>{connection.auth_type.label()}</td>
            <td>
                {match (connection.connected_service.is_some(), connection.has_credential) {
                    (true, _) => "A connected account's token",
                    (false, true) => "Stored in the vault",
                    (false, false) => "None",
                }}
                {(!connection.authorization_scheme.is_empty())
                    .then(|| format!(" ({})", connection.authorization_scheme))}
            </td>
            <td>
                <label class="switch">
                    <button type="button" role="switch" aria-checked=aria_bool(active)
                        aria-label=move || format!("Active: {}", label.get_value())
                        disabled=move || update.pending().get()
                        on:click=move |_| {
                            update.dispatch(UpdateConnection {
                                id,
                                patch: ConnectionPatch { active: Some(!active), ..ConnectionPatch::default() },
                            });
                        }>
                        <span class="track" aria-hidden="true"></span>
                    </button>
                </label>
            </td>
            <td class="actions">
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button class="button" type="button"
                            aria-label=move || format!("Edit {}", label.get_value())
                            on:click=move |_| on_edit.run(editable.get_value())>"Edit"</button>
                        <button class="button danger-outline" type="button"
                            aria-label=move || format!("Delete {}", label.get_value())
                            on:click=move |_| confirming.set(true)>"Delete"</button>
                    }
                >
                    <span role="alert" class="confirm">"Its credential is deleted too. "</span>
                    <button class="button danger" type="button" disabled=move || delete.pending().get()
                        on:click=move |_| { delete.dispatch(DeleteConnection { id }); }>
                        {move || if delete.pending().get() { "Deleting…" } else { "Delete now" }}
                    </button>
                    <button class="button ghost" type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                </Show>
            </td>
        </tr>
    }
}
