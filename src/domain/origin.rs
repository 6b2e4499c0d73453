//! A URL's origin (scheme, host, port), the unit a stored key is bound to:
//! a key given for one origin must never be sent to another, so changing a
//! keyed server's origin asks for the key again.

/// `scheme://host:port`, lower-cased, with the scheme's default port filled
/// in and any user info dropped; `None` for text that is not an absolute
/// http(s) or ws(s) URL.
pub fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" | "ws" => 80,
        "https" | "wss" => 443,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    // user:password@host — the host is what the key would be sent to.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.strip_prefix('[') {
        // An IPv6 literal: [::1]:8080
        Some(v6) => {
            let (host, after) = v6.split_once(']')?;
            (format!("[{host}]"), after.strip_prefix(':'))
        }
        None => match host_port.rsplit_once(':') {
            Some((host, port)) => (host.to_owned(), Some(port)),
            None => (host_port.to_owned(), None),
        },
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        None | Some("") => default_port,
        Some(p) => p.parse::<u16>().ok()?,
    };
    Some(format!(
        "{scheme}://{}:{port}",
        host.trim_end_matches('.').to_ascii_lowercase()
    ))
}

/// Whether two URLs share an origin. Text that is not a URL shares nothing,
/// so an unparseable address always counts as a move.
pub fn same_origin(a: &str, b: &str) -> bool {
    matches!((origin(a), origin(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised() {
        assert_eq!(
            origin("HTTPS://Example.COM/mcp?x=1").as_deref(),
            Some("https://example.com:443")
        );
        assert_eq!(
            origin("http://user:pw@127.0.0.1:8080/sse").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin("ws://[::1]:9000/ws").as_deref(),
            Some("ws://[::1]:9000")
        );
        assert_eq!(origin("ftp://example.com"), None);
        assert_eq!(origin("example.com/mcp"), None);
        assert_eq!(origin("https://:443/"), None);
        assert_eq!(origin("https://example.com:99999/"), None);
    }

    #[test]
    fn a_key_stays_with_its_origin() {
        // Same origin: another path, an explicit default port, a trailing dot.
        for (a, b) in [
            ("https://mcp.example/v1", "https://mcp.example/v2?x"),
            ("https://mcp.example/", "https://mcp.example:443/"),
            ("https://mcp.example/", "https://MCP.example./"),
        ] {
            assert!(same_origin(a, b), "{a} ~ {b}");
        }
        // A move: another host, port or scheme, user info hiding a host, junk.
        for (a, b) in [
            ("https://mcp.example/", "https://attacker.example/"),
            ("https://mcp.example/", "https://mcp.example:8443/"),
            ("https://mcp.example/", "http://mcp.example/"),
            (
                "https://mcp.example/",
                "https://mcp.example@attacker.example/",
            ),
            ("https://mcp.example/", "not a url"),
        ] {
            assert!(!same_origin(a, b), "{a} !~ {b}");
        }
    }
}
