//! `/settings/api-tokens`: the signed-in user's API tokens in this tenant.
//! A new token is shown once, right after it is created; the list shows only
//! names and prefixes.

use leptos::prelude::*;
use leptos_meta::Title;

use super::layout::{AdminOnly, CurrentUser};
use crate::api::auth::SignOutEverywhere;
use crate::api::tokens::{CreateToken, RevokeToken, list_tokens};
use crate::app::components::form::{FieldErrorText, aria_bool};
use crate::app::components::time::when;
use crate::app::components::toasts::use_toasts;
use crate::domain::token::LIFETIME_CHOICES_DAYS;
use crate::domain::{ApiTokenView, AppError, CreatedToken, NewApiToken, TokenKind};

/// The page inside the signed-in layout (see `app::App`'s routes).
#[component]
pub fn TokensPage() -> impl IntoView {
    view! {
        <Title text="API tokens" />
        <TokensView user=CurrentUser::get() />
    }
}

#[island(lazy)]
fn TokensView(user: CurrentUser) -> impl IntoView {
    provide_context(user);
    let version = RwSignal::new(0u32);
    let tokens = Resource::new(move || version.get(), |_| list_tokens());
    let created = RwSignal::new(None::<CreatedToken>);
    let refresh = move || version.update(|v| *v += 1);

    view! {
        <div class="page-header">
            <h1>"API tokens"</h1>
        </div>
        <p class="lede">
            "Tokens let scripts and agents call Switchboard's REST APIs as you, in this tenant, with your role. "
            "Send one as " <code>"Authorization: Token …"</code> " or " <code>"Authorization: Bearer …"</code> "."
        </p>
        <CreateTokenForm on_created=move |c: CreatedToken| {
            created.set(Some(c));
            refresh();
        } />
        <Show when=move || created.with(Option::is_some)>
            <NewTokenNotice created=created />
        </Show>
        <h2 class="section-title">"Your tokens"</h2>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading your tokens…"</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Err(e) => view! {
                        <div class="alert error" role="alert">
                            <p>"Could not load your tokens: " {e.to_string()}</p>
                            <button class="button" type="button" on:click=move |_| refresh()>"Retry"</button>
                        </div>
                    }
                    .into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <div class="empty">
                            <p class="empty-title">"No API tokens yet"</p>
                            <p>"Create one above to call the REST API from a script."</p>
                        </div>
                    }
                    .into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap" role="region" aria-label="Your API tokens, newest first" tabindex="0">
                            <table class="data-table tokens">
                                <caption class="visually-hidden">"Your API tokens, newest first"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Token"</th>
                                        <th scope="col">"Created"</th>
                                        <th scope="col">"Last used"</th>
                                        <th scope="col">"Expires"</th>
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|t| view! { <TokenRow token=t on_revoked=move || refresh() /> })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Transition>
        <UsageHint />
        <SessionsSection />
    }
}

/// Ends every session of this user: for a lost laptop, or a browser left
/// signed in somewhere else.
#[component]
fn SessionsSection() -> impl IntoView {
    let action = ServerAction::<SignOutEverywhere>::new();
    let error = Memo::new(move |_| action.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            let _ = window().location().set_href("/login");
        }
    });
    view! {
        <h2 class="section-title">"Sessions"</h2>
        <p>
            "Signed in on a computer you no longer use? End every session of yours, "
            "in every browser and tenant, this one included."
        </p>
        <p>
            <button
                class="button"
                type="button"
                on:click=move |_| {
                    action.dispatch(SignOutEverywhere {});
                }
                disabled=move || action.pending().get()
            >
                {move || if action.pending().get() { "Signing out…" } else { "Sign out everywhere" }}
            </button>
        </p>
        {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e.to_string()}</p> })}
    }
}

