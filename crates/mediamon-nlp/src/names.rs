//! The **baseline** name finder: capitalised word sequences, typed by cue words.
//!
//! Rules, in order: split each sentence into word tokens (hyphens and
//! apostrophes inside a word are kept: `Tehreek-e-Taliban`); join runs of
//! capitalised tokens, allowing name connectors (`of`, `e`, `al`, ...) between
//! them; peel off leading titles (`Commander`, `Mullah`) and lowercase role
//! words before the run (`acting foreign minister`); then type the run:
//! organisation head word or acronym -> ORG, a small built-in list of places or
//! a locative preposition -> LOC, a title, role, speech verb, earlier surname or
//! two to four plain tokens -> PER, anything else -> MISC.
//!
//! Known limits, left to the trained tagger: names in scripts without case,
//! lowercase particles at the start of a name, sentence-initial single names
//! that carry no cue, and nested names (`Pakistan` inside `Bank of Pakistan`).

use std::collections::HashSet;

use crate::sentences::split_sentences;

/// The type of a mention (CoNLL classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Person,
    Organization,
    Location,
    Misc,
}

impl Kind {
    /// The short code used in the store: PER, ORG, LOC, MISC.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Person => "PER",
            Kind::Organization => "ORG",
            Kind::Location => "LOC",
            Kind::Misc => "MISC",
        }
    }
}

/// One name found in a body.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub kind: Kind,
    /// Code-point offset of the first character.
    pub start: usize,
    /// Code-point offset one past the last character.
    pub end: usize,
    /// The text of the span.
    pub text: String,
    /// Zero-based sentence index.
    pub sentence: usize,
    /// Titles and role words found before the name, as written.
    pub titles: Vec<String>,
    /// How sure the rule that typed it is, in [0, 1].
    pub confidence: f32,
}

const CONNECTORS: &[&str] = &["of", "for", "the", "de", "al", "bin", "ul", "e", "i", "ud"];
const PERSON_TITLES: &[&str] = &[
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Mullah",
    "Mawlawi",
    "Maulvi",
    "Haji",
    "Sheikh",
    "Commander",
    "General",
    "Gen",
    "President",
    "Minister",
    "Ambassador",
    "Envoy",
    "Spokesman",
    "Prince",
    "King",
    "Queen",
    "Senator",
    "Judge",
    "Imam",
    "Ayatollah",
    "Marshal",
    "Colonel",
    "Captain",
];
const ROLE_WORDS: &[&str] = &[
    "minister",
    "spokesman",
    "spokesperson",
    "spokeswoman",
    "envoy",
    "commander",
    "leader",
    "president",
    "chief",
    "ambassador",
    "official",
    "representative",
    "governor",
    "founder",
    "deputy",
    "acting",
    "foreign",
    "former",
    "senior",
    "prime",
];
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "stated",
    "added",
    "noted",
    "emphasized",
    "emphasised",
    "warned",
    "denied",
    "dismissed",
    "confirmed",
    "expressed",
    "criticized",
    "criticised",
    "described",
    "claimed",
    "wrote",
    "announced",
    "asserted",
    "argued",
    "insisted",
    "rejected",
];
const ORG_HEADS: &[&str] = &[
    "Front",
    "Council",
    "Agency",
    "Ministry",
    "Party",
    "Committee",
    "Institute",
    "University",
    "Movement",
    "Army",
    "Forces",
    "Intelligence",
    "Nations",
    "Corps",
    "Group",
    "Center",
    "Centre",
    "Union",
    "Organisation",
    "Organization",
    "Commission",
    "Office",
    "Court",
    "Assembly",
    "Taliban",
    "Company",
    "Bank",
    "Services",
    "Department",
    "News",
    "Times",
    "Network",
    "Alliance",
    "Coalition",
    "Government",
    "Parliament",
    "Police",
    "Federation",
    "Association",
    "Foundation",
    "Fund",
    "Board",
    "Bureau",
    "Authority",
    "Emirate",
    "Jamaat",
];
/// A deliberately small list of places; the gazetteer issue brings the real one.
const PLACES: &[&str] = &[
    "afghanistan",
    "pakistan",
    "iran",
    "india",
    "china",
    "russia",
    "turkey",
    "türkiye",
    "turkiye",
    "qatar",
    "uzbekistan",
    "tajikistan",
    "turkmenistan",
    "saudi arabia",
    "united states",
    "united kingdom",
    "europe",
    "asia",
    "kabul",
    "islamabad",
    "tehran",
    "doha",
    "moscow",
    "washington",
    "panjshir",
    "peshawar",
    "kandahar",
    "herat",
    "ankara",
    "istanbul",
    "beijing",
    "new delhi",
    "geneva",
    "new york",
    "karachi",
    "lahore",
    "quetta",
    "balochistan",
    "khyber pakhtunkhwa",
    "torkham",
    "dubai",
    "kunar",
    "nangarhar",
    "badakhshan",
    "ghazni",
    "helmand",
    "mazar-i-sharif",
    "balkh",
    "andarab",
    "baghlan",
];
const SKIP_WORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "However",
    "In",
    "On",
    "At",
    "According",
    "After",
    "While",
    "But",
    "When",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "He",
    "She",
    "They",
    "We",
    "I",
    "His",
    "Her",
    "Their",
    "Its",
    "Our",
    "Meanwhile",
    "Earlier",
    "Later",
    "Last",
    "Next",
    "Sources",
    "Reports",
    "Some",
    "Both",
    "If",
    "As",
    "Since",
    "During",
    "Despite",
    "Although",
    "And",
    "Or",
    "Yet",
    "So",
    "Also",
    "There",
    "Such",
    "Many",
    "Most",
    "Several",
    "Other",
    "Former",
    "Acting",
    "Senior",
    "Deputy",
    "Foreign",
    "Prime",
    "Share",
    "Follow",
    "Home",
    "Read",
    "More",
    "Related",
    "Articles",
    "Published",
    "Updated",
    "By",
    "With",
    "From",
    "For",
    "To",
    "Of",
    "Not",
    "No",
    "Yes",
    "Officials",
    "Speaking",
    "Asked",
    "Who",
    "What",
    "Why",
    "How",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const LOCATIVE: &[&str] = &["in", "from", "to", "at", "near", "across", "inside", "into"];
