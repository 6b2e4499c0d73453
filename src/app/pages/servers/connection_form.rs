//! Adding or editing one connection, following seed 000's front-end notes:
//! no authentication is an explanation only; a token takes a scheme, the
//! credential and header pairs; OAuth2 sends a connected service's token
//! (see `connected_service`).

use leptos::prelude::*;

use crate::api::connections::{CreateConnection, UpdateConnection};
use crate::app::components::form::{FieldErrorText, aria_bool};
use crate::domain::connection::{ConnectionField, SECRET_HEADER_MASK};
use crate::domain::{
    AgentUid, AgentView, AppError, AuthType, ConnectionPatch, ConnectionView, NewConnection, Role,
    Scope, ServerId,
};

use super::connected_service::ConnectedServicePicker;

/// One header row; `key` keeps the row's identity while it is edited.
#[derive(Clone, Debug, PartialEq)]
struct HeaderRow {
    key: u32,
    name: RwSignal<String>,
    value: RwSignal<String>,
}

fn scope_label(scope: Scope) -> &'static str {
    match scope {
        Scope::Tenant => "Tenant: everyone, through any agent",
        Scope::Agent => "Agent: calls made through one agent",
        Scope::User => "User: one user's own credential",
    }
}

#[component]
pub(super) fn ConnectionForm(
    server: ServerId,
    /// The connection being edited; `None` adds one.
    existing: Option<ConnectionView>,
    agents: Vec<AgentView>,
    /// Members may only bind their own user connections.
    role: Role,
    #[prop(into)] on_done: Callback<()>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let editing = existing.as_ref().map(|c| c.id);
    let had_credential = existing.as_ref().is_some_and(|c| c.has_credential);
    let start = existing.clone();
    let scope = RwSignal::new(start.as_ref().map_or(
        if role == Role::Admin {
            Scope::Tenant
        } else {
            Scope::User
        },
        |c| c.scope,
    ));
    let agent = RwSignal::new(
        start
            .as_ref()
            .and_then(|c| c.agent.as_ref().map(ToString::to_string))
            .or_else(|| agents.first().map(|a| a.unique_id.to_string()))
            .unwrap_or_default(),
    );
    let user = RwSignal::new(
        start
            .as_ref()
            .and_then(|c| c.user.clone())
            .unwrap_or_default(),
    );
    let auth_type = RwSignal::new(start.as_ref().map_or(AuthType::Token, |c| c.auth_type));
    let scheme = RwSignal::new(
        start
            .as_ref()
            .map_or("Bearer".to_owned(), |c| c.authorization_scheme.clone()),
    );
    let credentials = RwSignal::new(String::new());
    let current_service = start.as_ref().and_then(|c| c.connected_service);
    let service = RwSignal::new(current_service);
    let active = RwSignal::new(start.as_ref().is_none_or(|c| c.active));
    let next_key = StoredValue::new(0u32);
    let new_row = move |name: String, value: String| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        HeaderRow {
            key,
            name: RwSignal::new(name),
            value: RwSignal::new(value),
        }
    };
    let headers = RwSignal::new(
        start
            .as_ref()
            .map(|c| {
                c.extra_headers
                    .iter()
                    .map(|(n, v)| new_row(n.clone(), v.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<AppError>);
    let create = ServerAction::<CreateConnection>::new();
    let update = ServerAction::<UpdateConnection>::new();
    let pending = Signal::derive(move || create.pending().get() || update.pending().get());
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => on_done.run(()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| match update.value().get() {
        Some(Ok(_)) => on_done.run(()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let field_error = move |name: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(name)))
    };
    let general_error = move || {
        error.get().and_then(|e| {
            let known = [
                ConnectionField::SCOPE,
                ConnectionField::USER,
                ConnectionField::AGENT,
                ConnectionField::CREDENTIALS,
                ConnectionField::SCHEME,
                ConnectionField::EXTRA_HEADERS,
                ConnectionField::CONNECTED_SERVICE,
            ];
            match &e {
                AppError::Invalid(fields)
                    if fields.iter().all(|f| known.contains(&f.field.as_str())) =>
                {
                    None
                }
                _ => Some(e.to_string()),
            }
        })
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let scope = scope.get_untracked();
        let auth_type = auth_type.get_untracked();
        let agent = (scope == Scope::Agent)
            .then(|| AgentUid::parse(&agent.get_untracked()))
            .flatten();
        let user = (scope == Scope::User)
            .then(|| user.get_untracked().trim().to_owned())
            .filter(|u| !u.is_empty());
        let header_list: Vec<(String, String)> = headers
            .get_untracked()
            .iter()
            .map(|r| (r.name.get_untracked(), r.value.get_untracked()))
            .filter(|(n, v)| !n.trim().is_empty() || !v.trim().is_empty())
            .collect();
        let typed = credentials.get_untracked();
        let credentials =
            (auth_type == AuthType::Token && !typed.trim().is_empty()).then_some(typed);
        let scheme = if auth_type == AuthType::Token {
            scheme.get_untracked()
        } else {
            String::new()
        };
        let connected_service = (auth_type == AuthType::Oauth2)
            .then(|| service.get_untracked())
            .flatten();
        error.set(None);
        match editing {
            None => {
                create.dispatch(CreateConnection {
                    connection: NewConnection {
                        server,
                        scope,
                        auth_type,
                        user,
                        agent,
                        credentials,
                        authorization_scheme: scheme,
                        extra_headers: header_list,
                        active: active.get_untracked(),
                        connected_service,
                    },
                });
            }
            Some(id) => {
                update.dispatch(UpdateConnection {
                    id,
                    patch: ConnectionPatch {
                        scope: Some(scope),
                        auth_type: Some(auth_type),
                        user: (scope == Scope::User).then_some(user),
                        agent: Some(agent),
                        credentials,
                        authorization_scheme: Some(scheme),
                        extra_headers: Some(header_list),
                        active: Some(active.get_untracked()),
                        connected_service: Some(connected_service),
                        ..ConnectionPatch::default()
                    },
                });
            }
        }
    };

    let has_agents = !agents.is_empty();
    let agents = StoredValue::new(agents);
    let scopes: Vec<Scope> = if role == Role::Admin {
        Scope::ALL.to_vec()
    } else {
        vec![Scope::User]
    };
    let title = if editing.is_some() {
        "Edit connection"
    } else {
        "Add a connection"
    };
    view! {
        <form class="box connection-form" on:submit=on_submit novalidate aria-label=title>
            <h3>{title}</h3>
            <div class="field">
                <label for="connection-scope">"Scope"</label>
                <select
                    id="connection-scope"
                    on:change:target=move |ev| {
                        if let Some(s) = Scope::parse(&ev.target().value()) {
                            scope.set(s);
                        }
                    }
                    aria-describedby="connection-scope-error"
                >
                    {scopes
                        .into_iter()
                        .map(|s| view! {
                            <option value=s.as_str() selected=move || scope.get() == s>{scope_label(s)}</option>
                        })
                        .collect_view()}
                </select>
                <FieldErrorText id="connection-scope-error" message=field_error(ConnectionField::SCOPE) />
            </div>
            <Show when=move || scope.get() == Scope::Agent>
                <div class="field">
                    <label for="connection-agent">"Agent"</label>
                    <Show
                        when=move || has_agents
                        fallback=|| view! {
                            <p class="note" id="connection-agent-none">
                                "This tenant has no agents yet. Create one on the " <a href="/agents">"Agents"</a> " page first."
                            </p>
                        }
                    >
                        <select
                            id="connection-agent"
                            on:change:target=move |ev| agent.set(ev.target().value())
                            aria-invalid=move || aria_bool(field_error(ConnectionField::AGENT).get().is_some())
                            aria-describedby="connection-agent-error"
                        >
                            {agents
                                .get_value()
                                .into_iter()
                                .map(|a| {
                                    let uid = a.unique_id.to_string();
                                    let value = uid.clone();
                                    view! {
                                        <option value=value selected=move || agent.get() == uid>{a.name}</option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </Show>
                    <FieldErrorText id="connection-agent-error" message=field_error(ConnectionField::AGENT) />
                </div>
            </Show>
            <Show when=move || scope.get() == Scope::User && role == Role::Admin>
                <div class="field">
                    <label for="connection-user">"User"</label>
                    <input
                        id="connection-user"
                        type="text"
                        placeholder="username (blank: you)"
                        bind:value=user
                        aria-invalid=move || aria_bool(field_error(ConnectionField::USER).get().is_some())
                        aria-describedby="connection-user-error"
                    />
                    <FieldErrorText id="connection-user-error" message=field_error(ConnectionField::USER) />
                </div>
            </Show>
            <div class="field">
                <label for="connection-auth">"Authentication"</label>
                <select
                    id="connection-auth"
                    on:change:target=move |ev| {
                        if let Some(a) = AuthType::parse(&ev.target().value()) {
                            auth_type.set(a);
                        }
                    }
                    aria-describedby="connection-auth-help"
                >
                    <option value="none" selected=move || auth_type.get() == AuthType::None>"None"</option>
                    <option value="token" selected=move || auth_type.get() == AuthType::Token>"Token"</option>
                    <option value="oauth2" selected=move || auth_type.get() == AuthType::Oauth2>"OAuth2 (a connected account)"</option>
                </select>
                <p class="help" id="connection-auth-help">
                    "OAuth2 shares an account connected at this server's sign-in; a token is a fixed credential."
                </p>
            </div>
            <Show when=move || auth_type.get() == AuthType::Oauth2>
                <ConnectedServicePicker server current=current_service chosen=service
                    error=field_error(ConnectionField::CONNECTED_SERVICE) />
            </Show>
            <Show when=move || auth_type.get() == AuthType::None>
                <p class="note">"No credential is sent: only the header pairs below (and the server's own)."</p>
            </Show>
            <Show when=move || auth_type.get() == AuthType::Token>
                <div class="field">
                    <label for="connection-scheme">"Authorization scheme"</label>
                    <input
                        id="connection-scheme"
                        type="text"
                        maxlength="50"
                        placeholder="Bearer"
                        bind:value=scheme
                        aria-invalid=move || aria_bool(field_error(ConnectionField::SCHEME).get().is_some())
                        aria-describedby="connection-scheme-help connection-scheme-error"
                    />
                    <p class="help" id="connection-scheme-help">
                        "Sent as " <code>"Authorization: <scheme> <credential>"</code>
                        ", unless the credential already starts with a scheme."
                    </p>
                    <FieldErrorText id="connection-scheme-error" message=field_error(ConnectionField::SCHEME) />
                </div>
                <div class="field">
                    <label for="connection-credentials">"Credential"</label>
                    <input
                        id="connection-credentials"
                        type="password"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder=if had_credential { "Stored: leave blank to keep it" } else { "" }
                        bind:value=credentials
                        aria-invalid=move || aria_bool(field_error(ConnectionField::CREDENTIALS).get().is_some())
                        aria-describedby="connection-credentials-error"
                    />
                    <FieldErrorText id="connection-credentials-error" message=field_error(ConnectionField::CREDENTIALS) />
                </div>
            </Show>
            <fieldset class="header-pairs">
                <legend>"Extra headers"</legend>
                <p class="help">
                    "Secret-looking headers (keys, tokens, cookies) are kept in the vault and read back as "
                    <code>{SECRET_HEADER_MASK}</code> "; leave that as it is to keep the stored value."
                </p>
                <For each=move || headers.get() key=|r| r.key let(row)>
                    <div class="header-pair">
                        <input type="text" aria-label="Header name" placeholder="X-Api-Key" bind:value=row.name />
                        <input type="text" aria-label="Header value" bind:value=row.value />
                        <button class="button ghost" type="button"
                            aria-label=move || format!("Remove header {}", row.name.get())
                            on:click=move |_| headers.update(|h| h.retain(|r| r.key != row.key))>
                            "Remove"
                        </button>
                    </div>
                </For>
                <button class="button" type="button"
                    on:click=move |_| headers.update(|h| h.push(new_row(String::new(), String::new())))>
                    "Add header"
                </button>
                <FieldErrorText id="connection-headers-error" message=field_error(ConnectionField::EXTRA_HEADERS) />
            </fieldset>
            <div class="field">
                <label>
                    <input type="checkbox" prop:checked=move || active.get()
                        on:change:target=move |ev| active.set(ev.target().checked()) />
                    " Active"
                </label>
            </div>
            <Show when=move || general_error().is_some()>
                <p class="alert error" role="alert">{general_error}</p>
            </Show>
            <div class="dialog-actions">
                <button class="button ghost" type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button class="button primary" type="submit" disabled=move || pending.get()
                    aria-busy=move || aria_bool(pending.get())>
                    {move || match (pending.get(), editing.is_some()) {
                        (true, _) => "Saving…",
                        (false, true) => "Save connection",
                        (false, false) => "Add connection",
                    }}
                </button>
            </div>
        </form>
    }
    .into_any()
}
