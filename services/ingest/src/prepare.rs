//! From a request to rows: validate, extract, annotate, hash. No IO.

use chrono::{DateTime, NaiveDate, Utc};
use mediamon_config::IngestLimits;
use mediamon_extract::{Article, ExtractError, Hints};
use mediamon_proto::convert::from_timestamp;
use mediamon_proto::error::check_line;
use mediamon_proto::v1::{
    ArticleMetadata, DatePrecision, IngestArticleRequest, ingest_article_request::Content,
};
use mediamon_store::{
    Annotations, MinHash, NewAmount, NewArticle, NewEventMention, NewMention, NewQuote, NewTime,
    Uuid,
};
use sha2::{Digest, Sha256};

use crate::error::IngestError;

const MAX_IDEMPOTENCY_KEY: usize = 200;
pub(crate) const MAX_URL: usize = 2048;
const MAX_SHORT_FIELD: usize = 300;
const MAX_AUTHORS: usize = 50;

/// An article and what was found in it, ready for the store.
#[derive(Debug)]
pub struct Prepared {
    pub article: NewArticle,
    pub annotations: Annotations,
}

/// Validates a request, extracts the story and its metadata, and annotates
/// the story with the name recogniser. The caller's metadata wins over what
/// the page says, field by field.
pub fn prepare(
    req: IngestArticleRequest,
    limits: &IngestLimits,
    feed_date: Option<NaiveDate>,
) -> Result<Prepared, IngestError> {
    let max_bytes = limits.max_body_bytes;
    if req.idempotency_key.len() > MAX_IDEMPOTENCY_KEY {
        return Err(IngestError::invalid(
            "idempotency_key",
            format!("longer than {MAX_IDEMPOTENCY_KEY} bytes"),
        ));
    }
    check_line("idempotency_key", &req.idempotency_key)?;
    check_line("content_type", &req.content_type)?;
    let meta = req.metadata.unwrap_or_default();
    let caller = validate_metadata(&meta)?;
    let hints = Hints {
        content_type: Some(req.content_type.as_str()).filter(|c| !c.is_empty()),
        url: Some(meta.url.as_str()).filter(|u| !u.is_empty()),
        feed_date,
    };
    let extracting = tracing::info_span!(
        "ingest.extract",
        kind = tracing::field::Empty,
        bytes = tracing::field::Empty,
        language = tracing::field::Empty
    )
    .entered();
    let extracted = match req.content {
        Some(Content::Text(text)) => {
            extracting
                .record("kind", "text")
                .record("bytes", text.len());
            check_size(text.len(), max_bytes)?;
            if text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                return Err(IngestError::invalid(
                    "text",
                    "contains control characters; send text, not binary data",
                ));
            }
            mediamon_extract::from_text(&text, &hints).map_err(|e| extract_error("text", e))?
        }
        Some(Content::Html(bytes)) => {
            extracting
                .record("kind", "html")
                .record("bytes", bytes.len());
            check_size(bytes.len(), max_bytes)?;
            mediamon_extract::from_html(&bytes, &hints).map_err(|e| extract_error("html", e))?
        }
        None => {
            return Err(IngestError::invalid(
                "text",
                "an article needs content: text or html",
            ));
        }
    };
    let Article {
        title: found_title,
        body,
        metadata: found,
    } = extracted;
    let title = Some(meta.title.trim())
        .filter(|t| !t.is_empty())
        .map_or(found_title, str::to_string);
    if let Some(language) = &found.language {
        extracting.record("language", language.as_str());
    }
    drop(extracting);

    let finding = tracing::info_span!(
        "ingest.ner",
        chars = body.len(),
        mentions = tracing::field::Empty
    )
    .entered();
    let mentions: Vec<NewMention> = mediamon_ner::Tagger::builtin()?
        .find(&body)
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
    finding.record("mentions", mentions.len());
    drop(finding);
    if mentions.len() > limits.max_mentions {
        return Err(IngestError::TooManyMentions {
            found: mentions.len(),
            limit: limits.max_mentions,
        });
    }
    let non_empty = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let short = |s: Option<String>| s.filter(|s| s.len() <= MAX_SHORT_FIELD);
    // What the page says is kept only where it would pass the caller's checks.
    let url = non_empty(meta.url).or(found
        .canonical_url
        .filter(|u| u.len() <= MAX_URL && is_web_url(u)));
    let authors = if meta.authors.is_empty() {
        found
            .authors
            .into_iter()
            .filter(|a| a.len() <= MAX_SHORT_FIELD)
            .take(MAX_AUTHORS)
            .collect()
    } else {
        meta.authors
    };
    let (published_at, published_precision, published_source) = match caller.published {
        Some((at, precision)) => (Some(at), Some(precision), Some("caller")),
        None => match found.published.filter(|p| plausible_publication(p.at)) {
            Some(p) => (
                Some(p.at),
                Some(p.precision.as_str()),
                Some(p.source.as_str()),
            ),
            None => (None, None, None),
        },
    };
    // Relative times are read against the publication date, else the day
    // the article arrives (live news is published the day it is read).
    let reference = published_at.unwrap_or_else(Utc::now).date_naive();
    let (quotes, times, events) =
        tracing::info_span!("ingest.claims").in_scope(|| claims(&body, &mentions, reference));
    let amounts = tracing::info_span!("ingest.amounts").in_scope(|| amounts(&body));
    let minhash = mediamon_neardup::fingerprint(&body).map(|f| MinHash {
        signature: f.signature,
        bands: f.bands,
        min_similarity: mediamon_neardup::NEAR_DUPLICATE,
    });
    Ok(Prepared {
        article: NewArticle {
            content_hash: content_hash(&title, &body),
            title,
            body,
            url,
            outlet: non_empty(meta.outlet).or(short(found.site_name)),
            authors,
            language: non_empty(meta.language).or(found.language),
            published_at,
            published_precision,
            published_source,
            dateline: non_empty(meta.dateline).or(short(found.dateline)),
            minhash,
            idempotency_key: non_empty(req.idempotency_key),
        },
        annotations: Annotations {
            mentions,
            quotes,
            times,
            amounts,
            events,
        },
    })
}

