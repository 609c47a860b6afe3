//! Reads for the query service and the resolver's lookups.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};
use uuid::Uuid;

use crate::model::mention;
use crate::{Result, Store};

/// An article without its body, plus a snippet.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ArticleRow {
    pub id: Uuid,
    pub title: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub authors: Vec<String>,
    pub language: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub published_precision: Option<String>,
    pub published_source: Option<String>,
    pub dateline: Option<String>,
    pub near_duplicate_of: Option<Uuid>,
    pub near_duplicate_similarity: Option<f32>,
    pub ingested_at: DateTime<Utc>,
    pub resolution_state: String,
    pub snippet: String,
}

/// An entity with its aliases and mention count.
#[derive(Debug, Clone, FromQueryResult)]
pub struct EntityRow {
    pub id: Uuid,
    pub canonical_name: String,
    pub entity_type: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub aliases: Vec<String>,
    pub mention_count: i64,
}

/// An entity a typed name may denote.
#[derive(Debug, Clone)]
pub struct EntityMatchRow {
    pub entity: EntityRow,
    pub score: f64,
    pub matched_alias: String,
}

/// An entity seen in the same articles as another.
#[derive(Debug, Clone)]
pub struct CoMentionRow {
    pub entity: EntityRow,
    pub article_count: i64,
}

/// A mention with the article it occurs in.
#[derive(Debug, Clone)]
pub struct MentionInContextRow {
    pub mention: mention::Model,
    pub article_title: String,
    pub article_body: String,
}

/// A quote with its speaker as resolved now.
#[derive(Debug, Clone, FromQueryResult)]
pub struct QuoteRow {
    pub quote_id: Uuid,
    pub article_id: Uuid,
    pub start_offset: i32,
    pub end_offset: i32,
    pub text: String,
    pub direct: bool,
    pub verb: String,
    pub speaker_mention_id: Option<Uuid>,
    pub speaker_entity_id: Option<Uuid>,
    /// The entity's name once resolved, else the mention's text.
    pub speaker_name: String,
    pub speaker_text: String,
    pub anonymous: bool,
}

/// A stored time expression.
#[derive(Debug, Clone, FromQueryResult)]
pub struct TimeRow {
    pub start_offset: i32,
    pub end_offset: i32,
    pub text: String,
    pub first_day: chrono::NaiveDate,
    pub last_day: chrono::NaiveDate,
    pub precision: String,
    pub relative: bool,
}

/// A stored amount.
#[derive(Debug, Clone, FromQueryResult)]
pub struct AmountRow {
    pub start_offset: i32,
    pub end_offset: i32,
    pub text: String,
    pub value: f64,
    pub unit: String,
    pub counted: String,
    pub approximate: bool,
}

/// A stored event mention with its names as resolved now.
#[derive(Debug, Clone, FromQueryResult)]
pub struct EventMentionRow {
    pub id: Uuid,
    pub article_id: Uuid,
    pub start_offset: i32,
    pub end_offset: i32,
    pub trigger: String,
    pub kind: String,
    pub stance: String,
    pub cue: String,
    pub source_kind: String,
    /// `{mention_id, entity_id, name}` objects (JSON): the source, the
    /// place (null when none) and the participants in order.
    pub source: Option<serde_json::Value>,
    pub place: Option<serde_json::Value>,
    pub participants: serde_json::Value,
    pub time_text: String,
    pub first_day: Option<chrono::NaiveDate>,
    pub last_day: Option<chrono::NaiveDate>,
    pub claim_time_text: String,
    pub claim_day: Option<chrono::NaiveDate>,
    pub sentence_index: i32,
    pub article_group: i32,
    /// The event it was linked to, and the evidence of that decision.
    pub event_id: Option<Uuid>,
    pub link_evidence: Option<serde_json::Value>,
}

/// Filters of a quote listing; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct QuoteFilter {
    pub speaker: Option<Uuid>,
    /// Quotes in articles that mention this entity.
    pub mentioned: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// An [`ArticleRow`]'s columns but the snippet, from `articles a` and
/// `near_duplicates nd`.
const ARTICLE_COLUMNS: &str = "a.id, a.title, a.url, a.outlet, a.authors, a.language, \
    a.published_at, a.published_precision, a.published_source, a.dateline, \
    nd.original_id AS near_duplicate_of, nd.similarity AS near_duplicate_similarity, \
    a.ingested_at, a.resolution_state";

