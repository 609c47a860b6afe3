//! Loading a generated corpus straight into the store (`bench query`):
//! articles already resolved, with their mentions linked, written in a few
//! large statements instead of through ingest and the resolver.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use uuid::Uuid;

use crate::{Result, Store};

/// A resolved article to load.
#[derive(Debug, Clone)]
pub struct BulkArticle {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub outlet: String,
    pub language: String,
    pub published_at: DateTime<Utc>,
    pub mentions: Vec<BulkMention>,
}

/// A mention of a [`BulkArticle`], linked to its entity.
#[derive(Debug, Clone)]
pub struct BulkMention {
    pub entity_id: Uuid,
    pub entity_type: String,
    /// Code-point offsets into the body.
    pub start: i32,
    pub end: i32,
    pub text: String,
    pub sentence_index: i32,
    /// A title the name was given ("spokesman"), if any.
    pub title: Option<String>,
}

impl Store {
    /// Loads resolved articles and their mentions in one transaction (two
    /// statements); the articles' publication times come from the caller.
    pub async fn bulk_load_articles(&self, articles: &[BulkArticle]) -> Result<()> {
        let txn = self.db.begin().await?;
        let col = |f: &dyn Fn(&BulkArticle) -> String| -> Vec<String> {
            articles.iter().map(f).collect()
        };
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO articles (id, title, body, outlet, language, published_at, \
               published_precision, published_source, content_hash, resolution_state, \
               resolved_at) \
             SELECT id, title, body, outlet, language, published_at, 'time', 'caller', \
               id::text, 'resolved', now() \
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], \
               $6::timestamptz[]) AS t(id, title, body, outlet, language, published_at)",
            [
                articles.iter().map(|a| a.id).collect::<Vec<_>>().into(),
                col(&|a| a.title.clone()).into(),
                col(&|a| a.body.clone()).into(),
                col(&|a| a.outlet.clone()).into(),
                col(&|a| a.language.clone()).into(),
                articles
                    .iter()
                    .map(|a| a.published_at)
                    .collect::<Vec<_>>()
                    .into(),
            ],
        ))
        .await?;
        let times: std::collections::HashMap<Uuid, DateTime<Utc>> =
            articles.iter().map(|a| (a.id, a.published_at)).collect();
        let mentions: Vec<(Uuid, &BulkMention)> = articles
            .iter()
            .flat_map(|a| a.mentions.iter().map(move |m| (a.id, m)))
            .collect();
        let text = |f: &dyn Fn(&BulkMention) -> String| -> Vec<String> {
            mentions.iter().map(|(_, m)| f(m)).collect()
        };
        let int = |f: &dyn Fn(&BulkMention) -> i32| -> Vec<i32> {
            mentions.iter().map(|(_, m)| f(m)).collect()
        };
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO mentions (id, article_id, entity_type, start_offset, end_offset, text, \
               sentence_index, titles, confidence, entity_id, decision, resolved_at, \
               article_time) \
             SELECT id, article_id, entity_type, s, e, text, sentence, \
               CASE WHEN title = '' THEN '{}'::text[] ELSE ARRAY[title] END, 0.9, entity_id, \
               'alias_match', now(), at \
             FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::text[], \
               $7::int[], $8::text[], $9::uuid[], $10::timestamptz[]) \
               AS t(id, article_id, entity_type, s, e, text, sentence, title, entity_id, at)",
            [
                mentions
                    .iter()
                    .map(|_| Uuid::now_v7())
                    .collect::<Vec<_>>()
                    .into(),
                mentions.iter().map(|(a, _)| *a).collect::<Vec<_>>().into(),
                text(&|m| m.entity_type.clone()).into(),
                int(&|m| m.start).into(),
                int(&|m| m.end).into(),
                text(&|m| m.text.clone()).into(),
                int(&|m| m.sentence_index).into(),
                text(&|m| m.title.clone().unwrap_or_default()).into(),
                mentions
                    .iter()
                    .map(|(_, m)| m.entity_id)
                    .collect::<Vec<_>>()
                    .into(),
                mentions
                    .iter()
                    .map(|(a, _)| times[a])
                    .collect::<Vec<_>>()
                    .into(),
            ],
        ))
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// How many mentions the store holds.
    pub async fn mention_count(&self) -> Result<u64> {
        let n = self
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT count(*) AS n FROM mentions",
            ))
            .await?
            .map(|row| row.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Fresh planner statistics and visibility maps after a bulk load, as
    /// autovacuum would leave them.
    pub async fn vacuum_analyze(&self) -> Result<()> {
        self.db
            .execute_unprepared("VACUUM ANALYZE articles, mentions, entities, aliases")
            .await?;
        Ok(())
    }

    /// Readies the server to log plans (`auto_explain`, loaded by every
    /// session that connects from now on), not logging any yet. Needs a
    /// superuser and a store of one connection (the module is loaded into
    /// the session that sets it); for benchmarks on a private cluster.
    pub async fn prepare_plan_logging(&self) -> Result<()> {
        for sql in [
            "LOAD 'auto_explain'",
            "ALTER SYSTEM SET session_preload_libraries = 'auto_explain'",
            "ALTER SYSTEM SET auto_explain.log_min_duration = -1",
            "ALTER SYSTEM SET auto_explain.log_analyze = on",
            "ALTER SYSTEM SET auto_explain.log_buffers = on",
            "ALTER SYSTEM SET auto_explain.log_timing = on",
            "SELECT pg_reload_conf()",
        ] {
            self.db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    /// Logs every statement's plan with its run's times and buffers (`on`),
    /// or none.
    pub async fn log_plans(&self, on: bool) -> Result<()> {
        let set = if on {
            "ALTER SYSTEM SET auto_explain.log_min_duration = 0"
        } else {
            "ALTER SYSTEM SET auto_explain.log_min_duration = -1"
        };
        self.db.execute_unprepared(set).await?;
        self.db
            .execute_unprepared("SELECT pg_reload_conf()")
            .await?;
        Ok(())
    }
}
