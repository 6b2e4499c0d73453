//! `/agents`: the tenant's agents (seed 000's mentors). Every member sees
//! the list and can copy an agent's id; admins create, rename and delete.

use leptos::prelude::*;
use leptos_meta::Title;

use super::layout::{AdminOnly, CurrentUser};
use crate::api::agents::{CreateAgent, DeleteAgent, RenameAgent, list_agents};
use crate::app::components::form::{FieldErrorText, aria_bool};
use crate::app::components::time::when;
use crate::app::components::toasts::use_toasts;
use crate::domain::agent::{AGENT_NAME_MAX, validate_agent_name};
use crate::domain::{AgentView, AppError, NewAgent};

#[component]
pub fn AgentsPage() -> impl IntoView {
    view! {
        <Title text="Agents" />
        <AgentsView user=CurrentUser::get() />
    }
}

/// The page's content: an island, rendered on the server first.
#[island(lazy)]
fn AgentsView(user: CurrentUser) -> impl IntoView {
    provide_context(user);
    let version = RwSignal::new(0u32);
    let agents = Resource::new(move || version.get(), |_| list_agents());
    let refresh = move || version.update(|v| *v += 1);

    view! {
        <div class="page-header">
            <h1>"Agents"</h1>
        </div>
        <p class="lede">
            "Agents are the AI runtimes that call your MCP servers. Credentials can be bound to one agent, "
            "and templates give agents their servers. Both APIs name an agent by its id."
        </p>
        <AdminOnly>
            <CreateAgentForm on_created=move |_| refresh() />
        </AdminOnly>
        <h2 class="section-title">"Your agents"</h2>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading agents…"</p> }>
            {move || Suspend::new(async move {
                match agents.await {
                    Err(e) => view! {
                        <div class="alert error" role="alert">
                            <p>"Could not load the agents: " {e.to_string()}</p>
                            <button class="button" type="button" on:click=move |_| refresh()>"Retry"</button>
                        </div>
                    }
                    .into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <div class="empty">
                            <p class="empty-title">"No agents yet"</p>
                            <p>"An admin can create one above, or with "
                                <code>"switchboard agents create"</code> "."</p>
                        </div>
                    }
                    .into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap" role="region" aria-label="The tenant's agents, by name" tabindex="0">
                            <table class="data-table agents">
                                <caption class="visually-hidden">"The tenant's agents, by name"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Slug"</th>
                                        <th scope="col">"Id"</th>
                                        <th scope="col">"Created"</th>
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|a| view! { <AgentRow agent=a on_changed=move || refresh() /> })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CreateAgentForm(#[prop(into)] on_created: Callback<AgentView>) -> impl IntoView {
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let slug = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let create = ServerAction::<CreateAgent>::new();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(agent)) => {
            name.set(String::new());
            slug.set(String::new());
            error.set(None);
            toasts.success(format!("Created “{}”.", agent.name));
            on_created.run(agent);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let field =
        move |f: &'static str| Signal::derive(move || error.get().and_then(|e| e.field_message(f)));
    let name_error = field(NewAgent::NAME);
    let slug_error = field(NewAgent::SLUG);
    let general_error = move || error.get().and_then(|e| e.general_message());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if create.pending().get_untracked() {
            return;
        }
        let given = slug.get_untracked();
        let mut agent = NewAgent {
            name: name.get_untracked(),
            slug: (!given.trim().is_empty()).then_some(given),
        };
        match agent.validate() {
            Ok(()) => {
                error.set(None);
                create.dispatch(CreateAgent { agent });
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <form class="inline-form" on:submit=on_submit novalidate aria-label="Create an agent">
            <div class="field">
                <label for="agent-name">"Agent name"</label>
                <input id="agent-name" type="text" maxlength=AGENT_NAME_MAX.to_string()
                    placeholder="e.g. Support bot" required bind:value=name
                    aria-invalid=move || aria_bool(name_error.get().is_some())
                    aria-describedby="agent-name-error" />
                <FieldErrorText id="agent-name-error" message=name_error />
            </div>
            <div class="field">
                <label for="agent-slug">"Slug " <span class="optional">"(optional)"</span></label>
                <input id="agent-slug" type="text" maxlength="63" placeholder="from the name"
                    bind:value=slug
                    aria-invalid=move || aria_bool(slug_error.get().is_some())
                    aria-describedby="agent-slug-error" />
                <FieldErrorText id="agent-slug-error" message=slug_error />
            </div>
            <button class="button primary" type="submit" disabled=move || create.pending().get()>
                {move || if create.pending().get() { "Creating…" } else { "Create agent" }}
            </button>
            {move || general_error().map(|m| view! { <p class="alert error" role="alert">{m}</p> })}
        </form>
    }
}

/// One row: the name (an input while renaming), the id with a copy button,
/// and the admin's rename and delete.
#[component]
fn AgentRow(agent: AgentView, #[prop(into)] on_changed: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let uid = StoredValue::new(agent.unique_id.clone());
    let label = RwSignal::new(agent.name.clone());
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let rename_error = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let rename = ServerAction::<RenameAgent>::new();
    let delete = ServerAction::<DeleteAgent>::new();
    let input = NodeRef::<leptos::html::Input>::new();
    let field_id = format!("rename-{}", agent.unique_id);
    let error_id = format!("{field_id}-error");

    Effect::new(move |_| match rename.value().get() {
        Some(Ok(a)) => {
            label.set(a.name.clone());
            editing.set(false);
            rename_error.set(None);
            toasts.success(format!("Renamed to “{}”.", a.name));
        }
        Some(Err(e)) => rename_error.set(Some(
            e.field_message(NewAgent::NAME)
                .unwrap_or_else(|| e.to_string()),
        )),
        None => {}
    });
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.success(format!("Deleted “{}”.", label.get_untracked()));
            on_changed.run(());
        }
        Some(Err(e)) => toasts.error(format!("Could not delete: {e}")),
        None => {}
    });
    // Focus the name field as soon as it appears.
    Effect::new(move |_| {
        if editing.get()
            && let Some(el) = input.get()
        {
            let _ = el.focus();
            el.select();
        }
    });

    let start_editing = move |_| {
        draft.set(label.get_untracked());
        rename_error.set(None);
        editing.set(true);
    };
    let save = move || {
        if rename.pending().get_untracked() {
            return;
        }
        let mut name = draft.get_untracked();
        match validate_agent_name(&mut name) {
            Ok(()) if name == label.get_untracked() => editing.set(false),
            Ok(()) => {
                rename.dispatch(RenameAgent {
                    id: uid.get_value(),
                    name,
                });
            }
            Err(e) => rename_error.set(Some(e.message)),
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            save();
        }
        "Escape" => {
            ev.prevent_default();
            editing.set(false);
        }
        _ => {}
    };
    let copy = move |_| toasts.copy(uid.get_value().to_string(), "Agent id");

    view! {
        <tr>
            <td>
                <Show when=move || editing.get() fallback=move || label.get()>
                    <label class="visually-hidden" for=field_id.clone()>"New name"</label>
                    <input id=field_id.clone() type="text" node_ref=input bind:value=draft
                        maxlength=AGENT_NAME_MAX.to_string() on:keydown=on_key
                        aria-invalid=move || aria_bool(rename_error.get().is_some())
                        aria-describedby=error_id.clone() />
                    <FieldErrorText id=error_id.clone() message=Signal::derive(move || rename_error.get()) />
                </Show>
            </td>
            <td class="mono">{agent.slug.clone()}</td>
            <td class="nowrap">
                <code class="uid">{agent.unique_id.to_string()}</code>
                <button class="button ghost small" type="button" on:click=copy
                    aria-label=move || format!("Copy the id of {}", label.get())>"Copy"</button>
            </td>
            <td class="nowrap">{when(agent.created_at)}</td>
            <td class="actions">
                <AdminOnly>
                    <Show when=move || editing.get() fallback=move || view! {
                        <Show when=move || confirming.get() fallback=move || view! {
                            <button class="button" type="button" on:click=start_editing
                                aria-label=move || format!("Rename {}", label.get())>"Rename"</button>
                            <button class="button danger-outline" type="button"
                                aria-label=move || format!("Delete {}", label.get())
                                on:click=move |_| confirming.set(true)>"Delete"</button>
                        }>
                            <span role="alert" class="confirm">
                                "Its connections go too; runtimes using its id stop resolving. "
                            </span>
                            <button class="button danger" type="button" disabled=move || delete.pending().get()
                                on:click=move |_| { delete.dispatch(DeleteAgent { id: uid.get_value() }); }>
                                {move || if delete.pending().get() { "Deleting…" } else { "Delete now" }}
                            </button>
                            <button class="button ghost" type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </Show>
                    }>
                        <button class="button primary" type="button" disabled=move || rename.pending().get()
                            on:click=move |_| save()>
                            {move || if rename.pending().get() { "Saving…" } else { "Save" }}
                        </button>
                        <button class="button ghost" type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                    </Show>
                </AdminOnly>
            </td>
        </tr>
    }
}
