//! The template's agents: make one from the template, and sync the
//! template to all of them, after a plan that says what each will gain,
//! lose or change, and which were edited by hand since their last sync.

use leptos::prelude::*;

use crate::api::templates::{CreateAgentFromTemplate, SyncTemplate};
use crate::app::components::form::{FieldSlot, FormError, aria_bool, live_action};
use crate::app::components::time::when;
use crate::domain::agent::AGENT_NAME_MAX;
use crate::domain::template::{AgentPlanView, TemplateAgent};
use crate::domain::{AppError, NewAgent, TemplateId};

/// Rendered by the server, the sync plan too; the new-agent form and the
/// sync are live forms.
#[component]
pub fn SyncPanel(
    id: TemplateId,
    agents: Vec<TemplateAgent>,
    admin: bool,
    plan: Option<Result<Vec<AgentPlanView>, AppError>>,
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
        {admin.then(|| view! {
            {new_agent_form(id)}
            {(count > 0).then(|| sync_section(id, count, plan))}
        })}
    }
}

fn new_agent_form(id: TemplateId) -> impl IntoView {
    view! {
        <form class="inline-form" novalidate aria-label="Create an agent from this template"
            data-live-form={live_action::<CreateAgentFromTemplate>()}
            data-done="Created “{name}” from the template." data-reset=""
            data-focus-after="template-agent-name">
            <input type="hidden" name="id" data-type="number" value=id.to_string() />
            <div class="field">
                <label for="template-agent-name">"New agent"</label>
                <input id="template-agent-name" name="agent.name" type="text" maxlength=AGENT_NAME_MAX.to_string()
                    placeholder="e.g. Support bot" aria-invalid="false"
                    aria-describedby="template-agent-name-error" />
                // The slug is derived from the name here: what is wrong with
                // it is said under the name.
                <FieldSlot id="template-agent-name-error" field=format!("{} {}", NewAgent::NAME, NewAgent::SLUG) />
            </div>
            <button class="button" type="submit" data-pending="Creating…">"Create agent"</button>
            <FormError />
        </form>
    }
}

/// "Sync to agents" shows the plan first (the page again, with `&plan=1`,
/// loaded in place); "Sync now" applies it and goes back to the page.
fn sync_section(
    id: TemplateId,
    count: usize,
    plan: Option<Result<Vec<AgentPlanView>, AppError>>,
) -> impl IntoView + use<> {
    let agents = if count == 1 { "agent" } else { "agents" };
    let page = format!("/agent-templates?id={id}");
    let showing = plan.is_some();
    view! {
        <div class="sync">
            // Without script, the same address is asked for as a plain GET.
            <form method="get" action="/agent-templates">
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="plan" value="1" />
                <button id="sync-button" class="button primary" type="submit"
                    data-list-href=format!("{page}&plan=1")
                    aria-expanded=aria_bool(showing) aria-controls="sync-plan">
                    {format!("Sync to {count} {agents}")}
                </button>
            </form>
            {plan.map(|plan| view! {
                <section id="sync-plan" class="box sync-plan" aria-label="Sync plan">
                    {match plan {
                        Err(e) => view! { <p class="alert error" role="alert">"Could not plan: " {e.to_string()}</p> }.into_any(),
                        Ok(lines) => view! {
                            <ul class="plain-list">{lines.into_iter().map(plan_line).collect_view()}</ul>
                            <form data-live-form={live_action::<SyncTemplate>()} data-goto=page.clone()
                                data-focus-after="sync-button"
                                data-done=format!("Synced {{agents_synced}} {agents}.")>
                                <input type="hidden" name="id" data-type="number" value=id.to_string() />
                                <button class="button primary" type="submit" data-pending="Syncing…">"Sync now"</button>
                                <button class="button ghost" type="button" data-list-href=page.clone()>"Cancel"</button>
                            </form>
                        }.into_any(),
                    }}
                </section>
            })}
        </div>
    }
}

fn plan_line(l: AgentPlanView) -> impl IntoView {
    let detail = [
        ("added", &l.added),
        ("removed", &l.removed),
        ("changed", &l.changed),
    ]
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
}