const QUOTE_COLUMNS: &str = "q.id AS quote_id, q.article_id, q.start_offset, q.end_offset, \
    q.text, q.direct, q.verb, q.speaker_mention_id, m.entity_id AS speaker_entity_id, \
    coalesce(e.canonical_name, m.text, '') AS speaker_name, q.speaker_text, q.anonymous";

const QUOTE_SPEAKER: &str = "LEFT JOIN mentions m ON m.id = q.speaker_mention_id \
    LEFT JOIN entities e ON e.id = m.entity_id";

/// Where a page of an article search starts: after the row with this sort
/// key (its rank for the words, 0 without words; its publication, else
/// ingestion, time; its id).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArticleCursor {
    pub rank: f32,
    pub time: DateTime<Utc>,
    pub id: Uuid,
}

#[derive(FromQueryResult)]
struct SortKey {
    sort_rank: f32,
    sort_time: DateTime<Utc>,
    id: Uuid,
}

/// Filters of an article search; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    /// Web-search syntax over title and body.
    pub text: Option<String>,
    /// Articles that mention any of these entities.
    pub entity_ids: Vec<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub outlet: Option<String>,
}

const ENTITY_COLUMNS: &str = "e.id, e.canonical_name, e.entity_type, e.created_at, e.updated_at, \
    coalesce((SELECT array_agg(a.name ORDER BY a.id) FROM aliases a WHERE a.entity_id = e.id), \
             '{}') AS aliases, \
    (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS mention_count";

#[derive(FromQueryResult)]
struct ScoredRow {
    entity_id: Uuid,
    name: String,
    score: f64,
}

#[derive(FromQueryResult)]
struct CountRow {
    entity_id: Uuid,
    article_count: i64,
}

#[derive(FromQueryResult)]
struct ArticleText {
    id: Uuid,
    title: String,
    body: String,
}

/// Event mentions with their names as resolved now, chosen by `tail` (a
/// WHERE condition on `ev` with `$1`, and an ORDER BY).
fn event_mentions_where(tail: &str) -> String {
    // A mention as {mention_id, entity_id, name}: the entity's name once
    // resolved, else the text.
    const ARGUMENT: &str = "jsonb_build_object('mention_id', m.id, 'entity_id', m.entity_id, \
        'name', coalesce(e.canonical_name, m.text))";
    format!(
        "SELECT ev.id, ev.article_id, ev.start_offset, ev.end_offset, ev.trigger, \
                ev.kind, ev.stance, ev.cue, ev.source_kind, \
                (SELECT {ARGUMENT} FROM mentions m LEFT JOIN entities e \
                   ON e.id = m.entity_id WHERE m.id = ev.source_mention_id) AS source, \
                (SELECT {ARGUMENT} FROM mentions m LEFT JOIN entities e \
                   ON e.id = m.entity_id WHERE m.id = ev.place_mention_id) AS place, \
                (SELECT coalesce(jsonb_agg({ARGUMENT} ORDER BY u.ord), '[]'::jsonb) \
                   FROM unnest(ev.participant_mention_ids) WITH ORDINALITY AS u(id, ord) \
                   JOIN mentions m ON m.id = u.id \
                   LEFT JOIN entities e ON e.id = m.entity_id) AS participants, \
                ev.time_text, ev.first_day, ev.last_day, ev.claim_time_text, \
                ev.claim_day, ev.sentence_index, ev.article_group, ev.event_id, \
                ev.link_evidence \
         FROM event_mentions ev WHERE {tail}"
    )
}

/// The latest articles of an entity (by publication, else ingestion, time)
/// that its co-mentions are counted over.
pub const CO_MENTION_ARTICLES: i64 = 1_000;

impl Store {
    /// Articles matching a filter, best (or newest) first, starting after
    /// `after` (the sort key of the previous page's last row), each with its
    /// sort key: pages stay put while newer articles arrive.
    #[tracing::instrument(name = "store.search_articles", skip_all, fields(limit))]
    pub async fn search_articles(
        &self,
        filter: &ArticleFilter,
        after: Option<ArticleCursor>,
        limit: u64,
    ) -> Result<Vec<(ArticleRow, ArticleCursor)>> {
        search_articles_on(&self.db, filter, after, limit).await
    }

