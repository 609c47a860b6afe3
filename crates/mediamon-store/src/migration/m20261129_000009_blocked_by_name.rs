//! Blocked names are looked up by name for a whole resolution at once
//! (the names an article mentions), not entity by entity.

use sea_orm_migration::prelude::*;

const UP: &str = r#"
CREATE INDEX blocked_aliases_norm_idx ON blocked_aliases (norm);
"#;

const DOWN: &str = r#"
DROP INDEX blocked_aliases_norm_idx;
"#;

sql_migration!("m20261129_000009_blocked_by_name");
