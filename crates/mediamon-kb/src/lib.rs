//! The knowledge base of known entities the product ships: every country,
//! the international organisations, and the movements, parties, agencies and
//! forces of the news domain (Afghanistan, Pakistan, Iran and neighbours).
//! A known entity gives the resolver a stable key, the usual English name
//! and the other names and abbreviations the news uses for it, so that
//! "U.S.", "USA" and "United States of America" meet before any article has
//! taught them.
//!
//! The data are TSV files in `data/` (origins, licences and the rules that
//! made them in `data/README.md`), compiled into the binary and parsed and
//! validated when loaded.
//!
//! Invariants: pure (no IO: the files are embedded; [`parse`] reads a
//! string an operator's program supplies); keys are stable across releases,
//! since stored entities point to them; every name fits the product's name
//! limits, so the resolver can meet it.

use std::collections::HashMap;
use std::fmt;

/// The longest name, in characters, the resolver accepts; mirrors
/// `mediamon_names::MAX_NAME_CHARS` (this crate depends on nothing of ours).
/// A known name longer than any mention could never be met.
pub const MAX_NAME_CHARS: usize = 160;
/// The most words a name may have; mirrors `mediamon_names::MAX_NAME_WORDS`.
pub const MAX_NAME_WORDS: usize = 12;

/// The entity types the product knows (the recogniser's types).
pub const TYPES: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];

/// The header every file starts with: the columns, in order.
pub const HEADER: &str = "key\ttype\tcanonical\taliases\tcodes";

const COLUMNS: [&str; 5] = ["key", "type", "canonical", "aliases", "codes"];

/// Where a known entity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// `countries.tsv`: every ISO 3166 country and territory, derived from
    /// Wikidata and datasets/country-codes.
    Countries,
    /// `organisations.tsv`: international organisations, derived from
    /// confirmordeny/supraverden (CC BY-SA 4.0).
    Organisations,
    /// `domain.tsv`: the news domain's movements, parties, agencies and
    /// forces, curated by the project.
    Domain,
}

impl Source {
    /// Every source, in load order.
    pub const ALL: [Source; 3] = [Source::Countries, Source::Organisations, Source::Domain];

    /// The file the entities come from, named in errors.
    pub fn file_name(self) -> &'static str {
        match self {
            Source::Countries => "countries.tsv",
            Source::Organisations => "organisations.tsv",
            Source::Domain => "domain.tsv",
        }
    }

    /// The prefix of every key of this source: keys of different sources
    /// can never collide, and a key says where to look it up.
    pub fn key_prefix(self) -> &'static str {
        match self {
            Source::Countries => "country:",
            Source::Organisations => "io:",
            Source::Domain => "domain:",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Source::Countries => include_str!("../data/countries.tsv"),
            Source::Organisations => include_str!("../data/organisations.tsv"),
            Source::Domain => include_str!("../data/domain.tsv"),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file_name())
    }
}

/// One real-world actor the product knows before reading any article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownEntity {
    /// Stable id: `country:AFG`, `io:Q1065`, `domain:taliban`.
    pub key: String,
    /// `PER`, `ORG`, `LOC` or `MISC`.
    pub entity_type: String,
    /// The usual English name, for display.
    pub canonical: String,
    /// Other names: full and short forms, former names, other languages.
    /// Matched as names (the resolver folds case and diacritics).
    pub aliases: Vec<String>,
    /// Abbreviations and acronyms (`U.S.`, `UNAMA`, `PML-N`): case
    /// sensitive, since many are words when written in lower case.
    pub codes: Vec<String>,
    /// The file it comes from.
    pub source: Source,
}

impl KnownEntity {
    /// The canonical name, the aliases and the codes.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.canonical.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .chain(self.codes.iter().map(String::as_str))
    }
}

