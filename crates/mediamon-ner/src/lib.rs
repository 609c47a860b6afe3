//! The named-entity recogniser: finds the people, organisations, places and
//! other names (CoNLL's PER, ORG, LOC, MISC) in a story.
//!
//! A linear model over hand-designed features (`features`), trained with
//! an averaged structured perceptron (`train`) on CoNLL-2003 English and
//! decoded with Viterbi over BILOU tags (`model`), in two passes: the second
//! also sees the first's tags of the same words across the document. The trained model ships
//! inside the binary (`model/ner.bin.gz`); `mediamon ner train` rebuilds it
//! reproducibly. After tagging, a parenthesised acronym that spells the name
//! before it ("National Resistance Front (NRF)") takes that name's type.
//!
//! Invariants: no IO except reading a model a caller names; mention offsets
//! are code points into the text given; tagging is deterministic.

pub mod conll;
pub mod features;
pub mod gazetteer;
pub mod model;
pub mod tags;
pub mod train;

use std::sync::OnceLock;

use features::{DocContext, Prepared};
use gazetteer::{Gazetteer, Kind as GazKind, SeqHash};
use model::Stack;
pub use tags::{EntityType, Span};

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error("bad labeled data: {0}")]
    Format(String),
    #[error("bad model: {0}")]
    Model(String),
}

/// The model trained from CoNLL-2003 that ships with mediamon.
const BUILTIN_MODEL: &[u8] = include_bytes!("../model/ner.bin.gz");

/// Words before a kinship word that make it one (`mediamon_names::KIN`).
const POSSESSIVES: &[&str] = &["his", "her", "their"];

/// One name found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub kind: EntityType,
    /// Code-point offset of the first character.
    pub start: usize,
    /// Code-point offset one past the last character.
    pub end: usize,
    pub text: String,
    /// Zero-based sentence index.
    pub sentence: usize,
    /// Cue words around the name ([`Tagger::cues`]): for a person, the
    /// title and role words just before it, as written ("Mawlawi", "acting
    /// foreign minister"), and a kinship word ("father" in "his father,
    /// President Zardari"); for a place, the kind of place the words around
    /// it imply ("province" in "the governor of Herat").
    pub titles: Vec<String>,
    /// How clearly the model preferred these tags over the next best, in
    /// (0, 1): a ranking aid, not a calibrated probability.
    pub confidence: f32,
}

/// A loaded model and the gazetteer its features read.
pub struct Tagger {
    model: Stack,
    gaz: &'static Gazetteer,
}

/// A tagged sentence: spans and, per span, its confidence.
pub type Tagged = Vec<(Span, f32)>;

