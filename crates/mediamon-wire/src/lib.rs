//! Store rows as mediamon.v1 messages. Every service that answers with
//! entities, mentions or articles builds them here, so the API looks the
//! same whichever service sends it.

use mediamon_proto::convert::{entity_type_from_code, timestamp};
use mediamon_proto::error::{Invalid, quote};
use mediamon_proto::v1;
use mediamon_store::model::mention;
use mediamon_store::{ArticleRow, CoMentionRow, EntityMatchRow, EntityRow, MentionInContextRow};

pub fn entity(row: &EntityRow) -> v1::Entity {
    v1::Entity {
        id: row.id.to_string(),
        canonical_name: row.canonical_name.clone(),
        r#type: entity_type_from_code(&row.entity_type) as i32,
        aliases: row.aliases.clone(),
        mention_count: u64::try_from(row.mention_count).unwrap_or(0),
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
    }
}

pub fn entity_match(row: &EntityMatchRow) -> v1::EntityMatch {
    v1::EntityMatch {
        entity: Some(entity(&row.entity)),
        score: row.score,
        matched_alias: row.matched_alias.clone(),
    }
}

pub fn co_mention(row: &CoMentionRow) -> v1::CoMention {
    v1::CoMention {
        entity: Some(entity(&row.entity)),
        article_count: u32::try_from(row.article_count).unwrap_or(u32::MAX),
    }
}

pub fn mention(m: &mention::Model) -> v1::Mention {
    v1::Mention {
        id: m.id.to_string(),
        article_id: m.article_id.to_string(),
        r#type: entity_type_from_code(&m.entity_type) as i32,
        span: Some(v1::TextSpan {
            start: u32::try_from(m.start_offset).unwrap_or(0),
            end: u32::try_from(m.end_offset).unwrap_or(0),
        }),
        text: m.text.clone(),
        sentence_index: u32::try_from(m.sentence_index).unwrap_or(0),
        titles: m.titles.clone(),
        confidence: m.confidence,
        entity_id: m.entity_id.map(|id| id.to_string()).unwrap_or_default(),
        resolution: decision_from_code(m.decision.as_deref()) as i32,
    }
}

fn span(start: i32, end: i32) -> Option<v1::TextSpan> {
    Some(v1::TextSpan {
        start: u32::try_from(start).unwrap_or(0),
        end: u32::try_from(end).unwrap_or(0),
    })
}

/// A stored time expression on the wire.
pub fn time_expression(t: &mediamon_store::TimeRow) -> v1::TimeExpression {
    let precision = match t.precision.as_str() {
        "day" => v1::TimePrecision::Day,
        "week" => v1::TimePrecision::Week,
        "month" => v1::TimePrecision::Month,
        "year" => v1::TimePrecision::Year,
        _ => v1::TimePrecision::Unspecified,
    };
    v1::TimeExpression {
        span: span(t.start_offset, t.end_offset),
        text: t.text.clone(),
        first_day: t.first_day.to_string(),
        last_day: t.last_day.to_string(),
        precision: precision as i32,
        relative: t.relative,
    }
}

/// A stored amount on the wire.
pub fn amount(a: &mediamon_store::AmountRow) -> v1::Amount {
    v1::Amount {
        span: span(a.start_offset, a.end_offset),
        text: a.text.clone(),
        value: a.value,
        unit: a.unit.clone(),
        counted: a.counted.clone(),
        approximate: a.approximate,
    }
}

/// The wire's name for a kind of happening: a match, so that a kind added
/// to `mediamon-events` does not build until the wire names it too.
fn proto_kind(kind: mediamon_events::Kind) -> v1::EventKind {
    use mediamon_events::Kind;
    match kind {
        Kind::Meet => v1::EventKind::Meet,
        Kind::PlanMeet => v1::EventKind::PlanMeet,
        Kind::Accuse => v1::EventKind::Accuse,
        Kind::Arrest => v1::EventKind::Arrest,
        Kind::Attack => v1::EventKind::Attack,
        Kind::Agree => v1::EventKind::Agree,
        Kind::Sign => v1::EventKind::Sign,
        Kind::Acquire => v1::EventKind::Acquire,
        Kind::Die => v1::EventKind::Die,
        Kind::Injure => v1::EventKind::Injure,
        Kind::Appoint => v1::EventKind::Appoint,
        Kind::Leave => v1::EventKind::Leave,
        Kind::Charge => v1::EventKind::Charge,
        Kind::Convict => v1::EventKind::Convict,
    }
}

