//! Feature extraction: each token becomes a set of hashed feature keys.
//!
//! Features of the token and a window of two on each side: the word, its
//! lowercase form, prefixes and suffixes, word shape, word pairs; the
//! sentence position and whether the sentence is a headline in capitals;
//! gazetteer matches (places, titles before a name, organisation head
//! words); and how the same word is written elsewhere in the document, which
//! tells a capitalised sentence-initial or headline word that is a name from
//! one that is not. Keys are 64-bit FNV-1a hashes of a template number and
//! its values, stable across builds, so a model file stays valid.

use rustc_hash::FxHashMap;

use crate::gazetteer::{Gazetteer, KINDS, Kind};

/// Builds one key.
struct Key(u64);

impl Key {
    fn new(template: u8) -> Self {
        Key(0xcbf2_9ce4_8422_2325).byte(template)
    }

    fn byte(mut self, b: u8) -> Self {
        self.0 ^= u64::from(b);
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        self
    }

    fn str(mut self, s: &str) -> Self {
        for b in s.bytes() {
            self = self.byte(b);
        }
        self.byte(0x1f)
    }
}

/// How a word is written elsewhere in its document.
const SEEN_LOWER: u8 = 1;
const SEEN_CAPITALISED: u8 = 2;

/// The capitalisation of each word (lowercased) across a document, outside
/// sentence starts and headlines.
#[derive(Default)]
pub struct DocContext {
    seen: FxHashMap<String, u8>,
}

impl DocContext {
    pub fn new<'a>(sentences: impl IntoIterator<Item = &'a [&'a str]>) -> Self {
        let mut seen: FxHashMap<String, u8> = FxHashMap::default();
        for tokens in sentences {
            if headline(tokens) {
                continue;
            }
            for t in tokens.iter().skip(1) {
                let Some(first) = t.chars().next() else {
                    continue;
                };
                let flag = if first.is_uppercase() {
                    SEEN_CAPITALISED
                } else if first.is_lowercase() {
                    SEEN_LOWER
                } else {
                    continue;
                };
                *seen.entry(t.to_lowercase()).or_default() |= flag;
            }
        }
        DocContext { seen }
    }

    fn flags(&self, lower: &str) -> u8 {
        self.seen.get(lower).copied().unwrap_or(0)
    }
}

/// A sentence of capitals (most letters uppercase): a headline.
fn headline(tokens: &[&str]) -> bool {
    let (mut upper, mut letters) = (0, 0);
    for c in tokens
        .iter()
        .flat_map(|t| t.chars())
        .filter(|c| c.is_alphabetic())
    {
        letters += 1;
        upper += usize::from(c.is_uppercase());
    }
    letters >= 4 && upper * 10 >= letters * 8
}

/// Word shape: X for a capital, x for a small letter, d for a digit, the
/// character for anything else; `short` collapses runs ("Xx", "d,d").
fn shape(word: &str, short: bool, out: &mut String) {
    out.clear();
    for c in word.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else if c.is_alphabetic() {
            // Caseless scripts.
            'a'
        } else {
            c
        };
        if short && out.ends_with(s) {
            continue;
        }
        if !short && out.chars().count() >= 8 {
            break;
        }
        out.push(s);
    }
}

/// Feature keys of a sentence's tokens: `keys[offsets[i]..offsets[i + 1]]`
/// are token i's.
#[derive(Default, Debug, Clone)]
pub struct SentenceFeatures {
    pub keys: Vec<u64>,
    pub offsets: Vec<usize>,
}

impl SentenceFeatures {
    pub fn token(&self, i: usize) -> &[u64] {
        &self.keys[self.offsets[i]..self.offsets[i + 1]]
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where the outside of a sentence stands in for a neighbour.
pub const OUTSIDE: &str = "<s>";

/// A sentence made ready for feature extraction.
pub struct Prepared<'a> {
    pub tokens: &'a [&'a str],
    lower: Vec<String>,
    shapes: Vec<String>,
    marks: Vec<Vec<(u8, u8)>>,
    headline: bool,
    flags: Vec<u8>,
    /// The first pass's view, for the second pass.
    hints: Option<Vec<Hint>>,
}

