//! The knowledge base in the store: the known entities (`mediamon-kb`)
//! loaded as entities with their aliases, keyed by `kb_key`.
//!
//! Loading is idempotent and keeps curation: an entity that exists keeps
//! its canonical name and type (an analyst may have set them) and only
//! gains the aliases it lacks; an alias an analyst removed (a row in
//! `blocked_aliases`) is not put back. Known entities are created before
//! any article is read, so candidates (ordered oldest entity first) meet
//! them first.

use mediamon_names::analyze;
use mediamon_resolution::alias_keys;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use uuid::Uuid;

use crate::{Result, Store};

/// What a load did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KnownLoad {
    /// Known entities in the knowledge base.
    pub entities: usize,
    /// Entities created by this load.
    pub created: usize,
    /// Aliases added by this load.
    pub aliases_added: usize,
}

impl Store {
    /// Loads `known` (see the module documentation) in one transaction.
    pub async fn load_known(&self, known: &[mediamon_kb::KnownEntity]) -> Result<KnownLoad> {
        let ids: Vec<Uuid> = known.iter().map(|_| Uuid::now_v7()).collect();
        let txn = self.db.begin().await?;
        let created = txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO entities (id, canonical_name, entity_type, kb_key) \
                 SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) \
                 ON CONFLICT (kb_key) WHERE kb_key IS NOT NULL DO NOTHING",
                [
                    ids.into(),
                    known
                        .iter()
                        .map(|k| k.canonical.clone())
                        .collect::<Vec<_>>()
                        .into(),
                    known
                        .iter()
                        .map(|k| k.entity_type.clone())
                        .collect::<Vec<_>>()
                        .into(),
                    known
                        .iter()
                        .map(|k| k.key.clone())
                        .collect::<Vec<_>>()
                        .into(),
                ],
            ))
            .await?
            .rows_affected();
        let mut cols: [Vec<String>; 6] = Default::default();
        for k in known {
            for name in k.names() {
                let keys = alias_keys(name, &analyze(name, &k.entity_type), &k.entity_type);
                if keys.norm.is_empty() {
                    continue;
                }
                let row = [
                    k.key.clone(),
                    name.to_string(),
                    keys.norm,
                    keys.skeleton,
                    keys.last_skeleton,
                    keys.initialism.unwrap_or_default(),
                ];
                for (col, value) in cols.iter_mut().zip(row) {
                    col.push(value);
                }
            }
        }
        let [keys, names, norms, skeletons, lasts, initialisms] = cols;
        let added = txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO aliases (entity_id, name, norm, skeleton, last_skeleton, initialism) \
                 SELECT e.id, t.name, t.norm, t.sk, t.lsk, NULLIF(t.ini, '') \
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
                 $6::text[]) AS t(kb_key, name, norm, sk, lsk, ini) \
                 JOIN entities e ON e.kb_key = t.kb_key \
                 WHERE NOT EXISTS (SELECT 1 FROM blocked_aliases b \
                 WHERE b.entity_id = e.id AND b.norm = t.norm) \
                 ON CONFLICT (entity_id, norm) DO NOTHING",
                [
                    keys.into(),
                    names.into(),
                    norms.into(),
                    skeletons.into(),
                    lasts.into(),
                    initialisms.into(),
                ],
            ))
            .await?
            .rows_affected();
        txn.commit().await?;
        Ok(KnownLoad {
            entities: known.len(),
            created: usize::try_from(created).unwrap_or(usize::MAX),
            aliases_added: usize::try_from(added).unwrap_or(usize::MAX),
        })
    }
}
