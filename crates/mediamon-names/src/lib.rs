//! Names: normalisation, romanisation of Arabic-script and Cyrillic names,
//! consonant skeletons for transliteration variants, analysis (titles,
//! joiners, generation markers), comparison and initialisms. Deciding what a
//! name refers to is `mediamon-resolution`'s job.
//!
//! Invariant: pure functions only, no IO.

pub mod key;
pub mod name;
pub mod romanize;

pub use name::{
    KIN, Name, PROVINCE, RIVER, Relation, analyze, compare, has_acronyms, initialism, is_acronym,
    is_description, token_similarity,
};

/// The longest name, in characters, that the name finder emits and the
/// resolver accepts. Real names run to a few words ("United Nations
/// Assistance Mission in Afghanistan" is 48); a longer run of capitalised
/// words is a list or a shouted headline, and comparing it costs time and
/// memory out of all proportion.
pub const MAX_NAME_CHARS: usize = 160;
/// The most words a name may have, for the same reason.
pub const MAX_NAME_WORDS: usize = 12;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds a name to its matching key: compatibility-decomposed, diacritics and
/// case removed, possessive dropped, hyphens and apostrophes treated as spaces,
/// whitespace collapsed. `"Türkiye’s"` and `"turkiye"` share a key.
pub fn normalize(name: &str) -> String {
    let folded: String = name
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    let trimmed = strip_possessive(folded.trim());
    let mut out = String::with_capacity(trimmed.len());
    for word in trimmed
        .split(|c: char| c.is_whitespace() || is_joiner(c) || c == '.' || c == ',')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\'' | '\u{2019}' | '`'
    )
}

fn strip_possessive(s: &str) -> &str {
    for suffix in ["'s", "\u{2019}s", "s'", "s\u{2019}"] {
        if let Some(stem) = s.strip_suffix(suffix) {
            // "Taliban's" -> "Taliban"; "Islands'" keeps its s.
            return if suffix.starts_with('s') {
                &s[..s.len() - suffix.len() + 1]
            } else {
                stem
            };
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(normalize(input), expected, "normalize({input:?})");
    }

    #[test]
    fn normalizes_case_diacritics_and_joiners() {
        check("Türkiye", "turkiye");
        check("  Amir   Khan Muttaqi ", "amir khan muttaqi");
        check("Tehreek-e-Taliban Pakistan", "tehreek e taliban pakistan");
        check("Khalilzad’s", "khalilzad");
        check("Taliban's", "taliban");
        check("U.S.", "u s");
        check("ＮＲＦ", "nrf");
    }
}
