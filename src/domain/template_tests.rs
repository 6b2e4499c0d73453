use super::*;

fn a(id: i64, enabled: bool, list: Option<&[&str]>) -> Assignment {
    Assignment {
        server_id: ServerId::new(id),
        enabled,
        tool_allowlist: list.map(|l| l.iter().map(|s| (*s).to_owned()).collect()),
    }
}

fn ids(list: &[i64]) -> Vec<ServerId> {
    list.iter().copied().map(ServerId::new).collect()
}

#[test]
fn sync_plans_read_as_a_table() {
    struct Case {
        name: &'static str,
        template: Vec<Assignment>,
        agent: Vec<Assignment>,
        added: Vec<i64>,
        removed: Vec<i64>,
        changed: Vec<i64>,
        result: Vec<Assignment>,
    }
    let cases = [
        Case {
            name: "a new agent gets every server",
            template: vec![a(1, true, None), a(2, false, None)],
            agent: vec![],
            added: vec![1, 2],
            removed: vec![],
            changed: vec![],
            result: vec![a(1, true, None), a(2, false, None)],
        },
        Case {
            name: "a server gone from the template goes from the agent",
            template: vec![a(1, true, None)],
            agent: vec![a(1, true, None), a(3, true, None)],
            added: vec![],
            removed: vec![3],
            changed: vec![],
            result: vec![a(1, true, None)],
        },
        Case {
            name: "the agent's own allow-list stays when the template sets none",
            template: vec![a(1, true, None)],
            agent: vec![a(1, true, Some(&["echo"]))],
            added: vec![],
            removed: vec![],
            changed: vec![],
            result: vec![a(1, true, Some(&["echo"]))],
        },
        Case {
            name: "the template's allow-list wins",
            template: vec![a(1, true, Some(&["add"]))],
            agent: vec![a(1, true, Some(&["echo"]))],
            added: vec![],
            removed: vec![],
            changed: vec![1],
            result: vec![a(1, true, Some(&["add"]))],
        },
        Case {
            name: "the template's switch wins",
            template: vec![a(1, false, None)],
            agent: vec![a(1, true, None)],
            added: vec![],
            removed: vec![],
            changed: vec![1],
            result: vec![a(1, false, None)],
        },
    ];
    for c in cases {
        let plan = plan_sync(&c.template, &c.agent, None);
        assert_eq!(plan.added, ids(&c.added), "{}", c.name);
        assert_eq!(plan.removed, ids(&c.removed), "{}", c.name);
        assert_eq!(plan.changed, ids(&c.changed), "{}", c.name);
        assert_eq!(plan.result, c.result, "{}", c.name);
        assert!(!plan.drifted, "{}", c.name);
        // A second sync of the result changes nothing.
        let again = plan_sync(&c.template, &plan.result, Some(&fingerprint(&plan.result)));
        assert!(
            again.is_noop() && !again.drifted,
            "{}: not idempotent",
            c.name
        );
    }
}

#[test]
fn a_hand_edit_since_the_last_sync_is_drift() {
    let synced = vec![a(1, true, None), a(2, true, None)];
    let print = fingerprint(&synced);
    // Order does not matter.
    let reordered = vec![a(2, true, None), a(1, true, None)];
    assert_eq!(fingerprint(&reordered), print);
    let template = synced.clone();
    assert!(!plan_sync(&template, &reordered, Some(&print)).drifted);
    for edited in [
        vec![a(1, true, None)],
        vec![a(1, true, None), a(2, false, None)],
        vec![a(1, true, Some(&["echo"])), a(2, true, None)],
        vec![a(1, true, None), a(2, true, None), a(3, true, None)],
    ] {
        assert!(
            plan_sync(&template, &edited, Some(&print)).drifted,
            "{edited:?}"
        );
    }
    // Never synced: nothing to drift from.
    assert!(!plan_sync(&template, &[], None).drifted);
}

#[test]
fn allow_lists_are_normalized_and_bounded() {
    let list = vec![
        " echo ".to_owned(),
        "add".to_owned(),
        "echo".to_owned(),
        String::new(),
    ];
    assert_eq!(normalize_allowlist(list).unwrap(), ["add", "echo"]);
    let many: Vec<String> = (0..=ALLOWLIST_MAX).map(|i| format!("t{i}")).collect();
    assert!(normalize_allowlist(many).is_err());
    assert!(normalize_allowlist(vec!["x".repeat(TOOL_NAME_MAX + 1)]).is_err());
}

#[test]
fn template_names_are_trimmed_and_bounded() {
    let mut t = NewTemplate {
        name: "  Support  ".to_owned(),
        description: " d ".to_owned(),
    };
    t.validate().unwrap();
    assert_eq!((t.name.as_str(), t.description.as_str()), ("Support", "d"));
    let mut empty = NewTemplate::default();
    assert!(empty.validate().is_err());
    let mut long = NewTemplate {
        name: "n".repeat(TEMPLATE_NAME_MAX + 1),
        description: "d".repeat(TEMPLATE_DESCRIPTION_MAX + 1),
    };
    match long.validate() {
        Err(AppError::Invalid(errors)) => assert_eq!(errors.len(), 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_plan_line_reads_as_a_sentence() {
    let line = |added: usize, removed: usize, changed: usize| AgentPlanView {
        agent: crate::domain::AgentUid::parse("7b0e3c1e-5d0c-4f5e-9a55-8f0d1c2b3a4e").unwrap(),
        name: "Ada".into(),
        added: vec!["a".into(); added],
        removed: vec!["r".into(); removed],
        changed: vec!["c".into(); changed],
        drifted: false,
    };
    assert_eq!(line(1, 0, 0).summary(), "+1 server");
    assert_eq!(line(2, 1, 3).summary(), "+2 servers, −1 server, 3 changed");
    assert_eq!(line(0, 0, 0).summary(), "up to date");
}
