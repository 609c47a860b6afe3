//! An entity's name follows the form its latest mentions that named it
//! use (`Store::refresh_names`): those mentions are read from an index of
//! their own, not picked out of all its mentions (on a popular entity
//! three in four were of other decisions, and the read was the resolver's
//! costliest statement under load).

use sea_orm_migration::prelude::*;

const UP: &str = r#"
CREATE INDEX mentions_entity_named_idx ON mentions (entity_id, id)
  WHERE decision IN ('new_entity', 'alias_match', 'variant', 'context');
"#;

const DOWN: &str = r#"
DROP INDEX mentions_entity_named_idx;
"#;

sql_migration!("m20261209_000014_named_mentions");
