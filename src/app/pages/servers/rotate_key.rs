//! Rotate key / Undo rotation, inside the ServerDetailDialog. The new key is
//! tested before it becomes current; a refused key changes nothing.

use leptos::prelude::*;

use super::detail_dialog::class_label;
use crate::api::servers::{RotateKey, UndoRotation};
use crate::app::components::form::{FieldErrorText, aria_bool};
use crate::app::components::time::when;
use crate::app::components::toasts::use_toasts;
use crate::domain::{AppError, KeyRotation, ServerField, ServerView};

#[component]
pub fn KeyRotationPanel(
    server: ServerView,
    #[prop(into)] on_changed: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let id = server.id;
    let open = RwSignal::new(false);
    let new_key = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    // Why the last key was refused: the test's class and message.
    let refused = RwSignal::new(None::<(String, String)>);
    let rotate = ServerAction::<RotateKey>::new();
    let undo = ServerAction::<UndoRotation>::new();

    Effect::new(move |_| match rotate.value().get() {
        Some(Ok(outcome)) if outcome.ok => {
            toasts.success("Key rotated: the new key passed its test and is now current.");
            new_key.set(String::new());
            refused.set(None);
            open.set(false);
            on_changed.run(());
        }
        Some(Ok(outcome)) => {
            let (class, message) = outcome
                .error
                .map(|e| (class_label(e.class).to_owned(), e.message))
                .unwrap_or_else(|| ("Error".into(), "The test failed.".into()));
            refused.set(Some((class, message)));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| match undo.value().get() {
        Some(Ok(_)) => {
            toasts.success("Rotation undone: the previous key is current again.");
            on_changed.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });

    let key_error = Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.field_message(ServerField::API_KEY))
    });
    let other_error = move || error.get().and_then(|e| e.general_message());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if rotate.pending().get_untracked() {
            return;
        }
        refused.set(None);
        let mut rotation = KeyRotation {
            api_key: new_key.get_untracked(),
        };
        match rotation.validate() {
            Ok(()) => {
                error.set(None);
                rotate.dispatch(RotateKey { id, rotation });
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let rotated_at = server.credential_rotated_at;

    view! {
        <section class="key-rotation" aria-labelledby="key-rotation-title">
            <h3 id="key-rotation-title">"API key"</h3>
            <p class="muted">
                {match rotated_at {
                    Some(t) => format!("Last rotated {}. The previous key is kept for undo.", when(t)),
                    None => "Never rotated.".to_owned(),
                }}
            </p>
            <Show
                when=move || open.get()
                fallback=move || view! {
                    <div class="row-actions">
                        <button class="button" type="button" on:click=move |_| {
                            error.set(None);
                            open.set(true);
                        }>
                            "Rotate key"
                        </button>
                        <Show when=move || rotated_at.is_some()>
                            <button
                                class="button ghost"
                                type="button"
                                disabled=move || undo.pending().get()
                                on:click=move |_| {
                                    error.set(None);
                                    undo.dispatch(UndoRotation { id });
                                }
                            >
                                {move || if undo.pending().get() { "Restoring…" } else { "Undo rotation" }}
                            </button>
                        </Show>
                    </div>
                }
            >
                <form class="rotate-form" on:submit=on_submit novalidate>
                    <div class="field">
                        <label for="rotate-api-key">"New API key"</label>
                        <input
                            id="rotate-api-key"
                            type="password"
                            autocomplete="off"
                            spellcheck="false"
                            required
                            bind:value=new_key
                            aria-invalid=move || aria_bool(key_error.get().is_some())
                            aria-describedby="rotate-api-key-help rotate-api-key-error"
                        />
                        <p class="help" id="rotate-api-key-help">
                            "Switchboard tests the server with the new key first. Only if the test passes does it replace the current key."
                        </p>
                        <FieldErrorText id="rotate-api-key-error" message=key_error />
                    </div>
                    <Show when=move || refused.get().is_some()>
                        <div class="alert error" role="alert">
                            <strong>{move || refused.get().map(|r| r.0)}</strong>
                            <p>{move || refused.get().map(|r| r.1)}</p>
                            <p>"The new key was not saved; the current key is unchanged."</p>
                        </div>
                    </Show>
                    <div class="row-actions">
                        <button
                            class="button primary"
                            type="submit"
                            disabled=move || rotate.pending().get()
                            aria-busy=move || aria_bool(rotate.pending().get())
                        >
                            {move || if rotate.pending().get() { "Testing new key…" } else { "Test and rotate" }}
                        </button>
                        <button class="button ghost" type="button" on:click=move |_| {
                            open.set(false);
                            refused.set(None);
                            error.set(None);
                        }>
                            "Cancel"
                        </button>
                    </div>
                </form>
            </Show>
            <Show when=move || other_error().is_some()>
                <p class="alert error" role="alert">{other_error}</p>
            </Show>
        </section>
    }
}