const STANCES: [(v1::Stance, &str); 7] = [
    (v1::Stance::Reported, "reported"),
    (v1::Stance::Alleged, "alleged"),
    (v1::Stance::Planned, "planned"),
    (v1::Stance::Confirmed, "confirmed"),
    (v1::Stance::Denied, "denied"),
    (v1::Stance::NotConfirmed, "not_confirmed"),
    (v1::Stance::Declined, "declined"),
];

/// The event kind a stored code names.
pub fn event_kind(code: &str) -> v1::EventKind {
    mediamon_events::Kind::from_code(code).map_or(v1::EventKind::Unspecified, proto_kind)
}

/// How an event kind is stored; `None` for unspecified.
pub fn event_kind_code(kind: v1::EventKind) -> Option<&'static str> {
    mediamon_events::Kind::ALL
        .into_iter()
        .find(|k| proto_kind(*k) == kind)
        .map(mediamon_events::Kind::code)
}

/// The stance a stored code names.
pub fn stance(code: &str) -> v1::Stance {
    STANCES
        .iter()
        .find(|(_, c)| *c == code)
        .map_or(v1::Stance::Unspecified, |(s, _)| *s)
}

/// How a stance is stored; `None` for unspecified.
pub fn stance_code(stance: v1::Stance) -> Option<&'static str> {
    STANCES.iter().find(|(s, _)| *s == stance).map(|(_, c)| *c)
}

/// An event on the wire.
pub fn event(e: &mediamon_store::EventRow) -> v1::Event {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let entity = |v: &serde_json::Value| {
        let text = |k: &str| {
            v.get(k)
                .and_then(|x| x.as_str())
                .unwrap_or_default()
                .to_string()
        };
        v1::EventArgument {
            mention_id: String::new(),
            entity_id: text("entity_id"),
            name: text("name"),
        }
    };
    v1::Event {
        id: e.id.to_string(),
        kind: event_kind(&e.kind) as i32,
        participants: e
            .participants
            .as_array()
            .map(|a| a.iter().map(entity).collect())
            .unwrap_or_default(),
        place: e.place_entity_id.map(|id| v1::EventArgument {
            mention_id: String::new(),
            entity_id: id.to_string(),
            name: e.place_name.clone().unwrap_or_default(),
        }),
        first_day: day(e.first_day),
        last_day: day(e.last_day),
        first_reported: e.first_reported.to_string(),
        last_reported: e.last_reported.to_string(),
        report_count: u32::try_from(e.reports).unwrap_or(u32::MAX),
        article_count: u32::try_from(e.articles).unwrap_or(u32::MAX),
        contested: e.contested,
        stances: e.stances.iter().map(|s| stance(s) as i32).collect(),
    }
}

/// An event argument stored as `{mention_id, entity_id, name}`.
fn argument(v: &serde_json::Value) -> v1::EventArgument {
    let text = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_string()
    };
    v1::EventArgument {
        mention_id: text("mention_id"),
        entity_id: text("entity_id"),
        name: text("name"),
    }
}

