//! A bare surname that fits two known people (son and father) is linked by
//! the company it keeps: the entities its article names, against those each
//! candidate's earlier articles name. Without such evidence it stays
//! unlinked.

use mediamon_e2e::Stack;
use mediamon_proto::v1::{Mention, ResolutionDecision};

/// Ingests an article, waits for its resolution, and returns its mentions.
async fn ingest(stack: &Stack, text: &str) -> anyhow::Result<Vec<Mention>> {
    let id = stack.ingest_resolved(text).await?;
    Ok(stack.article(&id).await?.mentions)
}

fn bare(mentions: &[Mention]) -> &Mention {
    mentions
        .iter()
        .find(|m| m.text == "Massoud")
        .unwrap_or_else(|| panic!("no bare Massoud in {mentions:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn co_mentioned_entities_pick_the_son_or_nobody() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    for text in [
        "Front statement\n\nAhmad Massoud said the National Resistance Front would hold Panjshir.",
        "Video message\n\nAhmad Massoud addressed National Resistance Front fighters in Panjshir.",
        "Anniversary\n\nAhmad Shah Massoud fought the Soviet army in the Salang pass.",
    ] {
        ingest(&stack, text).await?;
    }
    let son = stack.exact_entities("Ahmad Massoud").await?;
    let father = stack.exact_entities("Ahmad Shah Massoud").await?;
    assert_eq!((son.len(), father.len()), (1, 1), "{son:?} {father:?}");
    assert_ne!(son[0].id, father[0].id);

    let mentions = ingest(
        &stack,
        "Resistance\n\nOn Monday Massoud told the National Resistance Front to stay in Panjshir.",
    )
    .await?;
    let massoud = bare(&mentions);
    assert_eq!(massoud.resolution(), ResolutionDecision::Context);
    assert_eq!(massoud.entity_id, son[0].id);

    // Nothing else named: no evidence, no guess.
    let mentions = ingest(
        &stack,
        "Memories\n\nVillagers recall that Massoud said little.",
    )
    .await?;
    let massoud = bare(&mentions);
    assert_eq!(massoud.resolution(), ResolutionDecision::Ambiguous);
    assert!(massoud.entity_id.is_empty());
    stack.shutdown().await
}

fn named<'a>(mentions: &'a [Mention], text: &str) -> &'a Mention {
    mentions
        .iter()
        .find(|m| m.text == text)
        .unwrap_or_else(|| panic!("no {text} in {mentions:?}"))
}

/// The words around a name, which the name finder keeps as cues: a kinship
/// word makes a surname a relative's of the person the article named, not
/// that person; "the governor of" reads a place as its province.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kinship_and_kinds_of_place_steer_the_link() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    ingest(
        &stack,
        "Bill signed\n\nPresident Asif Ali Zardari signed the budget in Islamabad. \
         Relief teams reached Herat Province after the floods.",
    )
    .await?;
    let father = stack.exact_entities("Asif Ali Zardari").await?;
    let province = stack.exact_entities("Herat Province").await?;
    assert_eq!((father.len(), province.len()), (1, 1));

    let mentions = ingest(
        &stack,
        "Forum in New York\n\nBilawal Bhutto Zardari spoke at a forum in New York. \
         His father, President Zardari, met donors in Herat the same week. \
         The governor of Herat asked for tents.",
    )
    .await?;
    let son = named(&mentions, "Bilawal Bhutto Zardari");
    let zardari = named(&mentions, "Zardari");
    assert_eq!(zardari.titles, ["father", "President"]);
    assert_ne!(
        zardari.entity_id, son.entity_id,
        "the son is not his father"
    );
    assert_eq!(zardari.entity_id, father[0].id, "{zardari:?} {son:?}");
    let herats: Vec<&Mention> = mentions.iter().filter(|m| m.text == "Herat").collect();
    assert_eq!(herats.len(), 2, "{mentions:?}");
    // "in Herat" is the city (a new entity here); the governor's is the province.
    assert_ne!(herats[0].entity_id, province[0].id);
    assert_eq!(herats[1].titles, ["province"]);
    assert_eq!(
        herats[1].entity_id, province[0].id,
        "{herats:?} {province:?}"
    );
    stack.shutdown().await
}
