//! What a request presents to prove who it is, read from its headers once,
//! for the server functions and both REST surfaces alike.

use axum::http::{HeaderMap, header};

use super::Actor;
use super::session::{SessionCookie, session_cookie};
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::services::{accounts, tokens};
use crate::server::state::AppState;

#[derive(PartialEq, Eq)]
pub enum Credentials {
    /// `Authorization: Token <t>`, `Bearer <t>`, `Api-Token <t>` (ibl.ai's
    /// clients' prefix), or one of our tokens with no scheme at all (what
    /// those clients send when no prefix is configured).
    Token(String),
    /// The browser's session cookie.
    Session(String),
    /// More than one session cookie: refused, as one was planted.
    SeveralSessions,
    None,
}

// Neither a token nor a session id belongs in a log line.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credentials::Token(_) => "Credentials::Token(<redacted>)",
            Credentials::Session(_) => "Credentials::Session(<redacted>)",
            Credentials::SeveralSessions => "Credentials::SeveralSessions",
            Credentials::None => "Credentials::None",
        })
    }
}

/// The token in an `Authorization` value, if it is in a scheme we take.
fn token_in(value: &str) -> Option<String> {
    match value.split_once(' ') {
        Some((scheme, rest))
            if ["token", "bearer", "api-token"]
                .iter()
                .any(|s| scheme.eq_ignore_ascii_case(s)) =>
        {
            Some(rest.trim().to_owned())
        }
        Some(_) => None,
        None => value
            .starts_with(tokens::TOKEN_PREFIX)
            .then(|| value.to_owned()),
    }
}

impl Credentials {
    /// A token wins over a cookie: a script that sends a token means that
    /// token, whatever cookie jar it shares. Other `Authorization` schemes
    /// (a proxy's Basic auth) are not ours and are ignored.
    /// `secure`: the site is served over HTTPS (the cookie's name differs).
    pub fn from_headers(headers: &HeaderMap, secure: bool) -> Self {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|text| token_in(text.trim()));
        if let Some(token) = token {
            return Credentials::Token(token);
        }
        Self::session(headers, secure)
    }

    /// The session cookie alone: server functions are the browser's API and
    /// take no tokens, so a leaked token cannot mint more tokens.
    pub fn session(headers: &HeaderMap, secure: bool) -> Self {
        match session_cookie(headers, secure) {
            SessionCookie::One(value) => Credentials::Session(value),
            SessionCookie::Several => Credentials::SeveralSessions,
            SessionCookie::Absent => Credentials::None,
        }
    }

    /// The verified actor, or `Unauthorized` (or `RateLimited` for a client
    /// that keeps presenting bad tokens).
    pub async fn actor(&self, state: &AppState, client_ip: &str) -> ServiceResult<Actor> {
        match self {
            Credentials::Token(token) => {
                tokens::actor_for_token(
                    &state.ports,
                    token,
                    client_ip,
                    state.config.token_failure_limit,
                )
                .await
            }
            Credentials::Session(session) => {
                accounts::actor_for_session(&state.ports, session).await
            }
            Credentials::SeveralSessions => {
                tracing::warn!(client_ip, "request with two session cookies refused");
                Err(ServiceError::Unauthorized)
            }
            Credentials::None => Err(ServiceError::Unauthorized),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    impl Credentials {
        fn from_headers_plain(headers: &HeaderMap) -> Self {
            Self::from_headers(headers, false)
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    #[test]
    fn both_schemes_and_the_cookie_are_read() {
        let token = |t: &str| Credentials::Token(t.to_owned());
        assert_eq!(
            Credentials::from_headers_plain(&headers(&[("authorization", "Token abc")])),
            token("abc")
        );
        assert_eq!(
            Credentials::from_headers_plain(&headers(&[("authorization", "bearer  abc ")])),
            token("abc")
        );
        assert_eq!(
            Credentials::from_headers_plain(&headers(&[("authorization", "Api-Token sbt_abc")])),
            token("sbt_abc")
        );
        assert_eq!(
            Credentials::from_headers_plain(&headers(&[("authorization", "sbt_abc")])),
            token("sbt_abc"),
            "a bare token of ours"
        );
        assert_eq!(
            Credentials::from_headers_plain(&headers(&[("authorization", "abc")])),
            Credentials::None,
            "a bare value that is not one of our tokens"
        );
        assert_eq!(
            Credentials::from_headers_plain(&headers(&[("authorization", "Basic Zm9vOmJhcg==")])),
            Credentials::None,
            "a proxy's Basic auth is not a token"
        );
        assert_eq!(
            Credentials::from_headers_plain(&headers(&[
                ("authorization", "Basic Zm9vOmJhcg=="),
                ("cookie", "sb_session=xyz")
            ])),
            Credentials::Session("xyz".into())
        );
        assert_eq!(
            Credentials::session(&headers(&[("authorization", "Token t")]), false),
            Credentials::None,
            "server functions take no tokens"
        );
        assert_eq!(
            Credentials::from_headers_plain(&headers(&[("cookie", "a=1; sb_session=xyz")])),
            Credentials::Session("xyz".into())
        );
        assert_eq!(
            Credentials::from_headers_plain(&headers(&[
                ("cookie", "sb_session=xyz"),
                ("authorization", "Token t")
            ])),
            token("t")
        );
        assert_eq!(
            Credentials::from_headers_plain(&HeaderMap::new()),
            Credentials::None
        );
    }
}
