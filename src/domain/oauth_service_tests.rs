//! The admin client form's checks, as both sides run them.

use super::*;

fn client() -> NewAdminClient {
    NewAdminClient {
        name: " Acme-Drive ".into(),
        authorization_endpoint: "https://id.acme.test/authorize".into(),
        token_endpoint: "https://id.acme.test/token".into(),
        client_id: "abc".into(),
        client_secret: Some("  s3cret ".into()),
        scopes: "read, write read".into(),
        ..NewAdminClient::default()
    }
}

#[test]
fn a_good_client_is_normalised() {
    let mut c = client();
    c.validate().expect("valid");
    assert_eq!(c.name, "acme-drive");
    assert_eq!(c.provider, "acme-drive");
    assert_eq!(c.display_name, "acme-drive");
    assert_eq!(c.scopes, "read write");
    assert_eq!(c.client_secret.as_deref(), Some("s3cret"));
    assert!(!format!("{c:?}").contains("s3cret"));
}

#[test]
fn every_problem_comes_back_under_its_field() {
    let mut c = NewAdminClient {
        name: "-bad name".into(),
        authorization_endpoint: "http://id.acme.test/authorize".into(),
        token_endpoint: String::new(),
        issuer: "https://user:pw@id.acme.test".into(),
        client_id: String::new(),
        scopes: "a\"b".into(),
        ..NewAdminClient::default()
    };
    let Err(AppError::Invalid(errors)) = c.validate() else {
        panic!("invalid");
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    for field in [
        "name",
        "provider",
        "authorization_endpoint",
        "token_endpoint",
        "issuer",
        "client_id",
        "scopes",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
}

#[test]
fn http_only_on_loopback() {
    for ok in [
        "https://a.test/x",
        "http://localhost:3000/token",
        "http://127.0.0.1/t",
        "http://[::1]:9/t",
    ] {
        assert!(check_endpoint("f", "F", ok, true).is_ok(), "{ok}");
    }
    for bad in [
        "http://a.test/x",
        "ftp://a.test",
        "https://",
        "https://a.test/#frag",
        "https://a .test",
    ] {
        assert!(check_endpoint("f", "F", bad, true).is_err(), "{bad}");
    }
}

#[test]
fn names_for_paths() {
    assert!(is_service_name("google.drive_v2-x"));
    assert!(!is_service_name("Drive"));
    assert!(!is_service_name(".x"));
    assert!(!is_service_name(""));
    assert_eq!(service_name_from("localhost:3922"), "localhost-3922");
    assert_eq!(service_name_from("My Server!"), "my-server");
    assert_eq!(service_name_from("///"), "oauth");
}
