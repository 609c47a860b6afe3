//! The primitives one resolution runs inside a single transaction.
//!
//! The resolver service decides; this type only reads and writes. Callers
//! must lock every name key they will look up or create, all at once and in
//! sorted order ([`ResolutionTxn::lock_names`]), so that two replicas resolving
//! articles with the same new names serialise instead of creating twins.

use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::model::mention;
use crate::{Result, Store, StoreError};

/// An open resolution transaction for one article.
pub struct ResolutionTxn {
    txn: DatabaseTransaction,
    article_id: Uuid,
    already_resolved: bool,
}

#[derive(FromQueryResult)]
struct StateRow {
    resolution_state: String,
}

/// A known alias that shares a blocking key with a mention.
#[derive(Debug, Clone, FromQueryResult)]
pub struct CandidateRow {
    pub entity_id: Uuid,
    pub name: String,
}

/// A known alias with its keys.
#[derive(Debug, Clone, FromQueryResult)]
pub struct AliasRow {
    pub entity_id: Uuid,
    pub entity_type: String,
    pub name: String,
    pub norm: String,
    pub skeleton: String,
    pub first_skeleton: String,
    pub last_skeleton: String,
    pub initialism: Option<String>,
}

#[derive(FromQueryResult)]
struct BlockedRow {
    entity_id: Uuid,
    norm: String,
}

/// The lookup keys of a name (computed by mediamon-names).
#[derive(Debug, Clone, Default)]
pub struct AliasKeys {
    /// The normalised name (exact match and trigram search).
    pub norm: String,
    /// Consonant skeletons of all tokens, of the first and of the last.
    pub skeleton: String,
    pub first_skeleton: String,
    pub last_skeleton: String,
    /// An organisation's acronym or initialism.
    pub initialism: Option<String>,
}

/// Candidate aliases through the blocking keys; an alias whose entity an
/// analyst took this name away from is never a candidate.
pub(crate) async fn candidates_on<C: ConnectionTrait>(
    conn: &C,
    entity_type: &str,
    keys: &AliasKeys,
) -> Result<Vec<CandidateRow>> {
    Ok(
        CandidateRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT a.entity_id, a.name FROM aliases a JOIN entities e ON e.id = a.entity_id \
         WHERE e.entity_type = $1 AND (a.norm = $2 \
            OR (a.skeleton = $3 AND $3 <> '') \
            OR (a.last_skeleton = $4 AND $4 <> '') \
            OR (a.first_skeleton = $5 AND $5 <> '') \
            OR a.initialism = $6) \
           AND NOT EXISTS (SELECT 1 FROM blocked_aliases b \
                           WHERE b.entity_id = a.entity_id AND b.norm = $2) \
         ORDER BY e.created_at, a.id LIMIT 500",
            [
                entity_type.into(),
                keys.norm.clone().into(),
                keys.skeleton.clone().into(),
                keys.last_skeleton.clone().into(),
                keys.first_skeleton.clone().into(),
                keys.initialism.clone().into(),
            ],
        ))
        .all(conn)
        .await?,
    )
}

/// Inserts an alias with its keys; false when the entity already had it.
pub(crate) async fn insert_alias_on<C: ConnectionTrait>(
    conn: &C,
    entity_id: Uuid,
    name: &str,
    keys: &AliasKeys,
) -> Result<bool> {
    let inserted = conn
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO aliases (entity_id, name, norm, skeleton, first_skeleton, \
             last_skeleton, initialism) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (entity_id, norm) DO NOTHING",
            [
                entity_id.into(),
                name.into(),
                keys.norm.clone().into(),
                keys.skeleton.clone().into(),
                keys.first_skeleton.clone().into(),
                keys.last_skeleton.clone().into(),
                keys.initialism.clone().into(),
            ],
        ))
        .await?;
    if inserted.rows_affected() > 0 {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE entities SET updated_at = now() WHERE id = $1",
            [entity_id.into()],
        ))
        .await?;
    }
    Ok(inserted.rows_affected() > 0)
}

/// An entity to load in bulk, with its one alias's keys.
#[derive(Debug, Clone)]
pub struct NewEntity {
    pub name: String,
    pub entity_type: String,
    pub keys: AliasKeys,
}

