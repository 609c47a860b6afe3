//! Registered RSS/Atom feeds, polled by the ingest replicas (a lease keeps
//! two replicas off one feed), and the items already taken from each.

use sea_orm_migration::prelude::*;

const UP: &str = r#"
CREATE TABLE feeds (
    id                 uuid PRIMARY KEY,
    url                text NOT NULL UNIQUE,
    poll_interval_secs integer NOT NULL CHECK (poll_interval_secs > 0),
    etag               text,
    last_modified      text,
    next_poll_at       timestamptz NOT NULL DEFAULT now(),
    lease_until        timestamptz,
    last_polled_at     timestamptz,
    last_status        text,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feeds_due_idx ON feeds (next_poll_at);
CREATE TABLE feed_items (
    feed_id    uuid NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    item_key   text NOT NULL,
    link       text NOT NULL,
    article_id uuid REFERENCES articles (id) ON DELETE SET NULL,
    -- Why the item was not stored, when it was not.
    error      text,
    taken_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (feed_id, item_key)
);
"#;

const DOWN: &str = r#"
DROP TABLE feed_items;
DROP TABLE feeds;
"#;

sql_migration!("m20261129_000007_feeds");
