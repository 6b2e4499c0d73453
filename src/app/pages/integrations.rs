//! `/integrations`: the end user's page. Every OAuth server the tenant
//! offers, with where the caller stands at each (Needs connection,
//! Connected, Expired), and Connect / Reconnect / Disconnect in place.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::oauth::my_integrations;
use crate::app::components::account_connection::{AccountConnection, primary_button_id};
use crate::app::components::live_list::{
    EmptyResults, LivePage, LiveResults, LoadFailed, reload_lists,
};
use crate::domain::{AppError, AuthStatus, GrantView, Integration, ServerId};

/// The id of the list's results region, which the live list swaps.
const RESULTS: &str = "integrations-results";

/// The page inside the signed-in layout. The server renders it, the list
/// too; each server's connection panel is an island, and the list reloads
/// after one changes (the server may move to the other section).
#[component]
pub fn IntegrationsPage() -> impl IntoView {
    view! {
        <Title text="Integrations" />
        <div class="page-header">
            <h1>"Integrations"</h1>
        </div>
        <p class="lede">
            "Some MCP servers act for you at another service, and need your own account there. "
            "Connect it once: your agents can then use the server as you, and Switchboard keeps "
            "the sign-in renewed. Disconnecting revokes it."
        </p>
        <LivePage results=RESULTS.to_owned()>
            <LiveResults id=RESULTS loading="Loading integrations…" query=() load=|()| my_integrations() render=results />
        </LivePage>
    }
}

fn results(fetched: Result<Vec<Integration>, AppError>, _: &()) -> AnyView {
    match fetched {
        Err(e) => view! {
            <LoadFailed what="your integrations" retry="/integrations" error=e />
        }
        .into_any(),
        Ok(list) if list.is_empty() => view! {
            <EmptyResults title="Nothing to connect">
                <p>"When an admin adds an MCP server that signs users in with OAuth, "
                    "it shows here for you to connect."</p>
            </EmptyResults>
        }
        .into_any(),
        Ok(list) => {
            let (todo, done): (Vec<Integration>, Vec<Integration>) = list
                .into_iter()
                .partition(|i| i.grant.status != AuthStatus::Active);
            view! {
                {(!todo.is_empty()).then(|| view! { <Section title="Needs connection" items=todo /> })}
                {(!done.is_empty()).then(|| view! { <Section title="Connected" items=done /> })}
            }
            .into_any()
        }
    }
}

#[component]
fn Section(title: &'static str, items: Vec<Integration>) -> impl IntoView {
    view! {
        <section class="integrations" aria-label=title>
            <h2 class="section-title">{title}</h2>
            <ul class="integration-list">
                {items
                    .into_iter()
                    .map(|i| view! {
                        <li class="box integration" data-server-id=i.server_id.to_string()>
                            <h3>{i.name.clone()}</h3>
                            {(!i.description.is_empty()).then(|| view! { <p class="muted">{i.description.clone()}</p> })}
                            {(!i.agents.is_empty()).then(|| view! {
                                <p class="muted integration-agents">{used_by(&i.agents)}</p>
                            })}
                            <IntegrationAccount server=i.server_id name=i.name grant=i.grant />
                        </li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// One server's connection panel. After a change the list reloads, and
/// this server's main button, wherever it now is, keeps the focus.
#[island(lazy)]
fn IntegrationAccount(server: ServerId, name: String, grant: GrantView) -> impl IntoView {
    view! {
        <AccountConnection server name grant
            on_changed=move |_| reload_lists(Some(primary_button_id(server))) />
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
