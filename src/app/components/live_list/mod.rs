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
//! The list's code stays on the server; the island only carries this, and
//! the forms inside it that the server renders to work in place
//! (`live_form`).

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

/// A list's results when they could not be loaded: what, why, and Retry
/// (the same address, which the live list loads in place).
#[component]
pub fn LoadFailed(
    /// "the agents", "your tokens".
    what: &'static str,
    #[prop(into)] retry: String,
    error: AppError,
) -> impl IntoView {
    view! {
        <div class="alert error" role="alert">
            <p>{format!("Could not load {what}: ")} {error.to_string()}</p>
            <a class="button" href=retry data-list-link="">"Retry"</a>
        </div>
    }
}

/// A list with nothing in it: a title, and what to do about it.
#[component]
pub fn EmptyResults(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="empty">
            <p class="empty-title">{title}</p>
            {children()}
        </div>
    }
}

/// The island of a page that is all server-rendered but for its live list
/// and live forms: one island for every such page. It is not lazy: its
/// code is in the main module, which every page loads anyway. As a lazy
/// island (one per page, or one for all) the split cut the code it shares
/// with the others into some thirty small chunks, each a request and a
/// module's overhead: 44 kB gzip in all, against what it adds to the main
/// module (see page-weight.spec).
#[island]
pub fn LivePage(
    /// The id of the results region (see [`LiveList`]).
    results: String,
    children: Children,
) -> impl IntoView {
    // `LiveList` names its region for the page's life; the island lives as
    // long as the page, so the one string it keeps is not a leak that grows.
    let results: &'static str = String::leak(results);
    view! { <LiveList results>{children()}</LiveList> }
}

/// Live forms (see `live_form`) outside a live list: the header's Sign out.
#[island]
pub fn LiveForms(children: Children) -> impl IntoView {
    view! {
        <div
            class="live-forms"
            on:click=move |ev| {
                #[cfg(feature = "hydrate")]
                if super::live_form::on_click(&ev) {
                    ev.prevent_default();
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }
            on:submit=move |ev| {
                #[cfg(feature = "hydrate")]
                if super::live_form::on_submit(ev.target()) {
                    ev.prevent_default();
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }
        >
            {children()}
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
            client::load(results, current_url(), true, None);
        });
        client::register(results);
        on_cleanup(move || {
            handle.remove();
            client::unregister(results);
        });
        if let Some(reload) = reload {
            Effect::new(move |first: Option<()>| {
                reload.track();
                if first.is_some() {
                    client::load(results, current_url(), false, None);
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
            on:keydown=move |ev| {
                #[cfg(feature = "hydrate")]
                super::live_form::on_keydown(&ev);
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }
            on:input=move |ev| on_form(results, ev.target(), true)
            on:change=move |ev| on_form(results, ev.target(), true)
            on:submit=move |ev| {
                ev.prevent_default();
                #[cfg(feature = "hydrate")]
                if super::live_form::on_submit(ev.target()) {
                    return;
                }
                on_form(results, ev.target(), false);
            }
        >
            {children()}
        </div>
    }
}

/// Asks every live list on this page to load its address again, as after a
/// change an island made in it; once the new results are in, the element
/// with the id `focus` takes the focus (the results region does, should it
/// be gone), so the keyboard user is not dropped to the page's top.
pub fn reload_lists(focus: Option<String>) {
    #[cfg(feature = "hydrate")]
    client::reload_all(focus);
    #[cfg(not(feature = "hydrate"))]
    let _ = focus;
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
    #[cfg(feature = "hydrate")]
    if super::live_form::on_click(&ev) {
        ev.prevent_default();
        return;
    }
    if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
        return;
    }
    // A link, or a button that stands for one (`data-list-href`: a form's
    // button, which without script sends the same address as a GET).
    let Some(link) = ev
        .target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .and_then(|el| {
            el.closest("a[data-list-link], [data-list-href]")
                .ok()
                .flatten()
        })
    else {
        return;
    };
    let Some(href) = link
        .get_attribute("data-list-href")
        .or_else(|| link.get_attribute("href"))
    else {
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
    client::load(results, url, false, None);
}

mod client;

pub use client::focus_row;
