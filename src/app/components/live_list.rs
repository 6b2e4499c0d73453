//! A list the server renders, kept live in place by the island around it.
//!
//! The server renders the whole list from the URL (`?page=2&sort=…&q=…`):
//! its filter is a `GET` form, its sorting and paging are links. In the
//! browser, [`LiveList`] follows those links and that form without leaving
//! the page: it moves the address bar (`history.pushState`, or
//! `replaceState` for each keystroke of a filter), asks the server for the
//! page at the new address, and swaps in its results region. Back and
//! Forward do the same. Should the answer not hold a results region (a
//! sign-in page after the session ended), the browser simply goes there.
//!
//! The list's code stays on the server; the island only carries this.

use leptos::prelude::*;

use crate::domain::AppError;

/// A live list's results region as the server renders it: `load` fetches
/// the list in the state `query` names, `render` draws what came back (the
/// table and pager, or an empty or error state). `id` is what the island
/// swaps.
#[component]
pub fn LiveResults<Q, T, Fut>(
    id: &'static str,
    /// What shows while the list loads ("Loading servers…").
    loading: &'static str,
    query: Q,
    load: fn(Q) -> Fut,
    render: fn(Result<T, AppError>, &Q) -> AnyView,
) -> impl IntoView
where
    Q: Clone + Send + Sync + 'static,
    T: Send + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    view! {
        <div id=id aria-busy="false">
            <Suspense fallback=move || view! { <p class="loading" role="status">{loading}</p> }>
                {move || {
                    let query = query.clone();
                    Suspend::new(async move {
                        let fetched = load(query.clone()).await;
                        render(fetched, &query)
                    })
                }}
            </Suspense>
        </div>
    }
}

/// The element whose content is swapped: the list's results (table, pager,
/// empty and error states), but not its filter, which keeps the caret.
#[component]
pub fn LiveList(
    /// The id of the results region, the same on the server's page.
    results: &'static str,
    /// Asks the island to load the current address again, as after a change.
    #[prop(optional)]
    reload: Option<RwSignal<u32>>,
    children: Children,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::popstate, move |_| {
            client::load(results, current_url(), true);
        });
        on_cleanup(move || handle.remove());
        if let Some(reload) = reload {
            Effect::new(move |first: Option<()>| {
                reload.track();
                if first.is_some() {
                    client::load(results, current_url(), false);
                }
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = reload;
    view! {
        <div
            class="live-list"
            on:click=move |ev| on_click(results, ev)
            on:input=move |ev| on_form(results, ev.target(), true)
            on:change=move |ev| on_form(results, ev.target(), true)
            on:submit=move |ev| {
                ev.prevent_default();
                on_form(results, ev.target(), false);
            }
        >
            {children()}
        </div>
    }
}

/// This page's address, path and query.
fn current_url() -> String {
    let location = window().location();
    format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    )
}

/// A plain click on a list link: followed in place, as a new history entry.
fn on_click(results: &'static str, ev: leptos::ev::MouseEvent) {
    use leptos::wasm_bindgen::JsCast;
    if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
        return;
    }
    let Some(link) = ev
        .target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .and_then(|el| el.closest("a[data-list-link]").ok().flatten())
    else {
        return;
    };
    let Some(href) = link.get_attribute("href") else {
        return;
    };
    ev.prevent_default();
    navigate(results, href, false);
}

/// The fields a list's form may hold, in the order its address lists them.
const LIST_FIELDS: [&str; 4] = ["sort", "dir", "action", "q"];

