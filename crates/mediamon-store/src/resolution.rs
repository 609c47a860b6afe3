//! The primitives one resolution runs inside a single transaction.
//!
//! The resolver service decides; this type only reads and writes. A
//! resolution that will create entities must first lock the name keys of
//! those entities, all in one statement ([`ResolutionTxn::lock_names`], hash
//! ordered), then read the candidates again: two replicas with the same new
//! name then serialise instead of creating twins. Linking to entities that
//! exist needs no lock.

use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
use uuid::Uuid;

pub use mediamon_resolution::{AliasKeys, PROBE_CAP, Probe};

use crate::{Result, Store, StoreError};

/// An open resolution transaction for one article.
pub struct ResolutionTxn {
    txn: DatabaseTransaction,
    article_id: Uuid,
    already_resolved: bool,
    mentions: Vec<StoredMention>,
}

/// The article's state with one of its mentions (none when it has none).
#[derive(FromQueryResult)]
struct StateRow {
    resolution_state: String,
    id: Option<Uuid>,
    entity_type: Option<String>,
    text: Option<String>,
    entity_id: Option<Uuid>,
    decision: Option<String>,
    titles: Option<Vec<String>>,
}

/// A stored mention as resolution sees it.
#[derive(Debug, Clone)]
pub struct StoredMention {
    pub id: Uuid,
    pub entity_type: String,
    pub text: String,
    pub entity_id: Option<Uuid>,
    pub decision: Option<String>,
    /// The name finder's cue words (titles, kinship, kind of place).
    pub titles: Vec<String>,
}

/// A known alias with its keys.
#[derive(Debug, Clone, FromQueryResult)]
pub struct AliasRow {
    pub entity_id: Uuid,
    pub entity_type: String,
    pub name: String,
    pub norm: String,
    pub skeleton: String,
    pub last_skeleton: String,
    pub initialism: Option<String>,
    /// Names of the mentions asked about that an analyst removed from this
    /// entity: never link those to it.
    pub blocked: Vec<String>,
    /// The entity's key in the knowledge base, when it is a known one.
    pub kb_key: Option<String>,
}

/// The aliases a [`Probe`] finds (one indexed query, each key capped at
/// [`PROBE_CAP`], oldest aliases first), with their keys and the probed names
/// an analyst took away from their entity.
pub(crate) async fn candidates_on<C: ConnectionTrait>(
    conn: &C,
    probe: &Probe,
) -> Result<Vec<AliasRow>> {
    let set = |v: &[String]| -> Vec<String> {
        let mut v: Vec<String> = v.iter().filter(|s| !s.is_empty()).cloned().collect();
        v.sort();
        v.dedup();
        v
    };
    let capped = |column: &str, param: usize| {
        format!(
            "SELECT h.* FROM unnest(${param}::text[]) AS k(v), LATERAL (SELECT {COLUMNS} \
             FROM aliases WHERE {column} = k.v ORDER BY id LIMIT {PROBE_CAP}) AS h"
        )
    };
    // The probes return whole rows and each hit's entity is looked up by
    // key (OFFSET 0 keeps it a lookup): joined wholesale, the planner
    // scanned a table whenever it guessed the hits were many. Blocked names
    // are read once for the probed names, not once per hit (per hit,
    // `norm = ANY(...)` descended the index once per probed name: three
    // quarters of the query, measured).
    let sql = format!(
        "WITH hits AS ({} UNION {} UNION {} UNION SELECT {COLUMNS} FROM aliases \
         WHERE initialism = ANY($4::text[])), \
         blocked AS MATERIALIZED (SELECT entity_id, norm FROM blocked_aliases \
         WHERE norm = ANY($1::text[])) \
         SELECT h.entity_id, e.entity_type, h.name, h.norm, h.skeleton, h.last_skeleton, \
         h.initialism, ARRAY(SELECT b.norm FROM blocked b WHERE b.entity_id = h.entity_id) \
         AS blocked, e.kb_key \
         FROM hits h, LATERAL (SELECT entity_type, created_at, kb_key FROM entities \
         WHERE id = h.entity_id OFFSET 0) AS e \
         ORDER BY e.created_at, h.id",
        capped("norm", 1),
        capped("skeleton", 2),
        capped("last_skeleton", 3),
    );
    Ok(AliasRow::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        [
            set(&probe.norms).into(),
            set(&probe.skeletons).into(),
            set(&probe.surnames).into(),
            set(&probe.initialisms).into(),
        ],
    ))
    .all(conn)
    .await?)
}

