//! Registered feeds and the items taken from them.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::{Result, Store, StoreError};

/// A registered feed.
#[derive(Debug, Clone, FromQueryResult)]
pub struct FeedRow {
    pub id: Uuid,
    pub url: String,
    pub poll_interval_secs: i32,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub next_poll_at: DateTime<Utc>,
    pub last_polled_at: Option<DateTime<Utc>>,
    pub last_status: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Items taken so far (stored or not).
    pub items: i64,
}

/// What one poll of a feed found.
#[derive(Debug, Clone)]
pub struct PollOutcome {
    pub status: String,
    /// The validators to send next time (kept when the feed was not read).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

const FEED_COLUMNS: &str = "f.id, f.url, f.poll_interval_secs, f.etag, f.last_modified, \
     f.next_poll_at, f.last_polled_at, f.last_status, f.created_at, \
     (SELECT count(*) FROM feed_items i WHERE i.feed_id = f.id) AS items";

impl Store {
    /// Registers a feed, due at once; ALREADY_EXISTS for a known URL.
    pub async fn register_feed(&self, url: &str, poll_interval_secs: i32) -> Result<FeedRow> {
        let id = Uuid::now_v7();
        let inserted = self
            .db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO feeds (id, url, poll_interval_secs) VALUES ($1, $2, $3) \
                 ON CONFLICT (url) DO NOTHING",
                [id.into(), url.into(), poll_interval_secs.into()],
            ))
            .await?;
        if inserted.rows_affected() == 0 {
            return Err(StoreError::AlreadyExists(format!(
                "feed {url} is registered already"
            )));
        }
        self.feed(id).await?.ok_or_else(|| StoreError::NotFound {
            what: "feed",
            id: id.to_string(),
        })
    }

    pub async fn feed(&self, id: Uuid) -> Result<Option<FeedRow>> {
        Ok(FeedRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT {FEED_COLUMNS} FROM feeds f WHERE f.id = $1"),
            [id.into()],
        ))
        .one(&self.db)
        .await?)
    }

    /// Every feed, oldest first.
    pub async fn list_feeds(&self) -> Result<Vec<FeedRow>> {
        Ok(FeedRow::find_by_statement(Statement::from_string(
            DbBackend::Postgres,
            format!("SELECT {FEED_COLUMNS} FROM feeds f ORDER BY f.created_at, f.id"),
        ))
        .all(&self.db)
        .await?)
    }

    /// Removes a feed and its item records (the articles stay); NOT_FOUND
    /// for an unknown id.
    pub async fn remove_feed(&self, id: Uuid) -> Result<()> {
        let deleted = self
            .db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "DELETE FROM feeds WHERE id = $1",
                [id.into()],
            ))
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: "feed",
                id: id.to_string(),
            });
        }
        Ok(())
    }

    /// Claims up to `limit` due feeds for `lease`: no other replica claims
    /// them until the poll is recorded or the lease runs out.
    pub async fn claim_due_feeds(&self, limit: u32, lease_secs: i32) -> Result<Vec<FeedRow>> {
        Ok(FeedRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "WITH due AS ( \
                     SELECT id FROM feeds \
                     WHERE next_poll_at <= now() AND (lease_until IS NULL OR lease_until < now()) \
                     ORDER BY next_poll_at LIMIT $1 FOR UPDATE SKIP LOCKED) \
                 UPDATE feeds f SET lease_until = now() + make_interval(secs => $2) \
                 FROM due WHERE f.id = due.id \
                 RETURNING {FEED_COLUMNS}"
            ),
            [i64::from(limit).into(), f64::from(lease_secs).into()],
        ))
        .all(&self.db)
        .await?)
    }

    /// Records a poll: its status and validators; the feed is due again
    /// after its interval, and its lease ends.
    pub async fn finish_feed_poll(&self, id: Uuid, outcome: PollOutcome) -> Result<()> {
        self.db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE feeds SET last_status = $2, etag = $3, last_modified = $4, \
                     last_polled_at = now(), lease_until = NULL, \
                     next_poll_at = now() + make_interval(secs => poll_interval_secs) \
                 WHERE id = $1",
                [
                    id.into(),
                    outcome.status.into(),
                    outcome.etag.into(),
                    outcome.last_modified.into(),
                ],
            ))
            .await?;
        Ok(())
    }

    /// The keys of `keys` already taken from a feed.
    pub async fn taken_feed_items(&self, feed_id: Uuid, keys: Vec<String>) -> Result<Vec<String>> {
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT item_key FROM feed_items WHERE feed_id = $1 AND item_key = ANY($2)",
                [feed_id.into(), keys.into()],
            ))
            .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String>("", "item_key")?))
            .collect()
    }

    /// Records an item as taken: stored as `article_id`, or not, for `error`.
    pub async fn record_feed_item(
        &self,
        feed_id: Uuid,
        key: &str,
        link: &str,
        taken: std::result::Result<Uuid, String>,
    ) -> Result<()> {
        let (article_id, error) = match taken {
            Ok(id) => (Some(id), None),
            Err(e) => (None, Some(e)),
        };
        self.db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO feed_items (feed_id, item_key, link, article_id, error) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                [
                    feed_id.into(),
                    key.into(),
                    link.into(),
                    article_id.into(),
                    error.into(),
                ],
            ))
            .await?;
        Ok(())
    }
}