impl Tagger {
    /// The built-in model, loaded once.
    pub fn builtin() -> Result<&'static Tagger, Error> {
        static T: OnceLock<Result<Tagger, String>> = OnceLock::new();
        T.get_or_init(|| Tagger::from_model_bytes(BUILTIN_MODEL).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Model(e.clone()))
    }

    /// A tagger over a model file's bytes.
    pub fn from_model_bytes(bytes: &[u8]) -> Result<Tagger, Error> {
        Ok(Tagger {
            model: Stack::read(bytes)?,
            gaz: Gazetteer::builtin(),
        })
    }

    pub fn model(&self) -> &Stack {
        &self.model
    }

    /// Tags the sentences of one document (tokens already split).
    pub fn tag_document(&self, sentences: &[Vec<&str>]) -> Vec<Tagged> {
        self.tag(sentences, &[])
    }

    /// [`Tagger::tag_document`], told where the text had no space between
    /// two tokens: `glued[s][i]` when token `i` of sentence `s` touches the
    /// one before it (unknown, so false, for tokens given without a text).
    fn tag(&self, sentences: &[Vec<&str>], glued: &[Vec<bool>]) -> Vec<Tagged> {
        let ctx = DocContext::new(sentences.iter().map(Vec::as_slice));
        let mut prepared: Vec<Prepared<'_>> = sentences
            .iter()
            .map(|tokens| Prepared::new(tokens, &ctx, self.gaz))
            .collect();
        let decoded = self.model.decode_document(&mut prepared);
        let mut tagged: Vec<Tagged> = decoded
            .iter()
            .map(|(tags, scores)| with_confidence(tags, scores))
            .collect();
        // Fixes of one sentence's spans first, so that the names the
        // document gives in full are the fixed ones.
        for (si, (tokens, spans)) in sentences.iter().zip(&mut tagged).enumerate() {
            trim_punctuation(tokens, spans);
            across_en_dashes(
                tokens,
                glued.get(si).map_or(&[], Vec::as_slice),
                self.gaz,
                spans,
            );
            places_before_names(tokens, self.gaz, spans);
            names_after_modifiers(tokens, self.gaz, spans);
        }
        let names = person_name_parts(sentences, &tagged);
        for (tokens, spans) in sentences.iter().zip(&mut tagged) {
            acronyms_in_parentheses(tokens, spans);
            surnames_of_named_people(tokens, &names, spans);
            places_with_their_kind(tokens, self.gaz, spans);
        }
        tagged
    }

    /// Finds the names in a plain text.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        let tokens = mediamon_nlp::tokenize(text);
        let ranges = mediamon_nlp::sentences(text, &tokens);
        let sentences: Vec<Vec<&str>> = ranges
            .iter()
            .map(|r| tokens[r.clone()].iter().map(|t| t.text(text)).collect())
            .collect();
        let glued: Vec<Vec<bool>> = ranges
            .iter()
            .map(|r| {
                let toks = &tokens[r.clone()];
                (0..toks.len())
                    .map(|i| i > 0 && toks[i - 1].end == toks[i].start)
                    .collect()
            })
            .collect();
        let tagged = self.tag(&sentences, &glued);
        // Code-point offsets, computed in one pass over increasing byte offsets.
        let mut cp = CodePoints::new(text);
        let mut out = Vec::new();
        for (si, (range, spans)) in ranges.iter().zip(tagged).enumerate() {
            let words = &sentences[si];
            let toks = &tokens[range.clone()];
            for (span, confidence) in spans {
                let (bs, be) = (toks[span.start].start, toks[span.end - 1].end);
                // A run of capitalised words longer than any name is no
                // name; the resolver would refuse it.
                if span.end - span.start > mediamon_names::MAX_NAME_WORDS
                    || text[bs..be].chars().count() > mediamon_names::MAX_NAME_CHARS
                {
                    continue;
                }
                out.push(Mention {
                    kind: span.kind,
                    start: cp.at(bs),
                    end: cp.at(be),
                    text: text[bs..be].to_string(),
                    sentence: si,
                    titles: self.cues(words, span.start, span.end, span.kind),
                    confidence,
                });
            }
        }
        out
    }

    /// [`Tagger::cues`] of the name at bytes `start..end` of `text`, for
    /// callers that hold names without the tagger's tokens (the resolution
    /// benchmark).
    pub fn cues_in(&self, text: &str, start: usize, end: usize, kind: EntityType) -> Vec<String> {
        let tokens = mediamon_nlp::tokenize(text);
        let words: Vec<&str> = tokens.iter().map(|t| t.text(text)).collect();
        let first = tokens.iter().position(|t| t.start >= start);
        let last = tokens.iter().rposition(|t| t.end <= end);
        match (first, last) {
            (Some(f), Some(l)) if f <= l => self.cues(&words, f, l + 1, kind),
            _ => Vec::new(),
        }
    }

    /// The cue words of the name at tokens `start..end` of a sentence (see
    /// [`Mention::titles`]).
    pub fn cues(&self, words: &[&str], start: usize, end: usize, kind: EntityType) -> Vec<String> {
        let lower = |i: usize| words[i].to_lowercase();
        match kind {
            EntityType::Per => {
                let mut cues = self.titles_before(words, start);
                // "his father, President Zardari": past the titles (with
                // their "the" and a comma), a kinship word after a possessive.
                let mut at = start;
                if !cues.is_empty() && words[at - 1] == "," {
                    at -= 1;
                }
                at -= cues.iter().map(|t| t.split(' ').count()).sum::<usize>();
                if !cues.is_empty() && at > 0 && lower(at - 1) == "the" {
                    at -= 1;
                }
                if at > 0 && words[at - 1] == "," {
                    at -= 1;
                }
                if at >= 2
                    && mediamon_names::KIN.contains(&lower(at - 1).as_str())
                    && POSSESSIVES.contains(&lower(at - 2).as_str())
                {
                    cues.insert(0, lower(at - 1));
                }
                cues
            }
            EntityType::Loc => {
                let before = |n: usize| {
                    (start >= n).then(|| (start - n..start).map(lower).collect::<Vec<_>>())
                };
                // "the governor of Herat": the province, not the city.
                if before(2).is_some_and(|w| {
                    ["governor", "province"].contains(&w[0].as_str()) && w[1] == "of"
                }) {
                    vec![mediamon_names::PROVINCE.to_string()]
                // "from the Helmand": a one-word place with "the" is a river
                // (towns and provinces take no article), unless the article
                // is a pair's ("the Kabul–Islamabad talks").
                } else if end - start == 1
                    && before(1).is_some_and(|w| w[0] == "the")
                    && !(words.get(end) == Some(&EN_DASH)
                        && words
                            .get(end + 1)
                            .is_some_and(|w| w.starts_with(char::is_uppercase)))
                {
                    vec![mediamon_names::RIVER.to_string()]
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        }
    }

    /// The run of title and role words that ends just before token `at`
    /// (or before a comma there).
    fn titles_before(&self, words: &[&str], at: usize) -> Vec<String> {
        let lower: Vec<String> = words[..at].iter().map(|w| w.to_lowercase()).collect();
        let is_title = |from: usize, to: usize| {
            let h = lower[from..to]
                .iter()
                .fold(SeqHash::new(), |h, w| h.push(w));
            self.gaz.kinds(h) & (1 << GazKind::Title as u8) != 0
        };
        // "the acting foreign minister, Amir Khan Muttaqi": a comma may
        // stand between a role and the name.
        let mut end = if at > 1 && words[at - 1] == "," {
            at - 1
        } else {
            at
        };
        let mut out = Vec::new();
        'outer: while end > 0 {
            for len in (1..=gazetteer::MAX_TOKENS.min(end)).rev() {
                if is_title(end - len, end) {
                    out.insert(0, words[end - len..end].join(" "));
                    end -= len;
                    continue 'outer;
                }
            }
            break;
        }
        out
    }
}