impl Store {
    /// Loads entities with one alias each in a single statement (a
    /// gazetteer import, or a benchmark's preloaded knowledge base).
    pub async fn bulk_load_entities(&self, entities: &[NewEntity]) -> Result<()> {
        let ids: Vec<Uuid> = entities.iter().map(|_| Uuid::now_v7()).collect();
        let col =
            |f: &dyn Fn(&NewEntity) -> String| -> Vec<String> { entities.iter().map(f).collect() };
        let txn = self.db.begin().await?;
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO entities (id, canonical_name, entity_type) \
             SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])",
            [
                ids.clone().into(),
                col(&|e| e.name.clone()).into(),
                col(&|e| e.entity_type.clone()).into(),
            ],
        ))
        .await?;
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO aliases (entity_id, name, norm, skeleton, first_skeleton, last_skeleton, \
             initialism) SELECT id, name, norm, sk, fsk, lsk, NULLIF(ini, '') FROM unnest( \
             $1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) \
             AS t(id, name, norm, sk, fsk, lsk, ini)",
            [
                ids.into(),
                col(&|e| e.name.clone()).into(),
                col(&|e| e.keys.norm.clone()).into(),
                col(&|e| e.keys.skeleton.clone()).into(),
                col(&|e| e.keys.first_skeleton.clone()).into(),
                col(&|e| e.keys.last_skeleton.clone()).into(),
                col(&|e| e.keys.initialism.clone().unwrap_or_default()).into(),
            ],
        ))
        .await?;
        txn.commit().await?;
        // Fresh statistics, so lookups plan on indexes at once.
        self.db
            .execute_unprepared("ANALYZE entities, aliases")
            .await?;
        Ok(())
    }

    /// Candidate aliases outside a resolution (explanations).
    pub async fn candidates(
        &self,
        entity_type: &str,
        keys: &AliasKeys,
    ) -> Result<Vec<CandidateRow>> {
        candidates_on(&self.db, entity_type, keys).await
    }

    /// Starts resolving an article: locks its row until commit.
    pub async fn begin_resolution(&self, article_id: Uuid) -> Result<ResolutionTxn> {
        let txn = self.db.begin().await?;
        let state = StateRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT resolution_state FROM articles WHERE id = $1 FOR UPDATE",
            [article_id.into()],
        ))
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "article",
            id: article_id.to_string(),
        })?;
        Ok(ResolutionTxn {
            txn,
            article_id,
            already_resolved: state.resolution_state == "resolved",
        })
    }
}

impl ResolutionTxn {
    /// Whether an earlier resolution of this article committed.
    pub fn already_resolved(&self) -> bool {
        self.already_resolved
    }

