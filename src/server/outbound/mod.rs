//! SSRF-guarded outbound HTTP for every admin-supplied URL (MCP servers
//! and OAuth endpoints): the policy, a resolver that checks what it
//! resolves, redirects re-checked hop by hop, and a deadline.
//!
//! `Outbound::http_client()` is the one way to get a `reqwest::Client` for
//! such URLs; a transport that opens its own sockets (WebSocket) uses
//! [`Outbound::check_url`] and [`Outbound::resolve`] and connects only to
//! the addresses `resolve` returned.

mod policy;
mod resolver;

pub use policy::{OutboundPolicy, SsrfError, forbidden_kind};
pub use resolver::GuardedResolver;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Most redirect hops followed before giving up.
const MAX_REDIRECTS: usize = 5;

/// The policy plus a client built to obey it. Cheap to clone.
#[derive(Clone)]
pub struct Outbound {
    policy: Arc<OutboundPolicy>,
    http: reqwest::Client,
    /// For OAuth's token, registration and revocation endpoints, which
    /// must answer themselves: a redirect there is refused, not followed
    /// (it would carry a code or a refresh token somewhere else).
    http_no_redirects: reqwest::Client,
    timeout: Duration,
}

impl Outbound {
    /// `timeout` bounds connecting and each read; callers that need one
    /// deadline for a whole exchange wrap it in [`Outbound::timeout`].
    pub fn new(policy: OutboundPolicy, timeout: Duration) -> Result<Self, reqwest::Error> {
        let policy = Arc::new(policy);
        let builder = || {
            reqwest::Client::builder()
                .dns_resolver(Arc::new(GuardedResolver::new(Arc::clone(&policy))))
                // A proxy would resolve the name itself, out of the guard's sight.
                .no_proxy()
                .connect_timeout(timeout)
                .read_timeout(timeout)
                // Idle keep-alive connections stall on delayed ACKs (rmcp does the same).
                .pool_max_idle_per_host(0)
                .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
        };
        let http = builder()
            .redirect(redirect_policy(Arc::clone(&policy)))
            .build()?;
        let http_no_redirects = builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            policy,
            http,
            http_no_redirects,
            timeout,
        })
    }

    /// The guarded client (a handle: clones share one connection pool).
    pub fn http_client(&self) -> reqwest::Client {
        self.http.clone()
    }

    /// The guarded client that follows no redirect.
    pub fn http_client_no_redirects(&self) -> reqwest::Client {
        self.http_no_redirects.clone()
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    pub fn policy(&self) -> &OutboundPolicy {
        &self.policy
    }

    /// The scheme and an IP-literal host; names are checked by [`Self::resolve`].
    pub fn check_url(&self, url: &Url) -> Result<(), SsrfError> {
        self.policy.check_url(url)
    }

    /// A credential may travel over plain `http://` or `ws://` only to
    /// addresses the allow-list names (a peer on the operator's own network);
    /// anywhere else it would cross networks readable by anyone on the path.
    /// Every address the name resolves to must qualify.
    pub async fn check_plain_text_credential(&self, url: &Url) -> Result<(), String> {
        if matches!(url.scheme(), "https" | "wss") {
            return Ok(());
        }
        let host = url.host_str().unwrap_or_default();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = url.port_or_known_default().unwrap_or(80);
        let refuse = || {
            format!(
                "refusing to send the server's key over plain {}:// to {host}: use {}://, \
                 or list its network in SWITCHBOARD_OUTBOUND_ALLOW",
                url.scheme(),
                if url.scheme() == "ws" { "wss" } else { "https" }
            )
        };
        let addresses = match host.parse::<std::net::IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => self
                .resolve(host, port)
                .await
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|a| a.ip())
                .collect(),
        };
        if addresses.is_empty() || !addresses.iter().all(|ip| self.policy.in_allow_list(*ip)) {
            return Err(refuse());
        }
        Ok(())
    }

    /// Resolves `host` and checks every address; connect only to these.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, SsrfError> {
        resolver::resolve_checked(&self.policy, host, port).await
    }
}

/// Follows at most [`MAX_REDIRECTS`] hops, each checked like the first URL.
fn redirect_policy(policy: Arc<OutboundPolicy>) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            return attempt.error("too many redirects");
        }
        match policy.check_url(attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(e) => attempt.error(e),
        }
    })
}
