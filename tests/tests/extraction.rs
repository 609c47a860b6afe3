//! Pages and text renderings go in; only the story and its metadata are
//! stored. Seeds are read at run time from ../shared/seeds; HTML pages are
//! the project's fixtures in tests/data/extract.

use std::path::PathBuf;

use mediamon_e2e::{Stack, text_request};
use mediamon_proto::v1::{
    Article, ArticleMetadata, DatePrecision, GetArticleRequest, IngestArticleRequest,
    PublishTimeSource, ingest_article_request::Content,
};

fn fixture(rel: &str) -> anyhow::Result<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data/extract")
        .join(rel);
    Ok(std::fs::read(path)?)
}

fn html_request(page: Vec<u8>) -> IngestArticleRequest {
    IngestArticleRequest {
        content: Some(Content::Html(page)),
        ..Default::default()
    }
}

async fn stored(stack: &Stack, request: IngestArticleRequest) -> anyhow::Result<Article> {
    let mut ingest = stack.ingest().await?;
    let id = ingest
        .ingest_article(request)
        .await?
        .into_inner()
        .article_id;
    let mut query = stack.query().await?;
    query
        .get_article(GetArticleRequest { article_id: id })
        .await?
        .into_inner()
        .article
        .ok_or_else(|| anyhow::anyhow!("no article"))
}

fn metadata(a: &Article) -> ArticleMetadata {
    a.summary
        .as_ref()
        .and_then(|s| s.metadata.clone())
        .unwrap_or_default()
}

fn published_day(m: &ArticleMetadata) -> String {
    m.publish_time
        .as_ref()
        .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, 0))
        .map(|t| t.date_naive().to_string())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_renderings_are_stored_without_their_furniture() -> anyhow::Result<()> {
    const TEST: &str = "seed_renderings_are_stored_without_their_furniture";
    let (Some(s001), Some(s003), Some(s004)) = (
        mediamon_testdata::seed("001_", TEST),
        mediamon_testdata::seed("003_", TEST),
        mediamon_testdata::seed("004_", TEST),
    ) else {
        return Ok(());
    };
    let stack = Stack::start().await?;
    let a = stored(&stack, text_request(&s001)).await?;
    for furniture in [
        "Arts & Culture",
        "Русский",
        "Related Articles",
        "Lorem ipsum",
        "to your account",
        "Only One Iranian Woman Permitted",
    ] {
        assert!(!a.body.contains(furniture), "001 stored {furniture:?}");
    }
    let m = metadata(&a);
    assert_eq!(published_day(&m), "2025-02-03");
    assert_eq!(m.publish_time_precision(), DatePrecision::Day);
    assert_eq!(m.publish_time_source(), PublishTimeSource::Text);
    let title = a
        .summary
        .as_ref()
        .map(|s| s.title.as_str())
        .unwrap_or_default();
    assert!(title.starts_with("Khalilzad Expresses Concern"), "{title}");
    // The recogniser ran over the story, not the menus: the language picker
    // and the related headlines give no mentions.
    assert!(a.mentions.iter().any(|m| m.text == "Zalmay Khalilzad"));
    for menu in [
        "Français",
        "Deutsch",
        "Español",
        "Русский",
        "Bamiani",
        "Takhar",
    ] {
        assert!(
            a.mentions.iter().all(|m| !m.text.contains(menu)),
            "furniture gave the mention {menu:?}"
        );
    }

    for (prefix, text) in [("003_", s003), ("004_", s004)] {
        let a = stored(&stack, text_request(&text)).await?;
        for furniture in [
            "Leave a Reply",
            "Read more:",
            "Most Popular",
            "Click to comment",
        ] {
            assert!(!a.body.contains(furniture), "{prefix} stored {furniture:?}");
        }
        if prefix == "004_" {
            assert_eq!(metadata(&a).dateline, "PESHAWAR");
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_pages_in_legacy_charsets_keep_story_and_metadata() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let a = stored(
        &stack,
        html_request(fixture("html/table_layout_cp1252.html")?),
    )
    .await?;
    let m = metadata(&a);
    assert_eq!(
        a.summary.as_ref().map(|s| s.title.as_str()),
        Some("Returnees wait days for registration at Spin Boldak")
    );
    assert!(
        a.body.contains('’') || a.body.contains('é'),
        "decoded as windows-1252"
    );
    assert!(!a.body.contains('\u{fffd}'));
    assert_eq!(published_day(&m), "2024-05-12");
    assert_eq!(m.publish_time_source(), PublishTimeSource::Text);

    // The caller's metadata wins field by field; the page fills the rest.
    let mut request = html_request(fixture("html/jsonld_two_authors.html")?);
    request.metadata = Some(ArticleMetadata {
        outlet: "Wire copy desk".into(),
        ..Default::default()
    });
    let a = stored(&stack, request).await?;
    let m = metadata(&a);
    assert_eq!(m.outlet, "Wire copy desk");
    assert_eq!(m.authors, ["Mariam Sadat", "Hamid Shinwari"]);
    assert_eq!(
        m.url,
        "https://regionaldesk.example/central-asia/muttaqi-tashkent-railway-memorandum"
    );
    assert_eq!(m.language, "en");
    assert_eq!(m.publish_time_source(), PublishTimeSource::JsonLd);
    assert_eq!(m.publish_time_precision(), DatePrecision::Time);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_duplicates_are_stored_and_linked_to_the_original() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let mut ingest = stack.ingest().await?;
    let original = ingest
        .ingest_article(html_request(fixture("html/semantic.html")?))
        .await?
        .into_inner();
    assert!(original.near_duplicate_of.is_none());
    // A syndicated copy: the story as text under another headline, with an
    // agency credit added.
    let story = stored(&stack, html_request(fixture("html/semantic.html")?)).await?;
    let copy = format!(
        "Freight moves again at Torkham\n\n{}\n\nDistributed by a regional news agency.",
        story.body
    );
    let reply = ingest
        .ingest_article(text_request(&copy))
        .await?
        .into_inner();
    assert_eq!(reply.outcome(), mediamon_proto::v1::IngestOutcome::Created);
    let link = reply
        .near_duplicate_of
        .ok_or_else(|| anyhow::anyhow!("the copy is not linked"))?;
    assert_eq!(link.article_id, original.article_id);
    assert!(link.similarity >= 0.7 && link.similarity <= 1.0, "{link:?}");

    // The link is read back with the article.
    let mut query = stack.query().await?;
    let read = query
        .get_article(GetArticleRequest {
            article_id: reply.article_id,
        })
        .await?
        .into_inner()
        .article
        .and_then(|a| a.summary)
        .and_then(|s| s.near_duplicate_of)
        .ok_or_else(|| anyhow::anyhow!("no link read back"))?;
    assert_eq!(read.article_id, original.article_id);

    // Another story is not linked.
    let other = ingest
        .ingest_article(html_request(fixture("html/french.html")?))
        .await?
        .into_inner();
    assert!(other.near_duplicate_of.is_none());
    Ok(())
}