/// Code-point offsets of increasing byte offsets.
struct CodePoints<'a> {
    text: &'a str,
    byte: usize,
    cp: usize,
}

impl<'a> CodePoints<'a> {
    fn new(text: &'a str) -> Self {
        CodePoints {
            text,
            byte: 0,
            cp: 0,
        }
    }

    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            return self.text[..byte].chars().count();
        }
        self.cp += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.cp
    }
}

/// A name neither starts nor ends with a token without letters or digits
/// (a bullet before a menu item, a dash): such tokens are cut off, and a
/// span of nothing else dropped.
fn trim_punctuation(tokens: &[&str], spans: &mut Tagged) {
    let word = |i: usize| tokens[i].chars().any(char::is_alphanumeric);
    spans.retain_mut(|(s, _)| {
        while s.start < s.end && !word(s.start) {
            s.start += 1;
        }
        while s.end > s.start && !word(s.end - 1) {
            s.end -= 1;
        }
        s.start < s.end
    });
}

/// The spans of a sentence's tags, each with how clearly the model chose
/// its tags: the mean margin of each tag over the next best, squashed into
/// (0, 1).
fn with_confidence(tags: &[usize], scores: &[[f32; tags::TAGS]]) -> Tagged {
    tags::decode(tags)
        .into_iter()
        .map(|s| {
            let margin: f32 = (s.start..s.end)
                .map(|i| {
                    let chosen = scores[i][tags[i]];
                    let other = (0..tags::TAGS)
                        .filter(|&t| t != tags[i])
                        .map(|t| scores[i][t])
                        .fold(f32::NEG_INFINITY, f32::max);
                    chosen - other
                })
                .sum::<f32>()
                / (s.end - s.start) as f32;
            (s, 1.0 / (1.0 + (-margin / 4.0).exp()))
        })
        .collect()
}

/// The first and last tokens of the people the document names in full
/// ("Khalid Pashtoon": "Khalid", "Pashtoon").
fn person_name_parts<'a>(sentences: &[Vec<&'a str>], tagged: &[Tagged]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for (tokens, spans) in sentences.iter().zip(tagged) {
        for (span, _) in spans {
            if span.kind == EntityType::Per && span.end - span.start >= 2 {
                out.push(tokens[span.start]);
                out.push(tokens[span.end - 1]);
            }
        }
    }
    out
}

/// One name per discourse: a capitalised token alone that is the first or
/// last name of a person named in full elsewhere in the document is that
/// person ("Pashtoon said", after "Khalid Pashtoon"), whatever the tagger
/// made of it on its own.
fn surnames_of_named_people(tokens: &[&str], names: &[&str], spans: &mut Tagged) {
    let is_name = |t: &str| t.chars().next().is_some_and(char::is_uppercase) && names.contains(&t);
    for (span, _) in spans.iter_mut() {
        if span.end - span.start == 1 && span.kind != EntityType::Per && is_name(tokens[span.start])
        {
            span.kind = EntityType::Per;
        }
    }
    let mut added = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let covered = spans.iter().any(|(s, _)| s.start <= i && i < s.end);
        // Only where the token stands alone: not inside a run of capitals
        // that the tagger left out for a reason ("Khan Market").
        let alone =
            |j: Option<&&str>| !j.is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase));
        if !covered
            && is_name(t)
            && alone(tokens.get(i + 1))
            && (i == 0 || alone(tokens.get(i - 1)))
        {
            added.push((
                Span {
                    start: i,
                    end: i + 1,
                    kind: EntityType::Per,
                },
                0.5,
            ));
        }
    }
    if !added.is_empty() {
        spans.extend(added);
        spans.sort_by_key(|(s, _)| s.start);
    }
}

