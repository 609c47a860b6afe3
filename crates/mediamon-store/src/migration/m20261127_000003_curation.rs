//! The curation audit log and the names analysts took away from an entity.

use sea_orm_migration::prelude::*;

const UP: &str = r#"
CREATE TABLE curation_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL,
    action     text NOT NULL,
    entity_ids uuid[] NOT NULL,
    reason     text NOT NULL,
    detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX curation_log_entities_idx ON curation_log USING gin (entity_ids);

CREATE TABLE blocked_aliases (
    entity_id  uuid NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    norm       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entity_id, norm)
);
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS blocked_aliases;
DROP TABLE IF EXISTS curation_log;
"#;

sql_migration!("m20261127_000003_curation");