/// A file of the knowledge base that cannot be loaded. Each variant names
/// the file and, for a row, its line (1-based, the header is line 1) and the
/// column (1-based) at fault, so an operator can fix the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KbError {
    /// The first line is not [`HEADER`].
    #[error(
        "{file}: line 1: expected the header `key, type, canonical, aliases, codes` separated by tabs"
    )]
    Header { file: &'static str },
    /// A row without exactly five tab-separated fields.
    #[error("{file}: line {line}: expected 5 tab-separated fields, found {found}")]
    FieldCount {
        file: &'static str,
        line: usize,
        found: usize,
    },
    /// A field that breaks a rule.
    #[error("{file}: line {line}, column {column} ({field}): {problem}")]
    Field {
        file: &'static str,
        line: usize,
        column: usize,
        field: &'static str,
        problem: Problem,
    },
    /// A key given twice, in one file or in two.
    #[error("{file}: line {line}: key `{key}` already given at {first_file} line {first_line}")]
    DuplicateKey {
        file: &'static str,
        line: usize,
        key: String,
        first_file: &'static str,
        first_line: usize,
    },
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The key does not start with its source's prefix, or has nothing,
    /// or whitespace, after it.
    BadKey { expected_prefix: &'static str },
    /// The type is not one of [`TYPES`].
    UnknownType(String),
    /// An empty canonical name, or an empty item in a `|` list.
    EmptyName,
    /// A name longer than [`MAX_NAME_CHARS`] characters.
    TooLong(String),
    /// A name of more than [`MAX_NAME_WORDS`] words.
    TooManyWords(String),
    /// A name with a control character (a stray `\r`, say).
    ControlCharacter(String),
    /// A name with spaces before or after it.
    Untrimmed(String),
    /// A name given twice in one list, or an alias repeating the canonical.
    Repeated(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::BadKey { expected_prefix } => {
                write!(f, "a key is `{expected_prefix}` and an id without spaces")
            }
            Problem::UnknownType(t) => write!(f, "unknown type `{t}` (PER, ORG, LOC or MISC)"),
            Problem::EmptyName => f.write_str("empty name"),
            Problem::TooLong(n) => write!(f, "`{n}` is longer than {MAX_NAME_CHARS} characters"),
            Problem::TooManyWords(n) => write!(f, "`{n}` has more than {MAX_NAME_WORDS} words"),
            Problem::ControlCharacter(n) => {
                write!(f, "`{}` has a control character", n.escape_debug())
            }
            Problem::Untrimmed(n) => write!(f, "`{n}` has spaces around it"),
            Problem::Repeated(n) => write!(f, "`{n}` is given twice"),
        }
    }
}

/// Which known entity belongs to which (`within.tsv`: a state's agencies
/// and forces to the state), as `(part, whole)` keys. The file is the
/// product's own and checked by a test, so a malformed row is skipped
/// rather than failing every caller.
pub fn within() -> &'static [(&'static str, &'static str)] {
    static WITHIN: std::sync::OnceLock<Vec<(&'static str, &'static str)>> =
        std::sync::OnceLock::new();
    WITHIN.get_or_init(|| {
        include_str!("../data/within.tsv")
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once('\t'))
            .collect()
    })
}

