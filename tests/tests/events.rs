//! One event, many reports (issue 17): reports of one happening in several
//! articles are linked to one event once their names are resolved; an
//! event that one source reports and another denies is contested;
//! ListEvents and GetEvent read events with every report, and answer bad
//! input with the field.

use mediamon_e2e::{Stack, text_request};
use mediamon_proto::v1::{
    ArticleMetadata, EventKind, GetEventRequest, ListEventsRequest, SourceKind, Stance,
};
use tonic::Code;

/// Ingests `text` as published on `day` of 2025 (month, day) and waits
/// until it is resolved; the article id.
async fn published(stack: &Stack, month: u32, day: u32, text: &str) -> anyhow::Result<String> {
    let at = chrono::NaiveDate::from_ymd_opt(2025, month, day)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("date")
        .and_utc();
    let mut request = text_request(text);
    request.metadata = Some(ArticleMetadata {
        publish_time: Some(mediamon_proto::convert::timestamp(at)),
        outlet: format!("Wire {day}"),
        ..Default::default()
    });
    let id = stack
        .ingest()
        .await?
        .ingest_article(request)
        .await?
        .into_inner()
        .article_id;
    stack
        .wait_resolved(std::time::Duration::from_secs(20))
        .await?;
    Ok(id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_of_one_meeting_are_one_contested_event() -> anyhow::Result<()> {
    let stack = Stack::start().await?;
    let first = published(
        &stack,
        2,
        3,
        "Talks in Herat\n\nFarid Qasemi met Hamid Noori in Herat on Sunday, officials said.",
    )
    .await?;
    let second = published(
        &stack,
        2,
        4,
        "Office rejects report\n\nHamid Noori's office denied that any meeting with Farid \
         Qasemi took place in Herat.",
    )
    .await?;
    published(
        &stack,
        2,
        5,
        "Arrests in Kandahar\n\nPolice arrested two smugglers in Kandahar on Tuesday.",
    )
    .await?;
    published(
        &stack,
        3,
        20,
        "Second round\n\nFarid Qasemi met Hamid Noori in Kabul on March 18 for a second round.",
    )
    .await?;

    let article = stack.article(&first).await?;
    let qasemi = article
        .mentions
        .iter()
        .find(|m| m.text == "Farid Qasemi")
        .map(|m| m.entity_id.clone())
        .expect("Qasemi is named");
    let mut query = stack.query().await?;
    let listed = query
        .list_events(ListEventsRequest {
            entity_id: qasemi.clone(),
            ..Default::default()
        })
        .await?
        .into_inner()
        .events;
    // February's meeting (reported and denied) and March's: two events.
    assert_eq!(listed.len(), 2, "{listed:#?}");
    let february = listed
        .iter()
        .find(|e| e.contested)
        .unwrap_or_else(|| panic!("a contested event: {listed:#?}"));
    assert_eq!(february.kind(), EventKind::Meet);
    assert_eq!(february.article_count, 2, "{february:#?}");
    assert_eq!(february.first_day, "2025-02-02", "Sunday before 3 February");

    let got = query
        .get_event(GetEventRequest {
            event_id: february.id.clone(),
        })
        .await?
        .into_inner();
    let reports = &got.reports;
    let articles: Vec<&str> = reports
        .iter()
        .filter_map(|r| r.article.as_ref().map(|a| a.id.as_str()))
        .collect();
    assert!(articles.contains(&first.as_str()) && articles.contains(&second.as_str()));
    let denial = reports
        .iter()
        .filter_map(|r| r.mention.as_ref())
        .find(|m| m.stance() == Stance::Denied)
        .unwrap_or_else(|| panic!("a denial: {reports:#?}"));
    assert_eq!(denial.source_kind(), SourceKind::Named);
    assert_eq!(
        denial.source.as_ref().map(|s| s.name.as_str()),
        Some("Hamid Noori")
    );
    assert_eq!(denial.event_id, february.id);
    // The decision is kept with each report.
    assert!(
        reports
            .iter()
            .all(|r| r.mention.as_ref().is_some_and(|m| !m.event_id.is_empty())),
        "{reports:#?}"
    );

    // Filters.
    let contested = query
        .list_events(ListEventsRequest {
            contested_only: true,
            ..Default::default()
        })
        .await?
        .into_inner()
        .events;
    assert_eq!(contested.len(), 1, "{contested:#?}");
    let arrests = query
        .list_events(ListEventsRequest {
            kinds: vec![EventKind::Arrest as i32],
            ..Default::default()
        })
        .await?
        .into_inner()
        .events;
    assert_eq!(arrests.len(), 1, "{arrests:#?}");
    let denied = query
        .list_events(ListEventsRequest {
            stance: Stance::Denied as i32,
            ..Default::default()
        })
        .await?
        .into_inner()
        .events;
    assert_eq!(denied.len(), 1);

    // Bad input names the field; unknown ids are NOT_FOUND.
    let bad = query
        .list_events(ListEventsRequest {
            entity_id: "nope".into(),
            ..Default::default()
        })
        .await
        .expect_err("bad id");
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert!(bad.message().contains("entity_id"), "{bad:?}");
    let bad_kind = query
        .list_events(ListEventsRequest {
            kinds: vec![99],
            ..Default::default()
        })
        .await
        .expect_err("bad kind");
    assert!(bad_kind.message().contains("kinds[0]"), "{bad_kind:?}");
    let unknown = query
        .get_event(GetEventRequest {
            event_id: "01a24e5f-0000-7000-8000-000000000000".into(),
        })
        .await
        .expect_err("unknown event");
    assert_eq!(unknown.code(), Code::NotFound);
    stack.shutdown().await
}
