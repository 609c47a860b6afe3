//! The five seed articles (read at run time from ../shared/seeds, never
//! copied) ingested together: one entity per actor across their spellings,
//! acronyms and surname references; father and son kept apart.

use std::collections::BTreeSet;

use mediamon_e2e::Stack;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_actors_resolve_to_one_entity_each() -> anyhow::Result<()> {
    let Some(seeds) = mediamon_testdata::seeds("seed_actors_resolve_to_one_entity_each") else {
        return Ok(());
    };
    assert_eq!(seeds.len(), 5, "the five seed articles");
    let stack = Stack::start().await?;
    let texts: Vec<&str> = seeds.iter().map(|(_, t)| t.as_str()).collect();
    // Every mention of every article, by its text.
    let mentions: Vec<_> = stack
        .ingest_all_resolved(&texts)
        .await?
        .into_iter()
        .flat_map(|a| a.mentions)
        .collect();
    // The one entity all mentions written `texts` are linked to.
    let entity_of = |texts: &[&str]| -> String {
        let ids: BTreeSet<&str> = mentions
            .iter()
            .filter(|m| texts.contains(&m.text.as_str()))
            .map(|m| m.entity_id.as_str())
            .collect();
        assert_eq!(ids.len(), 1, "{texts:?} must be one entity: {ids:?}");
        let id = ids.into_iter().next().unwrap_or_default().to_string();
        assert!(!id.is_empty(), "{texts:?} left unlinked");
        id
    };
    let muttaqi = entity_of(&["Amir Khan Muttaqi", "Muttaqi", "Mottaki"]);
    let son = entity_of(&["Ahmad Massoud", "Ahmed Masood"]);
    let father = entity_of(&["Ahmad Shah Massoud", "Ahmed Shah Masood"]);
    let ttp = entity_of(&[
        "Tehreek-e-Taliban Pakistan",
        "Tehrik-e-Taliban Pakistan",
        "TTP",
    ]);
    let taliban = entity_of(&["Taliban"]);
    entity_of(&["Turkey", "Türkiye"]);
    entity_of(&["NRF", "National Resistance Front"]);
    entity_of(&["Pashtoon", "Khalid Pashtoon"]);
    entity_of(&["Nazary", "Ali Maisam Nazary"]);
    assert_ne!(son, father, "father and son must stay apart");
    assert_ne!(ttp, taliban, "the TTP is not the Taliban");
    assert_ne!(muttaqi, son);
    // A bare "Massoud" where both appear is the son or left for review,
    // never silently given to the father.
    for m in mentions
        .iter()
        .filter(|m| m.text == "Massoud" || m.text == "Masood")
    {
        assert_ne!(m.entity_id, father, "{m:?}");
    }
    stack.shutdown().await
}
