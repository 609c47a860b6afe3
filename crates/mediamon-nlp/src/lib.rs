//! Pure text analysis for ingest: a story's body into word tokens (also with
//! code-point offsets, as the annotators read them) and sentences, and the
//! values of number words. The name recogniser
//! (`mediamon-ner`) reads the same tokens and sentences.
//!
//! Invariants: no IO; tokens carry byte offsets, sentences both byte and
//! code-point offsets, into the text given.

pub mod sentences;
pub mod tokens;
pub mod words;

pub use sentences::{Sentence, split_sentences};
pub use tokens::{Token, sentences, tokenize};
pub use words::{Word, full_month, month, number_word, words};
