//! Entity views for analysts: an entity's profile, read in one snapshot; its
//! mentions over time; the graph of who appears with whom; and what a
//! merged entity's id means now.

use chrono::{DateTime, Utc};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseTransaction, DbBackend, FromQueryResult, IsolationLevel,
    Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::read::{
    ArticleFilter, ArticleRow, CoMentionRow, EntityRow, MentionInContextRow, co_mentions_on,
    entity_mentions_on, get_entities_on, search_articles_on,
};
use crate::{Result, Store};

/// What a profile shows of an entity, all read in one snapshot.
#[derive(Debug, Clone)]
pub struct Profile {
    pub entity: EntityRow,
    pub recent_mentions: Vec<MentionInContextRow>,
    pub articles: Vec<ArticleRow>,
    pub co_mentions: Vec<CoMentionRow>,
    /// How its mentions are written (the text as found), most used first.
    pub texts: Vec<Counted>,
    /// The titles its mentions were given, lower case, most frequent first.
    pub titles: Vec<Counted>,
    /// Its articles' outlets, most frequent first.
    pub outlets: Vec<Counted>,
    pub seen: Seen,
}

/// A name, title or outlet with a count.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Counted {
    pub name: String,
    pub count: i64,
}

/// When an entity was first and last mentioned, and in how many articles.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Seen {
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub article_count: i64,
}

/// How many mentions and articles of an entity fall in one bucket.
#[derive(Debug, Clone, FromQueryResult)]
pub struct TimelineRow {
    pub entity_id: Uuid,
    pub bucket: DateTime<Utc>,
    pub mention_count: i64,
    pub article_count: i64,
}

/// A bucket width Postgres' `date_trunc` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Hour,
    Day,
    Week,
    Month,
}

impl Bucket {
    fn unit(self) -> &'static str {
        match self {
            Self::Hour => "hour",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }
}

/// The graph around some entities.
#[derive(Debug, Clone)]
pub struct Graph {
    /// The entities asked about first (those still known), then the others
    /// by articles shared, with their article counts.
    pub nodes: Vec<(EntityRow, i64)>,
    /// `(a, b, shared articles)`, heaviest first.
    pub edges: Vec<(Uuid, Uuid, i64)>,
    /// How many articles were counted, and whether there were more.
    pub articles: i64,
    pub truncated: bool,
}

#[derive(FromQueryResult)]
struct NodeRow {
    entity_id: Uuid,
    article_count: i64,
}

#[derive(FromQueryResult)]
struct EdgeRow {
    a: Uuid,
    b: Uuid,
    article_count: i64,
}

#[derive(FromQueryResult)]
struct Redirect {
    from_id: Uuid,
    to_id: Uuid,
}

/// The titles and outlets a profile lists at most.
const PROFILE_TITLES: i64 = 20;
const PROFILE_OUTLETS: i64 = 10;
/// How many distinct spellings a profile counts.
const PROFILE_TEXTS: i64 = 200;
/// A profile's spellings and titles are counted over this many of the
/// entity's latest mentions, its outlets over this many of its latest
/// articles.
const PROFILE_LATEST: i64 = 1_000;

/// The latest `$4` articles between `$2` and `$3` (publication, else
/// ingestion, time; either may be NULL) that mention one of `$1`: each
/// one's latest from the index, then the latest of those.
const LATEST_OF: &str = "SELECT x.article_id FROM unnest($1::uuid[]) AS c(id) \
    CROSS JOIN LATERAL (SELECT DISTINCT article_time, article_id FROM mentions \
      WHERE entity_id = c.id \
        AND article_time >= coalesce($2::timestamptz, '-infinity') \
        AND article_time < coalesce($3::timestamptz, 'infinity') \
      ORDER BY article_time DESC, article_id DESC LIMIT $4) x \
    GROUP BY x.article_time, x.article_id \
    ORDER BY x.article_time DESC, x.article_id DESC LIMIT $4";

impl Store {
    /// A read-only transaction that sees one snapshot throughout.
    async fn snapshot(&self) -> Result<DatabaseTransaction> {
        Ok(self
            .db
            .begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?)
    }