const DEMONYMS: &[&str] = &[
    "Afghan",
    "Afghans",
    "Pakistani",
    "Pakistanis",
    "Iranian",
    "Iranians",
    "Indian",
    "Chinese",
    "Russian",
    "Turkish",
    "American",
    "Americans",
    "British",
    "Qatari",
    "Tajik",
    "Uzbek",
    "Pashtun",
    "Pashtuns",
    "Hazara",
    "Hazaras",
    "Baloch",
    "Afghanistani",
    "Western",
    "Islamic",
    "Muslim",
    "Muslims",
    "European",
    "Arab",
    "Persian",
    "Dari",
    "Pashto",
    "Urdu",
    "English",
];

#[derive(Debug, Clone)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    /// Byte offsets within the sentence.
    byte_start: usize,
    byte_end: usize,
    /// What lies between this token and the previous one.
    gap_before: &'a str,
}

impl Token<'_> {
    fn capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase) && self.text.chars().count() > 1
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_inner_joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '\u{2019}' | '\u{2010}' | '\u{2011}')
}

/// Word tokens of a sentence with code-point offsets (`char_base` is the
/// sentence's own offset).
fn tokenize(sentence: &str, char_base: usize) -> Vec<Token<'_>> {
    let chars: Vec<(usize, char)> = sentence.char_indices().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut prev_byte_end = 0;
    while i < chars.len() {
        if !is_word_char(chars[i].1) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (is_word_char(chars[i].1)
                || (is_inner_joiner(chars[i].1)
                    && chars.get(i + 1).is_some_and(|&(_, c)| is_word_char(c))))
        {
            i += 1;
        }
        let byte_start = chars[start].0;
        let byte_end = chars.get(i).map_or(sentence.len(), |&(b, _)| b);
        tokens.push(Token {
            text: &sentence[byte_start..byte_end],
            start: char_base + start,
            end: char_base + i,
            byte_start,
            byte_end,
            gap_before: &sentence[prev_byte_end..byte_start],
        });
        prev_byte_end = byte_end;
    }
    tokens
}

