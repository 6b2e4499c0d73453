//! `/agent-templates`: the tenant's agent templates. Every member sees the
//! list; admins create them. A template's page is `detail`.

pub mod detail;
mod servers_table;
mod sync_panel;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::CurrentUser;
use crate::api::templates::{CreateTemplate, list_templates};
use crate::app::components::form::{FieldSlot, FormError, live_action};
use crate::app::components::live_list::{EmptyResults, LivePage, LiveResults, LoadFailed};
use crate::app::components::time::when;
use crate::domain::AppError;
use crate::domain::template::{
    NewTemplate, TEMPLATE_DESCRIPTION_MAX, TEMPLATE_NAME_MAX, TemplateView,
};

/// `/agent-templates`, and one template at `/agent-templates?id=…`. A query
/// rather than a path parameter keeps the old links working.
#[component]
pub fn TemplatesRoute() -> impl IntoView {
    if use_query_map().read_untracked().get_str("id").is_some() {
        view! { <detail::TemplatePage /> }.into_any()
    } else {
        view! { <TemplatesPage /> }.into_any()
    }
}

/// The id of the list's results region, which the live list swaps.
const RESULTS: &str = "templates-results";

/// The list of templates. The server renders it; the create form is an
/// island, and `TemplatesList` reloads the list after it adds one.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    view! {
        <Title text="Agent Templates" />
        <LivePage results=RESULTS.to_owned()>
            <div class="page-header">
                <h1>"Agent Templates"</h1>
            </div>
            <p class="lede">
                "A template is the set of MCP servers its agents get. Assign servers to a template, "
                "then sync it to the agents made from it."
            </p>
            {CurrentUser::get().is_admin().then(create_template_form)}
            <h2 class="section-title">"Templates"</h2>
            <LiveResults id=RESULTS loading="Loading templates…" query=() load=|()| list_templates() render=results />
        </LivePage>
    }
}

fn results(fetched: Result<Vec<TemplateView>, AppError>, _: &()) -> AnyView {
    match fetched {
        Err(e) => view! {
            <LoadFailed what="the templates" retry="/agent-templates" error=e />
        }
        .into_any(),
        Ok(list) if list.is_empty() => view! {
            <EmptyResults title="No templates yet">
                <p>"An admin can create one above."</p>
            </EmptyResults>
        }
        .into_any(),
        Ok(list) => view! {
            <div class="table-wrap" role="region" aria-label="The tenant's agent templates, by name" tabindex="0">
                <table class="data-table templates">
                    <caption class="visually-hidden">"The tenant's agent templates, by name"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Description"</th>
                            <th scope="col">"Servers"</th>
                            <th scope="col">"Agents"</th>
                            <th scope="col">"Changed"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {list
                            .into_iter()
                            .map(|t| view! {
                                <tr>
                                    <td><a href=format!("/agent-templates?id={}", t.id)>{t.name}</a></td>
                                    <td>{t.description}</td>
                                    <td>{t.servers}</td>
                                    <td>{t.agents}</td>
                                    <td class="nowrap">{when(t.updated_at)}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any(),
    }
}

/// Creates a template; the list reloads with it.
fn create_template_form() -> impl IntoView {
    view! {
        <form class="inline-form" novalidate aria-label="Create a template"
            data-live-form={live_action::<CreateTemplate>()} data-done="Created “{name}”." data-reset="">
            <div class="field">
                <label for="template-name">"Template name"</label>
                <input id="template-name" name="template.name" type="text" maxlength=TEMPLATE_NAME_MAX.to_string()
                    placeholder="e.g. Support agents" required aria-invalid="false"
                    aria-describedby="template-name-error" />
                <FieldSlot id="template-name-error" field=NewTemplate::NAME />
            </div>
            <div class="field">
                <label for="template-description">"Description " <span class="optional">"(optional)"</span></label>
                <input id="template-description" name="template.description" type="text"
                    maxlength=TEMPLATE_DESCRIPTION_MAX.to_string() aria-invalid="false"
                    aria-describedby="template-description-error" />
                <FieldSlot id="template-description-error" field=NewTemplate::DESCRIPTION />
            </div>
            <button class="button primary" type="submit" data-pending="Creating…">"Create template"</button>
            <FormError />
        </form>
    }
}