    /// One article's summary and body, in one query.
    #[tracing::instrument(name = "store.get_article", skip_all, fields(article_id = %id))]
    pub async fn get_article(&self, id: Uuid) -> Result<Option<(ArticleRow, String)>> {
        let stmt = Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT {ARTICLE_COLUMNS}, left(a.body, 240) AS snippet, a.body \
                 FROM articles a LEFT JOIN near_duplicates nd ON nd.article_id = a.id \
                 WHERE a.id = $1"
            ),
            [id.into()],
        );
        let Some(row) = self.db.query_one_raw(stmt).await? else {
            return Ok(None);
        };
        let summary = ArticleRow::from_query_result(&row, "")?;
        Ok(Some((summary, row.try_get("", "body")?)))
    }

    /// An article's mentions in body order.
    pub async fn article_mentions(&self, article_id: Uuid) -> Result<Vec<mention::Model>> {
        self.articles_mentions(&[article_id]).await
    }

    /// The mentions of several articles, by article, each in body order.
    pub async fn articles_mentions(&self, ids: &[Uuid]) -> Result<Vec<mention::Model>> {
        Ok(mention::Entity::find()
            .filter(mention::Column::ArticleId.is_in(ids.iter().copied()))
            .order_by_asc(mention::Column::ArticleId)
            .order_by_asc(mention::Column::StartOffset)
            .all(&self.db)
            .await?)
    }

    /// The bodies of articles, by id (unknown ids are skipped).
    pub async fn article_bodies(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>> {
        Ok(article_texts_on(&self.db, ids)
            .await?
            .into_iter()
            .map(|a| (a.id, a.body))
            .collect())
    }

    /// An article's quotes in body order.
    pub async fn article_quotes(&self, article_id: Uuid) -> Result<Vec<QuoteRow>> {
        self.rows_by_id(
            &format!(
                "SELECT {QUOTE_COLUMNS} FROM quotes q {QUOTE_SPEAKER} \
                 WHERE q.article_id = $1 ORDER BY q.start_offset, q.id"
            ),
            article_id,
        )
        .await
    }

    /// An article's time expressions in body order.
    pub async fn article_times(&self, article_id: Uuid) -> Result<Vec<TimeRow>> {
        self.rows_by_id(
            "SELECT start_offset, end_offset, text, first_day, last_day, precision, relative \
             FROM time_expressions WHERE article_id = $1 ORDER BY start_offset, id",
            article_id,
        )
        .await
    }

    /// Rows by a statement whose only parameter is an id.
    async fn rows_by_id<T: FromQueryResult>(&self, sql: &str, article_id: Uuid) -> Result<Vec<T>> {
        let stmt = Statement::from_sql_and_values(DbBackend::Postgres, sql, [article_id.into()]);
        Ok(T::find_by_statement(stmt).all(&self.db).await?)
    }

    /// An article's amounts in body order.
    pub async fn article_amounts(&self, article_id: Uuid) -> Result<Vec<AmountRow>> {
        self.rows_by_id(
            "SELECT start_offset, end_offset, text, value, unit, counted, approximate \
             FROM amounts WHERE article_id = $1 ORDER BY start_offset, id",
            article_id,
        )
        .await
    }

    /// An article's event mentions in body order.
    pub async fn article_events(&self, article_id: Uuid) -> Result<Vec<EventMentionRow>> {
        self.rows_by_id(
            &event_mentions_where("ev.article_id = $1 ORDER BY ev.start_offset, ev.id"),
            article_id,
        )
        .await
    }

    /// An event's reports, earliest article first.
    pub async fn event_reports(&self, event_id: Uuid) -> Result<Vec<EventMentionRow>> {
        self.rows_by_id(
            &event_mentions_where(
                "ev.event_id = $1 ORDER BY (SELECT coalesce(a.published_at, a.ingested_at) \
                 FROM articles a WHERE a.id = ev.article_id), ev.article_id, ev.start_offset",
            ),
            event_id,
        )
        .await
    }

    /// Article summaries by id (unknown ids skipped).
    pub async fn article_summaries(&self, ids: &[Uuid]) -> Result<Vec<ArticleRow>> {
        let stmt = Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT {ARTICLE_COLUMNS}, left(a.body, 240) AS snippet \
                 FROM articles a LEFT JOIN near_duplicates nd ON nd.article_id = a.id \
                 WHERE a.id = ANY($1::uuid[])"
            ),
            [ids.to_vec().into()],
        );
        Ok(ArticleRow::find_by_statement(stmt).all(&self.db).await?)
    }

    /// Quotes matching a filter with their articles, newest article first,
    /// in body order within one.
    #[tracing::instrument(name = "store.list_quotes", skip_all, fields(offset, limit))]
    pub async fn list_quotes(
        &self,
        filter: &QuoteFilter,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<(QuoteRow, ArticleRow)>> {
        let stmt = Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT {QUOTE_COLUMNS}, {ARTICLE_COLUMNS}, left(a.body, 240) AS snippet \
                 FROM quotes q JOIN articles a ON a.id = q.article_id \
                 LEFT JOIN near_duplicates nd ON nd.article_id = a.id {QUOTE_SPEAKER} \
                 WHERE ($1::uuid IS NULL OR m.entity_id = $1) \
                   AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM mentions x \
                        WHERE x.article_id = a.id AND x.entity_id = $2)) \
                   AND ($3::timestamptz IS NULL OR coalesce(a.published_at, a.ingested_at) >= $3) \
                   AND ($4::timestamptz IS NULL OR coalesce(a.published_at, a.ingested_at) < $4) \
                 ORDER BY coalesce(a.published_at, a.ingested_at) DESC, a.id DESC, \
                          q.start_offset, q.id \
                 LIMIT $5 OFFSET $6"
            ),
            [
                filter.speaker.into(),
                filter.mentioned.into(),
                filter.from.into(),
                filter.until.into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
                i64::try_from(offset).unwrap_or(i64::MAX).into(),
            ],
        );
        let rows = self.db.query_all_raw(stmt).await?;
        rows.iter()
            .map(|row| {
                Ok((
                    QuoteRow::from_query_result(row, "")?,
                    ArticleRow::from_query_result(row, "")?,
                ))
            })
            .collect()
    }

    /// Entities by id, in the order asked; unknown ids are skipped.
    #[tracing::instrument(name = "store.get_entities", skip_all, fields(entities = ids.len()))]
    pub async fn get_entities(&self, ids: &[Uuid]) -> Result<Vec<EntityRow>> {
        get_entities_on(&self.db, ids).await
    }

    /// Entities with an alias like a typed name: the same normalised name
    /// scores 1, the same consonant skeleton (a spelling or script variant)
    /// 0.95, the same last skeleton for a one-word query (a surname) 0.9,
    /// otherwise the better of trigram and word similarity.
    #[tracing::instrument(name = "store.search_entities", skip_all, fields(offset, limit))]
    pub async fn search_entities(
        &self,
        keys: &crate::AliasKeys,
        entity_type: Option<&str>,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<EntityMatchRow>> {
        let one_word = !keys.norm.contains(' ');
        let stmt = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT best.entity_id, best.name, best.score FROM ( \
                 SELECT DISTINCT ON (a.entity_id) a.entity_id, a.name, \
                        CASE WHEN a.norm = $1 THEN 1.0::float8 \
                             WHEN a.skeleton = $5 AND $5 <> '' THEN 0.95::float8 \
                             WHEN $6 AND a.last_skeleton = $5 AND $5 <> '' THEN 0.9::float8 \
                             WHEN a.initialism = $7 THEN 0.9::float8 \
                             ELSE greatest(similarity(a.norm, $1), \
                                           0.9 * word_similarity($1, a.norm))::float8 END AS score \
                 FROM aliases a \
                 WHERE a.norm = $1 OR a.norm % $1 OR $1 <% a.norm \
                    OR (a.skeleton = $5 AND $5 <> '') \
                    OR ($6 AND a.last_skeleton = $5 AND $5 <> '') \
                    OR a.initialism = $7 \
                 ORDER BY a.entity_id, score DESC, a.id) best \
             JOIN entities e ON e.id = best.entity_id \
             WHERE ($2::text IS NULL OR e.entity_type = $2) \
             ORDER BY best.score DESC, \
                      (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) DESC, e.id \
             LIMIT $3 OFFSET $4",
            [
                keys.norm.clone().into(),
                entity_type.map(str::to_owned).into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
                i64::try_from(offset).unwrap_or(i64::MAX).into(),
                keys.skeleton.clone().into(),
                one_word.into(),
                keys.initialism.clone().into(),
            ],
        );
        let scored = ScoredRow::find_by_statement(stmt).all(&self.db).await?;
        let ids: Vec<Uuid> = scored.iter().map(|s| s.entity_id).collect();
        // By id: an entity merged away between the two reads drops out
        // rather than lending its score to its neighbour.
        let mut entities: std::collections::HashMap<Uuid, EntityRow> = self
            .get_entities(&ids)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        Ok(scored
            .into_iter()
            .filter_map(|s| {
                Some(EntityMatchRow {
                    entity: entities.remove(&s.entity_id)?,
                    score: s.score,
                    matched_alias: s.name,
                })
            })
            .collect())
    }

    /// An entity's most recent mentions, newest article first, one per sentence (a
    /// sentence that names it twice is shown once), with their articles
    /// (two queries, whatever the limit).
    #[tracing::instrument(name = "store.entity_mentions", skip_all, fields(%entity_id, limit))]
    pub async fn entity_mentions(
        &self,
        entity_id: Uuid,
        limit: u64,
    ) -> Result<Vec<MentionInContextRow>> {
        entity_mentions_on(&self.db, entity_id, limit).await
    }

    /// Entities that share articles with `entity_id`, most shared first,
    /// counted over its [`CO_MENTION_ARTICLES`] latest articles: a place
    /// named in tens of thousands of articles would otherwise cost a minute.
    #[tracing::instrument(name = "store.entity_co_mentions", skip_all, fields(%entity_id, limit))]
    pub async fn co_mentions(&self, entity_id: Uuid, limit: u64) -> Result<Vec<CoMentionRow>> {
        co_mentions_on(&self.db, entity_id, limit).await
    }
}

