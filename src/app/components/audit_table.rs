//! Audit events as a table: the Audit page's, and the overview's latest.

use leptos::prelude::*;

use crate::app::components::time::when;
use crate::domain::{AuditEvent, AuditOutcome};

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

/// `events` in the order given, under a caption for screen readers.
#[component]
pub fn AuditTable(events: Vec<AuditEvent>, caption: &'static str) -> impl IntoView {
    view! {
        <div class="table-wrap" role="region" aria-label=caption tabindex="0">
            <table class="data-table audit">
                <caption class="visually-hidden">{caption}</caption>
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
                <tbody>{events.into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
    }
}
