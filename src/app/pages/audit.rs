//! `/audit`: the tenant's audit log, newest first, for tenant admins.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::params::ParamsMap;

use crate::api::audit::list_audit;
use crate::app::components::audit_table::AuditTable;
use crate::app::components::data_table::{Pager, PastTheEnd};
use crate::app::list_url::{ListUrl, QueryString, page_param};
use crate::domain::{AppError, AuditAction, AuditQuery};

/// The page inside the signed-in layout (see `app::App`'s routes).
#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        <AuditView />
    }
}

/// `?page=2&action=key.rotate` (the action's stored name); a missing or
/// unknown value is the default.
fn query_from_url(params: &ParamsMap) -> AuditQuery {
    AuditQuery {
        page: page_param(params),
        action: params.get_str("action").and_then(AuditAction::parse),
        ..AuditQuery::default()
    }
}

fn query_to_url(q: &AuditQuery) -> String {
    QueryString::default()
        .set("page", &q.page.to_string(), "1")
        .set("action", q.action.map_or("", AuditAction::as_str), "")
        .finish()
}

#[component]
fn AuditView() -> impl IntoView {
    let query = ListUrl::new(query_from_url, query_to_url);
    let version = RwSignal::new(0u32);
    let events = Resource::new(move || (query.get(), version.get()), |(q, _)| list_audit(q));
    let action = move || query.with(|q| q.action);
    let selected = move || action().map_or("", AuditAction::as_str);

    view! {
        <div class="page-header">
            <h1>"Audit log"</h1>
        </div>
        <p class="lede">
            "Who changed which server, rotated which key, and every time a stored secret was read. Newest first."
        </p>
        <div class="toolbar">
            <div class="filter">
                <label for="audit-action">"Action"</label>
                <select
                    id="audit-action"
                    prop:value=selected
                    on:change:target=move |ev| {
                        let chosen = AuditAction::parse(&ev.target().value());
                        query.push(|q| {
                            q.action = chosen;
                            q.page = 1;
                        });
                    }
                >
                    // `selected` for the server-rendered page, `prop:value` once live.
                    <option value="" selected=move || action().is_none()>"All actions"</option>
                    {AuditAction::ALL
                        .iter()
                        .map(|&a| {
                            view! {
                                <option value=a.as_str() selected=move || action() == Some(a)>
                                    {a.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        </div>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the audit log…"</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Err(AppError::Forbidden) => view! {
                        <p class="alert error" role="alert">"Only tenant admins can read the audit log."</p>
                    }
                    .into_any(),
                    Err(e) => view! {
                        <div class="alert error" role="alert">
                            <p>"Could not load the audit log: " {e.to_string()}</p>
                            <button class="button" type="button" on:click=move |_| version.update(|v| *v += 1)>
                                "Retry"
                            </button>
                        </div>
                    }
                    .into_any(),
                    Ok(page) if page.items.is_empty() && page.total > 0 => view! {
                        <PastTheEnd
                            page_count=page.page_count()
                            on_page=move |p| query.push(|q| q.page = p)
                        />
                    }
                    .into_any(),
                    Ok(page) if page.items.is_empty() => view! {
                        <div class="empty">
                            <p class="empty-title">"No events"</p>
                            <p>"Nothing has been recorded for this filter yet."</p>
                        </div>
                    }
                    .into_any(),
                    Ok(page) => {
                        let page_count = page.page_count();
                        view! {
                            <AuditTable events=page.items caption="Audit events, newest first" />
                            <Pager
                                page=page.page
                                page_count=page_count
                                total=page.total
                                noun="event"
                                on_page=move |p| query.push(|q| q.page = p)
                            />
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&'static str, &str)]) -> ParamsMap {
        pairs.iter().map(|&(k, v)| (k, v.to_owned())).collect()
    }

    #[test]
    fn the_url_round_trips_the_filter_and_page() {
        let q = AuditQuery {
            page: 3,
            action: Some(AuditAction::KeyRotate),
            ..AuditQuery::default()
        };
        assert_eq!(query_to_url(&q), "?page=3&action=key.rotate");
        let parsed = query_from_url(&params(&[("page", "3"), ("action", "key.rotate")]));
        assert_eq!(parsed, q);
        assert_eq!(query_to_url(&AuditQuery::default()), "");
    }

    #[test]
    fn an_unknown_action_means_all_actions() {
        let parsed = query_from_url(&params(&[("action", "server.explode"), ("page", "-1")]));
        assert_eq!(parsed, AuditQuery::default());
    }
}
