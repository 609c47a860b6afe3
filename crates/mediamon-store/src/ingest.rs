//! Writing an accepted article.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

use crate::{Result, Store};

/// A MinHash signature with its band keys (`mediamon-neardup`).
#[derive(Debug, Clone)]
pub struct MinHash {
    pub signature: Vec<i32>,
    pub bands: Vec<i64>,
    /// From this share of equal rows on, an earlier article sharing a band
    /// is the one this article nearly duplicates.
    pub min_similarity: f32,
}

/// An article ready to store.
#[derive(Debug, Clone)]
pub struct NewArticle {
    pub title: String,
    pub body: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub authors: Vec<String>,
    pub language: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    /// With `published_at`: "time", "day", "month" or "year".
    pub published_precision: Option<&'static str>,
    /// With `published_at`: "caller", "meta", "json-ld", "time-element",
    /// "text" or "feed".
    pub published_source: Option<&'static str>,
    pub dateline: Option<String>,
    /// The text's MinHash, to find the article it nearly duplicates.
    pub minhash: Option<MinHash>,
    /// Hash of the normalised text; equal hashes are exact duplicates.
    pub content_hash: String,
    pub idempotency_key: Option<String>,
}

/// A mention ready to store (offsets in code points).
#[derive(Debug, Clone)]
pub struct NewMention {
    pub id: Uuid,
    pub entity_type: &'static str,
    pub start: i32,
    pub end: i32,
    pub text: String,
    pub sentence_index: i32,
    pub titles: Vec<String>,
    pub confidence: f32,
}

/// A quotation or piece of reported speech to store with its article.
#[derive(Debug, Clone)]
pub struct NewQuote {
    pub id: Uuid,
    /// Code-point offsets into the body.
    pub start: i32,
    pub end: i32,
    pub text: String,
    /// The mention (by its place in the article's mentions) that names the
    /// speaker.
    pub speaker: Option<usize>,
    /// The words that name the speaker where the quote is attributed.
    pub speaker_text: String,
    pub verb: String,
    pub direct: bool,
    /// Attributed to unnamed sources.
    pub anonymous: bool,
}

/// A time expression to store with its article.
#[derive(Debug, Clone)]
pub struct NewTime {
    /// Code-point offsets into the body.
    pub start: i32,
    pub end: i32,
    pub text: String,
    /// The first and last day it covers.
    pub first: chrono::NaiveDate,
    pub last: chrono::NaiveDate,
    /// "day", "week", "month" or "year".
    pub precision: &'static str,
    /// Read against the publication date.
    pub relative: bool,
}

/// An amount to store with its article.
#[derive(Debug, Clone)]
pub struct NewAmount {
    /// Code-point offsets into the body.
    pub start: i32,
    pub end: i32,
    pub text: String,
    pub value: f64,
    pub unit: String,
    pub counted: String,
    pub approximate: bool,
}

/// A report of a happening to store with its article; names are mentions
/// by their place in the article's mentions.
#[derive(Debug, Clone)]
pub struct NewEventMention {
    /// Code-point offsets of the trigger.
    pub start: i32,
    pub end: i32,
    pub trigger: String,
    pub kind: &'static str,
    pub stance: &'static str,
    pub cue: String,
    /// "name", "anonymous" or "outlet".
    pub source_kind: &'static str,
    pub source: Option<usize>,
    pub place: Option<usize>,
    pub participants: Vec<usize>,
    /// When it happened: the expression and the days it covers.
    pub time: Option<(String, chrono::NaiveDate, chrono::NaiveDate)>,
    /// When the source made the claim, where the sentence says: the
    /// expression and its first day.
    pub claimed: Option<(String, chrono::NaiveDate)>,
    pub sentence: i32,
    /// Reports of one happening in the article share a group.
    pub group: i32,
}

/// What ingest found in a story, stored with it.
#[derive(Debug, Clone, Default)]
pub struct Annotations {
    pub mentions: Vec<NewMention>,
    pub quotes: Vec<NewQuote>,
    pub times: Vec<NewTime>,
    pub amounts: Vec<NewAmount>,
    pub events: Vec<NewEventMention>,
}