/// [`Store::search_articles`] on a connection or a transaction.
pub(crate) async fn search_articles_on<C: ConnectionTrait>(
    conn: &C,
    filter: &ArticleFilter,
    after: Option<ArticleCursor>,
    limit: u64,
) -> Result<Vec<(ArticleRow, ArticleCursor)>> {
    // The sort key, (rank, time, id), all descending: the next page holds
    // the rows whose key is below the last row's.
    const RANK: &str = "(CASE WHEN $1::text IS NULL THEN 0 \
        ELSE ts_rank(a.search, websearch_to_tsquery('english', $1)) END)::real";
    let stmt = Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT {ARTICLE_COLUMNS}, \
                CASE WHEN $1::text IS NULL THEN left(a.body, 240) \
                     ELSE ts_headline('english', left(a.body, 10000), \
                          websearch_to_tsquery('english', $1), \
                          'MaxFragments=1, MaxWords=35, MinWords=12') END AS snippet, \
                {RANK} AS sort_rank, coalesce(a.published_at, a.ingested_at) AS sort_time \
             FROM articles a LEFT JOIN near_duplicates nd ON nd.article_id = a.id \
             WHERE ($1::text IS NULL OR a.search @@ websearch_to_tsquery('english', $1)) \
               AND (cardinality($2::uuid[]) = 0 OR EXISTS (SELECT 1 FROM mentions m \
                    WHERE m.article_id = a.id AND m.entity_id = ANY($2::uuid[]))) \
               AND ($3::timestamptz IS NULL OR coalesce(a.published_at, a.ingested_at) >= $3) \
               AND ($4::timestamptz IS NULL OR coalesce(a.published_at, a.ingested_at) < $4) \
               AND ($5::text IS NULL OR lower(a.outlet) = lower($5)) \
               AND ($8::timestamptz IS NULL \
                    OR ({RANK}, coalesce(a.published_at, a.ingested_at), a.id) \
                       < ($7::real, $8::timestamptz, $9::uuid)) \
             ORDER BY {RANK} DESC, coalesce(a.published_at, a.ingested_at) DESC, a.id DESC \
             LIMIT $6"
        ),
        [
            filter.text.clone().into(),
            filter.entity_ids.clone().into(),
            filter.from.into(),
            filter.until.into(),
            filter.outlet.clone().into(),
            i64::try_from(limit).unwrap_or(i64::MAX).into(),
            after.map(|c| c.rank).into(),
            after.map(|c| c.time).into(),
            after.map(|c| c.id).into(),
        ],
    );
    let rows = conn.query_all_raw(stmt).await?;
    rows.iter()
        .map(|row| {
            let key = SortKey::from_query_result(row, "")?;
            Ok((
                ArticleRow::from_query_result(row, "")?,
                ArticleCursor {
                    rank: key.sort_rank,
                    time: key.sort_time,
                    id: key.id,
                },
            ))
        })
        .collect()
}

