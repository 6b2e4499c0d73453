//! `/agent-templates?id=…`: one template: its servers (assign with a switch,
//! narrow each to some tools), its agents, and the sync to them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::servers_table::ServersTable;
use super::sync_panel::SyncPanel;
use crate::api::templates::{DeleteTemplate, get_template, sync_plan};
use crate::app::components::form::{ConfirmPanel, live_action};
use crate::app::components::live_list::{EmptyResults, LivePage, LiveResults, LoadFailed};
use crate::app::pages::layout::CurrentUser;
use crate::domain::template::{AgentPlanView, TemplateDetail};
use crate::domain::{AppError, TemplateId};

/// The id of the template's results region, which the live list swaps.
const RESULTS: &str = "template-results";

/// The address's state: the template, whether the caller is an admin, and
/// whether the sync plan is asked for (`&plan=1`).
type Query = (Option<TemplateId>, bool, bool);

/// The template with its sync plan, when asked for.
type Loaded = (TemplateDetail, Option<Result<Vec<AgentPlanView>, AppError>>);

/// What the page found for the `?id=` it was given: `None` for a missing,
/// malformed or deleted id, and for another tenant's template alike.
async fn load((id, admin, plan): Query) -> Result<Option<Loaded>, AppError> {
    let Some(id) = id else {
        return Ok(None);
    };
    let detail = match get_template(id).await {
        Err(AppError::NotFound) => return Ok(None),
        other => other?,
    };
    let plan = if plan && admin {
        Some(sync_plan(id).await)
    } else {
        None
    };
    Ok(Some((detail, plan)))
}

/// `/agent-templates?id=…`. The server renders the template; its switches,
/// allow-lists and forms are islands, and `TemplateLive` loads the page
/// again in place after each change.
#[component]
pub fn TemplatePage() -> impl IntoView {
    let id = use_query_map()
        .read_untracked()
        .get("id")
        .as_deref()
        .and_then(TemplateId::parse);
    let plan = use_query_map().read_untracked().get_str("plan") == Some("1");
    let query = (id, CurrentUser::get().is_admin(), plan);
    view! {
        <p class="breadcrumb"><a href="/agent-templates">"← Agent Templates"</a></p>
        <LivePage results=RESULTS.to_owned()>
            <LiveResults id=RESULTS loading="Loading the template…" query load render=results />
        </LivePage>
    }
}

fn results(fetched: Result<Option<Loaded>, AppError>, &(id, admin, _): &Query) -> AnyView {
    match fetched {
        Err(e) => view! {
            <Title text="Agent Template" />
            <LoadFailed what="the template" retry=format!("/agent-templates?id={}", id.map(|i| i.to_string()).unwrap_or_default()) error=e />
        }
        .into_any(),
        Ok(None) => view! {
            <Title text="Template not found" />
            <EmptyResults title="No such template">
                <p>"It may have been deleted. " <a href="/agent-templates">"See all templates"</a></p>
            </EmptyResults>
        }
        .into_any(),
        Ok(Some((d, plan))) => {
            let id = d.template.id;
            let name = d.template.name.clone();
            view! {
                <Title text=name.clone() />
                <div class="page-header">
                    <h1>{name.clone()}</h1>
                    {admin.then(|| delete_template_button(id, &name))}
                </div>
                {(!d.template.description.is_empty())
                    .then(|| view! { <p class="lede">{d.template.description.clone()}</p> })}
                <h2 class="section-title">"MCP Servers"</h2>
                <ServersTable id rows=d.servers admin />
                <h2 class="section-title">"Agents"</h2>
                <SyncPanel id agents=d.agents admin plan />
            }
            .into_any()
        }
    }
}

/// Delete, with a confirmation step; then back to the list of templates.
fn delete_template_button(id: TemplateId, name: &str) -> impl IntoView + use<> {
    view! {
        <span data-openers="">
            <button class="button danger-outline" type="button" id="delete-template-open"
                data-open="delete-template">"Delete template"</button>
        </span>
        <ConfirmPanel id="delete-template" warning="Its agents keep their servers."
            action={live_action::<DeleteTemplate>()} done=format!("Deleted “{name}”.")
            then="/agent-templates" now="Delete now" pending="Deleting…">
            <input type="hidden" name="id" data-type="number" value=id.to_string() />
        </ConfirmPanel>
    }
}
