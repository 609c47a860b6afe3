//! Nothing accepted is lost: articles accepted while the resolver is down are
//! resolved once it is back, each exactly once.

use std::time::Duration;

use mediamon_e2e::{Stack, corpus, text_request};
use mediamon_proto::v1::{
    GetArticleRequest, IngestOutcome, ResolutionDecision, ResolutionState, SearchArticlesRequest,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolver_outage_loses_nothing() -> anyhow::Result<()> {
    let mut stack = Stack::start().await?;
    let articles = corpus()?;
    let total = articles.len();
    let mut ingest = stack.ingest().await?;
    let feeder = tokio::spawn(async move {
        let mut ids = Vec::new();
        for (_, text) in articles {
            let reply = ingest
                .ingest_article(text_request(&text))
                .await?
                .into_inner();
            assert_eq!(reply.outcome(), IngestOutcome::Created);
            ids.push(reply.article_id);
            tokio::time::sleep(Duration::from_millis(60)).await;
        }
        anyhow::Ok(ids)
    });
    // The outage starts while the newsroom is still sending.
    tokio::time::sleep(Duration::from_millis(150)).await;
    stack.stop_resolver().await?;
    let ids = feeder.await??;
    assert_eq!(ids.len(), total);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let waiting = stack.store.outbox_depth().await?;
    assert!(
        waiting > 0,
        "articles accepted during the outage must wait in the outbox"
    );

    stack.restart_resolver().await?;
    stack.wait_resolved(Duration::from_secs(30)).await?;

    let mut query = stack.query().await?;
    let listed = query
        .search_articles(SearchArticlesRequest {
            page_size: 100,
            ..Default::default()
        })
        .await?
        .into_inner()
        .articles;
    assert_eq!(listed.len(), total);
    assert!(
        listed
            .iter()
            .all(|a| a.resolution_state() == ResolutionState::Resolved)
    );
    for id in &ids {
        let article = query
            .get_article(GetArticleRequest {
                article_id: id.clone(),
            })
            .await?
            .into_inner()
            .article
            .expect("article");
        // Every mention got a decision: a link, or "ambiguous" on purpose.
        assert!(
            article.mentions.iter().all(|m| !m.entity_id.is_empty()
                || m.resolution() == ResolutionDecision::Ambiguous),
            "undecided mention in {id}"
        );
    }
    // Exactly once: no actor got a twin entity from a repeated resolution.
    for name in [
        "Zabihullah Mujahid",
        "Tehrik-e-Taliban Pakistan",
        "Ahmad Massoud",
    ] {
        assert_eq!(
            stack.exact_entities(name).await?.len(),
            1,
            "{name} must be one entity"
        );
    }
    stack.shutdown().await
}
