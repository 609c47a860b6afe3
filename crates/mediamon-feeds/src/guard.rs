//! Refusing server-side request forgery: a registered URL, a redirect or a
//! name's DNS answer must not lead the fetcher to this machine or to the
//! private network it runs in (a cloud's metadata service, a database),
//! unless the operator allowed that host for an on-premises feed.
//!
//! A URL's host is checked as written (IP literals, `localhost`); a name is
//! checked when it is resolved, on the addresses the connection then uses,
//! so a name that changes its answer between check and connect gains nothing.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ipnet::{Ipv4Net, Ipv6Net};
use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::{Action, Attempt, Policy};

use crate::fetch::FetchError;

/// A request refused because its host is, or resolves to, an internal address.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{host} resolves to an internal address ({addr}); refused")]
pub struct InternalAddress {
    pub host: String,
    pub addr: IpAddr,
}

/// IPv4 blocks that are not public and that std does not yet classify
/// (`Ipv4Addr::is_shared` and the like are unstable).
const OTHER_INTERNAL_V4: [Ipv4Net; 5] = [
    // "This network": 0.0.0.0/8 reaches the local host on Linux.
    Ipv4Net::new_assert(Ipv4Addr::new(0, 0, 0, 0), 8),
    // Carrier-grade NAT, often a provider's internal network.
    Ipv4Net::new_assert(Ipv4Addr::new(100, 64, 0, 0), 10),
    // IETF protocol assignments.
    Ipv4Net::new_assert(Ipv4Addr::new(192, 0, 0, 0), 24),
    // Benchmarking.
    Ipv4Net::new_assert(Ipv4Addr::new(198, 18, 0, 0), 15),
    // Reserved, broadcast included.
    Ipv4Net::new_assert(Ipv4Addr::new(240, 0, 0, 0), 4),
];

/// IPv6 blocks that are not public and that std does not yet classify.
const OTHER_INTERNAL_V6: [Ipv6Net; 3] = [
    // Deprecated site-local, still routed inside some networks.
    Ipv6Net::new_assert(Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10),
    Ipv6Net::new_assert(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32),
    // Discard-only.
    Ipv6Net::new_assert(Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64),
];

/// NAT64's well-known prefix: the last 32 bits are the IPv4 address reached.
const NAT64: Ipv6Net = Ipv6Net::new_assert(Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96);

/// Whether an address is not on the public internet: loopback, private,
/// link-local, carrier-grade NAT, unique-local, unspecified, broadcast,
/// multicast, documentation or reserved, and IPv6 forms that carry such an
/// IPv4 address (mapped, compatible, NAT64).
pub fn is_internal(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => is_internal_v6(v6),
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || OTHER_INTERNAL_V4.iter().any(|net| net.contains(&ip))
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    // A mapped address (::ffff:a.b.c.d) reaches the IPv4 address; the
    // deprecated compatible form (::a.b.c.d, :: and ::1 among them) is
    // judged the same way.
    if let Some(v4) = ip.to_ipv4() {
        return is_internal_v4(v4);
    }
    if NAT64.contains(&ip) {
        let [.., a, b, c, d] = ip.octets();
        return is_internal_v4(Ipv4Addr::new(a, b, c, d));
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_unique_local()
        || ip.is_unicast_link_local()
        || OTHER_INTERNAL_V6.iter().any(|net| net.contains(&ip))
}

/// Hosts the fetcher may reach although they are internal (an on-premises
/// feed): host names or IP literals, matched case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    pub fn new<S: AsRef<str>>(hosts: impl IntoIterator<Item = S>) -> Self {
        Self(hosts.into_iter().map(|h| normalize(h.as_ref())).collect())
    }

    fn allows(&self, host: &str) -> bool {
        let host = normalize(host);
        self.0.contains(&host)
    }
}

/// One spelling per host: lowercase, no trailing dot, IPv6 without
/// brackets and in its canonical form.
fn normalize(host: &str) -> String {
    let bare = host.trim().trim_end_matches('.');
    match ip_literal(bare) {
        Some(ip) => ip.to_string(),
        None => bare.to_ascii_lowercase(),
    }
}

/// The address a host names literally (IPv6 in brackets, as in URLs).
fn ip_literal(host: &str) -> Option<IpAddr> {
    let unbracketed = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    unbracketed.parse().ok()
}

