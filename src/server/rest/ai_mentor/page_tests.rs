use super::*;

fn pairs(q: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(q.as_bytes())
        .into_owned()
        .collect()
}

#[test]
fn pages_and_sizes_follow_drf() {
    let r = parse(&pairs("")).expect("ok");
    assert_eq!((r.page, r.page_size), (1, DEFAULT_PAGE_SIZE));
    let r = parse(&pairs("page=3&page_size=500")).expect("ok");
    assert_eq!((r.page, r.page_size), (3, MAX_PAGE_SIZE));
    let r = parse(&pairs("page_size=abc")).expect("ok");
    assert_eq!(r.page_size, DEFAULT_PAGE_SIZE, "a bad size is the default");
    for bad in ["page=0", "page=-1", "page=two", "page="] {
        assert_eq!(parse(&pairs(bad)), Err(Refused::InvalidPage), "{bad}");
    }
}

#[test]
fn filters_are_read_and_bad_values_named() {
    let r = parse(&pairs(
        "search=+Git+&transport=sse&auth_type=token&is_enabled=True&is_featured=0&url=https%3A%2F%2Fx",
    ))
    .expect("ok");
    assert_eq!(
        r.filter,
        ServerFilter {
            search: Some("Git".into()),
            transport: Some(Transport::Sse),
            auth_type: Some(crate::domain::AuthType::Token),
            enabled: Some(true),
            featured: Some(false),
            url: Some("https://x".into()),
            ..Default::default()
        }
    );
    let scoped = parse(&pairs("auth_scope=mentor")).expect("ok");
    assert_eq!(scoped.filter.auth_scope, Some(crate::domain::Scope::Agent));
    let uid = "3f2b8c1e-9a4d-4e6f-8b7a-0c1d2e3f4a5b";
    let r = parse(&pairs(&format!(
        "mentor_unique_id={uid}&include_global=true"
    )))
    .expect("ok");
    assert_eq!(r.filter.agent.map(String::from).as_deref(), Some(uid));
    assert!(r.filter.include_shared);
    let Err(Refused::Fields(fields)) =
        parse(&pairs("transport=ftp&is_enabled=maybe&mentor_unique_id=12"))
    else {
        panic!("field errors");
    };
    let named: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(named, ["transport", "is_enabled", "mentor_unique_id"]);
}

#[test]
fn neighbours_are_absolute_and_keep_the_filters() {
    let headers = Some("sb.example:8443");
    let q = pairs("search=git&page=2&page_size=1");
    let (next, previous) = neighbours(headers, true, "/api/x/", &q, 2, 1, 3);
    assert_eq!(
        next.as_deref(),
        Some("https://sb.example:8443/api/x/?search=git&page_size=1&page=3")
    );
    assert_eq!(
        previous.as_deref(),
        Some("https://sb.example:8443/api/x/?search=git&page_size=1")
    );
    let (next, previous) = neighbours(headers, false, "/api/x/", &[], 1, 20, 20);
    assert_eq!((next, previous), (None, None));
    let (_, previous) = neighbours(headers, false, "/api/x/", &pairs("page=2"), 2, 20, 21);
    assert_eq!(previous.as_deref(), Some("http://sb.example:8443/api/x/"));
}
