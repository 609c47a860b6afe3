//! Event records: linking an article's reports of happenings to the events
//! other articles reported (in a transaction whose advisory locks on the
//! participants keep concurrent resolvers from creating twins), and reading
//! events with every report.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, FromQueryResult, Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::{Result, Store};

/// An article's reports of one happening (one `article_group`), not yet
/// linked, with the entities their names resolved to.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ReportGroup {
    pub article_group: i32,
    /// The kind code of the group's first report.
    pub kind: String,
    pub participants: Vec<Uuid>,
    /// Those of the participants named as people.
    pub people: Vec<Uuid>,
    pub place: Option<Uuid>,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    /// The article's publication (else ingestion) day.
    pub reported: NaiveDate,
    /// The entities the article's people and organisations are resolved
    /// to, one per mention in text order (whom the article is about).
    pub named: Vec<Uuid>,
    /// The group's trigger words, lower case.
    pub words: Vec<String>,
}

/// A known event as linking sees it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct KnownEvent {
    pub id: Uuid,
    pub kind: String,
    pub participant_entity_ids: Vec<Uuid>,
    /// Those of the participants who are people.
    pub people: Vec<Uuid>,
    pub place_entity_id: Option<Uuid>,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub last_reported: NaiveDate,
    /// The words its reports were told in (lower case, at most
    /// [`PARTICIPANTS`]).
    pub words: Vec<String>,
}

/// What event linking knows of an entity to say what it lies within.
#[derive(Debug, Clone, FromQueryResult)]
pub struct EntityFacts {
    pub id: Uuid,
    pub canonical_name: String,
    pub entity_type: String,
    pub kb_key: Option<String>,
}

/// How far apart in reporting time a candidate event may be, in days.
const CANDIDATE_DAYS: i32 = 60;
/// An event keeps at most this many participants in its row (all of them
/// find it through `event_keys`): a popular event's row would otherwise
/// grow, and be rewritten and locked, with every report.
const PARTICIPANTS: i32 = 20;
/// Per participant (or place), its latest this many events of the kind are
/// candidates.
const PER_KEY: i64 = 10;

/// Linking one article's reports, in one transaction.
pub struct EventTxn {
    txn: DatabaseTransaction,
}

impl Store {
    /// Starts linking an article's reports: its groups not linked yet
    /// (linking again after a retry finds only what is left).
    #[tracing::instrument(name = "store.begin_event_linking", skip_all)]
    pub async fn begin_event_linking(
        &self,
        article_id: Uuid,
    ) -> Result<(EventTxn, Vec<ReportGroup>)> {
        let txn = self.db.begin().await?;
        let groups = ReportGroup::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT g.article_group, g.kind, p.participants, p.people, \
               (SELECT m.entity_id FROM event_mentions e JOIN mentions m \
                 ON m.id = e.place_mention_id \
                 WHERE e.article_id = $1 AND e.article_group = g.article_group \
                   AND m.entity_id IS NOT NULL ORDER BY e.start_offset LIMIT 1) AS place, \
               g.first_day, g.last_day, g.reported, n.named, g.words \
             FROM (SELECT e.article_group, (array_agg(e.kind ORDER BY e.start_offset))[1] AS kind, \
                     array_agg(DISTINCT lower(e.trigger)) AS words, \
                     min(e.first_day) AS first_day, max(e.last_day) AS last_day, \
                     coalesce(a.published_at, a.ingested_at)::date AS reported \
                   FROM event_mentions e JOIN articles a ON a.id = e.article_id \
                   WHERE e.article_id = $1 AND e.event_id IS NULL \
                   GROUP BY e.article_group, a.published_at, a.ingested_at) g \
             CROSS JOIN LATERAL (SELECT \
                 coalesce(array_agg(DISTINCT m.entity_id), '{}') AS participants, \
                 coalesce(array_agg(DISTINCT m.entity_id) FILTER (WHERE m.entity_type = 'PER'), \
                   '{}') AS people \
               FROM event_mentions e, unnest(e.participant_mention_ids) AS p(id) \
                 JOIN mentions m ON m.id = p.id \
               WHERE e.article_id = $1 AND e.article_group = g.article_group \
                 AND m.entity_id IS NOT NULL) p \
             CROSS JOIN (SELECT ARRAY(SELECT m.entity_id FROM mentions m WHERE m.article_id = $1 \
                 AND m.entity_id IS NOT NULL AND m.entity_type IN ('PER', 'ORG') \
                 ORDER BY m.start_offset) AS named) n \
             ORDER BY g.article_group",
            [article_id.into()],
        ))
        .all(&txn)
        .await?;
        Ok((EventTxn { txn }, groups))
    }
}

