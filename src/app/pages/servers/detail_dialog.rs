//! The ServerDetailDialog: every field, Test Connection, tools (and their
//! pinning, in a tab), key rotation, enable, delete.

use leptos::prelude::*;

use crate::api::servers::{DeleteServer, TestServer, UpdateServer, get_server};
use crate::app::components::account_connection::OwnAccount;
use crate::app::components::dialog::{Dialog, focus_id};
use crate::app::components::form::aria_bool;
use crate::app::components::time::when;
use crate::app::components::toasts::use_toasts;
use crate::app::pages::layout::AdminOnly;
use crate::domain::{AuthType, ErrorClass, ServerId, ServerPatch, ServerView, TestOutcome};

use super::connections::ConnectionsTab;
use super::rotate_key::KeyRotationPanel;
use super::tool_pins::ToolsTab;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Overview,
    Connections,
    Tools,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Overview, Tab::Connections, Tab::Tools];

    fn id(self) -> &'static str {
        match self {
            Tab::Overview => "server-tab-overview",
            Tab::Tools => "server-tab-tools",
            Tab::Connections => "server-tab-connections",
        }
    }

    /// The next tab to the right (`step` 1) or left (`step` -1), wrapping.
    fn step(self, step: isize) -> Tab {
        let at = Tab::ALL.iter().position(|t| *t == self).unwrap_or(0) as isize;
        let len = Tab::ALL.len() as isize;
        Tab::ALL[(at + step).rem_euclid(len) as usize]
    }
}

/// The dialog's tab list: click, or Left/Right/Home/End, as the ARIA
/// tabs pattern has it (only the selected tab is in the Tab order).
#[component]
fn Tabs(tab: RwSignal<Tab>) -> impl IntoView {
    let select = move |next: Tab, focus: bool| {
        tab.set(next);
        if focus {
            focus_id(next.id());
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let next = match ev.key().as_str() {
            "ArrowRight" => tab.get_untracked().step(1),
            "ArrowLeft" => tab.get_untracked().step(-1),
            "Home" => Tab::Overview,
            "End" => Tab::Tools,
            _ => return,
        };
        ev.prevent_default();
        select(next, true);
    };
    let button = move |which: Tab, label: &'static str, panel: &'static str| {
        view! {
            <button type="button" role="tab" id=which.id() aria-controls=panel
                aria-selected=move || aria_bool(tab.get() == which)
                tabindex=move || if tab.get() == which { "0" } else { "-1" }
                on:click=move |_| select(which, false)
                on:keydown=on_key>
                {label}
            </button>
        }
    };
    view! {
        <div class="tabs" role="tablist" aria-label="Server sections">
            {button(Tab::Overview, "Overview", "server-panel-overview")}
            {button(Tab::Connections, "Connections", "server-panel-connections")}
            {button(Tab::Tools, "Tools", "server-panel-tools")}
        </div>
    }
}

pub(super) fn class_label(class: ErrorClass) -> &'static str {
    match class {
        ErrorClass::Transport => "Transport error",
        ErrorClass::Auth => "Authentication error",
        ErrorClass::Downstream => "Downstream error",
    }
}

