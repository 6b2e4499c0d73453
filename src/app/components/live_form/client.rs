//! The browser side of live forms: panels, sending, and what comes back.

use leptos::prelude::*;
use leptos::wasm_bindgen::{JsCast, JsValue};
use leptos::web_sys::{
    Element, EventTarget, HtmlButtonElement, HtmlElement, HtmlFormElement, HtmlInputElement,
    KeyboardEvent, MouseEvent,
};

use super::request::{body, post};
use crate::app::components::live_list::reload_lists;
use crate::app::components::toasts::use_toasts;
use crate::domain::AppError;

fn element(target: Option<EventTarget>) -> Option<Element> {
    target.and_then(|t| t.dyn_into::<Element>().ok())
}

fn closest(el: &Element, selector: &str) -> Option<Element> {
    el.closest(selector).ok().flatten()
}

fn focus(el: &Element) {
    if let Some(el) = el.dyn_ref::<HtmlElement>() {
        let _ = el.focus();
    }
}

/// A click on an opener, a closer or a copy button; `true` if it was one.
pub fn on_click(ev: &MouseEvent) -> bool {
    let Some(el) = element(ev.target()) else {
        return false;
    };
    if let Some(opener) = closest(&el, "[data-open]") {
        open(&opener);
        return true;
    }
    if let Some(panel) = closest(&el, "[data-close]").and_then(|c| closest(&c, "[data-panel]")) {
        close(&panel);
        return true;
    }
    if let Some(copy) = closest(&el, "[data-copy], [data-copy-from]") {
        let text = match copy.get_attribute("data-copy-from") {
            Some(id) => document()
                .get_element_by_id(&id)
                .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
                .map(|input| input.value())
                .unwrap_or_default(),
            None => copy.get_attribute("data-copy").unwrap_or_default(),
        };
        let what = copy
            .get_attribute("data-copy-what")
            .unwrap_or_else(|| "Text".to_owned());
        use_toasts().copy(text, &what);
        return true;
    }
    false
}

/// Escape in an open panel closes it.
pub fn on_keydown(ev: &KeyboardEvent) {
    if ev.key() != "Escape" {
        return;
    }
    if let Some(panel) = element(ev.target()).and_then(|el| closest(&el, "[data-panel]")) {
        ev.prevent_default();
        close(&panel);
    }
}

fn open(opener: &Element) {
    let Some(panel) = opener
        .get_attribute("data-open")
        .and_then(|id| document().get_element_by_id(&id))
    else {
        return;
    };
    let group = closest(opener, "[data-openers]").unwrap_or_else(|| opener.clone());
    let _ = group.set_attribute("hidden", "");
    let _ = panel.remove_attribute("hidden");
    let _ = panel.set_attribute("data-opener", &opener.id());
    let field = panel
        .query_selector("input:not([type=hidden]), select")
        .ok()
        .flatten();
    match field {
        Some(field) => {
            focus(&field);
            if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
                input.select();
            }
        }
        None => {
            if let Some(button) = panel.query_selector("button").ok().flatten() {
                focus(&button);
            }
        }
    }
}

fn close(panel: &Element) {
    let _ = panel.set_attribute("hidden", "");
    // What the answer filled in (a new token) leaves the page with it.
    fill_all(panel, &JsValue::NULL, false);
    if let Ok(forms) = panel.query_selector_all("form") {
        for i in 0..forms.length() {
            if let Some(form) = forms
                .item(i)
                .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
            {
                form.reset();
                clear_errors(&form);
            }
        }
    }
    let Some(opener) = panel
        .get_attribute("data-opener")
        .and_then(|id| document().get_element_by_id(&id))
    else {
        return;
    };
    let group = closest(&opener, "[data-openers]").unwrap_or_else(|| opener.clone());
    let _ = group.remove_attribute("hidden");
    focus(&opener);
}

/// A submit of a live form; `true` if it was one (it is sent here).
pub fn on_submit(target: Option<EventTarget>) -> bool {
    let Some(form) = element(target)
        .and_then(|el| closest(&el, "form[data-live-form]"))
        .and_then(|el| el.dyn_into::<HtmlFormElement>().ok())
    else {
        return false;
    };
    let Some(url) = form.get_attribute("data-live-form") else {
        return false;
    };
    if form.has_attribute("data-busy") {
        return true;
    }
    let body = body(&form);
    let pending = Pending::start(&form);
    leptos::task::spawn_local(async move {
        let answer = post(&url, body).await;
        pending.end();
        match answer {
            Ok(value) => done(&form, &value),
            Err(e) => refused(&form, &e),
        }
    });
    true
}

/// The submit button disabled and saying what it is doing.
struct Pending {
    form: HtmlFormElement,
    button: Option<(HtmlButtonElement, String)>,
}

impl Pending {
    fn start(form: &HtmlFormElement) -> Self {
        let _ = form.set_attribute("data-busy", "");
        let button = form
            .query_selector("button[type=submit], button:not([type])")
            .ok()
            .flatten()
            .and_then(|b| b.dyn_into::<HtmlButtonElement>().ok())
            .map(|b| {
                let label = b.text_content().unwrap_or_default();
                b.set_disabled(true);
                if let Some(pending) = b.get_attribute("data-pending") {
                    b.set_text_content(Some(&pending));
                }
                (b, label)
            });
        Self {
            form: form.clone(),
            button,
        }
    }

