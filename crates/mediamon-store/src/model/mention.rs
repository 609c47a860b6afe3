//! `mentions`: one name occurrence in an article, linked to an entity once resolved.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "mentions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub article_id: Uuid,
    pub entity_type: String,
    pub start_offset: i32,
    pub end_offset: i32,
    pub text: String,
    pub sentence_index: i32,
    pub titles: Vec<String>,
    pub confidence: f32,
    pub entity_id: Option<Uuid>,
    pub decision: Option<String>,
    /// What the decision rested on (see `mediamon-resolution`'s `Evidence`),
    /// as the resolver wrote it.
    pub evidence: Option<Json>,
    pub resolved_at: Option<DateTimeUtc>,
    /// The article's publication (else ingestion) time.
    pub article_time: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
