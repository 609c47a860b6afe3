//! A mention carries its article's time (publication, else ingestion),
//! which never changes once stored, and an index on (entity, time,
//! article) answers an entity's reads by time without visiting its
//! articles: a timeline counts index entries, "its latest articles" reads
//! the index backwards and stops, first and last seen are its ends. A
//! popular entity has hundreds of thousands of mentions; joining each to
//! its article was most of a timeline's and a co-mention graph's cost.
//! An article's mentions are read with their entities from the article
//! index alone (co-mentions count the entities of a thousand articles).

use sea_orm_migration::prelude::*;

const UP: &str = r#"
ALTER TABLE mentions ADD COLUMN article_time timestamptz;
UPDATE mentions m SET article_time = coalesce(a.published_at, a.ingested_at)
  FROM articles a WHERE a.id = m.article_id;
ALTER TABLE mentions ALTER COLUMN article_time SET NOT NULL;
CREATE INDEX mentions_entity_time_idx ON mentions (entity_id, article_time, article_id);
DROP INDEX mentions_article_idx;
CREATE INDEX mentions_article_idx ON mentions (article_id, start_offset) INCLUDE (entity_id);
"#;

const DOWN: &str = r#"
DROP INDEX mentions_article_idx;
CREATE INDEX mentions_article_idx ON mentions (article_id, start_offset);
DROP INDEX mentions_entity_time_idx;
ALTER TABLE mentions DROP COLUMN article_time;
"#;

sql_migration!("m20261210_000017_mention_times");
