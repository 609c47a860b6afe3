//! Feeds against a local web site the test starts, serving the project's
//! feed and page fixtures: registered, polled, each new item ingested once,
//! an unchanged feed answered 304 on a conditional request, robots.txt
//! obeyed, a broken feed reported and nothing stored from it, internal
//! addresses refused (issue 19, item 13: server-side request forgery). The
//! site is on 127.0.0.1, so those stacks allow that host.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use mediamon_e2e::Stack;
use mediamon_e2e::site::Site;
use mediamon_feeds::{AllowedHosts, FetchError, FetchSettings, Fetched, Fetcher, Validators};
use mediamon_proto::error::field_violations;
use mediamon_proto::v1::{Feed, ListFeedsRequest, RegisterFeedRequest, RemoveFeedRequest};

fn fixture(rel: &str) -> anyhow::Result<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data/extract")
        .join(rel);
    Ok(std::fs::read(path)?)
}

/// The fixture site: the RSS feed, the broken feed, and the pages.
fn serve_fixtures(site: &Site) -> anyhow::Result<()> {
    for feed in ["rss.xml", "broken.xml"] {
        let text = String::from_utf8(fixture(&format!("feeds/{feed}"))?)?;
        site.put(
            &format!("/feeds/{feed}"),
            "application/rss+xml",
            text.replace("{BASE}", &site.base),
        );
    }
    for page in ["semantic", "wordpress", "inline_readmore"] {
        site.put(
            &format!("/news/{page}.html"),
            "text/html; charset=utf-8",
            fixture(&format!("html/{page}.html"))?,
        );
    }
    site.put(
        "/robots.txt",
        "text/plain",
        "User-agent: *\nDisallow: /private/\n",
    );
    site.put("/private/memo.html", "text/html", "<p>Not for robots.</p>");
    Ok(())
}

async fn feeds(stack: &Stack) -> anyhow::Result<Vec<Feed>> {
    Ok(stack
        .ingest()
        .await?
        .list_feeds(ListFeedsRequest {})
        .await?
        .into_inner()
        .feeds)
}

