//! Each mention keeps the evidence its resolution rested on (the candidates
//! weighed, the antecedent, the score), so an explanation shows the decision
//! as it was made. An entity loaded from the knowledge base carries its key
//! there, so loading again updates it instead of adding a twin. An entity's
//! name follows the form news uses most unless an analyst set it
//! (`canonical_curated`).

use sea_orm_migration::prelude::*;

const UP: &str = r#"
ALTER TABLE mentions ADD COLUMN evidence jsonb;
ALTER TABLE entities ADD COLUMN kb_key text;
CREATE UNIQUE INDEX entities_kb_key_idx ON entities (kb_key) WHERE kb_key IS NOT NULL;
ALTER TABLE entities ADD COLUMN canonical_curated boolean NOT NULL DEFAULT false;
-- An entity's latest mentions, read in order (its name follows them).
CREATE INDEX mentions_entity_recent_idx ON mentions (entity_id, id);
DROP INDEX mentions_entity_idx;
"#;

const DOWN: &str = r#"
CREATE INDEX mentions_entity_idx ON mentions (entity_id);
DROP INDEX mentions_entity_recent_idx;
ALTER TABLE entities DROP COLUMN canonical_curated;
DROP INDEX entities_kb_key_idx;
ALTER TABLE entities DROP COLUMN kb_key;
ALTER TABLE mentions DROP COLUMN evidence;
"#;

sql_migration!("m20261207_000011_evidence_known");
