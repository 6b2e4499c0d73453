//! `/audit`: the tenant's audit log, newest first, for tenant admins.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::api::audit::list_audit;
use crate::app::components::audit_table::AuditTable;
use crate::app::components::data_table::{Pager, PastTheEnd};
use crate::app::components::live_list::{EmptyResults, LivePage, LiveResults, LoadFailed};
use crate::app::list_url::{QueryString, page_param};
use crate::domain::{AppError, AuditAction, AuditEvent, AuditQuery, Page};

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

/// The id of the log's results region, which the live list swaps.
const RESULTS: &str = "audit-results";

/// The page inside the signed-in layout (see `app::App`'s routes). The
/// server renders the log from the URL; `AuditList` keeps it live.
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map().with_untracked(query_from_url);
    let action = query.action;
    view! {
        <Title text="Audit log" />
        <LivePage results=RESULTS.to_owned()>
            <div class="page-header">
                <h1>"Audit log"</h1>
            </div>
            <p class="lede">
                "Who changed which server, rotated which key, and every time a stored secret was read. Newest first."
            </p>
            <form class="toolbar" method="get" action="/audit" aria-label="Audit log" data-list-form="">
                <div class="filter">
                    <label for="audit-action">"Action"</label>
                    <select id="audit-action" name="action">
                        <option value="" selected=action.is_none()>"All actions"</option>
                        {AuditAction::ALL
                            .iter()
                            .map(|&a| view! {
                                <option value=a.as_str() selected=action == Some(a)>{a.label()}</option>
                            })
                            .collect_view()}
                    </select>
                </div>
                // Without the island, the choice is sent with this button.
                <noscript><button class="button" type="submit">"Show"</button></noscript>
            </form>
            <LiveResults id=RESULTS loading="Loading the audit log…" query load=list_audit render=results />
        </LivePage>
    }
}

/// The log's address in this state.
fn href(q: &AuditQuery) -> String {
    format!("/audit{}", query_to_url(q))
}

fn results(fetched: Result<Page<AuditEvent>, AppError>, q: &AuditQuery) -> AnyView {
    match fetched {
        Err(AppError::Forbidden) => view! {
            <p class="alert error" role="alert">"Only tenant admins can read the audit log."</p>
        }
        .into_any(),
        Err(e) => view! {
            <LoadFailed what="the audit log" retry=href(q) error=e />
        }
        .into_any(),
        Ok(page) if page.items.is_empty() && page.total > 0 => {
            let last = AuditQuery {
                page: page.page_count(),
                ..q.clone()
            };
            view! { <PastTheEnd page_count=page.page_count() last_page_href=href(&last) /> }
                .into_any()
        }
        Ok(page) if page.items.is_empty() => view! {
            <EmptyResults title="No events">
                <p>"Nothing has been recorded for this filter yet."</p>
            </EmptyResults>
        }
        .into_any(),
        Ok(page) => {
            let page_count = page.page_count();
            let page_query = q.clone();
            let page_href = move |p: u32| {
                href(&AuditQuery {
                    page: p,
                    ..page_query.clone()
                })
            };
            view! {
                <AuditTable events=page.items caption="Audit events, newest first" />
                <Pager
                    page=page.page
                    page_count
                    total=page.total
                    noun="event"
                    page_href=Box::new(page_href)
                />
            }
            .into_any()
        }
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
