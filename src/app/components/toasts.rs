//! Transient notices in a polite live region.

use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

#[derive(Clone, PartialEq, Eq)]
struct Toast {
    id: u64,
    kind: ToastKind,
    text: String,
}

#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next_id: RwSignal<u64>,
}

impl Toasts {
    pub fn success(&self, text: impl Into<String>) {
        self.push(ToastKind::Success, text.into());
    }

    pub fn error(&self, text: impl Into<String>) {
        self.push(ToastKind::Error, text.into());
    }

    /// Copies text to the clipboard and says how that went; `what` names
    /// it ("Token", "Agent id").
    pub fn copy(&self, text: String, what: &str) {
        let promise = window().navigator().clipboard().write_text(&text);
        let toasts = *self;
        let what = what.to_owned();
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => toasts.success(format!("{what} copied.")),
                Err(_) => toasts.error(format!(
                    "Could not copy; select the {} and copy it by hand.",
                    what.to_lowercase()
                )),
            }
        });
    }

    /// A success to show on the page the browser is about to load (a delete
    /// that goes back to the list): kept in the tab's session storage until
    /// that page's toast region takes it.
    pub fn success_on_next_page(&self, text: impl Into<String>) {
        let text = text.into();
        let stored = window()
            .session_storage()
            .ok()
            .flatten()
            .is_some_and(|s| s.set_item(CARRIED, &text).is_ok());
        if !stored {
            self.success(text);
        }
    }

    fn push(&self, kind: ToastKind, text: String) {
        let id = self.next_id.get_untracked();
        self.next_id.set(id + 1);
        self.list.update(|l| l.push(Toast { id, kind, text }));
        let list = self.list;
        set_timeout(
            move || list.update(|l| l.retain(|t| t.id != id)),
            Duration::from_secs(6),
        );
    }

    fn dismiss(&self, id: u64) {
        self.list.update(|l| l.retain(|t| t.id != id));
    }
}

impl Toasts {
    fn new() -> Self {
        Self {
            list: RwSignal::new(Vec::new()),
            next_id: RwSignal::new(0),
        }
    }
}

/// The page's one list of notices.
///
/// Each island hydrates under a root of its own, so a context could not
/// reach from the island that raises a notice to the region that shows it:
/// the browser keeps one list for the whole page instead. The server never
/// raises a notice, and gets a fresh, empty list each time, so nothing is
/// shared between requests.
pub fn use_toasts() -> Toasts {
    #[cfg(feature = "ssr")]
    {
        Toasts::new()
    }
    #[cfg(not(feature = "ssr"))]
    {
        thread_local! {
            // Under an owner of its own that is never dropped: made under
            // whichever component asked first, the list would be disposed
            // with that component.
            static TOASTS: Toasts = {
                // `new_root` also makes itself the current owner: the
                // caller's is put back.
                let caller = Owner::current();
                let owner = Owner::new_root(None);
                let toasts = owner.with(Toasts::new);
                match caller {
                    Some(caller) => caller.set(),
                    None => owner.clone().unset(),
                }
                std::mem::forget(owner);
                toasts
            };
        }
        TOASTS.with(|toasts| *toasts)
    }
}

/// Where [`Toasts::success_on_next_page`] leaves its text.
const CARRIED: &str = "switchboard.toast";

#[island]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    // After hydration, so the server's empty list is what hydrates.
    Effect::new(move |_| {
        let Some(storage) = window().session_storage().ok().flatten() else {
            return;
        };
        if let Ok(Some(text)) = storage.get_item(CARRIED) {
            let _ = storage.remove_item(CARRIED);
            toasts.success(text);
        }
    });
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.list.get() key=|t| t.id let:toast>
                <div class="toast" class:error=toast.kind == ToastKind::Error>
                    <span>{toast.text.clone()}</span>
                    <button
                        class="icon"
                        aria-label="Dismiss"
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
