//! A live form's fields as its server function's arguments, and the call.

use leptos::prelude::*;
use leptos::wasm_bindgen::{JsCast, JsValue};
use leptos::web_sys::{
    Element, HtmlFormElement, HtmlInputElement, HtmlSelectElement, Request, RequestInit, Response,
};

use crate::domain::AppError;

/// What is sent: JSON, or a URL-encoded form for a server function
/// that reads one (`data-encoding="url"`).
pub(super) enum Body {
    Json(String),
    Url(String),
}

/// The form's fields as the server function's arguments.
pub(super) fn body(form: &HtmlFormElement) -> Body {
    if form.get_attribute("data-encoding").as_deref() == Some("url") {
        let mut pairs = Vec::new();
        if let Ok(fields) = form.query_selector_all("input[name]") {
            for i in 0..fields.length() {
                if let Some(input) = fields
                    .item(i)
                    .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
                {
                    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
                    pairs.push(format!("{}={}", enc(&input.name()), enc(&input.value())));
                }
            }
        }
        return Body::Url(pairs.join("&"));
    }
    Body::Json(json_body(form))
}

fn json_body(form: &HtmlFormElement) -> String {
    let root = js_sys::Object::new();
    let Ok(fields) = form.query_selector_all("[name]") else {
        return "{}".into();
    };
    for i in 0..fields.length() {
        let Some(field) = fields.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let Some(name) = field.get_attribute("name") else {
            continue;
        };
        let value = if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
            if input.type_() == "checkbox" {
                if input.checked() {
                    Some(input.value())
                } else {
                    field.get_attribute("data-unchecked")
                }
            } else {
                Some(input.value())
            }
        } else {
            field
                .dyn_ref::<HtmlSelectElement>()
                .map(HtmlSelectElement::value)
        };
        // `tools[]`: every such field adds to one list, which is sent
        // (empty) even when none is ticked.
        if let Some(list) = name.strip_suffix("[]") {
            let array = array_at(&root, list);
            if let Some(value) = value {
                array.push(&JsValue::from_str(&value));
            }
            continue;
        }
        let Some(value) = value else {
            continue;
        };
        if value.is_empty() && field.has_attribute("data-optional") {
            continue;
        }
        let value = match field.get_attribute("data-type").as_deref() {
            Some("number") => value
                .trim()
                .parse::<f64>()
                .map(JsValue::from_f64)
                .unwrap_or_else(|_| JsValue::from_str(&value)),
            Some("bool") => JsValue::from_bool(value == "true"),
            _ => JsValue::from_str(&value),
        };
        set_path(&root, &name, value);
    }
    js_sys::JSON::stringify(&root)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "{}".into())
}

/// The list at `path`, made empty if it is not there yet.
fn array_at(root: &js_sys::Object, path: &str) -> js_sys::Array {
    let mut at = root.clone();
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let key = JsValue::from_str(key);
        let found = js_sys::Reflect::get(&at, &key).ok();
        if keys.peek().is_none() {
            if let Some(array) = found.and_then(|v| v.dyn_into::<js_sys::Array>().ok()) {
                return array;
            }
            let array = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&at, &key, &array);
            return array;
        }
        at = match found.and_then(|v| v.dyn_into::<js_sys::Object>().ok()) {
            Some(next) => next,
            None => {
                let made = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&at, &key, &made);
                made
            }
        };
    }
    js_sys::Array::new()
}

/// `a.b` = value, making `a` as it goes.
fn set_path(root: &js_sys::Object, path: &str, value: JsValue) {
    let mut at = root.clone();
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        let key = JsValue::from_str(key);
        if keys.peek().is_none() {
            let _ = js_sys::Reflect::set(&at, &key, &value);
            return;
        }
        let next = js_sys::Reflect::get(&at, &key)
            .ok()
            .and_then(|v| v.dyn_into::<js_sys::Object>().ok())
            .unwrap_or_else(|| {
                let made = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&at, &key, &made);
                made
            });
        at = next;
    }
}

pub(super) async fn post(url: &str, body: Body) -> Result<JsValue, AppError> {
    let network = |_| AppError::Network("the request did not complete".into());
    let (content_type, body) = match body {
        Body::Json(b) => ("application/json", b),
        Body::Url(b) => ("application/x-www-form-urlencoded", b),
    };
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body));
    let request = Request::new_with_str_and_init(url, &init).map_err(network)?;
    let headers = request.headers();
    let _ = headers.set("content-type", content_type);
    let _ = headers.set("accept", "application/json");
    let response: Response =
        wasm_bindgen_futures::JsFuture::from(window().fetch_with_request(&request))
            .await
            .map_err(network)?
            .dyn_into()
            .map_err(network)?;
    let text = wasm_bindgen_futures::JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        Ok(js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL))
    } else {
        // Read as every server action reads it (the same code, which
        // the main module already has).
        use leptos::server_fn::error::FromServerFnError;
        Err(AppError::de(text.into()))
    }
}
