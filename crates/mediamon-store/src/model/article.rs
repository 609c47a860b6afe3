//! `articles`: one stored story. The generated `search` column is not mapped.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub authors: Vec<String>,
    pub language: Option<String>,
    pub published_at: Option<DateTimeUtc>,
    pub published_precision: Option<String>,
    pub published_source: Option<String>,
    pub dateline: Option<String>,
    pub minhash: Option<Vec<i32>>,
    pub ingested_at: DateTimeUtc,
    pub content_hash: String,
    pub idempotency_key: Option<String>,
    pub resolution_state: String,
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
