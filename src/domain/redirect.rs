//! Where the browser may be sent after sign-in: the `next` query parameter.
//!
//! Compiled for the browser too: the login page checks `next` before
//! navigating, and the server's page guard checks what it hands out.

/// Where sign-in lands when `next` is absent or refused.
pub const DEFAULT_NEXT: &str = "/";

/// Longer than any page address we build; bounds what a link can smuggle in.
pub const NEXT_MAX: usize = 2048;

/// A path on this site, with an optional query, and nothing else.
///
/// An allow-rule rather than a deny list: browsers forgive a great deal in a
/// URL (they drop tabs and newlines, read `\` as `/`, map a full-width `／`
/// in a host name to `/`), so only characters that mean the same to every
/// parser are accepted:
/// - it starts with exactly one `/` (`//host` is another site);
/// - every character is an RFC 3986 path or query character (unreserved,
///   sub-delims, `:` `@` `/` `?`, or a `%XX` escape): no whitespace, control
///   character, backslash, fragment or non-ASCII, and with the leading `/` no
///   scheme (`https:`, `javascript:`) can be read into it;
/// - the path part has no escaped `/`, `\` or control character, which some
///   servers and proxies decode before routing (`/%2F/evil`). The query may
///   escape anything: it is data (`q=git%2Fhub`).
pub fn is_safe_next(next: &str) -> bool {
    let bytes = next.as_bytes();
    if bytes.len() > NEXT_MAX || bytes.first() != Some(&b'/') || bytes.get(1) == Some(&b'/') {
        return false;
    }
    let query_at = next.find('?').unwrap_or(next.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let Some(decoded) = bytes.get(i + 1..i + 3).and_then(hex_pair) else {
                return false;
            };
            let harmful = matches!(decoded, b'/' | b'\\') || decoded.is_ascii_control();
            if i < query_at && harmful {
                return false;
            }
            i += 3;
            continue;
        }
        if !is_path_or_query_char(b) {
            return false;
        }
        i += 1;
    }
    true
}

/// `next` if it is a safe same-site destination ([`is_safe_next`]), else
/// [`DEFAULT_NEXT`].
pub fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| is_safe_next(n))
        .unwrap_or(DEFAULT_NEXT)
        .to_owned()
}

/// RFC 3986 `pchar` plus `/` and `?`, without `%` (escapes are read apart).
fn is_path_or_query_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'/'
                | b'?'
        )
}

fn hex_pair(pair: &[u8]) -> Option<u8> {
    let digit = |b: u8| char::from(b).to_digit(16);
    match pair {
        [hi, lo] => Some(u8::try_from(digit(*hi)? * 16 + digit(*lo)?).ok()?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_site_paths_are_kept() {
        for good in [
            "/mcp-servers?page=2&q=git",
            "/mcp-servers?q=git%2Fhub&sort=-name",
            "/audit",
            "/settings/api-tokens",
            "/",
        ] {
            assert_eq!(safe_next(Some(good)), good);
        }
        assert_eq!(safe_next(None), DEFAULT_NEXT);
    }

    #[test]
    fn anything_that_could_leave_the_site_is_refused() {
        for evil in [
            // Browsers drop tabs and newlines from URLs: these become "//evil.example".
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "\n",
            "/\\evil.example",
            "\\/evil.example",
            "//evil.example",
            "///evil.example",
            "/%2F/evil.example",
            "/%2f/evil.example",
            "/%5C/evil.example",
            "/%09/evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,x",
            " /x",
            "/x ",
            "/x\u{0}",
            "/\u{2028}/evil.example",
            "/\u{ff0f}evil.example",
            "",
            "mcp-servers",
            "/x%",
            "/x%zz",
            "/x#frag",
        ] {
            assert_eq!(safe_next(Some(evil)), DEFAULT_NEXT, "{evil:?}");
        }
        assert_eq!(
            safe_next(Some(&format!("/{}", "a".repeat(5000)))),
            DEFAULT_NEXT
        );
    }
}
