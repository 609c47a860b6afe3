//! Writing an accepted article.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::model::{article, mention, outbox};
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
    /// Stores an article, its mentions and an outbox row in one transaction.
    /// An exact duplicate (same content hash or idempotency key) writes nothing.
    pub async fn insert_article(
        &self,
        new: NewArticle,
        mentions: Vec<NewMention>,
        trace: TraceCarrier,
    ) -> Result<Inserted> {
        let txn = self.db.begin().await?;
        let id = Uuid::now_v7();
        // ON CONFLICT DO NOTHING makes the duplicate check race-free across replicas.
        let row = txn
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "WITH a AS (INSERT INTO articles (id, title, body, url, outlet, authors, \
                 language, published_at, content_hash, idempotency_key, published_precision, \
                 published_source, dateline, minhash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                 ON CONFLICT DO NOTHING RETURNING id), \
                 b AS (INSERT INTO article_bands (band, article_id) \
                 SELECT DISTINCT k, a.id FROM a, unnest($15::int8[]) AS k) \
                 SELECT id FROM a",
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
                    new.minhash.as_ref().map(|m| m.signature.clone()).into(),
                    new.minhash.as_ref().map(|m| m.bands.clone()).into(),
                ],
            ))
            .await?;
        if row.is_none() {
            txn.rollback().await?;
            let existing = article::Entity::find()
                .filter(
                    Condition::any()
                        .add(article::Column::ContentHash.eq(new.content_hash))
                        .add(article::Column::IdempotencyKey.eq(new.idempotency_key)),
                )
                .one(&self.db)
                .await?;
            return match existing {
                Some(a) => Ok(Inserted::Duplicate(a.id)),
                // The conflicting row was deleted in between; the caller may retry.
                None => Err(crate::StoreError::NotFound {
                    what: "conflicting article",
                    id: id.to_string(),
                }),
            };
        }
        let near_duplicate_of = match &new.minhash {
            Some(minhash) => link_near_duplicate(&txn, id, minhash).await?,
            None => None,
        };
        if !mentions.is_empty() {
            mention::Entity::insert_many(mentions.into_iter().map(|m| mention::ActiveModel {
                id: Set(m.id),
                article_id: Set(id),
                entity_type: Set(m.entity_type.to_string()),
                start_offset: Set(m.start),
                end_offset: Set(m.end),
                text: Set(m.text),
                sentence_index: Set(m.sentence_index),
                titles: Set(m.titles),
                confidence: Set(m.confidence),
                entity_id: Set(None),
                decision: Set(None),
                resolved_at: Set(None),
            }))
            .exec(&txn)
            .await?;
        }
        outbox::Entity::insert(outbox::ActiveModel {
            article_id: Set(id),
            kind: Set("resolve".into()),
            traceparent: Set(trace.traceparent),
            tracestate: Set(trace.tracestate),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        txn.commit().await?;
        Ok(Inserted::Created {
            id,
            near_duplicate_of,
        })
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

/// Links a new article to the most similar of the latest earlier articles
/// that share a band key with it, if similar enough; returns that article.
async fn link_near_duplicate(
    txn: &impl ConnectionTrait,
    id: Uuid,
    minhash: &MinHash,
) -> Result<Option<(Uuid, f32)>> {
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH c AS (SELECT DISTINCT b.article_id FROM unnest($3::int8[]) AS k(band), \
                 LATERAL (SELECT article_id FROM article_bands \
                   WHERE band = k.band AND article_id < $1 \
                   ORDER BY article_id DESC LIMIT $5) b) \
             INSERT INTO near_duplicates (article_id, original_id, similarity) \
             SELECT $1, a.id, s.similarity FROM c JOIN articles a ON a.id = c.article_id \
             CROSS JOIN LATERAL ( \
                 SELECT (count(*) FILTER (WHERE x = y))::real / cardinality($2::int4[]) \
                        AS similarity \
                 FROM unnest(a.minhash, $2::int4[]) AS u(x, y)) s \
             WHERE s.similarity >= $4 \
             ORDER BY s.similarity DESC, a.id \
             LIMIT 1 \
             RETURNING original_id, similarity",
            [
                id.into(),
                minhash.signature.clone().into(),
                minhash.bands.clone().into(),
                minhash.min_similarity.into(),
                CANDIDATES_PER_BAND.into(),
            ],
        ))
        .await?;
    Ok(match row {
        Some(row) => Some((
            row.try_get("", "original_id")?,
            row.try_get("", "similarity")?,
        )),
        None => None,
    })
}