/// The en dash, a token of its own (`mediamon_nlp::tokenize`).
const EN_DASH: &str = "\u{2013}";

/// An en dash between two words, with no space on either side, either
/// pairs two names ("the Kabul–Islamabad talks", "the Karimi–Nazemi
/// talks") or stands for the hyphen inside one ("Sarah Hughes–Whitfield",
/// "Mohammad–Ali Farahmand"), and the tagger, trained on CoNLL's hyphens
/// alone, may read either way (issue 16). This is mended here, not in the
/// tokeniser: the characters cannot tell the two uses apart, the places
/// the recogniser knows and the tagger's spans can. Known places on both
/// sides are two places. A person's name on one side and a capitalised
/// word (or name) on the other are one name when one side is a single word
/// and the other several: a given name and a surname, one of them double.
/// Two single words, or two full names, are two people paired.
fn across_en_dashes(tokens: &[&str], glued: &[bool], gaz: &Gazetteer, spans: &mut Tagged) {
    let capitalised = |i: usize| tokens[i].chars().next().is_some_and(char::is_uppercase);
    let big_place = [GazKind::Country, GazKind::Region, GazKind::BigCity]
        .iter()
        .fold(0u8, |m, k| m | 1 << *k as u8);
    let any_place = big_place | 1 << GazKind::City as u8;
    let span_at = |spans: &Tagged, start: usize, end: usize| {
        spans
            .iter()
            .position(|(s, _)| s.start == start && s.end == end)
    };
    // A place of tokens `start..end`: a country, province or big city, or
    // any known place the tagger read as one.
    let place = |spans: &Tagged, start: usize, end: usize| {
        if !(start..end).all(capitalised) {
            return false;
        }
        let h = tokens[start..end]
            .iter()
            .fold(SeqHash::new(), |h, w| h.push(&w.to_lowercase()));
        let kinds = gaz.kinds(h);
        kinds & big_place != 0
            || (kinds & any_place != 0
                && span_at(spans, start, end).is_some_and(|i| spans[i].0.kind == EntityType::Loc))
    };
    for d in 1..tokens.len().saturating_sub(1) {
        if tokens[d] != EN_DASH
            || !glued.get(d).copied().unwrap_or(false)
            || !glued.get(d + 1).copied().unwrap_or(false)
            || !capitalised(d - 1)
            || !capitalised(d + 1)
        {
            continue;
        }
        let longest = gazetteer::MAX_TOKENS;
        let left = (1..=longest.min(d))
            .rev()
            .map(|n| d - n)
            .find(|&s| place(spans, s, d));
        let right = (1..=longest.min(tokens.len() - d - 1))
            .rev()
            .map(|n| d + 1 + n)
            .find(|&e| place(spans, d + 1, e));
        if let (Some(start), Some(end)) = (left, right) {
            let overlapping = |s: &Span| s.start < end && start < s.end;
            // Unless a name holds the pair ("Kabul–Kandahar Highway Authority").
            if spans
                .iter()
                .any(|(s, _)| overlapping(s) && (s.start < start || s.end > end))
            {
                continue;
            }
            let confidence = spans
                .iter()
                .filter(|(s, _)| overlapping(s))
                .map(|(_, c)| *c)
                .fold(0.5, f32::max);
            spans.retain(|(s, _)| !overlapping(s));
            for (start, end) in [(start, d), (d + 1, end)] {
                let kind = EntityType::Loc;
                spans.push((Span { start, end, kind }, confidence));
            }
            spans.sort_by_key(|(s, _)| s.start);
            continue;
        }
        // The two sides: a span that ends (starts) at the dash, or a
        // capitalised word the tagger left out.
        let side = |found: Option<usize>, word: usize| match found {
            Some(i) => Some((spans[i].0.start, spans[i].0.end, Some(i))),
            None if !spans.iter().any(|(s, _)| s.start <= word && word < s.end) => {
                Some((word, word + 1, None))
            }
            None => None,
        };
        let (Some(l), Some(r)) = (
            side(spans.iter().position(|(s, _)| s.end == d), d - 1),
            side(spans.iter().position(|(s, _)| s.start == d + 1), d + 1),
        ) else {
            continue;
        };
        let person = |i: Option<usize>| i.is_some_and(|i| spans[i].0.kind == EntityType::Per);
        let fits = |i: Option<usize>| i.is_none() || person(i);
        let one_word = |(s, e, _): (usize, usize, Option<usize>)| e - s == 1;
        if (person(l.2) || person(r.2)) && fits(l.2) && fits(r.2) && one_word(l) != one_word(r) {
            let confidence = [l.2, r.2]
                .into_iter()
                .flatten()
                .map(|i| spans[i].1)
                .fold(0.0, f32::max);
            spans.retain(|(s, _)| !(s.start < r.1 && l.0 < s.end));
            let kind = EntityType::Per;
            let (start, end) = (l.0, r.1);
            spans.push((Span { start, end, kind }, confidence));
            spans.sort_by_key(|(s, _)| s.start);
        }
    }
}