/// Every known entity the product ships, parsed from the embedded files
/// (include_str!), in the order countries, organisations, domain. Keys are
/// unique across the three files.
pub fn builtin() -> Result<Vec<KnownEntity>, KbError> {
    let mut all = Vec::new();
    // key -> (file, line) of its first row, to name both in an error.
    let mut seen: HashMap<String, (&'static str, usize)> = HashMap::new();
    for source in Source::ALL {
        let entities = parse(source.text(), source)?;
        for (i, e) in entities.iter().enumerate() {
            // parse keeps every row, so row i is on line i + 2.
            check_unique(&mut seen, &e.key, source.file_name(), i + 2)?;
        }
        all.extend(entities);
    }
    Ok(all)
}

/// Parses one file's text (for tests and for a file an operator supplies):
/// a header line, then one entity per line. Keys must be unique in the
/// file and start with the source's [`Source::key_prefix`].
pub fn parse(text: &str, source: Source) -> Result<Vec<KnownEntity>, KbError> {
    let file = source.file_name();
    // Every line ends with `\n`; the last may not.
    let mut lines = text.strip_suffix('\n').unwrap_or(text).split('\n');
    if lines.next() != Some(HEADER) {
        return Err(KbError::Header { file });
    }
    let mut entities = Vec::new();
    let mut seen = HashMap::new();
    for (i, row) in lines.enumerate() {
        let line = i + 2;
        let entity = parse_row(row, source, line)?;
        check_unique(&mut seen, &entity.key, file, line)?;
        entities.push(entity);
    }
    Ok(entities)
}

fn check_unique(
    seen: &mut HashMap<String, (&'static str, usize)>,
    key: &str,
    file: &'static str,
    line: usize,
) -> Result<(), KbError> {
    if let Some(&(first_file, first_line)) = seen.get(key) {
        return Err(KbError::DuplicateKey {
            file,
            line,
            key: key.to_owned(),
            first_file,
            first_line,
        });
    }
    seen.insert(key.to_owned(), (file, line));
    Ok(())
}

fn parse_row(row: &str, source: Source, line: usize) -> Result<KnownEntity, KbError> {
    let file = source.file_name();
    let fields: Vec<&str> = row.split('\t').collect();
    let [key, entity_type, canonical, aliases, codes] = fields[..] else {
        return Err(KbError::FieldCount {
            file,
            line,
            found: fields.len(),
        });
    };
    let fail = |column: usize, problem: Problem| KbError::Field {
        file,
        line,
        column: column + 1,
        field: COLUMNS[column],
        problem,
    };

    let prefix = source.key_prefix();
    let id = key.strip_prefix(prefix).unwrap_or_default();
    if id.is_empty() || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(fail(
            0,
            Problem::BadKey {
                expected_prefix: prefix,
            },
        ));
    }
    if !TYPES.contains(&entity_type) {
        return Err(fail(1, Problem::UnknownType(entity_type.to_owned())));
    }
    check_name(canonical).map_err(|p| fail(2, p))?;
    let aliases = split_names(aliases).map_err(|p| fail(3, p))?;
    if aliases.iter().any(|a| a == canonical) {
        return Err(fail(3, Problem::Repeated(canonical.to_owned())));
    }
    let codes = split_names(codes).map_err(|p| fail(4, p))?;
    Ok(KnownEntity {
        key: key.to_owned(),
        entity_type: entity_type.to_owned(),
        canonical: canonical.to_owned(),
        aliases,
        codes,
        source,
    })
}

/// A `|`-separated list; an empty field is an empty list.
fn split_names(field: &str) -> Result<Vec<String>, Problem> {
    if field.is_empty() {
        return Ok(Vec::new());
    }
    let mut names: Vec<String> = Vec::new();
    for name in field.split('|') {
        check_name(name)?;
        if names.iter().any(|n| n == name) {
            return Err(Problem::Repeated(name.to_owned()));
        }
        names.push(name.to_owned());
    }
    Ok(names)
}

/// The product's name limits (see `mediamon_names::MAX_NAME_CHARS`): a
/// longer name can never be a mention, so it can never be met.
fn check_name(name: &str) -> Result<(), Problem> {
    if name.trim().is_empty() {
        return Err(Problem::EmptyName);
    }
    if name.chars().any(char::is_control) {
        return Err(Problem::ControlCharacter(name.to_owned()));
    }
    if name.trim() != name {
        return Err(Problem::Untrimmed(name.to_owned()));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Problem::TooLong(name.to_owned()));
    }
    if name.split_whitespace().count() > MAX_NAME_WORDS {
        return Err(Problem::TooManyWords(name.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn kb() -> Vec<KnownEntity> {
        builtin().expect("the builtin knowledge base loads")
    }

    #[test]
    fn every_within_row_names_two_known_entities() {
        let kb = kb();
        let lines = include_str!("../data/within.tsv").lines().count();
        assert_eq!(within().len() + 1, lines, "every row has two keys");
        for (part, whole) in within() {
            by_key(&kb, part);
            assert!(whole.starts_with("country:"), "{whole}");
            by_key(&kb, whole);
        }
        assert!(within().contains(&("domain:isi", "country:PAK")));
    }

    fn by_key<'a>(kb: &'a [KnownEntity], key: &str) -> &'a KnownEntity {
        kb.iter()
            .find(|e| e.key == key)
            .unwrap_or_else(|| panic!("{key} is known"))
    }

    /// Case folded, letters and digits only: close to how the resolver
    /// compares names, enough to see two entities sharing one.
    fn fold(name: &str) -> String {
        name.chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn builtin_parses_every_file() {
        let kb = kb();
        for source in Source::ALL {
            let n = kb.iter().filter(|e| e.source == source).count();
            assert!(n > 0, "{source} gave no entity");
        }
        assert_eq!(
            kb.iter().filter(|e| e.source == Source::Countries).count(),
            249
        );
        let domain = kb.iter().filter(|e| e.source == Source::Domain).count();
        assert!((60..=150).contains(&domain), "{domain} domain rows");
    }

    #[test]
    fn keys_are_unique_and_prefixed() {
        let kb = kb();
        let keys: HashSet<&str> = kb.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys.len(), kb.len());
        for e in &kb {
            assert!(e.key.starts_with(e.source.key_prefix()), "{}", e.key);
        }
    }

    #[test]
    fn united_states_codes_and_aliases() {
        let kb = kb();
        let us = by_key(&kb, "country:USA");
        assert_eq!(us.canonical, "United States");
        assert_eq!(us.entity_type, "LOC");
        for code in ["US", "U.S.", "USA"] {
            assert!(
                us.codes.iter().any(|c| c == code),
                "{code} in {:?}",
                us.codes
            );
        }
        for alias in ["United States of America", "America"] {
            assert!(us.aliases.iter().any(|a| a == alias), "{alias}");
        }
    }

    #[test]
    fn no_demonym_is_a_name() {
        let demonyms = [
            "American",
            "Afghan",
            "Afghani",
            "Pakistani",
            "Iranian",
            "Persian",
            "British",
            "English",
            "Chinese",
            "Russian",
            "Indian",
            "Turkish",
            "Tajik",
            "Uzbek",
            "Turkmen",
            "Kazakh",
            "Kyrgyz",
            "Arab",
            "Emirati",
            "Saudi",
            "Iraqi",
            "Syrian",
            "Israeli",
            "French",
            "German",
            "Manx",
            "Somali",
            "Baloch",
            "Pashtun",
            "Hazara",
        ];
        for e in kb() {
            for name in e.names() {
                assert!(
                    !demonyms.iter().any(|d| d.eq_ignore_ascii_case(name)),
                    "{name} is a name of {}",
                    e.key
                );
            }
        }
    }

    #[test]
    fn khorasan_branch_is_not_the_islamic_state() {
        let kb = kb();
        let iskp = kb
            .iter()
            .find(|e| e.codes.iter().any(|c| c == "ISKP"))
            .expect("ISKP is known");
        let is = kb
            .iter()
            .find(|e| e.canonical == "Islamic State")
            .expect("the Islamic State is known");
        assert_ne!(iskp.key, is.key);
        for code in ["IS-K", "ISIS-K"] {
            assert!(iskp.codes.iter().any(|c| c == code), "{code}");
            assert!(!is.codes.iter().any(|c| c == code), "{code}");
        }
        assert!(is.codes.iter().any(|c| c == "ISIS"));
    }

    #[test]
    fn taliban_and_the_state_they_proclaim_are_one() {
        let kb = kb();
        let taliban = by_key(&kb, "domain:taliban");
        assert_eq!(taliban.canonical, "Taliban");
        assert!(
            taliban
                .aliases
                .iter()
                .any(|a| a == "Islamic Emirate of Afghanistan")
        );
        let ttp = by_key(&kb, "domain:ttp");
        for alias in ["Tehreek-e-Taliban Pakistan", "Tehrik-e-Taliban Pakistan"] {
            assert!(ttp.aliases.iter().any(|a| a == alias), "{alias}");
        }
    }

    /// Ambiguous names are not knowledge: two entities never share a name
    /// (folded) or a code, within a file or across files.
    #[test]
    fn no_name_or_code_belongs_to_two_entities() {
        let kb = kb();
        let mut names: HashMap<String, &str> = HashMap::new();
        let mut codes: HashMap<&str, &str> = HashMap::new();
        let mut clashes = Vec::new();
        for e in &kb {
            let own: HashSet<String> = std::iter::once(&e.canonical)
                .chain(&e.aliases)
                .map(|n| fold(n))
                .collect();
            for name in own {
                if let Some(other) = names.insert(name.clone(), &e.key) {
                    clashes.push(format!("{name}: {other} and {}", e.key));
                }
            }
            for code in &e.codes {
                if let Some(other) = codes.insert(code, &e.key) {
                    clashes.push(format!("{code}: {other} and {}", e.key));
                }
            }
        }
        assert!(clashes.is_empty(), "{clashes:#?}");
    }

    #[test]
    fn no_english_word_is_a_two_letter_code() {
        let words = [
            "IN", "IS", "IT", "AM", "ME", "NO", "TO", "BE", "OR", "AS", "AT", "ID", "MY", "SO",
        ];
        for e in kb() {
            for code in &e.codes {
                assert!(
                    !words.contains(&code.as_str()),
                    "{code} is a code of {}",
                    e.key
                );
            }
        }
    }

    #[test]
    fn parses_a_small_file() {
        let text = "key\ttype\tcanonical\taliases\tcodes\n\
                    domain:x\tORG\tExample Front\tFront of Examples|Example Frente\tEF\n\
                    domain:y\tLOC\tSomewhere\t\t\n";
        let got = parse(text, Source::Domain).expect("parses");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].aliases, ["Front of Examples", "Example Frente"]);
        assert_eq!(got[0].codes, ["EF"]);
        assert!(got[1].aliases.is_empty() && got[1].codes.is_empty());
    }

    fn check_error(row: &str, expected: &str) {
        let text = format!("{HEADER}\ndomain:ok\tORG\tFine\t\t\n{row}\n");
        let err = parse(&text, Source::Domain).expect_err(row);
        assert_eq!(err.to_string(), expected);
    }

    #[test]
    fn a_malformed_row_names_its_line() {
        check_error(
            "domain:x\tORG\tOnly four\t",
            "domain.tsv: line 3: expected 5 tab-separated fields, found 4",
        );
        check_error(
            "domain:x\tGROUP\tName\t\t",
            "domain.tsv: line 3, column 2 (type): unknown type `GROUP` (PER, ORG, LOC or MISC)",
        );
        check_error(
            "domain:x\tORG\t\t\t",
            "domain.tsv: line 3, column 3 (canonical): empty name",
        );
        check_error(
            "domain:x\tORG\tName\tA||B\t",
            "domain.tsv: line 3, column 4 (aliases): empty name",
        );
        check_error(
            "country:x\tORG\tName\t\t",
            "domain.tsv: line 3, column 1 (key): a key is `domain:` and an id without spaces",
        );
        check_error(
            "domain:ok\tORG\tAgain\t\t",
            "domain.tsv: line 3: key `domain:ok` already given at domain.tsv line 2",
        );
        check_error(
            "domain:x\tORG\tName\tFront | Other\t",
            "domain.tsv: line 3, column 4 (aliases): `Front ` has spaces around it",
        );
        check_error(
            "domain:x\tORG\tName\tName\t",
            "domain.tsv: line 3, column 4 (aliases): `Name` is given twice",
        );
        check_error(
            "domain:x\tORG\tName\t\tUN\r",
            "domain.tsv: line 3, column 5 (codes): `UN\\r` has a control character",
        );
        let long = "word ".repeat(13);
        check_error(
            &format!("domain:x\tORG\tName\t{}\t", long.trim()),
            &format!(
                "domain.tsv: line 3, column 4 (aliases): `{}` has more than 12 words",
                long.trim()
            ),
        );
        assert_eq!(
            parse("key\ttype\tname\n", Source::Countries),
            Err(KbError::Header {
                file: "countries.tsv"
            })
        );
    }
}
