//! The server dialog's Tools tab: the server's tools against the
//! definitions an admin approved, what changed (as a diff), approvals, and
//! the tenant's policy for changed tools.

use leptos::prelude::*;

use crate::api::tool_pins::{ApproveTools, SetToolPolicy, tool_pins};
use crate::app::components::time::when;
use crate::app::components::toasts::use_toasts;
use crate::app::pages::layout::AdminOnly;
use crate::domain::{
    LineChange, PinState, ServerId, ToolApproval, ToolChangePolicy, ToolPinView, ToolPinsView,
};

fn policy_label(policy: ToolChangePolicy) -> &'static str {
    match policy {
        ToolChangePolicy::Warn => "Warn: keep them available",
        ToolChangePolicy::Hold => "Hold: keep them from agents until approved",
        ToolChangePolicy::Accept => "Accept: approve them as seen",
    }
}

fn state_class(state: PinState) -> &'static str {
    match state {
        PinState::Approved => "badge on",
        PinState::Changed => "badge warn",
        PinState::New => "badge muted",
    }
}

/// `version` moves whenever the dialog's server changed (a test, say).
#[component]
pub fn ToolsTab(server: ServerId, version: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let pins = Resource::new(
        move || (version.get(), reload.get()),
        move |_| tool_pins(server),
    );
    let approve = ServerAction::<ApproveTools>::new();
    let set_policy = ServerAction::<SetToolPolicy>::new();
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| match approve.value().get() {
        Some(Ok(view)) => {
            error.set(None);
            let left = view.pending().count();
            toasts.success(if left == 0 {
                "Approved. Agents see the tools as they are now.".to_owned()
            } else {
                format!("Approved. {left} still to review.")
            });
            reload.update(|r| *r += 1);
        }
        Some(Err(e)) => {
            error.set(Some(e.to_string()));
            // What changed again is worth seeing at once.
            reload.update(|r| *r += 1);
        }
        None => {}
    });
    Effect::new(move |_| match set_policy.value().get() {
        Some(Ok(policy)) => {
            error.set(None);
            toasts.success(format!(
                "Changed tools: {}.",
                policy_label(policy).to_lowercase()
            ));
            reload.update(|r| *r += 1);
        }
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });
    let busy = move || approve.pending().get() || set_policy.pending().get();

    let body = move |v: ToolPinsView| {
        let pending: Vec<ToolApproval> = v
            .pending()
            .map(|t| ToolApproval {
                name: t.name.clone(),
                hash: t.hash.clone(),
            })
            .collect();
        let count = v.tools.len();
        let policy = v.policy;
        let summary = match v.refreshed_at {
            None => "Not tested yet. Test the connection to pin the server's tools.".to_owned(),
            Some(at) => format!(
                "{count} tool{}, last refreshed {}.",
                if count == 1 { "" } else { "s" },
                when(at)
            ),
        };
        let all = StoredValue::new(pending.clone());
        view! {
            <p class="muted">
                {summary}
                {v.stale.then(|| view! {
                    <span class="badge warn" title="No successful refresh for longer than the schedule allows">"Stale"</span>
                })}
            </p>
            <PolicyPicker policy set_policy busy=Signal::derive(busy) />
            {(!pending.is_empty()).then(|| {
                let n = pending.len();
                view! {
                    <div class="alert warn" role="status">
                        {format!(
                            "{n} tool{} changed since approval{}.",
                            if n == 1 { "" } else { "s" },
                            if policy == ToolChangePolicy::Hold { ", held back from agents" } else { "" }
                        )}
                        <AdminOnly>
                            <button class="button small" type="button"
                                disabled=busy
                                on:click=move |_| {
                                    approve.dispatch(ApproveTools { id: server, approvals: all.get_value() });
                                }>
                                {format!("Approve all {n}")}
                            </button>
                        </AdminOnly>
                    </div>
                }
            })}
            <ul class="pins" aria-label="Tools">
                {v.tools.into_iter().map(|tool| view! {
                    <PinRow tool server approve busy=Signal::derive(busy) />
                }).collect_view()}
            </ul>
        }
    };

    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading tools…"</p> }>
            {move || Suspend::new(async move {
                match pins.await {
                    Ok(v) => body(v).into_any(),
                    Err(e) => view! { <p class="alert error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        <Show when=move || error.get().is_some()>
            <p class="alert error" role="alert">{move || error.get()}</p>
        </Show>
    }
}

/// The tenant's policy: a select for admins, a sentence for members.
#[component]
fn PolicyPicker(
    policy: ToolChangePolicy,
    set_policy: ServerAction<SetToolPolicy>,
    busy: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="field">
            <AdminOnly>
                <label for="tool-policy">"When a tool changes (for every server of this tenant)"</label>
                <select id="tool-policy" disabled=busy
                    on:change=move |ev| {
                        set_policy.dispatch(SetToolPolicy { policy: event_target_value(&ev) });
                    }>
                    {ToolChangePolicy::ALL.into_iter().map(|p| view! {
                        <option value=p.as_str() selected=p == policy>{policy_label(p)}</option>
                    }).collect_view()}
                </select>
            </AdminOnly>
            <p class="help">{policy.describe()}</p>
        </div>
    }
}

#[component]
fn PinRow(
    tool: ToolPinView,
    server: ServerId,
    approve: ServerAction<ApproveTools>,
    busy: Signal<bool>,
) -> impl IntoView {
    let approval = StoredValue::new(ToolApproval {
        name: tool.name.clone(),
        hash: tool.hash.clone(),
    });
    let standing = match (tool.state, tool.approved_at) {
        (PinState::Approved, Some(at)) => Some(match &tool.approved_by {
            Some(by) => format!("Approved by {by}, {}", when(at)),
            None => format!("Approved as first seen or by policy, {}", when(at)),
        }),
        _ => None,
    };
    let pending = tool.state != PinState::Approved;
    let name = tool.name.clone();
    view! {
        <li class="pin">
            <div class="pin-head">
                <code class="tool-name">{tool.name.clone()}</code>
                <span class=state_class(tool.state)>{tool.state.label()}</span>
                {pending.then(|| view! {
                    <AdminOnly>
                        <button class="button small" type="button"
                            aria-label=format!("Approve {name}")
                            disabled=busy
                            on:click=move |_| {
                                approve.dispatch(ApproveTools { id: server, approvals: vec![approval.get_value()] });
                            }>
                            "Approve"
                        </button>
                    </AdminOnly>
                })}
            </div>
            <span class="tool-desc">{tool.description.unwrap_or_default()}</span>
            {standing.map(|s| view! { <span class="help">{s}</span> })}
            {pending.then(|| view! {
                <details class="diff" open=true>
                    <summary>{if tool.state == PinState::New { "Definition (new tool)" } else { "What changed" }}</summary>
                    <pre>
                        {tool.diff.into_iter().map(|line| {
                            let (class, mark) = match line.change {
                                LineChange::Added => ("diff-add", "+ "),
                                LineChange::Removed => ("diff-del", "- "),
                                LineChange::Same => ("diff-same", "  "),
                            };
                            view! { <span class=class>{mark}{line.text}"\n"</span> }
                        }).collect_view()}
                    </pre>
                </details>
            })}
        </li>
    }
}
