//! Each mention keeps the evidence its resolution rested on (the candidates
//! weighed, the antecedent, the score), so an explanation shows the decision
//! as it was made. An entity loaded from the knowledge base carries its key
//! there, so loading again updates it instead of adding a twin. Each alias
//! counts the mentions written that way, so an entity's name is the form
//! news uses most (unless an analyst set it: `canonical_curated`).

use sea_orm_migration::prelude::*;

const UP: &str = r#"
ALTER TABLE mentions ADD COLUMN evidence jsonb;
ALTER TABLE entities ADD COLUMN kb_key text;
CREATE UNIQUE INDEX entities_kb_key_idx ON entities (kb_key) WHERE kb_key IS NOT NULL;
ALTER TABLE aliases ADD COLUMN mentions integer NOT NULL DEFAULT 0;
ALTER TABLE entities ADD COLUMN canonical_curated boolean NOT NULL DEFAULT false;
"#;

const DOWN: &str = r#"
ALTER TABLE entities DROP COLUMN canonical_curated;
ALTER TABLE aliases DROP COLUMN mentions;
DROP INDEX entities_kb_key_idx;
ALTER TABLE entities DROP COLUMN kb_key;
ALTER TABLE mentions DROP COLUMN evidence;
"#;

sql_migration!("m20261207_000011_evidence_known");
