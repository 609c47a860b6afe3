//! Blocking-key indexes that also order by alias id, so a capped probe
//! ("the oldest N aliases with this surname skeleton") reads N index entries
//! instead of sorting every alias of a common key ("Khan", "Council"). The
//! first-token key goes: a given name alone never links across articles, and
//! its probe read hundreds of "Mohammad"s for nothing.

use sea_orm_migration::prelude::*;

const UP: &str = r#"
CREATE INDEX aliases_norm_id_idx ON aliases (norm, id);
CREATE INDEX aliases_skeleton_id_idx ON aliases (skeleton, id);
CREATE INDEX aliases_last_skeleton_id_idx ON aliases (last_skeleton, id);
DROP INDEX aliases_norm_idx;
DROP INDEX aliases_skeleton_idx;
DROP INDEX aliases_last_skeleton_idx;
ALTER TABLE aliases DROP COLUMN first_skeleton;
-- Equality probes now go through the ordered btrees, so the trigram index
-- (fuzzy search only) may buffer inserts again: writing each alias straight
-- into the posting lists was most of a resolution's write time (measured).
ALTER INDEX aliases_norm_trgm_idx SET (fastupdate = on, gin_pending_list_limit = 256);
"#;

const DOWN: &str = r#"
ALTER INDEX aliases_norm_trgm_idx SET (fastupdate = off);
ALTER INDEX aliases_norm_trgm_idx RESET (gin_pending_list_limit);
ALTER TABLE aliases ADD COLUMN first_skeleton text NOT NULL DEFAULT '';
CREATE INDEX aliases_norm_idx ON aliases (norm);
CREATE INDEX aliases_skeleton_idx ON aliases (skeleton);
CREATE INDEX aliases_first_skeleton_idx ON aliases (first_skeleton);
CREATE INDEX aliases_last_skeleton_idx ON aliases (last_skeleton);
DROP INDEX aliases_norm_id_idx;
DROP INDEX aliases_skeleton_id_idx;
DROP INDEX aliases_last_skeleton_id_idx;
"#;

sql_migration!("m20261128_000004_key_order");