fn offset(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn new_times(times: Vec<mediamon_timex::TimeExpression>) -> Vec<NewTime> {
    times
        .into_iter()
        .map(|t| NewTime {
            start: offset(t.start),
            end: offset(t.end),
            text: t.text,
            first: t.first,
            last: t.last,
            precision: t.precision.code(),
            relative: t.relative,
        })
        .collect()
}

/// The story's amounts.
fn amounts(body: &str) -> Vec<NewAmount> {
    mediamon_amounts::find(body)
        .into_iter()
        .map(|a| NewAmount {
            start: offset(a.start),
            end: offset(a.end),
            text: a.text,
            value: a.value,
            unit: a.unit,
            counted: a.counted,
            approximate: a.approximate,
        })
        .collect()
}

/// The story's quotations and reported speech (each speaker one of its
/// mentions), its time expressions read against `reference`, and its
/// reports of happenings with who asserts them and how.
fn claims(
    body: &str,
    mentions: &[NewMention],
    reference: NaiveDate,
) -> (Vec<NewQuote>, Vec<NewTime>, Vec<NewEventMention>) {
    let names = names(mentions);
    let quotes = mediamon_quotes::find(body, &names);
    let times = mediamon_timex::find(body, Some(reference));
    let events = mediamon_events::find(body, &names, &quotes, &times);
    let events = new_events(events, &times);
    (new_quotes(quotes), new_times(times), events)
}

/// The recogniser's mentions as the claim readers take them.
fn names(mentions: &[NewMention]) -> Vec<mediamon_quotes::Name<'_>> {
    let code = |n: i32| usize::try_from(n).unwrap_or(0);
    mentions
        .iter()
        .map(|m| mediamon_quotes::Name {
            start: code(m.start),
            end: code(m.end),
            kind: m.entity_type,
            cues: &m.titles,
        })
        .collect()
}

