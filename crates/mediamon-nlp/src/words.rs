//! Tokens as the annotators read them: with code-point offsets (the API's)
//! and lower-case text; the values of number words; month names.

use crate::tokens::{Token, tokenize};

/// A token with its text, lower-case text and code-point offsets.
#[derive(Debug, Clone)]
pub struct Word<'a> {
    /// The token (byte offsets, line break before it).
    pub token: Token,
    pub text: &'a str,
    pub lower: String,
    /// Code-point offset of the first character.
    pub start: usize,
    /// Code-point offset one past the last character.
    pub end: usize,
}

/// The words of `text`; code-point offsets are counted incrementally, so
/// the pass is linear.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let (mut byte, mut chars) = (0usize, 0usize);
    tokenize(text)
        .into_iter()
        .map(|token| {
            chars += text[byte..token.start].chars().count();
            let start = chars;
            chars += text[token.start..token.end].chars().count();
            byte = token.end;
            let word = token.text(text);
            Word {
                token,
                text: word,
                lower: word.to_lowercase(),
                start,
                end: chars,
            }
        })
        .collect()
}

/// Number words up to nineteen.
const ONES: [&str; 19] = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// The value of a lower-case number word from one to ninety-nine ("two",
/// "twenty", "twenty-five").
pub fn number_word(w: &str) -> Option<u32> {
    let index = |list: &[&str], w: &str| {
        list.iter()
            .position(|&x| x == w)
            .and_then(|n| u32::try_from(n).ok())
    };
    if let Some(n) = index(&ONES, w) {
        return Some(n + 1);
    }
    if let Some(n) = index(&TENS, w) {
        return Some((n + 2) * 10);
    }
    let (tens, ones) = w.split_once('-')?;
    Some((index(&TENS, tens)? + 2) * 10 + index(&ONES[..9], ones)? + 1)
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month (1-12) a full month name means, in any case ("January").
pub fn full_month(word: &str) -> Option<u32> {
    let n = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(word))?;
    u32::try_from(n + 1).ok()
}

/// The month (1-12) a month name or its usual abbreviation means, in any
/// case, with or without a period ("Jan.", "Sept", "march").
pub fn month(word: &str) -> Option<u32> {
    let w = word.strip_suffix('.').unwrap_or(word).to_lowercase();
    if let Some(m) = full_month(&w) {
        return Some(m);
    }
    let short = w.len() == 3 || w == "sept";
    let n = MONTHS.iter().position(|m| short && m.starts_with(&w))?;
    u32::try_from(n + 1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_carry_code_points() {
        let w = words("Türkiye said “no”.");
        let at: Vec<(&str, usize, usize)> = w.iter().map(|w| (w.text, w.start, w.end)).collect();
        assert_eq!(at[0], ("Türkiye", 0, 7));
        assert_eq!(at[1], ("said", 8, 12));
        assert_eq!(w[0].lower, "türkiye");
        assert_eq!(w[0].token.end, "Türkiye".len());
    }

    #[test]
    fn months_by_name_and_abbreviation() {
        assert_eq!(month("January"), Some(1));
        assert_eq!(month("Sept."), Some(9));
        assert_eq!(month("dec"), Some(12));
        assert_eq!(month("Ma"), None);
        assert_eq!(full_month("Mar"), None);
        assert_eq!(full_month("MAY"), Some(5));
    }

    #[test]
    fn number_words_have_values() {
        assert_eq!(number_word("two"), Some(2));
        assert_eq!(number_word("nineteen"), Some(19));
        assert_eq!(number_word("twenty-five"), Some(25));
        assert_eq!(number_word("ninety"), Some(90));
        assert_eq!(number_word("twenty-ten"), None);
        assert_eq!(number_word("many"), None);
    }
}
