//! How an OAuth server's users connect: discovered from the server (the
//! default), one of the tenant's OAuth services, or the admin's own app
//! entered here (client id and secret, endpoints, scopes), which then
//! comes first. Part of the Register Server form.

use leptos::prelude::*;

use crate::api::oauth_services::{list_oauth_services, oauth_redirect_uri};
use crate::app::components::form::{FieldErrorText, aria_bool};
use crate::domain::oauth_service::OAuthServiceField as F;
use crate::domain::{AppError, NewAdminClient, OAuthServiceId};

/// What the form chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientChoice {
    Discover,
    Existing(OAuthServiceId),
    Enter,
}

impl ClientChoice {
    fn value(self) -> String {
        match self {
            ClientChoice::Discover => "discover".into(),
            ClientChoice::Enter => "enter".into(),
            ClientChoice::Existing(id) => id.to_string(),
        }
    }

    fn parse(raw: &str) -> Self {
        match raw {
            "enter" => ClientChoice::Enter,
            other => OAuthServiceId::parse(other)
                .map(ClientChoice::Existing)
                .unwrap_or(ClientChoice::Discover),
        }
    }
}

/// The fields of a client being entered.
#[derive(Clone, Copy)]
pub struct ClientDraft {
    pub name: RwSignal<String>,
    pub client_id: RwSignal<String>,
    pub client_secret: RwSignal<String>,
    pub authorization_endpoint: RwSignal<String>,
    pub token_endpoint: RwSignal<String>,
    pub scopes: RwSignal<String>,
    pub issuer: RwSignal<String>,
    pub secret_in_body: RwSignal<bool>,
}

impl ClientDraft {
    pub fn new() -> Self {
        Self {
            name: RwSignal::new(String::new()),
            client_id: RwSignal::new(String::new()),
            client_secret: RwSignal::new(String::new()),
            authorization_endpoint: RwSignal::new(String::new()),
            token_endpoint: RwSignal::new(String::new()),
            scopes: RwSignal::new(String::new()),
            issuer: RwSignal::new(String::new()),
            secret_in_body: RwSignal::new(false),
        }
    }

    /// The client as entered, checked as the server checks it.
    pub fn to_client(self) -> Result<NewAdminClient, AppError> {
        let secret = self.client_secret.get_untracked();
        let mut client = NewAdminClient {
            name: self.name.get_untracked(),
            client_id: self.client_id.get_untracked(),
            client_secret: Some(secret).filter(|s| !s.trim().is_empty()),
            authorization_endpoint: self.authorization_endpoint.get_untracked(),
            token_endpoint: self.token_endpoint.get_untracked(),
            scopes: self.scopes.get_untracked(),
            issuer: self.issuer.get_untracked(),
            use_basic_auth: !self.secret_in_body.get_untracked(),
            ..NewAdminClient::default()
        };
        client.validate()?;
        Ok(client)
    }
}

/// A client's field errors live under `oauth_<field>` in the dialog (its
/// `name` is not the server's).
pub const ERROR_PREFIX: &str = "oauth_";

#[component]
pub fn OAuthClientChoice(
    choice: RwSignal<ClientChoice>,
    draft: ClientDraft,
    /// The dialog's error, read here for the client's own fields.
    error: RwSignal<Option<AppError>>,
    /// Bumped when a client was just entered, to read the list again.
    #[prop(into)]
    reload: Signal<u32>,
) -> impl IntoView {
    let services = Resource::new(move || reload.get(), |_| list_oauth_services());
    let redirect = Resource::new(|| (), |_| oauth_redirect_uri());
    let field_error = move |field: &'static str| {
        Signal::derive(move || {
            error
                .get()
                .and_then(|e| e.field_message(&format!("{ERROR_PREFIX}{field}")))
        })
    };
    let input = move |id: &'static str,
                      label: &'static str,
                      field: &'static str,
                      value: RwSignal<String>,
                      kind: &'static str,
                      placeholder: &'static str| {
        let error_id = format!("{id}-error");
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type=kind
                    autocomplete="off"
                    spellcheck="false"
                    placeholder=placeholder
                    bind:value=value
                    aria-invalid=move || aria_bool(field_error(field).get().is_some())
                    aria-describedby=error_id.clone()
                />
                <FieldErrorText id=error_id message=field_error(field) />
            </div>
        }
    };

    view! {
        <div class="field">
            <label for="server-oauth-client">"OAuth client"</label>
            <select
                id="server-oauth-client"
                aria-describedby="server-oauth-client-help"
                on:change:target=move |ev| choice.set(ClientChoice::parse(&ev.target().value()))
            >
                <option value="discover" selected=move || choice.get() == ClientChoice::Discover>
                    "Discover from the server (recommended)"
                </option>
                <Suspense fallback=|| ()>
                    {move || {
                        services
                            .get()
                            .and_then(Result::ok)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|s| {
                                let this = ClientChoice::Existing(s.id);
                                view! {
                                    <option value=this.value() selected=move || choice.get() == this>
                                        {format!("{} ({})", s.display_name, s.provider)}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </Suspense>
                <option value="enter" selected=move || choice.get() == ClientChoice::Enter>
                    "Enter your own app’s client…"
                </option>
            </select>
            <p class="help" id="server-oauth-client-help">
                "Discovery registers Switchboard with the server’s authorization server by itself. \
                 Enter a client when it offers no registration, or to use your own app."
            </p>
        </div>
        <Show when=move || choice.get() == ClientChoice::Enter>
            <fieldset class="subform">
                <legend>"Your app’s client"</legend>
                <p class="help">
                    "Register this redirect URI with the app: "
                    <code data-testid="oauth-redirect-uri">
                        <Suspense fallback=|| "…">
                            {move || redirect.get().and_then(Result::ok).unwrap_or_default()}
                        </Suspense>
                    </code>
                </p>
                {input("oauth-name", "Service name", F::NAME, draft.name, "text", "acme-drive")}
                {input("oauth-client-id", "Client ID", F::CLIENT_ID, draft.client_id, "text", "")}
                {input("oauth-client-secret", "Client secret (optional)", F::CLIENT_SECRET, draft.client_secret, "password", "")}
                {input("oauth-authorize", "Authorization endpoint", F::AUTHORIZATION_ENDPOINT, draft.authorization_endpoint, "url", "https://id.example.com/authorize")}
                {input("oauth-token", "Token endpoint", F::TOKEN_ENDPOINT, draft.token_endpoint, "url", "https://id.example.com/token")}
                {input("oauth-scopes", "Scopes (optional)", F::SCOPES, draft.scopes, "text", "read write")}
                {input("oauth-issuer", "Issuer (optional: checked against the answer’s iss)", F::ISSUER, draft.issuer, "url", "https://id.example.com")}
                <div class="field checkbox">
                    <input id="oauth-secret-in-body" type="checkbox" bind:checked=draft.secret_in_body />
                    <label for="oauth-secret-in-body">"Send the secret in the form body (client_secret_post)"</label>
                </div>
            </fieldset>
        </Show>
    }
}
