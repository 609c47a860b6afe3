//! A dead-letter state for the outbox: an item that failed
//! `outbox.max_attempts` times for a reason that will not pass by itself is
//! set aside (`failed_at`), kept with its last error, and no longer claimed
//! until an operator retries it. `failures` counts those attempts apart
//! from `attempts`, which an outage of the resolver also raises.

use sea_orm_migration::prelude::*;

const UP: &str = r#"
ALTER TABLE outbox
    ADD COLUMN failures  integer NOT NULL DEFAULT 0,
    ADD COLUMN failed_at timestamptz;
DROP INDEX outbox_due_idx;
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id)
    WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_failed_idx ON outbox (failed_at, id) WHERE failed_at IS NOT NULL;
"#;

const DOWN: &str = r#"
DROP INDEX outbox_failed_idx;
DROP INDEX outbox_due_idx;
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE done_at IS NULL;
ALTER TABLE outbox DROP COLUMN failed_at, DROP COLUMN failures;
"#;

sql_migration!("m20261206_000010_outbox_failed");
