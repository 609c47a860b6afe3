//! The seed articles (read at run time from `../shared/seeds`): the names
//! the entity-resolution work depends on are found, with their types.

use std::collections::BTreeSet;
use std::path::Path;

use mediamon_ner::Tagger;

#[test]
fn seed_names_are_found_with_their_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    let tagger = Tagger::builtin().expect("the built-in model loads");
    let mut found: BTreeSet<(String, &str)> = BTreeSet::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    assert_eq!(entries.len(), 5, "{entries:?}");
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("utf-8 seed");
        found.extend(
            tagger
                .find(&text)
                .into_iter()
                .map(|m| (m.text, m.kind.code())),
        );
    }
    for (name, kind) in [
        ("Amir Khan Muttaqi", "PER"),
        ("Muttaqi", "PER"),
        ("Mottaki", "PER"),
        ("Ahmed Masood", "PER"),
        ("Khalid Pashtoon", "PER"),
        ("Pashtoon", "PER"),
        ("Ali Maisam Nazary", "PER"),
        ("Nazary", "PER"),
        ("NRF", "ORG"),
        ("ISI", "ORG"),
        ("TTP", "ORG"),
        ("Panjshir Valley", "LOC"),
        ("Türkiye", "LOC"),
        ("Turkey", "LOC"),
    ] {
        assert!(
            found.contains(&(name.to_string(), kind)),
            "{name} ({kind}) not found"
        );
    }
}
