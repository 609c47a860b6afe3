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
        let col = |f: &dyn Fn(&NewEntity) -> String| -> Vec<String> { entities.iter().map(f).collect() };
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

    /// Takes transaction-scoped advisory locks on `type:key` names, sorted and
    /// deduplicated so that concurrent resolutions cannot deadlock.
    pub async fn lock_names(&self, mut names: Vec<String>) -> Result<()> {
        names.sort();
        names.dedup();
        for name in names {
            self.txn
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                    [name.into()],
                ))
                .await?;
        }
        Ok(())
    }

    /// Aliases of `entity_type` entities that share any blocking key with
    /// a mention (indexed lookups only).
    pub async fn candidates(
        &self,
        entity_type: &str,
        keys: &AliasKeys,
    ) -> Result<Vec<CandidateRow>> {
        candidates_on(&self.txn, entity_type, keys).await
    }

    /// Creates an entity named `name`.
    pub async fn create_entity(&self, name: &str, entity_type: &str) -> Result<Uuid> {
        let id = Uuid::now_v7();
        self.txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO entities (id, canonical_name, entity_type) VALUES ($1, $2, $3)",
                [id.into(), name.into(), entity_type.into()],
            ))
            .await?;
        Ok(id)
    }

    /// Records a surface form of an entity with its keys (no-op when known).
    pub async fn add_alias(&self, entity_id: Uuid, name: &str, keys: &AliasKeys) -> Result<()> {
        insert_alias_on(&self.txn, entity_id, name, keys).await?;
        Ok(())
    }

    /// Records that a mention may denote another entity, for an analyst.
    pub async fn add_review_candidate(
        &self,
        mention_id: Uuid,
        candidate: Uuid,
        score: f64,
    ) -> Result<()> {
        self.txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO review_candidates (mention_id, candidate_id, score) \
                 VALUES ($1, $2, $3) ON CONFLICT (mention_id, candidate_id) DO NOTHING",
                [mention_id.into(), candidate.into(), (score as f32).into()],
            ))
            .await?;
        Ok(())
    }

    /// Records the decision for a mention of this article; `entity_id` is
    /// `None` when the mention stays unlinked.
    pub async fn link_mention(
        &self,
        mention_id: Uuid,
        entity_id: Option<Uuid>,
        decision: &str,
    ) -> Result<()> {
        self.txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE mentions SET entity_id = $2, decision = $3, resolved_at = now() \
                 WHERE id = $1 AND article_id = $4",
                [
                    mention_id.into(),
                    entity_id.into(),
                    decision.into(),
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
