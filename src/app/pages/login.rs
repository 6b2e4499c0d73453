//! The sign-in page: a plain HTML form, rendered on the server and posted
//! without script (the page ships no island of its own). A failed attempt
//! comes back here with the error in the URL, which the `ServerAction` reads
//! as it renders, and the email typed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::SignIn;
use crate::app::components::form::{FieldErrorText, aria_bool};
use crate::domain::AppError;
use crate::domain::redirect::safe_next;
use crate::domain::session::EMAIL_MAX;

#[component]
pub fn LoginPage() -> impl IntoView {
    let (next, email) = use_query_map().with_untracked(|q| {
        (
            safe_next(q.get_str("next")),
            q.get_str("email").unwrap_or_default().to_owned(),
        )
    });
    view! {
        <Title text="Sign in" />
        <main class="login">
            <div class="card">
                <h1>"Sign in to Switchboard"</h1>
                <SignInForm next email />
            </div>
        </main>
    }
}

/// `next`: where to go once signed in, already checked to be this site's;
/// `email`: what was typed on the attempt that failed.
#[component]
fn SignInForm(next: String, email: String) -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let error = sign_in.value().get_untracked().and_then(|r| r.err());
    let field_error = |field: &'static str| error.as_ref().and_then(|e| e.field_message(field));
    let (email_error, password_error) = (field_error("email"), field_error("password"));
    let general_error = error
        .as_ref()
        .filter(|e| !matches!(e, AppError::Invalid(_)))
        .map(|e| e.to_string());
    // Back from a failed attempt, the password is what needs typing.
    let (email_focus, password_focus) = match (&error, email.is_empty()) {
        (Some(_), false) if email_error.is_none() => (false, true),
        _ => (true, false),
    };
    view! {
        <ActionForm action=sign_in attr:novalidate="true" attr:aria-label="Sign in">
            <input type="hidden" name="next" value=next />
            <div class="field">
                <label for="email">"Email"</label>
                <input
                    id="email"
                    name="email"
                    type="email"
                    autocomplete="username"
                    maxlength=EMAIL_MAX.to_string()
                    value=email
                    required
                    autofocus=email_focus
                    aria-invalid=aria_bool(email_error.is_some())
                    aria-describedby="email-error"
                />
                <FieldErrorText id="email-error" message=Signal::stored(email_error) />
            </div>
            <div class="field">
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    autofocus=password_focus
                    aria-invalid=aria_bool(password_error.is_some())
                    aria-describedby="password-error"
                />
                <FieldErrorText id="password-error" message=Signal::stored(password_error) />
            </div>
            {general_error.map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
            <button class="button primary wide" type="submit">"Sign in"</button>
        </ActionForm>
    }
}
