//! A merged entity's id keeps meaning its survivor: readers holding an old
//! id (an analyst's saved watch list, a link in a report) are redirected
//! instead of told the entity is gone. Each row points straight at the
//! current survivor (a later merge of the survivor re-points its rows).

use sea_orm_migration::prelude::*;

const UP: &str = r#"
CREATE TABLE entity_redirects (
    from_id   uuid PRIMARY KEY,
    to_id     uuid NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    merged_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX entity_redirects_to_idx ON entity_redirects (to_id);
"#;

const DOWN: &str = r#"
DROP TABLE entity_redirects;
"#;

sql_migration!("m20261210_000016_entity_redirects");
