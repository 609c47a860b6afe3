//! Human-readable and JSON renderings of replies. JSON follows the protobuf
//! JSON mapping, built by reflection from the API's own descriptors.

use anyhow::Context;
use mediamon_proto::v1::{
    ArticleSummary, Entity, EntityType, Event, EventMention, ExplainResolutionResponse,
    GetArticleResponse, GetCoMentionsResponse, GetEntityProfileResponse, GetEventResponse,
    GetMentionTimelineResponse, ListEventsResponse, ListQuotesResponse, Quote, ResolutionDecision,
    SearchArticlesResponse, SourceKind, TimelineBucket,
};
use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage};

/// `writeln!` into a String, which cannot fail.
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// A message as the protobuf JSON mapping, indented.
pub fn json<M: Message>(message: &M, full_name: &str) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(&dynamic(message, full_name)?)? + "\n")
}

/// A message as the protobuf JSON mapping on one line (JSON lines).
pub fn json_line<M: Message>(message: &M, full_name: &str) -> anyhow::Result<String> {
    Ok(serde_json::to_string(&dynamic(message, full_name)?)? + "\n")
}

fn dynamic<M: Message>(message: &M, full_name: &str) -> anyhow::Result<DynamicMessage> {
    let pool = DescriptorPool::decode(mediamon_proto::FILE_DESCRIPTOR_SET)
        .context("decoding the API descriptors")?;
    let descriptor = pool
        .get_message_by_name(full_name)
        .with_context(|| format!("{full_name} is not in the API"))?;
    Ok(DynamicMessage::decode(
        descriptor,
        message.encode_to_vec().as_slice(),
    )?)
}

fn kind(t: i32) -> &'static str {
    match EntityType::try_from(t).unwrap_or(EntityType::Unspecified) {
        EntityType::Person => "person",
        EntityType::Organization => "organisation",
        EntityType::Location => "place",
        EntityType::Misc => "other",
        EntityType::Unspecified => "?",
    }
}

fn entity_line(e: &Entity) -> String {
    format!(
        "{} ({}, {} mentions)  id {}",
        e.canonical_name,
        kind(e.r#type),
        e.mention_count,
        e.id
    )
}

fn date(a: &ArticleSummary) -> String {
    let t = a
        .metadata
        .as_ref()
        .and_then(|m| m.publish_time.as_ref())
        .or(a.ingest_time.as_ref());
    t.and_then(mediamon_proto::convert::from_timestamp)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "----------".into())
}

fn article_line(out: &mut String, a: &ArticleSummary) {
    outln!(out, "  {}  {}\n      id {}", date(a), a.title, a.id);
}

pub fn search(out: &mut String, name: &str, reply: &SearchArticlesResponse) {
    if reply.matched_entities.is_empty() {
        outln!(out, "No entity matches {name:?}.");
        return;
    }
    outln!(out, "{name:?} may mean:");
    for m in &reply.matched_entities {
        if let Some(e) = &m.entity {
            outln!(out, "  {:.2}  {}", m.score, entity_line(e));
        }
    }
    outln!(
        out,
        "\nArticles ({}{}):",
        reply.articles.len(),
        if reply.next_page_token.is_empty() {
            ""
        } else {
            ", more available"
        }
    );
    for a in &reply.articles {
        article_line(out, a);
    }
}

