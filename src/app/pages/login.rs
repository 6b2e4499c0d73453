use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::SignIn;
use crate::app::components::form::FieldErrorText;
use crate::domain::redirect::safe_next;
use crate::domain::session::EMAIL_MAX;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = safe_next(query.read_untracked().get_str("next"));
    view! {
        <Title text="Sign in" />
        <main class="login">
            <div class="card">
                <h1>"Sign in to Switchboard"</h1>
                <SignInForm next />
            </div>
        </main>
    }
}

/// `next`: where to go once signed in, already checked to be this site's.
#[island(lazy)]
fn SignInForm(next: String) -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let error = Memo::new(move |_| sign_in.value().get().and_then(|r| r.err()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = sign_in.value().get() {
            let _ = window().location().set_href(&next);
        }
    });
    let field_error = move |field: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(field)))
    };
    let general_error = move || {
        error
            .get()
            .filter(|e| !matches!(e, crate::domain::AppError::Invalid(_)))
            .map(|e| e.to_string())
    };
    view! {
                <ActionForm action=sign_in attr:novalidate="true" attr:aria-label="Sign in">
                    <div class="field">
                        <label for="email">"Email"</label>
                        <input
                            id="email"
                            name="email"
                            type="email"
                            autocomplete="username"
                            maxlength=EMAIL_MAX.to_string()
                            required
                            autofocus
                            aria-invalid=move || field_error("email").get().is_some().to_string()
                            aria-describedby="email-error"
                        />
                        <FieldErrorText id="email-error" message=field_error("email") />
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
                        <input
                            id="password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                            aria-invalid=move || field_error("password").get().is_some().to_string()
                            aria-describedby="password-error"
                        />
                        <FieldErrorText id="password-error" message=field_error("password") />
                    </div>
                    <Show when=move || general_error().is_some()>
                        <p class="alert error" role="alert">{general_error}</p>
                    </Show>
                    <button class="button primary wide" type="submit" disabled=move || sign_in.pending().get()>
                        {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
    }
}
