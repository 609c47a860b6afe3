//! The schema, as an ordered list of migrations. `mediamon migrate` is the one
//! command that applies them; servers never migrate at start-up.

use sea_orm_migration::prelude::*;

mod m20261127_000001_init;
mod m20261127_000002_name_keys;
mod m20261127_000003_curation;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_init::Migration),
            Box::new(m20261127_000002_name_keys::Migration),
            Box::new(m20261127_000003_curation::Migration),
        ]
    }
}
