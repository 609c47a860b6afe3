//! IngestBatch: a client stream, one result per item in order; a bad item
//! fails alone; items past the limit fail with RESOURCE_EXHAUSTED.

use mediamon_e2e::{Stack, text_request};
use mediamon_proto::v1::{
    IngestArticleRequest, IngestBatchRequest, IngestOutcome, ingest_article_request::Content,
    ingest_batch_result::Result as ItemResult,
};

fn item(article: Option<IngestArticleRequest>) -> IngestBatchRequest {
    IngestBatchRequest { article }
}

fn story(n: usize) -> IngestArticleRequest {
    text_request(&format!(
        "Council meeting number {n}\n\nThe provincial council met for the {n}th time on \
         Tuesday and agreed on item {n} of its agenda, officials in Herat said."
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_item_gets_its_own_result_in_order() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let mut ingest = stack.ingest().await?;
    let items = vec![
        item(Some(story(1))),
        item(Some(IngestArticleRequest {
            content: Some(Content::Html(b"<nav>Home</nav>".to_vec())),
            ..Default::default()
        })),
        item(Some(story(1))),
        item(None),
        item(Some(story(2))),
    ];
    let reply = ingest
        .ingest_batch(futures::stream::iter(items))
        .await?
        .into_inner();
    assert_eq!(
        (reply.created, reply.duplicates, reply.failed),
        (2, 1, 2),
        "{reply:?}"
    );
    let indices: Vec<u32> = reply.results.iter().map(|r| r.index).collect();
    assert_eq!(indices, [0, 1, 2, 3, 4]);
    let outcome = |i: usize| match &reply.results[i].result {
        Some(ItemResult::Article(a)) => Ok((a.outcome(), a.article_id.clone())),
        Some(ItemResult::Error(e)) => Err((e.code, e.field.clone())),
        None => Err((-1, String::new())),
    };
    // Items 0 and 2 are the same text, stored concurrently: one is created,
    // the other answers DUPLICATE with its id.
    let (a, b) = (
        outcome(0).map_err(|e| anyhow::anyhow!("{e:?}"))?,
        outcome(2).map_err(|e| anyhow::anyhow!("{e:?}"))?,
    );
    assert_eq!(a.1, b.1);
    let mut kinds = [a.0, b.0];
    kinds.sort_by_key(|k| *k as i32);
    assert_eq!(kinds, [IngestOutcome::Created, IngestOutcome::Duplicate]);
    assert_eq!(
        outcome(1),
        Err((tonic::Code::InvalidArgument as i32, "html".into()))
    );
    assert_eq!(
        outcome(3),
        Err((tonic::Code::InvalidArgument as i32, "article".into()))
    );
    assert!(matches!(outcome(4), Ok((IngestOutcome::Created, _))));
    assert_eq!(stack.store.article_count().await?, 2);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_past_the_limit_fail_and_the_rest_are_stored() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let mut ingest = stack.ingest().await?;
    // The test stack allows 8 items per batch.
    let items: Vec<_> = (0..10).map(|n| item(Some(story(n)))).collect();
    let reply = ingest
        .ingest_batch(futures::stream::iter(items))
        .await?
        .into_inner();
    assert_eq!((reply.created, reply.failed), (8, 2), "{reply:?}");
    for r in &reply.results[8..] {
        let Some(ItemResult::Error(e)) = &r.result else {
            anyhow::bail!("item {} past the limit was stored", r.index);
        };
        assert_eq!(e.code, tonic::Code::ResourceExhausted as i32);
        assert!(e.message.contains("at most 8"), "{}", e.message);
    }
    assert_eq!(stack.store.article_count().await?, 8);
    // An empty stream is an empty answer.
    let reply = ingest
        .ingest_batch(futures::stream::iter(Vec::new()))
        .await?
        .into_inner();
    assert!(reply.results.is_empty());
    Ok(())
}
