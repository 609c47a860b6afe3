//! The transactional outbox: claim due items, then complete or reschedule.
//!
//! Claiming moves `next_attempt_at` forward by a lease, under
//! `FOR UPDATE SKIP LOCKED`, so several ingest replicas never take the same
//! item at once; an item whose worker died becomes due again when the lease
//! runs out. Nothing is deleted: done items keep `done_at`; an item that
//! failed too often for a lasting reason is set aside with `failed_at` and
//! its last error until an operator retries it.

use std::time::Duration;

use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;

use crate::{Result, Store};

/// One claimed unit of work.
#[derive(Debug, Clone, FromQueryResult)]
pub struct OutboxItem {
    pub id: i64,
    pub article_id: Uuid,
    pub kind: String,
    pub traceparent: Option<String>,
    pub tracestate: Option<String>,
    /// Attempts so far, this one included.
    pub attempts: i32,
}

/// An item set aside after too many failures.
#[derive(Debug, Clone, FromQueryResult)]
pub struct FailedItem {
    pub id: i64,
    pub article_id: Uuid,
    pub title: String,
    pub attempts: i32,
    pub failures: i32,
    pub last_error: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub failed_at: chrono::DateTime<chrono::Utc>,
}

/// The outbox's state at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Backlog {
    /// Items waiting for the resolver.
    pub pending: i64,
    /// Seconds the oldest waiting item has waited.
    pub oldest_age: f64,
    /// Items set aside after too many failures.
    pub failed: i64,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

impl Store {
    /// Claims up to `limit` due items for `lease`.
    pub async fn claim_outbox(&self, limit: u32, lease: Duration) -> Result<Vec<OutboxItem>> {
        let stmt = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE outbox SET attempts = attempts + 1, \
                 next_attempt_at = now() + make_interval(secs => $2) \
             WHERE id IN (SELECT id FROM outbox \
                 WHERE done_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now() \
                 ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED) \
             RETURNING id, article_id, kind, traceparent, tracestate, attempts",
            [i64::from(limit).into(), secs(lease).into()],
        );
        let mut items = OutboxItem::find_by_statement(stmt).all(&self.db).await?;
        items.sort_by_key(|i| i.id);
        Ok(items)
    }

    /// Marks an item done; returns the seconds from the article's acceptance
    /// (the row's creation) until now (the ingest lag).
    pub async fn complete_outbox(&self, id: i64) -> Result<f64> {
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE outbox SET done_at = now(), last_error = NULL WHERE id = $1 \
                 RETURNING EXTRACT(EPOCH FROM done_at - created_at)::float8 AS lag",
                [id.into()],
            ))
            .await?;
        Ok(row
            .map(|r| r.try_get::<f64>("", "lag"))
            .transpose()?
            .unwrap_or(0.0))
    }

    /// Makes an item due again after `delay`, remembering why it failed.
    /// A `lasting` failure (anything but an unreachable resolver) counts
    /// towards `max_failures`; the one that reaches it sets the item aside
    /// instead. Returns whether it was set aside.
    pub async fn retry_outbox(
        &self,
        id: i64,
        error: &str,
        delay: Duration,
        lasting: bool,
        max_failures: u32,
    ) -> Result<bool> {
        let row = self
            .db
            .query_one_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $2), \
                 last_error = $3, \
                 failures = failures + CASE WHEN $4 THEN 1 ELSE 0 END, \
                 failed_at = CASE WHEN $4 AND failures + 1 >= $5 THEN now() END \
                 WHERE id = $1 RETURNING failed_at IS NOT NULL AS failed",
                [
                    id.into(),
                    secs(delay).into(),
                    error.into(),
                    lasting.into(),
                    i64::from(max_failures).into(),
                ],
            ))
            .await?;
        Ok(row
            .map(|r| r.try_get::<bool>("", "failed"))
            .transpose()?
            .unwrap_or(false))
    }

    /// Items set aside after too many failures, in outbox order: `limit`
    /// of them from `offset`.
    pub async fn failed_outbox(&self, offset: u64, limit: u64) -> Result<Vec<FailedItem>> {
        let stmt = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT o.id, o.article_id, a.title, o.attempts, o.failures, \
                 COALESCE(o.last_error, '') AS last_error, o.created_at, o.failed_at \
             FROM outbox o JOIN articles a ON a.id = o.article_id \
             WHERE o.failed_at IS NOT NULL \
             ORDER BY o.id OFFSET $1 LIMIT $2",
            [offset.into(), limit.into()],
        );
        Ok(FailedItem::find_by_statement(stmt).all(&self.db).await?)
    }

    /// Makes items set aside due again now, with their failure count reset:
    /// those of `articles`, or every one when `articles` is empty. Returns
    /// how many.
    pub async fn retry_failed_outbox(&self, articles: &[Uuid]) -> Result<u64> {
        let result = self
            .db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE outbox SET failed_at = NULL, failures = 0, next_attempt_at = now() \
                 WHERE failed_at IS NOT NULL \
                 AND (cardinality($1::uuid[]) = 0 OR article_id = ANY($1::uuid[]))",
                [articles.to_vec().into()],
            ))
            .await?;
        Ok(result.rows_affected())
    }

    /// Items not yet done and not set aside.
    pub async fn outbox_depth(&self) -> Result<i64> {
        self.count("SELECT count(*) AS n FROM outbox WHERE done_at IS NULL AND failed_at IS NULL")
            .await
    }

    /// Items waiting (not done, not set aside), the age in seconds of the
    /// oldest (0 when none waits), and the items set aside.
    pub async fn outbox_backlog(&self) -> Result<Backlog> {
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT count(*) FILTER (WHERE failed_at IS NULL) AS n, \
                 COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) \
                     FILTER (WHERE failed_at IS NULL)), 0)::float8 AS age, \
                 count(*) FILTER (WHERE failed_at IS NOT NULL) AS failed \
                 FROM outbox WHERE done_at IS NULL",
            ))
            .await?;
        match row {
            Some(r) => Ok(Backlog {
                pending: r.try_get("", "n")?,
                oldest_age: r.try_get("", "age")?,
                failed: r.try_get("", "failed")?,
            }),
            None => Ok(Backlog::default()),
        }
    }
}
