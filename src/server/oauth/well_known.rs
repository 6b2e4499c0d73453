//! Where the metadata documents are looked for: RFC 9728's and RFC 8414's
//! well-known URLs, and OpenID Discovery's, in the order the MCP
//! authorization spec sets. Pure: no request is made here.

use url::Url;

/// RFC 9728 §3.1: the well-known segment goes between host and path.
pub(super) fn resource_metadata_urls(server_url: &Url) -> Vec<Url> {
    well_known(server_url, "oauth-protected-resource")
}

/// RFC 8414 §3.1 and OpenID Discovery, in the order MCP's spec sets: for an
/// issuer with a path, `/.well-known/oauth-authorization-server/{path}`,
/// `/.well-known/openid-configuration/{path}`, then
/// `{path}/.well-known/openid-configuration`; for one without, the two
/// root documents.
pub(super) fn authorization_server_urls(issuer: &Url) -> Vec<Url> {
    let mut urls = well_known(issuer, "oauth-authorization-server");
    urls.truncate(1);
    urls.extend(
        well_known(issuer, "openid-configuration")
            .into_iter()
            .take(1),
    );
    let path = issuer.path().trim_end_matches('/');
    if !path.is_empty() {
        let mut appended = issuer.clone();
        appended.set_query(None);
        appended.set_fragment(None);
        appended.set_path(&format!("{path}/.well-known/openid-configuration"));
        urls.push(appended);
    }
    urls
}

/// `/.well-known/{name}{path}` (when the URL has a path), then
/// `/.well-known/{name}` at the root.
fn well_known(url: &Url, name: &str) -> Vec<Url> {
    let mut base = url.clone();
    base.set_query(None);
    base.set_fragment(None);
    let path = url.path().trim_end_matches('/');
    let mut urls = Vec::new();
    if !path.is_empty() {
        let mut inserted = base.clone();
        inserted.set_path(&format!("/.well-known/{name}{path}"));
        urls.push(inserted);
    }
    let mut root = base;
    root.set_path(&format!("/.well-known/{name}"));
    urls.push(root);
    urls
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(list: Vec<Url>) -> Vec<String> {
        list.into_iter().map(|u| u.to_string()).collect()
    }

    #[test]
    fn resource_metadata_is_looked_for_path_inserted_then_at_the_root() {
        let server = Url::parse("https://mcp.example.com/tenant/mcp?x=1").expect("url");
        assert_eq!(
            urls(resource_metadata_urls(&server)),
            [
                "https://mcp.example.com/.well-known/oauth-protected-resource/tenant/mcp",
                "https://mcp.example.com/.well-known/oauth-protected-resource",
            ]
        );
        let root = Url::parse("https://mcp.example.com/").expect("url");
        assert_eq!(
            urls(resource_metadata_urls(&root)),
            ["https://mcp.example.com/.well-known/oauth-protected-resource"]
        );
    }

    #[test]
    fn authorization_server_metadata_is_looked_for_in_the_specs_order() {
        let with_path = Url::parse("https://auth.example.com/tenant1").expect("url");
        assert_eq!(
            urls(authorization_server_urls(&with_path)),
            [
                "https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
                "https://auth.example.com/.well-known/openid-configuration/tenant1",
                "https://auth.example.com/tenant1/.well-known/openid-configuration",
            ]
        );
        let root = Url::parse("https://auth.example.com/").expect("url");
        assert_eq!(
            urls(authorization_server_urls(&root)),
            [
                "https://auth.example.com/.well-known/oauth-authorization-server",
                "https://auth.example.com/.well-known/openid-configuration",
            ]
        );
    }
}
