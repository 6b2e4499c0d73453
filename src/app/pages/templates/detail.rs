//! `/agent-templates?id=…`: one template: its servers (assign with a switch,
//! narrow each to some tools), its agents, and the sync to them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::servers_table::ServersTable;
use super::sync_panel::SyncPanel;
use crate::api::templates::{DeleteTemplate, get_template};
use crate::app::components::toasts::use_toasts;
use crate::app::pages::layout::{AdminOnly, CurrentUser};
use crate::domain::template::TemplateDetail;
use crate::domain::{AppError, TemplateId};

/// The id of the control to focus once the page has re-rendered after a
/// change: a switch or button that is replaced by the reload keeps focus.
#[derive(Clone, Copy)]
pub struct Refocus(pub RwSignal<Option<String>>);

impl Refocus {
    /// Called by a control as it mounts: takes focus if it asked for it.
    pub fn claim(self, id: &str) {
        if self.0.get_untracked().as_deref() == Some(id) {
            self.0.set(None);
            let id = id.to_owned();
            request_animation_frame(move || crate::app::components::dialog::focus_id(&id));
        }
    }
}

/// What the page found for the `?id=` it was given: `None` for a missing,
/// malformed or deleted id, and for another tenant's template alike.
async fn load(id: Option<TemplateId>) -> Result<Option<TemplateDetail>, AppError> {
    match id {
        Some(id) => match get_template(id).await {
            Err(AppError::NotFound) => Ok(None),
            other => other.map(Some),
        },
        None => Ok(None),
    }
}

/// `/agent-templates?id=…`. The server loads the template once: for the
/// page's title, and as the island's first state.
#[component]
pub fn TemplatePage() -> impl IntoView {
    let id = use_query_map()
        .read_untracked()
        .get("id")
        .as_deref()
        .and_then(TemplateId::parse);
    let detail = Resource::new(move || id, load);
    view! {
        <p class="breadcrumb"><a href="/agent-templates">"← Agent Templates"</a></p>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading the template…"</p> }>
            {move || Suspend::new(async move {
                let initial = detail.await;
                let title = match &initial {
                    Err(_) => "Agent Template".to_owned(),
                    Ok(None) => "Template not found".to_owned(),
                    Ok(Some(d)) => d.template.name.clone(),
                };
                view! {
                    <Title text=title />
                    <TemplateView user=CurrentUser::get() id initial />
                }
            })}
        </Suspense>
    }
}

/// The template's content: an island. It starts from what the server
/// loaded, and loads again after each change.
#[island(lazy)]
fn TemplateView(
    user: CurrentUser,
    id: Option<TemplateId>,
    initial: Result<Option<TemplateDetail>, AppError>,
) -> impl IntoView {
    provide_context(user);
    provide_context(Refocus(RwSignal::new(None)));
    let detail = RwSignal::new(initial);
    let refresh = Callback::new(move |()| {
        leptos::task::spawn_local(async move { detail.set(load(id).await) });
    });
    move || {
        match detail.get() {
        Err(e) => view! {
            <div class="alert error" role="alert">
                <p>"Could not load the template: " {e.to_string()}</p>
                <button class="button" type="button" on:click=move |_| refresh.run(())>"Retry"</button>
            </div>
        }
        .into_any(),
        Ok(None) => view! {
            <div class="empty">
                <p class="empty-title">"No such template"</p>
                <p>"It may have been deleted. " <a href="/agent-templates">"See all templates"</a></p>
            </div>
        }
        .into_any(),
        Ok(Some(d)) => {
            let id = d.template.id;
            let name = d.template.name.clone();
            view! {
                <div class="page-header">
                    <h1>{name.clone()}</h1>
                    <AdminOnly>
                        <DeleteTemplateButton id name=name.clone() />
                    </AdminOnly>
                </div>
                {(!d.template.description.is_empty())
                    .then(|| view! { <p class="lede">{d.template.description.clone()}</p> })}
                <h2 class="section-title">"MCP Servers"</h2>
                <ServersTable id rows=d.servers on_changed=refresh />
                <h2 class="section-title">"Agents"</h2>
                <SyncPanel id agents=d.agents on_changed=refresh />
            }
            .into_any()
        }
    }
    }
}

#[component]
fn DeleteTemplateButton(id: TemplateId, name: String) -> impl IntoView {
    let toasts = use_toasts();
    let confirming = RwSignal::new(false);
    let delete = ServerAction::<DeleteTemplate>::new();
    let name = StoredValue::new(name);
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.success_on_next_page(format!("Deleted “{}”.", name.get_value()));
            let _ = window().location().set_href("/agent-templates");
        }
        Some(Err(e)) => toasts.error(format!("Could not delete: {e}")),
        None => {}
    });
    view! {
        <Show when=move || confirming.get() fallback=move || view! {
            <button class="button danger-outline" type="button" on:click=move |_| confirming.set(true)>
                "Delete template"
            </button>
        }>
            <span role="alert" class="confirm">"Its agents keep their servers. "</span>
            <button class="button danger" type="button" disabled=move || delete.pending().get()
                on:click=move |_| { delete.dispatch(DeleteTemplate { id }); }>
                {move || if delete.pending().get() { "Deleting…" } else { "Delete now" }}
            </button>
            <button class="button ghost" type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
        </Show>
    }
}
