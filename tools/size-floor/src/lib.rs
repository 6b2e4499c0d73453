//! The smallest app of Switchboard's shape, weighed by `./dev size` beside
//! the real pages: what the framework alone costs a page.
//!
//! One list read by a server function into a resource, and one button that
//! dispatches a server action. Built twice:
//! - `hydrate`: the whole page hydrates, under a router with a parent route
//!   and two pages, as Switchboard's admin does today;
//! - `hydrate islands`: the same list as the only island; the router and
//!   everything else render on the server and ship no code.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
pub struct Row {
    pub id: i64,
    pub name: String,
    pub enabled: bool,
}

#[server]
pub async fn list_rows() -> Result<Vec<Row>, ServerFnError> {
    Ok(Vec::new())
}

#[server]
pub async fn toggle(id: i64, on: bool) -> Result<(), ServerFnError> {
    let _ = (id, on);
    Ok(())
}

#[cfg(not(feature = "islands"))]
mod routed {
    use leptos::prelude::*;
    use leptos_router::components::{A, Outlet, ParentRoute, Route, Router, Routes};
    use leptos_router::path;

    #[component]
    pub fn App() -> impl IntoView {
        view! {
            <Router>
                <Routes fallback=|| "Not found">
                    <ParentRoute path=path!("") view=Layout>
                        <Route path=path!("/") view=super::Rows />
                        <Route path=path!("/other") view=super::Rows />
                    </ParentRoute>
                </Routes>
            </Router>
        }
    }

    #[component]
    fn Layout() -> impl IntoView {
        view! {
            <nav><A href="/">"Home"</A> <A href="/other">"Other"</A></nav>
            <main><Outlet /></main>
        }
    }
}

#[cfg(not(feature = "islands"))]
pub use routed::App;

#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn Rows() -> impl IntoView {
    let rows = Resource::new(|| (), |_| list_rows());
    let toggle = ServerAction::<Toggle>::new();
    view! {
        <Suspense fallback=|| "Loading…">
            {move || rows.get().map(|rows| {
                rows.unwrap_or_default()
                    .into_iter()
                    .map(|row| {
                        let (id, on) = (row.id, !row.enabled);
                        view! {
                            <p>
                                {row.name}
                                <button on:click=move |_| { toggle.dispatch(Toggle { id, on }); }>"Toggle"</button>
                            </p>
                        }
                    })
                    .collect_view()
            })}
        </Suspense>
    }
}

#[cfg(all(feature = "hydrate", not(feature = "islands")))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}

#[cfg(all(feature = "hydrate", feature = "islands"))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
