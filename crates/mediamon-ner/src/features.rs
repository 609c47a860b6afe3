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

use fnv::FnvHashMap;

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
    seen: FnvHashMap<String, u8>,
}

impl DocContext {
    pub fn new<'a>(sentences: impl IntoIterator<Item = &'a [&'a str]>) -> Self {
        let mut seen: FnvHashMap<String, u8> = FnvHashMap::default();
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

/// Extracts the features of one sentence of a document.
pub fn extract(tokens: &[&str], doc: &DocContext, gaz: &Gazetteer) -> SentenceFeatures {
    let n = tokens.len();
    let lower: Vec<String> = tokens.iter().map(|t| t.to_lowercase()).collect();
    let lower_refs: Vec<&str> = lower.iter().map(String::as_str).collect();
    let mut short = String::new();
    let shapes: Vec<String> = tokens
        .iter()
        .map(|t| {
            shape(t, true, &mut short);
            short.clone()
        })
        .collect();
    let marks = gaz.annotate(&lower_refs);
    let kind_at = |i: usize, kind: Kind| marks[i].iter().any(|&(k, _)| k & (1 << kind as u8) != 0);
    let is_headline = headline(tokens);
    const NONE: &str = "<s>";
    let word = |i: isize| -> &str {
        if i < 0 || i as usize >= n {
            NONE
        } else {
            &lower[i as usize]
        }
    };
    let shp = |i: isize| -> &str {
        if i < 0 || i as usize >= n {
            NONE
        } else {
            &shapes[i as usize]
        }
    };
    let mut out = SentenceFeatures {
        keys: Vec::with_capacity(n * 40),
        offsets: Vec::with_capacity(n + 1),
    };
    let mut long = String::new();
    for (i, tok) in tokens.iter().enumerate() {
        out.offsets.push(out.keys.len());
        let k = &mut out.keys;
        let ii = i as isize;
        let l = lower[i].as_str();
        k.push(Key::new(0).0);
        k.push(Key::new(1).str(tok).0);
        k.push(Key::new(2).str(l).0);
        let chars: Vec<(usize, char)> = l.char_indices().collect();
        for len in 1..=4.min(chars.len()) {
            let end = chars.get(len).map_or(l.len(), |&(b, _)| b);
            k.push(Key::new(2 + len as u8).str(&l[..end]).0);
            let start = chars[chars.len() - len].0;
            k.push(Key::new(6 + len as u8).str(&l[start..]).0);
        }
        shape(tok, false, &mut long);
        k.push(Key::new(11).str(&long).0);
        k.push(Key::new(12).str(&shapes[i]).0);
        k.push(Key::new(13).str(word(ii - 1)).0);
        k.push(Key::new(14).str(word(ii + 1)).0);
        k.push(Key::new(15).str(word(ii - 2)).0);
        k.push(Key::new(16).str(word(ii + 2)).0);
        k.push(Key::new(17).str(shp(ii - 1)).0);
        k.push(Key::new(18).str(shp(ii + 1)).0);
        k.push(Key::new(19).str(word(ii - 1)).str(l).0);
        k.push(Key::new(20).str(l).str(word(ii + 1)).0);
        k.push(
            Key::new(21)
                .str(shp(ii - 1))
                .str(&shapes[i])
                .str(shp(ii + 1))
                .0,
        );
        if i == 0 {
            k.push(Key::new(22).str(&shapes[i]).0);
        }
        let cap = tok.chars().next().is_some_and(char::is_uppercase);
        for &(kinds, pos) in &marks[i] {
            for kind in 0..KINDS as u8 {
                if kinds & (1 << kind) != 0 {
                    k.push(Key::new(23).byte(kind).byte(pos).0);
                    k.push(Key::new(24).byte(kind).byte(pos).byte(u8::from(cap)).0);
                }
            }
        }
        // A title or role just before: "Mawlawi X", "spokesman X".
        if i > 0 && kind_at(i - 1, Kind::Title) {
            k.push(Key::new(25).byte(u8::from(cap)).0);
        }
        // An organisation's head word ahead: "X Y Council".
        for d in 1..=3 {
            if i + d < n && kind_at(i + d, Kind::OrgHead) {
                k.push(Key::new(26).byte(d as u8).byte(u8::from(cap)).0);
            }
        }
        let flags = doc.flags(l);
        k.push(Key::new(27).byte(flags).str(&shapes[i]).0);
        if i == 0 || is_headline {
            k.push(Key::new(28).byte(flags).byte(u8::from(is_headline)).0);
        }
        if is_headline {
            k.push(Key::new(29).str(l).0);
        }
        // The parts of a hyphenated word: "pro-Taliban", "Tehreek-e-Taliban".
        if let Some((first, rest)) = l.split_once('-') {
            k.push(Key::new(30).str(first).0);
            k.push(Key::new(31).str(rest.rsplit('-').next().unwrap_or(rest)).0);
        }
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