/// The reports that triggers found by other means (code-point spans with
/// the kind each tells of) make in a prepared story, read as ingest reads
/// its own (`mediamon_events::read_at`): for benchmarks on gold triggers.
pub fn reports_at(
    body: &str,
    mentions: &[NewMention],
    reference: Option<NaiveDate>,
    triggers: &[(usize, usize, mediamon_events::Kind)],
) -> Vec<NewEventMention> {
    let names = names(mentions);
    let quotes = mediamon_quotes::find(body, &names);
    let times = mediamon_timex::find(body, reference);
    let events = mediamon_events::read_at(body, &names, &quotes, &times, triggers);
    new_events(events, &times)
}

fn new_events(
    events: Vec<mediamon_events::EventMention>,
    times: &[mediamon_timex::TimeExpression],
) -> Vec<NewEventMention> {
    events
        .into_iter()
        .map(|e| NewEventMention {
            start: offset(e.start),
            end: offset(e.end),
            trigger: e.trigger,
            kind: e.kind.code(),
            stance: e.stance.code(),
            cue: e.cue,
            source_kind: match e.source {
                mediamon_events::Source::Name(_) => "name",
                mediamon_events::Source::Anonymous => "anonymous",
                mediamon_events::Source::Outlet => "outlet",
            },
            source: match e.source {
                mediamon_events::Source::Name(i) => Some(i),
                _ => None,
            },
            place: e.place,
            participants: e.participants,
            time: e
                .time
                .and_then(|i| times.get(i))
                .map(|t| (t.text.clone(), t.first, t.last)),
            claimed: e
                .claimed
                .and_then(|i| times.get(i))
                .map(|t| (t.text.clone(), t.first)),
            sentence: offset(e.sentence),
            group: offset(e.group),
        })
        .collect()
}

fn new_quotes(quotes: Vec<mediamon_quotes::Quote>) -> Vec<NewQuote> {
    quotes
        .into_iter()
        .map(|q| NewQuote {
            id: Uuid::now_v7(),
            start: offset(q.start),
            end: offset(q.end),
            text: q.text,
            speaker: match q.speaker {
                mediamon_quotes::Speaker::Name(i) => Some(i),
                _ => None,
            },
            anonymous: q.speaker == mediamon_quotes::Speaker::Anonymous,
            speaker_text: q.speaker_text,
            verb: q.verb,
            direct: q.direct,
        })
        .collect()
}

fn check_size(size: usize, limit: usize) -> Result<(), IngestError> {
    if size > limit {
        return Err(IngestError::TooLarge { size, limit });
    }
    Ok(())
}

fn extract_error(field: &'static str, e: ExtractError) -> IngestError {
    let reason = match e {
        ExtractError::Binary => "is binary data, not text".to_string(),
        ExtractError::Undecodable(charset) => format!("does not decode as {charset}"),
        ExtractError::TooDeep(limit) => {
            format!("nests elements more than {limit} deep (real pages nest a few dozen)")
        }
        ExtractError::Empty => {
            "holds no story text once page furniture is removed (a title needs a body)".into()
        }
    };
    IngestError::invalid(field, reason)
}

