//! Pure text analysis for ingest: split a plain-text article into title and
//! body, the body into sentences, and find the names in it.
//!
//! The name finder here is the **baseline**: capitalised word sequences typed
//! by cue words. A trained tagger replaces it; it exists so that the pipeline
//! runs end to end from the first day, and its limits are documented below.
//!
//! Invariant: no IO; every offset is in Unicode code points into the body.

pub mod article;
pub mod names;
pub mod sentences;
pub mod tokens;

pub use article::{PlainArticle, split_plain_text};
pub use names::{Kind, Mention, find_names};
pub use sentences::{Sentence, split_sentences};
pub use tokens::{Token, sentences, tokenize};
