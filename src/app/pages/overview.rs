//! `/`: how the tenant is doing, in one call. Servers by health (the
//! failing ones linked, with their error), stored keys due for rotation,
//! OAuth sign-ins that ended, or end within a week with no refresh token,
//! and, for admins, the latest audit events.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::overview::tenant_overview;
use crate::app::components::audit_table::AuditTable;
use crate::app::components::time::when;
use crate::domain::GrantStatus;
use crate::domain::overview::{
    GRANT_WINDOW_DAYS, GrantDue, Health, KEY_ROTATION_DAYS, KeyDue, Overview, ServerHealth,
};

#[component]
pub fn OverviewPage() -> impl IntoView {
    // Rendered on the server only: the page has nothing to operate, so it
    // ships no code of its own.
    let overview = Resource::new(|| (), |_| tenant_overview());
    view! {
        <Title text="Overview" />
        <div class="page-header">
            <h1>"Overview"</h1>
        </div>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the overview…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(e) => view! {
                        <div class="alert error" role="alert">
                            <p>"Could not load the overview: " {e.to_string()}</p>
                            <a class="button" href="/">"Retry"</a>
                        </div>
                    }
                    .into_any(),
                    Ok(o) => view! { <Sections o /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The servers page, filtered to one server's name: it is the first row.
fn server_link(name: &str) -> String {
    let q: String = url_escape(name);
    format!("/mcp-servers?q={q}")
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn Sections(o: Overview) -> impl IntoView {
    let counts = [
        Health::Failing,
        Health::NeverTested,
        Health::Disabled,
        Health::Healthy,
    ]
    .map(|h| (h, o.count(h)));
    let failing: Vec<ServerHealth> = o
        .servers
        .iter()
        .filter(|s| s.health == Health::Failing)
        .cloned()
        .collect();
    let untested: Vec<ServerHealth> = o
        .servers
        .iter()
        .filter(|s| s.health == Health::NeverTested)
        .cloned()
        .collect();
    let none = o.servers.is_empty();
    view! {
        <section class="overview-section" aria-labelledby="ov-servers">
            <h2 id="ov-servers" class="section-title">"Servers"</h2>
            {if none {
                view! {
                    <div class="empty">
                        <p class="empty-title">"No MCP servers yet"</p>
                        <p><A href="/mcp-servers">"Register the first one"</A>" on the MCP Servers page."</p>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <ul class="stats">
                        {counts
                            .into_iter()
                            .map(|(h, n)| view! {
                                <li class=format!("stat {}", if n > 0 { health_class(h) } else { "none" })>
                                    <span class="stat-value">{n}</span>
                                    <span class="stat-label">{h.label()}</span>
                                </li>
                            })
                            .collect_view()}
                    </ul>
                    {(!failing.is_empty()).then(|| view! {
                        <h3 class="subsection-title">"Failing their last test"</h3>
                        <ul class="overview-list">{failing.into_iter().map(failing_item).collect_view()}</ul>
                    })}
                    {(!untested.is_empty()).then(|| view! {
                        <h3 class="subsection-title">"Never tested"</h3>
                        <ul class="overview-list">
                            {untested
                                .into_iter()
                                .map(|s| view! { <li><A href=server_link(&s.name)>{s.name}</A></li> })
                                .collect_view()}
                        </ul>
                    })}
                }
                .into_any()
            }}
        </section>
        <section class="overview-section" aria-labelledby="ov-keys">
            <h2 id="ov-keys" class="section-title">"Keys due for rotation"</h2>
            {if o.keys_due.is_empty() {
                view! { <p class="muted">{format!("No stored key is older than {KEY_ROTATION_DAYS} days.")}</p> }.into_any()
            } else {
                view! {
                    <p class="muted">{format!("Stored keys set or last rotated more than {KEY_ROTATION_DAYS} days ago.")}</p>
                    <ul class="overview-list">{o.keys_due.into_iter().map(key_item).collect_view()}</ul>
                }
                .into_any()
            }}
        </section>
        <section class="overview-section" aria-labelledby="ov-grants">
            <h2 id="ov-grants" class="section-title">"OAuth sign-ins"</h2>
            {if o.grants_due.is_empty() {
                view! { <p class="muted">{format!("None has ended, and none that cannot renew itself ends within {GRANT_WINDOW_DAYS} days.")}</p> }.into_any()
            } else {
                view! {
                    <p class="muted">
                        {format!("Sign-ins that have ended, or that end within {GRANT_WINDOW_DAYS} days and cannot \
                                  renew themselves, as the service gave them no refresh token (Switchboard renews \
                                  the others when they are next used). An ended one needs its user to connect \
                                  again on ")}
                        <A href="/integrations">"Integrations"</A>"."
                    </p>
                    <ul class="overview-list">{o.grants_due.into_iter().map(grant_item).collect_view()}</ul>
                }
                .into_any()
            }}
        </section>
        {o.recent.map(|events| view! {
            <section class="overview-section" aria-labelledby="ov-recent">
                <h2 id="ov-recent" class="section-title">"Recent activity"</h2>
                {if events.is_empty() {
                    view! { <p class="muted">"Nothing has happened yet."</p> }.into_any()
                } else {
                    view! {
                        <AuditTable events caption="The latest audit events, newest first" />
                        <p><A href="/audit">"The whole audit log"</A></p>
                    }
                    .into_any()
                }}
            </section>
        })}
        <p class="muted as-of">"As of " {when(o.as_of)}</p>
    }
}

fn health_class(h: Health) -> &'static str {
    match h {
        Health::Healthy => "healthy",
        Health::Failing => "failing",
        Health::NeverTested => "untested",
        Health::Disabled => "disabled",
    }
}

fn failing_item(s: ServerHealth) -> impl IntoView {
    let (class, message) = s
        .error
        .map(|(c, m)| (c.as_str().to_owned(), m))
        .unwrap_or_default();
    view! {
        <li>
            <A href=server_link(&s.name)>{s.name}</A>
            {(!class.is_empty()).then(|| view! { " " <span class="badge error">{class}</span> })}
            " " <span class="muted">{message}</span>
            {s.tested_at.map(|t| view! { <span class="muted">" · tested " {when(t)}</span> })}
        </li>
    }
}

fn key_item(k: KeyDue) -> impl IntoView {
    view! {
        <li>
            <A href=server_link(&k.name)>{k.name}</A>
            " " <span class="muted">{format!("{} days old (since {})", k.age_days, when(k.since))}</span>
        </li>
    }
}

fn grant_item(g: GrantDue) -> impl IntoView {
    let state = match (g.status, g.expires_at) {
        (GrantStatus::Expired, _) => "expired: needs connecting again".to_owned(),
        (_, Some(t)) => format!("ends {}", when(t)),
        (_, None) => String::new(),
    };
    let class = if g.status == GrantStatus::Expired {
        "badge error"
    } else {
        "badge muted"
    };
    view! {
        <li>
            <strong>{g.username}</strong>" at "{g.server_name}" "
            <span class=class>{state}</span>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::server_link;

    #[test]
    fn a_servers_link_filters_the_list_to_its_name() {
        assert_eq!(server_link("CRM"), "/mcp-servers?q=CRM");
        assert_eq!(
            server_link("My notes & more"),
            "/mcp-servers?q=My%20notes%20%26%20more"
        );
        assert_eq!(server_link("café"), "/mcp-servers?q=caf%C3%A9");
    }
}