/// The list's `GET` form changed or was sent: its fields are the new query,
/// at the first page. Typing in a text field replaces the history entry, so
/// Back is not flooded; a choice from a list, or sending the form, adds one.
fn on_form(results: &'static str, target: Option<leptos::web_sys::EventTarget>, input: bool) {
    use leptos::wasm_bindgen::JsCast;
    let typing = input
        && target
            .as_ref()
            .is_some_and(|t| t.dyn_ref::<leptos::web_sys::HtmlInputElement>().is_some());
    // The form itself (sent), or the field that changed inside it.
    let Some(form) = target
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .and_then(|el| el.closest("form[data-list-form]").ok().flatten())
        .and_then(|el| el.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
    else {
        return;
    };
    let Ok(data) = leptos::web_sys::FormData::new_with_form(&form) else {
        return;
    };
    // Leave out empty fields, so the plainest view has the plainest address.
    let mut query = crate::app::list_url::QueryString::default();
    for key in LIST_FIELDS {
        if let Some(value) = data.get(key).as_string() {
            query = query.set(key, &value, "");
        }
    }
    let url = format!(
        "{}{}",
        window().location().pathname().unwrap_or_default(),
        query.finish()
    );
    if url != current_url() {
        navigate(results, url, typing);
    }
}

fn navigate(results: &'static str, url: String, replace: bool) {
    // Following a link to where the list already is (Retry) adds no entry.
    let replace = replace || url == current_url();
    if let Ok(history) = window().history() {
        let none = leptos::wasm_bindgen::JsValue::NULL;
        let _ = if replace {
            history.replace_state_with_url(&none, "", Some(&url))
        } else {
            history.push_state_with_url(&none, "", Some(&url))
        };
    }
    client::load(results, url, false);
}

mod client {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{
        DomParser, Element, HtmlElement, HtmlInputElement, Response, SupportedType,
    };
    use std::cell::Cell;

    thread_local! {
        /// The latest load asked for: an older answer arriving late is dropped.
        static LATEST: Cell<u64> = const { Cell::new(0) };
    }

    /// Loads `url` and swaps its results region into this page's. With
    /// `sync_form`, the filter fields take the loaded page's values too
    /// (Back and Forward: the address, not the person, changed them).
    pub fn load(results: &'static str, url: String, sync_form: bool) {
        let ticket = LATEST.with(|l| {
            l.set(l.get() + 1);
            l.get()
        });
        set_busy(results, true);
        leptos::task::spawn_local(async move {
            let fetched = fetch(&url).await;
            if LATEST.with(Cell::get) != ticket {
                return;
            }
            set_busy(results, false);
            match fetched.and_then(|doc| swap(&doc, results, sync_form)) {
                Some(()) => {}
                // Not a page of this list: go there instead.
                None => {
                    let _ = window().location().assign(&url);
                }
            }
        });
    }

    async fn fetch(url: &str) -> Option<leptos::web_sys::Document> {
        let response = wasm_bindgen_futures::JsFuture::from(window().fetch_with_str(url))
            .await
            .ok()?
            .dyn_into::<Response>()
            .ok()?;
        if !response.ok() || response.redirected() {
            return None;
        }
        let text = wasm_bindgen_futures::JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        DomParser::new()
            .ok()?
            .parse_from_string(&text, SupportedType::TextHtml)
            .ok()
    }

    fn swap(doc: &leptos::web_sys::Document, results: &str, sync_form: bool) -> Option<()> {
        let fresh = doc.get_element_by_id(results)?;
        let here = document().get_element_by_id(results)?;
        // A row that had focus keeps it in the new rows.
        let focused = document()
            .active_element()
            .filter(|el| here.contains(Some(el)))
            .and_then(|el| el.get_attribute("data-id"));
        here.set_inner_html(&fresh.inner_html());
        if sync_form {
            sync_fields(doc);
        }
        if let Some(id) = focused {
            focus_row(&here, &id);
        }
        Some(())
    }

    /// Focuses the row with this `data-id` in the results, if it is there.
    pub fn focus_row(results: &Element, id: &str) {
        let selector = format!("tr[data-id=\"{}\"]", id.replace(['"', '\\'], ""));
        if let Some(row) = results
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<HtmlElement>().ok())
        {
            let _ = row.focus();
        }
    }

    fn sync_fields(doc: &leptos::web_sys::Document) {
        let Ok(fields) = document().query_selector_all("form[data-list-form] [name]") else {
            return;
        };
        for i in 0..fields.length() {
            let Some(field) = fields.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let Some(name) = field.get_attribute("name") else {
                continue;
            };
            let value = doc
                .query_selector(&format!("form[data-list-form] [name=\"{name}\"]"))
                .ok()
                .flatten()
                .map(|fresh| {
                    fresh
                        .dyn_ref::<HtmlInputElement>()
                        .map(HtmlInputElement::value)
                        .or_else(|| {
                            fresh
                                .dyn_ref::<leptos::web_sys::HtmlSelectElement>()
                                .map(|s| s.value())
                        })
                        .unwrap_or_default()
                })
                .unwrap_or_default();
            if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
                input.set_value(&value);
            } else if let Some(select) = field.dyn_ref::<leptos::web_sys::HtmlSelectElement>() {
                select.set_value(&value);
            }
        }
    }

    fn set_busy(results: &str, busy: bool) {
        if let Some(here) = document().get_element_by_id(results) {
            let _ = here.set_attribute("aria-busy", if busy { "true" } else { "false" });
        }
    }
}

pub use client::focus_row;
