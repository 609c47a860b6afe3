//! The transactional outbox: claim due items, then complete or reschedule.
//!
//! Claiming moves `next_attempt_at` forward by a lease, under
//! `FOR UPDATE SKIP LOCKED`, so several ingest replicas never take the same
//! item at once; an item whose worker died becomes due again when the lease
//! runs out. Nothing is deleted: done items keep `done_at`.

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
                 WHERE done_at IS NULL AND next_attempt_at <= now() \
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
    pub async fn retry_outbox(&self, id: i64, error: &str, delay: Duration) -> Result<()> {
        self.db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $2), \
                 last_error = $3 WHERE id = $1",
                [id.into(), secs(delay).into(), error.into()],
            ))
            .await?;
        Ok(())
    }

    /// Items not yet done.
    pub async fn outbox_depth(&self) -> Result<i64> {
        self.count("SELECT count(*) AS n FROM outbox WHERE done_at IS NULL")
            .await
    }

    /// Items not yet done, and the age in seconds of the oldest (0 when
    /// none waits).
    pub async fn outbox_backlog(&self) -> Result<(i64, f64)> {
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT count(*) AS n, \
                 COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age \
                 FROM outbox WHERE done_at IS NULL",
            ))
            .await?;
        match row {
            Some(r) => Ok((r.try_get("", "n")?, r.try_get("", "age")?)),
            None => Ok((0, 0.0)),
        }
    }
}
