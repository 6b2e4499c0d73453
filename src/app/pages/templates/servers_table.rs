//! The template's MCP Servers table: every server of the tenant, a switch
//! that assigns or removes it at once, and for an assigned server the tools
//! its agents may call.

use leptos::prelude::*;

use super::detail::Refocus;
use crate::api::templates::{AssignServer, UnassignServer};
use crate::app::components::form::aria_bool;
use crate::app::components::toasts::use_toasts;
use crate::app::pages::layout::CurrentUser;
use crate::domain::TemplateId;
use crate::domain::template::TemplateServerRow;

#[component]
pub fn ServersTable(
    id: TemplateId,
    rows: Vec<TemplateServerRow>,
    on_changed: Callback<()>,
) -> impl IntoView {
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
                        .map(|row| view! { <ServerRow id row on_changed /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn ServerRow(id: TemplateId, row: TemplateServerRow, on_changed: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let admin = CurrentUser::get().is_admin();
    let assigned = row.assignment.is_some();
    let server = row.server_id;
    let name = StoredValue::new(row.name.clone());
    let assign = ServerAction::<AssignServer>::new();
    let unassign = ServerAction::<UnassignServer>::new();
    let busy = move || assign.pending().get() || unassign.pending().get();
    let refocus = expect_context::<Refocus>();
    let switch_id = format!("assign-{server}");
    let sid = StoredValue::new(switch_id.clone());
    Effect::new(move |_| refocus.claim(&sid.get_value()));
    Effect::new(move |_| {
        let done = assign.value().get().or_else(|| unassign.value().get());
        match done {
            Some(Ok(())) => {
                refocus.0.set(Some(sid.get_value()));
                on_changed.run(());
            }
            Some(Err(e)) => toasts.error(format!("{}: {e}", name.get_value())),
            None => {}
        }
    });
    let toggle = move |_| {
        if busy() {
            return;
        }
        if assigned {
            unassign.dispatch(UnassignServer { id, server });
        } else {
            assign.dispatch(AssignServer {
                id,
                server,
                enabled: None,
                tool_allowlist: None,
            });
        }
    };
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
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        view! {
                            <label class="switch">
                                <button type="button" role="switch" id=sid.get_value() aria-checked=aria_bool(assigned)
                                    aria-label=format!("Assign {}", name.get_value())
                                    disabled=move || !admin || busy() on:click=toggle>
                                    <span class="track" aria-hidden="true"></span>
                                </button>
                            </label>
                        }
                    })}
                </Transition>
            </td>
            <td>
                {row.assignment.clone().map(|a| view! {
                    <AllowList id server name=row.name.clone() tools=row.tools.clone()
                        allowed=a.tool_allowlist on_changed />
                })}
            </td>
        </tr>
    }
}

/// "Every tool", or a chosen few of the tools the server listed.
#[component]
fn AllowList(
    id: TemplateId,
    server: crate::domain::ServerId,
    name: String,
    tools: Vec<String>,
    allowed: Option<Vec<String>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let every = RwSignal::new(allowed.is_none());
    let chosen = RwSignal::new(allowed.clone().unwrap_or_default());
    // Tools the list names that the last test did not list stay visible.
    let mut names = tools;
    for extra in allowed.iter().flatten() {
        if !names.contains(extra) {
            names.push(extra.clone());
        }
    }
    let save = ServerAction::<AssignServer>::new();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            toasts.success("Allowed tools saved.");
            on_changed.run(());
        }
        Some(Err(e)) => toasts.error(format!("Could not save the allowed tools: {e}")),
        None => {}
    });
    let summary = match &allowed {
        None => "Every tool".to_owned(),
        Some(list) => format!("{} allowed", list.len()),
    };
    view! {
        <details class="allowlist">
            <summary aria-label=format!("Allowed tools of {name}: {summary}")>{summary.clone()}</summary>
            <label class="check">
                <input type="checkbox" prop:checked=move || every.get()
                    on:change=move |ev| every.set(event_target_checked(&ev)) />
                "Every tool"
            </label>
            {if names.is_empty() {
                view! { <p class="hint">"Test the server to list its tools."</p> }.into_any()
            } else {
                names
                    .into_iter()
                    .map(|tool| {
                        let t = StoredValue::new(tool.clone());
                        // The label wraps its box: no ids to keep unique.
                        view! {
                            <label class="check">
                                <input type="checkbox" disabled=move || every.get()
                                    prop:checked=move || chosen.read().contains(&t.get_value())
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| {
                                            c.retain(|x| *x != t.get_value());
                                            if on {
                                                c.push(t.get_value());
                                            }
                                        });
                                    } />
                                <code>{tool}</code>
                            </label>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
            <button class="button small" type="button" disabled=move || save.pending().get()
                on:click=move |_| {
                    let list = (!every.get_untracked()).then(|| chosen.get_untracked());
                    save.dispatch(AssignServer { id, server, enabled: None, tool_allowlist: Some(list) });
                }>
                {move || if save.pending().get() { "Saving…" } else { "Save allowed tools" }}
            </button>
        </details>
    }
}
