//! The schema, as an ordered list of migrations. `mediamon migrate` is the one
//! command that applies them; servers never migrate at start-up.

use sea_orm_migration::prelude::*;

/// A migration that runs one SQL script up and another down.
macro_rules! sql_migration {
    ($name:literal) => {
        pub struct Migration;

        impl MigrationName for Migration {
            fn name(&self) -> &str {
                $name
            }
        }

        #[async_trait::async_trait]
        impl MigrationTrait for Migration {
            async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                manager.get_connection().execute_unprepared(UP).await?;
                Ok(())
            }

            async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                manager.get_connection().execute_unprepared(DOWN).await?;
                Ok(())
            }
        }
    };
}

mod m20261127_000001_init;
mod m20261127_000002_name_keys;
mod m20261127_000003_curation;
mod m20261128_000004_key_order;
mod m20261129_000005_article_dates;
mod m20261129_000006_near_duplicates;
mod m20261129_000007_feeds;
mod m20261129_000008_article_bands;
mod m20261129_000009_blocked_by_name;
mod m20261206_000010_outbox_failed;
mod m20261207_000011_evidence_known;
mod m20261208_000012_quotes_times_amounts;
mod m20261208_000013_events;
mod m20261209_000014_named_mentions;
mod m20261210_000015_event_words;
mod m20261210_000016_entity_redirects;
mod m20261210_000017_mention_times;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_init::Migration),
            Box::new(m20261127_000002_name_keys::Migration),
            Box::new(m20261127_000003_curation::Migration),
            Box::new(m20261128_000004_key_order::Migration),
            Box::new(m20261129_000005_article_dates::Migration),
            Box::new(m20261129_000006_near_duplicates::Migration),
            Box::new(m20261129_000007_feeds::Migration),
            Box::new(m20261129_000008_article_bands::Migration),
            Box::new(m20261129_000009_blocked_by_name::Migration),
            Box::new(m20261206_000010_outbox_failed::Migration),
            Box::new(m20261207_000011_evidence_known::Migration),
            Box::new(m20261208_000012_quotes_times_amounts::Migration),
            Box::new(m20261208_000013_events::Migration),
            Box::new(m20261209_000014_named_mentions::Migration),
            Box::new(m20261210_000015_event_words::Migration),
            Box::new(m20261210_000016_entity_redirects::Migration),
            Box::new(m20261210_000017_mention_times::Migration),
        ]
    }
}
