//! DNS resolution under the outbound policy.
//!
//! Every resolved address is checked and exactly those addresses are handed
//! to the connector, so a second DNS answer cannot swap in a private address
//! between the check and the connect.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::SocketAddr;
use std::sync::Arc;

use super::policy::{OutboundPolicy, SsrfError};

/// Resolves `host` and returns its addresses only if every one may be contacted.
pub async fn resolve_checked(
    policy: &OutboundPolicy,
    host: &str,
    port: u16,
) -> Result<Vec<SocketAddr>, SsrfError> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| SsrfError::Dns {
            host: host.to_owned(),
            reason: e.to_string(),
        })?
        .collect();
    if addrs.is_empty() {
        return Err(SsrfError::Dns {
            host: host.to_owned(),
            reason: "no addresses".into(),
        });
    }
    // Every address must pass: connecting may fall through to any of them.
    for addr in &addrs {
        policy.check_ip(host, addr.ip())?;
    }
    Ok(addrs)
}

/// A DNS resolver for reqwest that refuses forbidden answers.
pub struct GuardedResolver {
    policy: Arc<OutboundPolicy>,
}

impl GuardedResolver {
    pub fn new(policy: Arc<OutboundPolicy>) -> Self {
        Self { policy }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.policy);
        Box::pin(async move {
            // reqwest puts the URL's port on the addresses itself.
            let addrs = resolve_checked(&policy, name.as_str(), 0).await?;
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn resolver_refuses_a_name_that_resolves_to_loopback() {
        let resolver = GuardedResolver::new(Arc::new(OutboundPolicy::default()));
        let name: Name = "localhost".parse().expect("name");
        let err = match resolver.resolve(name).await {
            Ok(_) => panic!("localhost must be refused"),
            Err(e) => e,
        };
        let ssrf = err.downcast_ref::<SsrfError>().expect("an SsrfError");
        assert!(matches!(ssrf, SsrfError::Forbidden { .. }), "{ssrf}");
    }
}
