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

/// Where a live form (see `live_form`) puts what the server said of one
/// field: `field` is the name the server's `FieldError` gives it; the
/// field's input names `id` in its `aria-describedby`.
#[component]
pub fn FieldSlot(#[prop(into)] id: String, #[prop(into)] field: String) -> impl IntoView {
    view! { <p class="field-error" id=id data-error-for=field aria-live="polite"></p> }
}

/// Where a live form puts a refusal that is not about one field.
#[component]
pub fn FormError() -> impl IntoView {
    view! { <p class="alert error" role="alert" data-form-error="" hidden></p> }
}

/// The address a live form sends to: the server function's own.
pub fn live_action<F: leptos::server_fn::ServerFn>() -> &'static str {
    F::PATH
}
