//! Entity views (issue 18): a profile with its aliases' use, titles, first
//! and last seen and top outlets; a zero-filled mention timeline in the
//! caller's time zone; the co-mention graph around entities; a merged
//! entity's id redirecting to its survivor; bad input answered with the
//! field.

use std::time::Duration;

use mediamon_e2e::{Stack, text_request};
use mediamon_proto::error::field_violations;
use mediamon_proto::v1::{
    ArticleMetadata, GetCoMentionsRequest, GetEntityProfileRequest, GetMentionTimelineRequest,
    MergeEntitiesRequest, TimeBucket, TimeRange, get_entity_profile_request::Entity as ProfileKey,
};
use tonic::Code;

fn at(day: u32, hour: u32) -> prost_types::Timestamp {
    let t = chrono::NaiveDate::from_ymd_opt(2025, 3, day)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .expect("date")
        .and_utc();
    mediamon_proto::convert::timestamp(t)
}

/// Ingests the articles, each `(day of March 2025, hour UTC, outlet, text)`,
/// and waits until every one is resolved.
async fn ingest(stack: &Stack, articles: &[(u32, u32, &str, &str)]) -> anyhow::Result<()> {
    let mut ingest = stack.ingest().await?;
    for (day, hour, outlet, text) in articles {
        let mut request = text_request(text);
        request.metadata = Some(ArticleMetadata {
            publish_time: Some(at(*day, *hour)),
            outlet: outlet.to_string(),
            ..Default::default()
        });
        ingest.ingest_article(request).await?;
    }
    stack.wait_resolved(Duration::from_secs(30)).await
}

async fn one_entity(stack: &Stack, name: &str) -> anyhow::Result<String> {
    let found = stack.exact_entities(name).await?;
    assert_eq!(found.len(), 1, "{name}: {found:?}");
    Ok(found[0].id.clone())
}