/// What the first pass said about a token and about its word elsewhere in
/// the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    /// The first pass's BILOU tag of the token.
    pub tag: u8,
    /// The type (1 + index, 0 none) the first pass gave most often to this
    /// word's other occurrences in the document, inside a name.
    pub elsewhere: u8,
    /// Every such occurrence had that type.
    pub unanimous: bool,
}

/// The second pass's hints for a document, from the first pass's tags:
/// "one sense per discourse", a name tagged once is likely the same name
/// where the first pass missed it or typed it otherwise.
pub fn hints(sentences: &[Prepared<'_>], tags: &[Vec<usize>]) -> Vec<Vec<Hint>> {
    let type_of = |t: usize| if t == 0 { 0 } else { 1 + (t - 1) / 4 };
    let mut counts: FxHashMap<&str, [u16; 5]> = FxHashMap::default();
    for (p, tags) in sentences.iter().zip(tags) {
        for (lower, &t) in p.lower.iter().zip(tags) {
            if t != 0 && lower.starts_with(char::is_alphanumeric) {
                counts.entry(lower).or_default()[type_of(t)] += 1;
            }
        }
    }
    sentences
        .iter()
        .zip(tags)
        .map(|(p, tags)| {
            p.lower
                .iter()
                .zip(tags)
                .map(|(lower, &t)| {
                    let mut c = counts.get(lower.as_str()).copied().unwrap_or_default();
                    c[type_of(t)] = c[type_of(t)].saturating_sub(u16::from(t != 0));
                    let (best, n) = (1..5)
                        .map(|k| (k, c[k]))
                        .max_by_key(|&(_, n)| n)
                        .unwrap_or((0, 0));
                    let total: u16 = c[1..].iter().sum();
                    Hint {
                        tag: t as u8,
                        elsewhere: if n == 0 { 0 } else { best as u8 },
                        unanimous: n > 0 && n == total,
                    }
                })
                .collect()
        })
        .collect()
}

impl<'a> Prepared<'a> {
    /// Adds the first pass's hints: the features of the second pass.
    pub fn with_hints(mut self, hints: Vec<Hint>) -> Self {
        self.hints = Some(hints);
        self
    }

    /// Sets the first pass's hints in place.
    pub fn set_hints(&mut self, hints: Vec<Hint>) {
        self.hints = Some(hints);
    }

    pub fn new(tokens: &'a [&'a str], doc: &DocContext, gaz: &Gazetteer) -> Self {
        let lower: Vec<String> = tokens.iter().map(|t| t.to_lowercase()).collect();
        let lower_refs: Vec<&str> = lower.iter().map(String::as_str).collect();
        let marks = gaz.annotate(&lower_refs);
        let shapes = tokens
            .iter()
            .map(|t| {
                let mut s = String::new();
                shape(t, true, &mut s);
                s
            })
            .collect();
        let flags = lower.iter().map(|l| doc.flags(l)).collect();
        Prepared {
            tokens,
            lower,
            shapes,
            marks,
            headline: headline(tokens),
            flags,
            hints: None,
        }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The token `d` places from `i`, or [`OUTSIDE`].
    pub fn neighbour(&self, i: usize, d: isize) -> &str {
        let j = i as isize + d;
        if j < 0 || j as usize >= self.tokens.len() {
            OUTSIDE
        } else {
            self.tokens[j as usize]
        }
    }

    fn lower_at(&self, i: usize, d: isize) -> &str {
        let j = i as isize + d;
        if j < 0 || j as usize >= self.tokens.len() {
            OUTSIDE
        } else {
            &self.lower[j as usize]
        }
    }

    fn shape_at(&self, i: usize, d: isize) -> &str {
        let j = i as isize + d;
        if j < 0 || j as usize >= self.tokens.len() {
            OUTSIDE
        } else {
            &self.shapes[j as usize]
        }
    }

    fn kind_at(&self, i: usize, kind: Kind) -> bool {
        self.marks[i]
            .iter()
            .any(|&(k, _)| k & (1 << kind as u8) != 0)
    }

    /// Features of token `i` that depend on more than one word: word pairs,
    /// shapes around it, sentence position, gazetteer matches, the document.
    pub fn context_keys(&self, i: usize, k: &mut Vec<u64>) {
        let n = self.tokens.len();
        let l = self.lower[i].as_str();
        let shape0 = self.shapes[i].as_str();
        k.push(Key::new(19).str(self.lower_at(i, -1)).str(l).0);
        k.push(Key::new(20).str(l).str(self.lower_at(i, 1)).0);
        k.push(
            Key::new(21)
                .str(self.shape_at(i, -1))
                .str(shape0)
                .str(self.shape_at(i, 1))
                .0,
        );
        if i == 0 {
            k.push(Key::new(22).str(shape0).0);
        }
        let cap = self.tokens[i]
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        for &(kinds, pos) in &self.marks[i] {
            for kind in 0..KINDS as u8 {
                if kinds & (1 << kind) != 0 {
                    k.push(Key::new(23).byte(kind).byte(pos).0);
                    k.push(Key::new(24).byte(kind).byte(pos).byte(u8::from(cap)).0);
                }
            }
        }
        // A title or role just before: "Mawlawi X", "spokesman X".
        if i > 0 && self.kind_at(i - 1, Kind::Title) {
            k.push(Key::new(25).byte(u8::from(cap)).0);
        }
        // An organisation's head word ahead: "X Y Council".
        for d in 1..=3 {
            if i + d < n && self.kind_at(i + d, Kind::OrgHead) {
                k.push(Key::new(26).byte(d as u8).byte(u8::from(cap)).0);
            }
        }
        let flags = self.flags[i];
        k.push(Key::new(27).byte(flags).str(shape0).0);
        if i == 0 || self.headline {
            k.push(Key::new(28).byte(flags).byte(u8::from(self.headline)).0);
        }
        if self.headline {
            k.push(Key::new(29).str(l).0);
        }
    }

    /// The second pass's features of token `i`: the first pass's tags
    /// around it and its word's type elsewhere in the document (nothing
    /// without hints).
    pub fn hint_keys(&self, i: usize, k: &mut Vec<u64>) {
        let Some(hints) = &self.hints else { return };
        let n = self.tokens.len();
        let cap = self.tokens[i]
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        let h = hints[i];
        let tag_at = |j: isize| {
            if j < 0 || j as usize >= n {
                255
            } else {
                hints[j as usize].tag
            }
        };
        let ii = i as isize;
        k.push(Key::new(40).byte(h.tag).0);
        k.push(
            Key::new(41)
                .byte(tag_at(ii - 1))
                .byte(h.tag)
                .byte(tag_at(ii + 1))
                .0,
        );
        k.push(Key::new(42).byte(h.elsewhere).byte(u8::from(h.unanimous)).0);
        k.push(
            Key::new(43)
                .byte(h.elsewhere)
                .byte(u8::from(cap))
                .byte(h.tag)
                .0,
        );
    }
}

/// The key of the second pass's own-tag feature, for tests that give it a
/// weight.
#[cfg(test)]
pub fn hint_key_for_tests(tag: u8) -> u64 {
    Key::new(40).byte(tag).0
}

/// Features of a token on its own: the word, its lowercase form, prefixes
/// and suffixes, shapes, the parts of a hyphenated word. A function of the
/// token's text alone, so a tagger may cache their weights per word.
pub fn word_keys(tok: &str, k: &mut Vec<u64>) {
    let lower = tok.to_lowercase();
    let l = lower.as_str();
    k.push(Key::new(0).0);
    k.push(Key::new(1).str(tok).0);
    k.push(Key::new(2).str(l).0);
    let bounds: Vec<usize> = l.char_indices().map(|(b, _)| b).chain([l.len()]).collect();
    let chars = bounds.len() - 1;
    for len in 1..=4.min(chars) {
        k.push(Key::new(2 + len as u8).str(&l[..bounds[len]]).0);
        k.push(Key::new(6 + len as u8).str(&l[bounds[chars - len]..]).0);
    }
    let mut s = String::new();
    shape(tok, false, &mut s);
    k.push(Key::new(11).str(&s).0);
    shape(tok, true, &mut s);
    k.push(Key::new(12).str(&s).0);
    // The parts of a hyphenated word: "pro-Taliban", "Tehreek-e-Taliban".
    if let Some((first, rest)) = l.split_once('-') {
        k.push(Key::new(30).str(first).0);
        k.push(Key::new(31).str(rest.rsplit('-').next().unwrap_or(rest)).0);
    }
}

/// The window offsets whose words are features of a token.
pub const WINDOW: [isize; 4] = [-2, -1, 1, 2];

/// Features of the word `d` places away (`tok` is [`OUTSIDE`] past the
/// sentence's ends): its lowercase form, and its shape one place away. A
/// function of (`d`, the word's text) alone, so cacheable like
/// [`word_keys`].
pub fn neighbour_keys(d: isize, tok: &str, k: &mut Vec<u64>) {
    let (lower, shaped) = if tok == OUTSIDE {
        (OUTSIDE.to_string(), OUTSIDE.to_string())
    } else {
        let mut s = String::new();
        shape(tok, true, &mut s);
        (tok.to_lowercase(), s)
    };
    let template = match d {
        -1 => 13,
        1 => 14,
        -2 => 15,
        _ => 16,
    };
    k.push(Key::new(template).str(&lower).0);
    if d.abs() == 1 {
        k.push(Key::new(if d < 0 { 17 } else { 18 }).str(&shaped).0);
    }
}

/// All feature keys of one sentence (training and tests use this; the
/// tagger assembles the same keys through its caches).
pub fn extract(tokens: &[&str], doc: &DocContext, gaz: &Gazetteer) -> SentenceFeatures {
    extract_prepared(&Prepared::new(tokens, doc, gaz))
}

/// [`extract`] of a prepared sentence (with hints, for the second pass).
pub fn extract_prepared(p: &Prepared<'_>) -> SentenceFeatures {
    let tokens = p.tokens;
    let mut out = SentenceFeatures {
        keys: Vec::with_capacity(tokens.len() * 40),
        offsets: Vec::with_capacity(tokens.len() + 1),
    };
    for (i, tok) in tokens.iter().enumerate() {
        out.offsets.push(out.keys.len());
        word_keys(tok, &mut out.keys);
        for d in WINDOW {
            neighbour_keys(d, p.neighbour(i, d), &mut out.keys);
        }
        p.context_keys(i, &mut out.keys);
        p.hint_keys(i, &mut out.keys);
    }
    out.offsets.push(out.keys.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let mut s = String::new();
        shape("Tehreek-e-Taliban", true, &mut s);
        assert_eq!(s, "Xx-x-Xx");
        shape("2,000", true, &mut s);
        assert_eq!(s, "d,d");
        shape("NRF", false, &mut s);
        assert_eq!(s, "XXX");
    }

    #[test]
    fn features_are_stable_and_per_token() {
        let tokens = ["Mawlawi", "Abdul", "Kabir", "visited", "Kabul", "."];
        let doc = DocContext::new([&tokens[..]]);
        let a = extract(&tokens, &doc, Gazetteer::builtin());
        let b = extract(&tokens, &doc, Gazetteer::builtin());
        assert_eq!(a.keys, b.keys);
        assert_eq!(a.len(), tokens.len());
        // "Abdul" follows a title; "Kabir" does not.
        let title = Key::new(25).byte(1).0;
        assert!(a.token(1).contains(&title));
        assert!(!a.token(2).contains(&title));
    }

    #[test]
    fn headlines_are_capitals() {
        assert!(headline(&["TALIBAN", "NAME", "NEW", "ENVOY"]));
        assert!(!headline(&["The", "Taliban", "named", "an", "envoy"]));
    }
}
