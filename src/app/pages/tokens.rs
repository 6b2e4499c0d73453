//! `/settings/api-tokens`: the signed-in user's API tokens in this tenant.
//! A new token is shown once, right after it is created; the list shows only
//! names and prefixes.

use leptos::prelude::*;
use leptos_meta::Title;

use super::layout::CurrentUser;
use crate::api::auth::SignOutEverywhere;
use crate::api::tokens::{CreateToken, RevokeToken, list_tokens};
use crate::app::components::form::{ConfirmPanel, FieldSlot, FormError, live_action};
use crate::app::components::live_list::{EmptyResults, LivePage, LiveResults, LoadFailed};
use crate::app::components::time::when;
use crate::domain::token::LIFETIME_CHOICES_DAYS;
use crate::domain::{ApiTokenView, AppError, NewApiToken, TokenId, TokenKind};

/// The id of the list's results region, which the live list swaps.
const RESULTS: &str = "tokens-results";

/// The page inside the signed-in layout (see `app::App`'s routes). The
/// server renders it, the list too; the create form, each row's Revoke and
/// the sign-out-everywhere button are islands.
#[component]
pub fn TokensPage() -> impl IntoView {
    view! {
        <Title text="API tokens" />
        <LivePage results=RESULTS.to_owned()>
            <div class="page-header">
                <h1>"API tokens"</h1>
            </div>
            <p class="lede">
                "Tokens let scripts and agents call Switchboard's REST APIs as you, in this tenant, with your role. "
                "Send one as " <code>"Authorization: Token …"</code> " or " <code>"Authorization: Bearer …"</code> "."
            </p>
            {create_token_form(CurrentUser::get().is_admin())}
            <h2 class="section-title">"Your tokens"</h2>
            <LiveResults id=RESULTS loading="Loading your tokens…" query=() load=|()| list_tokens() render=results />
            <UsageHint />
            <SessionsSection />
        </LivePage>
    }
}

fn results(fetched: Result<Vec<ApiTokenView>, AppError>, _: &()) -> AnyView {
    match fetched {
        Err(e) => view! {
            <LoadFailed what="your tokens" retry="/settings/api-tokens" error=e />
        }
        .into_any(),
        Ok(list) if list.is_empty() => view! {
            <EmptyResults title="No API tokens yet">
                <p>"Create one above to call the REST API from a script."</p>
            </EmptyResults>
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
                    <tbody>{list.into_iter().map(token_row).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any(),
    }
}

fn token_row(token: ApiTokenView) -> impl IntoView {
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
                {revoke_button(token.id, &token.name)}
            </td>
        </tr>
    }
}

/// Ends every session of this user: for a lost laptop, or a browser left
/// signed in somewhere else.
#[component]
fn SessionsSection() -> impl IntoView {
    view! {
        <h2 class="section-title">"Sessions"</h2>
        <p>
            "Signed in on a computer you no longer use? End every session of yours, "
            "in every browser and tenant, this one included."
        </p>
        <form data-live-form={live_action::<SignOutEverywhere>()} data-encoding="url" data-then="/login">
            <p>
                <button class="button" type="submit" data-pending="Signing out…">"Sign out everywhere"</button>
            </p>
            <FormError />
        </form>
    }
}

/// The create form and, once a token is made, the one notice that shows it
/// (filled in the browser from the answer; the server never renders a
/// token).
fn create_token_form(admin: bool) -> impl IntoView {
    view! {
        <form class="inline-form" novalidate aria-label="Create a token"
            data-live-form={live_action::<CreateToken>()} data-reset="" data-reveal="new-token">
            <div class="field">
                <label for="token-name">"Token name"</label>
                <input id="token-name" name="token.name" type="text" maxlength="60"
                    placeholder="e.g. deploy script" required aria-invalid="false"
                    aria-describedby="token-name-error" />
                <FieldSlot id="token-name-error" field=NewApiToken::NAME />
            </div>
            <div class="field">
                <label for="token-expires">"Expires"</label>
                <select id="token-expires" name="token.expires_in_secs" data-type="number" data-optional="">
                    {LIFETIME_CHOICES_DAYS
                        .into_iter()
                        .map(|days| {
                            let label = match days {
                                0 => "Never".to_owned(),
                                365 => "In a year".to_owned(),
                                d => format!("In {d} days"),
                            };
                            // Never is no lifetime at all: left out.
                            let secs = if days == 0 { String::new() } else { (days * 86_400).to_string() };
                            view! { <option value=secs selected=days == 0>{label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            {admin.then(|| view! {
                <div class="field">
                    <label>
                        <input type="checkbox" name="token.kind" value="runtime" data-unchecked="user"
                            aria-describedby="token-kind-help" />
                        " Runtime token"
                    </label>
                    <p id="token-kind-help" class="help">
                        "For an agent runtime: it may only call " <code>"POST /api/runtime/resolve"</code>
                        ", which hands out the credentials this tenant's servers need."
                    </p>
                </div>
            })}
            <button class="button primary" type="submit" data-pending="Creating…">"Create token"</button>
            <FormError />
        </form>
        <section id="new-token" class="alert ok new-token" role="status" aria-labelledby="new-token-title"
            hidden data-panel="">
            <h2 id="new-token-title" data-fill="Token “{token.name}” created"></h2>
            <p>"Copy it now: it will not be shown again. Anyone with it can act as you in this tenant."</p>
            <div class="copy-row">
                <label class="visually-hidden" for="new-token-value">"New token"</label>
                <input id="new-token-value" class="mono" type="text" readonly data-fill="{secret}" />
                <button class="button" type="button" data-copy-from="new-token-value" data-copy-what="Token">
                    "Copy"
                </button>
                <button class="button ghost" type="button" data-close="">"Done"</button>
            </div>
        </section>
    }
}

/// A row's Revoke, with a confirmation step; the list then reloads.
fn revoke_button(id: TokenId, name: &str) -> impl IntoView + use<> {
    let panel = format!("revoke-{id}");
    view! {
        <span data-openers="">
            <button class="button danger-outline" type="button" id=format!("{panel}-open")
                data-open=panel.clone() aria-label=format!("Revoke {name}")>"Revoke"</button>
        </span>
        <ConfirmPanel id=panel warning="Scripts using it stop working."
            action={live_action::<RevokeToken>()} done=format!("Revoked “{name}”.")
            now="Revoke now" pending="Revoking…">
            <input type="hidden" name="id" data-type="number" value=id.to_string() />
        </ConfirmPanel>
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
