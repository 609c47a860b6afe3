//! SearchArticles' keyset cursors: the last row's sort key, bound to the
//! request it pages through, so that a page token of one search is refused
//! by another instead of silently skipping into it.

use chrono::DateTime;
use mediamon_proto::v1::SearchArticlesRequest;
use mediamon_store::{ArticleCursor, Uuid};
use sha2::{Digest, Sha256};

/// What identifies a search apart from its paging.
fn fingerprint(req: &SearchArticlesRequest) -> String {
    let mut hash = Sha256::new();
    let range = req.publish_time.as_ref();
    let bound = |t: Option<&prost_types::Timestamp>| {
        t.map_or(String::new(), |t| format!("{}.{}", t.seconds, t.nanos))
    };
    for part in [
        req.text.trim(),
        req.entity_name.trim(),
        &req.entity_ids.join(","),
        &bound(range.and_then(|r| r.start.as_ref())),
        &bound(range.and_then(|r| r.end.as_ref())),
        req.outlet.trim(),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The cursor text of the page after `last`.
pub fn encode(req: &SearchArticlesRequest, last: &ArticleCursor) -> String {
    format!(
        "{}:{:08x}:{}:{}",
        fingerprint(req),
        last.rank.to_bits(),
        last.time.timestamp_micros(),
        last.id
    )
}

/// The cursor `text` stands for, if it was made for this request.
pub fn decode(req: &SearchArticlesRequest, text: &str) -> Option<ArticleCursor> {
    let mut parts = text.split(':');
    if parts.next()? != fingerprint(req) {
        return None;
    }
    let rank = f32::from_bits(u32::from_str_radix(parts.next()?, 16).ok()?);
    let time = DateTime::from_timestamp_micros(parts.next()?.parse().ok()?)?;
    let id = Uuid::parse_str(parts.next()?).ok()?;
    if parts.next().is_some() || !rank.is_finite() {
        return None;
    }
    Some(ArticleCursor { rank, time, id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_pages_only_its_own_search() {
        let req = SearchArticlesRequest {
            text: "border talks".into(),
            ..Default::default()
        };
        let last = ArticleCursor {
            rank: 0.0607927,
            time: DateTime::from_timestamp_micros(1_738_400_000_123_456).expect("time"),
            id: Uuid::now_v7(),
        };
        let text = encode(&req, &last);
        assert_eq!(decode(&req, &text), Some(last));
        // The page size is no part of the search.
        let bigger = SearchArticlesRequest {
            page_size: 50,
            ..req.clone()
        };
        assert_eq!(decode(&bigger, &text), Some(last));
        let other = SearchArticlesRequest {
            text: "border".into(),
            ..Default::default()
        };
        assert_eq!(decode(&other, &text), None);
        assert_eq!(decode(&req, "00:zz:1:x"), None);
    }
}