/// [`Store::get_entities`] on a connection or a transaction.
pub(crate) async fn get_entities_on<C: ConnectionTrait>(
    conn: &C,
    ids: &[Uuid],
) -> Result<Vec<EntityRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let stmt = Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!("SELECT {ENTITY_COLUMNS} FROM entities e WHERE e.id = ANY($1::uuid[])"),
        [ids.to_vec().into()],
    );
    let rows = EntityRow::find_by_statement(stmt).all(conn).await?;
    Ok(ids
        .iter()
        .filter_map(|id| rows.iter().find(|r| r.id == *id).cloned())
        .collect())
}

/// [`Store::entity_mentions`] on a connection or a transaction.
pub(crate) async fn entity_mentions_on<C: ConnectionTrait>(
    conn: &C,
    entity_id: Uuid,
    limit: u64,
) -> Result<Vec<MentionInContextRow>> {
    // Read a few more than asked, so that repeats within a sentence
    // still leave `limit` sentences.
    let mut mentions = mention::Entity::find()
        .filter(mention::Column::EntityId.eq(entity_id))
        .order_by_desc(mention::Column::ArticleTime)
        .order_by_desc(mention::Column::ArticleId)
        .order_by_desc(mention::Column::Id)
        .limit(limit.saturating_mul(4))
        .all(conn)
        .await?;
    let mut seen = std::collections::HashSet::new();
    mentions.retain(|m| seen.insert((m.article_id, m.sentence_index)));
    mentions.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let mut ids: Vec<Uuid> = mentions.iter().map(|m| m.article_id).collect();
    ids.sort();
    ids.dedup();
    let articles = article_texts_on(conn, &ids).await?;
    Ok(mentions
        .into_iter()
        .filter_map(|m| {
            let a = articles.iter().find(|a| a.id == m.article_id)?;
            Some(MentionInContextRow {
                article_title: a.title.clone(),
                article_body: a.body.clone(),
                mention: m,
            })
        })
        .collect())
}