/// A stored event mention on the wire.
pub fn event_mention(e: &mediamon_store::EventMentionRow) -> v1::EventMention {
    let kind = event_kind(&e.kind);
    let stance = stance(&e.stance);
    let source_kind = match e.source_kind.as_str() {
        "name" => v1::SourceKind::Named,
        "anonymous" => v1::SourceKind::Anonymous,
        "outlet" => v1::SourceKind::Outlet,
        _ => v1::SourceKind::Unspecified,
    };
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    v1::EventMention {
        id: e.id.to_string(),
        article_id: e.article_id.to_string(),
        trigger_span: span(e.start_offset, e.end_offset),
        trigger: e.trigger.clone(),
        kind: kind as i32,
        stance: stance as i32,
        cue: e.cue.clone(),
        source_kind: source_kind as i32,
        source: e.source.as_ref().filter(|v| !v.is_null()).map(argument),
        participants: e
            .participants
            .as_array()
            .map(|a| a.iter().map(argument).collect())
            .unwrap_or_default(),
        place: e.place.as_ref().filter(|v| !v.is_null()).map(argument),
        time_text: e.time_text.clone(),
        first_day: day(e.first_day),
        last_day: day(e.last_day),
        event_id: e.event_id.map(|id| id.to_string()).unwrap_or_default(),
        claim_time_text: e.claim_time_text.clone(),
        claim_day: day(e.claim_day),
        sentence_index: u32::try_from(e.sentence_index).unwrap_or(0),
        article_group: u32::try_from(e.article_group).unwrap_or(0),
    }
}

/// A stored quote on the wire.
pub fn quotation(q: &mediamon_store::QuoteRow) -> v1::Quote {
    let id = |u: Option<mediamon_store::Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
    v1::Quote {
        id: q.quote_id.to_string(),
        article_id: q.article_id.to_string(),
        span: span(q.start_offset, q.end_offset),
        text: q.text.clone(),
        direct: q.direct,
        verb: q.verb.clone(),
        speaker_mention_id: id(q.speaker_mention_id),
        speaker_entity_id: id(q.speaker_entity_id),
        speaker_name: q.speaker_name.clone(),
        speaker_text: q.speaker_text.clone(),
        anonymous: q.anonymous,
    }
}

const DECISIONS: [(v1::ResolutionDecision, &str); 8] = [
    (v1::ResolutionDecision::NewEntity, "new_entity"),
    (v1::ResolutionDecision::AliasMatch, "alias_match"),
    (v1::ResolutionDecision::WithinArticle, "within_article"),
    (v1::ResolutionDecision::Variant, "variant"),
    (v1::ResolutionDecision::Acronym, "acronym"),
    (v1::ResolutionDecision::Surname, "surname"),
    (v1::ResolutionDecision::Ambiguous, "ambiguous"),
    (v1::ResolutionDecision::Context, "context"),
];

/// How a decision is stored in `mentions.decision`.
pub fn decision_code(d: v1::ResolutionDecision) -> &'static str {
    DECISIONS
        .iter()
        .find(|(x, _)| *x == d)
        .map_or("unspecified", |(_, code)| code)
}

/// The decision a stored code stands for.
pub fn decision_from_code(code: Option<&str>) -> v1::ResolutionDecision {
    DECISIONS
        .iter()
        .find(|(_, c)| Some(*c) == code)
        .map_or(v1::ResolutionDecision::Unspecified, |(d, _)| *d)
}

pub fn resolution_state(state: &str) -> v1::ResolutionState {
    match state {
        "pending" => v1::ResolutionState::Pending,
        "resolved" => v1::ResolutionState::Resolved,
        _ => v1::ResolutionState::Unspecified,
    }
}

/// A stored precision as the API's enum.
pub fn date_precision(stored: &str) -> v1::DatePrecision {
    match stored {
        "time" => v1::DatePrecision::Time,
        "day" => v1::DatePrecision::Day,
        "month" => v1::DatePrecision::Month,
        "year" => v1::DatePrecision::Year,
        _ => v1::DatePrecision::Unspecified,
    }
}

/// A stored publication-time source as the API's enum.
pub fn publish_time_source(stored: &str) -> v1::PublishTimeSource {
    match stored {
        "caller" => v1::PublishTimeSource::Caller,
        "meta" => v1::PublishTimeSource::Meta,
        "json-ld" => v1::PublishTimeSource::JsonLd,
        "time-element" => v1::PublishTimeSource::TimeElement,
        "text" => v1::PublishTimeSource::Text,
        "feed" => v1::PublishTimeSource::Feed,
        _ => v1::PublishTimeSource::Unspecified,
    }
}

