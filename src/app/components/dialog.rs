//! A modal dialog: `role="dialog"`, focus moved in and trapped, Esc closes,
//! focus returned to whatever opened it.
//!
//! Keys are heard on the window, not on the panel: a button that disables
//! itself while it works (Test Connection) drops focus to `<body>`, and a
//! listener on the panel would then hear nothing, leaving a keyboard user
//! with no Escape. Only the top-most open dialog acts on a key.

use leptos::html;
use leptos::prelude::*;
use leptos::reactive::send_wrapper_ext::SendOption;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlElement, KeyboardEvent};
use std::cell::RefCell;

thread_local! {
    /// The open dialogs' panels, innermost last (browser-side only).
    static OPEN: RefCell<Vec<HtmlElement>> = const { RefCell::new(Vec::new()) };
}

fn is_top(panel: &HtmlElement) -> bool {
    OPEN.with_borrow(|open| open.last() == Some(panel))
}

const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), \
    select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

fn focusables(root: &Element) -> Vec<HtmlElement> {
    let Ok(nodes) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        // Hidden elements have no offset parent and cannot take focus.
        .filter(|el| el.offset_parent().is_some())
        .collect()
}

/// Focuses the element with this id, if there is one: where focus goes when
/// what held it (a closed form, a deleted row) leaves the dialog.
pub fn focus_id(id: &str) {
    if let Some(el) = document().get_element_by_id(id)
        && let Ok(el) = el.dyn_into::<HtmlElement>()
    {
        let _ = el.focus();
    }
}

/// Focuses the first focusable element inside `panel`, else the panel.
fn focus_first(panel: &HtmlElement) {
    match focusables(panel).into_iter().next() {
        Some(el) => {
            let _ = el.focus();
        }
        None => {
            let _ = panel.focus();
        }
    }
}

#[component]
pub fn Dialog(
    #[prop(into)] title: Signal<String>,
    /// Unique per page: names the title element for `aria-labelledby`.
    #[prop(into)]
    id: String,
    #[prop(into)] on_close: Callback<()>,
    #[prop(optional, into)] wide: bool,
    children: Children,
) -> impl IntoView {
    let panel: NodeRef<html::Div> = NodeRef::new();
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    // What had focus before, to give it back on close.
    // A `SendOption`: the server renders and drops dialogs on any thread,
    // and an empty one holds no `SendWrapper` that could panic there.
    let opener = StoredValue::new(SendOption::new_local(None::<HtmlElement>));

    Effect::new(move |_| {
        if let Some(panel) = panel.get() {
            if opener.with_value(|o| o.is_none()) {
                let active = document()
                    .active_element()
                    .and_then(|e| e.dyn_into::<HtmlElement>().ok());
                opener.set_value(SendOption::new_local(active));
                let el: HtmlElement = (*panel).clone();
                OPEN.with_borrow_mut(|open| open.push(el));
            }
            // A dialog whose code is loaded lazily is built inside a
            // <Suspense> and can exist before it is in the document, where
            // nothing takes focus: then move focus once it is attached.
            if panel.is_connected() {
                focus_first(&panel);
            } else {
                request_animation_frame(move || focus_first(&panel));
            }
        }
    });

    let keys = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        let Some(panel) = panel.get_untracked() else {
            return;
        };
        if !is_top(&panel) {
            return;
        }
        on_key(&panel, &ev, on_close);
    });
    on_cleanup(move || {
        keys.remove();
        if let Some(panel) = panel.get_untracked() {
            let el: &HtmlElement = &panel;
            OPEN.with_borrow_mut(|open| open.retain(|p| p != el));
        }
        if let Some(Some(el)) = opener.try_with_value(|o| o.as_ref().cloned()) {
            let _ = el.focus();
        }
    });

    view! {
        <div class="backdrop" on:click=move |_| on_close.run(())></div>
        <div
            class="dialog"
            class:wide=wide
            role="dialog"
            aria-modal="true"
            aria-labelledby=labelled_by
            tabindex="-1"
            node_ref=panel
        >
            <header class="dialog-header">
                <h2 id=title_id>{move || title.get()}</h2>
                <button class="icon" type="button" aria-label="Close" on:click=move |_| on_close.run(())>
                    "×"
                </button>
            </header>
            <div class="dialog-body">{children()}</div>
        </div>
    }
}

/// Escape closes; Tab and Shift+Tab go round the panel's controls, and
/// bring focus back into it from wherever it fell.
fn on_key(panel: &HtmlElement, ev: &KeyboardEvent, on_close: Callback<()>) {
    match ev.key().as_str() {
        "Escape" => {
            ev.stop_propagation();
            ev.prevent_default();
            on_close.run(());
        }
        "Tab" => {
            let items = focusables(panel);
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                ev.prevent_default();
                let _ = panel.focus();
                return;
            };
            let active = document().active_element();
            let at = |el: &HtmlElement| {
                active
                    .as_ref()
                    .is_some_and(|a| a == el.unchecked_ref::<Element>())
            };
            let inside = active.as_ref().is_some_and(|a| panel.contains(Some(a)));
            if ev.shift_key() && (at(first) || !inside) {
                ev.prevent_default();
                let _ = last.focus();
            } else if !ev.shift_key() && (at(last) || !inside) {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
        _ => {}
    }
}
