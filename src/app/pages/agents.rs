//! `/agents`: the tenant's agents (seed 000's mentors). Every member sees
//! the list and can copy an agent's id; admins create, rename and delete.
//!
//! The server renders all of it; its forms work in place through the live
//! list around the page (`live_form`), so the page ships no code of its own.

use leptos::prelude::*;
use leptos_meta::Title;

use super::layout::CurrentUser;
use crate::api::agents::{CreateAgent, DeleteAgent, RenameAgent, list_agents};
use crate::app::components::form::{ConfirmPanel, FieldSlot, FormError, live_action};
use crate::app::components::live_list::{EmptyResults, LivePage, LiveResults, LoadFailed};
use crate::app::components::time::when;
use crate::domain::agent::AGENT_NAME_MAX;
use crate::domain::{AgentView, AppError, NewAgent};

/// The id of the list's results region, which the live list swaps.
const RESULTS: &str = "agents-results";

/// The page inside the signed-in layout (see `app::App`'s routes).
#[component]
pub fn AgentsPage() -> impl IntoView {
    let admin = CurrentUser::get().is_admin();
    view! {
        <Title text="Agents" />
        <LivePage results=RESULTS.to_owned()>
            <div class="page-header">
                <h1>"Agents"</h1>
            </div>
            <p class="lede">
                "Agents are the AI runtimes that call your MCP servers. Credentials can be bound to one agent, "
                "and templates give agents their servers. Both APIs name an agent by its id."
            </p>
            {admin.then(create_agent_form)}
            <h2 class="section-title">"Your agents"</h2>
            <LiveResults id=RESULTS loading="Loading agents…" query=admin load=|_| list_agents() render=results />
        </LivePage>
    }
}

fn create_agent_form() -> impl IntoView {
    view! {
        <form class="inline-form" novalidate aria-label="Create an agent"
            data-live-form={live_action::<CreateAgent>()} data-done="Created “{name}”." data-reset="">
            <div class="field">
                <label for="agent-name">"Agent name"</label>
                <input id="agent-name" name="agent.name" type="text" maxlength=AGENT_NAME_MAX.to_string()
                    placeholder="e.g. Support bot" required aria-invalid="false"
                    aria-describedby="agent-name-error" />
                <FieldSlot id="agent-name-error" field=NewAgent::NAME />
            </div>
            <div class="field">
                <label for="agent-slug">"Slug " <span class="optional">"(optional)"</span></label>
                <input id="agent-slug" name="agent.slug" type="text" maxlength="63" placeholder="from the name"
                    data-optional="" aria-invalid="false" aria-describedby="agent-slug-error" />
                <FieldSlot id="agent-slug-error" field=NewAgent::SLUG />
            </div>
            <button class="button primary" type="submit" data-pending="Creating…">"Create agent"</button>
            <FormError />
        </form>
    }
}

/// The list as the server renders it; `admin` adds each row's actions.
fn results(fetched: Result<Vec<AgentView>, AppError>, &admin: &bool) -> AnyView {
    match fetched {
        Err(e) => view! {
            <LoadFailed what="the agents" retry="/agents" error=e />
        }
        .into_any(),
        Ok(list) if list.is_empty() => view! {
            <EmptyResults title="No agents yet">
                <p>"An admin can create one above, or with "
                    <code>"switchboard agents create"</code> "."</p>
            </EmptyResults>
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
                    <tbody>{list.into_iter().map(|a| agent_row(a, admin)).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any(),
    }
}

/// One row: the name, the id with a copy button, and the admin's rename
/// and delete, each a panel opened in place of the two buttons.
fn agent_row(agent: AgentView, admin: bool) -> impl IntoView {
    let uid = agent.unique_id.to_string();
    let name = agent.name.clone();
    view! {
        <tr>
            <td>{agent.name.clone()}</td>
            <td class="mono">{agent.slug.clone()}</td>
            <td class="nowrap">
                <code class="uid">{uid.clone()}</code>
                <button class="button ghost small" type="button" data-copy=uid.clone()
                    data-copy-what="Agent id" aria-label=format!("Copy the id of {name}")>"Copy"</button>
            </td>
            <td class="nowrap">{when(agent.created_at)}</td>
            <td class="actions">{admin.then(|| row_actions(&uid, &name))}</td>
        </tr>
    }
}

fn row_actions(uid: &str, name: &str) -> impl IntoView + use<> {
    let rename = format!("rename-{uid}");
    let delete = format!("delete-{uid}");
    let delete_id = uid.to_owned();
    view! {
        <span data-openers="">
            <button class="button" type="button" id=format!("{rename}-open") data-open=rename.clone()
                aria-label=format!("Rename {name}")>"Rename"</button>
            <button class="button danger-outline" type="button" id=format!("{delete}-open")
                data-open=delete.clone() aria-label=format!("Delete {name}")>"Delete"</button>
        </span>
        <form id=rename.clone() class="row-panel" hidden data-panel="" novalidate
            data-live-form={live_action::<RenameAgent>()} data-done="Renamed to “{name}”.">
            <input type="hidden" name="id" value=uid.to_owned() />
            <label class="visually-hidden" for=format!("{rename}-name")>"New name"</label>
            <input id=format!("{rename}-name") name="name" type="text" value=name.to_owned()
                maxlength=AGENT_NAME_MAX.to_string() aria-invalid="false"
                aria-describedby=format!("{rename}-error") />
            <FieldSlot id=format!("{rename}-error") field=NewAgent::NAME />
            <button class="button primary" type="submit" data-pending="Saving…">"Save"</button>
            <button class="button ghost" type="button" data-close="">"Cancel"</button>
        </form>
        <ConfirmPanel id=delete.clone() warning="Its connections go too; runtimes using its id stop resolving."
            action={live_action::<DeleteAgent>()} done=format!("Deleted “{name}”.")
            now="Delete now" pending="Deleting…">
            <input type="hidden" name="id" value=delete_id />
        </ConfirmPanel>
    }
}
