//! sea-orm entities (models), one module per table.

pub mod alias;
pub mod article;
pub mod entity;
pub mod mention;
pub mod outbox;
