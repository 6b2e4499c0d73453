//! A sortable table whose rows open something: click, or Enter/Space when focused.
//! Data, paging and sorting live on the server; this only renders one page.

use leptos::prelude::*;
use leptos::web_sys::KeyboardEvent;

use crate::domain::SortDir;

#[derive(Clone)]
pub struct Column<S> {
    pub label: &'static str,
    /// `None` for a column that cannot be sorted.
    pub sort: Option<S>,
    /// Right-align numbers.
    pub numeric: bool,
}

#[component]
pub fn DataTable<S, T, K>(
    #[prop(into)] caption: String,
    columns: Vec<Column<S>>,
    #[prop(into)] sorted: Signal<(S, SortDir)>,
    #[prop(into)] on_sort: Callback<S>,
    rows: Vec<T>,
    /// What activating the row passes on, e.g. the row's typed id.
    row_key: fn(&T) -> K,
    /// The accessible name of a row ("Open …").
    row_label: fn(&T) -> String,
    /// Renders the row's `<td>` cells.
    cells: fn(&T) -> AnyView,
    #[prop(into)] on_activate: Callback<K>,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView
where
    S: Copy + PartialEq + Send + Sync + 'static,
    T: Clone + Send + Sync + 'static,
    K: Copy + std::fmt::Display + Send + Sync + 'static,
{
    let headers = columns
        .into_iter()
        .map(|col| {
            let label = col.label;
            match col.sort {
                Some(key) => {
                    let aria = move || {
                        let (s, d) = sorted.get();
                        if s == key { d.aria() } else { "none" }
                    };
                    let arrow = move || {
                        let (s, d) = sorted.get();
                        match (s == key, d) {
                            (false, _) => "↕",
                            (true, SortDir::Asc) => "▲",
                            (true, SortDir::Desc) => "▼",
                        }
                    };
                    view! {
                        <th scope="col" aria-sort=aria class:numeric=col.numeric>
                            <button class="sort" type="button" on:click=move |_| on_sort.run(key)>
                                {label}
                                <span class="arrow" aria-hidden="true">{arrow}</span>
                            </button>
                        </th>
                    }
                    .into_any()
                }
                None => view! { <th scope="col" class:numeric=col.numeric>{label}</th> }.into_any(),
            }
        })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|row| {
            let id = row_key(&row);
            let on_key = move |ev: KeyboardEvent| {
                if ev.key() == "Enter" || ev.key() == " " {
                    ev.prevent_default();
                    on_activate.run(id);
                }
            };
            view! {
                <tr
                    class="clickable"
                    tabindex="0"
                    aria-label=row_label(&row)
                    data-id=id.to_string()
                    on:click=move |_| on_activate.run(id)
                    on:keydown=on_key
                >
                    {cells(&row)}
                </tr>
            }
        })
        .collect_view();
    let region = caption.clone();
    view! {
        <div class="table-wrap" role="region" aria-label=region tabindex="0">
            <table class="data-table" aria-busy=move || busy.get().to_string()>
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>{headers}</tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

/// "Previous / Page x of y / Next", for server-side paging.
#[component]
pub fn Pager(
    #[prop(into)] page: Signal<u32>,
    #[prop(into)] page_count: Signal<u32>,
    #[prop(into)] total: Signal<u64>,
    /// "server" → "1 server", "12 servers".
    noun: &'static str,
    #[prop(into)] on_page: Callback<u32>,
) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="Pagination">
            <span class="count">
                {move || {
                    let n = total.get();
                    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
                }}
            </span>
            <button
                class="button ghost"
                type="button"
                disabled=move || { page.get() <= 1 }
                on:click=move |_| on_page.run(page.get_untracked().saturating_sub(1).max(1))
            >
                "Previous"
            </button>
            <span aria-live="polite">{move || format!("Page {} of {}", page.get(), page_count.get())}</span>
            <button
                class="button ghost"
                type="button"
                disabled=move || { page.get() >= page_count.get() }
                on:click=move |_| on_page.run(page.get_untracked() + 1)
            >
                "Next"
            </button>
        </nav>
    }
}

/// An empty page of a list that is not empty: the URL asked for a page past
/// the end (an old link, or the last rows were deleted). Offers the last page
/// instead of claiming there is nothing at all.
#[component]
pub fn PastTheEnd(page_count: u32, #[prop(into)] on_page: Callback<u32>) -> impl IntoView {
    let pages = if page_count == 1 {
        "1 page".to_owned()
    } else {
        format!("{page_count} pages")
    };
    view! {
        <div class="empty">
            <p class="empty-title">"Nothing on this page"</p>
            <p>{format!("The list has {pages}.")}</p>
            <button class="button" type="button" on:click=move |_| on_page.run(page_count)>
                {format!("Go to page {page_count}")}
            </button>
        </div>
    }
}
