//! Name normalisation and the **baseline** matching rules.
//!
//! Baseline: normalised exact match plus surname-only linking within one
//! article. Spelling variants across transliterations, acronyms and context
//! are the job of the real resolver that replaces these rules; until then this
//! crate says plainly what it does and nothing more.
//!
//! Invariant: pure functions only, no IO.

pub mod decide;
pub mod key;
pub mod name;
pub mod romanize;

pub use name::{Name, Relation, analyze, compare, initialism, is_acronym};

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

/// The last token of a normalised name (its surname, for most names here).
pub fn last_token(normalized: &str) -> &str {
    normalized.rsplit(' ').next().unwrap_or(normalized)
}

/// A name seen in one article, in body order, for within-article linking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleName<'a> {
    /// The normalised name.
    pub key: &'a str,
    /// Whether it is a person's name (only those get surname linking).
    pub is_person: bool,
}

/// Baseline within-article coreference: for each name, the index of the
/// earlier full name it abbreviates, if any.
///
/// A one-token person name links to an earlier multi-token person name whose
/// last token it equals, but only when exactly one distinct such full name
/// precedes it; when two people share the surname the link is ambiguous and
/// none is made.
pub fn link_within_article(names: &[ArticleName<'_>]) -> Vec<Option<usize>> {
    let mut links = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        if !name.is_person || name.key.contains(' ') {
            links.push(None);
            continue;
        }
        let mut found: Option<usize> = None;
        let mut ambiguous = false;
        for (j, earlier) in names[..i].iter().enumerate() {
            if earlier.is_person && earlier.key.contains(' ') && last_token(earlier.key) == name.key
            {
                match found {
                    Some(k) if names[k].key != earlier.key => ambiguous = true,
                    Some(_) => {}
                    None => found = Some(j),
                }
            }
        }
        links.push(if ambiguous { None } else { found });
    }
    links
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

    fn person(key: &str) -> ArticleName<'_> {
        ArticleName {
            key,
            is_person: true,
        }
    }

    #[test]
    fn surname_links_to_the_one_earlier_full_name() {
        let names = [
            person("khalid pashtoon"),
            ArticleName {
                key: "kabul",
                is_person: false,
            },
            person("pashtoon"),
        ];
        assert_eq!(link_within_article(&names), vec![None, None, Some(0)]);
    }

    #[test]
    fn shared_surname_is_ambiguous() {
        let names = [
            person("ahmad massoud"),
            person("ahmad shah massoud"),
            person("massoud"),
        ];
        assert_eq!(link_within_article(&names), vec![None, None, None]);
    }

    #[test]
    fn surname_before_full_name_is_not_linked() {
        let names = [person("pashtoon"), person("khalid pashtoon")];
        assert_eq!(link_within_article(&names), vec![None, None]);
    }
}
