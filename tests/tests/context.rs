//! A bare surname that fits two known people (son and father) is linked by
//! the company it keeps: the entities its article names, against those each
//! candidate's earlier articles name. Without such evidence it stays
//! unlinked.

use mediamon_e2e::Stack;
use mediamon_proto::v1::{GetArticleRequest, Mention, ResolutionDecision};

/// Ingests an article, waits for its resolution, and returns its mentions.
async fn ingest(stack: &Stack, text: &str) -> anyhow::Result<Vec<Mention>> {
    let id = stack.ingest_resolved(text).await?;
    Ok(stack
        .query()
        .await?
        .get_article(GetArticleRequest { article_id: id })
        .await?
        .into_inner()
        .article
        .map(|a| a.mentions)
        .unwrap_or_default())
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
