//! The marker tests wait for before they touch a page.

use leptos::prelude::*;

/// The last island of every page. Leptos hydrates islands one after another
/// in document order, waiting for each lazy island's code to arrive, so when
/// this one hydrates, every island before it has: it then sets
/// `data-hydrated` on `<html>`. A panic in an earlier island stops the walk,
/// and the marker never appears.
#[island]
pub fn HydrationMark() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
