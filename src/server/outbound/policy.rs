//! Which addresses and URLs an outbound call may reach: a deny list of
//! special-purpose ranges, opened deliberately by an operator allow-list of
//! CIDRs (`SWITCHBOARD_OUTBOUND_ALLOW`).

use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SsrfError {
    #[error(
        "refused by the outbound policy: {host} resolves to {ip}, a {kind} address \
         (allow it with SWITCHBOARD_OUTBOUND_ALLOW)"
    )]
    Forbidden {
        host: String,
        ip: IpAddr,
        kind: &'static str,
    },
    #[error("only http(s):// and ws(s):// URLs are allowed, not {0}://")]
    Scheme(String),
    #[error("the URL has no host")]
    NoHost,
    #[error("could not resolve {host}: {reason}")]
    Dns { host: String, reason: String },
}

#[derive(Debug, Clone, Default)]
pub struct OutboundPolicy {
    allow: Vec<IpNet>,
}

impl OutboundPolicy {
    pub fn new(allow: Vec<IpNet>) -> Self {
        Self { allow }
    }

    /// `Ok` if `ip` may be contacted.
    pub fn check_ip(&self, host: &str, ip: IpAddr) -> Result<(), SsrfError> {
        let Some(kind) = forbidden_kind(ip) else {
            return Ok(());
        };
        let canonical = canonical(ip);
        if self
            .allow
            .iter()
            .any(|net| net.contains(&ip) || net.contains(&canonical))
        {
            return Ok(());
        }
        Err(SsrfError::Forbidden {
            host: host.to_owned(),
            ip,
            kind,
        })
    }

    /// `true` if the operator's allow-list names `ip` (the networks they run
    /// themselves, where plain-text traffic is their call).
    pub fn in_allow_list(&self, ip: IpAddr) -> bool {
        let canonical = canonical(ip);
        self.allow
            .iter()
            .any(|net| net.contains(&ip) || net.contains(&canonical))
    }

    /// Checks what can be checked without DNS: the scheme and an IP-literal host.
    /// Host names are checked when the guarded resolver resolves them.
    pub fn check_url(&self, url: &Url) -> Result<(), SsrfError> {
        match url.scheme() {
            "http" | "https" | "ws" | "wss" => {}
            other => return Err(SsrfError::Scheme(other.to_owned())),
        }
        match url.host() {
            None => Err(SsrfError::NoHost),
            Some(Host::Ipv4(ip)) => self.check_ip(&ip.to_string(), IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => self.check_ip(&ip.to_string(), IpAddr::V6(ip)),
            Some(Host::Domain(_)) => Ok(()),
        }
    }
}

/// IPv4-mapped/compatible and NAT64 IPv6 addresses stand for an IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            let s = v6.segments();
            // 64:ff9b::/96, the NAT64 well-known prefix
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return IpAddr::V4(Ipv4Addr::new(a, b, c, d));
            }
            IpAddr::V6(v6)
        }
        v4 => v4,
    }
}

/// Why an address is off limits, or `None` if it is a public unicast address.
pub fn forbidden_kind(ip: IpAddr) -> Option<&'static str> {
    match canonical(ip) {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => v6_kind(v6),
    }
}

fn v4_kind(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_unspecified() || a == 0 {
        Some("unspecified")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        // includes 169.254.169.254, the cloud metadata service
        Some("link-local or metadata")
    } else if a == 100 && (64..128).contains(&b) {
        Some("carrier-grade NAT")
    } else if ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        Some("broadcast, multicast or reserved")
    } else if a == 192 && b == 0 && ip.octets()[2] == 0 {
        Some("IETF protocol assignment")
    } else if a == 198 && (b == 18 || b == 19) {
        Some("benchmarking")
    } else if ip == Ipv4Addr::new(168, 63, 129, 16) {
        // Azure's wire server: metadata, health probes and guest agent
        // configuration, reachable from every Azure VM though not link-local.
        Some("cloud metadata")
    } else {
        None
    }
}

