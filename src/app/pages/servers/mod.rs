//! `/mcp-servers`: the tenant's registered MCP servers.

mod add_dialog;
mod connected_service;
mod connection_form;
mod connections;
mod detail_dialog;
mod oauth_client;
mod rotate_key;
mod test_as;
mod tool_pins;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::params::ParamsMap;

use super::layout::AdminOnly;
use crate::api::servers::list_servers;
use crate::app::components::data_table::{Column, DataTable, Pager, PastTheEnd};
use crate::app::list_url::{ListUrl, QueryString, page_param};
use crate::domain::{ListQuery, ServerId, ServerSort, ServerSummary, SortDir};
use add_dialog::AddServerDialog;
use detail_dialog::ServerDetailDialog;

/// The page inside the signed-in layout (see `app::App`'s routes).
#[component]
pub fn ServersPage() -> impl IntoView {
    view! {
        <Title text="MCP Servers" />
        <ServersView />
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

#[component]
fn ServersView() -> impl IntoView {
    let query = ListUrl::new(query_from_url, query_to_url);
    // Bumped after every change so the list is fetched again.
    let version = RwSignal::new(0u32);
    let servers = Resource::new(
        move || (query.get(), version.get()),
        |(q, _)| list_servers(q),
    );
    let adding = RwSignal::new(false);
    let selected = RwSignal::new(None::<ServerId>);
    let refresh = Callback::new(move |_: ()| version.update(|v| *v += 1));

    let sorted = Signal::derive(move || query.with(|q| (q.sort, q.dir)));
    let on_sort = Callback::new(move |key: ServerSort| {
        query.push(|q| {
            q.dir = if q.sort == key {
                q.dir.flip()
            } else {
                SortDir::Asc
            };
            q.sort = key;
            q.page = 1;
        })
    });
    let busy = Signal::derive(move || servers.get().is_none());
    let filter = move || query.with(|q| q.filter.clone());

    view! {
        <div class="page-header">
            <h1>"MCP Servers"</h1>
            <AdminOnly>
                <button class="button primary" type="button" on:click=move |_| adding.set(true)>
                    "Register Server"
                </button>
            </AdminOnly>
        </div>
        <p class="lede">
            "External MCP servers your agents may call. Select a server to test it, see its tools, or change it."
        </p>
        <div class="toolbar">
            <label class="filter">
                <span>"Filter by name"</span>
                // `value` for the server-rendered page, `prop:value` once live.
                <input
                    type="search"
                    placeholder="Filter by name"
                    value=filter
                    prop:value=filter
                    on:input:target=move |ev| {
                        let value = ev.target().value();
                        query.replace(|q| {
                            q.filter = value;
                            q.page = 1;
                        });
                    }
                />
            </label>
        </div>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading servers…"</p> }>
            {move || Suspend::new(async move {
                match servers.await {
                    Err(e) => view! {
                        <div class="alert error" role="alert">
                            <p>"Could not load servers: " {e.to_string()}</p>
                            <Show when=move || matches!(e, crate::domain::AppError::Unauthorized)>
                                <p><a href="/login?next=%2Fmcp-servers">"Sign in again"</a></p>
                            </Show>
                            <button class="button" type="button" on:click=move |_| refresh.run(())>"Retry"</button>
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
                    Ok(page) if page.items.is_empty() => {
                        let filtered = !filter().is_empty();
                        view! {
                            <div class="empty">
                                {if filtered {
                                    view! { <p>"No servers match “" {filter()} "”."</p> }.into_any()
                                } else {
                                    view! {
                                        <p class="empty-title">"No MCP servers yet"</p>
                                        <p>"Register the first server your agents may call."</p>
                                    }
                                    .into_any()
                                }}
                            </div>
                        }
                        .into_any()
                    }
                    Ok(page) => {
                        let page_count = page.page_count();
                        view! {
                            <DataTable
                                caption="MCP servers"
                                columns=columns()
                                sorted=sorted
                                on_sort=on_sort
                                rows=page.items.clone()
                                row_key=|s: &ServerSummary| s.id
                                row_label=|s: &ServerSummary| s.name.clone()
                                cells=cells
                                on_activate=move |id| selected.set(Some(id))
                                busy=busy
                            />
                            <Pager
                                page=page.page
                                page_count=page_count
                                total=page.total
                                noun="server"
                                on_page=move |p| query.push(|q| q.page = p)
                            />
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
        <Show when=move || adding.get()>
            <Suspense fallback=|| ()>
                {move || Suspend::new(add_server_dialog(
                    Callback::new(move |_| adding.set(false)),
                    Callback::new(move |_id: ServerId| {
                        adding.set(false);
                        refresh.run(());
                    }),
                ))}
            </Suspense>
        </Show>
        {move || {
            selected
                .get()
                .map(|id| {
                    view! {
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(server_detail_dialog(
                                id,
                                Callback::new(move |_| selected.set(None)),
                                Callback::new(move |_| refresh.run(())),
                            ))}
                        </Suspense>
                    }
                })
        }}
    }
}

// The dialogs are lazy functions: their code (forms, validation, the test
// and rotation flows) is a WASM chunk of its own, fetched when one first
// opens, as most visits to the list open neither.

#[lazy]
fn add_server_dialog(on_close: Callback<()>, on_saved: Callback<ServerId>) -> AnyView {
    view! { <AddServerDialog on_close on_saved /> }.into_any()
}

#[lazy]
fn server_detail_dialog(id: ServerId, on_close: Callback<()>, on_changed: Callback<()>) -> AnyView {
    view! { <ServerDetailDialog id on_close on_changed /> }.into_any()
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