pub fn profile(out: &mut String, reply: &GetEntityProfileResponse) {
    let Some(e) = &reply.entity else { return };
    outln!(out, "{}", entity_line(e));
    if !reply.redirected_from_id.is_empty() {
        outln!(out, "  (merged from {})", reply.redirected_from_id);
    }
    let written: Vec<String> = reply
        .alias_counts
        .iter()
        .map(|a| format!("{} ({})", a.alias, a.mention_count))
        .collect();
    outln!(out, "  written: {}", written.join(" · "));
    if !reply.titles.is_empty() {
        let titles: Vec<&str> = reply.titles.iter().map(|t| t.title.as_str()).collect();
        outln!(out, "  titles: {}", titles.join(" · "));
    }
    if reply.article_count > 0 {
        outln!(
            out,
            "  in {} articles, {} to {}",
            reply.article_count,
            local(reply.first_seen_time.as_ref(), "", false),
            local(reply.last_seen_time.as_ref(), "", false)
        );
    }
    if !reply.top_outlets.is_empty() {
        let outlets: Vec<String> = reply
            .top_outlets
            .iter()
            .map(|o| format!("{} ({})", o.outlet, o.article_count))
            .collect();
        outln!(out, "  outlets: {}", outlets.join(" · "));
    }
    if !reply.recent_mentions.is_empty() {
        outln!(out, "\nRecent mentions:");
        for m in &reply.recent_mentions {
            outln!(
                out,
                "  [{}] {}",
                m.article_title,
                m.sentence.replace('\n', " ")
            );
        }
    }
    if !reply.co_mentions.is_empty() {
        outln!(out, "\nAppears with:");
        for c in &reply.co_mentions {
            if let Some(other) = &c.entity {
                outln!(
                    out,
                    "  {:>3} articles  {} ({})",
                    c.article_count,
                    other.canonical_name,
                    kind(other.r#type)
                );
            }
        }
    }
    if !reply.articles.is_empty() {
        outln!(out, "\nArticles:");
        for a in &reply.articles {
            article_line(out, a);
        }
    }
    if !reply.other_matches.is_empty() {
        outln!(out, "\nThe name may also mean:");
        for m in &reply.other_matches {
            if let Some(other) = &m.entity {
                outln!(out, "  {:.2}  {}", m.score, entity_line(other));
            }
        }
    }
}

fn decision(code: i32) -> &'static str {
    ResolutionDecision::try_from(code).map_or("?", |d| {
        d.as_str_name().trim_start_matches("RESOLUTION_DECISION_")
    })
}