const COLUMNS: &str = "id, entity_id, name, norm, skeleton, last_skeleton, initialism";

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
            "INSERT INTO aliases (entity_id, name, norm, skeleton, last_skeleton, initialism) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (entity_id, norm) DO NOTHING",
            [
                entity_id.into(),
                name.into(),
                keys.norm.clone().into(),
                keys.skeleton.clone().into(),
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

/// What one resolution writes (see [`ResolutionTxn::finish`]).
#[derive(Debug, Default)]
pub struct Writes<'a> {
    /// (id, canonical name, type).
    pub entities: &'a [(Uuid, String, String)],
    /// (entity, surface form, keys).
    pub aliases: &'a [(Uuid, String, AliasKeys)],
    /// (mention, candidate entity, score): "possibly the same as".
    pub reviews: &'a [(Uuid, Uuid, f64)],
    /// (mention, entity or none when unlinked, decision code, evidence as
    /// JSON).
    pub links: &'a [(Uuid, Option<Uuid>, &'a str, &'a str)],
}

/// An entity to load in bulk, with its one alias's keys.
#[derive(Debug, Clone)]
pub struct NewEntity {
    pub name: String,
    pub entity_type: String,
    pub keys: AliasKeys,
}

impl Store {
    /// Names entities by the full form news uses most: the most frequent
    /// text among each one's latest 200 mentions that named it in full
    /// (not a code, not a surname or a reference back), unless an analyst
    /// set the name or it is a known entity's. `forms` are (entity, text)
    /// of the full names an article just used; only an entity named
    /// otherwise than its name can be renamed, so only those are counted.
    /// Its own short statement after the resolution commits: counting
    /// inside it would make every article naming a popular entity wait on
    /// that entity's row.
    pub async fn refresh_names(&self, forms: &[(Uuid, String)]) -> Result<()> {
        if forms.is_empty() {
            return Ok(());
        }
        self.db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "WITH renamed AS (SELECT DISTINCT y.id FROM unnest($1::uuid[], $2::text[]) \
                 AS t(e, text) JOIN entities y ON y.id = t.e \
                 WHERE y.canonical_name <> t.text AND NOT y.canonical_curated \
                 AND y.kb_key IS NULL) \
                 UPDATE entities e SET canonical_name = b.text, updated_at = now() FROM \
                 (SELECT DISTINCT ON (x.id) x.id, m.text FROM renamed x, \
                 LATERAL (SELECT text FROM mentions WHERE entity_id = x.id \
                 AND decision IN ('new_entity', 'alias_match', 'variant', 'context') \
                 ORDER BY id DESC LIMIT 200) AS m \
                 WHERE m.text <> upper(m.text) \
                 GROUP BY x.id, m.text ORDER BY x.id, count(*) DESC, m.text) b \
                 WHERE e.id = b.id AND e.canonical_name <> b.text",
                [
                    forms.iter().map(|f| f.0).collect::<Vec<_>>().into(),
                    forms.iter().map(|f| f.1.clone()).collect::<Vec<_>>().into(),
                ],
            ))
            .await?;
        Ok(())
    }

    /// Types entities by their mentions: the type the name finder gave
    /// most of each one's latest 200 mentions (a tie keeps the type it
    /// has), unless it is a known entity. `entities` are those an article
    /// just named under another type than theirs; as
    /// [`Store::refresh_names`], a statement of its own after the
    /// resolution commits.
    pub async fn refresh_types(&self, entities: &[Uuid]) -> Result<()> {
        if entities.is_empty() {
            return Ok(());
        }
        self.db
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE entities e SET entity_type = b.t, updated_at = now() FROM \
                 (SELECT y.id, (SELECT m.entity_type FROM \
                   (SELECT entity_type FROM mentions WHERE entity_id = y.id \
                    ORDER BY id DESC LIMIT 200) m \
                  GROUP BY m.entity_type \
                  ORDER BY count(*) DESC, (m.entity_type = y.entity_type) DESC, m.entity_type \
                  LIMIT 1) AS t \
                  FROM entities y WHERE y.id = ANY($1::uuid[]) AND y.kb_key IS NULL) b \
                 WHERE e.id = b.id AND b.t IS NOT NULL AND e.entity_type <> b.t",
                [entities.to_vec().into()],
            ))
            .await?;
        Ok(())
    }

    /// Loads entities with one alias each in a single statement (a
    /// gazetteer import, or a benchmark's preloaded knowledge base); their
    /// ids, in order.
    pub async fn bulk_load_entities(&self, entities: &[NewEntity]) -> Result<Vec<Uuid>> {
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
        let aliases: Vec<(Uuid, &str, &AliasKeys)> = entities
            .iter()
            .zip(&ids)
            .map(|(e, id)| (*id, e.name.as_str(), &e.keys))
            .collect();
        insert_aliases(&txn, &aliases).await?;
        txn.commit().await?;
        // Fresh statistics, so lookups plan on indexes at once.
        self.db
            .execute_unprepared("ANALYZE entities, aliases")
            .await?;
        Ok(ids)
    }

    /// Adds aliases `(entity, name, keys)` in one statement (a benchmark's
    /// spelling variants).
    pub async fn bulk_add_aliases(&self, aliases: &[(Uuid, &str, &AliasKeys)]) -> Result<()> {
        insert_aliases(&self.db, aliases).await
    }

    /// Candidate aliases outside a resolution (explanations).
    pub async fn candidates(&self, probe: &Probe) -> Result<Vec<AliasRow>> {
        candidates_on(&self.db, probe).await
    }

    /// Starts resolving an article: locks its row until commit and reads
    /// its mentions, in one statement.
    #[tracing::instrument(name = "store.begin_resolution", skip_all)]
    pub async fn begin_resolution(&self, article_id: Uuid) -> Result<ResolutionTxn> {
        let txn = self.db.begin().await?;
        let rows = StateRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            // Generic plans for the rest of the transaction: its statements
            // are shaped so that one plan fits every article, and planning
            // the candidate query afresh each time cost as much as running
            // it (measured: 0.9 ms against 0.8 ms).
            "WITH a AS (SELECT id, resolution_state, \
               set_config('plan_cache_mode', 'force_generic_plan', true) AS plans \
               FROM articles WHERE id = $1 FOR UPDATE) \
             SELECT a.resolution_state, m.id, m.entity_type, m.text, m.entity_id, m.decision, \
             m.titles \
             FROM a LEFT JOIN mentions m ON m.article_id = a.id ORDER BY m.start_offset, m.id",
            [article_id.into()],
        ))
        .all(&txn)
        .await?;
        let Some(first) = rows.first() else {
            return Err(StoreError::NotFound {
                what: "article",
                id: article_id.to_string(),
            });
        };
        let already_resolved = first.resolution_state == "resolved";
        let mentions = rows
            .into_iter()
            .filter_map(|r| {
                Some(StoredMention {
                    id: r.id?,
                    entity_type: r.entity_type?,
                    text: r.text?,
                    entity_id: r.entity_id,
                    decision: r.decision,
                    titles: r.titles.unwrap_or_default(),
                })
            })
            .collect();
        Ok(ResolutionTxn {
            txn,
            article_id,
            already_resolved,
            mentions,
        })
    }
}

