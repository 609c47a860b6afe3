//! Sentence splitting: Unicode sentence boundaries (UAX #29), then re-joined
//! where a boundary follows a title abbreviation that UAX #29 cannot know
//! ("Dr. Abdullah").

use unicode_segmentation::UnicodeSegmentation;

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

const ABBREVIATIONS: &[&str] = &[
    "Dr.", "Mr.", "Mrs.", "Ms.", "Gen.", "Col.", "Lt.", "Capt.", "Prof.", "Sen.", "Rep.", "St.",
    "Jan.", "Feb.", "Mar.", "Apr.", "Aug.", "Sept.", "Sep.", "Oct.", "Nov.", "Dec.", "No.",
];

/// Splits a body into sentences; paragraphs never share a sentence.
pub fn split_sentences(body: &str) -> Vec<Sentence> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (start, piece) in body.split_sentence_bound_indices() {
        let end = start + piece.trim_end().len();
        let joins_previous = spans
            .last()
            .is_some_and(|&(ps, pe)| ends_with_abbreviation(&body[ps..pe]));
        match spans.last_mut() {
            Some(last) if joins_previous => last.1 = end.max(last.1),
            _ => spans.push((start, end)),
        }
    }
    let mut out = Vec::with_capacity(spans.len());
    // Code-point offsets are computed incrementally so the whole split is linear.
    let (mut byte_pos, mut char_pos) = (0usize, 0usize);
    for (bs, be) in spans {
        let leading = body[bs..be].len() - body[bs..be].trim_start().len();
        let bs = bs + leading;
        if bs >= be {
            continue;
        }
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

fn ends_with_abbreviation(sentence: &str) -> bool {
    let last = sentence.rsplit(char::is_whitespace).next().unwrap_or("");
    ABBREVIATIONS.contains(&last)
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
