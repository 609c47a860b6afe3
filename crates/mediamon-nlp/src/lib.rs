//! Pure text analysis for ingest: split a plain-text article into title and
//! body, the body into word tokens and sentences. The name recogniser
//! (`mediamon-ner`) reads the same tokens and sentences.
//!
//! Invariants: no IO; tokens carry byte offsets, sentences both byte and
//! code-point offsets, into the text given.

pub mod article;
pub mod sentences;
pub mod tokens;

pub use article::{PlainArticle, split_plain_text};
pub use sentences::{Sentence, split_sentences};
pub use tokens::{Token, sentences, tokenize};
