//! One event, many reports: after an article's names are resolved, each of
//! its groups of reports is linked to the known event it reports or starts
//! a new one. The decision is `mediamon-events`' (pure); this is the IO
//! around it, in one transaction whose advisory locks on the participants
//! and place keep concurrent resolvers from creating twins. Linking only
//! what is not linked yet makes a retry finish the work.

use mediamon_events::Kind;
use mediamon_events::link::{Happening, link};
use mediamon_store::{KnownEvent, ReportGroup, Store, Uuid};

use crate::error::ResolverError;

fn happening(
    kind: Kind,
    participants: &[Uuid],
    place: Option<Uuid>,
    first: Option<chrono::NaiveDate>,
    last: Option<chrono::NaiveDate>,
    reported: chrono::NaiveDate,
) -> Happening<Uuid> {
    Happening {
        kind,
        participants: participants.to_vec(),
        place,
        days: first.zip(last.or(first)),
        reported,
    }
}

fn of_group(kind: Kind, g: &ReportGroup) -> Happening<Uuid> {
    happening(
        kind,
        &g.participants,
        g.place,
        g.first_day,
        g.last_day,
        g.reported,
    )
}

fn of_event(kind: Kind, e: &KnownEvent) -> Happening<Uuid> {
    happening(
        kind,
        &e.participant_entity_ids,
        e.place_entity_id,
        e.first_day,
        e.last_day,
        e.last_reported,
    )
}

/// Links the article's reports to events; how many groups were linked.
#[tracing::instrument(name = "resolve.events", skip_all, fields(groups))]
pub async fn link_events(store: &Store, article_id: Uuid) -> Result<usize, ResolverError> {
    let (txn, groups) = store.begin_event_linking(article_id).await?;
    tracing::Span::current().record("groups", groups.len());
    if groups.is_empty() {
        txn.commit().await?;
        return Ok(0);
    }
    // Events are kept by kind family: a planned meeting and the meeting
    // are one happening.
    let family = |g: &ReportGroup| Kind::from_code(&g.kind).unwrap_or(Kind::Meet).family();
    let mut keys: Vec<String> = groups
        .iter()
        .flat_map(|g| {
            let kind = family(g).code();
            g.participants
                .iter()
                .chain(g.place.iter())
                .map(move |e| format!("event:{kind}:{e}"))
        })
        .collect();
    keys.sort();
    keys.dedup();
    txn.lock(keys).await?;
    for g in &groups {
        let kind = family(g);
        let candidates = txn
            .candidates(kind.code(), &g.participants, g.place, g.reported)
            .await?;
        let known: Vec<(Uuid, Happening<Uuid>)> = candidates
            .iter()
            .map(|e| (e.id, of_event(kind, e)))
            .collect();
        let decided = link(&of_group(kind, g), &known);
        let evidence = serde_json::json!({
            "score": decided.score,
            "note": decided.note,
            "weighed": decided
                .weighed
                .iter()
                .map(|(e, s)| serde_json::json!({"event_id": e, "score": s}))
                .collect::<Vec<_>>(),
        });
        txn.link(article_id, g, kind.code(), decided.event, &evidence)
            .await?;
    }
    txn.commit().await?;
    Ok(groups.len())
}