/// Prepositions that tie a place to the role before it ("the envoy for
/// Afghanistan", "the governor of Herat").
const ROLE_PREPOSITIONS: &[&str] = &["for", "of", "to", "in"];

/// "The special envoy for Afghanistan Hassan Karimi": a known place that
/// opens a person's name is a place of its own (issue 16). Only where the
/// rest still reads as a name and the place is unlikely to be a given name
/// (many towns and some countries are: "Hassan", "Mary", "Chad"; CoNLL is
/// full of such people): a country or province before a name of two words
/// or more, or any place after a role and its preposition. After a role,
/// a place and a name read as one organisation are split alike ("the envoy
/// for Pakistan Mohammad Sadiq"), unless the rest has an organisation's
/// head word ("the chairman of Herat Cricket Board").
fn places_before_names(tokens: &[&str], gaz: &Gazetteer, spans: &mut Tagged) {
    let bit = |k: GazKind| 1u8 << k as u8;
    let country_or_region = bit(GazKind::Country) | bit(GazKind::Region);
    let any_place = country_or_region | bit(GazKind::City) | bit(GazKind::BigCity);
    let lower = |i: usize| tokens[i].to_lowercase();
    let role_before = |start: usize| {
        start >= 2
            && ROLE_PREPOSITIONS.contains(&lower(start - 1).as_str())
            && gaz.kinds(SeqHash::new().push(&lower(start - 2))) & bit(GazKind::Title) != 0
    };
    // A word of a name: capitalised, not an initial ("D.") nor a particle.
    let name_word = |t: &&str| {
        let mut c = t.chars();
        c.next().is_some_and(char::is_uppercase)
            && c.next().is_some_and(char::is_lowercase)
            && !t.contains('.')
    };
    let mut splits = Vec::new();
    for (i, (span, _)) in spans.iter().enumerate() {
        if !matches!(span.kind, EntityType::Per | EntityType::Org) || span.end - span.start < 2 {
            continue;
        }
        // The longest place the name starts with, leaving a word after it.
        let mut h = SeqHash::new();
        let mut place = None;
        for end in span.start + 1..span.end.min(span.start + gazetteer::MAX_TOKENS + 1) {
            h = h.push(&lower(end - 1));
            let kinds = gaz.kinds(h) & any_place;
            if kinds != 0 {
                place = Some((end, kinds));
            }
        }
        let Some((at, kinds)) = place else { continue };
        let rest = span.end - at;
        if !tokens[at..span.end].iter().all(name_word) {
            continue;
        }
        let split = if span.kind == EntityType::Per {
            role_before(span.start) || (kinds & country_or_region != 0 && rest >= 2)
        } else {
            // "the envoy for Pakistan Mohammad Sadiq" read as one
            // organisation; "the head of Kabul Chamber of Commerce" is one.
            role_before(span.start)
                && rest >= 2
                && (at..span.end)
                    .all(|i| gaz.kinds(SeqHash::new().push(&lower(i))) & bit(GazKind::OrgHead) == 0)
        };
        if split {
            splits.push((i, at));
        }
    }
    for (i, at) in splits.into_iter().rev() {
        let (span, confidence) = spans[i];
        spans[i].0 = Span {
            start: span.start,
            end: at,
            kind: EntityType::Loc,
        };
        spans.insert(
            i + 1,
            (
                Span {
                    start: at,
                    end: span.end,
                    kind: EntityType::Per,
                },
                confidence,
            ),
        );
    }
}

/// The endings of a modifier that says where or by whom something is run
/// ("Geneva-based", "Taliban-led", "Qatar-backed").
const MODIFIER_ENDINGS: &[&str] = &["-based", "-led", "-backed"];

/// Lowercase words inside an organisation's name ("Women for Peace").
/// Not "and": it joins two names as often as it sits inside one.
const NAME_CONNECTORS: &[&str] = &["for", "of", "the", "on", "in"];

