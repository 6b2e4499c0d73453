//! A connection's shape checks and secret headers, as both sides run them.

use super::*;

fn shape() -> Shape<'static> {
    Shape {
        scope: Scope::Tenant,
        auth_type: AuthType::Token,
        has_user: false,
        has_agent: false,
        credentials: Some("super-secret"),
        credentials_stored: false,
        authorization_scheme: "Token",
        extra_headers: &[],
        has_connected_service: false,
    }
}

fn fields(r: Result<(), AppError>) -> Vec<String> {
    match r {
        Ok(()) => Vec::new(),
        Err(AppError::Invalid(f)) => f.into_iter().map(|f| f.field).collect(),
        Err(other) => panic!("{other:?}"),
    }
}

#[test]
fn the_seeds_examples_are_valid() {
    assert!(fields(shape().check()).is_empty());
    let mentor = Shape {
        scope: Scope::Agent,
        has_agent: true,
        ..shape()
    };
    assert!(fields(mentor.check()).is_empty());
}

#[test]
fn scope_and_auth_rules() {
    let cases = [
        (
            Shape {
                has_agent: true,
                ..shape()
            },
            vec!["agent"],
        ),
        (
            Shape {
                scope: Scope::Agent,
                ..shape()
            },
            vec!["agent"],
        ),
        (
            Shape {
                has_user: true,
                ..shape()
            },
            vec!["user"],
        ),
        (
            Shape {
                credentials: None,
                ..shape()
            },
            vec!["credentials"],
        ),
        (
            Shape {
                credentials: None,
                credentials_stored: true,
                ..shape()
            },
            vec![],
        ),
        (
            Shape {
                auth_type: AuthType::Oauth2,
                credentials: None,
                ..shape()
            },
            vec!["connected_service"],
        ),
        (
            Shape {
                auth_type: AuthType::Oauth2,
                credentials: None,
                has_connected_service: true,
                ..shape()
            },
            vec![],
        ),
        (
            Shape {
                auth_type: AuthType::Oauth2,
                has_connected_service: true,
                ..shape()
            },
            vec!["credentials"],
        ),
        (
            Shape {
                has_connected_service: true,
                ..shape()
            },
            vec!["connected_service"],
        ),
        (
            Shape {
                auth_type: AuthType::None,
                ..shape()
            },
            vec!["credentials"],
        ),
        (
            Shape {
                credentials: Some("a\nb"),
                ..shape()
            },
            vec!["credentials"],
        ),
        (
            Shape {
                authorization_scheme: "Bearer token",
                ..shape()
            },
            vec!["authorization_scheme"],
        ),
    ];
    for (i, (s, want)) in cases.into_iter().enumerate() {
        assert_eq!(fields(s.check()), want, "case {i}");
    }
}

#[test]
fn secret_headers_are_allowed_and_split_off() {
    let headers = vec![
        ("x-mcp-client".to_owned(), "mentor-ui".to_owned()),
        ("X-Api-Key".to_owned(), "k".to_owned()),
    ];
    let s = Shape {
        extra_headers: &headers,
        ..shape()
    };
    assert!(fields(s.check()).is_empty());
    let (plain, secret) = split_secret_headers(headers.clone());
    assert_eq!(plain, headers[..1]);
    assert_eq!(secret, headers[1..]);
}
