//! "Test as…": Test Connection with exactly the credential resolution picks
//! for the tenant, one agent or one user, showing the rule that picked it
//! and an auth-aware state.

use leptos::prelude::*;

use crate::api::servers::TestServerAs;
use crate::app::components::form::aria_bool;
use crate::domain::{AgentUid, AgentView, ServerId, TestAs, TestAsOutcome, TestAsState};

fn state_class(state: TestAsState) -> &'static str {
    match state {
        TestAsState::Healthy => "alert ok",
        TestAsState::NeedsConnection | TestAsState::Disabled => "alert warn",
        TestAsState::AuthFailed | TestAsState::Unreachable | TestAsState::Degraded => "alert error",
    }
}

/// The picker's value: `tenant`, `agent:<uid>` or `user`.
fn who_of(choice: &str, user: &str) -> Option<TestAs> {
    match choice.split_once(':') {
        Some(("agent", uid)) => AgentUid::parse(uid).map(TestAs::Agent),
        _ if choice == "user" => {
            let user = user.trim();
            (!user.is_empty()).then(|| TestAs::User(user.to_owned()))
        }
        _ => Some(TestAs::Tenant),
    }
}

#[component]
pub(super) fn TestAsPanel(server: ServerId, agents: Vec<AgentView>) -> impl IntoView {
    let choice = RwSignal::new("tenant".to_owned());
    let user = RwSignal::new(String::new());
    let missing_user = RwSignal::new(false);
    let test = ServerAction::<TestServerAs>::new();
    let run = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if test.pending().get_untracked() {
            return;
        }
        match who_of(&choice.get_untracked(), &user.get_untracked()) {
            Some(who) => {
                missing_user.set(false);
                test.dispatch(TestServerAs { id: server, who });
            }
            None => missing_user.set(true),
        }
    };
    view! {
        <form class="box test-as" on:submit=run aria-labelledby="test-as-title">
            <h3 id="test-as-title">"Test as…"</h3>
            <p class="help">"Runs Test Connection with exactly the credential an agent would get for this scope."</p>
            <div class="inline-form">
                <div class="field">
                    <label for="test-as-who">"As"</label>
                    <select id="test-as-who" on:change:target=move |ev| choice.set(ev.target().value())>
                        <option value="tenant">"The tenant"</option>
                        {agents
                            .into_iter()
                            .map(|a| view! {
                                <option value=format!("agent:{}", a.unique_id)>{format!("Agent: {}", a.name)}</option>
                            })
                            .collect_view()}
                        <option value="user">"A user…"</option>
                    </select>
                </div>
                <Show when=move || choice.get() == "user">
                    <div class="field">
                        <label for="test-as-user">"Username"</label>
                        <input id="test-as-user" type="text" bind:value=user
                            aria-invalid=move || aria_bool(missing_user.get())
                            aria-describedby="test-as-user-error" />
                        <p class="field-error" id="test-as-user-error" aria-live="polite">
                            {move || missing_user.get().then_some("Enter a username.")}
                        </p>
                    </div>
                </Show>
                <button class="button primary" type="submit" disabled=move || test.pending().get()
                    aria-busy=move || aria_bool(test.pending().get())>
                    {move || if test.pending().get() { "Testing…" } else { "Test" }}
                </button>
            </div>
            {move || test.value().get().map(|result| match result {
                Ok(outcome) => view! { <TestAsResult outcome /> }.into_any(),
                Err(e) => view! { <p class="alert error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </form>
    }
    .into_any()
}

#[component]
fn TestAsResult(outcome: TestAsOutcome) -> impl IntoView {
    let tools = outcome
        .test
        .as_ref()
        .filter(|t| t.ok)
        .map(|t| t.tools.len());
    let rule = outcome.rule.map(|r| {
        let connection = outcome
            .connection_id
            .map(|id| format!(" (connection {id})"))
            .unwrap_or_default();
        format!("Resolved by: {}{connection}", r.label())
    });
    view! {
        <div class=state_class(outcome.state) role="status" data-state=format!("{:?}", outcome.state)>
            <strong class="test-as-state">{outcome.state.label()}</strong>
            <p>{outcome.message}</p>
            {rule.map(|r| view! { <p class="test-as-rule">{r}</p> })}
            {tools.map(|n| view! { <p>{format!("{n} tool{}", if n == 1 { "" } else { "s" })}</p> })}
        </div>
    }
}