/// [`Store::co_mentions`] on a connection or a transaction.
pub(crate) async fn co_mentions_on<C: ConnectionTrait>(
    conn: &C,
    entity_id: Uuid,
    limit: u64,
) -> Result<Vec<CoMentionRow>> {
    let counts = CountRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "WITH latest AS (SELECT DISTINCT article_time, article_id FROM mentions \
             WHERE entity_id = $1 ORDER BY article_time DESC, article_id DESC LIMIT $3) \
         SELECT m2.entity_id, count(DISTINCT m2.article_id) AS article_count \
         FROM latest JOIN mentions m2 ON m2.article_id = latest.article_id \
         WHERE m2.entity_id IS NOT NULL AND m2.entity_id <> $1 \
         GROUP BY m2.entity_id ORDER BY article_count DESC, m2.entity_id LIMIT $2",
        [
            entity_id.into(),
            i64::try_from(limit).unwrap_or(i64::MAX).into(),
            CO_MENTION_ARTICLES.into(),
        ],
    ))
    .all(conn)
    .await?;
    let ids: Vec<Uuid> = counts.iter().map(|c| c.entity_id).collect();
    // By id: an entity merged away between the two reads drops out
    // rather than shifting the counts onto its neighbours.
    let mut entities: std::collections::HashMap<Uuid, EntityRow> = get_entities_on(conn, &ids)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(counts
        .into_iter()
        .filter_map(|c| {
            Some(CoMentionRow {
                entity: entities.remove(&c.entity_id)?,
                article_count: c.article_count,
            })
        })
        .collect())
}

/// Articles' titles and bodies, by id (unknown ids are skipped).
async fn article_texts_on<C: ConnectionTrait>(conn: &C, ids: &[Uuid]) -> Result<Vec<ArticleText>> {
    Ok(
        ArticleText::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, title, body FROM articles WHERE id = ANY($1::uuid[])",
            [ids.to_vec().into()],
        ))
        .all(conn)
        .await?,
    )
}