    fn end(&self) {
        let _ = self.form.remove_attribute("data-busy");
        if let Some((b, label)) = &self.button {
            b.set_disabled(false);
            if b.has_attribute("data-pending") {
                b.set_text_content(Some(label));
            }
            // Disabling it dropped the focus to the page: back to it.
            let body = document().body();
            let lost = document().active_element().is_none_or(|a| {
                body.as_ref()
                    .is_some_and(|b| a.is_same_node(Some(b.as_ref())))
            });
            if lost {
                let _ = b.focus();
            }
        }
    }
}

/// `Created “{name}”.` with the answer's `name`.
fn fill(template: &str, answer: &JsValue) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        let key = &rest[start + 1..start + len];
        // Braces that name nothing in the answer (a name typed with
        // them) stay as they are.
        let value = key
            .split('.')
            .try_fold(answer.clone(), |at, k| {
                at.is_object()
                    .then(|| js_sys::Reflect::get(&at, &JsValue::from_str(k)).ok())
                    .flatten()
            })
            .and_then(|v| v.as_string().or_else(|| v.as_f64().map(|n| n.to_string())));
        match value {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[start..=start + len]),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// Fills each `[data-fill]` in `root` from the answer (an input's
/// value, anything else's text), or empties them all.
fn fill_all(root: &Element, answer: &JsValue, on: bool) {
    let Ok(slots) = root.query_selector_all("[data-fill]") else {
        return;
    };
    for i in 0..slots.length() {
        let Some(slot) = slots.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let text = if on {
            fill(&slot.get_attribute("data-fill").unwrap_or_default(), answer)
        } else {
            String::new()
        };
        match slot.dyn_ref::<HtmlInputElement>() {
            Some(input) => input.set_value(&text),
            None => slot.set_text_content(Some(&text)),
        }
    }
}

/// Shows the panel `data-reveal` names, filled from the answer, and
/// focuses its first field (a new token, selected for copying).
fn reveal(form: &HtmlFormElement, id: &str, answer: &JsValue) {
    let Some(panel) = document().get_element_by_id(id) else {
        return;
    };
    fill_all(&panel, answer, true);
    let _ = panel.remove_attribute("hidden");
    // Closed, it gives the focus to the form, ready for the next one.
    if let Some(first) = form
        .query_selector("input:not([type=hidden])")
        .ok()
        .flatten()
    {
        let _ = panel.set_attribute("data-opener", &first.id());
    }
    if let Some(input) = panel
        .query_selector("input")
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
    {
        let _ = input.focus();
        input.select();
    }
}

fn done(form: &HtmlFormElement, answer: &JsValue) {
    clear_errors(form);
    let toasts = use_toasts();
    let notice = form.get_attribute("data-done").map(|t| fill(&t, answer));
    if let Some(then) = form.get_attribute("data-then") {
        if let Some(notice) = notice {
            toasts.success_on_next_page(notice);
        }
        let _ = window().location().assign(&then);
        return;
    }
    // An answer that did only part of it (a sync that failed for some
    // agents) says so, and that outlives the reload.
    let problem = js_sys::Reflect::get(answer, &JsValue::from_str("problem"))
        .ok()
        .and_then(|p| p.as_string());
    match (problem, notice) {
        (Some(problem), _) => toasts.error(problem),
        (None, Some(notice)) => toasts.success(notice),
        (None, None) => {}
    }
    if let Some(url) = form.get_attribute("data-goto")
        && let Ok(history) = window().history()
    {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
    if form.has_attribute("data-reset") {
        form.reset();
    }
    if let Some(id) = form.get_attribute("data-reveal") {
        reveal(form, &id, answer);
        reload_lists(None);
        return;
    }
    let focus_after = form
        .get_attribute("data-focus-after")
        .or_else(|| closest(form, "[data-panel]").and_then(|p| p.get_attribute("data-opener")));
    reload_lists(focus_after);
}

fn clear_errors(form: &HtmlFormElement) {
    if let Ok(errors) = form.query_selector_all("[data-error-for]") {
        for i in 0..errors.length() {
            if let Some(el) = errors.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                el.set_text_content(None);
                if let Ok(Some(input)) =
                    form.query_selector(&format!("[aria-describedby~=\"{}\"]", el.id()))
                {
                    let _ = input.set_attribute("aria-invalid", "false");
                }
            }
        }
    }
    if let Ok(Some(general)) = form.query_selector("[data-form-error]") {
        general.set_text_content(None);
        let _ = general.set_attribute("hidden", "");
    }
}

fn refused(form: &HtmlFormElement, error: &AppError) {
    clear_errors(form);
    let mut first = None::<Element>;
    let mut placed = false;
    if let Ok(slots) = form.query_selector_all("[data-error-for]") {
        for i in 0..slots.length() {
            let Some(slot) = slots.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            // A slot may speak for several fields: `data-error-for="name slug"`.
            let fields = slot.get_attribute("data-error-for").unwrap_or_default();
            let Some(message) = fields
                .split_whitespace()
                .find_map(|field| error.field_message(field))
            else {
                continue;
            };
            placed = true;
            slot.set_text_content(Some(&message));
            if let Ok(Some(input)) =
                form.query_selector(&format!("[aria-describedby~=\"{}\"]", slot.id()))
            {
                let _ = input.set_attribute("aria-invalid", "true");
                first.get_or_insert(input);
            }
        }
    }
    let general = if placed {
        error.general_message()
    } else {
        Some(error.to_string())
    };
    if let Some(message) = general {
        match form.query_selector("[data-form-error]").ok().flatten() {
            Some(slot) => {
                slot.set_text_content(Some(&message));
                let _ = slot.remove_attribute("hidden");
            }
            None => use_toasts().error(message),
        }
    }
    if let Some(input) = first {
        focus(&input);
    }
}
