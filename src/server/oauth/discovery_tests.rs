//! The checks discovery makes on what it found: the issuer, S256, and
//! the resource the server claims.

use super::*;

fn metadata(issuer: &str, methods: &[&str]) -> AuthServerMetadata {
    AuthServerMetadata {
        issuer: issuer.into(),
        authorization_endpoint: format!("{issuer}/authorize"),
        token_endpoint: format!("{issuer}/token"),
        registration_endpoint: None,
        revocation_endpoint: None,
        code_challenge_methods_supported: methods.iter().map(|m| (*m).into()).collect(),
        scopes_supported: vec![],
        token_endpoint_auth_methods_supported: vec![],
        client_id_metadata_document_supported: false,
        authorization_response_iss_parameter_supported: false,
    }
}

#[test]
fn another_issuer_or_no_s256_is_refused() {
    let ok = metadata("https://auth.example.com", &["plain", "S256"]);
    assert!(checked(ok.clone(), "https://auth.example.com").is_ok());
    assert!(
        matches!(
            checked(ok.clone(), "https://auth.example.com/"),
            Err(OAuthError::IssuerMismatch { .. })
        ),
        "exact comparison: a trailing slash is another issuer"
    );
    assert!(matches!(
        checked(ok, "https://evil.example.com"),
        Err(OAuthError::IssuerMismatch { .. })
    ));
    assert!(matches!(
        checked(
            metadata("https://a.example", &["plain"]),
            "https://a.example"
        ),
        Err(OAuthError::NoPkce)
    ));
    assert!(matches!(
        checked(metadata("https://a.example", &[]), "https://a.example"),
        Err(OAuthError::NoPkce)
    ));
    let mut bad = metadata("https://a.example", &["S256"]);
    bad.token_endpoint = "javascript:alert(1)".into();
    assert!(matches!(
        checked(bad, "https://a.example"),
        Err(OAuthError::Discovery(_))
    ));
}

#[test]
fn the_resource_must_cover_the_server() {
    let server = Url::parse("https://mcp.example.com/api/mcp").expect("url");
    let doc = |r: &str| ProtectedResource {
        resource: Some(r.into()),
        authorization_servers: vec![],
        scopes_supported: vec![],
    };
    assert_eq!(
        resource_of(&server, None).expect("canonical"),
        "https://mcp.example.com/api/mcp"
    );
    for covering in [
        "https://mcp.example.com/api/mcp",
        "https://mcp.example.com/api",
        "https://mcp.example.com",
        "https://mcp.example.com/",
    ] {
        assert_eq!(
            resource_of(&server, Some(&doc(covering))).expect(covering),
            covering
        );
    }
    for foreign in [
        "https://other.example.com/api/mcp",
        "http://mcp.example.com/api/mcp",
        "https://mcp.example.com/ap",
        "https://mcp.example.com/api/mcp/deeper",
        "not a url",
    ] {
        assert!(
            resource_of(&server, Some(&doc(foreign))).is_err(),
            "{foreign}"
        );
    }
    let root = Url::parse("https://mcp.example.com/").expect("url");
    assert_eq!(canonical_resource(&root), "https://mcp.example.com");
}
