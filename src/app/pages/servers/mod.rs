//! `/mcp-servers`: the tenant's registered MCP servers.

mod add_dialog;
mod connected_service;
mod connection_form;
mod connections;
mod detail_dialog;
mod oauth_client;
mod rotate_key;
mod servers_list;
mod test_as;
mod tool_pins;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use super::layout::{AdminOnly, CurrentUser};
use crate::api::servers::list_servers;
use crate::app::components::data_table::{Column, DataTable, Pager, PastTheEnd};
use crate::app::components::live_list::LiveResults;
use crate::app::list_url::{QueryString, page_param};
use crate::domain::{ListQuery, Page, ServerSort, ServerSummary, SortDir};
use servers_list::ServersList;

/// The id of the list's results region, which the live list swaps.
const RESULTS: &str = "servers-results";

/// The page inside the signed-in layout (see `app::App`'s routes). The
/// server renders the list from the URL; the island around it (see
/// `ServersList`) keeps it live and opens the dialogs.
#[component]
pub fn ServersPage() -> impl IntoView {
    let query = use_query_map().with_untracked(query_from_url);
    let filter = query.filter.clone();
    let hidden = |name: &'static str, value: &'static str, default: &'static str| {
        (value != default).then(|| view! { <input type="hidden" name=name value=value /> })
    };
    let sort_field = hidden(
        "sort",
        sort_name(query.sort),
        sort_name(ServerSort::default()),
    );
    let dir_field = hidden(
        "dir",
        if query.dir == SortDir::Desc {
            "desc"
        } else {
            "asc"
        },
        "asc",
    );
    view! {
        <Title text="MCP Servers" />
        <ServersList user=CurrentUser::get()>
            <div class="page-header">
                <h1>"MCP Servers"</h1>
                <AdminOnly>
                    <button class="button primary" type="button" data-register="">
                        "Register Server"
                    </button>
                </AdminOnly>
            </div>
            <p class="lede">
                "External MCP servers your agents may call. Select a server to test it, see its tools, or change it."
            </p>
            <form class="toolbar" method="get" action="/mcp-servers" role="search" aria-label="Servers" data-list-form="">
                <label class="filter">
                    <span>"Filter by name"</span>
                    <input type="search" name="q" placeholder="Filter by name" value=filter />
                </label>
                {sort_field}
                {dir_field}
            </form>
            <LiveResults id=RESULTS loading="Loading servers…" query load=list_servers render=results />
        </ServersList>
    }
}

/// The list's address in this state.
fn href(q: &ListQuery<ServerSort>) -> String {
    format!("/mcp-servers{}", query_to_url(q))
}

/// The table, its pager, or what stands in for them, as the server renders
/// them for one state of the list.
fn results(
    fetched: Result<Page<ServerSummary>, crate::domain::AppError>,
    q: &ListQuery<ServerSort>,
) -> AnyView {
    match fetched {
        Err(e) => {
            let signed_out = matches!(e, crate::domain::AppError::Unauthorized);
            view! {
                <div class="alert error" role="alert">
                    <p>"Could not load servers: " {e.to_string()}</p>
                    {signed_out.then(|| view! { <p><a href="/login?next=%2Fmcp-servers">"Sign in again"</a></p> })}
                    <a class="button" href=href(q) data-list-link="">"Retry"</a>
                </div>
            }
            .into_any()
        }
        Ok(page) if page.items.is_empty() && page.total > 0 => {
            let last = ListQuery {
                page: page.page_count(),
                ..q.clone()
            };
            view! { <PastTheEnd page_count=page.page_count() last_page_href=href(&last) /> }
                .into_any()
        }
        Ok(page) if page.items.is_empty() => {
            let filter = q.filter.clone();
            view! {
                <div class="empty">
                    {if filter.is_empty() {
                        view! {
                            <p class="empty-title">"No MCP servers yet"</p>
                            <p>"Register the first server your agents may call."</p>
                        }
                        .into_any()
                    } else {
                        view! { <p>"No servers match “" {filter} "”."</p> }.into_any()
                    }}
                </div>
            }
            .into_any()
        }
        Ok(page) => {
            let sort_query = q.clone();
            let sort_href = move |key: ServerSort| {
                let dir = if sort_query.sort == key {
                    sort_query.dir.flip()
                } else {
                    SortDir::Asc
                };
                href(&ListQuery {
                    sort: key,
                    dir,
                    page: 1,
                    ..sort_query.clone()
                })
            };
            let page_query = q.clone();
            let page_href = move |p: u32| {
                href(&ListQuery {
                    page: p,
                    ..page_query.clone()
                })
            };
            let page_count = page.page_count();
            view! {
                <DataTable
                    caption="MCP servers"
                    columns=columns()
                    sorted=(q.sort, q.dir)
                    sort_href=Box::new(sort_href)
                    rows=page.items
                    row_id=|s: &ServerSummary| s.id.to_string()
                    row_label=|s: &ServerSummary| s.name.clone()
                    cells=cells
                />
                <Pager
                    page=page.page
                    page_count
                    total=page.total
                    noun="server"
                    page_href=Box::new(page_href)
                />
            }
            .into_any()
        }
    }
}

