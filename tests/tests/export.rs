//! ExportArticles (issue 18): every article a search matches, streamed in
//! batches, across the service's internal pages, in SearchArticles' order,
//! with bodies and mentions when asked; bad input answered before the
//! stream starts.

use std::time::Duration;

use mediamon_e2e::{Stack, text_request};
use mediamon_proto::error::field_violations;
use mediamon_proto::v1::{ExportArticlesRequest, SearchArticlesRequest};
use tonic::Code;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_streams_every_match_in_order() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let mut ingest = stack.ingest().await?;
    // More than one internal page (100) of matches, and some that do not.
    for n in 0..130 {
        ingest
            .ingest_article(text_request(&format!(
                "Drought update {n}\n\nWells in village {n} of Balkh ran dry, Karim Sadat said, \
                 and the drought reached its {n}th day."
            )))
            .await?;
    }
    for n in 0..5 {
        ingest
            .ingest_article(text_request(&format!(
                "Flood update {n}\n\nThe river rose again near Kunduz on day {n}."
            )))
            .await?;
    }
    stack.wait_resolved(Duration::from_secs(60)).await?;
    let mut query = stack.query().await?;
    let mut stream = query
        .export_articles(ExportArticlesRequest {
            text: "drought".into(),
            include_body: true,
            include_mentions: true,
            ..Default::default()
        })
        .await?
        .into_inner();
    let mut exported = Vec::new();
    let mut batches = 0;
    while let Some(batch) = stream.message().await? {
        batches += 1;
        assert!(batch.articles.len() <= 50, "{}", batch.articles.len());
        exported.extend(batch.articles);
    }
    assert_eq!(exported.len(), 130);
    assert!(batches >= 3, "{batches} batches");
    for a in &exported {
        assert!(a.body.contains("drought"), "{}", a.body);
        assert!(
            a.mentions.iter().any(|m| m.text == "Karim Sadat"),
            "{:?}",
            a.mentions
        );
    }
    // The order of SearchArticles.
    let mut token = String::new();
    let mut searched = Vec::new();
    loop {
        let page = query
            .search_articles(SearchArticlesRequest {
                text: "drought".into(),
                page_size: 100,
                page_token: token,
                ..Default::default()
            })
            .await?
            .into_inner();
        searched.extend(page.articles.into_iter().map(|a| a.id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let ids: Vec<String> = exported
        .iter()
        .filter_map(|a| a.summary.as_ref().map(|s| s.id.clone()))
        .collect();
    assert_eq!(ids, searched);
    // Without bodies and mentions, only summaries.
    let mut bare = query
        .export_articles(ExportArticlesRequest {
            text: "flood".into(),
            ..Default::default()
        })
        .await?
        .into_inner();
    let mut n = 0;
    while let Some(batch) = bare.message().await? {
        for a in batch.articles {
            assert!(a.body.is_empty() && a.mentions.is_empty());
            n += 1;
        }
    }
    assert_eq!(n, 5);

    // Bad input fails the call, before any batch.
    let status = query
        .export_articles(ExportArticlesRequest {
            entity_ids: vec!["nope".into()],
            ..Default::default()
        })
        .await
        .expect_err("bad id");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(field_violations(&status)[0].field, "entity_ids[0]");
    stack.shutdown().await
}
