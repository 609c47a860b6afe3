//! Quotations and reported speech found at ingest, each citing its article
//! and offsets; the speaker is one of the article's mentions, so it follows
//! that mention's resolution (and any merge) without being written again.

use sea_orm_migration::prelude::*;

const UP: &str = r#"
CREATE TABLE quotes (
    id uuid PRIMARY KEY,
    article_id uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start_offset integer NOT NULL,
    end_offset integer NOT NULL,
    text text NOT NULL,
    speaker_mention_id uuid REFERENCES mentions (id) ON DELETE SET NULL,
    speaker_text text NOT NULL,
    verb text NOT NULL,
    direct boolean NOT NULL,
    anonymous boolean NOT NULL
);
CREATE INDEX quotes_article_idx ON quotes (article_id, start_offset);
CREATE INDEX quotes_speaker_idx ON quotes (speaker_mention_id) WHERE speaker_mention_id IS NOT NULL;
"#;

const DOWN: &str = r#"
DROP TABLE quotes;
"#;

sql_migration!("m20261208_000012_quotes");
