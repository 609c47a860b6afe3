//! RSS and Atom, through feed-rs.

use chrono::{DateTime, Utc};

/// One item of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Stable across polls: the guid or id, else one derived from link and
    /// title. Items are ingested once per key.
    pub key: String,
    /// The article's page (absolute).
    pub link: String,
    pub title: Option<String>,
    pub published: Option<DateTime<Utc>>,
}

#[derive(Debug, thiserror::Error)]
#[error("not a readable RSS or Atom feed: {0}")]
pub struct FeedError(String);

/// Parses a feed; relative links resolve against `base`. Entries without a
/// link are left out (there is no page to fetch).
pub fn parse_feed(bytes: &[u8], base: &str) -> Result<Vec<Entry>, FeedError> {
    let feed = feed_rs::parser::Builder::new()
        .base_uri(Some(base))
        .build()
        .parse(bytes)
        .map_err(|e| FeedError(e.to_string()))?;
    Ok(feed
        .entries
        .into_iter()
        .filter_map(|e| {
            let link = e
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or(e.links.first())?
                .href
                .trim()
                .to_string();
            (link.starts_with("http://") || link.starts_with("https://")).then(|| Entry {
                key: if e.id.is_empty() { link.clone() } else { e.id },
                link,
                title: e.title.map(|t| t.content),
                published: e.published.or(e.updated),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../../tests/data/extract/feeds/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .replace("{BASE}", "http://127.0.0.1:9")
            .into_bytes()
    }

    #[test]
    fn rss_and_atom_give_keys_links_and_dates() {
        let rss = parse_feed(&fixture("rss.xml"), "http://127.0.0.1:9/feeds/rss.xml")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rss.len(), 3);
        assert_eq!(rss[0].key, "frontierledger-torkham-2024-10-14");
        assert_eq!(rss[0].link, "http://127.0.0.1:9/news/semantic.html");
        assert_eq!(
            rss[0].published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-10-14T02:45:00+00:00")
        );
        let atom = parse_feed(&fixture("atom.xml"), "http://127.0.0.1:9/feeds/atom.xml")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(atom.len(), 3);
        assert!(
            atom.iter()
                .all(|e| e.link.starts_with("http://127.0.0.1:9/news/"))
        );
        assert!(
            atom.iter()
                .all(|e| e.published.is_some() && !e.key.is_empty())
        );
    }

    #[test]
    fn a_broken_feed_is_an_error() {
        assert!(parse_feed(&fixture("broken.xml"), "http://127.0.0.1:9/").is_err());
        assert!(parse_feed(b"\x00\x01 not xml", "http://127.0.0.1:9/").is_err());
    }
}