/// "Geneva-based Women for Peace": a modifier that says where or by whom
/// something is run is no part of the name after it (issue 16). As in
/// CoNLL, a modifier built on a name is a name of its own (MISC); one
/// built on a common word ("government-backed") is none. The capitalised
/// words right after such a modifier name an organisation (people get a
/// role word between: "London-based lawyer X"), which the tagger misses
/// when the words look like something else ("Peace" alone as a person):
/// where its spans there do not cover them exactly, they become one.
fn names_after_modifiers(tokens: &[&str], gaz: &Gazetteer, spans: &mut Tagged) {
    let capitalised = |t: &str| t.chars().next().is_some_and(char::is_uppercase);
    let modifier = |t: &str| {
        let lower = t.to_lowercase();
        MODIFIER_ENDINGS
            .iter()
            .any(|e| lower.len() > e.len() && lower.ends_with(e))
    };
    let mut mended = Vec::with_capacity(spans.len());
    for (span, confidence) in spans.drain(..) {
        match (span.start..span.end - 1)
            .rev()
            .find(|&i| modifier(tokens[i]))
        {
            Some(m) => {
                if capitalised(tokens[span.start]) {
                    let misc = Span {
                        start: span.start,
                        end: m + 1,
                        kind: EntityType::Misc,
                    };
                    mended.push((misc, confidence));
                }
                let name = Span {
                    start: m + 1,
                    ..span
                };
                mended.push((name, confidence));
            }
            None => mended.push((span, confidence)),
        }
    }
    *spans = mended;
    let title = |t: &str| {
        gaz.kinds(SeqHash::new().push(&t.to_lowercase())) & (1 << GazKind::Title as u8) != 0
    };
    for m in 0..tokens.len() {
        // Only a lowercase ending: in a headline ("GENEVA-BASED WOMEN FOR
        // PEACE CLOSES OFFICE") the name's end cannot be seen.
        let t = tokens[m];
        if !capitalised(t) || !MODIFIER_ENDINGS.iter().any(|e| t.ends_with(e)) {
            continue;
        }
        let start = m + 1;
        let mut end = start;
        while end < tokens.len() && capitalised(tokens[end]) {
            end += 1;
            // A connector only between capitalised words.
            if end + 1 < tokens.len()
                && NAME_CONNECTORS.contains(&tokens[end])
                && capitalised(tokens[end + 1])
            {
                end += 1;
            }
        }
        if end - start < 2 || title(tokens[start]) {
            continue;
        }
        let overlapping: Vec<usize> = (0..spans.len())
            .filter(|&i| spans[i].0.start < end && start < spans[i].0.end)
            .collect();
        let exact = overlapping.len() == 1
            && (spans[overlapping[0]].0.start, spans[overlapping[0]].0.end) == (start, end);
        let beyond = overlapping
            .iter()
            .any(|&i| spans[i].0.start < start || spans[i].0.end > end);
        if exact || beyond {
            continue;
        }
        let confidence = overlapping.iter().map(|&i| spans[i].1).fold(0.5, f32::max);
        spans.retain(|(s, _)| !(s.start < end && start < s.end));
        let org = Span {
            start,
            end,
            kind: EntityType::Org,
        };
        spans.push((org, confidence));
        spans.sort_by_key(|(s, _)| s.start);
    }
}

/// "Herat Province", "Panjshir Valley": a known place followed by a word for
/// its kind is a place, whatever the tagger read (a capitalised "Province"
/// looks like an organisation's head word to it). "Islamic State Khorasan
/// Province" stays an organisation: "Islamic State Khorasan" is no place.
fn places_with_their_kind(tokens: &[&str], gaz: &Gazetteer, spans: &mut Tagged) {
    const KINDS: &[&str] = &["province", "district", "valley", "river", "region"];
    let place = [
        GazKind::Country,
        GazKind::Region,
        GazKind::City,
        GazKind::BigCity,
    ]
    .iter()
    .fold(0u8, |m, k| m | 1 << *k as u8);
    for (span, _) in spans.iter_mut() {
        if span.kind == EntityType::Loc
            || span.end - span.start < 2
            || !KINDS.contains(&tokens[span.end - 1].to_lowercase().as_str())
        {
            continue;
        }
        let head = tokens[span.start..span.end - 1]
            .iter()
            .fold(SeqHash::new(), |h, w| h.push(&w.to_lowercase()));
        if gaz.kinds(head) & place != 0 {
            span.kind = EntityType::Loc;
        }
    }
}

