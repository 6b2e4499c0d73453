//! Connecting the caller's own account at an OAuth server: where they
//! stand, Authenticate / Re-authenticate in a popup, and Disconnect.
//!
//! The popup opens our authorize route, which redirects to the
//! authorization server; the flow ends on the callback page, which posts a
//! [`ConnectOutcome`] to this window (our origin only) and closes. The
//! outcome is read back with the same type the server wrote it with, so the
//! status here changes without a reload. A popup the user closes early is
//! noticed too, and a blocked popup gets a link instead.

use std::time::Duration;

use leptos::prelude::*;
use leptos::reactive::send_wrapper_ext::SendOption;
use wasm_bindgen::JsCast;

use crate::api::oauth::{DisconnectAccount, my_grant};
use crate::app::components::form::aria_bool;
use crate::app::components::time::when;
use crate::app::components::toasts::use_toasts;
use crate::domain::oauth::authorize_path;
use crate::domain::{AuthStatus, ConnectOutcome, GrantView, ServerId};

/// How often the page looks whether the popup is still open.
const POLL: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Idle,
    /// The popup is open: the user is signing in there.
    Waiting,
    /// The browser refused to open the popup: a link opens it instead.
    Blocked(String),
    /// The popup closed without telling us anything.
    Abandoned,
    Failed(String),
}

/// The id of the panel's main button (Authenticate, Re-authenticate).
pub fn primary_button_id(server: ServerId) -> String {
    format!("account-{server}")
}