/// Parses a URL to fetch: http(s) with a host that is not an internal IP
/// literal or a localhost name (RFC 6761: `localhost` and `*.localhost` are
/// loopback) unless that host is allowed. Other names are checked on their
/// DNS answer when fetched.
pub fn check_url(url: &str, allowed: &AllowedHosts) -> Result<Url, FetchError> {
    let parsed = Url::parse(url).map_err(|_| FetchError::Url(url.into()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(FetchError::Url(url.into()));
    }
    check_host(&parsed, allowed)?;
    Ok(parsed)
}

fn check_host(url: &Url, allowed: &AllowedHosts) -> Result<(), InternalAddress> {
    let Some(host) = url.host_str() else {
        return Ok(());
    };
    // The URL parser has already turned other spellings of an IPv4
    // address (2130706433, 0x7f.1) into dotted form.
    let addr = match ip_literal(host) {
        Some(ip) => ip,
        None if is_localhost(host) => IpAddr::V4(Ipv4Addr::LOCALHOST),
        None => return Ok(()),
    };
    if is_internal(addr) && !allowed.allows(host) {
        return Err(InternalAddress {
            host: host.to_string(),
            addr,
        });
    }
    Ok(())
}

fn is_localhost(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// Follows at most `max` redirects, refusing a hop to an internal host as
/// the first request is refused.
pub(crate) fn redirect_policy(max: usize, allowed: AllowedHosts) -> Policy {
    let limited = Policy::limited(max);
    Policy::custom(move |attempt: Attempt| -> Action {
        match check_host(attempt.url(), &allowed) {
            Ok(()) => limited.redirect(attempt),
            Err(refused) => attempt.error(refused),
        }
    })
}

/// The system resolver, minus internal addresses for names not allowed:
/// they are dropped, and a name with nothing else is refused.
pub(crate) struct PublicResolver {
    pub(crate) allowed: AllowedHosts,
}

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let allowed = self.allowed.allows(&host);
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if allowed {
                return Ok(Box::new(found.into_iter()) as Addrs);
            }
            let (public, internal): (Vec<_>, Vec<_>) =
                found.into_iter().partition(|a| !is_internal(a.ip()));
            match internal.first() {
                Some(first) if public.is_empty() => Err(Box::new(InternalAddress {
                    host,
                    addr: first.ip(),
                }) as _),
                _ => Ok(Box::new(public.into_iter()) as Addrs),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_addr(addr: &str, internal: bool) {
        let ip: IpAddr = addr.parse().expect("an address");
        assert_eq!(is_internal(ip), internal, "{addr}");
    }

    #[test]
    fn internal_addresses_are_told_from_public_ones() {
        for (addr, internal) in [
            ("127.0.0.1", true),
            ("127.255.0.9", true),
            ("169.254.169.254", true),
            ("10.0.0.1", true),
            ("172.16.0.1", true),
            ("172.31.255.255", true),
            ("192.168.1.1", true),
            ("100.64.0.1", true),
            ("100.127.255.255", true),
            ("0.0.0.0", true),
            ("0.1.2.3", true),
            ("255.255.255.255", true),
            ("224.0.0.1", true),
            ("240.0.0.1", true),
            ("198.18.0.1", true),
            ("192.0.2.1", true),
            ("::1", true),
            ("::", true),
            ("fe80::1", true),
            ("fc00::1", true),
            ("fd12:3456::1", true),
            ("ff02::1", true),
            ("fec0::1", true),
            ("::ffff:127.0.0.1", true),
            ("::ffff:169.254.169.254", true),
            ("::ffff:10.0.0.1", true),
            ("::127.0.0.1", true),
            ("64:ff9b::a00:1", true),
            ("2001:db8::1", true),
            // Public neighbours of the blocks above.
            ("8.8.8.8", false),
            ("1.1.1.1", false),
            ("172.32.0.1", false),
            ("100.128.0.1", false),
            ("169.255.0.1", false),
            ("11.0.0.1", false),
            ("193.0.0.1", false),
            ("2606:4700:4700::1111", false),
            ("::ffff:8.8.8.8", false),
            ("64:ff9b::808:808", false),
        ] {
            check_addr(addr, internal);
        }
    }

    fn check(url: &str, allowed: &[&str], refused: Option<&str>) {
        let allowed = AllowedHosts::new(allowed);
        match (check_url(url, &allowed), refused) {
            (Ok(_), None) => {}
            (Err(FetchError::Internal(e)), Some(addr)) => {
                assert_eq!(e.addr.to_string(), addr, "{url}");
            }
            (got, want) => panic!("{url}: got {got:?}, want refused {want:?}"),
        }
    }

    #[test]
    fn urls_naming_internal_hosts_are_refused_unless_allowed() {
        for (url, allowed, refused) in [
            ("http://127.0.0.1:1/", &[][..], Some("127.0.0.1")),
            (
                "http://169.254.169.254/latest",
                &[],
                Some("169.254.169.254"),
            ),
            ("http://10.0.0.1/", &[], Some("10.0.0.1")),
            ("http://[::1]/", &[], Some("::1")),
            ("http://[::ffff:7f00:1]/", &[], Some("::ffff:127.0.0.1")),
            ("http://localhost/", &[], Some("127.0.0.1")),
            ("http://LocalHost./feed", &[], Some("127.0.0.1")),
            ("https://feeds.localhost/", &[], Some("127.0.0.1")),
            // Spellings the URL parser reads as 127.0.0.1.
            ("http://2130706433/", &[], Some("127.0.0.1")),
            ("http://0x7f.1/", &[], Some("127.0.0.1")),
            ("http://0/", &[], Some("0.0.0.0")),
            // Public hosts, and names left to the resolver.
            ("https://example.org/feed.xml", &[], None),
            ("http://8.8.8.8/", &[], None),
            ("http://[2606:4700::1]/", &[], None),
            ("http://localhost.example.org/", &[], None),
            ("http://intranet/", &[], None),
            // Allowed, case-insensitively and however the IP is spelt.
            ("http://127.0.0.1:8080/feed", &["127.0.0.1"], None),
            ("http://LOCALHOST/", &["localhost"], None),
            ("http://localhost/", &["LocalHost"], None),
            ("http://[::1]/", &["[::1]"], None),
            ("http://[0:0::1]/", &["::1"], None),
            ("http://2130706433/", &["127.0.0.1"], None),
            // An allowed host allows only itself.
            ("http://localhost/", &["127.0.0.1"], Some("127.0.0.1")),
            ("http://127.0.0.2/", &["127.0.0.1"], Some("127.0.0.2")),
        ] {
            check(url, allowed, refused);
        }
    }

    #[test]
    fn urls_that_are_not_http_are_refused() {
        for url in [
            "ftp://example.org/",
            "file:///etc/passwd",
            "http://",
            "nope",
        ] {
            let got = check_url(url, &AllowedHosts::default());
            assert!(matches!(got, Err(FetchError::Url(_))), "{url}: {got:?}");
        }
    }

    /// Asks the system resolver for localhost (the hosts file, no network),
    /// past the URL check, so that the refusal is the resolver's.
    #[tokio::test]
    async fn names_resolving_to_internal_addresses_are_refused_unless_allowed() {
        let get = |allowed: &[&str]| {
            let client = reqwest::Client::builder()
                .dns_resolver(std::sync::Arc::new(PublicResolver {
                    allowed: AllowedHosts::new(allowed),
                }))
                .no_proxy()
                .build()
                .expect("a client");
            // Port 9 (discard): allowed, the call fails to connect, if at all.
            async move { client.get("http://localhost:9/").send().await }
        };
        let refused = FetchError::from(get(&[]).await.expect_err("refused"));
        assert!(
            matches!(&refused, FetchError::Internal(e) if e.host == "localhost" && is_internal(e.addr)),
            "{refused:?}"
        );
        if let Err(e) = get(&["localhost"]).await {
            let err = FetchError::from(e);
            assert!(matches!(err, FetchError::Http(_)), "{err:?}");
        }
    }

    #[test]
    fn the_refusal_names_host_and_address() {
        let err = check_url("http://127.0.0.1/", &AllowedHosts::default()).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "127.0.0.1 resolves to an internal address (127.0.0.1); refused"
        );
        assert!(!err.is_transient());
    }
}
