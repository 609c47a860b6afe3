//! Near-duplicate articles: each article's MinHash signature and its LSH band
//! keys (GIN-indexed, so candidates are found by any equal band), and the
//! link from a near duplicate to the earlier article it copies.

use sea_orm_migration::prelude::*;

const UP: &str = r#"
ALTER TABLE articles
    ADD COLUMN minhash int4[],
    ADD COLUMN minhash_bands int8[];
CREATE INDEX articles_minhash_bands_idx ON articles USING gin (minhash_bands);
CREATE TABLE near_duplicates (
    article_id  uuid PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    original_id uuid NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    similarity  real NOT NULL CHECK (similarity > 0 AND similarity <= 1),
    CHECK (article_id <> original_id)
);
CREATE INDEX near_duplicates_original_idx ON near_duplicates (original_id);
"#;

const DOWN: &str = r#"
DROP TABLE near_duplicates;
DROP INDEX articles_minhash_bands_idx;
ALTER TABLE articles DROP COLUMN minhash, DROP COLUMN minhash_bands;
"#;

sql_migration!("m20261129_000006_near_duplicates");