/// "National Resistance Front (NRF)": the acronym takes the type of the
/// name it spells.
fn acronyms_in_parentheses(tokens: &[&str], spans: &mut Tagged) {
    let mut found = Vec::new();
    for (span, confidence) in spans.iter() {
        let (open, acr, close) = (span.end, span.end + 1, span.end + 2);
        if tokens.get(open) != Some(&"(") || tokens.get(close) != Some(&")") {
            continue;
        }
        let acronym = tokens[acr];
        let initials: String = tokens[span.start..span.end]
            .iter()
            .flat_map(|t| t.split('-'))
            .filter_map(|w| w.chars().next())
            .filter(|c| c.is_uppercase())
            .collect();
        let letters: String = acronym.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.len() >= 2
            && letters.chars().all(char::is_uppercase)
            && (initials == letters || initials.starts_with(&letters))
        {
            found.push((
                Span {
                    start: acr,
                    end: acr + 1,
                    kind: span.kind,
                },
                *confidence,
            ));
        }
    }
    for (span, c) in found {
        spans.retain(|(s, _)| !(s.start < span.end && span.start < s.end));
        spans.push((span, c));
    }
    spans.sort_by_key(|(s, _)| s.start);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, &'static str)> {
        Tagger::builtin()
            .expect("the built-in model loads")
            .find(text)
            .into_iter()
            .map(|m| (m.text, m.kind.code()))
            .collect()
    }

    /// Issue 19: one sentence of thousands of capitalised words became one
    /// "mention" of 40,000 characters that the resolver choked on.
    #[test]
    fn no_name_is_longer_than_a_name_can_be() {
        let words: Vec<String> = (0..400).map(|i| format!("Word{i}x")).collect();
        let text = format!("He said {} went home.", words.join(" "));
        let tagger = Tagger::builtin().expect("model");
        for m in tagger.find(&text) {
            assert!(
                m.text.chars().count() <= mediamon_names::MAX_NAME_CHARS
                    && m.text.split_whitespace().count() <= mediamon_names::MAX_NAME_WORDS,
                "{} characters",
                m.text.len()
            );
        }
        assert!(!found("Zalmay Khalilzad met Amir Khan Muttaqi.").is_empty());
    }

    #[test]
    fn names_types_offsets_and_titles() {
        let text = "KABUL -- The acting foreign minister, Amir Khan Muttaqi, met envoys of \
                    the National Resistance Front (NRF) in Dushanbe on Monday. Muttaqi said \
                    the Taliban would talk to Pakistan.";
        let tagger = Tagger::builtin().expect("model");
        let mentions = tagger.find(text);
        let got: Vec<(&str, &str)> = mentions
            .iter()
            .map(|m| (m.text.as_str(), m.kind.code()))
            .collect();
        for want in [
            ("KABUL", "LOC"),
            ("Amir Khan Muttaqi", "PER"),
            ("National Resistance Front", "ORG"),
            ("NRF", "ORG"),
            ("Dushanbe", "LOC"),
            ("Muttaqi", "PER"),
            ("Taliban", "ORG"),
            ("Pakistan", "LOC"),
        ] {
            assert!(got.contains(&want), "{want:?} not in {got:?}");
        }
        for m in &mentions {
            let by_offsets: String = text.chars().skip(m.start).take(m.end - m.start).collect();
            assert_eq!(by_offsets, m.text);
            assert!(m.confidence > 0.0 && m.confidence < 1.0);
        }
        let muttaqi = mentions
            .iter()
            .find(|m| m.text == "Amir Khan Muttaqi")
            .expect("found");
        assert_eq!(muttaqi.titles, ["acting foreign minister"]);
    }

    #[test]
    fn kinship_and_kinds_of_place_are_cues() {
        let tagger = Tagger::builtin().expect("model");
        let words = |s: &'static str| s.split(' ').collect::<Vec<_>>();
        let w = words("His father , President Zardari , spoke .");
        assert_eq!(
            tagger.cues(&w, 4, 5, EntityType::Per),
            ["father", "President"]
        );
        let w = words("her brother , the acting minister , Ali Jalali");
        assert_eq!(
            tagger.cues(&w, 7, 9, EntityType::Per),
            ["brother", "acting minister"]
        );
        let w = words("President Zardari spoke .");
        assert_eq!(tagger.cues(&w, 1, 2, EntityType::Per), ["President"]);
        let w = words("The governor of Herat said so .");
        assert_eq!(tagger.cues(&w, 3, 4, EntityType::Loc), ["province"]);
        let w = words("Canals drawn from the Helmand dried up .");
        assert_eq!(tagger.cues(&w, 4, 5, EntityType::Loc), ["river"]);
        let w = words("for the Kabul \u{2013} Islamabad talks");
        assert!(tagger.cues(&w, 2, 3, EntityType::Loc).is_empty());
        let w = words("Officials in Helmand said so .");
        assert!(tagger.cues(&w, 2, 3, EntityType::Loc).is_empty());
        let text = "His father, President Zardari, met him.";
        let at = text.find("Zardari").expect("in the text");
        assert_eq!(
            tagger.cues_in(text, at, at + "Zardari".len(), EntityType::Per),
            ["father", "President"]
        );
    }

    #[test]
    fn a_place_with_its_kind_is_a_place() {
        let got =
            found("Relief reached Herat Province. The Islamic State Khorasan Province claimed it.");
        assert!(got.contains(&("Herat Province".into(), "LOC")), "{got:?}");
        assert!(
            !got.iter()
                .any(|(t, k)| t.contains("Khorasan") && *k == "LOC"),
            "{got:?}"
        );
    }

    #[test]
    fn a_surname_alone_is_the_person_named_in_full() {
        let got =
            found("Khalid Pashtoon spoke first. Later in the session, Pashtoon asked for a vote.");
        assert!(got.contains(&("Pashtoon".into(), "PER")), "{got:?}");
    }

    /// Issue 16: a place just before a person's name was read as the
    /// person's first name ("Afghanistan Hassan Karimi").
    #[test]
    fn a_place_before_a_name_is_a_place() {
        for (text, place, person) in [
            (
                "The special envoy for Afghanistan Hassan Karimi said the talks would resume.",
                "Afghanistan",
                "Hassan Karimi",
            ),
            (
                "The ambassador to Iran Farid Nazemi left on Tuesday.",
                "Iran",
                "Farid Nazemi",
            ),
            // Read as one organisation before the fix.
            (
                "The governor of Herat Nasir Wardak was replaced on Sunday.",
                "Herat",
                "Nasir Wardak",
            ),
        ] {
            let got = found(text);
            assert!(got.contains(&(place.into(), "LOC")), "{got:?}");
            assert!(got.contains(&(person.into(), "PER")), "{got:?}");
        }
        // Places that are also given names stay in the name.
        for (text, person) in [
            (
                "Hassan Karimi Ahmadzai arrived late.",
                "Hassan Karimi Ahmadzai",
            ),
            ("Chad Morton scored twice for the visitors.", "Chad Morton"),
        ] {
            let got = found(text);
            assert!(got.contains(&(person.into(), "PER")), "{got:?}");
        }
        let got = found("The chairman of Herat Cricket Board resigned.");
        assert!(
            got.contains(&("Herat Cricket Board".into(), "ORG")),
            "{got:?}"
        );
    }

    /// Issue 16: "Geneva-based" was read as the start of the organisation
    /// after it, or the organisation was missed.
    #[test]
    fn where_an_organisation_is_based_is_not_its_name() {
        for (text, org) in [
            (
                "Geneva-based Women for Peace Network said the clinics had closed.",
                "Women for Peace Network",
            ),
            (
                "A report by Geneva-based Women for Peace said many clinics had closed.",
                "Women for Peace",
            ),
            (
                "The Taliban-backed Council of Elders met in Kandahar.",
                "Council of Elders",
            ),
        ] {
            let got = found(text);
            assert!(got.contains(&(org.into(), "ORG")), "{got:?}");
            assert!(
                !got.iter()
                    .any(|(t, k)| t.contains("-") && t.contains(' ') && *k != "MISC"),
                "{got:?}"
            );
        }
    }

    /// Issue 16: a name written with an en dash between its parts was
    /// split in two, and two places joined by one were one organisation.
    #[test]
    fn en_dashes_join_names_and_pair_places() {
        for (text, name) in [
            (
                "The committee chair, Sarah Hughes\u{2013}Whitfield, said the report was late.",
                "Sarah Hughes\u{2013}Whitfield",
            ),
            (
                "Mohammad\u{2013}Ali Farahmand was arrested on Monday.",
                "Mohammad\u{2013}Ali Farahmand",
            ),
        ] {
            let got = found(text);
            assert!(got.contains(&(name.into(), "PER")), "{got:?}");
        }
        for (text, places) in [
            (
                "The Pakistan\u{2013}Afghanistan border was closed again.",
                ["Pakistan", "Afghanistan"],
            ),
            (
                "Officials prepared for the Kabul\u{2013}Islamabad talks next week.",
                ["Kabul", "Islamabad"],
            ),
        ] {
            let got = found(text);
            for place in places {
                assert!(got.contains(&(place.into(), "LOC")), "{got:?}");
            }
        }
        // A dash with spaces around it joins nothing.
        let got = found("Sarah Hughes \u{2013} Whitfield was away.");
        assert!(!got.iter().any(|(t, _)| t.contains('\u{2013}')), "{got:?}");
    }

    #[test]
    fn bullets_are_not_part_of_names() {
        for (text, _) in found("Menu\n\n • World\n • Sport\n\nImran Khan spoke.") {
            assert!(text.starts_with(char::is_alphanumeric), "{text:?}");
        }
    }
}
