//! The client address that rate limits are keyed by: the socket peer, or, behind a proxy
//! the operator trusts (`TRUST_FORWARDED_FOR=true`), the address that proxy appended last
//! to `X-Forwarded-For`. Entries further left are whatever the client claimed.

use axum::extract::ConnectInfo;
use http::Request;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub fn client_ip<B>(req: &Request<B>, trust_forwarded_for: bool) -> IpAddr {
    if trust_forwarded_for {
        if let Some(ip) = last_forwarded_for(req.headers()) {
            return ip;
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        // Served without connection info (a router driven directly): one shared bucket.
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

fn last_forwarded_for(headers: &http::HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|entry| entry.trim().parse::<IpAddr>().ok())
        .next_back()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(peer: &str, forwarded: Option<&str>) -> Request<()> {
        let mut req = Request::new(());
        req.extensions_mut()
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        if let Some(f) = forwarded {
            req.headers_mut()
                .insert("x-forwarded-for", f.parse().unwrap());
        }
        req
    }

    #[test]
    fn the_peer_address_counts_unless_the_proxy_is_trusted() {
        let req = request("10.0.0.1:5000", Some("1.2.3.4, 5.6.7.8"));
        assert_eq!(
            client_ip(&req, false),
            "10.0.0.1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(client_ip(&req, true), "5.6.7.8".parse::<IpAddr>().unwrap());
        let plain = request("10.0.0.1:5000", Some("garbage"));
        assert_eq!(
            client_ip(&plain, true),
            "10.0.0.1".parse::<IpAddr>().unwrap()
        );
    }
}
