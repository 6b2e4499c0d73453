//! A sortable table of one page of a list, its pager, and the page past the
//! end. The server renders them: sorting and paging are links to the same
//! list with another query, which a live list (`live_list`) follows in place
//! and a browser without the island follows as plain links. Rows that open
//! something carry `data-id`, `tabindex` and a name; what opening does is
//! the island's.

use leptos::prelude::*;

use crate::domain::SortDir;

#[derive(Clone)]
pub struct Column<S> {
    pub label: &'static str,
    /// `None` for a column that cannot be sorted.
    pub sort: Option<S>,
    /// Right-align numbers.
    pub numeric: bool,
}

/// Marks a link the live list follows in place (see `live_list`).
pub const LIST_LINK: &str = "data-list-link";

#[component]
pub fn DataTable<S, T>(
    #[prop(into)] caption: String,
    columns: Vec<Column<S>>,
    /// The column the list is sorted by, and which way.
    sorted: (S, SortDir),
    /// The list's address sorted by this column (the direction flipped if
    /// it is the current one).
    sort_href: Box<dyn Fn(S) -> String>,
    rows: Vec<T>,
    /// What `data-id` carries, e.g. the row's typed id.
    row_id: fn(&T) -> String,
    /// The accessible name of a row ("Open …").
    row_label: fn(&T) -> String,
    /// Renders the row's `<td>` cells.
    cells: fn(&T) -> AnyView,
) -> impl IntoView
where
    S: Copy + PartialEq + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    let headers = columns
        .into_iter()
        .map(|col| match col.sort {
            Some(key) => {
                let (aria, arrow) = match (sorted.0 == key, sorted.1) {
                    (false, _) => ("none", "↕"),
                    (true, dir) => (dir.aria(), if dir == SortDir::Asc { "▲" } else { "▼" }),
                };
                view! {
                    <th scope="col" aria-sort=aria class:numeric=col.numeric>
                        <a class="sort" href=sort_href(key) data-list-link="">
                            {col.label}
                            <span class="arrow" aria-hidden="true">{arrow}</span>
                        </a>
                    </th>
                }
                .into_any()
            }
            None => view! { <th scope="col" class:numeric=col.numeric>{col.label}</th> }.into_any(),
        })
        .collect_view();
    let body = rows
        .iter()
        .map(|row| {
            view! {
                <tr class="clickable" tabindex="0" aria-label=row_label(row) data-id=row_id(row)>
                    {cells(row)}
                </tr>
            }
        })
        .collect_view();
    let region = caption.clone();
    view! {
        <div class="table-wrap" role="region" aria-label=region tabindex="0">
            <table class="data-table">
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>{headers}</tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

/// "Previous / Page x of y / Next", for server-side paging. `page_href`
/// gives the list's address at another page.
#[component]
pub fn Pager(
    page: u32,
    page_count: u32,
    total: u64,
    /// "server" → "1 server", "12 servers".
    noun: &'static str,
    page_href: Box<dyn Fn(u32) -> String>,
) -> impl IntoView {
    // A step that goes nowhere is shown, but is not a link.
    let step = |label: &'static str, to: Option<u32>| match to {
        Some(p) => {
            view! { <a class="button ghost" href=page_href(p) data-list-link="">{label}</a> }
                .into_any()
        }
        None => view! { <span class="button ghost" aria-disabled="true">{label}</span> }.into_any(),
    };
    view! {
        <nav class="pager" aria-label="Pagination">
            <span class="count">{format!("{total} {noun}{}", if total == 1 { "" } else { "s" })}</span>
            {step("Previous", (page > 1).then(|| page - 1))}
            <span>{format!("Page {page} of {page_count}")}</span>
            {step("Next", (page < page_count).then(|| page + 1))}
        </nav>
    }
}

/// An empty page of a list that is not empty: the URL asked for a page past
/// the end (an old link, or the last rows were deleted). Offers the last page
/// instead of claiming there is nothing at all.
#[component]
pub fn PastTheEnd(page_count: u32, last_page_href: String) -> impl IntoView {
    let pages = if page_count == 1 {
        "1 page".to_owned()
    } else {
        format!("{page_count} pages")
    };
    view! {
        <div class="empty">
            <p class="empty-title">"Nothing on this page"</p>
            <p>{format!("The list has {pages}.")}</p>
            <a class="button" href=last_page_href data-list-link="">
                {format!("Go to page {page_count}")}
            </a>
        </div>
    }
}
