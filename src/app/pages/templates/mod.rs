//! `/agent-templates`: the tenant's agent templates. Every member sees the
//! list; admins create them. A template's page is `detail`.

pub mod detail;
mod servers_table;
mod sync_panel;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::layout::{AdminOnly, CurrentUser};
use crate::api::templates::{CreateTemplate, list_templates};
use crate::app::components::form::{FieldErrorText, aria_bool};
use crate::app::components::time::when;
use crate::app::components::toasts::use_toasts;
use crate::domain::AppError;
use crate::domain::template::{NewTemplate, TEMPLATE_DESCRIPTION_MAX, TEMPLATE_NAME_MAX};

/// `/agent-templates`, and one template at `/agent-templates?id=…`. A query
/// rather than a path parameter keeps the old links working.
#[component]
pub fn TemplatesRoute() -> impl IntoView {
    if use_query_map().read_untracked().get_str("id").is_some() {
        view! { <detail::TemplatePage /> }.into_any()
    } else {
        view! { <TemplatesPage /> }.into_any()
    }
}

#[component]
pub fn TemplatesPage() -> impl IntoView {
    view! {
        <Title text="Agent Templates" />
        <TemplatesView user=CurrentUser::get() />
    }
}

/// The page's content: an island, rendered on the server first.
#[island(lazy)]
fn TemplatesView(user: CurrentUser) -> impl IntoView {
    provide_context(user);
    let version = RwSignal::new(0u32);
    let templates = Resource::new(move || version.get(), |_| list_templates());
    let refresh = move || version.update(|v| *v += 1);
    view! {
        <div class="page-header">
            <h1>"Agent Templates"</h1>
        </div>
        <p class="lede">
            "A template is the set of MCP servers its agents get. Assign servers to a template, "
            "then sync it to the agents made from it."
        </p>
        <AdminOnly>
            <CreateTemplateForm on_created=move || refresh() />
        </AdminOnly>
        <h2 class="section-title">"Templates"</h2>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading templates…"</p> }>
            {move || Suspend::new(async move {
                match templates.await {
                    Err(e) => view! {
                        <div class="alert error" role="alert">
                            <p>"Could not load the templates: " {e.to_string()}</p>
                            <button class="button" type="button" on:click=move |_| refresh()>"Retry"</button>
                        </div>
                    }
                    .into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <div class="empty">
                            <p class="empty-title">"No templates yet"</p>
                            <p>"An admin can create one above."</p>
                        </div>
                    }
                    .into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap" role="region" aria-label="The tenant's agent templates, by name" tabindex="0">
                            <table class="data-table templates">
                                <caption class="visually-hidden">"The tenant's agent templates, by name"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Description"</th>
                                        <th scope="col">"Servers"</th>
                                        <th scope="col">"Agents"</th>
                                        <th scope="col">"Changed"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|t| view! {
                                            <tr>
                                                <td><a href=format!("/agent-templates?id={}", t.id)>{t.name}</a></td>
                                                <td>{t.description}</td>
                                                <td>{t.servers}</td>
                                                <td>{t.agents}</td>
                                                <td class="nowrap">{when(t.updated_at)}</td>
                                            </tr>
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CreateTemplateForm(#[prop(into)] on_created: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let create = ServerAction::<CreateTemplate>::new();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(t)) => {
            name.set(String::new());
            description.set(String::new());
            error.set(None);
            toasts.success(format!("Created “{}”.", t.name));
            on_created.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let field =
        move |f: &'static str| Signal::derive(move || error.get().and_then(|e| e.field_message(f)));
    let name_error = field(NewTemplate::NAME);
    let description_error = field(NewTemplate::DESCRIPTION);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if create.pending().get_untracked() {
            return;
        }
        let mut template = NewTemplate {
            name: name.get_untracked(),
            description: description.get_untracked(),
        };
        match template.validate() {
            Ok(()) => {
                error.set(None);
                create.dispatch(CreateTemplate { template });
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <form class="inline-form" on:submit=on_submit novalidate aria-label="Create a template">
            <div class="field">
                <label for="template-name">"Template name"</label>
                <input id="template-name" type="text" maxlength=TEMPLATE_NAME_MAX.to_string()
                    placeholder="e.g. Support agents" required bind:value=name
                    aria-invalid=move || aria_bool(name_error.get().is_some())
                    aria-describedby="template-name-error" />
                <FieldErrorText id="template-name-error" message=name_error />
            </div>
            <div class="field">
                <label for="template-description">"Description " <span class="optional">"(optional)"</span></label>
                <input id="template-description" type="text" maxlength=TEMPLATE_DESCRIPTION_MAX.to_string()
                    bind:value=description
                    aria-invalid=move || aria_bool(description_error.get().is_some())
                    aria-describedby="template-description-error" />
                <FieldErrorText id="template-description-error" message=description_error />
            </div>
            <button class="button primary" type="submit" disabled=move || create.pending().get()>
                {move || if create.pending().get() { "Creating…" } else { "Create template" }}
            </button>
            {move || error.get().and_then(|e| e.general_message())
                .map(|m| view! { <p class="alert error" role="alert">{m}</p> })}
        </form>
    }
}