/// How each sortable column is spelled in the URL (`?sort=tools`).
const SORT_NAMES: [(ServerSort, &str); 6] = [
    (ServerSort::Name, "name"),
    (ServerSort::Transport, "transport"),
    (ServerSort::AuthType, "auth"),
    (ServerSort::ToolCount, "tools"),
    (ServerSort::Status, "status"),
    (ServerSort::CreatedAt, "created"),
];

fn sort_name(sort: ServerSort) -> &'static str {
    SORT_NAMES
        .iter()
        .find(|(s, _)| *s == sort)
        .map_or("name", |(_, name)| name)
}

/// `?page=2&sort=tools&dir=desc&q=git`; a missing or unknown value is the default.
fn query_from_url(params: &ParamsMap) -> ListQuery<ServerSort> {
    let sort = params
        .get_str("sort")
        .and_then(|v| SORT_NAMES.iter().find(|(_, name)| *name == v))
        .map(|(s, _)| *s)
        .unwrap_or_default();
    let dir = match params.get_str("dir") {
        Some("desc") => SortDir::Desc,
        _ => SortDir::Asc,
    };
    ListQuery {
        page: page_param(params),
        sort,
        dir,
        filter: params.get("q").unwrap_or_default(),
        ..ListQuery::default()
    }
}

fn query_to_url(q: &ListQuery<ServerSort>) -> String {
    let dir = match q.dir {
        SortDir::Asc => "asc",
        SortDir::Desc => "desc",
    };
    QueryString::default()
        .set("page", &q.page.to_string(), "1")
        .set("sort", sort_name(q.sort), sort_name(ServerSort::default()))
        .set("dir", dir, "asc")
        .set("q", &q.filter, "")
        .finish()
}

fn columns() -> Vec<Column<ServerSort>> {
    let col = |label, sort, numeric| Column {
        label,
        sort: Some(sort),
        numeric,
    };
    vec![
        col("Name", ServerSort::Name, false),
        col("Transport", ServerSort::Transport, false),
        col("Auth type", ServerSort::AuthType, false),
        col("Tool count", ServerSort::ToolCount, true),
        col("Status", ServerSort::Status, false),
    ]
}

fn cells(s: &ServerSummary) -> AnyView {
    let count = s
        .tool_count
        .map(|n| n.to_string())
        .unwrap_or_else(|| "—".to_owned());
    let (status, class) = if s.enabled {
        ("Enabled", "badge on")
    } else {
        ("Disabled", "badge off")
    };
    view! {
        <td class="name">{s.name.clone()}</td>
        <td>{s.transport.label()}</td>
        <td>{s.auth_type.label()}</td>
        <td class="numeric">{count}</td>
        <td><span class=class>{status}</span></td>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&'static str, &str)]) -> ParamsMap {
        pairs.iter().map(|&(k, v)| (k, v.to_owned())).collect()
    }

    #[test]
    fn the_url_round_trips_the_list_state() {
        let q = ListQuery {
            page: 2,
            sort: ServerSort::ToolCount,
            dir: SortDir::Desc,
            filter: "git hub".to_owned(),
            ..ListQuery::default()
        };
        let search = query_to_url(&q);
        assert_eq!(search, "?page=2&sort=tools&dir=desc&q=git%20hub");
        let parsed = query_from_url(&params(&[
            ("page", "2"),
            ("sort", "tools"),
            ("dir", "desc"),
            ("q", "git hub"),
        ]));
        assert_eq!(parsed, q);
        for (sort, _) in SORT_NAMES {
            let q = ListQuery {
                sort,
                ..ListQuery::default()
            };
            let name = sort_name(sort);
            assert_eq!(query_from_url(&params(&[("sort", name)])), q);
        }
    }

    #[test]
    fn the_default_view_has_a_bare_address() {
        assert_eq!(query_to_url(&ListQuery::default()), "");
        assert_eq!(query_from_url(&ParamsMap::new()), ListQuery::default());
    }

    #[test]
    fn invalid_values_fall_back_to_defaults() {
        let parsed = query_from_url(&params(&[
            ("page", "zero"),
            ("sort", "DROP TABLE"),
            ("dir", "sideways"),
        ]));
        assert_eq!(parsed, ListQuery::default());
    }
}
