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
    pub fn copy(&self, text: String, what: &'static str) {
        let promise = window().navigator().clipboard().write_text(&text);
        let toasts = *self;
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

pub fn provide_toasts() {
    provide_context(Toasts {
        list: RwSignal::new(Vec::new()),
        next_id: RwSignal::new(0),
    });
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
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