/// Waits until `done` holds for the feed at `url`.
async fn wait_for(
    stack: &Stack,
    url: &str,
    what: &str,
    done: impl Fn(&Feed) -> bool,
) -> anyhow::Result<Feed> {
    let started = Instant::now();
    loop {
        if let Some(feed) = feeds(stack).await?.into_iter().find(|f| f.url == url)
            && done(&feed)
        {
            return Ok(feed);
        }
        if started.elapsed() > Duration::from_secs(30) {
            anyhow::bail!(
                "feed {url}: {what} did not happen in 30 s: {:?}",
                feeds(stack).await?
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feed_is_polled_its_items_taken_once_and_unchanged_feeds_not_downloaded()
-> anyhow::Result<()> {
    let site = Site::start().await?;
    serve_fixtures(&site)?;
    let mut stack = Stack::start_allowing(&["127.0.0.1"]).await?;
    // A second replica polls too: still one download per page.
    let resolver = stack.resolver_addr;
    stack.add_ingest(resolver).await?;
    let mut ingest = stack.ingest().await?;
    let url = format!("{}/feeds/rss.xml", site.base);
    let registered = ingest
        .register_feed(RegisterFeedRequest {
            url: url.clone(),
            poll_interval_seconds: 1,
        })
        .await?
        .into_inner()
        .feed
        .ok_or_else(|| anyhow::anyhow!("no feed"))?;
    assert_eq!(registered.poll_interval_seconds, 1);

    // Items are counted as they are taken; the poll's report comes after.
    let polled = wait_for(&stack, &url, "a poll that took three items", |f| {
        f.item_count == 3 && f.last_poll_time.is_some()
    })
    .await?;
    assert!(
        polled.last_status.contains("3 new"),
        "{}",
        polled.last_status
    );
    assert_eq!(stack.store.article_count().await?, 3);
    // The next polls ask conditionally and get 304.
    wait_for(&stack, &url, "a 304", |f| f.last_status == "not modified").await?;
    let feed_hits = site.hits("/feeds/rss.xml");
    assert_eq!(feed_hits[0].status, 200);
    assert!(
        feed_hits[1..]
            .iter()
            .all(|h| h.status == 304 && h.if_none_match.is_some()),
        "{feed_hits:?}"
    );
    assert!(
        feed_hits.iter().all(|h| h
            .user_agent
            .as_deref()
            .is_some_and(|a| a.starts_with("mediamon"))),
        "{feed_hits:?}"
    );
    // Each page was downloaded once, by one of the two replicas.
    for page in ["semantic", "wordpress", "inline_readmore"] {
        assert_eq!(site.hits(&format!("/news/{page}.html")).len(), 1, "{page}");
    }
    assert_eq!(stack.store.article_count().await?, 3);

    // A feed whose items change gets downloaded again; new items only.
    let text = String::from_utf8(fixture("feeds/rss.xml")?)?
        .replace("{BASE}", &site.base)
        .replace(
            "<item>",
            &format!(
                "<item><title>Kabul radio renamed</title><link>{}/news/arabic_cp1256.html</link>\
                 <guid>kmw-radio</guid><pubDate>Sun, 22 Sep 2024 09:00:00 GMT</pubDate></item><item>",
                site.base
            ),
        );
    site.put(
        "/news/arabic_cp1256.html",
        "text/html",
        fixture("html/arabic_cp1256.html")?,
    );
    site.put("/feeds/rss.xml", "application/rss+xml", text);
    wait_for(&stack, &url, "the fourth item", |f| f.item_count == 4).await?;
    assert_eq!(stack.store.article_count().await?, 4);
    assert_eq!(site.hits("/news/semantic.html").len(), 1);

    // A broken feed is reported; nothing is stored from it.
    let broken = format!("{}/feeds/broken.xml", site.base);
    ingest
        .register_feed(RegisterFeedRequest {
            url: broken.clone(),
            poll_interval_seconds: 0,
        })
        .await?;
    let reported = wait_for(&stack, &broken, "a poll", |f| f.last_poll_time.is_some()).await?;
    assert!(
        reported
            .last_status
            .contains("not a readable RSS or Atom feed"),
        "{}",
        reported.last_status
    );
    assert_eq!(reported.item_count, 0);
    assert_eq!(stack.store.article_count().await?, 4);
    Ok(())
}

#[tokio::test]
async fn feed_calls_check_their_input() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let mut ingest = stack.ingest().await?;
    for (url, interval, field) in [
        ("ftp://example.org/feed", 0, "url"),
        ("", 0, "url"),
        (
            "https://example.org/feed.xml",
            99_999_999,
            "poll_interval_seconds",
        ),
    ] {
        let status = ingest
            .register_feed(RegisterFeedRequest {
                url: url.into(),
                poll_interval_seconds: interval,
            })
            .await
            .expect_err("invalid");
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert_eq!(field_violations(&status)[0].field, field);
    }
    let request = RegisterFeedRequest {
        url: "https://example.org/feed.xml".into(),
        poll_interval_seconds: 3600,
    };
    let feed = ingest
        .register_feed(request.clone())
        .await?
        .into_inner()
        .feed
        .ok_or_else(|| anyhow::anyhow!("no feed"))?;
    let status = ingest.register_feed(request).await.expect_err("twice");
    assert_eq!(status.code(), tonic::Code::AlreadyExists);

    let status = ingest
        .remove_feed(RemoveFeedRequest {
            feed_id: "not-an-id".into(),
        })
        .await
        .expect_err("bad id");
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    ingest
        .remove_feed(RemoveFeedRequest {
            feed_id: feed.id.clone(),
        })
        .await?;
    let status = ingest
        .remove_feed(RemoveFeedRequest { feed_id: feed.id })
        .await
        .expect_err("gone");
    assert_eq!(status.code(), tonic::Code::NotFound);
    assert!(feeds(&stack).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn the_fetcher_obeys_robots_spaces_requests_and_caps_bodies() -> anyhow::Result<()> {
    let site = Site::start().await?;
    serve_fixtures(&site)?;
    site.put("/big.html", "text/html", vec![b'a'; 100_000]);
    let fetcher = Fetcher::new(FetchSettings {
        max_bytes: 50_000,
        host_delay: Duration::from_millis(200),
        allow_internal_hosts: AllowedHosts::new(["127.0.0.1"]),
        ..FetchSettings::default()
    })?;
    let private = format!("{}/private/memo.html", site.base);
    let err = fetcher
        .get(&private, &Validators::default())
        .await
        .expect_err("disallowed");
    assert!(matches!(err, FetchError::Disallowed(_)), "{err}");
    assert!(site.hits("/private/memo.html").is_empty());
    assert_eq!(site.hits("/robots.txt").len(), 1);

    let started = Instant::now();
    let page = format!("{}/news/semantic.html", site.base);
    let Fetched::Body { validators, .. } = fetcher.get(&page, &Validators::default()).await? else {
        anyhow::bail!("no body");
    };
    let again = fetcher.get(&page, &validators).await?;
    assert!(matches!(again, Fetched::NotModified));
    // robots.txt, then two requests, each 200 ms after the one before.
    assert!(
        started.elapsed() >= Duration::from_millis(350),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(site.hits("/robots.txt").len(), 1, "robots.txt is cached");

    let err = fetcher
        .get(&format!("{}/big.html", site.base), &Validators::default())
        .await
        .expect_err("too big");
    assert!(matches!(err, FetchError::TooLarge(50_000)), "{err}");
    let err = fetcher
        .get(&format!("{}/missing", site.base), &Validators::default())
        .await
        .expect_err("404");
    assert!(matches!(err, FetchError::Status(404)) && !err.is_transient());

    // Issue 19, item 13: 127.0.0.1 is allowed, localhost is not, even
    // behind a redirect from an allowed host.
    site.redirect("/moved", &site.base.replace("127.0.0.1", "localhost"));
    let err = fetcher
        .get(&format!("{}/moved", site.base), &Validators::default())
        .await
        .expect_err("refused");
    assert!(
        matches!(&err, FetchError::Internal(e) if e.host == "localhost") && !err.is_transient(),
        "{err}"
    );
    // Without the allow-list, not even robots.txt is asked for.
    let strict = Fetcher::new(FetchSettings::default())?;
    let err = strict
        .get(&page, &Validators::default())
        .await
        .expect_err("refused");
    assert_eq!(
        err.to_string(),
        "127.0.0.1 resolves to an internal address (127.0.0.1); refused"
    );
    assert_eq!(site.hits("/robots.txt").len(), 1);
    Ok(())
}

/// Issue 19, item 13: RegisterFeed took internal addresses and the poller
/// fetched them.
#[tokio::test]
async fn internal_addresses_are_refused_at_registration() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let mut ingest = stack.ingest().await?;
    for url in [
        "http://127.0.0.1:1/",
        "http://169.254.169.254/latest",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://localhost/",
    ] {
        let status = ingest
            .register_feed(RegisterFeedRequest {
                url: url.into(),
                poll_interval_seconds: 0,
            })
            .await
            .expect_err(url);
        assert_eq!(status.code(), tonic::Code::InvalidArgument, "{url}");
        let violations = field_violations(&status);
        assert_eq!(violations[0].field, "url", "{url}");
        assert!(
            violations[0].description.contains("internal address"),
            "{url}: {violations:?}"
        );
    }
    assert!(feeds(&stack).await?.is_empty());
    Ok(())
}

/// Issue 19, item 13: an allowed host must not lead the poller elsewhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_an_internal_host_is_not_followed() -> anyhow::Result<()> {
    let site = Site::start().await?;
    serve_fixtures(&site)?;
    // The same site under a name the allow-list does not hold.
    let elsewhere = site.base.replace("127.0.0.1", "localhost");
    site.redirect(
        "/feeds/moved.xml",
        &format!("{elsewhere}/feeds/behind-localhost.xml"),
    );
    site.put(
        "/feeds/behind-localhost.xml",
        "application/rss+xml",
        String::from_utf8(fixture("feeds/rss.xml")?)?.replace("{BASE}", &site.base),
    );
    site.redirect(
        "/news/moved.html",
        &format!("{elsewhere}/news/behind-localhost.html"),
    );
    site.put(
        "/news/behind-localhost.html",
        "text/html; charset=utf-8",
        fixture("html/semantic.html")?,
    );
    site.put(
        "/feeds/one.xml",
        "application/rss+xml",
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>\
             <link>{0}/</link><description>d</description><item><title>Moved</title>\
             <link>{0}/news/moved.html</link><guid>moved</guid></item></channel></rss>",
            site.base
        ),
    );
    let stack = Stack::start_allowing(&["127.0.0.1"]).await?;
    let mut ingest = stack.ingest().await?;
    let (moved, one) = (
        format!("{}/feeds/moved.xml", site.base),
        format!("{}/feeds/one.xml", site.base),
    );
    // Polled once: due at once, then not for an hour.
    for url in [&moved, &one] {
        ingest
            .register_feed(RegisterFeedRequest {
                url: url.clone(),
                poll_interval_seconds: 3600,
            })
            .await?;
    }

    // The feed itself redirects: the poll fails, saying why.
    let feed = wait_for(&stack, &moved, "a poll", |f| f.last_poll_time.is_some()).await?;
    assert_eq!(
        feed.last_status,
        "feed not fetched: localhost resolves to an internal address (127.0.0.1); refused"
    );
    assert_eq!(feed.item_count, 0);
    // The item redirects: it is recorded as never storable, not stored.
    let feed = wait_for(&stack, &one, "a poll", |f| f.last_poll_time.is_some()).await?;
    assert_eq!(
        feed.last_status,
        "1 items: 0 new, 1 not storable, 0 to retry"
    );
    assert_eq!(feed.item_count, 1);
    assert_eq!(site.hits("/news/moved.html").len(), 1);
    assert!(site.hits("/feeds/behind-localhost.xml").is_empty());
    assert!(site.hits("/news/behind-localhost.html").is_empty());
    assert_eq!(stack.store.article_count().await?, 0);
    Ok(())
}