fn range(from: (u32, u32), until: (u32, u32)) -> Option<TimeRange> {
    Some(TimeRange {
        start: Some(at(from.0, from.1)),
        end: Some(at(until.0, until.1)),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profiles_timelines_and_graphs_count_what_was_said() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    ingest(
        &stack,
        &[
            (
                3,
                8,
                "Kabul Ledger",
                "Border talks\n\nForeign Minister Wahid Sarfaraz met Lena Okafor in Kabul. \
                 Sarfaraz said the talks went well.",
            ),
            (
                3,
                22,
                "Kabul Ledger",
                "Trade\n\nWahid Sarfaraz spoke to traders in Herat on Monday.",
            ),
            (
                5,
                10,
                "Frontier Post",
                "Visit\n\nWahid Sarfaraz and Lena Okafor visited Herat with Tomas Reyes.",
            ),
        ],
    )
    .await?;
    let sarfaraz = one_entity(&stack, "Wahid Sarfaraz").await?;
    let okafor = one_entity(&stack, "Lena Okafor").await?;
    let reyes = one_entity(&stack, "Tomas Reyes").await?;
    let mut query = stack.query().await?;

    // The profile, in one snapshot.
    let profile = query
        .get_entity_profile(GetEntityProfileRequest {
            entity: Some(ProfileKey::EntityId(sarfaraz.clone())),
            max_items: 10,
        })
        .await?
        .into_inner();
    assert_eq!(profile.article_count, 3, "{profile:?}");
    assert_eq!(profile.first_seen_time, Some(at(3, 8)));
    assert_eq!(profile.last_seen_time, Some(at(5, 10)));
    let uses: Vec<(&str, u64)> = profile
        .alias_counts
        .iter()
        .map(|a| (a.alias.as_str(), a.mention_count))
        .collect();
    assert_eq!(uses.first(), Some(&("Wahid Sarfaraz", 3)), "{uses:?}");
    assert!(uses.contains(&("Sarfaraz", 1)), "{uses:?}");
    assert!(
        profile
            .titles
            .iter()
            .any(|t| t.title == "foreign minister" && t.mention_count == 1),
        "{:?}",
        profile.titles
    );
    let outlets: Vec<(&str, u64)> = profile
        .top_outlets
        .iter()
        .map(|o| (o.outlet.as_str(), o.article_count))
        .collect();
    assert_eq!(outlets, vec![("Kabul Ledger", 2), ("Frontier Post", 1)]);
    assert!(profile.redirected_from_id.is_empty());

    // The timeline: days in Kabul (4:30 ahead of UTC), zero-filled. The
    // article at 22:00 UTC on 3 March was published on 4 March in Kabul.
    let timeline = query
        .get_mention_timeline(GetMentionTimelineRequest {
            entity_ids: vec![sarfaraz.clone(), okafor.clone()],
            publish_time: range((1, 0), (6, 0)),
            bucket: TimeBucket::Day as i32,
            time_zone: "Asia/Kabul".into(),
        })
        .await?
        .into_inner();
    assert_eq!(timeline.timelines.len(), 2);
    let counts = |i: usize| -> Vec<u64> {
        timeline.timelines[i]
            .buckets
            .iter()
            .map(|b| b.article_count)
            .collect()
    };
    // Local days 1 March (from 04:30) to 6 March (until 04:30).
    assert_eq!(counts(0), vec![0, 0, 1, 1, 1, 0], "{timeline:?}");
    assert_eq!(counts(1), vec![0, 0, 1, 0, 1, 0]);
    assert_eq!(
        timeline.timelines[0].entity.as_ref().map(|e| e.id.as_str()),
        Some(sarfaraz.as_str())
    );
    // The same range in UTC: both of 3 March's articles fall on one day.
    let utc = query
        .get_mention_timeline(GetMentionTimelineRequest {
            entity_ids: vec![sarfaraz.clone()],
            publish_time: range((1, 0), (6, 0)),
            bucket: TimeBucket::Day as i32,
            time_zone: String::new(),
        })
        .await?
        .into_inner();
    let days: Vec<(u64, u64)> = utc.timelines[0]
        .buckets
        .iter()
        .map(|b| (b.article_count, b.mention_count))
        .collect();
    assert_eq!(days, vec![(0, 0), (0, 0), (2, 3), (0, 0), (1, 1)]);

    // The graph around Sarfaraz: Okafor shares two articles, Reyes one.
    let graph = query
        .get_co_mentions(GetCoMentionsRequest {
            entity_ids: vec![sarfaraz.clone()],
            publish_time: None,
            min_weight: 0,
            max_nodes: 0,
        })
        .await?
        .into_inner();
    assert_eq!(graph.article_count, 3);
    assert!(!graph.truncated);
    let node = |id: &str| {
        graph
            .nodes
            .iter()
            .find(|n| n.entity.as_ref().is_some_and(|e| e.id == id))
    };
    assert!(node(&sarfaraz).is_some_and(|n| n.center && n.article_count == 3));
    assert!(node(&okafor).is_some_and(|n| !n.center && n.article_count == 2));
    assert!(node(&reyes).is_some_and(|n| n.article_count == 1));
    let edge = |a: &str, b: &str| {
        graph
            .edges
            .iter()
            .find(|e| {
                (e.source_entity_id == a && e.target_entity_id == b)
                    || (e.source_entity_id == b && e.target_entity_id == a)
            })
            .map(|e| e.article_count)
    };
    assert_eq!(edge(&sarfaraz, &okafor), Some(2));
    assert_eq!(edge(&okafor, &reyes), Some(1));
    // A minimum weight and a time range prune it.
    let heavy = query
        .get_co_mentions(GetCoMentionsRequest {
            entity_ids: vec![sarfaraz.clone()],
            publish_time: range((1, 0), (4, 0)),
            min_weight: 2,
            max_nodes: 0,
        })
        .await?
        .into_inner();
    assert_eq!(heavy.article_count, 2);
    assert!(heavy.edges.is_empty(), "{heavy:?}");

    // Bad input: the field.
    let bad = [
        (
            GetMentionTimelineRequest {
                entity_ids: vec![],
                publish_time: range((1, 0), (6, 0)),
                ..Default::default()
            },
            "entity_ids",
        ),
        (
            GetMentionTimelineRequest {
                entity_ids: vec![sarfaraz.clone()],
                publish_time: None,
                ..Default::default()
            },
            "publish_time",
        ),
        (
            GetMentionTimelineRequest {
                entity_ids: vec![sarfaraz.clone()],
                publish_time: range((1, 0), (6, 0)),
                time_zone: "Mars/Olympus".into(),
                ..Default::default()
            },
            "time_zone",
        ),
        (
            GetMentionTimelineRequest {
                entity_ids: vec!["not-an-id".into()],
                publish_time: range((1, 0), (6, 0)),
                ..Default::default()
            },
            "entity_ids[0]",
        ),
    ];
    for (request, field) in bad {
        let status = query.get_mention_timeline(request).await.expect_err(field);
        assert_eq!(status.code(), Code::InvalidArgument, "{field}: {status:?}");
        assert_eq!(field_violations(&status)[0].field, field);
    }
    // Two years of hours is too many buckets.
    let status = query
        .get_mention_timeline(GetMentionTimelineRequest {
            entity_ids: vec![sarfaraz.clone()],
            publish_time: Some(TimeRange {
                start: Some(mediamon_proto::convert::timestamp(
                    chrono::DateTime::UNIX_EPOCH,
                )),
                end: Some(at(1, 0)),
            }),
            bucket: TimeBucket::Hour as i32,
            time_zone: String::new(),
        })
        .await
        .expect_err("too many buckets");
    assert_eq!(field_violations(&status)[0].field, "publish_time");
    let unknown = "0190a0a0-0000-7000-8000-000000000000".to_string();
    let status = query
        .get_co_mentions(GetCoMentionsRequest {
            entity_ids: vec![unknown],
            ..Default::default()
        })
        .await
        .expect_err("unknown");
    assert_eq!(status.code(), Code::NotFound);
    let status = query
        .get_co_mentions(GetCoMentionsRequest {
            entity_ids: vec![sarfaraz.clone()],
            max_nodes: -1,
            ..Default::default()
        })
        .await
        .expect_err("negative");
    assert_eq!(field_violations(&status)[0].field, "max_nodes");

    // A merged entity's id means its survivor everywhere.
    stack
        .resolver_as(Some(&stack.token))
        .await?
        .merge_entities(MergeEntitiesRequest {
            target_entity_id: okafor.clone(),
            source_entity_ids: vec![reyes.clone()],
            reason: "test: one person".into(),
        })
        .await?;
    let redirected = query
        .get_entity_profile(GetEntityProfileRequest {
            entity: Some(ProfileKey::EntityId(reyes.clone())),
            max_items: 0,
        })
        .await?
        .into_inner();
    assert_eq!(redirected.entity.map(|e| e.id), Some(okafor.clone()));
    assert_eq!(redirected.redirected_from_id, reyes);
    assert_eq!(redirected.article_count, 2);
    let both = query
        .get_mention_timeline(GetMentionTimelineRequest {
            entity_ids: vec![reyes.clone(), okafor.clone()],
            publish_time: range((1, 0), (6, 0)),
            bucket: TimeBucket::Month as i32,
            time_zone: String::new(),
        })
        .await?
        .into_inner();
    assert_eq!(both.timelines.len(), 1, "one entity now");
    assert_eq!(both.timelines[0].buckets[0].article_count, 2);
    stack.shutdown().await
}