impl ResolutionTxn {
    /// Whether an earlier resolution of this article committed.
    pub fn already_resolved(&self) -> bool {
        self.already_resolved
    }

    /// The article's stored mentions, in body order.
    pub fn mentions(&self) -> &[StoredMention] {
        &self.mentions
    }

    /// Takes transaction-scoped advisory locks on name keys in one round
    /// trip, in hash order, so concurrent resolutions cannot deadlock.
    #[tracing::instrument(name = "store.lock_names", skip_all, fields(names = names.len()))]
    pub async fn lock_names(&self, names: Vec<String>) -> Result<()> {
        advisory_locks(&self.txn, names).await
    }

    /// For each candidate entity, in how many of its latest earlier articles
    /// (at most 500) it appears, and in how many of those each neighbour
    /// appears too: (candidate, neighbour, articles), with the candidate
    /// as its own neighbour for its total.
    #[tracing::instrument(name = "store.co_mentions", skip_all, fields(candidates = candidates.len()))]
    pub async fn co_mentions(
        &self,
        candidates: &[Uuid],
        neighbours: &[Uuid],
    ) -> Result<Vec<(Uuid, Uuid, i64)>> {
        #[derive(FromQueryResult)]
        struct Row {
            candidate: Uuid,
            neighbour: Uuid,
            articles: i64,
        }
        let rows = Row::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT k.id AS candidate, n.entity_id AS neighbour, \
             count(DISTINCT c.article_id) AS articles \
             FROM unnest($1::uuid[]) AS k(id), LATERAL (SELECT DISTINCT article_id FROM mentions \
               WHERE entity_id = k.id AND article_id <> $3 ORDER BY article_id DESC LIMIT 500) c \
             JOIN mentions n ON n.article_id = c.article_id \
             WHERE n.entity_id = k.id OR n.entity_id = ANY($2::uuid[]) \
             GROUP BY 1, 2",
            [
                candidates.to_vec().into(),
                neighbours.to_vec().into(),
                self.article_id.into(),
            ],
        ))
        .all(&self.txn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.candidate, r.neighbour, r.articles))
            .collect())
    }

    /// Candidate aliases for the article's mentions (see [`candidates_on`]).
    #[tracing::instrument(name = "store.candidates", skip_all, fields(rows))]
    pub async fn candidates_for(&self, probe: &Probe) -> Result<Vec<AliasRow>> {
        let rows = candidates_on(&self.txn, probe).await?;
        tracing::Span::current().record("rows", rows.len());
        Ok(rows)
    }

    /// Writes the outcome in one statement and commits: new entities, new
    /// aliases (known ones skipped), review candidates, each mention's
    /// decision, and the article's state.
    #[tracing::instrument(
        name = "store.write_resolution",
        skip_all,
        fields(entities = w.entities.len(), aliases = w.aliases.len(), links = w.links.len())
    )]
    pub async fn finish(self, w: &Writes<'_>) -> Result<()> {
        let text = |v: Vec<String>| sea_orm::Value::from(v);
        let alias_col = |f: &dyn Fn(&(Uuid, String, AliasKeys)) -> String| {
            text(w.aliases.iter().map(f).collect())
        };
        self.txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                // Foreign keys are checked at the end of the statement, so
                // aliases and links may name entities created beside them.
                // `= ANY(ARRAY(...))` keeps the touched entities a key
                // lookup: the generic plan of `IN (...)` scanned them all.
                "WITH new_entities AS (INSERT INTO entities (id, canonical_name, entity_type) \
                   SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])), \
                 added AS (INSERT INTO aliases (entity_id, name, norm, skeleton, \
                   last_skeleton, initialism) \
                   SELECT id, name, norm, sk, lsk, NULLIF(ini, '') FROM unnest($4::uuid[], \
                   $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) \
                   AS t(id, name, norm, sk, lsk, ini) \
                   ON CONFLICT (entity_id, norm) DO NOTHING RETURNING entity_id), \
                 touched AS (UPDATE entities SET updated_at = now() \
                   WHERE id = ANY(ARRAY(SELECT entity_id FROM added))), \
                 reviews AS (INSERT INTO review_candidates (mention_id, candidate_id, score) \
                   SELECT * FROM unnest($10::uuid[], $11::uuid[], $12::real[]) \
                   ON CONFLICT (mention_id, candidate_id) DO NOTHING), \
                 links AS (UPDATE mentions m SET entity_id = NULLIF(t.entity_id, '')::uuid, \
                   decision = t.decision, evidence = NULLIF(t.evidence, '')::jsonb, \
                   resolved_at = now() \
                   FROM unnest($13::uuid[], $14::text[], $15::text[], $17::text[]) \
                   AS t(id, entity_id, decision, evidence) \
                   WHERE m.id = t.id AND m.article_id = $16) \
                 UPDATE articles SET resolution_state = 'resolved', resolved_at = now() \
                 WHERE id = $16",
                [
                    w.entities.iter().map(|e| e.0).collect::<Vec<_>>().into(),
                    text(w.entities.iter().map(|e| e.1.clone()).collect()),
                    text(w.entities.iter().map(|e| e.2.clone()).collect()),
                    w.aliases.iter().map(|a| a.0).collect::<Vec<_>>().into(),
                    alias_col(&|a| a.1.clone()),
                    alias_col(&|a| a.2.norm.clone()),
                    alias_col(&|a| a.2.skeleton.clone()),
                    alias_col(&|a| a.2.last_skeleton.clone()),
                    alias_col(&|a| a.2.initialism.clone().unwrap_or_default()),
                    w.reviews.iter().map(|r| r.0).collect::<Vec<_>>().into(),
                    w.reviews.iter().map(|r| r.1).collect::<Vec<_>>().into(),
                    w.reviews
                        .iter()
                        .map(|r| r.2 as f32)
                        .collect::<Vec<_>>()
                        .into(),
                    w.links.iter().map(|l| l.0).collect::<Vec<_>>().into(),
                    // Text with '' for "unlinked": arrays of nullable uuids do not bind.
                    text(
                        w.links
                            .iter()
                            .map(|l| l.1.map(|e| e.to_string()).unwrap_or_default())
                            .collect(),
                    ),
                    text(w.links.iter().map(|l| l.2.to_string()).collect()),
                    self.article_id.into(),
                    text(w.links.iter().map(|l| l.3.to_string()).collect()),
                ],
            ))
            .await?;
        self.txn.commit().await?;
        Ok(())
    }

    /// Ends a resolution that found the article already resolved.
    pub async fn commit_unchanged(self) -> Result<()> {
        self.txn.commit().await?;
        Ok(())
    }
}

