use super::*;

fn form() -> NewServer {
    NewServer {
        name: "  Everything  ".into(),
        url: " http://127.0.0.1:3001/mcp ".into(),
        ..Default::default()
    }
}

#[test]
fn valid_form_is_trimmed() {
    let mut f = form();
    f.validate().expect("valid");
    assert_eq!(f.name, "Everything");
    assert_eq!(f.url, "http://127.0.0.1:3001/mcp");
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut f = NewServer {
        name: " ".into(),
        url: "ftp://x".into(),
        auth_type: AuthType::Token,
        ..Default::default()
    };
    let err = f.validate().unwrap_err();
    assert!(err.field_message("name").is_some());
    assert!(err.field_message("url").is_some());
    assert!(err.field_message("api_key").is_some());
}

#[test]
fn name_length_is_counted_in_characters() {
    assert!(validate_name(&"é".repeat(100)).is_ok());
    assert!(validate_name(&"é".repeat(101)).is_err());
}

#[test]
fn urls() {
    for ok in [
        "https://a.example/mcp",
        "HTTP://10.0.0.1:80",
        "http://[::1]:3000/sse",
    ] {
        assert!(validate_url(ok, Transport::Sse).is_ok(), "{ok}");
    }
    for bad in [
        "",
        "a.example/mcp",
        "mailto:x@y",
        "http://",
        "http:///x",
        "http://a b",
        "https://u:p@host/",
    ] {
        assert!(
            validate_url(bad, Transport::StreamableHttp).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn websocket_urls_need_the_websocket_transport() {
    let ws = "ws://127.0.0.1:9000/ws";
    assert!(validate_url(ws, Transport::WebSocket).is_ok());
    assert!(validate_url("wss://a.example/ws", Transport::WebSocket).is_ok());
    assert!(validate_url("https://a.example/ws", Transport::WebSocket).is_ok());
    let err = validate_url(ws, Transport::StreamableHttp).unwrap_err();
    assert!(err.message.contains("WebSocket"), "{}", err.message);
    assert!(validate_url("ws://", Transport::WebSocket).is_err());
}

#[test]
fn a_key_may_follow_only_when_the_contract_allows_it() {
    let mut f = form();
    f.auth_type = AuthType::Token;
    assert!(f.clone().validate().is_err());
    f.validate_with(KeyRule::MayFollow)
        .expect("valid without a key");
    assert_eq!(f.api_key, None);
}

#[test]
fn patch_refuses_a_key_for_keyless_auth() {
    let mut p = ServerPatch {
        auth_type: Some(AuthType::None),
        api_key: Some("k".into()),
        ..Default::default()
    };
    assert!(p.validate().unwrap_err().field_message("api_key").is_some());
}

#[test]
fn key_is_dropped_unless_token_auth() {
    let mut f = form();
    f.api_key = Some("sk-live".into());
    f.validate().expect("valid");
    assert_eq!(f.api_key, None);
}

#[test]
fn key_with_newline_is_refused() {
    assert!(validate_api_key("abc\r\nX-Evil: 1").is_err());
}

#[test]
fn slugs() {
    assert_eq!(slugify("Google Drive MCP"), "google-drive-mcp");
    assert_eq!(slugify("  --Jira!! (prod) "), "jira-prod");
    assert_eq!(slugify("日本 Tools"), "日本-tools");
    assert_eq!(slugify("!!!"), "");
}