    /// Which of `ids` are entities (a cheap check: no aliases, no counts).
    #[tracing::instrument(name = "store.existing_entities", skip_all, fields(ids = ids.len()))]
    pub async fn existing_entities(&self, ids: &[Uuid]) -> Result<Vec<Uuid>> {
        Ok(self
            .db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT id FROM entities WHERE id = ANY($1::uuid[])",
                [ids.to_vec().into()],
            ))
            .await?
            .iter()
            .map(|row| row.try_get::<Uuid>("", "id"))
            .collect::<std::result::Result<_, _>>()?)
    }

    /// What each id means now: the entity it was merged into, else itself.
    #[tracing::instrument(name = "store.survivors", skip_all, fields(ids = ids.len()))]
    pub async fn survivors(&self, ids: &[Uuid]) -> Result<Vec<Uuid>> {
        let redirects = Redirect::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT from_id, to_id FROM entity_redirects WHERE from_id = ANY($1::uuid[])",
            [ids.to_vec().into()],
        ))
        .all(&self.db)
        .await?;
        Ok(ids
            .iter()
            .map(|id| {
                redirects
                    .iter()
                    .find(|r| r.from_id == *id)
                    .map_or(*id, |r| r.to_id)
            })
            .collect())
    }

    /// An entity's profile (`limit` recent mentions, articles and
    /// co-mentions), every part read in one snapshot so that counts never
    /// belong to an entity merged or split between two reads; `None` for an
    /// unknown id.
    #[tracing::instrument(name = "store.entity_profile", skip_all, fields(%id, limit))]
    pub async fn entity_profile(&self, id: Uuid, limit: u64) -> Result<Option<Profile>> {
        let txn = self.snapshot().await?;
        let Some(entity) = get_entities_on(&txn, &[id]).await?.pop() else {
            return Ok(None);
        };
        let recent_mentions = entity_mentions_on(&txn, id, limit).await?;
        let filter = ArticleFilter {
            entity_ids: vec![id],
            ..ArticleFilter::default()
        };
        let articles = search_articles_on(&txn, &filter, None, limit)
            .await?
            .into_iter()
            .map(|(a, _)| a)
            .collect();
        let co_mentions = co_mentions_on(&txn, id, limit).await?;
        // What it is called and where: over its latest mentions and
        // articles, so that a popular entity costs what a rare one does.
        let counted = |sql: &str, n: i64| {
            Counted::find_by_statement(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                [id.into(), n.into(), PROFILE_LATEST.into()],
            ))
        };
        let texts = counted(
            "SELECT text AS name, count(*) AS count FROM (SELECT text FROM mentions \
               WHERE entity_id = $1 ORDER BY article_time DESC LIMIT $3) r \
             GROUP BY text ORDER BY count DESC, text LIMIT $2",
            PROFILE_TEXTS,
        )
        .all(&txn)
        .await?;
        let titles = counted(
            "SELECT lower(t) AS name, count(*) AS count FROM (SELECT titles FROM mentions \
               WHERE entity_id = $1 ORDER BY article_time DESC LIMIT $3) r, unnest(r.titles) AS t \
             GROUP BY lower(t) ORDER BY count DESC, name LIMIT $2",
            PROFILE_TITLES,
        )
        .all(&txn)
        .await?;
        let outlets = counted(
            "SELECT a.outlet AS name, count(*) AS count FROM articles a \
             WHERE a.id IN (SELECT article_id FROM (SELECT DISTINCT article_time, article_id \
                 FROM mentions WHERE entity_id = $1 \
                 ORDER BY article_time DESC, article_id DESC LIMIT $3) r) \
               AND a.outlet IS NOT NULL \
             GROUP BY a.outlet ORDER BY count DESC, name LIMIT $2",
            PROFILE_OUTLETS,
        )
        .all(&txn)
        .await?;
        let seen = Seen::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT min(article_time) AS first_seen, max(article_time) AS last_seen, \
                    count(*) AS article_count \
             FROM (SELECT DISTINCT article_time, article_id FROM mentions \
               WHERE entity_id = $1) a",
            [id.into()],
        ))
        .one(&txn)
        .await?
        .unwrap_or(Seen {
            first_seen: None,
            last_seen: None,
            article_count: 0,
        });
        txn.commit().await?;
        Ok(Some(Profile {
            entity,
            recent_mentions,
            articles,
            co_mentions,
            texts,
            titles,
            outlets,
            seen,
        }))
    }

    /// Mentions and articles of each of `ids` per `bucket` of publication
    /// (else ingestion) time in `time_zone` (an IANA name), from `from`
    /// until `until`; only buckets with a mention.
    #[tracing::instrument(name = "store.mention_timeline", skip_all, fields(ids = ids.len()))]
    pub async fn mention_timeline(
        &self,
        ids: &[Uuid],
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        bucket: Bucket,
        time_zone: &str,
    ) -> Result<Vec<TimelineRow>> {
        Ok(
            TimelineRow::find_by_statement(Statement::from_sql_and_values(
                DbBackend::Postgres,
                // Per article first (the index's order), then per bucket: no
                // article row is read and no distinct count sorts.
                "SELECT entity_id, date_trunc($4, article_time, $5) AS bucket, \
                    sum(n)::int8 AS mention_count, count(*) AS article_count \
             FROM (SELECT entity_id, article_time, article_id, count(*) AS n FROM mentions \
               WHERE entity_id = ANY($1::uuid[]) AND article_time >= $2 AND article_time < $3 \
               GROUP BY entity_id, article_time, article_id) per_article \
             GROUP BY 1, 2 ORDER BY 1, 2",
                [
                    ids.to_vec().into(),
                    from.into(),
                    until.into(),
                    bucket.unit().into(),
                    time_zone.into(),
                ],
            ))
            .all(&self.db)
            .await?,
        )
    }

    /// The graph around `ids`: over the latest `max_articles` articles in
    /// the range that mention one of them, every entity they name (the
    /// `max_nodes` most frequent, `ids` first) and the articles each pair
    /// shares (at least `min_weight`). One snapshot.
    #[tracing::instrument(name = "store.co_mention_graph", skip_all, fields(ids = ids.len()))]
    pub async fn co_mention_graph(
        &self,
        ids: &[Uuid],
        range: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
        max_articles: i64,
        max_nodes: i64,
        min_weight: i64,
    ) -> Result<Graph> {
        let txn = self.snapshot().await?;
        // The articles counted, read once: one more than counted says
        // whether there were more.
        let mut articles: Vec<Uuid> = txn
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                LATEST_OF,
                [
                    ids.to_vec().into(),
                    range.0.into(),
                    range.1.into(),
                    (max_articles + 1).into(),
                ],
            ))
            .await?
            .iter()
            .map(|row| row.try_get::<Uuid>("", "article_id"))
            .collect::<std::result::Result<_, _>>()?;
        let truncated = articles.len() as i64 > max_articles;
        articles.truncate(usize::try_from(max_articles).unwrap_or(0));
        let counts = NodeRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT entity_id, count(*) AS article_count FROM ( \
               SELECT DISTINCT m.article_id, m.entity_id FROM mentions m \
               WHERE m.article_id = ANY($2::uuid[]) AND m.entity_id IS NOT NULL) pairs \
             GROUP BY entity_id \
             ORDER BY (entity_id = ANY($1::uuid[])) DESC, article_count DESC, entity_id \
             LIMIT $3",
            [
                ids.to_vec().into(),
                articles.clone().into(),
                max_nodes.into(),
            ],
        ))
        .all(&txn)
        .await?;
        let node_ids: Vec<Uuid> = counts.iter().map(|c| c.entity_id).collect();
        let edges = EdgeRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            // Each article's nodes as one sorted array, its pairs unnested
            // from it: a self-join of the mentions is planned on guesses and
            // can compare every pair of rows.
            "WITH per_article AS (SELECT array_agg(DISTINCT m.entity_id ORDER BY m.entity_id) AS es \
               FROM mentions m \
               WHERE m.article_id = ANY($1::uuid[]) AND m.entity_id = ANY($2::uuid[]) \
               GROUP BY m.article_id) \
             SELECT x.a, y.b, count(*) AS article_count \
             FROM per_article p \
             CROSS JOIN LATERAL unnest(p.es) WITH ORDINALITY AS x(a, i) \
             CROSS JOIN LATERAL unnest(p.es) WITH ORDINALITY AS y(b, j) \
             WHERE x.i < y.j \
             GROUP BY 1, 2 HAVING count(*) >= $3 \
             ORDER BY article_count DESC, 1, 2",
            [
                articles.clone().into(),
                node_ids.clone().into(),
                min_weight.into(),
            ],
        ))
        .all(&txn)
        .await?;
        let mut entities: std::collections::HashMap<Uuid, EntityRow> =
            get_entities_on(&txn, &node_ids)
                .await?
                .into_iter()
                .map(|e| (e.id, e))
                .collect();
        txn.commit().await?;
        Ok(Graph {
            nodes: counts
                .into_iter()
                .filter_map(|c| Some((entities.remove(&c.entity_id)?, c.article_count)))
                .collect(),
            edges: edges
                .into_iter()
                .map(|e| (e.a, e.b, e.article_count))
                .collect(),
            articles: articles.len() as i64,
            truncated,
        })
    }
}
