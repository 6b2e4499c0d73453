//! The connected service an `oauth2` connection sends the token of: the
//! caller's own account at this server (a grant is only ever made for one
//! server, and only its owner may share it), or the one the connection
//! already has. Connecting happens in the dialog's "Your account" panel;
//! this only picks.

use leptos::prelude::*;

use crate::api::oauth::my_grant;
use crate::app::components::form::{FieldErrorText, aria_bool};
use crate::app::components::time::when;
use crate::domain::{AuthStatus, GrantId, GrantView, ServerId};

/// What the caller's own account reads as in the list.
fn own_label(grant: &GrantView) -> String {
    match (grant.status, grant.expires_at) {
        (AuthStatus::Expired, _) => "Your account (expired: reconnect it to use it)".to_owned(),
        (_, Some(at)) => format!(
            "Your account (token renewed as needed; current one until {})",
            when(at)
        ),
        (_, None) => "Your account".to_owned(),
    }
}

#[component]
pub(super) fn ConnectedServicePicker(
    server: ServerId,
    /// The connection's current service, kept unless another is picked.
    current: Option<GrantId>,
    chosen: RwSignal<Option<GrantId>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let grant = Resource::new(|| (), move |_| my_grant(server));
    view! {
        <div class="field">
            <label for="connection-service">"Connected service"</label>
            <Suspense fallback=|| view! { <p class="loading" role="status">"Loading your connected account…"</p> }>
                {move || Suspend::new(async move {
                    let own = match grant.await {
                        Ok(g) => g,
                        Err(e) => {
                            return view! {
                                <p class="alert error" role="alert">
                                    "Could not load your connected account: " {e.to_string()}
                                </p>
                            }
                            .into_any();
                        }
                    };
                    let own_id = own.id;
                    let mut options: Vec<(GrantId, String)> = Vec::new();
                    if let Some(id) = current.filter(|c| Some(*c) != own_id) {
                        options.push((id, "The one it has now (another person's account)".to_owned()));
                    }
                    if let Some(id) = own_id {
                        options.push((id, own_label(&own)));
                    }
                    if chosen.get_untracked().is_none() {
                        chosen.set(current.or(own_id));
                    }
                    if options.is_empty() {
                        return view! {
                            <p class="note" id="connection-service-none">
                                "You have not connected your account at this server. Connect it under "
                                <strong>"Overview → Your account"</strong>
                                ", then come back: the connection will send that account's token."
                            </p>
                        }
                        .into_any();
                    }
                    view! {
                        <select
                            id="connection-service"
                            on:change:target=move |ev| chosen.set(GrantId::parse(&ev.target().value()))
                            aria-invalid=move || aria_bool(error.get().is_some())
                            aria-describedby="connection-service-help connection-service-error"
                        >
                            {options
                                .into_iter()
                                .map(|(id, label)| view! {
                                    <option value=id.to_string() selected=move || chosen.get() == Some(id)>{label}</option>
                                })
                                .collect_view()}
                        </select>
                    }
                    .into_any()
                })}
            </Suspense>
            <p class="help" id="connection-service-help">
                "Calls through this connection carry that account's OAuth token, renewed when it is due. "
                "A user connection uses that user's own account, so they make it themselves."
            </p>
            <FieldErrorText id="connection-service-error" message=error />
        </div>
    }
}
