//! One event, many reports: an event record links the event mentions of
//! different articles and outlets that report one happening. It keeps what
//! linking looks up (its kind, participants' and place's entities, the days
//! it happened, when it was reported); each event mention keeps the event
//! it was linked to and the evidence of that decision.

use sea_orm_migration::prelude::*;

const UP: &str = r#"
CREATE TABLE events (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    participant_entity_ids uuid[] NOT NULL,
    place_entity_id uuid,
    first_day date,
    last_day date,
    first_reported date NOT NULL,
    last_reported date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_reported_idx ON events (last_reported DESC, id DESC);
-- How linking finds candidates, and a listing an entity's events: per
-- participant (or place) entity and kind, its latest events first (ids are
-- UUIDv7), so a popular entity costs a short index range, not a scan of all
-- its events.
CREATE TABLE event_keys (
    entity_id uuid NOT NULL,
    kind text NOT NULL,
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    PRIMARY KEY (entity_id, kind, event_id)
);
ALTER TABLE event_mentions
    ADD COLUMN event_id uuid REFERENCES events (id) ON DELETE SET NULL,
    ADD COLUMN link_evidence jsonb;
CREATE INDEX event_mentions_event_idx ON event_mentions (event_id) WHERE event_id IS NOT NULL;
"#;

const DOWN: &str = r#"
DROP INDEX event_mentions_event_idx;
ALTER TABLE event_mentions DROP COLUMN link_evidence, DROP COLUMN event_id;
DROP TABLE event_keys;
DROP TABLE events;
"#;

sql_migration!("m20261208_000013_events");
