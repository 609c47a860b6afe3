//! The seed articles (read at run time from `../shared/seeds`): the names
//! the entity-resolution work depends on are found, with their types.

use std::collections::BTreeSet;

use mediamon_ner::Tagger;

#[test]
fn seed_names_are_found_with_their_types() {
    let Some(seeds) = mediamon_testdata::seeds("seed_names_are_found_with_their_types") else {
        return;
    };
    let tagger = Tagger::builtin().expect("the built-in model loads");
    let mut found: BTreeSet<(String, &str)> = BTreeSet::new();
    assert_eq!(seeds.len(), 5);
    for (_, text) in seeds {
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