/// Finds the names in a body (baseline rules; see the module docs).
pub fn find_names(body: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut surnames: HashSet<String> = HashSet::new();
    for (index, sentence) in split_sentences(body).iter().enumerate() {
        let text = &body[sentence.byte_start..sentence.byte_end];
        let tokens = tokenize(text, sentence.start);
        let mut i = 0;
        while i < tokens.len() {
            if !tokens[i].capitalised() {
                i += 1;
                continue;
            }
            let run_start = i;
            let mut run_end = i + 1;
            while let Some(next) = tokens.get(run_end) {
                if !next.gap_before.trim().is_empty() {
                    break;
                }
                if next.capitalised() {
                    run_end += 1;
                    continue;
                }
                let joined = CONNECTORS.contains(&next.text)
                    && tokens
                        .get(run_end + 1)
                        .is_some_and(|t| t.capitalised() && t.gap_before.trim().is_empty());
                if joined {
                    run_end += 2;
                } else {
                    break;
                }
            }
            if let Some(m) = classify(text, &tokens, run_start, run_end, index, &surnames) {
                if m.kind == Kind::Person {
                    surnames.insert(last_word(&m.text).to_string());
                }
                out.push(m);
            }
            i = run_end;
        }
    }
    out
}

fn last_word(name: &str) -> &str {
    name.rsplit(' ').next().unwrap_or(name)
}

fn classify(
    sentence_text: &str,
    tokens: &[Token<'_>],
    mut start: usize,
    end: usize,
    sentence: usize,
    surnames: &HashSet<String>,
) -> Option<Mention> {
    let mut titles = Vec::new();
    // Lowercase role words right before the run: "acting foreign minister Muttaqi".
    let mut back = start;
    while back > 0
        && tokens[back].gap_before.trim().is_empty()
        && ROLE_WORDS.contains(&tokens[back - 1].text.to_lowercase().as_str())
    {
        back -= 1;
    }
    for t in &tokens[back..start] {
        titles.push(t.text.to_string());
    }
    let role_cued = back < start && tokens[start - 1].text.chars().all(char::is_lowercase);
    // Leading capitalised titles and sentence-initial function words.
    let mut title_cued = false;
    while start < end {
        let word = tokens[start].text;
        if PERSON_TITLES.contains(&word) {
            titles.push(word.to_string());
            title_cued = true;
        } else if ROLE_WORDS.contains(&word.to_lowercase().as_str()) && start + 1 < end {
            titles.push(word.to_string());
        } else if !SKIP_WORDS.contains(&word) {
            break;
        }
        start += 1;
    }
    // A run never starts or ends on a connector.
    let mut end = end;
    while end > start && !tokens[end - 1].capitalised() {
        end -= 1;
    }
    if start >= end {
        return None;
    }
    let words: Vec<&str> = tokens[start..end].iter().map(|t| t.text).collect();
    if words.iter().all(|w| SKIP_WORDS.contains(w)) {
        return None;
    }
    let last = &tokens[end - 1];
    let (last_text, possessive_len) = strip_possessive(last.text);
    let mut name_words = words.clone();
    if let Some(w) = name_words.last_mut() {
        *w = last_text;
    }
    let first = &tokens[start];
    let text = sentence_text[first.byte_start..last.byte_end - (last.text.len() - last_text.len())]
        .to_string();
    let after = tokens.get(end).filter(|t| t.gap_before.trim().is_empty());
    let speech_cued = after.is_some_and(|t| SPEECH_VERBS.contains(&t.text));
    let before = (first.gap_before.trim().is_empty() && start > 0).then(|| tokens[start - 1].text);
    let single = name_words.len() == 1;
    let lower = text.to_lowercase();

    let (kind, confidence) = if name_words
        .iter()
        .any(|w| w.split('-').any(|part| ORG_HEADS.contains(&part)))
    {
        (Kind::Organization, 0.8)
    } else if single && is_acronym(last_text) {
        (Kind::Organization, 0.7)
    } else if PLACES.contains(&lower.as_str()) {
        (Kind::Location, 0.9)
    } else if title_cued || role_cued || speech_cued {
        (Kind::Person, 0.85)
    } else if single && surnames.contains(last_text) {
        (Kind::Person, 0.75)
    } else if single && DEMONYMS.contains(&last_text) {
        (Kind::Misc, 0.7)
    } else if single && before.is_some_and(|b| LOCATIVE.contains(&b)) {
        (Kind::Location, 0.5)
    } else if !single && name_words.len() <= 4 {
        (Kind::Person, 0.6)
    } else if single && start > 0 {
        (Kind::Misc, 0.4)
    } else {
        return None;
    };
    Some(Mention {
        kind,
        start: first.start,
        end: last.end - possessive_len,
        text,
        sentence,
        titles: if kind == Kind::Person {
            titles
        } else {
            Vec::new()
        },
        confidence,
    })
}

/// The token without a trailing possessive, and how many code points it lost.
fn strip_possessive(word: &str) -> (&str, usize) {
    for suffix in ["'s", "\u{2019}s"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            return (stem, 2);
        }
    }
    (word, 0)
}

