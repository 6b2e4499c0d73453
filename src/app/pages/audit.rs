//! `/audit`: the tenant's audit log, newest first, for tenant admins.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::audit::list_audit;
use crate::app::components::data_table::Pager;
use crate::app::components::time::when;
use crate::domain::{AppError, AuditAction, AuditEvent, AuditOutcome, AuditQuery};

/// The page inside the signed-in layout (see `app::App`'s routes).
#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        <AuditView />
    }
}

fn row(e: AuditEvent) -> impl IntoView {
    let (outcome, class) = match e.outcome {
        AuditOutcome::Success => ("Success", "badge on"),
        AuditOutcome::Failure => ("Failure", "badge error"),
    };
    view! {
        <tr>
            <td class="mono nowrap">{when(e.at)}</td>
            <td>{e.actor}</td>
            <td>{e.action.label()}</td>
            <td>{e.target}</td>
            <td><span class=class>{outcome}</span></td>
            <td class="detail">{e.detail.unwrap_or_default()}</td>
        </tr>
    }
}

#[component]
fn AuditView() -> impl IntoView {
    let query = RwSignal::new(AuditQuery::default());
    let version = RwSignal::new(0u32);
    let events = Resource::new(move || (query.get(), version.get()), |(q, _)| list_audit(q));
    let selected = move || query.with(|q| q.action.map(|a| a.as_str()).unwrap_or(""));

    view! {
        <div class="page-header">
            <h1>"Audit log"</h1>
        </div>
        <p class="lede">
            "Who changed which server, rotated which key, and every time a stored secret was read. Newest first."
        </p>
        <div class="toolbar">
            <div class="filter">
                <label for="audit-action">"Action"</label>
                <select
                    id="audit-action"
                    prop:value=selected
                    on:change:target=move |ev| {
                        let action = AuditAction::parse(&ev.target().value());
                        query.update(|q| {
                            q.action = action;
                            q.page = 1;
                        });
                    }
                >
                    <option value="">"All actions"</option>
                    {AuditAction::ALL
                        .iter()
                        .map(|&a| view! { <option value=a.as_str()>{a.label()}</option> })
                        .collect_view()}
                </select>
            </div>
        </div>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the audit log…"</p> }>
            {move || Suspend::new(async move {
                match events.await {
                    Err(AppError::Forbidden) => view! {
                        <p class="alert error" role="alert">"Only tenant admins can read the audit log."</p>
                    }
                    .into_any(),
                    Err(e) => view! {
                        <div class="alert error" role="alert">
                            <p>"Could not load the audit log: " {e.to_string()}</p>
                            <button class="button" type="button" on:click=move |_| version.update(|v| *v += 1)>
                                "Retry"
                            </button>
                        </div>
                    }
                    .into_any(),
                    Ok(page) if page.items.is_empty() => view! {
                        <div class="empty">
                            <p class="empty-title">"No events"</p>
                            <p>"Nothing has been recorded for this filter yet."</p>
                        </div>
                    }
                    .into_any(),
                    Ok(page) => {
                        let page_count = page.page_count();
                        view! {
                            <div class="table-wrap">
                                <table class="data-table audit">
                                    <caption class="visually-hidden">"Audit events, newest first"</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"When"</th>
                                            <th scope="col">"Actor"</th>
                                            <th scope="col">"Action"</th>
                                            <th scope="col">"Target"</th>
                                            <th scope="col">"Outcome"</th>
                                            <th scope="col">"Detail"</th>
                                        </tr>
                                    </thead>
                                    <tbody>{page.items.into_iter().map(row).collect_view()}</tbody>
                                </table>
                            </div>
                            <Pager
                                page=page.page
                                page_count=page_count
                                total=page.total
                                noun="event"
                                on_page=move |p| query.update(|q| q.page = p)
                            />
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}