impl EventTxn {
    /// Takes transaction-scoped advisory locks on `keys`, in one statement
    /// and a fixed order: two articles reporting one happening share a
    /// participant's (or the place's) key, so the second waits and then
    /// sees the event the first created.
    pub async fn lock(&self, keys: Vec<String>) -> Result<()> {
        crate::resolution::advisory_locks(&self.txn, keys).await
    }

    /// What each of `ids` lies within: `whole_key` names, from an entity's
    /// facts, the knowledge-base key of its whole (a city's country, an
    /// agency's state); the pairs `(entity, whole)` of those known.
    pub async fn wholes(
        &self,
        ids: &[Uuid],
        whole_key: impl Fn(&EntityFacts) -> Option<String>,
    ) -> Result<Vec<(Uuid, Uuid)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let facts = EntityFacts::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id, canonical_name, entity_type, kb_key FROM entities WHERE id = ANY($1)",
            [ids.to_vec().into()],
        ))
        .all(&self.txn)
        .await?;
        let (parts, keys): (Vec<Uuid>, Vec<String>) = facts
            .iter()
            .filter_map(|f| Some((f.id, whole_key(f)?)))
            .unzip();
        if parts.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self
            .txn
            .query_all_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT k.part, e.id FROM unnest($1::uuid[], $2::text[]) AS k(part, key) \
                 JOIN entities e ON e.kb_key = k.key",
                [parts.into(), keys.into()],
            ))
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get::<Uuid>("", "part")?, r.try_get::<Uuid>("", "id")?)))
            .collect()
    }

    /// Known events found by `keys` ((entity, kind) pairs: a report's
    /// participants and place with its kind; each key's latest [`PER_KEY`]
    /// events), reported within two months of `reported`, latest first: the
    /// candidates of all an article's reports in one query.
    pub async fn candidates(
        &self,
        keys: &[(Uuid, String)],
        reported: NaiveDate,
    ) -> Result<Vec<KnownEvent>> {
        let stmt = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT e.id, e.kind, e.participant_entity_ids, e.place_entity_id, e.first_day, \
                    e.last_day, e.last_reported, e.words, \
                    ARRAY(SELECT x.id FROM entities x WHERE x.id = ANY(e.participant_entity_ids) \
                      AND x.entity_type = 'PER') AS people \
             FROM events e WHERE e.id IN ( \
               SELECT x.event_id FROM unnest($2::uuid[], $1::text[]) AS k(entity_id, kind) \
               CROSS JOIN LATERAL (SELECT event_id FROM event_keys \
                 WHERE entity_id = k.entity_id AND kind = k.kind \
                 ORDER BY event_id DESC LIMIT $5) x) \
               AND e.last_reported >= $3::date - $4 AND e.first_reported <= $3::date + $4 \
             ORDER BY e.last_reported DESC, e.id DESC",
            [
                keys.iter().map(|k| k.1.clone()).collect::<Vec<_>>().into(),
                keys.iter().map(|k| k.0).collect::<Vec<_>>().into(),
                reported.into(),
                CANDIDATE_DAYS.into(),
                PER_KEY.into(),
            ],
        );
        Ok(KnownEvent::find_by_statement(stmt).all(&self.txn).await?)
    }

    /// Links the article's group to `event` (widening what the event
    /// knows), or to a new event of `kind` when `event` is `None`; keeps
    /// `evidence` (JSON) with each report. The event's id.
    pub async fn link(
        &self,
        article_id: Uuid,
        group: &ReportGroup,
        kind: &str,
        event: Option<Uuid>,
        evidence: &serde_json::Value,
    ) -> Result<Uuid> {
        let id = event.unwrap_or_else(Uuid::now_v7);
        let write = if event.is_some() {
            // least / greatest skip NULLs: a day said once is kept. A report
            // that adds nothing leaves the row (and its lock) alone: popular
            // events get many reports.
            "UPDATE events SET participant_entity_ids = CASE \
               WHEN cardinality(participant_entity_ids) >= $11 THEN participant_entity_ids \
               ELSE (ARRAY(SELECT DISTINCT x FROM \
                 unnest(participant_entity_ids || $3::uuid[]) AS x))[1:$11] END, \
             words = CASE WHEN cardinality(words) >= $11 THEN words \
               ELSE (ARRAY(SELECT DISTINCT x FROM unnest(words || $12::text[]) AS x))[1:$11] END, \
             place_entity_id = coalesce(place_entity_id, $4), \
             first_day = least(first_day, $5), last_day = greatest(last_day, $6), \
             first_reported = least(first_reported, $7), \
             last_reported = greatest(last_reported, $7), updated_at = now() \
             WHERE id = $1 AND kind = $2 \
               AND NOT ((participant_entity_ids @> $3::uuid[] \
                   OR cardinality(participant_entity_ids) >= $11) \
                 AND (words @> $12::text[] OR cardinality(words) >= $11) \
                 AND place_entity_id IS NOT DISTINCT FROM coalesce(place_entity_id, $4) \
                 AND first_day IS NOT DISTINCT FROM least(first_day, $5) \
                 AND last_day IS NOT DISTINCT FROM greatest(last_day, $6) \
                 AND first_reported <= $7 AND last_reported >= $7)"
        } else {
            "INSERT INTO events (id, kind, participant_entity_ids, place_entity_id, first_day, \
               last_day, first_reported, last_reported, words) \
             VALUES ($1, $2, ($3::uuid[])[1:$11], $4, $5, $6, $7, $7, ($12::text[])[1:$11])"
        };
        // One statement: the event, the keys it is found by (every
        // participant and the place), and its reports.
        let sql = format!(
            "WITH w AS ({write}), \
             k AS (INSERT INTO event_keys (entity_id, kind, event_id) \
               SELECT DISTINCT k, $2, $1 FROM unnest($3::uuid[] || $4::uuid) AS k \
               WHERE k IS NOT NULL ON CONFLICT DO NOTHING) \
             UPDATE event_mentions SET event_id = $1, link_evidence = $8::jsonb \
             WHERE article_id = $9 AND article_group = $10"
        );
        self.txn
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                sql,
                [
                    id.into(),
                    kind.into(),
                    group.participants.clone().into(),
                    group.place.into(),
                    group.first_day.into(),
                    group.last_day.into(),
                    group.reported.into(),
                    evidence.to_string().into(),
                    article_id.into(),
                    group.article_group.into(),
                    PARTICIPANTS.into(),
                    group.words.clone().into(),
                ],
            ))
            .await?;
        Ok(id)
    }

    pub async fn commit(self) -> Result<()> {
        Ok(self.txn.commit().await?)
    }
}