/// Transaction-scoped advisory locks on `keys`, taken in one statement in
/// hash order, so that two transactions never wait on each other in a
/// circle over them.
pub(crate) async fn advisory_locks(txn: &DatabaseTransaction, keys: Vec<String>) -> Result<()> {
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT \
         hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY 1) AS s",
        [keys.into()],
    ))
    .await?;
    Ok(())
}

/// Inserts aliases `(entity, name, keys)` in one statement.
async fn insert_aliases<C: ConnectionTrait>(
    conn: &C,
    aliases: &[(Uuid, &str, &AliasKeys)],
) -> Result<()> {
    let col = |f: &dyn Fn(&(Uuid, &str, &AliasKeys)) -> String| -> Vec<String> {
        aliases.iter().map(f).collect()
    };
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO aliases (entity_id, name, norm, skeleton, last_skeleton, initialism) \
         SELECT id, name, norm, sk, lsk, NULLIF(ini, '') FROM unnest( \
         $1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) \
         AS t(id, name, norm, sk, lsk, ini) \
         ON CONFLICT (entity_id, norm) DO NOTHING",
        [
            aliases.iter().map(|a| a.0).collect::<Vec<_>>().into(),
            col(&|a| a.1.to_string()).into(),
            col(&|a| a.2.norm.clone()).into(),
            col(&|a| a.2.skeleton.clone()).into(),
            col(&|a| a.2.last_skeleton.clone()).into(),
            col(&|a| a.2.initialism.clone().unwrap_or_default()).into(),
        ],
    ))
    .await?;
    Ok(())
}
