//! Blocking keys: what an alias is indexed by and what a mention looks up,
//! so that a mention meets only the few aliases that could be its name.

use mediamon_names::key::skeleton;
use mediamon_names::{Name, has_acronyms, initialism, is_acronym};

/// The lookup keys of a name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AliasKeys {
    /// The normalised name (exact match and trigram search).
    pub norm: String,
    /// Consonant skeletons of all tokens and of the last.
    pub skeleton: String,
    pub last_skeleton: String,
    /// An organisation's acronym or initialism.
    pub initialism: Option<String>,
}

/// At most this many aliases are read per blocking key value: a common key
/// ("Khan", "Council") then costs a bounded read, and a caller can tell a
/// crowded key (this many hits) from a rare one.
pub const PROBE_CAP: usize = 64;

/// What a resolution looks up, for all its mentions at once.
#[derive(Debug, Clone, Default)]
pub struct Probe {
    /// Aliases with exactly these normalised names...
    pub norms: Vec<String>,
    /// ...or these full-name skeletons...
    pub skeletons: Vec<String>,
    /// ...or these surname skeletons (for bare surnames)...
    pub surnames: Vec<String>,
    /// ...or these acronyms / initialisms.
    pub initialisms: Vec<String>,
}

/// The lookup keys of an analysed name.
pub fn alias_keys(surface: &str, name: &Name, entity_type: &str) -> AliasKeys {
    let acronym = has_acronyms(entity_type) && is_acronym(surface);
    // A code is no word to spell otherwise: a place's "MTQ" must not meet
    // a person's "Mottaki" by its consonants.
    let skeletons = if is_acronym(surface) {
        Vec::new()
    } else {
        name.index_skeletons()
    };
    AliasKeys {
        norm: mediamon_names::normalize(surface),
        skeleton: skeletons.join(" "),
        last_skeleton: skeletons.last().cloned().unwrap_or_default(),
        initialism: if acronym {
            Some(surface.to_string())
        } else if has_acronyms(entity_type) {
            initialism(name)
        } else {
            None
        },
    }
}

/// What one mention looks up: its exact name; the skeleton of each suffix
/// of its tokens (the whole name, "Ishaq Dar" in "Muhammad Ishaq Dar", the
/// surname), which finds variants and shorter known forms, and of the name
/// with a compound joined; the other readings of its h letters
/// (`Name::h_readings`), which meet names in or from Arabic script; for a
/// person, the names with that surname; and an organisation's initialism.
#[derive(Debug, Clone)]
pub struct Lookup {
    pub entity_type: String,
    pub norm: String,
    pub skeletons: Vec<String>,
    pub surnames: Vec<String>,
    pub initialism: Option<String>,
    /// A place read as a kind of place ([`Name::of_kind`]): that name,
    /// looked up exactly before the bare one.
    pub kind_norm: Option<String>,
}

impl Lookup {
    pub fn new(entity_type: &str, name: &Name, keys: &AliasKeys) -> Self {
        let n = name.skeletons.len();
        let readings = if keys.skeleton.is_empty() {
            Vec::new()
        } else {
            name.h_readings()
        };
        let skeletons = if keys.skeleton.is_empty() {
            Vec::new()
        } else {
            // Every suffix, and the whole name with two adjacent tokens
            // written as one (هبت الله -> Hibatullah).
            (0..n)
                .map(|i| name.skeletons[i..].join(" "))
                .chain((1..n).map(|i| {
                    let mut joined = name.tokens.clone();
                    let next = joined.remove(i);
                    joined[i - 1].push_str(&next);
                    joined
                        .iter()
                        .map(|t| skeleton(t))
                        .collect::<Vec<_>>()
                        .join(" ")
                }))
                .chain(readings.iter().map(|r| r.join(" ")))
                .collect()
        };
        // Only people are named by a surname alone; it also finds full
        // names whose given names are written otherwise (عبدالرشید دوستم /
        // Abdul Rashid Dostum).
        let mut surnames: Vec<String> = Vec::new();
        if entity_type == "PER" && !keys.last_skeleton.is_empty() {
            surnames.push(keys.last_skeleton.clone());
            surnames.extend(readings.iter().filter_map(|r| r.last().cloned()));
            surnames.extend(name.romanized.then(|| name.last_skeleton().to_string()));
            surnames.sort();
            surnames.dedup();
        }
        Lookup {
            entity_type: entity_type.to_string(),
            norm: keys.norm.clone(),
            skeletons,
            surnames,
            initialism: keys.initialism.clone(),
            kind_norm: name.of_kind().map(|n| n.key()),
        }
    }
}

/// One store probe for several lookups.
pub fn probe_for<'a>(lookups: impl IntoIterator<Item = &'a Lookup>) -> Probe {
    let mut p = Probe::default();
    for l in lookups {
        p.norms.push(l.norm.clone());
        p.norms.extend(l.kind_norm.iter().cloned());
        p.skeletons.extend(l.skeletons.iter().cloned());
        p.surnames.extend(l.surnames.iter().cloned());
        p.initialisms.extend(l.initialism.iter().cloned());
    }
    p
}

/// The keys a resolution that creates an entity for this name locks: a
/// concurrent spelling of the same new name shares one of them. Types are
/// left out, as a name may be tagged one type here and another there.
pub fn lock_keys(k: &AliasKeys) -> Vec<String> {
    let mut out = vec![format!("norm:{}", k.norm)];
    if !k.last_skeleton.is_empty() {
        out.push(format!("last:{}", k.last_skeleton));
    }
    if let Some(acr) = &k.initialism {
        out.push(format!("acr:{acr}"));
    }
    out
}
