//! What is known of an article's publication time (its precision and where
//! it was found) and the dateline place, from extraction or the caller.

use sea_orm_migration::prelude::*;

const UP: &str = r#"
ALTER TABLE articles
    ADD COLUMN published_precision text
        CHECK (published_precision IN ('time', 'day', 'month', 'year')),
    ADD COLUMN published_source text
        CHECK (published_source IN ('caller', 'meta', 'json-ld', 'time-element', 'text', 'feed')),
    ADD COLUMN dateline text;
-- Until now every publication time came from the caller, as a full time.
UPDATE articles SET published_precision = 'time', published_source = 'caller'
    WHERE published_at IS NOT NULL;
ALTER TABLE articles
    ADD CONSTRAINT articles_published_known CHECK (
        (published_at IS NULL) = (published_precision IS NULL)
        AND (published_at IS NULL) = (published_source IS NULL));
"#;

const DOWN: &str = r#"
ALTER TABLE articles
    DROP CONSTRAINT articles_published_known,
    DROP COLUMN published_precision,
    DROP COLUMN published_source,
    DROP COLUMN dateline;
"#;

sql_migration!("m20261129_000005_article_dates");
