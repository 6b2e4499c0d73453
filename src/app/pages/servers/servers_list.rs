//! The island that keeps the servers list live (see `LiveList`) and opens
//! its dialogs, whose code is fetched only when one first opens.

use leptos::prelude::*;

use super::RESULTS;
use super::add_dialog::AddServerDialog;
use super::detail_dialog::ServerDetailDialog;
use crate::app::components::live_list::LiveList;
use crate::app::pages::layout::CurrentUser;
use crate::domain::ServerId;

/// The island around the server-rendered list: it follows the list's links
/// and filter in place (`LiveList`), opens a row (click, or Enter or Space
/// on a focused row) and the Register dialog, and reloads the list after a
/// change.
///
/// It renders nothing itself: the dialogs' host is mounted the first time
/// one opens (`mount_dialogs`), so the code that builds views in the browser
/// is fetched then, not with the page.
// Not lazy: what it adds to the main module is less than a chunk of its
// own would weigh once split (see `LivePage`).
#[island]
pub fn ServersList(user: CurrentUser, children: Children) -> impl IntoView {
    let dialogs = Dialogs {
        adding: RwSignal::new(false),
        selected: RwSignal::new(None),
        reload: RwSignal::new(0),
        stale: StoredValue::new(false),
    };
    let host = NodeRef::<leptos::html::Div>::new();
    let mounted = StoredValue::new(false);
    let user = StoredValue::new(user);
    let mount = move || {
        if mounted.get_value() {
            return;
        }
        if let Some(host) = host.get_untracked() {
            mounted.set_value(true);
            let user = user.get_value();
            leptos::task::spawn_local(mount_dialogs(host.into(), dialogs, user));
        }
    };

    let open = move |target: Option<leptos::web_sys::EventTarget>, click: bool| -> bool {
        use leptos::wasm_bindgen::JsCast;
        let Some(el) = target.and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok()) else {
            return false;
        };
        if click && el.closest("[data-register]").ok().flatten().is_some() {
            dialogs.adding.set(true);
            mount();
            return true;
        }
        // A key opens only the row that has focus, not one it bubbles from.
        let row = if click {
            el.closest("tr[data-id]").ok().flatten()
        } else {
            el.matches("tr[data-id]").unwrap_or(false).then_some(el)
        };
        match row
            .and_then(|r| r.get_attribute("data-id"))
            .as_deref()
            .and_then(ServerId::parse)
        {
            Some(id) => {
                dialogs.selected.set(Some(id));
                mount();
                true
            }
            None => false,
        }
    };

    view! {
        <div
            on:click=move |ev| {
                open(ev.target(), true);
            }
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if (ev.key() == "Enter" || ev.key() == " ") && open(ev.target(), false) {
                    ev.prevent_default();
                }
            }
        >
            <LiveList results=RESULTS reload=dialogs.reload>{children()}</LiveList>
        </div>
        <div node_ref=host></div>
    }
}

/// What the list and its dialogs share.
#[derive(Clone, Copy)]
struct Dialogs {
    adding: RwSignal<bool>,
    selected: RwSignal<Option<ServerId>>,
    /// Bumped to reload the list.
    reload: RwSignal<u32>,
    /// A change made in the open dialog: the list reloads when it closes,
    /// after the dialog has given focus back to the row.
    stale: StoredValue<bool>,
}

impl Dialogs {
    fn refresh(self) {
        self.reload.update(|v| *v += 1);
    }
}

/// Mounts the dialogs' host into `host`, a root of its own: the user is
/// provided again, as no context reaches it from the island.
#[lazy]
fn mount_dialogs(host: leptos::web_sys::HtmlElement, d: Dialogs, user: CurrentUser) {
    let view = move || {
        provide_context(user);
        view! {
            <Show when=move || d.adding.get()>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(add_server_dialog(
                        Callback::new(move |_| d.adding.set(false)),
                        Callback::new(move |_id: ServerId| {
                            d.adding.set(false);
                            d.refresh();
                        }),
                    ))}
                </Suspense>
            </Show>
            {move || {
                d.selected
                    .get()
                    .map(|id| {
                        view! {
                            <Suspense fallback=|| ()>
                                {move || Suspend::new(server_detail_dialog(
                                    id,
                                    Callback::new(move |_| {
                                        d.selected.set(None);
                                        if d.stale.get_value() {
                                            d.stale.set_value(false);
                                            d.refresh();
                                        }
                                    }),
                                    Callback::new(move |_| d.stale.set_value(true)),
                                ))}
                            </Suspense>
                        }
                    })
            }}
        }
    };
    leptos::mount::mount_to(host, view).forget();
}

// The dialogs are lazy functions: their code (forms, validation, the test
// and rotation flows) is a WASM chunk of its own, fetched when one first
// opens, as most visits to the list open neither.

#[lazy]
fn add_server_dialog(on_close: Callback<()>, on_saved: Callback<ServerId>) -> AnyView {
    view! { <AddServerDialog on_close on_saved /> }.into_any()
}

#[lazy]
fn server_detail_dialog(id: ServerId, on_close: Callback<()>, on_changed: Callback<()>) -> AnyView {
    view! { <ServerDetailDialog id on_close on_changed /> }.into_any()
}