/// The status line and buttons for one server. `on_changed` runs after a
/// connect or disconnect, so whoever holds `grant` can read it again; the
/// holder then renders this anew, with `focus` set so that focus lands on
/// the new main button rather than on the page behind a dialog.
#[component]
pub fn AccountConnection(
    server: ServerId,
    #[prop(into)] name: String,
    grant: GrantView,
    #[prop(into)] on_changed: Callback<()>,
    #[prop(optional)] focus: bool,
) -> impl IntoView {
    let primary = NodeRef::<leptos::html::Button>::new();
    if focus {
        // A frame later: a `Transition` puts the new panel in the page only
        // after building it, and the old one (with the same buttons) may
        // still be there when this runs.
        Effect::new(move |_| {
            if let Some(button) = primary.get() {
                request_animation_frame(move || {
                    let _ = button.focus();
                });
            }
        });
    }
    let toasts = use_toasts();
    let phase = RwSignal::new(Phase::Idle);
    // Browser-only values, kept as `SendOption`s: empty ones hold no
    // `SendWrapper`, so the server, which renders this component and drops
    // it on whichever thread, never touches one from another thread (a
    // panic that cut /integrations short).
    let popup = StoredValue::new(SendOption::new_local(None::<web_sys::Window>));
    let watch = StoredValue::new(None::<IntervalHandle>);
    let name = StoredValue::new(name);
    let disconnect = ServerAction::<DisconnectAccount>::new();

    let stop_watching = move || {
        if let Some(handle) = watch.get_value() {
            handle.clear();
        }
        watch.set_value(None);
        popup.set_value(SendOption::new_local(None));
    };

    let listener = window_event_listener_untyped("message", move |ev| {
        let Ok(ev) = ev.dyn_into::<web_sys::MessageEvent>() else {
            return;
        };
        // Only the callback page, which is ours, may say how it went.
        if Ok(ev.origin()) != window().location().origin() {
            return;
        }
        let Some(text) = js_sys::JSON::stringify(&ev.data())
            .ok()
            .and_then(|s| s.as_string())
        else {
            return;
        };
        let Some(outcome) = ConnectOutcome::from_message(&text) else {
            return;
        };
        if outcome.server_id != Some(server) {
            return;
        }
        stop_watching();
        if outcome.ok {
            phase.set(Phase::Idle);
            toasts.success(format!(
                "Your account at “{}” is connected.",
                name.read_value()
            ));
            on_changed.run(());
        } else {
            phase.set(Phase::Failed(outcome.message.unwrap_or_else(|| {
                "Connecting failed. Try again, or ask an admin to test the server.".into()
            })));
        }
    });
    on_cleanup(move || {
        listener.remove();
        stop_watching();
    });

    let connect = move |_| {
        stop_watching();
        let url = authorize_path(server);
        let opened = window().open_with_url_and_target_and_features(
            &url,
            &format!("switchboard-oauth-{server}"),
            "popup,width=520,height=720",
        );
        let Ok(Some(win)) = opened else {
            phase.set(Phase::Blocked(url));
            return;
        };
        popup.set_value(SendOption::new_local(Some(win)));
        phase.set(Phase::Waiting);
        // The callback posts, then closes: its message is handled before a
        // poll can see the window gone. One extra poll of grace still covers
        // a slow message; after that, the user closed it.
        let seen_closed = StoredValue::new(false);
        let handle = set_interval_with_handle(
            move || {
                let closed =
                    popup.with_value(|p| p.as_ref().is_none_or(|w| w.closed().unwrap_or(true)));
                if !closed {
                    return;
                }
                if !seen_closed.get_value() {
                    seen_closed.set_value(true);
                    return;
                }
                stop_watching();
                if phase.get_untracked() == Phase::Waiting {
                    phase.set(Phase::Abandoned);
                }
            },
            POLL,
        );
        watch.set_value(handle.ok());
    };

    Effect::new(move |_| match disconnect.value().get() {
        Some(Ok(cleared)) => {
            phase.set(Phase::Idle);
            if cleared {
                toasts.success(format!(
                    "Disconnected your account at “{}”.",
                    name.read_value()
                ));
            }
            on_changed.run(());
        }
        Some(Err(e)) => phase.set(Phase::Failed(e.to_string())),
        None => {}
    });

    let status = grant.status;
    let (badge, badge_class) = match status {
        AuthStatus::Active => ("Connected", "badge on"),
        AuthStatus::Expired => ("Expired", "badge error"),
        AuthStatus::NotConnected => ("Not connected", "badge off"),
    };
    let detail = match status {
        AuthStatus::Active => Some(match (grant.connected_at, grant.expires_at) {
            (Some(at), Some(exp)) => format!(
                "Connected {}. The access token runs to {} and is renewed before then.",
                when(at),
                when(exp)
            ),
            (Some(at), None) => format!("Connected {}.", when(at)),
            _ => "Connected.".to_owned(),
        }),
        AuthStatus::Expired => Some(format!(
            "The connection ran out and could not be renewed{}. Re-authenticate to use this server again.",
            grant
                .reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        )),
        AuthStatus::NotConnected => None,
    };
    let connected = status != AuthStatus::NotConnected;
    // Step-up: the server refused this token for lacking these scopes.
    let wants_more = (connected && !grant.wanted_scopes.is_empty()).then(|| {
        format!(
            "This server asks for more access than your account granted ({}). \
             Re-authenticate to grant it; what you granted before is kept.",
            grant.wanted_scopes.join(", ")
        )
    });
    let busy = move || phase.get() == Phase::Waiting || disconnect.pending().get();

    view! {
        <div class="account-connection" data-status=match status {
            AuthStatus::Active => "active",
            AuthStatus::Expired => "expired",
            AuthStatus::NotConnected => "not_connected",
        }>
            <p class="account-status">
                <span class=badge_class>{badge}</span>
                {detail.map(|d| view! { <span class="help">" " {d}</span> })}
            </p>
            {wants_more.map(|w| view! { <p class="alert warn" role="status">{w}</p> })}
            <div class="row-actions">
                <button class="button primary" type="button" node_ref=primary id=primary_button_id(server)
                    disabled=busy
                    aria-busy=move || aria_bool(phase.get() == Phase::Waiting)
                    on:click=connect>
                    {move || if phase.get() == Phase::Waiting {
                        "Waiting for sign-in…"
                    } else if connected {
                        "Re-authenticate"
                    } else {
                        "Authenticate"
                    }}
                </button>
                {connected.then(|| view! {
                    <button class="button danger-outline" type="button"
                        disabled=busy
                        aria-busy=move || aria_bool(disconnect.pending().get())
                        on:click=move |_| {
                            disconnect.dispatch(DisconnectAccount { server });
                        }>
                        {move || if disconnect.pending().get() { "Disconnecting…" } else { "Disconnect" }}
                    </button>
                })}
            </div>
            {move || match phase.get() {
                Phase::Idle => None,
                Phase::Waiting => Some(view! {
                    <p class="help" role="status">
                        "Sign in at the provider in the window that opened. This page updates when you are done."
                    </p>
                }.into_any()),
                Phase::Blocked(url) => Some(view! {
                    <p class="alert error" role="alert">
                        "Your browser blocked the sign-in window. "
                        <a href=url target="_blank" rel="opener">"Open the sign-in page"</a>
                        ", or allow pop-ups for this site and try again."
                    </p>
                }.into_any()),
                Phase::Abandoned => Some(view! {
                    <p class="help" role="status">
                        "The sign-in window closed before connecting finished."
                    </p>
                }.into_any()),
                Phase::Failed(message) => Some(view! {
                    <p class="alert error" role="alert">
                        <strong>"Could not connect. "</strong>
                        {message}
                    </p>
                }.into_any()),
            }}
        </div>
    }
}

/// [`AccountConnection`] with the caller's grant loaded here (the server
/// detail dialog), and loaded again after every change.
#[component]
pub fn OwnAccount(server: ServerId, #[prop(into)] name: String) -> impl IntoView {
    let version = RwSignal::new(0u32);
    let grant = Resource::new(move || version.get(), move |_| my_grant(server));
    let name = StoredValue::new(name);
    // Whether the panel is being shown again after a change of its own.
    let changed = RwSignal::new(false);
    view! {
        <section class="box own-account" aria-labelledby="own-account-title">
            <h3 id="own-account-title">"Your account"</h3>
            <p class="help">
                "This server signs each user in with OAuth. Connect your own account to test it, "
                "and so that agents can call it as you."
            </p>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match grant.await {
                        Ok(g) => view! {
                            <AccountConnection server name=name.get_value() grant=g
                                focus=changed.get_untracked()
                                on_changed=move |_| {
                                    changed.set(true);
                                    version.update(|v| *v += 1);
                                } />
                        }
                        .into_any(),
                        Err(e) => view! {
                            <p class="alert error" role="alert">
                                "Could not load your connection: " {e.to_string()}
                            </p>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