/// W3C trace context to store with the outbox row.
#[derive(Debug, Clone, Default)]
pub struct TraceCarrier {
    pub traceparent: Option<String>,
    pub tracestate: Option<String>,
}

/// What storing an article did.
#[derive(Debug, Clone, PartialEq)]
pub enum Inserted {
    /// A new article with this id, and the earlier article it nearly
    /// duplicates, with their similarity.
    Created {
        id: Uuid,
        near_duplicate_of: Option<(Uuid, f32)>,
    },
    /// The text or idempotency key was known; the existing article's id.
    Duplicate(Uuid),
}

impl Store {
    /// Stores an article, its band keys, its near-duplicate link, its
    /// annotations (mentions, quotes, time expressions, amounts, event
    /// mentions) and an outbox row in one statement (atomic, one round
    /// trip).
    /// An exact duplicate (same content hash or idempotency key) writes
    /// nothing.
    pub async fn insert_article(
        &self,
        new: NewArticle,
        annotations: Annotations,
        trace: TraceCarrier,
    ) -> Result<Inserted> {
        let Annotations {
            mentions,
            quotes,
            times,
            amounts,
            events,
        } = annotations;
        let index = |i: Option<usize>| i.and_then(|i| i32::try_from(i).ok()).unwrap_or(-1);
        let id = Uuid::now_v7();
        let ints =
            |f: &dyn Fn(&NewMention) -> i32| -> Vec<i32> { mentions.iter().map(f).collect() };
        let texts =
            |f: &dyn Fn(&NewMention) -> String| -> Vec<String> { mentions.iter().map(f).collect() };
        let (signature, bands, min_similarity) = match &new.minhash {
            Some(m) => (Some(m.signature.clone()), m.bands.clone(), m.min_similarity),
            None => (None, Vec::new(), 1.0),
        };
        // ON CONFLICT DO NOTHING makes the duplicate check race-free across
        // replicas; every other part reads `a`, so a duplicate writes nothing.
        // Foreign keys are checked at the end of the statement.
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "WITH a AS (INSERT INTO articles (id, title, body, url, outlet, authors, \
                   language, published_at, content_hash, idempotency_key, published_precision, \
                   published_source, dateline, minhash) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                   ON CONFLICT DO NOTHING \
                   RETURNING id, coalesce(published_at, ingested_at) AS at), \
                 b AS (INSERT INTO article_bands (band, article_id) \
                   SELECT DISTINCT k, a.id FROM a, unnest($15::int8[]) AS k), \
                 c AS (SELECT DISTINCT x.article_id FROM a, unnest($15::int8[]) AS k(band), \
                   LATERAL (SELECT article_id FROM article_bands \
                     WHERE band = k.band AND article_id < a.id \
                     ORDER BY article_id DESC LIMIT $17) x), \
                 nd AS (INSERT INTO near_duplicates (article_id, original_id, similarity) \
                   SELECT $1, o.id, s.similarity FROM c JOIN articles o ON o.id = c.article_id \
                   CROSS JOIN LATERAL ( \
                     SELECT (count(*) FILTER (WHERE x = y))::real / cardinality($14::int4[]) \
                       AS similarity \
                     FROM unnest(o.minhash, $14::int4[]) AS u(x, y)) s \
                   WHERE s.similarity >= $16 \
                   ORDER BY s.similarity DESC, o.id LIMIT 1 \
                   RETURNING original_id, similarity), \
                 m AS (INSERT INTO mentions (id, article_id, entity_type, start_offset, \
                   end_offset, text, sentence_index, titles, confidence, article_time) \
                   SELECT t.id, a.id, t.ty, t.s, t.e, t.tx, t.si, \
                     ARRAY(SELECT jsonb_array_elements_text(t.ti::jsonb)), t.c, a.at \
                   FROM a, unnest($18::uuid[], $19::text[], $20::int4[], $21::int4[], \
                     $22::text[], $23::int4[], $24::text[], $25::real[]) \
                     AS t(id, ty, s, e, tx, si, ti, c)), \
                 q AS (INSERT INTO quotes (id, article_id, start_offset, end_offset, text, \
                   speaker_mention_id, speaker_text, verb, direct, anonymous) \
                   SELECT t.id, a.id, t.s, t.e, t.tx, \
                     CASE WHEN t.sp >= 0 THEN ($18::uuid[])[t.sp + 1] END, t.st, t.v, t.d, t.an \
                   FROM a, unnest($28::int4[], $29::int4[], $30::text[], $31::int4[], \
                     $32::text[], $33::text[], $34::bool[], $35::bool[], $36::uuid[]) \
                     AS t(s, e, tx, sp, st, v, d, an, id)), \
                 te AS (INSERT INTO time_expressions (id, article_id, start_offset, end_offset, \
                   text, first_day, last_day, precision, relative) \
                   SELECT t.id, a.id, t.s, t.e, t.tx, t.f, t.l, t.p, t.r \
                   FROM a, unnest($37::uuid[], $38::int4[], $39::int4[], $40::text[], \
                     $41::date[], $42::date[], $43::text[], $44::bool[]) \
                     AS t(id, s, e, tx, f, l, p, r)), \
                 am AS (INSERT INTO amounts (id, article_id, start_offset, end_offset, text, \
                   value, unit, counted, approximate) \
                   SELECT t.id, a.id, t.s, t.e, t.tx, t.v, t.u, t.c, t.ap \
                   FROM a, unnest($45::uuid[], $46::int4[], $47::int4[], $48::text[], \
                     $49::float8[], $50::text[], $51::text[], $52::bool[]) \
                     AS t(id, s, e, tx, v, u, c, ap)), \
                 ev AS (INSERT INTO event_mentions (id, article_id, start_offset, end_offset, \
                   trigger, kind, stance, cue, source_kind, source_mention_id, place_mention_id, \
                   participant_mention_ids, time_text, first_day, last_day, sentence_index, \
                   article_group, claim_time_text, claim_day) \
                   SELECT t.id, a.id, t.s, t.e, t.tr, t.k, t.st, t.cu, t.sk, \
                     CASE WHEN t.so >= 0 THEN ($18::uuid[])[t.so + 1] END, \
                     CASE WHEN t.pl >= 0 THEN ($18::uuid[])[t.pl + 1] END, \
                     ARRAY(SELECT ($18::uuid[])[p::int + 1] \
                       FROM jsonb_array_elements_text(t.pa::jsonb) AS p), \
                     t.tt, NULLIF(t.f, '')::date, NULLIF(t.l, '')::date, t.si, t.g, \
                     t.ct, NULLIF(t.cd, '')::date \
                   FROM a, unnest($53::uuid[], $54::int4[], $55::int4[], $56::text[], \
                     $57::text[], $58::text[], $59::text[], $60::text[], $61::int4[], \
                     $62::int4[], $63::text[], $64::text[], $65::text[], $66::text[], \
                     $67::int4[], $68::int4[], $69::text[], $70::text[]) \
                     AS t(id, s, e, tr, k, st, cu, sk, so, pl, pa, tt, f, l, si, g, ct, cd)), \
                 o AS (INSERT INTO outbox (article_id, kind, traceparent, tracestate) \
                   SELECT a.id, 'resolve', $26, $27 FROM a) \
                 SELECT a.id, nd.original_id, nd.similarity FROM a LEFT JOIN nd ON true",
                [
                    id.into(),
                    new.title.into(),
                    new.body.into(),
                    new.url.into(),
                    new.outlet.into(),
                    new.authors.into(),
                    new.language.into(),
                    new.published_at.into(),
                    new.content_hash.clone().into(),
                    new.idempotency_key.clone().into(),
                    new.published_precision.into(),
                    new.published_source.into(),
                    new.dateline.into(),
                    signature.into(),
                    bands.into(),
                    min_similarity.into(),
                    CANDIDATES_PER_BAND.into(),
                    mentions.iter().map(|m| m.id).collect::<Vec<_>>().into(),
                    texts(&|m| m.entity_type.to_string()).into(),
                    ints(&|m| m.start).into(),
                    ints(&|m| m.end).into(),
                    texts(&|m| m.text.clone()).into(),
                    ints(&|m| m.sentence_index).into(),
                    // Titles travel as JSON: unnest cannot take ragged arrays.
                    texts(&|m| serde_json::Value::from(m.titles.clone()).to_string()).into(),
                    mentions
                        .iter()
                        .map(|m| m.confidence)
                        .collect::<Vec<_>>()
                        .into(),
                    trace.traceparent.into(),
                    trace.tracestate.into(),
                    quotes.iter().map(|q| q.start).collect::<Vec<_>>().into(),
                    quotes.iter().map(|q| q.end).collect::<Vec<_>>().into(),
                    quotes
                        .iter()
                        .map(|q| q.text.clone())
                        .collect::<Vec<_>>()
                        .into(),
                    quotes
                        .iter()
                        .map(|q| q.speaker.and_then(|i| i32::try_from(i).ok()).unwrap_or(-1))
                        .collect::<Vec<_>>()
                        .into(),
                    quotes
                        .iter()
                        .map(|q| q.speaker_text.clone())
                        .collect::<Vec<_>>()
                        .into(),
                    quotes
                        .iter()
                        .map(|q| q.verb.clone())
                        .collect::<Vec<_>>()
                        .into(),
                    quotes.iter().map(|q| q.direct).collect::<Vec<_>>().into(),
                    quotes
                        .iter()
                        .map(|q| q.anonymous)
                        .collect::<Vec<_>>()
                        .into(),
                    quotes.iter().map(|q| q.id).collect::<Vec<_>>().into(),
                    times
                        .iter()
                        .map(|_| Uuid::now_v7())
                        .collect::<Vec<_>>()
                        .into(),
                    times.iter().map(|t| t.start).collect::<Vec<_>>().into(),
                    times.iter().map(|t| t.end).collect::<Vec<_>>().into(),
                    times
                        .iter()
                        .map(|t| t.text.clone())
                        .collect::<Vec<_>>()
                        .into(),
                    times.iter().map(|t| t.first).collect::<Vec<_>>().into(),
                    times.iter().map(|t| t.last).collect::<Vec<_>>().into(),
                    times
                        .iter()
                        .map(|t| t.precision.to_string())
                        .collect::<Vec<_>>()
                        .into(),
                    times.iter().map(|t| t.relative).collect::<Vec<_>>().into(),
                    amounts
                        .iter()
                        .map(|_| Uuid::now_v7())
                        .collect::<Vec<_>>()
                        .into(),
                    amounts.iter().map(|a| a.start).collect::<Vec<_>>().into(),
                    amounts.iter().map(|a| a.end).collect::<Vec<_>>().into(),
                    amounts
                        .iter()
                        .map(|a| a.text.clone())
                        .collect::<Vec<_>>()
                        .into(),
                    amounts.iter().map(|a| a.value).collect::<Vec<_>>().into(),
                    amounts
                        .iter()
                        .map(|a| a.unit.clone())
                        .collect::<Vec<_>>()
                        .into(),
                    amounts
                        .iter()
                        .map(|a| a.counted.clone())
                        .collect::<Vec<_>>()
                        .into(),
                    amounts
                        .iter()
                        .map(|a| a.approximate)
                        .collect::<Vec<_>>()
                        .into(),
                    events
                        .iter()
                        .map(|_| Uuid::now_v7())
                        .collect::<Vec<_>>()
                        .into(),
                    events.iter().map(|e| e.start).collect::<Vec<_>>().into(),
                    events.iter().map(|e| e.end).collect::<Vec<_>>().into(),
                    events
                        .iter()
                        .map(|e| e.trigger.clone())
                        .collect::<Vec<_>>()
                        .into(),
                    events
                        .iter()
                        .map(|e| e.kind.to_string())
                        .collect::<Vec<_>>()
                        .into(),
                    events
                        .iter()
                        .map(|e| e.stance.to_string())
                        .collect::<Vec<_>>()
                        .into(),
                    events
                        .iter()
                        .map(|e| e.cue.clone())
                        .collect::<Vec<_>>()
                        .into(),
                    events
                        .iter()
                        .map(|e| e.source_kind.to_string())
                        .collect::<Vec<_>>()
                        .into(),
                    events
                        .iter()
                        .map(|e| index(e.source))
                        .collect::<Vec<_>>()
                        .into(),
                    events
                        .iter()
                        .map(|e| index(e.place))
                        .collect::<Vec<_>>()
                        .into(),
                    // Participants travel as JSON: unnest cannot take ragged arrays.
                    events
                        .iter()
                        .map(|e| serde_json::Value::from(e.participants.clone()).to_string())
                        .collect::<Vec<_>>()
                        .into(),
                    events
                        .iter()
                        .map(|e| e.time.as_ref().map(|t| t.0.clone()).unwrap_or_default())
                        .collect::<Vec<_>>()
                        .into(),
                    // Days as ISO text, empty for none: unnest takes no NULLs
                    // from a Rust array.
                    events
                        .iter()
                        .map(|e| e.time.as_ref().map(|t| t.1.to_string()).unwrap_or_default())
                        .collect::<Vec<_>>()
                        .into(),
                    events
                        .iter()
                        .map(|e| e.time.as_ref().map(|t| t.2.to_string()).unwrap_or_default())
                        .collect::<Vec<_>>()
                        .into(),
                    events.iter().map(|e| e.sentence).collect::<Vec<_>>().into(),
                    events.iter().map(|e| e.group).collect::<Vec<_>>().into(),
                    events
                        .iter()
                        .map(|e| e.claimed.as_ref().map(|c| c.0.clone()).unwrap_or_default())
                        .collect::<Vec<_>>()
                        .into(),
                    events
                        .iter()
                        .map(|e| {
                            e.claimed
                                .as_ref()
                                .map(|c| c.1.to_string())
                                .unwrap_or_default()
                        })
                        .collect::<Vec<_>>()
                        .into(),
                ],
            ))
            .await?;
        match row {
            Some(row) => Ok(Inserted::Created {
                id: row.try_get("", "id")?,
                near_duplicate_of: match row.try_get::<Option<Uuid>>("", "original_id")? {
                    Some(original) => Some((original, row.try_get("", "similarity")?)),
                    None => None,
                },
            }),
            None => {
                // The caller's key first: a retry may carry edited text. A
                // missing key must match nothing (not every keyless article).
                let existing = self
                    .db
                    .query_one_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT id FROM articles \
                         WHERE idempotency_key = $2 OR content_hash = $1 \
                         ORDER BY idempotency_key = $2 DESC NULLS LAST LIMIT 1",
                        [new.content_hash.into(), new.idempotency_key.into()],
                    ))
                    .await?
                    .map(|row| row.try_get::<Uuid>("", "id"))
                    .transpose()?;
                match existing {
                    Some(id) => Ok(Inserted::Duplicate(id)),
                    // The conflicting row was deleted in between; the caller may retry.
                    None => Err(crate::StoreError::NotFound {
                        what: "conflicting article",
                        id: id.to_string(),
                    }),
                }
            }
        }
    }

    /// Number of articles stored (for tests and the CLI).
    pub async fn article_count(&self) -> Result<i64> {
        self.count("SELECT count(*) AS n FROM articles").await
    }
}

/// Most earlier articles per band key that are scored, newest first: text
/// that many articles share (a template, a boilerplate paragraph) would
/// otherwise make every insert score thousands. A copy shares most of its
/// original's 20 bands and mostly follows it closely in time, so a crowded
/// band rarely hides it.
const CANDIDATES_PER_BAND: i64 = 8;