#[component]
pub fn ServerDetailDialog(
    id: ServerId,
    #[prop(into)] on_close: Callback<()>,
    /// Called after any change, so the list can refresh.
    #[prop(into)]
    on_changed: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let version = RwSignal::new(0u32);
    let server = Resource::new(move || version.get(), move |_| get_server(id));
    let test = ServerAction::<TestServer>::new();
    let update = ServerAction::<UpdateServer>::new();
    let delete = ServerAction::<DeleteServer>::new();
    let confirming = RwSignal::new(false);
    let action_error = RwSignal::new(None::<String>);
    let title = RwSignal::new("Server".to_owned());
    let tab = RwSignal::new(Tab::Overview);

    let changed = move || {
        version.update(|v| *v += 1);
        on_changed.run(());
    };
    Effect::new(move |_| match test.value().get() {
        Some(Ok(_)) => {
            action_error.set(None);
            changed();
        }
        Some(Err(e)) => action_error.set(Some(e.to_string())),
        None => {}
    });
    Effect::new(move |_| match update.value().get() {
        Some(Ok(s)) => {
            action_error.set(None);
            toasts.success(format!(
                "“{}” is now {}.",
                s.name,
                if s.enabled { "enabled" } else { "disabled" }
            ));
            changed();
        }
        Some(Err(e)) => action_error.set(Some(e.to_string())),
        None => {}
    });
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.success(format!("Deleted “{}”.", title.get_untracked()));
            on_changed.run(());
            on_close.run(());
        }
        Some(Err(e)) => action_error.set(Some(e.to_string())),
        None => {}
    });

    let body = move |s: ServerView| {
        title.set(s.name.clone());
        let enabled = s.enabled;
        let rotation = s.has_credential.then(|| s.clone());
        let confirm_text = StoredValue::new(format!(
            "Delete “{}”? Agents lose access to it. This cannot be undone.",
            s.name
        ));
        view! {
            <Tabs tab />
            <div role="tabpanel" id="server-panel-tools" aria-labelledby="server-tab-tools"
                hidden=move || tab.get() != Tab::Tools>
                {move || (tab.get() == Tab::Tools).then(|| view! { <ToolsTab server=id version /> })}
            </div>
            <div role="tabpanel" id="server-panel-connections" aria-labelledby="server-tab-connections"
                hidden=move || tab.get() != Tab::Connections>
                {move || (tab.get() == Tab::Connections).then(|| view! { <ConnectionsTab server=id /> })}
            </div>
            <div role="tabpanel" id="server-panel-overview" aria-labelledby="server-tab-overview"
                hidden=move || tab.get() != Tab::Overview>
            <dl class="details">
                <dt>"Name"</dt>
                <dd>{s.name.clone()}</dd>
                <dt>"URL"</dt>
                <dd>
                    <span class="mono">{s.url.clone()}</span>
                    {(s.url_secret != crate::domain::UrlSecret::None).then(|| view! {
                        <span class="help">
                            {format!(" ({} is kept in the vault)", s.url_secret.label().to_lowercase())}
                        </span>
                    })}
                </dd>
                <dt>"Transport"</dt>
                <dd>{s.transport.label()}</dd>
                <dt>"Authentication"</dt>
                <dd>{s.auth_type.label()}</dd>
                <dt>"Credential"</dt>
                <dd>{if s.has_credential { "Stored in the vault" } else { "None" }}</dd>
                {(s.auth_type == AuthType::Oauth2).then(|| view! {
                    <dt>"OAuth client"</dt>
                    <dd><OAuthClientName service=s.oauth_service /></dd>
                })}
                <dt>"Slug"</dt>
                <dd class="mono">{s.slug.clone()}</dd>
                <dt>"Created"</dt>
                <dd>{when(s.created_at)}</dd>
                <dt>"Last tested"</dt>
                <dd>{s.last_test.as_ref().map(|t| when(t.tested_at)).unwrap_or_else(|| "Never".to_owned())}</dd>
            </dl>
            {(s.auth_type == AuthType::Oauth2).then(|| view! { <OwnAccount server=id name=s.name.clone() /> })}
            <div class="row-actions">
                <AdminOnly>
                    <button
                        class="button primary"
                        type="button"
                        disabled=move || test.pending().get()
                        aria-busy=move || aria_bool(test.pending().get())
                        on:click=move |_| {
                            test.dispatch(TestServer { id });
                        }
                    >
                        {move || if test.pending().get() { "Testing…" } else { "Test Connection" }}
                    </button>
                    <label class="switch">
                        <button
                            type="button"
                            role="switch"
                            aria-checked=aria_bool(enabled)
                            aria-label="Enabled"
                            disabled=move || update.pending().get()
                            on:click=move |_| {
                                update.dispatch(UpdateServer {
                                    id,
                                    patch: ServerPatch { enabled: Some(!enabled), ..Default::default() },
                                });
                            }
                        >
                            <span class="track" aria-hidden="true"></span>
                        </button>
                        <span aria-hidden="true">"Enabled"</span>
                    </label>
                </AdminOnly>
            </div>
            <TestResult outcome=s.last_test.clone() />
            {rotation.map(|server| view! {
                <AdminOnly>
                    <KeyRotationPanel server=server.clone() on_changed=move |_| changed() />
                </AdminOnly>
            })}
            <AdminOnly>
                <div class="danger-zone">
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! {
                            <button class="button danger-outline" type="button" on:click=move |_| confirming.set(true)>
                                "Delete"
                            </button>
                        }
                    >
                        <p role="alert">{confirm_text.get_value()}</p>
                        <button
                            class="button danger"
                            type="button"
                            disabled=move || delete.pending().get()
                            on:click=move |_| {
                                delete.dispatch(DeleteServer { id });
                            }
                        >
                            {move || if delete.pending().get() { "Deleting…" } else { "Delete server" }}
                        </button>
                        <button class="button ghost" type="button" on:click=move |_| confirming.set(false)>
                            "Cancel"
                        </button>
                    </Show>
                </div>
            </AdminOnly>
            </div>
        }
    };

    view! {
        <Dialog id="server-detail" title=title on_close=on_close wide=true>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match server.await {
                        Ok(s) => body(s).into_any(),
                        Err(e) => view! { <p class="alert error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <Show when=move || action_error.get().is_some()>
                <p class="alert error" role="alert">{move || action_error.get()}</p>
            </Show>
        </Dialog>
    }
}

#[component]
fn TestResult(outcome: Option<TestOutcome>) -> impl IntoView {
    match outcome {
        None => view! { <p class="muted">"Not tested yet. Test the connection to see the server's tools."</p> }.into_any(),
        Some(t) if t.ok => {
            let count = t.tools.len();
            view! {
                <p class="alert ok" role="status">
                    {format!("Connected. The server exposes {count} tool{}.", if count == 1 { "" } else { "s" })}
                </p>
                <details class="tools">
                    <summary>"View Tools"</summary>
                    <ul>
                        {t.tools
                            .into_iter()
                            .map(|tool| view! {
                                <li>
                                    <code class="tool-name">{tool.name}</code>
                                    <span class="tool-desc">{tool.description.unwrap_or_default()}</span>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                </details>
            }
            .into_any()
        }
        Some(t) => {
            let (label, message) = t
                .error
                .map(|e| (class_label(e.class), e.message))
                .unwrap_or(("Error", "The test failed.".to_owned()));
            view! {
                <div class="alert error" role="alert">
                    <strong>{label}</strong>
                    <p>{message}</p>
                </div>
            }
            .into_any()
        }
    }
}

/// The OAuth service a server's accounts connect through, by name.
#[component]
fn OAuthClientName(service: Option<crate::domain::OAuthServiceId>) -> impl IntoView {
    let Some(id) = service else {
        return view! { "Discovered from the server" }.into_any();
    };
    let services = Resource::new(|| (), |_| crate::api::oauth_services::list_oauth_services());
    view! {
        <Suspense fallback=|| "…">
            {move || {
                services.get().map(|r| {
                    r.ok()
                        .and_then(|all| all.into_iter().find(|s| s.id == id))
                        .map(|s| format!("{} ({}, {})", s.display_name, s.provider,
                            s.registered_via.label().to_lowercase()))
                        .unwrap_or_else(|| "An OAuth service".to_owned())
                })
            }}
        </Suspense>
    }
    .into_any()
}