pub fn article_summary(row: &ArticleRow) -> v1::ArticleSummary {
    v1::ArticleSummary {
        id: row.id.to_string(),
        title: row.title.clone(),
        metadata: Some(v1::ArticleMetadata {
            url: row.url.clone().unwrap_or_default(),
            outlet: row.outlet.clone().unwrap_or_default(),
            authors: row.authors.clone(),
            language: row.language.clone().unwrap_or_default(),
            publish_time: row.published_at.map(timestamp),
            publish_time_precision: row
                .published_precision
                .as_deref()
                .map_or(v1::DatePrecision::Unspecified, date_precision)
                as i32,
            publish_time_source: row
                .published_source
                .as_deref()
                .map_or(v1::PublishTimeSource::Unspecified, publish_time_source)
                as i32,
            dateline: row.dateline.clone().unwrap_or_default(),
            title: row.title.clone(),
        }),
        ingest_time: Some(timestamp(row.ingested_at)),
        resolution_state: resolution_state(&row.resolution_state) as i32,
        snippet: row.snippet.clone(),
        near_duplicate_of: row.near_duplicate_of.map(|id| v1::NearDuplicate {
            article_id: id.to_string(),
            similarity: row.near_duplicate_similarity.unwrap_or_default(),
        }),
    }
}

/// A mention with its article title and the sentence it sits in.
pub fn mention_in_context(row: &MentionInContextRow) -> v1::MentionInContext {
    let sentence = mediamon_nlp::split_sentences(&row.article_body)
        .get(usize::try_from(row.mention.sentence_index).unwrap_or(usize::MAX))
        .map(|s| row.article_body[s.byte_start..s.byte_end].to_string())
        .unwrap_or_default();
    v1::MentionInContext {
        mention: Some(mention(&row.mention)),
        article_title: row.article_title.clone(),
        sentence,
    }
}

/// The API error class of a store failure.
pub fn store_error_code(err: &mediamon_store::StoreError) -> mediamon_proto::error::Code {
    use mediamon_proto::error::Code;
    use mediamon_store::StoreError;
    match err {
        StoreError::Unavailable(_) => Code::Unavailable,
        StoreError::NotFound { .. } => Code::NotFound,
        StoreError::InvalidArgument { .. } => Code::InvalidArgument,
        StoreError::AlreadyExists(_) => Code::AlreadyExists,
        StoreError::FailedPrecondition(_) => Code::FailedPrecondition,
        StoreError::Db(_) => Code::Internal,
    }
}

/// Parses a UUID field of a request.
pub fn parse_id(value: &str) -> Option<mediamon_store::Uuid> {
    mediamon_store::Uuid::parse_str(value.trim()).ok()
}

/// A request field that must hold an id (a UUID); else the field's
/// violation, quoting a short prefix of what was sent.
pub fn id_field(field: &str, value: &str) -> Result<mediamon_store::Uuid, Invalid> {
    parse_id(value).ok_or_else(|| Invalid::new(field, format!("{} is not a UUID", quote(value))))
}

/// A registered feed.
pub fn feed(row: &mediamon_store::FeedRow) -> v1::Feed {
    v1::Feed {
        id: row.id.to_string(),
        url: row.url.clone(),
        poll_interval_seconds: u32::try_from(row.poll_interval_secs).unwrap_or_default(),
        create_time: Some(timestamp(row.created_at)),
        last_poll_time: row.last_polled_at.map(timestamp),
        last_status: row.last_status.clone().unwrap_or_default(),
        next_poll_time: Some(timestamp(row.next_poll_at)),
        item_count: u64::try_from(row.items).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_kind_goes_to_the_wire_and_back() {
        for kind in mediamon_events::Kind::ALL {
            let wire = event_kind(kind.code());
            assert_ne!(wire, v1::EventKind::Unspecified, "{kind:?}");
            assert_eq!(event_kind_code(wire), Some(kind.code()));
        }
        assert_eq!(event_kind("no such kind"), v1::EventKind::Unspecified);
        assert_eq!(event_kind_code(v1::EventKind::Unspecified), None);
    }
}