fn is_acronym(word: &str) -> bool {
    let n = word.chars().count();
    (2..=6).contains(&n) && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(body: &str) -> Vec<(String, Kind)> {
        find_names(body)
            .into_iter()
            .map(|m| (m.text, m.kind))
            .collect()
    }

    fn has(body: &str, name: &str, kind: Kind) {
        let names = found(body);
        assert!(
            names.iter().any(|(t, k)| t == name && *k == kind),
            "{name:?} as {kind:?} not in {names:?}"
        );
    }

    #[test]
    fn types_by_cue_words() {
        let body = "Acting foreign minister Amir Khan Muttaqi met envoys in Doha. \
                    The National Resistance Front (NRF) rejected the plan. \
                    Commander Massoud left Panjshir.";
        has(body, "Amir Khan Muttaqi", Kind::Person);
        has(body, "Doha", Kind::Location);
        has(body, "National Resistance Front", Kind::Organization);
        has(body, "NRF", Kind::Organization);
        has(body, "Massoud", Kind::Person);
        has(body, "Panjshir", Kind::Location);
    }

    #[test]
    fn titles_are_kept_apart_from_the_name() {
        let m = find_names("Later, acting foreign minister Amir Khan Muttaqi spoke.");
        let muttaqi = m
            .iter()
            .find(|m| m.text == "Amir Khan Muttaqi")
            .expect("found");
        assert_eq!(muttaqi.titles, vec!["acting", "foreign", "minister"]);
    }

    #[test]
    fn surname_after_full_name_is_a_person() {
        let body = "Khalid Pashtoon spoke on Monday. Later Pashtoon left.";
        has(body, "Pashtoon", Kind::Person);
    }

    #[test]
    fn possessive_is_outside_the_span() {
        let body = "They rejected Khalilzad’s remarks.";
        let m = find_names(body);
        assert_eq!(m[0].text, "Khalilzad");
        let span: String = body
            .chars()
            .skip(m[0].start)
            .take(m[0].end - m[0].start)
            .collect();
        assert_eq!(span, "Khalilzad");
    }

    #[test]
    fn hyphenated_organisation_is_one_name() {
        has(
            "Officials blamed Tehreek-e-Taliban Pakistan for the attack.",
            "Tehreek-e-Taliban Pakistan",
            Kind::Organization,
        );
    }

    #[test]
    fn sentence_initial_function_words_and_dates_are_not_names() {
        assert!(found("However, on Monday the talks ended.").is_empty());
    }

    #[test]
    fn offsets_point_into_the_body() {
        let body = "Türkiye hosted talks. Zalmay Khalilzad said so.";
        for m in find_names(body) {
            let span: String = body.chars().skip(m.start).take(m.end - m.start).collect();
            assert_eq!(span, m.text);
        }
    }
}
