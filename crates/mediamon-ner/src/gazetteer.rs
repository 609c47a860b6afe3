//! Word lists the tagger consults: places (GeoNames countries, regions and
//! cities, and the provinces of Afghanistan, Pakistan and Iran with their
//! spellings), person titles and roles, and organisation head words. The
//! lists ship in the binary (`data/`, origins and licences in its README).
//!
//! Names are matched case-insensitively on whole tokens, so "Mazar-e Sharif"
//! in a gazetteer meets the tokens `Mazar-e`, `Sharif` of a story.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// What a gazetteer entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Country = 0,
    Region = 1,
    City = 2,
    BigCity = 3,
    Title = 4,
    OrgHead = 5,
}

pub const KINDS: usize = 6;

/// The longest entry, in tokens.
pub const MAX_TOKENS: usize = 5;

const PLACES: &str = include_str!("../data/places.tsv");
const PROVINCES: &str = include_str!("../data/provinces_af_pk_ir.tsv");
const TITLES: &str = include_str!("../data/titles.txt");
const ORG_HEADS: &str = include_str!("../data/org_heads.txt");

/// A population from which a city is "big": big enough that news names it.
const BIG_CITY: u64 = 100_000;

/// The country (ISO 3166 alpha-2 code) a region or city of this name lies
/// in, case-insensitively; of several places with one name, the most
/// populous ("Paris" is in France). `None` for a country or an unknown name.
pub fn country_of(name: &str) -> Option<&'static str> {
    static COUNTRY: OnceLock<FxHashMap<String, (&'static str, u64)>> = OnceLock::new();
    let map = COUNTRY.get_or_init(|| {
        let mut map: FxHashMap<String, (&'static str, u64)> = FxHashMap::default();
        let mut countries = Vec::new();
        for line in PLACES.lines().skip(1) {
            let mut f = line.split('\t');
            let (Some(name), Some(kind), Some(country), Some(pop)) =
                (f.next(), f.next(), f.next(), f.next())
            else {
                continue;
            };
            // A country's name is the country, wherever a town shares it.
            if kind == "country" || kind == "continent" {
                countries.push(name.to_lowercase());
                continue;
            }
            let pop = pop.parse().unwrap_or(0);
            let best = map.entry(name.to_lowercase()).or_insert((country, pop));
            if pop > best.1 {
                *best = (country, pop);
            }
        }
        for c in countries {
            map.remove(&c);
        }
        map
    });
    map.get(&name.to_lowercase()).map(|&(country, _)| country)
}

/// Case-folded token sequences and the kinds they have (a bit per kind).
pub struct Gazetteer {
    entries: FxHashMap<u64, u8>,
}

/// The hash of a token sequence: tokens lowercased, one separator between.
#[derive(Clone, Copy)]
pub struct SeqHash(u64);

impl SeqHash {
    pub fn new() -> Self {
        SeqHash(0xcbf2_9ce4_8422_2325)
    }

    /// Adds a lowercase token.
    pub fn push(self, lower: &str) -> Self {
        let mut h = self.0;
        for b in lower.bytes().chain(std::iter::once(0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        SeqHash(h)
    }
}

impl Default for SeqHash {
    fn default() -> Self {
        Self::new()
    }
}

impl Gazetteer {
    /// The built-in lists, parsed once.
    pub fn builtin() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(Gazetteer::parse_builtin)
    }

    fn parse_builtin() -> Gazetteer {
        let mut g = Gazetteer {
            entries: FxHashMap::default(),
        };
        for line in PLACES.lines().skip(1) {
            let mut f = line.split('\t');
            let (Some(name), Some(kind), _, Some(pop)) = (f.next(), f.next(), f.next(), f.next())
            else {
                continue;
            };
            let kind = match kind {
                "continent" | "country" => Kind::Country,
                "admin1" => Kind::Region,
                _ if pop.parse::<u64>().unwrap_or(0) >= BIG_CITY => Kind::BigCity,
                _ => Kind::City,
            };
            g.add(name, kind);
        }
        for line in PROVINCES.lines().skip(1) {
            let mut f = line.split('\t');
            if let (Some(name), _, Some(variants)) = (f.next(), f.next(), f.next()) {
                g.add(name, Kind::Region);
                for v in variants.split('|').filter(|v| *v != "-") {
                    g.add(v, Kind::Region);
                }
            }
        }
        for (list, kind) in [(TITLES, Kind::Title), (ORG_HEADS, Kind::OrgHead)] {
            for line in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
                g.add(line, kind);
            }
        }
        g
    }

    fn add(&mut self, name: &str, kind: Kind) {
        let tokens = mediamon_nlp::tokenize(name);
        if tokens.is_empty() || tokens.len() > MAX_TOKENS {
            return;
        }
        let h = tokens
            .iter()
            .fold(SeqHash::new(), |h, t| h.push(&t.text(name).to_lowercase()));
        *self.entries.entry(h.0).or_default() |= 1 << kind as u8;
    }

    /// The kinds (bit set) of the entry with this hash.
    pub fn kinds(&self, h: SeqHash) -> u8 {
        self.entries.get(&h.0).copied().unwrap_or(0)
    }

    /// For each token (lowercased), the gazetteer matches it is part of:
    /// `(kinds, position)` per token, position 0 = U, 1 = B, 2 = I, 3 = L.
    /// Longest match first from each start; matches may overlap.
    pub fn annotate(&self, lower: &[&str]) -> Vec<Vec<(u8, u8)>> {
        let mut out = vec![Vec::new(); lower.len()];
        for start in 0..lower.len() {
            // Every entry starts with a letter.
            if !lower[start].starts_with(char::is_alphabetic) {
                continue;
            }
            let mut h = SeqHash::new();
            let mut best = None;
            for (end, word) in lower.iter().enumerate().skip(start).take(MAX_TOKENS) {
                h = h.push(word);
                let k = self.kinds(h);
                if k != 0 {
                    best = Some((end, k));
                }
            }
            if let Some((end, kinds)) = best {
                for (i, slot) in out.iter_mut().enumerate().take(end + 1).skip(start) {
                    let pos = if start == end {
                        0
                    } else if i == start {
                        1
                    } else if i == end {
                        3
                    } else {
                        2
                    };
                    slot.push((kinds, pos));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_lies_in_the_country_of_its_most_populous_namesake() {
        assert_eq!(country_of("Istanbul"), Some("TR"));
        assert_eq!(country_of("tehran"), Some("IR"));
        assert_eq!(country_of("Paris"), Some("FR"));
        assert_eq!(country_of("Iran"), None, "a country is no place in one");
        assert_eq!(country_of("Nowhere Special"), None);
    }

    #[test]
    fn places_titles_and_heads() {
        let g = Gazetteer::builtin();
        let k = |s: &str| {
            let lower = s.to_lowercase();
            let words: Vec<&str> = lower.split(' ').collect();
            words.iter().fold(SeqHash::new(), |h, w| h.push(w))
        };
        assert_ne!(g.kinds(k("Kabul")) & (1 << Kind::BigCity as u8), 0);
        assert_ne!(g.kinds(k("Afghanistan")) & (1 << Kind::Country as u8), 0);
        assert_ne!(g.kinds(k("Panjshir")) & (1 << Kind::Region as u8), 0);
        assert_ne!(g.kinds(k("mawlawi")) & (1 << Kind::Title as u8), 0);
        assert_ne!(g.kinds(k("council")) & (1 << Kind::OrgHead as u8), 0);
        let marks = g.annotate(&["in", "new", "york", "city"]);
        assert!(marks[1].iter().any(|&(_, pos)| pos == 1), "{marks:?}");
    }
}