fn v6_kind(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_unspecified() {
        Some("unspecified")
    } else if first & 0xfe00 == 0xfc00 {
        Some("unique local (private)")
    } else if first & 0xffc0 == 0xfe80 {
        Some("link-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if ip.segments()[..6] == [0, 0, 0, 0, 0, 0] {
        // deprecated IPv4-compatible form, ::a.b.c.d
        Some("IPv4-compatible")
    } else if first == 0xfd00 && ip.segments()[1..4] == [0, 0, 0] && ip.segments()[7] == 0xfe54 {
        Some("link-local or metadata")
    } else if first & 0xffc0 == 0xfec0 {
        // fec0::/10, deprecated (RFC 3879) but still routed inside some sites
        Some("site-local (deprecated)")
    } else if first == 0x64 && ip.segments()[1..3] == [0xff9b, 1] {
        // 64:ff9b:1::/48 (RFC 8215) translates to IPv4 inside the operator's
        // network. Where the IPv4 address sits depends on the prefix length
        // the operator picked (/48 to /96), so it cannot be read back and
        // checked: the whole range is refused.
        Some("local-use NAT64")
    } else if first == 0x2002 {
        // 6to4: 2002:AABB:CCDD::/48 is the network behind the IPv4 gateway
        // a.b.c.d. Checking the embedded address would refuse 2002:7f00:1::
        // but not a private network behind a public gateway, and 6to4 is
        // deprecated (RFC 7526) so no real server needs it: the whole range is
        // refused, the safer choice (an operator can still allow 2002::/16).
        Some("6to4")
    } else if first == 0x2001 && ip.segments()[1] == 0 {
        // Teredo tunnels (2001::/32): the client's IPv4 address is stored
        // obfuscated and the server relays it; refused for the same reasons.
        Some("Teredo")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(s: &str) -> bool {
        forbidden_kind(s.parse().expect("ip")).is_some()
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "::127.0.0.1",
            "fd00:ec2::254",
        ] {
            assert!(refused(ip), "{ip} should be refused");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
        ] {
            assert!(!refused(ip), "{ip} should pass");
        }
    }

    /// Each range added after the security review: an address inside is
    /// refused with its own kind, and the neighbours just outside are not
    /// (or are refused for a different, already-known reason).
    #[test]
    fn reviewed_ranges_are_refused_with_their_kind() {
        let kind = |s: &str| forbidden_kind(s.parse().expect("ip"));
        for (ip, expected) in [
            // Azure's wire server (metadata, health, DHCP) is not link-local.
            ("168.63.129.16", Some("cloud metadata")),
            ("::ffff:168.63.129.16", Some("cloud metadata")),
            ("64:ff9b::a83f:8110", Some("cloud metadata")),
            ("168.63.129.15", None),
            ("168.63.129.17", None),
            // 64:ff9b:1::/48, local-use NAT64
            ("64:ff9b:1::a9fe:a9fe", Some("local-use NAT64")),
            (
                "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
                Some("local-use NAT64"),
            ),
            ("64:ff9b:2::1", None),
            ("64:ff9b:0:1::1", None),
            // 2002::/16, 6to4: loopback, private and public embedded alike
            ("2002:7f00:1::", Some("6to4")),
            ("2002:a00:1::1", Some("6to4")),
            ("2002:101:101::1", Some("6to4")),
            ("2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Some("6to4")),
            ("2001:ffff::1", None),
            ("2003::1", None),
            // 2001::/32, Teredo
            ("2001::1", Some("Teredo")),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", Some("Teredo")),
            ("2001:1::1:1", None),
            ("2001:4860:4860::8888", None),
            // fec0::/10, deprecated site-local; its neighbours are link-local and multicast
            ("fec0::1", Some("site-local (deprecated)")),
            ("feff:ffff::1", Some("site-local (deprecated)")),
            ("febf:ffff::1", Some("link-local")),
            ("ff00::1", Some("multicast")),
        ] {
            assert_eq!(kind(ip), expected, "{ip}");
        }
    }

    #[test]
    fn allow_list_opens_the_reviewed_ranges_too() {
        let policy = OutboundPolicy::new(
            [
                "168.63.129.16/32",
                "64:ff9b:1::/48",
                "2002::/16",
                "2001::/32",
                "fec0::/10",
            ]
            .iter()
            .map(|c| c.parse().expect("cidr"))
            .collect(),
        );
        for ip in [
            "168.63.129.16",
            "64:ff9b:1::1",
            "2002:7f00:1::",
            "2001::1",
            "fec0::1",
        ] {
            assert!(
                OutboundPolicy::default()
                    .check_ip("h", ip.parse().expect("ip"))
                    .is_err(),
                "{ip} refused by default"
            );
            assert!(
                policy.check_ip("h", ip.parse().expect("ip")).is_ok(),
                "{ip} opened"
            );
        }
    }

    #[test]
    fn allow_list_opens_a_range_including_mapped_forms() {
        let policy = OutboundPolicy::new(vec!["127.0.0.0/8".parse().expect("cidr")]);
        assert!(
            policy
                .check_ip("h", "127.0.0.1".parse().expect("ip"))
                .is_ok()
        );
        assert!(
            policy
                .check_ip("h", "::ffff:127.0.0.1".parse().expect("ip"))
                .is_ok()
        );
        assert!(
            policy
                .check_ip("h", "10.0.0.1".parse().expect("ip"))
                .is_err()
        );
        assert!(policy.check_ip("h", "::1".parse().expect("ip")).is_err());
    }

    #[test]
    fn urls_are_checked_for_scheme_and_literal_hosts() {
        let policy = OutboundPolicy::default();
        let check = |u: &str| policy.check_url(&Url::parse(u).expect("url"));
        assert!(matches!(
            check("file:///etc/passwd"),
            Err(SsrfError::Scheme(_))
        ));
        assert!(matches!(
            check("http://127.0.0.1:1/mcp"),
            Err(SsrfError::Forbidden { .. })
        ));
        assert!(matches!(
            check("http://[::1]/mcp"),
            Err(SsrfError::Forbidden { .. })
        ));
        assert!(check("https://mcp.example.com/mcp").is_ok());
    }
}
