//! Analysts' changes to entities: merge, split, aliases, names, the review
//! queue. Each change runs in one transaction that locks the entities it
//! touches and writes its audit row.

use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::model::mention;
use crate::resolution::{AliasKeys, insert_alias_on};
use crate::{Result, Store, StoreError};

/// Who changed what and why, for the audit log.
#[derive(Debug, Clone)]
pub struct Audit<'a> {
    pub actor: &'a str,
    pub reason: &'a str,
}

/// One entry of the curation audit log.
#[derive(Debug, Clone, FromQueryResult)]
pub struct LogRow {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub action: String,
    pub entity_ids: Vec<Uuid>,
    pub reason: String,
    pub detail: String,
}

/// A mention waiting for an analyst's look.
#[derive(Debug, Clone)]
pub struct ReviewRow {
    pub mention: mention::Model,
    pub article_title: String,
    pub candidate_id: Uuid,
    pub score: f64,
}

#[derive(FromQueryResult)]
struct TypeRow {
    id: Uuid,
    entity_type: String,
}

#[derive(FromQueryResult)]
struct ReviewQueryRow {
    mention_id: Uuid,
    article_title: String,
    candidate_id: Uuid,
    score: f32,
}

fn stmt(sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// Locks entities in id order (so two curations cannot deadlock); their
/// types, or NOT_FOUND naming the first missing one.
async fn lock_entities(txn: &DatabaseTransaction, ids: &[Uuid]) -> Result<Vec<String>> {
    let mut sorted = ids.to_vec();
    sorted.sort();
    let rows = TypeRow::find_by_statement(stmt(
        "SELECT id, entity_type FROM entities WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE",
        vec![sorted.into()],
    ))
    .all(txn)
    .await?;
    ids.iter()
        .map(|id| {
            rows.iter()
                .find(|r| r.id == *id)
                .map(|r| r.entity_type.clone())
                .ok_or_else(|| StoreError::NotFound {
                    what: "entity",
                    id: id.to_string(),
                })
        })
        .collect()
}

async fn audit(
    txn: &DatabaseTransaction,
    who: &Audit<'_>,
    action: &str,
    entities: &[Uuid],
    detail: serde_json::Value,
) -> Result<()> {
    txn.execute_raw(stmt(
        "INSERT INTO curation_log (actor, action, entity_ids, reason, detail) \
         VALUES ($1, $2, $3, $4, $5)",
        vec![
            who.actor.into(),
            action.into(),
            entities.to_vec().into(),
            who.reason.into(),
            detail.into(),
        ],
    ))
    .await?;
    Ok(())
}

impl Store {
    /// Moves all mentions and aliases of `sources` to `target`, then deletes
    /// the sources.
    pub async fn merge_entities(
        &self,
        target: Uuid,
        sources: &[Uuid],
        who: &Audit<'_>,
    ) -> Result<()> {
        let txn = self.db.begin().await?;
        let mut all = vec![target];
        all.extend_from_slice(sources);
        let types = lock_entities(&txn, &all).await?;
        if let Some(i) = types.iter().position(|t| *t != types[0]) {
            return Err(StoreError::InvalidArgument {
                field: format!("source_entity_ids[{}]", i - 1),
                reason: format!("is a {} and the target a {}", types[i], types[0]),
            });
        }
        let sources = sources.to_vec();
        txn.execute_raw(stmt(
            "UPDATE mentions SET entity_id = $1 WHERE entity_id = ANY($2::uuid[])",
            vec![target.into(), sources.clone().into()],
        ))
        .await?;
        txn.execute_raw(stmt(
            "INSERT INTO aliases (entity_id, name, norm, skeleton, last_skeleton, initialism) \
             SELECT $1, name, norm, skeleton, last_skeleton, initialism \
             FROM aliases WHERE entity_id = ANY($2::uuid[]) ORDER BY id \
             ON CONFLICT (entity_id, norm) DO NOTHING",
            vec![target.into(), sources.clone().into()],
        ))
        .await?;
        txn.execute_raw(stmt(
            "DELETE FROM review_candidates r USING mentions m WHERE r.mention_id = m.id \
             AND m.entity_id = $1 AND r.candidate_id = ANY($2::uuid[])",
            vec![target.into(), sources.clone().into()],
        ))
        .await?;
        // Old ids keep meaning the survivor, straight (no chains).
        txn.execute_raw(stmt(
            "WITH moved AS (UPDATE entity_redirects SET to_id = $1 \
               WHERE to_id = ANY($2::uuid[])) \
             INSERT INTO entity_redirects (from_id, to_id) \
             SELECT s, $1 FROM unnest($2::uuid[]) AS s \
             ON CONFLICT (from_id) DO UPDATE SET to_id = EXCLUDED.to_id, merged_at = now()",
            vec![target.into(), sources.clone().into()],
        ))
        .await?;
        // A known entity merged into another hands it its knowledge-base
        // key, so a later load of the knowledge base finds the merged
        // entity instead of bringing the source back.
        let known = txn
            .query_one_raw(stmt(
                "WITH gone AS (DELETE FROM entities WHERE id = ANY($1::uuid[]) RETURNING kb_key) \
                 SELECT kb_key FROM gone WHERE kb_key IS NOT NULL ORDER BY kb_key LIMIT 1",
                vec![sources.clone().into()],
            ))
            .await?
            .map(|row| row.try_get::<String>("", "kb_key"))
            .transpose()?;
        txn.execute_raw(stmt(
            "UPDATE entities SET updated_at = now(), kb_key = COALESCE(kb_key, $2) WHERE id = $1",
            vec![target.into(), known.into()],
        ))
        .await?;
        audit(
            &txn,
            who,
            "merge",
            &all,
            serde_json::json!({ "target": target, "sources": sources }),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Moves mentions, and aliases with every mention written like them, from
    /// `source` to `target` (or to a new entity named `new_name`); the target.
    pub async fn split_entity(
        &self,
        source: Uuid,
        mention_ids: &[Uuid],
        alias_norms: &[String],
        target: Option<Uuid>,
        new_name: Option<(&str, &AliasKeys)>,
        who: &Audit<'_>,
    ) -> Result<Uuid> {
        let txn = self.db.begin().await?;
        let mut locked = vec![source];
        locked.extend(target);
        let types = lock_entities(&txn, &locked).await?;
        if types.len() == 2 && types[0] != types[1] {
            return Err(StoreError::InvalidArgument {
                field: "target_entity_id".into(),
                reason: format!("is a {} and the entity a {}", types[1], types[0]),
            });
        }
        for (i, id) in mention_ids.iter().enumerate() {
            let owned = txn
                .query_one_raw(stmt(
                    "SELECT 1 AS one FROM mentions WHERE id = $1 AND entity_id = $2",
                    vec![(*id).into(), source.into()],
                ))
                .await?;
            if owned.is_none() {
                return Err(StoreError::InvalidArgument {
                    field: format!("mention_ids[{i}]"),
                    reason: format!("mention {id} is not linked to entity {source}"),
                });
            }
        }
        let mut alias_names = Vec::new();
        for (i, norm) in alias_norms.iter().enumerate() {
            let row = txn
                .query_one_raw(stmt(
                    "SELECT name FROM aliases WHERE entity_id = $1 AND norm = $2",
                    vec![source.into(), norm.clone().into()],
                ))
                .await?;
            match row {
                Some(r) => alias_names.push(r.try_get::<String>("", "name")?),
                None => {
                    return Err(StoreError::InvalidArgument {
                        field: format!("aliases[{i}]"),
                        reason: format!("entity {source} has no such alias"),
                    });
                }
            }
        }
        let target = match (target, new_name) {
            (Some(t), _) => t,
            (None, Some((name, keys))) => {
                let id = Uuid::now_v7();
                txn.execute_raw(stmt(
                    "INSERT INTO entities (id, canonical_name, entity_type) VALUES ($1, $2, $3)",
                    vec![id.into(), name.into(), types[0].clone().into()],
                ))
                .await?;
                insert_alias_on(&txn, id, name, keys).await?;
                id
            }
            (None, None) => {
                return Err(StoreError::InvalidArgument {
                    field: "new_canonical_name".into(),
                    reason: "name the new entity or give target_entity_id".into(),
                });
            }
        };
        let norms = alias_norms.to_vec();
        txn.execute_raw(stmt(
            "UPDATE aliases SET entity_id = $2 WHERE entity_id = $1 AND norm = ANY($3::text[]) \
             AND NOT EXISTS (SELECT 1 FROM aliases t WHERE t.entity_id = $2 AND t.norm = aliases.norm)",
            vec![source.into(), target.into(), norms.clone().into()],
        ))
        .await?;
        txn.execute_raw(stmt(
            "DELETE FROM aliases WHERE entity_id = $1 AND norm = ANY($2::text[])",
            vec![source.into(), norms.clone().into()],
        ))
        .await?;
        // The moved names never resolve back to the source.
        for norm in &norms {
            txn.execute_raw(stmt(
                "INSERT INTO blocked_aliases (entity_id, norm) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                vec![source.into(), norm.clone().into()],
            ))
            .await?;
        }
        txn.execute_raw(stmt(
            "UPDATE mentions SET entity_id = $2 WHERE entity_id = $1 \
             AND (id = ANY($3::uuid[]) OR text = ANY($4::text[]))",
            vec![
                source.into(),
                target.into(),
                mention_ids.to_vec().into(),
                alias_names.clone().into(),
            ],
        ))
        .await?;
        let left = txn
            .query_one_raw(stmt(
                "SELECT count(*) AS n FROM aliases WHERE entity_id = $1",
                vec![source.into()],
            ))
            .await?
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        if left == 0 {
            return Err(StoreError::FailedPrecondition(
                "the split would leave the entity without any alias".into(),
            ));
        }
        txn.execute_raw(stmt(
            "UPDATE entities SET updated_at = now() WHERE id = ANY($1::uuid[])",
            vec![vec![source, target].into()],
        ))
        .await?;
        audit(
            &txn,
            who,
            "split",
            &[source, target],
            serde_json::json!({ "mentions": mention_ids, "aliases": alias_names }),
        )
        .await?;
        txn.commit().await?;
        Ok(target)
    }

    /// Adds an alias; ALREADY_EXISTS when the entity has one that normalises alike.
    pub async fn curate_add_alias(
        &self,
        entity: Uuid,
        name: &str,
        keys: &AliasKeys,
        who: &Audit<'_>,
    ) -> Result<()> {
        let txn = self.db.begin().await?;
        lock_entities(&txn, &[entity]).await?;
        if !insert_alias_on(&txn, entity, name, keys).await? {
            return Err(StoreError::AlreadyExists(format!(
                "entity {entity} already has an alias like {name:?}"
            )));
        }
        txn.execute_raw(stmt(
            "DELETE FROM blocked_aliases WHERE entity_id = $1 AND norm = $2",
            vec![entity.into(), keys.norm.clone().into()],
        ))
        .await?;
        audit(
            &txn,
            who,
            "add_alias",
            &[entity],
            serde_json::json!({ "alias": name }),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Removes an alias and blocks the name from linking to the entity again.
    pub async fn curate_remove_alias(
        &self,
        entity: Uuid,
        norm: &str,
        who: &Audit<'_>,
    ) -> Result<()> {
        let txn = self.db.begin().await?;
        lock_entities(&txn, &[entity]).await?;
        let count = txn
            .query_one_raw(stmt(
                "SELECT count(*) AS n, count(*) FILTER (WHERE norm = $2) AS hit FROM aliases \
                 WHERE entity_id = $1",
                vec![entity.into(), norm.into()],
            ))
            .await?;
        let (n, hit) = match count {
            Some(r) => (r.try_get::<i64>("", "n")?, r.try_get::<i64>("", "hit")?),
            None => (0, 0),
        };
        if hit == 0 {
            return Err(StoreError::NotFound {
                what: "alias of entity",
                id: entity.to_string(),
            });
        }
        if n <= 1 {
            return Err(StoreError::FailedPrecondition(
                "cannot remove an entity's last alias; merge or rename it instead".into(),
            ));
        }
        txn.execute_raw(stmt(
            "DELETE FROM aliases WHERE entity_id = $1 AND norm = $2",
            vec![entity.into(), norm.into()],
        ))
        .await?;
        txn.execute_raw(stmt(
            "INSERT INTO blocked_aliases (entity_id, norm) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            vec![entity.into(), norm.into()],
        ))
        .await?;
        audit(
            &txn,
            who,
            "remove_alias",
            &[entity],
            serde_json::json!({ "norm": norm }),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Renames an entity; the name is kept as an alias too.
    pub async fn set_canonical_name(
        &self,
        entity: Uuid,
        name: &str,
        keys: &AliasKeys,
        who: &Audit<'_>,
    ) -> Result<()> {
        let txn = self.db.begin().await?;
        lock_entities(&txn, &[entity]).await?;
        txn.execute_raw(stmt(
            "UPDATE entities SET canonical_name = $2, canonical_curated = true, updated_at = now() \
             WHERE id = $1",
            vec![entity.into(), name.into()],
        ))
        .await?;
        insert_alias_on(&txn, entity, name, keys).await?;
        audit(
            &txn,
            who,
            "set_canonical_name",
            &[entity],
            serde_json::json!({ "name": name }),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The review queue, newest first.
    pub async fn review_candidates(&self, offset: u64, limit: u64) -> Result<Vec<ReviewRow>> {
        let rows = ReviewQueryRow::find_by_statement(stmt(
            "SELECT r.mention_id, a.title AS article_title, r.candidate_id, r.score \
             FROM review_candidates r JOIN mentions m ON m.id = r.mention_id \
             JOIN articles a ON a.id = m.article_id \
             WHERE m.entity_id IS DISTINCT FROM r.candidate_id \
             ORDER BY r.id DESC LIMIT $1 OFFSET $2",
            vec![
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
                i64::try_from(offset).unwrap_or(i64::MAX).into(),
            ],
        ))
        .all(&self.db)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            if let Some(mention) = self.get_mention(r.mention_id).await? {
                out.push(ReviewRow {
                    mention,
                    article_title: r.article_title,
                    candidate_id: r.candidate_id,
                    score: f64::from(r.score),
                });
            }
        }
        Ok(out)
    }

    /// The curation audit log, newest first; only entries that touched
    /// `entity` when given.
    pub async fn curation_log(
        &self,
        entity: Option<Uuid>,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<LogRow>> {
        Ok(LogRow::find_by_statement(stmt(
            "SELECT at, actor, action, entity_ids, reason, detail::text AS detail \
             FROM curation_log WHERE $1::uuid IS NULL OR entity_ids @> ARRAY[$1::uuid] \
             ORDER BY id DESC LIMIT $2 OFFSET $3",
            vec![
                entity.into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
                i64::try_from(offset).unwrap_or(i64::MAX).into(),
            ],
        ))
        .all(&self.db)
        .await?)
    }

    /// One mention.
    pub async fn get_mention(&self, id: Uuid) -> Result<Option<mention::Model>> {
        use sea_orm::EntityTrait;
        Ok(mention::Entity::find_by_id(id).one(&self.db).await?)
    }
}
