//! The template's MCP Servers table: every server of the tenant, a switch
//! that assigns or removes it at once, and for an assigned server the tools
//! its agents may call.

use leptos::prelude::*;

use crate::api::templates::{AssignServer, UnassignServer};
use crate::app::components::form::{aria_bool, live_action};
use crate::domain::template::TemplateServerRow;
use crate::domain::{ServerId, TemplateId};

/// Rendered by the server; each row's switch and allow-list are live forms.
#[component]
pub fn ServersTable(id: TemplateId, rows: Vec<TemplateServerRow>, admin: bool) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <div class="empty">
                <p class="empty-title">"No MCP servers registered"</p>
                <p>"Register one on the " <a href="/mcp-servers">"MCP Servers"</a> " page, then assign it here."</p>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="table-wrap" role="region" aria-label="The tenant's MCP servers and whether this template has each" tabindex="0">
            <table class="data-table template-servers">
                <caption class="visually-hidden">"The tenant's MCP servers and whether this template has each"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Auth"</th>
                        <th scope="col">"Tools"</th>
                        <th scope="col">"Assigned"</th>
                        <th scope="col">"Allowed tools"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| server_row(id, row, admin))
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn server_row(id: TemplateId, row: TemplateServerRow, admin: bool) -> impl IntoView {
    let tools = row.tools.len();
    let off = row.assignment.as_ref().is_some_and(|a| !a.enabled);
    view! {
        <tr>
            <th scope="row">
                {row.name.clone()}
                {(!row.server_enabled).then(|| view! { <span class="badge muted">"server off"</span> })}
                {off.then(|| view! { <span class="badge muted">"assignment off"</span> })}
            </th>
            <td>{row.auth_type.label()}</td>
            <td>{if tools == 0 { "—".to_owned() } else { format!("{tools} tools") }}</td>
            <td>
                {assign_switch(id, row.server_id, &row.name, row.assignment.is_some(), admin)}
            </td>
            <td>
                {row.assignment.clone().map(|a| {
                    allow_list(id, row.server_id, &row.name, row.tools.clone(), a.tool_allowlist)
                })}
            </td>
        </tr>
    }
}

/// Assigns the server to the template, or removes it, at once; the page
/// reloads with focus back on this switch.
fn assign_switch(
    id: TemplateId,
    server: ServerId,
    name: &str,
    assigned: bool,
    admin: bool,
) -> impl IntoView + use<> {
    let action = if assigned {
        live_action::<UnassignServer>()
    } else {
        live_action::<AssignServer>()
    };
    let switch_id = format!("assign-{server}");
    let focus_after = switch_id.clone();
    view! {
        <form data-live-form=action data-focus-after=focus_after>
            <input type="hidden" name="id" data-type="number" value=id.to_string() />
            <input type="hidden" name="server" data-type="number" value=server.to_string() />
            <label class="switch">
                <button type="submit" role="switch" id=switch_id aria-checked=aria_bool(assigned)
                    aria-label=format!("Assign {name}") disabled=!admin>
                    <span class="track" aria-hidden="true"></span>
                </button>
            </label>
        </form>
    }
}

/// "Every tool", or a chosen few of the tools the server listed: a live
/// form (see `live_form`). With "Every tool" ticked the list is set free
/// whatever else is ticked.
fn allow_list(
    id: TemplateId,
    server: ServerId,
    name: &str,
    tools: Vec<String>,
    allowed: Option<Vec<String>>,
) -> impl IntoView + use<> {
    // Tools the list names that the last test did not list stay visible.
    let mut names = tools;
    for extra in allowed.iter().flatten() {
        if !names.contains(extra) {
            names.push(extra.clone());
        }
    }
    let summary = match &allowed {
        None => "Every tool".to_owned(),
        Some(list) => format!("{} allowed", list.len()),
    };
    let every = allowed.is_none();
    view! {
        <details class="allowlist">
            <summary aria-label=format!("Allowed tools of {name}: {summary}")>{summary.clone()}</summary>
            <form data-live-form={live_action::<AssignServer>()} data-done="Allowed tools saved.">
                <input type="hidden" name="id" data-type="number" value=id.to_string() />
                <input type="hidden" name="server" data-type="number" value=server.to_string() />
                <label class="check">
                    <input type="checkbox" name="every_tool" value="true" data-type="bool" checked=every />
                    "Every tool"
                </label>
                {if names.is_empty() {
                    view! { <p class="hint">"Test the server to list its tools."</p> }.into_any()
                } else {
                    names
                        .into_iter()
                        .map(|tool| {
                            let on = allowed.as_ref().is_some_and(|a| a.contains(&tool));
                            // The label wraps its box: no ids to keep unique.
                            view! {
                                <label class="check">
                                    <input type="checkbox" name="tool_allowlist[]" value=tool.clone() checked=on />
                                    <code>{tool}</code>
                                </label>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
                <button class="button small" type="submit" data-pending="Saving…">"Save allowed tools"</button>
            </form>
        </details>
    }
}