pub fn explanation(out: &mut String, reply: &ExplainResolutionResponse) {
    if let Some(m) = &reply.mention {
        outln!(
            out,
            "{} ({}): {}",
            m.text,
            kind(m.r#type),
            decision(m.resolution)
        );
    }
    outln!(
        out,
        "compared as \"{}\", skeleton \"{}\"{}",
        reply.name_key,
        reply.skeleton,
        if reply.titles.is_empty() {
            String::new()
        } else {
            format!(", titles {}", reply.titles.join(" "))
        }
    );
    if let Some(d) = &reply.decided {
        outln!(
            out,
            "decided: {} (score {:.2}){}",
            d.note,
            d.score,
            if d.antecedent_mention_id.is_empty() {
                String::new()
            } else {
                format!(", refers to mention {}", d.antecedent_mention_id)
            }
        );
        for c in &d.candidates {
            outln!(
                out,
                "  weighed {:<36} {:.2}  {}",
                c.alias,
                c.score,
                c.entity_id
            );
        }
    }
    outln!(out, "now: {}\n", reply.explanation);
    for c in &reply.candidates {
        let entity = c.entity.as_ref().map_or(String::new(), |e| {
            format!("{} ({})", e.canonical_name, e.id)
        });
        outln!(
            out,
            "  {:<36} {:<10} {:.2}  {}",
            c.alias,
            c.relation,
            c.score,
            entity
        );
        for f in &c.features {
            outln!(out, "      {:<10} {:.2}  {}", f.feature, f.value, f.detail);
        }
    }
}

pub fn article(out: &mut String, reply: &GetArticleResponse) {
    let Some(a) = &reply.article else { return };
    if let Some(s) = &a.summary {
        outln!(out, "{}\n{}  id {}\n", s.title, date(s), s.id);
    }
    outln!(out, "{}\n", a.body);
    outln!(out, "Mentions:");
    for m in &a.mentions {
        let span = m
            .span
            .map(|s| format!("{}..{}", s.start, s.end))
            .unwrap_or_default();
        let entity = if m.entity_id.is_empty() {
            "unresolved".to_string()
        } else {
            format!("entity {}", m.entity_id)
        };
        outln!(
            out,
            "  {:<10} {:<12} {:<32} {:<44} {:<16} mention {}",
            span,
            kind(m.r#type),
            m.text,
            entity,
            decision(m.resolution),
            m.id
        );
    }
    if !a.quotes.is_empty() {
        outln!(out, "\nQuotes:");
        for q in &a.quotes {
            quote_line(out, q);
        }
    }
    if !a.time_expressions.is_empty() {
        outln!(out, "\nTimes:");
        for t in &a.time_expressions {
            let days = if t.first_day == t.last_day {
                t.first_day.clone()
            } else {
                format!("{} to {}", t.first_day, t.last_day)
            };
            outln!(out, "  {:<32} {days}", t.text);
        }
    }
    if !a.event_mentions.is_empty() {
        outln!(out, "\nEvents:");
        for e in &a.event_mentions {
            event_line(out, e);
        }
    }
    if !a.amounts.is_empty() {
        outln!(out, "\nAmounts:");
        for m in &a.amounts {
            let about = if m.approximate { "about " } else { "" };
            outln!(out, "  {:<32} {about}{} {}", m.text, m.value, m.unit);
        }
    }
}

/// One quote: who, how, what.
fn quote_line(out: &mut String, q: &Quote) {
    let who = if q.anonymous {
        "sources".to_string()
    } else if q.speaker_name.is_empty() {
        "(unknown)".to_string()
    } else {
        q.speaker_name.clone()
    };
    let how = match (q.direct, q.verb.is_empty()) {
        (true, true) => String::new(),
        (true, false) => format!(" {}", q.verb),
        (false, _) => format!(" {} (reported)", q.verb),
    };
    let text = if q.direct {
        format!("\u{201C}{}\u{201D}", q.text)
    } else {
        q.text.clone()
    };
    outln!(out, "  {who}{how}: {text}");
}

pub fn quotes(out: &mut String, reply: &ListQuotesResponse) {
    if reply.quotes.is_empty() {
        outln!(out, "No quotes.");
    }
    for item in &reply.quotes {
        if let Some(a) = &item.article {
            outln!(out, "{}  {}  id {}", date(a), a.title, a.id);
        }
        if let Some(q) = &item.quote {
            quote_line(out, q);
        }
    }
    if !reply.next_page_token.is_empty() {
        outln!(out, "(more: --page-token {})", reply.next_page_token);
    }
}

/// One event mention: who asserts what, with whom, where and when.
fn event_line(out: &mut String, e: &EventMention) {
    let source = match e.source_kind() {
        SourceKind::Named => e.source.as_ref().map_or("?", |s| s.name.as_str()),
        SourceKind::Anonymous => "sources",
        _ => "the outlet",
    };
    let who: Vec<&str> = e.participants.iter().map(|p| p.name.as_str()).collect();
    let place = e
        .place
        .as_ref()
        .map(|p| format!(" in {}", p.name))
        .unwrap_or_default();
    let when = if e.first_day.is_empty() {
        String::new()
    } else if e.first_day == e.last_day {
        format!(" on {}", e.first_day)
    } else {
        format!(" {} to {}", e.first_day, e.last_day)
    };
    let cue = if e.cue.is_empty() {
        String::new()
    } else {
        format!(" ({:?})", e.cue)
    };
    outln!(
        out,
        "  #{} {} {:?}: {}{cue} {:?} [{}]{place}{when}",
        e.article_group,
        source,
        e.stance(),
        e.trigger,
        e.kind(),
        who.join(", ")
    );
}

/// One event: what, who, where, when, and what its reports say.
fn event_summary(out: &mut String, e: &Event) {
    let who: Vec<&str> = e.participants.iter().map(|p| p.name.as_str()).collect();
    let place = e
        .place
        .as_ref()
        .map(|p| format!(" in {}", p.name))
        .unwrap_or_default();
    let when = match (e.first_day.as_str(), e.last_day.as_str()) {
        ("", _) => String::new(),
        (a, b) if a == b => format!(" on {a}"),
        (a, b) => format!(" {a} to {b}"),
    };
    let stances: Vec<String> = e.stances().map(|s| format!("{s:?}")).collect();
    outln!(
        out,
        "{:?} [{}]{place}{when}: {} reports in {} articles ({}){}, reported {} to {}\n  id {}",
        e.kind(),
        who.join(", "),
        e.report_count,
        e.article_count,
        stances.join(", "),
        if e.contested { ", CONTESTED" } else { "" },
        e.first_reported,
        e.last_reported,
        e.id
    );
}

/// A time as a day (or day and hour) in `time_zone` (an IANA name; UTC when
/// empty or unknown).
fn local(t: Option<&prost_types::Timestamp>, time_zone: &str, hours: bool) -> String {
    let Some(t) = t.and_then(mediamon_proto::convert::from_timestamp) else {
        return "?".into();
    };
    let zone: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::Tz::UTC);
    let format = if hours { "%Y-%m-%d %H:%M" } else { "%Y-%m-%d" };
    t.with_timezone(&zone).format(format).to_string()
}

pub fn timeline(out: &mut String, reply: &GetMentionTimelineResponse, time_zone: &str) {
    for t in &reply.timelines {
        if let Some(e) = &t.entity {
            outln!(out, "{}", entity_line(e));
        }
        let most = t.buckets.iter().map(|b| b.mention_count).max().unwrap_or(0);
        // An hour bucket shows its hour.
        let hours = t.buckets.windows(2).any(|w| {
            let secs = |b: &TimelineBucket| b.start_time.as_ref().map_or(0, |s| s.seconds);
            secs(&w[1]) - secs(&w[0]) < 86_400 - 3_600
        });
        for b in &t.buckets {
            let bar = (b.mention_count * 40)
                .checked_div(most)
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(0);
            outln!(
                out,
                "  {}  {:>5} mentions {:>5} articles  {}",
                local(b.start_time.as_ref(), time_zone, hours),
                b.mention_count,
                b.article_count,
                "#".repeat(bar)
            );
        }
    }
}

pub fn graph(out: &mut String, reply: &GetCoMentionsResponse) {
    outln!(
        out,
        "Over {} articles{}:",
        reply.article_count,
        if reply.truncated {
            " (the latest; there are more)"
        } else {
            ""
        }
    );
    let name = |id: &str| {
        reply
            .nodes
            .iter()
            .filter_map(|n| n.entity.as_ref())
            .find(|e| e.id == id)
            .map_or(id.to_string(), |e| e.canonical_name.clone())
    };
    for n in &reply.nodes {
        if let Some(e) = &n.entity {
            outln!(
                out,
                "  {:>5} articles  {}{}",
                n.article_count,
                entity_line(e),
                if n.center { "  (centre)" } else { "" }
            );
        }
    }
    if !reply.edges.is_empty() {
        outln!(
            out, "
Pairs:"
        );
    }
    for e in &reply.edges {
        outln!(
            out,
            "  {:>5} articles  {} — {}",
            e.article_count,
            name(&e.source_entity_id),
            name(&e.target_entity_id)
        );
    }
}

pub fn events(out: &mut String, reply: &ListEventsResponse) {
    if reply.events.is_empty() {
        outln!(out, "No events.");
    }
    for e in &reply.events {
        event_summary(out, e);
    }
    if !reply.next_page_token.is_empty() {
        outln!(out, "(more: --page-token {})", reply.next_page_token);
    }
}

pub fn event(out: &mut String, reply: &GetEventResponse) {
    if let Some(e) = &reply.event {
        event_summary(out, e);
    }
    outln!(out, "\nReports:");
    for r in &reply.reports {
        if let Some(a) = &r.article {
            let outlet = a
                .metadata
                .as_ref()
                .map(|m| m.outlet.as_str())
                .filter(|o| !o.is_empty())
                .unwrap_or("(outlet unknown)");
            outln!(out, "{}  {outlet}  {}  id {}", date(a), a.title, a.id);
        }
        if let Some(m) = &r.mention {
            event_line(out, m);
        }
    }
}
