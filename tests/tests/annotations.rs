//! What ingest reads besides names (issue 17): quotations and reported
//! speech, each with its speaker resolved through the speaker's mention
//! (ListQuotes finds them by speaker, by an entity the article mentions and
//! by time), time expressions read against the publication date, and
//! amounts; GetArticle returns them with offsets. On the seeds (read at run
//! time from ../shared/seeds), Nazary's and Pashtoon's words are theirs and
//! a weekday with a date and no year finds its year.

use mediamon_e2e::{Stack, text_request};
use mediamon_proto::v1::{
    ArticleMetadata, EventKind, ListQuotesRequest, Quote, Stance, TimePrecision, TimeRange,
};
use tonic::Code;

async fn quotes_by(stack: &Stack, speaker: &str) -> anyhow::Result<Vec<Quote>> {
    Ok(stack
        .query()
        .await?
        .list_quotes(ListQuotesRequest {
            speaker_entity_id: speaker.to_string(),
            ..Default::default()
        })
        .await?
        .into_inner()
        .quotes
        .into_iter()
        .filter_map(|q| q.quote)
        .collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotes_have_speakers_offsets_and_can_be_listed() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let id = stack
        .ingest_resolved(
            "Border crossing to reopen\n\n\
             Spokesman Karim Sahel told reporters in Kabul on Sunday that the crossing would \
             reopen within days. \u{201C}Trucks will move again by Wednesday,\u{201D} he said. \
             \u{201C}Nobody should hoard flour.\u{201D}\n\n\
             Traders in Torkham were not convinced. \"We have heard this promise before,\" said \
             Hamid Noori, who runs a transport company. Sources said the delay was political. \
             \u{201C}The talks on fees have not even begun,\u{201D} the spokesman said later.",
        )
        .await?;
    let article = stack.article(&id).await?;
    let body: Vec<char> = article.body.chars().collect();
    let quotes = &article.quotes;
    let said = |words: &str| -> &Quote {
        quotes
            .iter()
            .find(|q| q.text.contains(words))
            .unwrap_or_else(|| panic!("{words:?} is a quote: {quotes:#?}"))
    };
    // Every quote cites its words by code-point offsets into the body.
    for q in quotes {
        let span = q.span.expect("span");
        let at: String = body[span.start as usize..span.end as usize]
            .iter()
            .collect();
        assert!(at.starts_with(&q.text), "{at:?} / {q:?}");
    }
    let sahel = said("Trucks will move");
    assert_eq!(sahel.speaker_name, "Karim Sahel", "{sahel:?}");
    assert_eq!((sahel.verb.as_str(), sahel.direct), ("said", true));
    assert!(!sahel.speaker_entity_id.is_empty(), "resolved: {sahel:?}");
    // Continues his quote; the title phrase is him too.
    assert_eq!(said("hoard flour").speaker_name, "Karim Sahel");
    assert_eq!(said("talks on fees").speaker_name, "Karim Sahel");
    assert_eq!(said("talks on fees").speaker_text, "the spokesman");
    assert_eq!(said("heard this promise").speaker_name, "Hamid Noori");
    // Reported speech with a named source.
    let reported = said("would reopen within days");
    assert!(!reported.direct, "{reported:?}");
    assert_eq!(reported.speaker_name, "Karim Sahel");
    // Anonymous sources are nobody's words.
    assert!(quotes.iter().all(|q| q.text != "the delay was political"));

    // Listed by speaker, in body order.
    let listed = quotes_by(&stack, &sahel.speaker_entity_id).await?;
    assert_eq!(listed.len(), 4, "{listed:#?}");
    assert!(listed.iter().all(|q| q.speaker_name == "Karim Sahel"));
    assert!(
        listed
            .windows(2)
            .all(|w| w[0].span.map(|s| s.start) < w[1].span.map(|s| s.start))
    );
    // By an entity the article mentions, and by time.
    let mut query = stack.query().await?;
    let noori = said("heard this promise").speaker_entity_id.clone();
    let mentioning = query
        .list_quotes(ListQuotesRequest {
            mentioned_entity_id: noori,
            page_size: 2,
            ..Default::default()
        })
        .await?
        .into_inner();
    assert_eq!(mentioning.quotes.len(), 2);
    assert!(!mentioning.next_page_token.is_empty(), "a second page");
    let future = query
        .list_quotes(ListQuotesRequest {
            publish_time: Some(TimeRange {
                start: Some(mediamon_proto::convert::timestamp(
                    chrono::Utc::now() + chrono::Duration::days(2),
                )),
                end: None,
            }),
            ..Default::default()
        })
        .await?
        .into_inner();
    assert!(future.quotes.is_empty());

    // Bad input: the field is named; an unknown entity is NOT_FOUND.
    let bad = query
        .list_quotes(ListQuotesRequest {
            speaker_entity_id: "not-an-id".into(),
            ..Default::default()
        })
        .await
        .expect_err("invalid id");
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert!(bad.message().contains("speaker_entity_id"), "{bad:?}");
    let unknown = query
        .list_quotes(ListQuotesRequest {
            mentioned_entity_id: "01a24e5f-0000-7000-8000-000000000000".into(),
            ..Default::default()
        })
        .await
        .expect_err("unknown entity");
    assert_eq!(unknown.code(), Code::NotFound);
    let negative = query
        .list_quotes(ListQuotesRequest {
            page_size: -1,
            ..Default::default()
        })
        .await
        .expect_err("page size");
    assert_eq!(negative.code(), Code::InvalidArgument);
    assert!(negative.message().contains("page_size"), "{negative:?}");
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_quotes_are_their_speakers() -> anyhow::Result<()> {
    let Some(seeds) = mediamon_testdata::seeds("seed_quotes_are_their_speakers") else {
        return Ok(());
    };
    let stack = Stack::start().await?;
    let texts: Vec<&str> = seeds.iter().map(|(_, t)| t.as_str()).collect();
    let articles = stack.ingest_all_resolved(&texts).await?;
    let quotes: Vec<Quote> = articles.iter().flat_map(|a| a.quotes.clone()).collect();
    let by = |name: &str| -> Vec<&Quote> {
        quotes
            .iter()
            .filter(|q| q.direct && q.speaker_name.contains(name))
            .collect()
    };
    // The NRF's envoy speaks at length in one article; each of his quotes
    // is his, whether named, "he" or continued.
    let nazary = by("Nazary");
    assert!(nazary.len() >= 6, "Nazary's quotes: {nazary:#?}");
    let pashtoon = by("Pashtoon");
    assert!(pashtoon.len() >= 2, "Pashtoon's quotes: {pashtoon:#?}");
    // No quote of theirs is given to anyone else: every direct quote with a
    // known speaker names a person the seeds quote.
    for q in quotes
        .iter()
        .filter(|q| q.direct && !q.speaker_name.is_empty())
    {
        assert!(
            ["Nazary", "Pashtoon", "Muttaqi", "Mottaki", "Balkhi"]
                .iter()
                .any(|n| q.speaker_name.contains(n)),
            "{q:?}"
        );
    }
    // Each seed's verdict on the meeting it reports, with its source.
    let verdict = |title: &str, stance: Stance| -> Vec<String> {
        articles
            .iter()
            .filter(|a| a.summary.as_ref().is_some_and(|s| s.title.contains(title)))
            .flat_map(|a| a.event_mentions.iter())
            .filter(|e| e.stance() == stance && e.kind() == EventKind::Meet)
            .map(|e| {
                e.source
                    .as_ref()
                    .map(|s| s.name.clone())
                    .unwrap_or_default()
            })
            .collect()
    };
    let denials = verdict("Denies Meeting", Stance::Denied);
    assert!(
        denials.iter().any(|s| s.contains("Pashtoon")),
        "{denials:?}"
    );
    let confirmed = verdict("fruitless", Stance::Confirmed);
    assert!(
        confirmed.iter().any(|s| s.contains("Nazary")),
        "{confirmed:?}"
    );
    let not_confirmed = verdict("Tehran", Stance::NotConfirmed);
    assert!(
        not_confirmed.iter().any(|s| s.contains("Resistance Front")),
        "{not_confirmed:?}"
    );
    // 001's denial is dated 1 February 2025, the day its source made it.
    let dated: Vec<&str> = articles
        .iter()
        .flat_map(|a| a.event_mentions.iter())
        .filter(|e| e.stance() == Stance::Denied && !e.claim_day.is_empty())
        .map(|e| e.claim_day.as_str())
        .collect();
    assert_eq!(dated, ["2025-02-01"], "{dated:?}");
    // Within one article, the reports of the one meeting share a group.
    for a in &articles {
        let meetings: std::collections::BTreeSet<u32> = a
            .event_mentions
            .iter()
            .filter(|e| e.stance() == Stance::Denied && e.kind() == EventKind::Meet)
            .map(|e| e.article_group)
            .collect();
        assert!(meetings.len() <= 1, "{:?}", a.event_mentions);
    }
    // A weekday with a day and month and no year finds its year.
    let mut saturday = Vec::new();
    for a in &articles {
        saturday.extend(
            a.time_expressions
                .iter()
                .filter(|t| t.text.contains("Saturday, February 1"))
                .map(|t| t.first_day.clone()),
        );
    }
    assert_eq!(saturday, ["2025-02-01"], "{saturday:?}");
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_and_amounts_are_read_against_the_publication_date() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let published = chrono::NaiveDate::from_ymd_opt(2025, 2, 3)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("date")
        .and_utc();
    let mut request = text_request(
        "Talks in Doha\n\n\
         The delegations met on Monday after talks last week failed. About 2,000 fighters \
         remain in the valley, and the front says it holds 60% of it. A first round was held \
         on Saturday, February 1, and another on August 25th and 26th last year.",
    );
    request.metadata = Some(ArticleMetadata {
        publish_time: Some(mediamon_proto::convert::timestamp(published)),
        ..Default::default()
    });
    let id = stack
        .ingest()
        .await?
        .ingest_article(request)
        .await?
        .into_inner()
        .article_id;
    let article = stack.article(&id).await?;
    let times = &article.time_expressions;
    let when = |text: &str| {
        times
            .iter()
            .find(|t| t.text.contains(text))
            .map(|t| (t.first_day.as_str(), t.last_day.as_str(), t.precision()))
            .unwrap_or_else(|| panic!("{text:?} in {times:#?}"))
    };
    // Published Monday 3 February 2025.
    assert_eq!(
        when("Monday"),
        ("2025-02-03", "2025-02-03", TimePrecision::Day)
    );
    assert_eq!(
        when("last week"),
        ("2025-01-27", "2025-02-02", TimePrecision::Week)
    );
    assert_eq!(
        when("Saturday, February 1"),
        ("2025-02-01", "2025-02-01", TimePrecision::Day)
    );
    assert_eq!(
        when("August 25th"),
        ("2024-08-25", "2024-08-26", TimePrecision::Day)
    );
    let body: Vec<char> = article.body.chars().collect();
    for t in times {
        let span = t.span.expect("span");
        let at: String = body[span.start as usize..span.end as usize]
            .iter()
            .collect();
        assert_eq!(at, t.text);
    }
    let amounts = &article.amounts;
    let fighters = amounts
        .iter()
        .find(|a| a.unit == "fighters")
        .unwrap_or_else(|| panic!("{amounts:#?}"));
    assert_eq!((fighters.value, fighters.approximate), (2000.0, true));
    assert!(
        amounts
            .iter()
            .any(|a| a.unit == "percent" && a.value == 60.0),
        "{amounts:#?}"
    );
    // Days of dates are not amounts.
    assert!(
        amounts.iter().all(|a| a.value != 1.0 && a.value != 25.0),
        "{amounts:#?}"
    );
    stack.shutdown().await
}