/// An event as listed: what it is, who took part, and what its reports say.
#[derive(Debug, Clone, FromQueryResult)]
pub struct EventRow {
    pub id: Uuid,
    pub kind: String,
    /// `{entity_id, name}` objects (JSON), in the order first reported.
    pub participants: serde_json::Value,
    pub place_entity_id: Option<Uuid>,
    pub place_name: Option<String>,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub first_reported: NaiveDate,
    pub last_reported: NaiveDate,
    pub reports: i64,
    pub articles: i64,
    /// Some report holds it happened (or will) and some denies it.
    pub contested: bool,
    /// Stance codes of its reports, each once.
    pub stances: Vec<String>,
}

/// Filters of an event listing; empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Events this entity took part in (or that took place there).
    pub entity: Option<Uuid>,
    pub place: Option<Uuid>,
    /// Kind codes; a family's members count.
    pub kinds: Vec<String>,
    /// Events with a report of this stance code.
    pub stance: Option<String>,
    pub contested_only: bool,
    /// Reported (first or last) in this range.
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

const EVENT_COLUMNS: &str = "ev.id, ev.kind, \
    coalesce((SELECT jsonb_agg(jsonb_build_object('entity_id', e.id, 'name', e.canonical_name) \
       ORDER BY p.ord) FROM unnest(ev.participant_entity_ids) WITH ORDINALITY AS p(id, ord) \
       JOIN entities e ON e.id = p.id), '[]'::jsonb) AS participants, \
    ev.place_entity_id, (SELECT canonical_name FROM entities WHERE id = ev.place_entity_id) \
       AS place_name, \
    ev.first_day, ev.last_day, ev.first_reported, ev.last_reported, \
    (SELECT count(*) FROM event_mentions m WHERE m.event_id = ev.id) AS reports, \
    (SELECT count(DISTINCT m.article_id) FROM event_mentions m WHERE m.event_id = ev.id) \
       AS articles, \
    (EXISTS (SELECT 1 FROM event_mentions m WHERE m.event_id = ev.id \
       AND m.stance IN ('reported', 'alleged', 'planned', 'confirmed')) \
     AND EXISTS (SELECT 1 FROM event_mentions m WHERE m.event_id = ev.id \
       AND m.stance = 'denied')) AS contested, \
    ARRAY(SELECT DISTINCT m.stance FROM event_mentions m WHERE m.event_id = ev.id \
       ORDER BY 1) AS stances";

