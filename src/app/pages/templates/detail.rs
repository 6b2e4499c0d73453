//! `/agent-templates?id=…`: one template: its servers (assign with a switch,
//! narrow each to some tools), its agents, and the sync to them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::servers_table::ServersTable;
use super::sync_panel::SyncPanel;
use crate::api::templates::{DeleteTemplate, get_template};
use crate::app::components::toasts::use_toasts;
use crate::app::pages::layout::AdminOnly;
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

#[component]
pub fn TemplatePage() -> impl IntoView {
    provide_context(Refocus(RwSignal::new(None)));
    let params = use_query_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .as_deref()
            .and_then(TemplateId::parse)
    });
    let version = RwSignal::new(0u32);
    let detail = Resource::new(
        move || (id.get(), version.get()),
        |(id, _)| async move {
            match id {
                // Another tenant's template is as absent as a deleted one.
                Some(id) => match get_template(id).await {
                    Err(AppError::NotFound) => Ok(None),
                    other => other.map(Some),
                },
                None => Ok(None),
            }
        },
    );
    let refresh = Callback::new(move |()| version.update(|v| *v += 1));
    view! {
        <p class="breadcrumb"><A href="/agent-templates">"← Agent Templates"</A></p>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the template…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => view! {
                        <Title text="Agent Template" />
                        <div class="alert error" role="alert">
                            <p>"Could not load the template: " {e.to_string()}</p>
                            <button class="button" type="button" on:click=move |_| refresh.run(())>"Retry"</button>
                        </div>
                    }
                    .into_any(),
                    Ok(None) => view! {
                        <Title text="Template not found" />
                        <div class="empty">
                            <p class="empty-title">"No such template"</p>
                            <p>"It may have been deleted. " <A href="/agent-templates">"See all templates"</A></p>
                        </div>
                    }
                    .into_any(),
                    Ok(Some(d)) => {
                        let id = d.template.id;
                        let name = d.template.name.clone();
                        view! {
                            <Title text=name.clone() />
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
            })}
        </Transition>
    }
}

#[component]
fn DeleteTemplateButton(id: TemplateId, name: String) -> impl IntoView {
    let toasts = use_toasts();
    let confirming = RwSignal::new(false);
    let delete = ServerAction::<DeleteTemplate>::new();
    let navigate = use_navigate();
    let name = StoredValue::new(name);
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(())) => {
            toasts.success(format!("Deleted “{}”.", name.get_value()));
            navigate("/agent-templates", Default::default());
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