    /// The article's stored mentions, in body order.
    pub async fn mentions(&self) -> Result<Vec<mention::Model>> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        Ok(mention::Entity::find()
            .filter(mention::Column::ArticleId.eq(self.article_id))
            .order_by_asc(mention::Column::StartOffset)
            .all(&self.txn)
            .await?)
    }

    /// Takes transaction-scoped advisory locks on name keys in one round
    /// trip, in hash order, so concurrent resolutions cannot deadlock.
    pub async fn lock_names(&self, names: Vec<String>) -> Result<()> {
        self.txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT \
                 hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY 1) AS s",
                [names.into()],
            ))
            .await?;
        Ok(())
    }

    /// Every alias that shares a blocking key with any of the mentions
    /// (one indexed query per article), with its keys.
    pub async fn candidates_for(&self, mentions: &[(&str, &AliasKeys)]) -> Result<Vec<AliasRow>> {
        let col = |f: &dyn Fn(&AliasKeys) -> String| -> Vec<String> {
            mentions
                .iter()
                .map(|(_, k)| f(k))
                .filter(|v| !v.is_empty())
                .collect()
        };
        let types: Vec<String> = mentions.iter().map(|(t, _)| t.to_string()).collect();
        Ok(AliasRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            // One indexed probe per key column; an OR across them would scan.
            "SELECT a.entity_id, e.entity_type, a.name, a.norm, a.skeleton, a.first_skeleton, \
             a.last_skeleton, a.initialism FROM aliases a JOIN entities e ON e.id = a.entity_id \
             WHERE e.entity_type = ANY($1::text[]) AND a.id IN ( \
                SELECT id FROM aliases WHERE norm = ANY($2::text[]) \
                UNION SELECT id FROM aliases WHERE skeleton = ANY($3::text[]) \
                UNION SELECT id FROM aliases WHERE last_skeleton = ANY($4::text[]) \
                UNION SELECT id FROM aliases WHERE first_skeleton = ANY($5::text[]) \
                UNION SELECT id FROM aliases WHERE initialism = ANY($6::text[])) \
             ORDER BY e.created_at, a.id LIMIT 20000",
            [
                types.into(),
                col(&|k| k.norm.clone()).into(),
                col(&|k| k.skeleton.clone()).into(),
                col(&|k| k.last_skeleton.clone()).into(),
                col(&|k| k.first_skeleton.clone()).into(),
                col(&|k| k.initialism.clone().unwrap_or_default()).into(),
            ],
        ))
        .all(&self.txn)
        .await?)
    }

    /// (entity, norm) pairs analysts blocked, for these names.
    pub async fn blocked_for(&self, norms: Vec<String>) -> Result<Vec<(Uuid, String)>> {
        Ok(
            BlockedRow::find_by_statement(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT entity_id, norm FROM blocked_aliases WHERE norm = ANY($1::text[])",
                [norms.into()],
            ))
            .all(&self.txn)
            .await?
            .into_iter()
            .map(|b| (b.entity_id, b.norm))
            .collect(),
        )
    }

    /// Creates entities: (id, canonical name, type).
    pub async fn create_entities(&self, entities: &[(Uuid, String, String)]) -> Result<()> {
        if entities.is_empty() {
            return Ok(());
        }
        self.txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO entities (id, canonical_name, entity_type) \
                 SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])",
                [
                    entities.iter().map(|e| e.0).collect::<Vec<_>>().into(),
                    entities
                        .iter()
                        .map(|e| e.1.clone())
                        .collect::<Vec<_>>()
                        .into(),
                    entities
                        .iter()
                        .map(|e| e.2.clone())
                        .collect::<Vec<_>>()
                        .into(),
                ],
            ))
            .await?;
        Ok(())
    }

    /// Records surface forms with their keys (known ones are skipped).
    pub async fn add_aliases(&self, aliases: &[(Uuid, String, AliasKeys)]) -> Result<()> {
        if aliases.is_empty() {
            return Ok(());
        }
        let col = |f: &dyn Fn(&(Uuid, String, AliasKeys)) -> String| -> Vec<String> {
            aliases.iter().map(f).collect()
        };
        self.txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "WITH added AS (INSERT INTO aliases (entity_id, name, norm, skeleton, \
                 first_skeleton, last_skeleton, initialism) \
                 SELECT id, name, norm, sk, fsk, lsk, NULLIF(ini, '') FROM unnest($1::uuid[], \
                 $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) \
                 AS t(id, name, norm, sk, fsk, lsk, ini) \
                 ON CONFLICT (entity_id, norm) DO NOTHING RETURNING entity_id) \
                 UPDATE entities SET updated_at = now() WHERE id IN (SELECT entity_id FROM added)",
                [
                    aliases.iter().map(|a| a.0).collect::<Vec<_>>().into(),
                    col(&|a| a.1.clone()).into(),
                    col(&|a| a.2.norm.clone()).into(),
                    col(&|a| a.2.skeleton.clone()).into(),
                    col(&|a| a.2.first_skeleton.clone()).into(),
                    col(&|a| a.2.last_skeleton.clone()).into(),
                    col(&|a| a.2.initialism.clone().unwrap_or_default()).into(),
                ],
            ))
            .await?;
        Ok(())
    }

    /// Records that mentions may denote other entities: (mention, candidate, score).
    pub async fn add_review_candidates(&self, rows: &[(Uuid, Uuid, f64)]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        self.txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO review_candidates (mention_id, candidate_id, score) \
                 SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::real[]) \
                 ON CONFLICT (mention_id, candidate_id) DO NOTHING",
                [
                    rows.iter().map(|r| r.0).collect::<Vec<_>>().into(),
                    rows.iter().map(|r| r.1).collect::<Vec<_>>().into(),
                    rows.iter().map(|r| r.2 as f32).collect::<Vec<_>>().into(),
                ],
            ))
            .await?;
        Ok(())
    }

    /// Records the decision of each mention of this article:
    /// (mention, entity or none when unlinked, decision code).
    pub async fn link_mentions(&self, links: &[(Uuid, Option<Uuid>, &str)]) -> Result<()> {
        if links.is_empty() {
            return Ok(());
        }
        self.txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE mentions m SET entity_id = NULLIF(t.entity_id, '')::uuid, \
                 decision = t.decision, resolved_at = now() \
                 FROM unnest($1::uuid[], $2::text[], $3::text[]) \
                 AS t(id, entity_id, decision) WHERE m.id = t.id AND m.article_id = $4",
                [
                    links.iter().map(|l| l.0).collect::<Vec<_>>().into(),
                    // Text with '' for "unlinked": arrays of nullable uuids do not bind.
                    links
                        .iter()
                        .map(|l| l.1.map(|e| e.to_string()).unwrap_or_default())
                        .collect::<Vec<_>>()
                        .into(),
                    links
                        .iter()
                        .map(|l| l.2.to_string())
                        .collect::<Vec<_>>()
                        .into(),
                    self.article_id.into(),
                ],
            ))
            .await?;
        Ok(())
    }

    /// Marks the article resolved and commits everything.
    pub async fn commit(self) -> Result<()> {
        if !self.already_resolved {
            self.txn
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "UPDATE articles SET resolution_state = 'resolved', resolved_at = now() \
                     WHERE id = $1",
                    [self.article_id.into()],
                ))
                .await?;
        }
        self.txn.commit().await?;
        Ok(())
    }
}
