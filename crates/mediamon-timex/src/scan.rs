//! Tests on the words of `mediamon-nlp` that the patterns share.

use chrono::Weekday;

/// One token with its code-point span (the API's offsets).
pub(crate) type Tok<'a> = mediamon_nlp::Word<'a>;

pub(crate) use mediamon_nlp::words as tokens;

/// The lower-case text of token `i`, or "" past the end.
pub(crate) fn lower<'t>(toks: &'t [Tok<'_>], i: usize) -> &'t str {
    toks.get(i).map_or("", |t| t.lower.as_str())
}

/// Whether token `i` is one of `words` (lower-case), ignoring case.
pub(crate) fn is(toks: &[Tok<'_>], i: usize, words: &[&str]) -> bool {
    words.contains(&lower(toks, i))
}

/// Month and weekday names are proper nouns: a capital is required, which
/// keeps "may meet" and "a march" out.
fn capitalised(t: &Tok<'_>) -> bool {
    t.text.chars().next().is_some_and(char::is_uppercase)
}

/// The month (1-12) token `i` names.
pub(crate) fn month(toks: &[Tok<'_>], i: usize) -> Option<u32> {
    let t = toks.get(i).filter(|t| capitalised(t))?;
    mediamon_nlp::month(t.text)
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

/// The weekday token `i` names.
pub(crate) fn weekday(toks: &[Tok<'_>], i: usize) -> Option<Weekday> {
    let t = toks.get(i).filter(|t| capitalised(t))?;
    WEEKDAYS
        .iter()
        .find(|(n, _)| *n == t.lower)
        .map(|&(_, d)| d)
}

/// A day of the month: "8", "08", "1st", "25th".
pub(crate) fn day_of(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    if !matches!(
        suffix,
        "" | "st" | "nd" | "rd" | "th" | "ST" | "ND" | "RD" | "TH"
    ) {
        return None;
    }
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

/// A year as news writes one: four digits, no separator, 1800-2100 (so
/// "2,000" and "936" never are).
pub(crate) fn year_of(word: &str) -> Option<i32> {
    if word.len() != 4 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse().ok().filter(|y| (1800..=2100).contains(y))
}

/// A small count: "a", "an", a number word up to twenty, or up to three digits.
pub(crate) fn count(word: &str) -> Option<i64> {
    if matches!(word, "a" | "an") {
        return Some(1);
    }
    if let Some(n) = mediamon_nlp::number_word(word).filter(|&n| n <= 20) {
        return Some(i64::from(n));
    }
    if (1..=3).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_digit()) {
        return word.parse().ok();
    }
    None
}

/// Words that put a weekday, weekend or date without a year in the future
/// when they come shortly before it in the same sentence ("will meet on
/// Monday").
const FUTURE_CUES: &[&str] = &[
    "will",
    "shall",
    "wo",
    "scheduled",
    "due",
    "expected",
    "plans",
    "plan",
    "upcoming",
];

/// How far back a future cue is looked for.
const CUE_WINDOW: usize = 8;

/// Whether a future cue precedes token `i` within its sentence.
pub(crate) fn future_cue(toks: &[Tok<'_>], i: usize) -> bool {
    let mut j = i;
    while j > 0 && i - j < CUE_WINDOW {
        if toks[j].token.after_newline {
            return false;
        }
        j -= 1;
        let w = toks[j].lower.as_str();
        if matches!(w, "." | "!" | "?" | ";") {
            return false;
        }
        if FUTURE_CUES.contains(&w) || w.ends_with("'ll") || w.ends_with("\u{2019}ll") {
            return true;
        }
    }
    false
}
