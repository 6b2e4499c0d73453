//! Who the client is, for rate limits and logs: the peer address, or, when
//! the peer is a proxy we trust (`SWITCHBOARD_TRUSTED_PROXIES`), the address
//! that proxy says it forwarded for. IPv6 clients are counted by their /64,
//! as one host usually holds a whole /64 and could otherwise rotate through
//! it to dodge every per-address limit.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// The address a request's limits are counted against.
pub fn rate_limit_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> String {
    bucket(client_address(peer, headers, trusted))
}

/// `X-Forwarded-For` is read only from a trusted peer, right to left: each
/// trusted proxy appends the address it received from, so the client is the
/// rightmost address that is not one of ours; what lies left of it was
/// written by the client and proves nothing. A hop that is not an address
/// makes the chain unreadable, and the peer is used.
fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|hop| !hop.is_empty())
        .collect();
    let mut nearest = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => nearest = ip,
            Ok(ip) => return ip,
            Err(_) => return peer,
        }
    }
    nearest
}

fn bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", v.parse().expect("header"));
        }
        headers
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().expect("cidr")).collect()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let claims = forwarded(&["198.51.100.9"]);
        assert_eq!(
            rate_limit_address(ip("203.0.113.7"), &claims, &[]),
            "203.0.113.7"
        );
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            rate_limit_address(ip("203.0.113.7"), &claims, &trusted),
            "203.0.113.7"
        );
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8"]);
        // The client forged a first hop; the load balancer appended the real one.
        let headers = forwarded(&["192.0.2.1, 198.51.100.9", "10.1.2.3"]);
        assert_eq!(
            rate_limit_address(ip("10.0.0.5"), &headers, &trusted),
            "198.51.100.9"
        );
        // No header: the proxy itself.
        assert_eq!(
            rate_limit_address(ip("10.0.0.5"), &HeaderMap::new(), &trusted),
            "10.0.0.5"
        );
        // Only trusted hops: the farthest one seen.
        let internal = forwarded(&["10.9.9.9, 10.1.2.3"]);
        assert_eq!(
            rate_limit_address(ip("10.0.0.5"), &internal, &trusted),
            "10.9.9.9"
        );
        // A hop that is not an address: the chain cannot be read.
        let garbage = forwarded(&["198.51.100.9, unknown"]);
        assert_eq!(
            rate_limit_address(ip("10.0.0.5"), &garbage, &trusted),
            "10.0.0.5"
        );
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let none = HeaderMap::new();
        let a = rate_limit_address(ip("2001:db8:1:2::1"), &none, &[]);
        let b = rate_limit_address(ip("2001:db8:1:2:ffff:ffff:ffff:fffe"), &none, &[]);
        let c = rate_limit_address(ip("2001:db8:1:3::1"), &none, &[]);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            rate_limit_address(ip("::ffff:203.0.113.7"), &none, &[]),
            "203.0.113.7"
        );
    }
}
