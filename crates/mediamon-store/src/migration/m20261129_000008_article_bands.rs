//! Near-duplicate candidates by band, newest first: one row per LSH band
//! key of an article, keyed (band, article). Ids are UUIDv7, so the key
//! order within a band is ingest order, and "the latest articles sharing
//! this band" is a bounded index range however many articles share it (a
//! template paragraph puts thousands in one band; the GIN index it replaces
//! had to fetch and sort them all).

use sea_orm_migration::prelude::*;

const UP: &str = r#"
CREATE TABLE article_bands (
    band       int8 NOT NULL,
    -- Articles are never deleted through the API; a manual delete cascades
    -- (by scanning this table: no second index is kept for that).
    article_id uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
);
INSERT INTO article_bands (band, article_id)
    SELECT DISTINCT b, id FROM articles, unnest(minhash_bands) AS b
    WHERE minhash_bands IS NOT NULL;
DROP INDEX articles_minhash_bands_idx;
ALTER TABLE articles DROP COLUMN minhash_bands;
"#;

const DOWN: &str = r#"
ALTER TABLE articles ADD COLUMN minhash_bands int8[];
UPDATE articles a SET minhash_bands = b.bands
    FROM (SELECT article_id, array_agg(band) AS bands FROM article_bands GROUP BY 1) b
    WHERE a.id = b.article_id;
CREATE INDEX articles_minhash_bands_idx ON articles USING gin (minhash_bands);
DROP TABLE article_bands;
"#;

sql_migration!("m20261129_000008_article_bands");
