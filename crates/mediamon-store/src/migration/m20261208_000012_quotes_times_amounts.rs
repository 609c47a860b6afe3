//! What ingest reads in a story besides names, each citing its article and
//! offsets: quotations and reported speech (the speaker is one of the
//! article's mentions, so it follows that mention's resolution and any
//! merge without being written again), time expressions with the days they
//! cover, amounts with what they count, and event mentions: a report of a
//! happening with its participants, place and time, who asserts it and with
//! what stance (participants, place and source are mentions too).

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
CREATE TABLE time_expressions (
    id uuid PRIMARY KEY,
    article_id uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start_offset integer NOT NULL,
    end_offset integer NOT NULL,
    text text NOT NULL,
    first_day date NOT NULL,
    last_day date NOT NULL,
    precision text NOT NULL,
    relative boolean NOT NULL
);
CREATE INDEX time_expressions_article_idx ON time_expressions (article_id, start_offset);
CREATE TABLE amounts (
    id uuid PRIMARY KEY,
    article_id uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start_offset integer NOT NULL,
    end_offset integer NOT NULL,
    text text NOT NULL,
    value double precision NOT NULL,
    unit text NOT NULL,
    counted text NOT NULL,
    approximate boolean NOT NULL
);
CREATE INDEX amounts_article_idx ON amounts (article_id, start_offset);
CREATE TABLE event_mentions (
    id uuid PRIMARY KEY,
    article_id uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    start_offset integer NOT NULL,
    end_offset integer NOT NULL,
    trigger text NOT NULL,
    kind text NOT NULL,
    stance text NOT NULL,
    cue text NOT NULL,
    source_kind text NOT NULL,
    source_mention_id uuid REFERENCES mentions (id) ON DELETE SET NULL,
    place_mention_id uuid REFERENCES mentions (id) ON DELETE SET NULL,
    participant_mention_ids uuid[] NOT NULL,
    time_text text NOT NULL,
    first_day date,
    last_day date,
    claim_time_text text NOT NULL,
    claim_day date,
    sentence_index integer NOT NULL,
    article_group integer NOT NULL
);
CREATE INDEX event_mentions_article_idx ON event_mentions (article_id, start_offset);
"#;

const DOWN: &str = r#"
DROP TABLE event_mentions;
DROP TABLE amounts;
DROP TABLE time_expressions;
DROP TABLE quotes;
"#;

sql_migration!("m20261208_000012_quotes_times_amounts");
