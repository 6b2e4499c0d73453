//! The browser side of the live list: load an address, swap its results
//! region in, hydrate the islands it brought, and put the focus back.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{DomParser, Element, HtmlElement, HtmlInputElement, Response, SupportedType};
use std::cell::{Cell, RefCell};

thread_local! {
    /// The latest load asked for: an older answer arriving late is dropped.
    static LATEST: Cell<u64> = const { Cell::new(0) };
    /// The results regions of the live lists hydrated on this page.
    static LISTS: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

#[cfg(feature = "hydrate")]
pub fn register(results: &'static str) {
    LISTS.with(|l| l.borrow_mut().push(results));
}

#[cfg(feature = "hydrate")]
pub fn unregister(results: &'static str) {
    LISTS.with(|l| l.borrow_mut().retain(|r| *r != results));
}

#[cfg(feature = "hydrate")]
pub fn reload_all(focus: Option<String>) {
    let lists = LISTS.with(|l| l.borrow().clone());
    for results in lists {
        load(results, super::current_url(), false, focus.clone());
    }
}

/// Loads `url` and swaps its results region into this page's. With
/// `sync_form`, the filter fields take the loaded page's values too
/// (Back and Forward: the address, not the person, changed them);
/// `focus` names the element to focus in the new results.
///
/// While it loads, the old results are `inert`: a click on what is about
/// to be replaced would act on a row that is gone a moment later.
pub fn load(results: &'static str, url: String, sync_form: bool, focus: Option<String>) {
    let ticket = LATEST.with(|l| {
        l.set(l.get() + 1);
        l.get()
    });
    let refocus = Refocus::read(results, focus);
    set_busy(results, true);
    leptos::task::spawn_local(async move {
        let fetched = fetch(&url).await;
        if LATEST.with(Cell::get) != ticket {
            return;
        }
        match fetched.and_then(|doc| swap(&doc, results, sync_form)) {
            Some(here) => {
                hydrate_islands(&here).await;
                set_busy(results, false);
                refocus.apply(&here);
            }
            // Not a page of this list: go there instead.
            None => {
                let _ = window().location().assign(&url);
            }
        }
    });
}

/// Where the focus goes once new results are in.
enum Refocus {
    /// It was not in the results, and no one asked: it stays put.
    Stay,
    /// A row, by its `data-id`.
    Row(String),
    /// An element, by its id; the region itself should it be gone.
    Id(String),
    /// The region itself (what had focus has no name to find it by).
    Region,
}

impl Refocus {
    fn read(results: &str, asked: Option<String>) -> Self {
        let focused = document().active_element().filter(|el| {
            document()
                .get_element_by_id(results)
                .is_some_and(|here| here.contains(Some(el)))
        });
        if let Some(id) = asked {
            return Self::Id(id);
        }
        let Some(el) = focused else {
            return Self::Stay;
        };
        match (el.get_attribute("data-id"), el.id()) {
            (Some(row), _) => Self::Row(row),
            (None, id) if !id.is_empty() => Self::Id(id),
            _ => Self::Region,
        }
    }

    fn apply(self, here: &Element) {
        match self {
            Self::Stay => {}
            Self::Row(id) => focus_row(here, &id),
            Self::Id(id) => match document()
                .get_element_by_id(&id)
                .and_then(|el| el.dyn_into::<HtmlElement>().ok())
            {
                Some(el) => {
                    let _ = el.focus();
                }
                // Gone (the row was deleted): the region, not the page's top.
                None => focus_region(here),
            },
            Self::Region => focus_region(here),
        }
    }
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

fn swap(doc: &leptos::web_sys::Document, results: &str, sync_form: bool) -> Option<Element> {
    let fresh = doc.get_element_by_id(results)?;
    let here = document().get_element_by_id(results)?;
    here.set_inner_html(&fresh.inner_html());
    if sync_form {
        sync_fields(doc);
    }
    Some(here)
}

fn focus_region(here: &Element) {
    if !here.has_attribute("tabindex") {
        let _ = here.set_attribute("tabindex", "-1");
    }
    if let Some(el) = here.dyn_ref::<HtmlElement>() {
        let _ = el.focus();
    }
}

/// The islands in freshly swapped results (a row's actions) hydrate as
/// those of the page did, through the function Leptos' own island
/// script leaves on `window`; their code is already loaded.
async fn hydrate_islands(here: &Element) {
    let Some(hydrate) = js_sys::Reflect::get(&window(), &"__hydrateIsland".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return;
    };
    let Ok(islands) = here.query_selector_all("leptos-island") else {
        return;
    };
    for i in 0..islands.length() {
        let Some(el) = islands.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        // One inside another is the outer one's to hydrate.
        let nested = el
            .parent_element()
            .and_then(|p| p.closest("leptos-island").ok().flatten())
            .is_some_and(|outer| here.contains(Some(&outer)));
        if nested {
            continue;
        }
        let id = el.get_attribute("data-component").unwrap_or_default();
        if let Ok(done) = hydrate.call2(&leptos::wasm_bindgen::JsValue::NULL, &el, &id.into())
            && let Ok(done) = done.dyn_into::<js_sys::Promise>()
        {
            let _ = wasm_bindgen_futures::JsFuture::from(done).await;
        }
    }
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
        let _ = if busy {
            here.set_attribute("inert", "")
        } else {
            here.remove_attribute("inert")
        };
    }
}
