//! Entity identity on what real news does (issue 16): an article that
//! repeats a name, an acronym and a description links each to one entity;
//! a description ("Foreign Ministry") is the institution of the country its
//! article names, never joined across countries by the string alone; known
//! entities (the knowledge base `mediamon migrate` loads) are met first.

use std::collections::HashMap;

use mediamon_e2e::Stack;
use mediamon_proto::v1::{
    Entity, GetEntityRequest, Mention, RemoveAliasRequest, SetCanonicalNameRequest,
};

/// Each distinct mention text of an article with the entities it got.
fn entities_by_text(mentions: &[Mention]) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for m in mentions {
        out.entry(m.text.clone())
            .or_default()
            .push(m.entity_id.clone());
    }
    out
}

async fn entity(stack: &Stack, id: String) -> anyhow::Result<Entity> {
    Ok(stack
        .resolver_as(Some(&stack.read_token))
        .await?
        .get_entity(GetEntityRequest { entity_id: id })
        .await?
        .into_inner()
        .entity
        .expect("entity"))
}

fn the_one(by_text: &HashMap<String, Vec<String>>, text: &str) -> String {
    let ids = by_text
        .get(text)
        .unwrap_or_else(|| panic!("{text} is found: {by_text:?}"));
    assert!(!ids[0].is_empty(), "{text} is linked: {ids:?}");
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one entity for {text} in one article: {ids:?}"
    );
    ids[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_entity_per_name_per_article_and_descriptions_stay_in_their_country()
-> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let first = stack
        .ingest_resolved(
            "Talks in Islamabad\n\n\
             Pakistan's Foreign Ministry said on Monday that the Tehreek-e-Taliban Pakistan \
             (TTP) had attacked a border post. The Foreign Ministry said the TTP operates \
             from across the border. Minister Farid Qasemi told reporters in Islamabad that \
             the TTP would be answered. Farid Qasemi later met envoys. The Foreign Ministry \
             did not name them, and TTP leaders did not comment.",
        )
        .await?;
    let second = stack
        .ingest_resolved(
            "Tehran responds\n\n\
             Iran's Foreign Ministry on Tuesday summoned an envoy in Tehran. The Foreign \
             Ministry said Iran wanted calm on its eastern border.",
        )
        .await?;
    let third = stack
        .ingest_resolved(
            "Pakistan protests\n\n\
             The Foreign Ministry in Islamabad lodged a protest, officials in Pakistan said \
             on Wednesday.",
        )
        .await?;

    let a = entities_by_text(&stack.article(&first).await?.mentions);
    let ttp = the_one(&a, "TTP");
    assert_eq!(
        the_one(&a, "Tehreek-e-Taliban Pakistan"),
        ttp,
        "the acronym is its organisation"
    );
    the_one(&a, "Farid Qasemi");
    let pakistans = the_one(&a, "Foreign Ministry");

    let b = entities_by_text(&stack.article(&second).await?.mentions);
    let irans = the_one(&b, "Foreign Ministry");
    assert_ne!(
        pakistans, irans,
        "one description in articles about two countries is two bodies"
    );
    let c = entities_by_text(&stack.article(&third).await?.mentions);
    assert_eq!(
        the_one(&c, "Foreign Ministry"),
        pakistans,
        "the same country's ministry in another article"
    );

    // The country is the known entity, with names no article taught.
    let pakistan = the_one(&a, "Pakistan");
    assert_eq!(the_one(&c, "Pakistan"), pakistan);
    let entity = entity(&stack, pakistan).await?;
    assert!(
        entity
            .aliases
            .iter()
            .any(|a| a == "Islamic Republic of Pakistan"),
        "{entity:?}"
    );
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entity_goes_by_the_name_news_uses_most() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let mut ids = Vec::new();
    for text in [
        "Kabul briefing\n\nSpokesman Zabiullah Mujahid said the talks would go on.",
        "Doha round\n\nZabihullah Mujahid said on Monday that a second round was planned.",
        "Trade routes\n\nThe crossings will reopen, Zabihullah Mujahid told reporters.",
    ] {
        let id = stack.ingest_resolved(text).await?;
        let a = entities_by_text(&stack.article(&id).await?.mentions);
        let spelling = if text.contains("Zabiullah") {
            "Zabiullah Mujahid"
        } else {
            "Zabihullah Mujahid"
        };
        ids.push(the_one(&a, spelling));
    }
    assert!(ids.iter().all(|id| *id == ids[0]), "one man: {ids:?}");
    let entity = entity(&stack, ids[0].clone()).await?;
    // The first spelling seen is not the name: the most frequent one is.
    assert_eq!(entity.canonical_name, "Zabihullah Mujahid", "{entity:?}");
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entity_has_the_type_most_of_its_mentions_have() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let mut ids = Vec::new();
    let mut types = Vec::new();
    for text in [
        "Flood relief\n\nAid reached the district of Zarnegar after the floods, officials said.",
        "Travel plans\n\nZarnegar said on Monday that he would travel to Kabul.",
        "Second visit\n\nZarnegar said on Wednesday that he would return to Kabul.",
    ] {
        let id = stack.ingest_resolved(text).await?;
        let article = stack.article(&id).await?;
        let m = article
            .mentions
            .iter()
            .find(|m| m.text == "Zarnegar")
            .expect("the name is found");
        ids.push(m.entity_id.clone());
        types.push(m.r#type());
    }
    // What the name finder says (if a retrained model says otherwise, pick
    // sentences that still split the types): the first article's type is
    // the minority's.
    use mediamon_proto::v1::EntityType;
    assert_eq!(
        types,
        [EntityType::Location, EntityType::Person, EntityType::Person],
        "the tagger's types"
    );
    assert!(ids.iter().all(|id| *id == ids[0]), "one name: {ids:?}");
    let entity = entity(&stack, ids[0].clone()).await?;
    assert_eq!(entity.r#type(), EntityType::Person, "{entity:?}");
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loading_the_knowledge_base_again_keeps_curation() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let id = stack
        .ingest_resolved("Border talks\n\nOfficials from Pakistan met in Kabul on Monday.")
        .await?;
    let pakistan = the_one(
        &entities_by_text(&stack.article(&id).await?.mentions),
        "Pakistan",
    );
    let mut curator = stack.resolver_as(Some(&stack.token)).await?;
    curator
        .remove_alias(RemoveAliasRequest {
            entity_id: pakistan.clone(),
            alias: "Islamic Republic of Pakistan".into(),
            reason: "test: an analyst's choice".into(),
        })
        .await?;
    curator
        .set_canonical_name(SetCanonicalNameRequest {
            entity_id: pakistan.clone(),
            canonical_name: "Pakistan (state)".into(),
            reason: "test: an analyst's choice".into(),
        })
        .await?;

    let again = stack.store.migrate().await?;
    assert_eq!(again.created, 0, "{again:?}");
    assert_eq!(
        again.aliases_added, 0,
        "a removed alias stays removed: {again:?}"
    );
    let entity = entity(&stack, pakistan).await?;
    assert_eq!(entity.canonical_name, "Pakistan (state)");
    assert!(
        !entity
            .aliases
            .iter()
            .any(|a| a == "Islamic Republic of Pakistan"),
        "{entity:?}"
    );
    stack.shutdown().await
}
