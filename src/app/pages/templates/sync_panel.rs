//! The template's agents: make one from the template, and sync the
//! template to all of them, after a plan that says what each will gain,
//! lose or change, and which were edited by hand since their last sync.

use leptos::prelude::*;

use super::detail::Refocus;
use crate::api::templates::{CreateAgentFromTemplate, SyncPlan, SyncTemplate};
use crate::app::components::form::{FieldErrorText, aria_bool};
use crate::app::components::time::when;
use crate::app::components::toasts::use_toasts;
use crate::app::pages::layout::AdminOnly;
use crate::domain::agent::AGENT_NAME_MAX;
use crate::domain::template::TemplateAgent;
use crate::domain::{AppError, NewAgent, TemplateId};

#[component]
pub fn SyncPanel(
    id: TemplateId,
    agents: Vec<TemplateAgent>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let count = agents.len();
    view! {
        {if agents.is_empty() {
            view! {
                <div class="empty">
                    <p class="empty-title">"No agents from this template yet"</p>
                    <p>"Create one below: it starts with the template's servers."</p>
                </div>
            }
            .into_any()
        } else {
            view! {
                <ul class="plain-list template-agents">
                    {agents
                        .into_iter()
                        .map(|a| view! {
                            <li>
                                <strong>{a.name}</strong>
                                " · " <code class="uid">{a.id.to_string()}</code>
                                {a.synced_at.map(|t| view! { <span class="muted">" · synced " {when(t)}</span> })}
                            </li>
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
        <AdminOnly>
            <NewAgentForm id on_changed />
            {(count > 0).then(|| view! { <SyncButton id count on_changed /> })}
        </AdminOnly>
    }
}

#[component]
fn NewAgentForm(id: TemplateId, on_changed: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let create = ServerAction::<CreateAgentFromTemplate>::new();
    let refocus = expect_context::<Refocus>();
    Effect::new(move |_| refocus.claim("template-agent-name"));
    Effect::new(move |_| match create.value().get() {
        Some(Ok(agent)) => {
            name.set(String::new());
            error.set(None);
            toasts.success(format!("Created “{}” from the template.", agent.name));
            // Ready for the next name after the reload.
            refocus.0.set(Some("template-agent-name".to_owned()));
            on_changed.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let name_error = Signal::derive(move || {
        error.get().and_then(|e| {
            e.field_message(NewAgent::NAME)
                .or_else(|| e.field_message(NewAgent::SLUG))
        })
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if create.pending().get_untracked() {
            return;
        }
        let mut agent = NewAgent {
            name: name.get_untracked(),
            slug: None,
        };
        match agent.validate() {
            Ok(()) => {
                error.set(None);
                create.dispatch(CreateAgentFromTemplate { id, agent });
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <form class="inline-form" on:submit=on_submit novalidate aria-label="Create an agent from this template">
            <div class="field">
                <label for="template-agent-name">"New agent"</label>
                <input id="template-agent-name" type="text" maxlength=AGENT_NAME_MAX.to_string()
                    placeholder="e.g. Support bot" bind:value=name
                    aria-invalid=move || aria_bool(name_error.get().is_some())
                    aria-describedby="template-agent-name-error" />
                <FieldErrorText id="template-agent-name-error" message=name_error />
            </div>
            <button class="button" type="submit" disabled=move || create.pending().get()>
                {move || if create.pending().get() { "Creating…" } else { "Create agent" }}
            </button>
            {move || error.get().and_then(|e| e.general_message())
                .map(|m| view! { <p class="alert error" role="alert">{m}</p> })}
        </form>
    }
}

/// "Sync to agents" shows the plan first; "Sync now" applies it.
#[component]
fn SyncButton(id: TemplateId, count: usize, on_changed: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let plan = ServerAction::<SyncPlan>::new();
    let sync = ServerAction::<SyncTemplate>::new();
    let showing = RwSignal::new(false);
    let refocus = expect_context::<Refocus>();
    Effect::new(move |_| refocus.claim("sync-button"));
    Effect::new(move |_| match sync.value().get() {
        Some(Ok(summary)) => {
            showing.set(false);
            let synced = summary.agents_synced;
            let word = if synced == 1 { "agent" } else { "agents" };
            // A toast: the page reloads below, and a failure must outlive it.
            if summary.agents_failed == 0 {
                toasts.success(format!("Synced {synced} {word}."));
            } else {
                toasts.error(format!(
                    "Synced {synced} {word}; {} could not be synced and are as they were: {}",
                    summary.agents_failed,
                    summary.errors.join("; ")
                ));
            }
            refocus.0.set(Some("sync-button".to_owned()));
            on_changed.run(());
        }
        Some(Err(e)) => toasts.error(format!("Could not sync: {e}")),
        None => {}
    });
    let agents = if count == 1 { "agent" } else { "agents" };
    view! {
        <div class="sync">
            <button id="sync-button" class="button primary" type="button" disabled=move || plan.pending().get()
                aria-expanded=move || aria_bool(showing.get()) aria-controls="sync-plan"
                on:click=move |_| {
                    showing.set(true);
                    plan.dispatch(SyncPlan { id });
                }>
                {move || if plan.pending().get() { "Planning…".to_owned() } else { format!("Sync to {count} {agents}") }}
            </button>
            <Show when=move || showing.get()>
                <section id="sync-plan" class="box sync-plan" aria-label="Sync plan" aria-live="polite">
                    {move || match plan.value().get() {
                        None => view! { <p class="loading" role="status">"Working out the plan…"</p> }.into_any(),
                        Some(Err(e)) => view! { <p class="alert error" role="alert">"Could not plan: " {e.to_string()}</p> }.into_any(),
                        Some(Ok(lines)) => view! {
                            <ul class="plain-list">
                                {lines.into_iter().map(|l| {
                                    let detail = [("added", &l.added), ("removed", &l.removed), ("changed", &l.changed)]
                                        .into_iter()
                                        .filter(|(_, names)| !names.is_empty())
                                        .map(|(what, names)| format!("{what}: {}", names.join(", ")))
                                        .collect::<Vec<_>>()
                                        .join("; ");
                                    view! {
                                        <li class="plan-line">
                                            <strong>{l.name.clone()}</strong> ": " {l.summary()}
                                            {l.drifted.then(|| view! {
                                                <span class="badge warn" title="Its servers were changed by hand since its last sync; the sync replaces that.">
                                                    "edited by hand"
                                                </span>
                                            })}
                                            {(!detail.is_empty()).then(|| view! { <span class="muted">" (" {detail} ")"</span> })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <button class="button primary" type="button" disabled=move || sync.pending().get()
                                on:click=move |_| { sync.dispatch(SyncTemplate { id }); }>
                                {move || if sync.pending().get() { "Syncing…" } else { "Sync now" }}
                            </button>
                            <button class="button ghost" type="button" on:click=move |_| showing.set(false)>"Cancel"</button>
                        }.into_any(),
                    }}
                </section>
            </Show>
        </div>
    }
}
