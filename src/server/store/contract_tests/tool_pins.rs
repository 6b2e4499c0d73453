//! The contract for pinned tools: a refresh keeps approvals, sees changes
//! and new tools, `accept` approves as seen, an approval names the hash it
//! saw (all or none), the schedule's claim is taken once, and a tenant's
//! policy is its own.

use chrono::{Duration, Utc};
use std::sync::Arc;

use super::{new_server, tenant};
use crate::domain::{ToolApproval, ToolChangePolicy};
use crate::server::store::*;

fn tool(name: &str, description: &str) -> NewServerTool {
    let definition = format!(r#"{{"name":"{name}","description":"{description}"}}"#);
    NewServerTool {
        name: name.to_owned(),
        hash: format!("{:x}", definition.len() * 31 + description.len()),
        definition,
    }
}

fn by_name<'a>(rows: &'a [ServerToolRecord], name: &str) -> &'a ServerToolRecord {
    rows.iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

pub(super) async fn tool_pins_keep_approvals_and_see_changes(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "pins").await;
    let other = tenant(store.as_ref(), "pins-other").await;
    let s = store
        .insert_server(&new_server(t.id, "Notes"))
        .await
        .expect("insert");
    let now = Utc::now();
    let first = store
        .refresh_server_tools(
            t.id,
            s.id,
            &[tool("echo", "Echo"), tool("add", "Add")],
            now,
            false,
        )
        .await
        .expect("refresh")
        .expect("the server is there");
    assert!(first.first && first.changed.is_empty() && first.accepted.is_empty());
    let rows = store.server_tools(t.id, &[s.id]).await.expect("tools");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.approved() && r.approved_by.is_none()));
    let check = store
        .tool_check(t.id, s.id)
        .await
        .expect("check")
        .expect("row");
    assert_eq!(
        check.refreshed_at.map(|a| a.timestamp()),
        Some(now.timestamp())
    );
    // Another tenant neither refreshes nor reads it.
    assert_eq!(
        store
            .refresh_server_tools(other.id, s.id, &[tool("echo", "x")], now, true)
            .await
            .expect("refresh"),
        None
    );
    assert!(
        store
            .server_tools(other.id, &[s.id])
            .await
            .expect("tools")
            .is_empty()
    );
    assert_eq!(store.tool_check(other.id, s.id).await.expect("check"), None);

    // A changed description and a new tool wait; a dropped tool goes.
    let later = now + Duration::seconds(5);
    let second = store
        .refresh_server_tools(
            t.id,
            s.id,
            &[tool("echo", "Poisoned"), tool("mul", "Mul")],
            later,
            false,
        )
        .await
        .expect("refresh")
        .expect("there");
    assert!(!second.first);
    assert_eq!(second.changed, ["echo", "mul"]);
    let rows = store.server_tools(t.id, &[s.id]).await.expect("tools");
    assert_eq!(
        rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["echo", "mul"]
    );
    let echo = by_name(&rows, "echo");
    assert!(!echo.approved());
    assert!(
        echo.approved_definition
            .as_deref()
            .is_some_and(|d| d.contains("\"Echo\""))
    );
    assert_eq!(by_name(&rows, "mul").approved_hash, None);

    // The same list again is no news.
    let again = store
        .refresh_server_tools(
            t.id,
            s.id,
            &[tool("echo", "Poisoned"), tool("mul", "Mul")],
            later,
            false,
        )
        .await
        .expect("refresh")
        .expect("there");
    assert!(again.changed.is_empty());

    // An approval of a hash that is not the current one: none approved.
    let stale = [
        ToolApproval {
            name: "mul".into(),
            hash: by_name(&rows, "mul").hash.clone(),
        },
        ToolApproval {
            name: "echo".into(),
            hash: "not-it".into(),
        },
    ];
    assert!(
        !store
            .approve_server_tools(t.id, s.id, &stale, "ann", later)
            .await
            .expect("approve")
    );
    let rows = store.server_tools(t.id, &[s.id]).await.expect("tools");
    assert!(!by_name(&rows, "mul").approved(), "all or none");
    let right: Vec<ToolApproval> = rows
        .iter()
        .map(|r| ToolApproval {
            name: r.name.clone(),
            hash: r.hash.clone(),
        })
        .collect();
    assert!(
        !store
            .approve_server_tools(other.id, s.id, &right, "eve", later)
            .await
            .expect("approve")
    );
    assert!(
        store
            .approve_server_tools(t.id, s.id, &right, "ann", later)
            .await
            .expect("approve")
    );
    let rows = store.server_tools(t.id, &[s.id]).await.expect("tools");
    assert!(
        rows.iter()
            .all(|r| r.approved() && r.approved_by.as_deref() == Some("ann"))
    );

    // Under accept a change is approved as it is seen, by no one.
    let accepted = store
        .refresh_server_tools(
            t.id,
            s.id,
            &[tool("echo", "Third"), tool("mul", "Mul")],
            later,
            true,
        )
        .await
        .expect("refresh")
        .expect("there");
    assert_eq!(
        (accepted.changed.len(), accepted.accepted.clone()),
        (0, vec!["echo".to_owned()])
    );
    let rows = store.server_tools(t.id, &[s.id]).await.expect("tools");
    assert!(by_name(&rows, "echo").approved() && by_name(&rows, "echo").approved_by.is_none());
}

pub(super) async fn tool_checks_are_claimed_once_and_policies_are_per_tenant(
    store: Arc<dyn Store>,
) {
    let t = tenant(store.as_ref(), "checks").await;
    let other = tenant(store.as_ref(), "checks-other").await;
    let s = store
        .insert_server(&new_server(t.id, "Checked"))
        .await
        .expect("insert");
    let off = store
        .insert_server(&crate::server::store::NewServerRecord {
            enabled: false,
            ..new_server(t.id, "Off")
        })
        .await
        .expect("insert");
    let then = Utc::now() - Duration::hours(2);
    for id in [s.id, off.id] {
        store
            .refresh_server_tools(t.id, id, &[tool("echo", "Echo")], then, false)
            .await
            .expect("refresh");
    }
    let now = Utc::now();
    let before = now - Duration::hours(1);
    let due = store.due_tool_checks(before, 100).await.expect("due");
    assert!(due.contains(&(t.id, s.id)), "{due:?}");
    assert!(
        !due.iter().any(|(_, id)| *id == off.id),
        "a disabled server is not checked"
    );
    assert!(
        !store
            .claim_tool_check(other.id, s.id, before, now)
            .await
            .expect("claim")
    );
    assert!(
        store
            .claim_tool_check(t.id, s.id, before, now)
            .await
            .expect("claim")
    );
    assert!(
        !store
            .claim_tool_check(t.id, s.id, before, now)
            .await
            .expect("claim"),
        "once"
    );
    let check = store
        .tool_check(t.id, s.id)
        .await
        .expect("check")
        .expect("row");
    assert!(check.refreshed_at.is_some_and(|r| r < check.checked_at));

    assert_eq!(
        store.tool_change_policy(t.id).await.expect("policy"),
        ToolChangePolicy::Hold
    );
    store
        .set_tool_change_policy(t.id, ToolChangePolicy::Accept)
        .await
        .expect("set");
    assert_eq!(
        store.tool_change_policy(t.id).await.expect("policy"),
        ToolChangePolicy::Accept
    );
    assert_eq!(
        store.tool_change_policy(other.id).await.expect("policy"),
        ToolChangePolicy::Hold
    );
}
