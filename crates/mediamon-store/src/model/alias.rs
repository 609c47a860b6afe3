//! `aliases`: a surface form of an entity and its normalised key.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "aliases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub entity_id: Uuid,
    pub name: String,
    pub norm: String,
    pub created_at: DateTimeUtc,
    pub skeleton: String,
    pub last_skeleton: String,
    pub initialism: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
