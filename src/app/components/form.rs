//! Small form helpers shared by every form.

use leptos::prelude::*;

/// The error line under a field; empty (but present, for `aria-describedby`) when fine.
#[component]
pub fn FieldErrorText(
    #[prop(into)] id: String,
    #[prop(into)] message: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <p class="field-error" id=id aria-live="polite">
            {move || message.get().unwrap_or_default()}
        </p>
    }
}

/// `"true"`/`"false"` for ARIA state attributes (a bare bool would add or remove the attribute).
pub fn aria_bool(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}
