//! Pure text analysis for ingest: a story's body into word tokens and
//! sentences. The name recogniser
//! (`mediamon-ner`) reads the same tokens and sentences.
//!
//! Invariants: no IO; tokens carry byte offsets, sentences both byte and
//! code-point offsets, into the text given.

pub mod sentences;
pub mod tokens;

pub use sentences::{Sentence, split_sentences};
pub use tokens::{Token, sentences, tokenize};
