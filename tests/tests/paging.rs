//! Paging through a search while articles arrive (issue 18): keyset page
//! tokens hold their place, so no article is shown twice and none that was
//! there is skipped; a token works only for the search that issued it.

use std::collections::HashSet;
use std::time::Duration;

use mediamon_e2e::{Stack, text_request};
use mediamon_proto::error::field_violations;
use mediamon_proto::v1::{ArticleMetadata, IngestArticleRequest, SearchArticlesRequest};
use tonic::Code;

/// A story about the harvest, published on `day` of 2025 at `hour`.
fn story(n: usize, day: u32, hour: u32) -> IngestArticleRequest {
    let mut request = text_request(&format!(
        "Harvest report {n}\n\nFarmers in district {n} brought in the harvest early, the \
         cooperative said, and grain prices fell for the {n}th week."
    ));
    let at = chrono::NaiveDate::from_ymd_opt(2025, 3, day)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .expect("date")
        .and_utc();
    request.metadata = Some(ArticleMetadata {
        publish_time: Some(mediamon_proto::convert::timestamp(at)),
        ..Default::default()
    });
    request
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_hold_their_place_while_articles_arrive() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let mut ingest = stack.ingest().await?;
    let mut before = HashSet::new();
    for n in 0..23 {
        // Some share a publication time: the id breaks the tie.
        let reply = ingest
            .ingest_article(story(n, 1 + (n % 9) as u32, 8))
            .await?
            .into_inner();
        before.insert(reply.article_id);
    }
    stack.wait_resolved(Duration::from_secs(30)).await?;
    let mut query = stack.query().await?;
    let search = SearchArticlesRequest {
        text: "harvest".into(),
        page_size: 5,
        ..Default::default()
    };
    let mut seen: Vec<String> = Vec::new();
    let mut token = String::new();
    let mut arriving = 100;
    loop {
        let page = query
            .search_articles(SearchArticlesRequest {
                page_token: token.clone(),
                ..search.clone()
            })
            .await?
            .into_inner();
        seen.extend(page.articles.iter().map(|a| a.id.clone()));
        // Between pages, newer and older stories arrive.
        for hour in [23, 1] {
            ingest
                .ingest_article(story(arriving, 28 - (arriving % 2) as u32 * 27, hour))
                .await?;
            arriving += 1;
        }
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let distinct: HashSet<&String> = seen.iter().collect();
    assert_eq!(
        distinct.len(),
        seen.len(),
        "an article shown twice: {seen:?}"
    );
    let missing: Vec<&String> = before.iter().filter(|id| !distinct.contains(id)).collect();
    assert!(missing.is_empty(), "skipped: {missing:?}");

    // A token of one search is refused by another.
    let first = query.search_articles(search.clone()).await?.into_inner();
    let status = query
        .search_articles(SearchArticlesRequest {
            text: "grain".into(),
            page_token: first.next_page_token.clone(),
            ..search.clone()
        })
        .await
        .expect_err("another search");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(field_violations(&status)[0].field, "page_token");
    let status = query
        .search_articles(SearchArticlesRequest {
            page_token: "6d6d323a".into(),
            ..search
        })
        .await
        .expect_err("forged");
    assert_eq!(field_violations(&status)[0].field, "page_token");
    stack.shutdown().await
}