pub(crate) fn is_web_url(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// Whether a publication time is one a news article can have: from 1800
/// (older archives are scanned, not born digital) to a day from now (time
/// zones, embargoed stories). A year-10,000 stamp sorted first in every
/// search and broke JSON output.
fn plausible_publication(at: DateTime<Utc>) -> bool {
    let earliest = DateTime::<Utc>::from_naive_utc_and_offset(
        NaiveDate::from_ymd_opt(1800, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default(),
        Utc,
    );
    at >= earliest && at <= Utc::now() + chrono::Duration::days(1)
}

/// The caller's metadata, checked.
struct CallerMetadata {
    published: Option<(DateTime<Utc>, &'static str)>,
}

fn validate_metadata(meta: &ArticleMetadata) -> Result<CallerMetadata, IngestError> {
    let precision = DatePrecision::try_from(meta.publish_time_precision).map_err(|_| {
        IngestError::invalid("metadata.publish_time_precision", "not a known precision")
    })?;
    let published = match &meta.publish_time {
        Some(t) => {
            let at = from_timestamp(t)
                .filter(|at| plausible_publication(*at))
                .ok_or_else(|| {
                    IngestError::invalid(
                        "metadata.publish_time",
                        "must be a valid time between 1800 and a day from now",
                    )
                })?;
            let precision = match precision {
                DatePrecision::Unspecified | DatePrecision::Time => "time",
                DatePrecision::Day => "day",
                DatePrecision::Month => "month",
                DatePrecision::Year => "year",
            };
            Some((at, precision))
        }
        None if precision != DatePrecision::Unspecified => {
            return Err(IngestError::invalid(
                "metadata.publish_time_precision",
                "given without metadata.publish_time",
            ));
        }
        None => None,
    };
    if meta.publish_time_source != 0 {
        return Err(IngestError::invalid(
            "metadata.publish_time_source",
            "is set by ingest; leave it unset",
        ));
    }
    check_line("metadata.url", &meta.url)?;
    check_line("metadata.outlet", &meta.outlet)?;
    check_line("metadata.dateline", &meta.dateline)?;
    check_line("metadata.language", &meta.language)?;
    for (i, author) in meta.authors.iter().enumerate() {
        check_line(&format!("metadata.authors[{i}]"), author)?;
    }
    if meta.url.len() > MAX_URL {
        return Err(IngestError::invalid(
            "metadata.url",
            format!("longer than {MAX_URL} bytes"),
        ));
    }
    if !(meta.url.is_empty() || is_web_url(&meta.url)) {
        return Err(IngestError::invalid(
            "metadata.url",
            "must be an http(s) URL",
        ));
    }
    if meta.title.len() > MAX_SHORT_FIELD {
        return Err(IngestError::invalid(
            "metadata.title",
            format!("longer than {MAX_SHORT_FIELD} bytes"),
        ));
    }
    check_line("metadata.title", &meta.title)?;
    if meta.outlet.len() > MAX_SHORT_FIELD {
        return Err(IngestError::invalid("metadata.outlet", "too long"));
    }
    if meta.dateline.len() > MAX_SHORT_FIELD {
        return Err(IngestError::invalid("metadata.dateline", "too long"));
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
    Ok(CallerMetadata { published })
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

    fn text(t: &str) -> IngestArticleRequest {
        IngestArticleRequest {
            content: Some(Content::Text(t.into())),
            ..Default::default()
        }
    }

    fn limits(max_body_bytes: usize) -> IngestLimits {
        IngestLimits {
            max_body_bytes,
            ..IngestLimits::default()
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
        let p = prepare(
            text("Title here\n\nZalmay Khalilzad said so."),
            &limits(1000),
            None,
        )
        .expect("valid");
        assert_eq!(p.article.title, "Title here");
        assert_eq!(p.annotations.mentions.len(), 1);
        assert_eq!(p.annotations.mentions[0].text, "Zalmay Khalilzad");
    }

    #[test]
    fn bad_input_names_the_field() {
        let empty = IngestArticleRequest::default();
        assert_eq!(
            field_of(prepare(empty, &limits(1000), None).expect_err("no content")),
            "text"
        );
        assert_eq!(
            field_of(prepare(text("  \n "), &limits(1000), None).expect_err("blank")),
            "text"
        );
        assert_eq!(
            field_of(prepare(text("Only a title"), &limits(1000), None).expect_err("no body")),
            "text"
        );
        assert_eq!(
            field_of(prepare(text("T\n\nbin\u{0}ary"), &limits(1000), None).expect_err("nul")),
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
            field_of(prepare(bad_time, &limits(1000), None).expect_err("time")),
            "metadata.publish_time"
        );
    }

    /// Issue 19: NUL in metadata gave INTERNAL (Postgres refused it), a
    /// URL with CR/LF was stored as sent, and publication times in year
    /// 10,000 (or far before year 1) were stored or gave INTERNAL.
    #[test]
    fn metadata_is_checked_field_by_field() {
        let with = |meta: ArticleMetadata| {
            let mut r = text("T\n\nZalmay Khalilzad spoke in Kabul.");
            r.metadata = Some(meta);
            r
        };
        let cases = [
            (
                ArticleMetadata {
                    outlet: "Kabul\u{0}Times".into(),
                    ..Default::default()
                },
                "metadata.outlet",
            ),
            (
                ArticleMetadata {
                    authors: vec!["A".into(), "B\u{0}".into()],
                    ..Default::default()
                },
                "metadata.authors[1]",
            ),
            (
                ArticleMetadata {
                    dateline: "KABUL\u{0}".into(),
                    ..Default::default()
                },
                "metadata.dateline",
            ),
            (
                ArticleMetadata {
                    url: "https://example.org/a\r\nSet-Cookie: x=1".into(),
                    ..Default::default()
                },
                "metadata.url",
            ),
        ];
        for (meta, field) in cases {
            assert_eq!(
                field_of(prepare(with(meta), &limits(1000), None).expect_err(field)),
                field
            );
        }
        let mut keyed = text("T\n\nBody.");
        keyed.idempotency_key = "k\u{0}".into();
        assert_eq!(
            field_of(prepare(keyed, &limits(1000), None).expect_err("key")),
            "idempotency_key"
        );
        for seconds in [253_402_300_800, 253_402_300_799, -62_135_596_800, i64::MIN] {
            let meta = ArticleMetadata {
                publish_time: Some(prost_types::Timestamp { seconds, nanos: 0 }),
                ..Default::default()
            };
            assert_eq!(
                field_of(prepare(with(meta), &limits(1000), None).expect_err("time")),
                "metadata.publish_time",
                "{seconds}"
            );
        }
        let in_1850 = ArticleMetadata {
            publish_time: Some(prost_types::Timestamp {
                seconds: -3_786_825_600,
                nanos: 0,
            }),
            ..Default::default()
        };
        prepare(with(in_1850), &limits(1000), None).expect("1850 is a fine date");
    }

    // Issue 19, item 12: a newsroom system that keeps the headline apart
    // from the body could not send it.
    #[test]
    fn the_callers_title_wins_and_is_checked() {
        let with_title = |t: &str| {
            let mut req = text("Page headline\n\nZalmay Khalilzad said so on Friday.");
            req.metadata = Some(ArticleMetadata {
                title: t.into(),
                ..Default::default()
            });
            req
        };
        let p = prepare(with_title("  Envoy speaks "), &limits(1000), None).expect("valid");
        assert_eq!(p.article.title, "Envoy speaks");
        assert_eq!(p.article.body, "Zalmay Khalilzad said so on Friday.");
        assert_eq!(
            p.article.content_hash,
            content_hash("Envoy speaks", &p.article.body)
        );
        let p = prepare(with_title(""), &limits(1000), None).expect("valid");
        assert_eq!(p.article.title, "Page headline");
        for bad in ["x".repeat(301), "Envoy\nspeaks".into(), "Envoy\u{0}".into()] {
            assert_eq!(
                field_of(prepare(with_title(&bad), &limits(1000), None).expect_err("bad title")),
                "metadata.title",
                "{bad:?}"
            );
        }
        assert!(prepare(with_title(&"é".repeat(150)), &limits(1000), None).is_ok());
    }

    #[test]
    fn oversized_is_resource_exhausted() {
        let err =
            prepare(text("Title\n\nlong body text"), &limits(10), None).expect_err("too large");
        assert!(matches!(err, IngestError::TooLarge { limit: 10, .. }));
    }

    /// Issue 19: an article naming ~48,000 names was accepted and its
    /// resolution could never succeed (the request outgrew the message
    /// limit); it is refused at ingest instead.
    #[test]
    fn too_many_mentions_is_resource_exhausted() {
        let story = "Title\n\nZalmay Khalilzad met Amir Khan Muttaqi in Kabul.";
        let few = IngestLimits {
            max_mentions: 2,
            ..IngestLimits::default()
        };
        let err = prepare(text(story), &few, None).expect_err("too many names");
        assert!(
            matches!(err, IngestError::TooManyMentions { limit: 2, found: 3 }),
            "{err}"
        );
        prepare(text(story), &IngestLimits::default(), None).expect("within the default");
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
