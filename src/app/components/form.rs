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

/// A confirmation step for a live form (see `live_form`): a hidden panel,
/// opened by a `data-open` button elsewhere, with what will happen, the
/// button that does it, and Cancel. `children` are the form's hidden
/// fields.
#[component]
pub fn ConfirmPanel(
    #[prop(into)] id: String,
    /// What will happen ("Scripts using it stop working.").
    warning: &'static str,
    /// The server function's address (`live_action`).
    action: &'static str,
    /// The notice once done ("Revoked “deploy”.").
    #[prop(into)]
    done: String,
    /// Another page to go to once done (`data-then`).
    #[prop(optional)]
    then: Option<&'static str>,
    /// The button ("Revoke now") and what it reads while it runs.
    now: &'static str,
    pending: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <div id=id class="row-panel" hidden data-panel="">
            <span role="alert" class="confirm">{warning} " "</span>
            <form data-live-form=action data-done=done data-then=then>
                {children()}
                <button class="button danger" type="submit" data-pending=pending>{now}</button>
            </form>
            <button class="button ghost" type="button" data-close="">"Cancel"</button>
        </div>
    }
}
