//! "Register Server": the AddServerDialog form.

use leptos::prelude::*;

use super::oauth_client::{ClientChoice, ClientDraft, ERROR_PREFIX, OAuthClientChoice};
use crate::api::oauth_services::CreateOauthClient;
use crate::api::servers::RegisterServer;
use crate::app::components::dialog::Dialog;
use crate::app::components::form::{FieldErrorText, aria_bool};
use crate::app::components::toasts::use_toasts;
use crate::domain::{
    AppError, AuthType, FieldError, NewServer, ServerField, ServerId, Transport, UrlSecret,
};

/// A client's field errors, moved under the dialog's `oauth_` fields.
fn client_error(e: AppError) -> AppError {
    match e {
        AppError::Invalid(fields) => AppError::Invalid(
            fields
                .into_iter()
                .map(|f| FieldError::new(format!("{ERROR_PREFIX}{}", f.field), f.message))
                .collect(),
        ),
        other => other,
    }
}

#[component]
pub fn AddServerDialog(
    #[prop(into)] on_close: Callback<()>,
    #[prop(into)] on_saved: Callback<ServerId>,
) -> impl IntoView {
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let url_secret = RwSignal::new(UrlSecret::None);
    let transport = RwSignal::new(Transport::StreamableHttp);
    let auth_type = RwSignal::new(AuthType::None);
    let api_key = RwSignal::new(String::new());
    // Client-side and server-side problems land in the same place.
    let error = RwSignal::new(None::<AppError>);
    let register = ServerAction::<RegisterServer>::new();
    let create_client = ServerAction::<CreateOauthClient>::new();
    let oauth_choice = RwSignal::new(ClientChoice::Discover);
    let draft = ClientDraft::new();
    let reload = RwSignal::new(0u32);

    // The server as the form says; checked as the server checks it.
    let server_from_form = move || {
        let mut server = NewServer {
            name: name.get_untracked(),
            url: url.get_untracked(),
            url_secret: url_secret.get_untracked(),
            transport: transport.get_untracked(),
            auth_type: auth_type.get_untracked(),
            api_key: Some(api_key.get_untracked()).filter(|k| !k.is_empty()),
            ..Default::default()
        };
        if let (AuthType::Oauth2, ClientChoice::Existing(id)) =
            (server.auth_type, oauth_choice.get_untracked())
        {
            server.oauth_service = Some(id);
        }
        server.validate().map(|()| server)
    };

    // A client just entered is chosen (a failed registration that follows
    // then reuses it), and the server goes on to be registered with it.
    Effect::new(move |_| match create_client.value().get() {
        Some(Ok(service)) => {
            oauth_choice.set(ClientChoice::Existing(service.id));
            reload.update(|n| *n += 1);
            match server_from_form() {
                Ok(server) => {
                    register.dispatch(RegisterServer { server });
                }
                Err(e) => error.set(Some(e)),
            }
        }
        Some(Err(e)) => error.set(Some(client_error(e))),
        None => {}
    });

    Effect::new(move |_| match register.value().get() {
        Some(Ok(server)) => {
            toasts.success(format!("Registered “{}”.", server.name));
            on_saved.run(server.id);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });

    let field_error = move |field: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(field)))
    };
    let general_error = move || error.get().and_then(|e| e.general_message());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if register.pending().get_untracked() || create_client.pending().get_untracked() {
            return;
        }
        let server = match server_from_form() {
            Ok(server) => server,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        if server.auth_type == AuthType::Oauth2
            && oauth_choice.get_untracked() == ClientChoice::Enter
        {
            match draft.to_client() {
                Ok(client) => {
                    error.set(None);
                    create_client.dispatch(CreateOauthClient { client });
                }
                Err(e) => error.set(Some(client_error(e))),
            }
            return;
        }
        error.set(None);
        register.dispatch(RegisterServer { server });
    };

    view! {
        <Dialog id="add-server" title="Register Server" on_close=on_close>
            <form on:submit=on_submit novalidate>
                <div class="field">
                    <label for="server-name">"Name"</label>
                    <input
                        id="server-name"
                        type="text"
                        maxlength="100"
                        required
                        bind:value=name
                        aria-invalid=move || aria_bool(field_error(ServerField::NAME).get().is_some())
                        aria-describedby="server-name-error"
                    />
                    <FieldErrorText id="server-name-error" message=field_error(ServerField::NAME) />
                </div>
                <div class="field">
                    <label for="server-url">"URL"</label>
                    <input
                        id="server-url"
                        type="url"
                        placeholder=move || if transport.get() == Transport::WebSocket { "wss://mcp.example.com/ws" } else { "https://mcp.example.com/mcp" }
                        required
                        bind:value=url
                        aria-invalid=move || aria_bool(field_error(ServerField::URL).get().is_some())
                        aria-describedby="server-url-error"
                    />
                    <FieldErrorText id="server-url-error" message=field_error(ServerField::URL) />
                </div>
                <div class="field">
                    <label for="server-url-secret">"Secret part of the URL"</label>
                    <select
                        id="server-url-secret"
                        aria-describedby="server-url-secret-help"
                        on:change:target=move |ev| {
                            if let Some(w) = UrlSecret::parse(&ev.target().value()) {
                                url_secret.set(w);
                            }
                        }
                    >
                        {UrlSecret::ALL
                            .into_iter()
                            .map(|w| {
                                view! {
                                    <option value=w.as_str() selected=move || url_secret.get() == w>
                                        {w.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <p class="help" id="server-url-secret-help">
                        "For a URL that is itself a credential: that part goes to the vault, and everyone reads it as ••••."
                    </p>
                </div>
                <div class="field">
                    <label for="server-transport">"Transport"</label>
                    <select
                        id="server-transport"
                        on:change:target=move |ev| {
                            if let Some(t) = Transport::parse(&ev.target().value()) {
                                transport.set(t);
                            }
                        }
                    >
                        <option value="streamable_http" selected=move || transport.get() == Transport::StreamableHttp>
                            "Streamable HTTP (recommended)"
                        </option>
                        <option value="sse" selected=move || transport.get() == Transport::Sse>
                            "SSE"
                        </option>
                        <option value="websocket" selected=move || transport.get() == Transport::WebSocket>
                            "WebSocket"
                        </option>
                    </select>
                </div>
                <div class="field">
                    <label for="server-auth">"Authentication"</label>
                    <select
                        id="server-auth"
                        on:change:target=move |ev| {
                            if let Some(a) = AuthType::parse(&ev.target().value()) {
                                auth_type.set(a);
                            }
                        }
                    >
                        {AuthType::ALL
                            .into_iter()
                            .map(|a| {
                                view! {
                                    <option value=a.as_str() selected=move || auth_type.get() == a>
                                        {a.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <Show when=move || auth_type.get() == AuthType::Token>
                    <div class="field">
                        <label for="server-api-key">"API Key"</label>
                        <input
                            id="server-api-key"
                            type="password"
                            autocomplete="off"
                            spellcheck="false"
                            required
                            bind:value=api_key
                            aria-invalid=move || aria_bool(field_error(ServerField::API_KEY).get().is_some())
                            aria-describedby="server-api-key-help server-api-key-error"
                        />
                        <p class="help" id="server-api-key-help">
                            "Stored in the credential vault and never shown again. Sent as "
                            <code>"Authorization: Bearer <key>"</code>
                            " unless it already starts with a scheme such as “Token ”."
                        </p>
                        <FieldErrorText id="server-api-key-error" message=field_error(ServerField::API_KEY) />
                    </div>
                </Show>
                <Show when=move || auth_type.get() == AuthType::Oauth2>
                    <p class="note">"Each user will need to connect their own account."</p>
                    <OAuthClientChoice choice=oauth_choice draft=draft error=error reload=reload />
                </Show>
                <Show when=move || general_error().is_some()>
                    <p class="alert error" role="alert">{general_error}</p>
                </Show>
                <div class="dialog-actions">
                    <button class="button ghost" type="button" on:click=move |_| on_close.run(())>
                        "Cancel"
                    </button>
                    <button
                        class="button primary"
                        type="submit"
                        disabled=move || register.pending().get() || create_client.pending().get()
                        aria-busy=move || aria_bool(register.pending().get() || create_client.pending().get())
                    >
                        {move || {
                            if create_client.pending().get() {
                                "Saving the client…"
                            } else if register.pending().get() {
                                "Registering…"
                            } else {
                                "Register"
                            }
                        }}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}
