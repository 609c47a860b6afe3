//! From a request to rows: validate, split, annotate, hash. No IO.

use mediamon_proto::convert::from_timestamp;
use mediamon_proto::v1::{IngestArticleRequest, ingest_article_request::Content};
use mediamon_store::{NewArticle, NewMention, Uuid};
use sha2::{Digest, Sha256};

use crate::error::IngestError;

const MAX_IDEMPOTENCY_KEY: usize = 200;
const MAX_URL: usize = 2048;
const MAX_SHORT_FIELD: usize = 300;
const MAX_AUTHORS: usize = 50;

/// An article and its mentions, ready for the store.
#[derive(Debug)]
pub struct Prepared {
    pub article: NewArticle,
    pub mentions: Vec<NewMention>,
}

/// Validates a request and annotates its text with the name recogniser.
pub fn prepare(req: IngestArticleRequest, max_bytes: usize) -> Result<Prepared, IngestError> {
    let Some(Content::Text(text)) = req.content else {
        return Err(IngestError::invalid("text", "an article needs content"));
    };
    if text.len() > max_bytes {
        return Err(IngestError::TooLarge {
            size: text.len(),
            limit: max_bytes,
        });
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(IngestError::invalid(
            "text",
            "contains control characters; send text, not binary data",
        ));
    }
    let Some(parts) = mediamon_nlp::split_plain_text(&text) else {
        return Err(IngestError::invalid("text", "must not be empty"));
    };
    if parts.body.is_empty() {
        return Err(IngestError::invalid(
            "text",
            "has a title line but no body (the first line is the title)",
        ));
    }
    if req.idempotency_key.len() > MAX_IDEMPOTENCY_KEY {
        return Err(IngestError::invalid(
            "idempotency_key",
            format!("longer than {MAX_IDEMPOTENCY_KEY} bytes"),
        ));
    }
    let meta = req.metadata.unwrap_or_default();
    let published_at = match &meta.publish_time {
        Some(t) => Some(from_timestamp(t).ok_or_else(|| {
            IngestError::invalid("metadata.publish_time", "not a valid timestamp")
        })?),
        None => None,
    };
    if meta.url.len() > MAX_URL {
        return Err(IngestError::invalid(
            "metadata.url",
            format!("longer than {MAX_URL} bytes"),
        ));
    }
    let web_url = meta.url.starts_with("http://") || meta.url.starts_with("https://");
    if !(meta.url.is_empty() || web_url) {
        return Err(IngestError::invalid(
            "metadata.url",
            "must be an http(s) URL",
        ));
    }
    if meta.outlet.len() > MAX_SHORT_FIELD {
        return Err(IngestError::invalid("metadata.outlet", "too long"));
    }
    if meta.authors.len() > MAX_AUTHORS || meta.authors.iter().any(|a| a.len() > MAX_SHORT_FIELD) {
        return Err(IngestError::invalid(
            "metadata.authors",
            "too many or too long",
        ));
    }
    if !meta.language.is_empty()
        && (meta.language.len() > 35
            || !meta
                .language
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        return Err(IngestError::invalid(
            "metadata.language",
            "must be a BCP 47 tag such as \"en\"",
        ));
    }

    let mentions = mediamon_ner::Tagger::builtin()?
        .find(&parts.body)
        .into_iter()
        .map(|m| NewMention {
            id: Uuid::now_v7(),
            entity_type: m.kind.code(),
            start: i32::try_from(m.start).unwrap_or(i32::MAX),
            end: i32::try_from(m.end).unwrap_or(i32::MAX),
            text: m.text,
            sentence_index: i32::try_from(m.sentence).unwrap_or(i32::MAX),
            titles: m.titles,
            confidence: m.confidence,
        })
        .collect();
    let non_empty = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
    Ok(Prepared {
        article: NewArticle {
            content_hash: content_hash(&parts.title, &parts.body),
            title: parts.title,
            body: parts.body,
            url: non_empty(meta.url),
            outlet: non_empty(meta.outlet),
            authors: meta.authors,
            language: non_empty(meta.language),
            published_at,
            idempotency_key: non_empty(req.idempotency_key),
        },
        mentions,
    })
}

/// SHA-256 of the text with case and whitespace differences removed, so
/// re-sent copies are recognised as exact duplicates.
pub fn content_hash(title: &str, body: &str) -> String {
    let mut hasher = Sha256::new();
    for word in title
        .split_whitespace()
        .chain(["\n"])
        .chain(body.split_whitespace())
    {
        hasher.update(word.to_lowercase().as_bytes());
        hasher.update(b" ");
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediamon_proto::v1::ArticleMetadata;

    fn text(t: &str) -> IngestArticleRequest {
        IngestArticleRequest {
            content: Some(Content::Text(t.into())),
            ..Default::default()
        }
    }

    fn field_of(err: IngestError) -> String {
        match err {
            IngestError::InvalidArgument(e) => e.field,
            other => panic!("not invalid argument: {other}"),
        }
    }

    #[test]
    fn splits_and_annotates() {
        let p = prepare(text("Title here\n\nZalmay Khalilzad said so."), 1000).expect("valid");
        assert_eq!(p.article.title, "Title here");
        assert_eq!(p.mentions.len(), 1);
        assert_eq!(p.mentions[0].text, "Zalmay Khalilzad");
    }

    #[test]
    fn bad_input_names_the_field() {
        let empty = IngestArticleRequest::default();
        assert_eq!(
            field_of(prepare(empty, 1000).expect_err("no content")),
            "text"
        );
        assert_eq!(
            field_of(prepare(text("  \n "), 1000).expect_err("blank")),
            "text"
        );
        assert_eq!(
            field_of(prepare(text("Only a title"), 1000).expect_err("no body")),
            "text"
        );
        assert_eq!(
            field_of(prepare(text("T\n\nbin\u{0}ary"), 1000).expect_err("nul")),
            "text"
        );
        let mut bad_time = text("T\n\nBody.");
        bad_time.metadata = Some(ArticleMetadata {
            publish_time: Some(prost_types::Timestamp {
                seconds: 0,
                nanos: -5,
            }),
            ..Default::default()
        });
        assert_eq!(
            field_of(prepare(bad_time, 1000).expect_err("time")),
            "metadata.publish_time"
        );
    }

    #[test]
    fn oversized_is_resource_exhausted() {
        let err = prepare(text("Title\n\nlong body text"), 10).expect_err("too large");
        assert!(matches!(err, IngestError::TooLarge { limit: 10, .. }));
    }

    #[test]
    fn hash_ignores_case_and_spacing() {
        assert_eq!(
            content_hash("A  Title", "Body\n text"),
            content_hash("a title", "body text")
        );
        assert_ne!(
            content_hash("A title", "body"),
            content_hash("A", "title body")
        );
    }
}
