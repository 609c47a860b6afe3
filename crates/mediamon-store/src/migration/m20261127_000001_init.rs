//! Articles, mentions, entities, aliases and the outbox.

use sea_orm_migration::prelude::*;

const UP: &str = r#"
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TABLE articles (
    id               uuid PRIMARY KEY,
    title            text NOT NULL,
    body             text NOT NULL,
    url              text,
    outlet           text,
    authors          text[] NOT NULL DEFAULT '{}',
    language         text,
    published_at     timestamptz,
    ingested_at      timestamptz NOT NULL DEFAULT now(),
    content_hash     text NOT NULL UNIQUE,
    idempotency_key  text UNIQUE,
    resolution_state text NOT NULL DEFAULT 'pending'
                     CHECK (resolution_state IN ('pending', 'resolved')),
    resolved_at      timestamptz,
    search           tsvector GENERATED ALWAYS AS
                     (setweight(to_tsvector('english', title), 'A') ||
                      setweight(to_tsvector('english', body), 'B')) STORED
);
CREATE INDEX articles_search_idx ON articles USING gin (search);
CREATE INDEX articles_time_idx ON articles (coalesce(published_at, ingested_at) DESC, id);
CREATE INDEX articles_outlet_idx ON articles (lower(outlet));

CREATE TABLE entities (
    id             uuid PRIMARY KEY,
    canonical_name text NOT NULL,
    entity_type    text NOT NULL CHECK (entity_type IN ('PER', 'ORG', 'LOC', 'MISC')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE aliases (
    id         bigserial PRIMARY KEY,
    entity_id  uuid NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    name       text NOT NULL,
    norm       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (entity_id, norm)
);
CREATE INDEX aliases_norm_idx ON aliases (norm);
CREATE INDEX aliases_norm_trgm_idx ON aliases USING gin (norm gin_trgm_ops);

CREATE TABLE mentions (
    id             uuid PRIMARY KEY,
    article_id     uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_type    text NOT NULL CHECK (entity_type IN ('PER', 'ORG', 'LOC', 'MISC')),
    start_offset   integer NOT NULL CHECK (start_offset >= 0),
    end_offset     integer NOT NULL CHECK (end_offset > start_offset),
    text           text NOT NULL,
    sentence_index integer NOT NULL,
    titles         text[] NOT NULL DEFAULT '{}',
    confidence     real NOT NULL,
    entity_id      uuid REFERENCES entities (id),
    decision       text,
    resolved_at    timestamptz
);
CREATE INDEX mentions_article_idx ON mentions (article_id, start_offset);
CREATE INDEX mentions_entity_idx ON mentions (entity_id);

CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    article_id      uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind            text NOT NULL,
    traceparent     text,
    tracestate      text,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    done_at         timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id) WHERE done_at IS NULL;
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS outbox;
DROP TABLE IF EXISTS mentions;
DROP TABLE IF EXISTS aliases;
DROP TABLE IF EXISTS entities;
DROP TABLE IF EXISTS articles;
"#;

sql_migration!("m20261127_000001_init");
