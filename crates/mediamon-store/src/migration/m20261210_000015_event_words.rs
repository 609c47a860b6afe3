//! An event keeps the words its reports were told in (their triggers,
//! lower case, at most twenty like its participants): linking weighs a
//! report told in the same word as an event's for it. Events linked before
//! take theirs from their reports.

use sea_orm_migration::prelude::*;

const UP: &str = r#"
ALTER TABLE events ADD COLUMN words text[] NOT NULL DEFAULT '{}';
UPDATE events e SET words = ARRAY(
  SELECT DISTINCT lower(m.trigger) FROM event_mentions m WHERE m.event_id = e.id
  ORDER BY 1 LIMIT 20);
"#;

const DOWN: &str = r#"
ALTER TABLE events DROP COLUMN words;
"#;

sql_migration!("m20261210_000015_event_words");
