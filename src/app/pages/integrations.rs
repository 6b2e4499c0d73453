//! `/integrations`: the end user's page. Every OAuth server the tenant
//! offers, with where the caller stands at each (Needs connection,
//! Connected, Expired), and Connect / Reconnect / Disconnect in place.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::oauth::my_integrations;
use crate::app::components::account_connection::AccountConnection;
use crate::domain::{AuthStatus, Integration, ServerId};

#[component]
pub fn IntegrationsPage() -> impl IntoView {
    view! {
        <Title text="Integrations" />
        <IntegrationsView />
    }
}

/// The page's content: an island, rendered on the server first.
#[island(lazy)]
fn IntegrationsView() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let list = Resource::new(move || version.get(), |_| my_integrations());
    let refresh = Callback::new(move |_| version.update(|v| *v += 1));
    // The server whose panel changed last: its new panel takes the focus
    // (it may have moved to the other section).
    let last = RwSignal::new(None::<ServerId>);

    view! {
        <div class="page-header">
            <h1>"Integrations"</h1>
        </div>
        <p class="lede">
            "Some MCP servers act for you at another service, and need your own account there. "
            "Connect it once: your agents can then use the server as you, and Switchboard keeps "
            "the sign-in renewed. Disconnecting revokes it."
        </p>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading integrations…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! {
                        <div class="alert error" role="alert">
                            <p>"Could not load your integrations: " {e.to_string()}</p>
                            <button class="button" type="button" on:click=move |_| refresh.run(())>"Retry"</button>
                        </div>
                    }
                    .into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <div class="empty">
                            <p class="empty-title">"Nothing to connect"</p>
                            <p>"When an admin adds an MCP server that signs users in with OAuth, "
                                "it shows here for you to connect."</p>
                        </div>
                    }
                    .into_any(),
                    Ok(list) => {
                        let (todo, done): (Vec<Integration>, Vec<Integration>) = list
                            .into_iter()
                            .partition(|i| i.grant.status != AuthStatus::Active);
                        view! {
                            {(!todo.is_empty()).then(|| view! {
                                <Section title="Needs connection" items=todo last on_changed=refresh />
                            })}
                            {(!done.is_empty()).then(|| view! {
                                <Section title="Connected" items=done last on_changed=refresh />
                            })}
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn Section(
    title: &'static str,
    items: Vec<Integration>,
    last: RwSignal<Option<ServerId>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    view! {
        <section class="integrations" aria-label=title>
            <h2 class="section-title">{title}</h2>
            <ul class="integration-list">
                {items
                    .into_iter()
                    .map(|i| {
                        let id = i.server_id;
                        view! {
                            <li class="box integration" data-server-id=id.to_string()>
                                <h3>{i.name.clone()}</h3>
                                {(!i.description.is_empty()).then(|| view! { <p class="muted">{i.description.clone()}</p> })}
                                {(!i.agents.is_empty()).then(|| view! {
                                    <p class="muted integration-agents">{used_by(&i.agents)}</p>
                                })}
                                <AccountConnection server=id name=i.name grant=i.grant
                                    focus=last.get_untracked() == Some(id)
                                    on_changed=move |_| {
                                        last.set(Some(id));
                                        on_changed.run(());
                                    } />
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// "Used by Concierge", "Used by Concierge and Triage", "Used by A, B and 3 more".
fn used_by(agents: &[String]) -> String {
    const SHOWN: usize = 3;
    match agents {
        [] => String::new(),
        [one] => format!("Used by {one}"),
        [first @ .., last] if agents.len() <= SHOWN => {
            format!("Used by {} and {last}", first.join(", "))
        }
        _ => format!(
            "Used by {} and {} more",
            agents[..SHOWN - 1].join(", "),
            agents.len() - (SHOWN - 1)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::used_by;

    #[test]
    fn agents_are_named_and_a_long_list_is_counted() {
        let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(used_by(&names(&["A"])), "Used by A");
        assert_eq!(used_by(&names(&["A", "B"])), "Used by A and B");
        assert_eq!(used_by(&names(&["A", "B", "C"])), "Used by A, B and C");
        assert_eq!(
            used_by(&names(&["A", "B", "C", "D", "E"])),
            "Used by A, B and 3 more"
        );
    }
}
