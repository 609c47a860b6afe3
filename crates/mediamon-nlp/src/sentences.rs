//! Sentences of a body with their offsets: the sentence ends of
//! [`crate::tokens::sentences`], so that a sentence index from the name
//! recogniser (which splits alike) names the same sentence here.

use crate::tokens::{sentences, tokenize};

/// One sentence of a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Code-point offset of the first character.
    pub start: usize,
    /// Code-point offset one past the last character (trailing space excluded).
    pub end: usize,
    /// Byte offset of the first character, for slicing the body.
    pub byte_start: usize,
    /// Byte offset one past the last character.
    pub byte_end: usize,
}

/// Splits a body into sentences; paragraphs never share a sentence.
pub fn split_sentences(body: &str) -> Vec<Sentence> {
    let tokens = tokenize(body);
    let mut out = Vec::new();
    // Code-point offsets are computed incrementally so the whole split is linear.
    let (mut byte_pos, mut char_pos) = (0usize, 0usize);
    for range in sentences(body, &tokens) {
        let (bs, be) = (tokens[range.start].start, tokens[range.end - 1].end);
        char_pos += body[byte_pos..bs].chars().count();
        let start = char_pos;
        char_pos += body[bs..be].chars().count();
        byte_pos = be;
        out.push(Sentence {
            start,
            end: char_pos,
            byte_start: bs,
            byte_end: be,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(body: &str) -> Vec<&str> {
        split_sentences(body)
            .iter()
            .map(|s| &body[s.byte_start..s.byte_end])
            .collect()
    }

    #[test]
    fn splits_on_sentence_ends() {
        assert_eq!(
            texts("The talks ended. Both sides left! Did they agree?"),
            vec!["The talks ended.", "Both sides left!", "Did they agree?"]
        );
    }

    #[test]
    fn keeps_titles_and_initialisms_inside() {
        assert_eq!(
            texts("Dr. Abdullah met the U.S. envoy on Monday. He left."),
            vec!["Dr. Abdullah met the U.S. envoy on Monday.", "He left."]
        );
    }

    #[test]
    fn paragraphs_break_sentences() {
        assert_eq!(
            texts("No full stop here\n\nNext paragraph."),
            vec!["No full stop here", "Next paragraph."]
        );
    }

    #[test]
    fn offsets_count_code_points() {
        let body = "Türkiye hosted it. Kabul said no.";
        let s = split_sentences(body);
        assert_eq!((s[1].start, s[1].end), (19, 33));
    }
}