#[component]
fn CreateTokenForm(#[prop(into)] on_created: Callback<CreatedToken>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(TokenKind::User);
    let lifetime_days = RwSignal::new(0u64);
    let error = RwSignal::new(None::<AppError>);
    let create = ServerAction::<CreateToken>::new();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(c)) => {
            name.set(String::new());
            kind.set(TokenKind::User);
            lifetime_days.set(0);
            error.set(None);
            on_created.run(c);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let name_error =
        Signal::derive(move || error.get().and_then(|e| e.field_message(NewApiToken::NAME)));
    let general_error = move || error.get().and_then(|e| e.general_message());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if create.pending().get_untracked() {
            return;
        }
        let days = lifetime_days.get_untracked();
        let mut token = NewApiToken {
            name: name.get_untracked(),
            kind: kind.get_untracked(),
            expires_in_secs: (days > 0).then_some(days * 86_400),
        };
        match token.validate() {
            Ok(()) => {
                error.set(None);
                create.dispatch(CreateToken { token });
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <form class="inline-form" on:submit=on_submit novalidate>
            <div class="field">
                <label for="token-name">"Token name"</label>
                <input
                    id="token-name"
                    type="text"
                    maxlength="60"
                    placeholder="e.g. deploy script"
                    required
                    bind:value=name
                    aria-invalid=move || aria_bool(name_error.get().is_some())
                    aria-describedby="token-name-error"
                />
                <FieldErrorText id="token-name-error" message=name_error />
            </div>
            <div class="field">
                <label for="token-expires">"Expires"</label>
                <select id="token-expires"
                    prop:value=move || lifetime_days.get().to_string()
                    on:change:target=move |ev| lifetime_days.set(ev.target().value().parse().unwrap_or(0))>
                    {LIFETIME_CHOICES_DAYS
                        .into_iter()
                        .map(|days| {
                            let label = match days {
                                0 => "Never".to_owned(),
                                365 => "In a year".to_owned(),
                                d => format!("In {d} days"),
                            };
                            view! { <option value=days.to_string()>{label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <AdminOnly>
                <div class="field">
                    <label>
                        <input
                            type="checkbox"
                            prop:checked=move || kind.get() == TokenKind::Runtime
                            on:change:target=move |ev| kind.set(if ev.target().checked() {
                                TokenKind::Runtime
                            } else {
                                TokenKind::User
                            })
                            aria-describedby="token-kind-help"
                        />
                        " Runtime token"
                    </label>
                    <p id="token-kind-help" class="help">
                        "For an agent runtime: it may only call " <code>"POST /api/runtime/resolve"</code>
                        ", which hands out the credentials this tenant's servers need."
                    </p>
                </div>
            </AdminOnly>
            <button class="button primary" type="submit" disabled=move || create.pending().get()>
                {move || if create.pending().get() { "Creating…" } else { "Create token" }}
            </button>
            {move || general_error().map(|m| view! { <p class="alert error" role="alert">{m}</p> })}
        </form>
    }
}

/// The one time the token is visible: selectable text and a copy button.
#[component]
fn NewTokenNotice(created: RwSignal<Option<CreatedToken>>) -> impl IntoView {
    let toasts = use_toasts();
    let secret = move || created.with(|c| c.as_ref().map(|c| c.secret.clone()).unwrap_or_default());
    let name =
        move || created.with(|c| c.as_ref().map(|c| c.token.name.clone()).unwrap_or_default());
    let copy = move |_| toasts.copy(secret(), "Token");
    view! {
        <section class="alert ok new-token" role="status" aria-labelledby="new-token-title">
            <h2 id="new-token-title">{move || format!("Token “{}” created", name())}</h2>
            <p>"Copy it now: it will not be shown again. Anyone with it can act as you in this tenant."</p>
            <div class="copy-row">
                <label class="visually-hidden" for="new-token-value">"New token"</label>
                <input id="new-token-value" class="mono" type="text" readonly prop:value=secret
                    on:focus:target=move |ev| ev.target().select() />
                <button class="button" type="button" on:click=copy>"Copy"</button>
                <button class="button ghost" type="button" on:click=move |_| created.set(None)>"Done"</button>
            </div>
        </section>
    }
}

#[component]
fn TokenRow(token: ApiTokenView, #[prop(into)] on_revoked: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let revoke = ServerAction::<RevokeToken>::new();
    let confirming = RwSignal::new(false);
    let id = token.id;
    let label = StoredValue::new(token.name.clone());
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => {
            toasts.success(format!("Revoked “{}”.", label.get_value()));
            on_revoked.run(());
        }
        Some(Err(e)) => toasts.error(format!("Could not revoke: {e}")),
        None => {}
    });
    view! {
        <tr>
            <td>
                {token.name.clone()}
                {(token.kind == TokenKind::Runtime)
                    .then(|| view! { " " <span class="badge off" title="May only resolve credentials">"runtime"</span> })}
            </td>
            <td class="mono">{format!("{}…", token.prefix)}</td>
            <td class="nowrap">{when(token.created_at)}</td>
            <td class="nowrap">{token.last_used_at.map(when).unwrap_or_else(|| "Never".to_owned())}</td>
            <td class="nowrap">
                {token.expires_at.map(when).unwrap_or_else(|| "Never".to_owned())}
                {token.expired.then(|| view! { " " <span class="badge error">"expired"</span> })}
            </td>
            <td class="actions">
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button class="button danger-outline" type="button"
                            aria-label=format!("Revoke {}", label.get_value())
                            on:click=move |_| confirming.set(true)>"Revoke"</button>
                    }
                >
                    <span role="alert" class="confirm">"Scripts using it stop working. "</span>
                    <button class="button danger" type="button" disabled=move || revoke.pending().get()
                        on:click=move |_| { revoke.dispatch(RevokeToken { id }); }>
                        {move || if revoke.pending().get() { "Revoking…" } else { "Revoke now" }}
                    </button>
                    <button class="button ghost" type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                </Show>
            </td>
        </tr>
    }
}

/// How to use a token, with this tenant's slug filled in.
#[component]
fn UsageHint() -> impl IntoView {
    let slug = CurrentUser::get()
        .tenant_slug()
        .unwrap_or_else(|| "<tenant>".into());
    view! {
        <details class="usage">
            <summary>"Using a token"</summary>
            <pre class="mono">{format!(
                "curl -H 'Authorization: Token <token>' -H 'x-tenant-slug: {slug}' \\\n  http://<host>/api/skills/mcp-servers"
            )}</pre>
            <p>"The OpenAPI description of both REST APIs is at " <a href="/api/openapi.json">"/api/openapi.json"</a> "."</p>
        </details>
    }
}