impl Store {
    /// Events matching a filter, latest reported first.
    #[tracing::instrument(name = "store.list_events", skip_all, fields(offset, limit))]
    pub async fn list_events(
        &self,
        filter: &EventFilter,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<EventRow>> {
        let stmt = Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT * FROM (SELECT {EVENT_COLUMNS} FROM events ev \
                 WHERE ($1::uuid IS NULL \
                        OR ev.id IN (SELECT event_id FROM event_keys WHERE entity_id = $1)) \
                   AND ($2::uuid IS NULL OR ev.place_entity_id = $2) \
                   AND (cardinality($3::text[]) = 0 OR ev.kind = ANY($3::text[])) \
                   AND ($4::timestamptz IS NULL OR ev.last_reported >= $4::date) \
                   AND ($5::timestamptz IS NULL OR ev.first_reported < $5::date) \
                 ) x \
                 WHERE ($6::text IS NULL OR $6 = ANY(x.stances)) AND (NOT $7 OR x.contested) \
                 ORDER BY x.last_reported DESC, x.id DESC LIMIT $8 OFFSET $9"
            ),
            [
                filter.entity.into(),
                filter.place.into(),
                filter.kinds.clone().into(),
                filter.from.into(),
                filter.until.into(),
                filter.stance.clone().into(),
                filter.contested_only.into(),
                i64::try_from(limit).unwrap_or(i64::MAX).into(),
                i64::try_from(offset).unwrap_or(i64::MAX).into(),
            ],
        );
        Ok(EventRow::find_by_statement(stmt).all(&self.db).await?)
    }

    /// One event as listed.
    pub async fn get_event(&self, id: Uuid) -> Result<Option<EventRow>> {
        Ok(EventRow::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!("SELECT {EVENT_COLUMNS} FROM events ev WHERE ev.id = $1"),
            [id.into()],
        ))
        .one(&self.db)
        .await?)
    }
}
