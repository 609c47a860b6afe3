//! What happened, according to whom: a story's reports of something
//! happening between actors (a meeting, a visit, an arrest, an attack, an
//! agreement, an acquisition...), each with its trigger word, kind,
//! participants, place and time, and the claim made of it: who asserts it
//! (a named person or organisation, anonymous sources, or the outlet
//! itself) and with what stance (reported, alleged, planned, confirmed,
//! denied, not confirmed, declined), with the cue words that say so.
//! Reports of one happening within an article share a group, so that one
//! event can carry several sources' stances.
//!
//! Invariants: pure; offsets are code points; participants, places and
//! sources are the names the caller passes (by index), times the time
//! expressions it passes; the work is linear in the text.

pub mod link;

use mediamon_nlp::{Token, sentences, words};
use mediamon_quotes::{Name, Quote, Speaker};
use mediamon_timex::TimeExpression;

/// What kind of happening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Met, talks, visit, host, call, encounter.
    Meet,
    /// A meeting planned or invited to.
    PlanMeet,
    Accuse,
    Arrest,
    Attack,
    Agree,
    Sign,
    Acquire,
    /// Died, killed, deaths.
    Die,
    /// Injured, wounded.
    Injure,
    /// Appointed, nominated, hired, elected to a post.
    Appoint,
    /// Resigned, sacked, ousted from a post.
    Leave,
    /// Charged, indicted.
    Charge,
    /// Convicted, sentenced.
    Convict,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 14] = [
        Kind::Meet,
        Kind::PlanMeet,
        Kind::Accuse,
        Kind::Arrest,
        Kind::Attack,
        Kind::Agree,
        Kind::Sign,
        Kind::Acquire,
        Kind::Die,
        Kind::Injure,
        Kind::Appoint,
        Kind::Leave,
        Kind::Charge,
        Kind::Convict,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Meet => "meet",
            Kind::PlanMeet => "plan_meet",
            Kind::Accuse => "accuse",
            Kind::Arrest => "arrest",
            Kind::Attack => "attack",
            Kind::Agree => "agree",
            Kind::Sign => "sign",
            Kind::Acquire => "acquire",
            Kind::Die => "die",
            Kind::Injure => "injure",
            Kind::Appoint => "appoint",
            Kind::Leave => "leave",
            Kind::Charge => "charge",
            Kind::Convict => "convict",
        }
    }

    /// The kind a stored code names.
    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Kinds that can report one happening: a planned meeting and the
    /// meeting itself.
    pub fn family(self) -> Kind {
        match self {
            Kind::PlanMeet => Kind::Meet,
            k => k,
        }
    }
}

/// How a source holds the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    Reported,
    Alleged,
    Planned,
    Confirmed,
    Denied,
    NotConfirmed,
    Declined,
}

impl Stance {
    pub fn code(self) -> &'static str {
        match self {
            Stance::Reported => "reported",
            Stance::Alleged => "alleged",
            Stance::Planned => "planned",
            Stance::Confirmed => "confirmed",
            Stance::Denied => "denied",
            Stance::NotConfirmed => "not_confirmed",
            Stance::Declined => "declined",
        }
    }

    /// Whether the stance holds that it happened (or will).
    pub fn supports(self) -> bool {
        matches!(
            self,
            Stance::Reported | Stance::Alleged | Stance::Planned | Stance::Confirmed
        )
    }
}

/// Who asserts a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// One of the names given, by index.
    Name(usize),
    /// Unnamed sources.
    Anonymous,
    /// The outlet itself, in its own voice.
    Outlet,
}

/// One report of a happening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMention {
    /// Code-point offsets of the trigger word.
    pub start: usize,
    pub end: usize,
    pub trigger: String,
    pub kind: Kind,
    /// The names of those taking part, by index.
    pub participants: Vec<usize>,
    /// The place, a name by index.
    pub place: Option<usize>,
    /// When it happened, a time expression by index.
    pub time: Option<usize>,
    /// When the source made its claim, where the sentence says so before
    /// the cue ("On Saturday, February 1, the leaders denied …"), a time
    /// expression by index.
    pub claimed: Option<usize>,
    pub stance: Stance,
    /// The words that carry the stance ("denied reports of", "has not
    /// confirmed"); empty for a plain report.
    pub cue: String,
    pub source: Source,
    /// Zero-based sentence index.
    pub sentence: usize,
    /// Reports of one happening in this article share a group.
    pub group: usize,
}

/// Trigger words and the kind they report.
const TRIGGERS: &[(&str, Kind)] = &[
    ("meet", Kind::Meet),
    ("meets", Kind::Meet),
    ("met", Kind::Meet),
    ("meeting", Kind::Meet),
    ("meetings", Kind::Meet),
    ("talks", Kind::Meet),
    ("visit", Kind::Meet),
    ("visits", Kind::Meet),
    ("visited", Kind::Meet),
    ("hosted", Kind::Meet),
    ("hosts", Kind::Meet),
    ("encounter", Kind::Meet),
    ("discussions", Kind::Meet),
    ("call", Kind::Meet),
    ("conference", Kind::Meet),
    ("round", Kind::Meet),
    ("session", Kind::Meet),
    ("gathering", Kind::Meet),
    ("trip", Kind::Meet),
    ("contacts", Kind::Meet),
    ("conversation", Kind::Meet),
    ("hosting", Kind::Meet),
    ("summoned", Kind::Meet),
    ("invited", Kind::PlanMeet),
    ("accused", Kind::Accuse),
    ("accuses", Kind::Accuse),
    ("accusing", Kind::Accuse),
    ("accuse", Kind::Accuse),
    ("accusation", Kind::Accuse),
    ("accusations", Kind::Accuse),
    ("arrested", Kind::Arrest),
    ("arrest", Kind::Arrest),
    ("detained", Kind::Arrest),
    ("detention", Kind::Arrest),
    ("attack", Kind::Attack),
    ("attacked", Kind::Attack),
    ("attacks", Kind::Attack),
    ("bombing", Kind::Attack),
    ("raid", Kind::Attack),
    ("raids", Kind::Attack),
    ("strike", Kind::Attack),
    ("strikes", Kind::Attack),
    ("struck", Kind::Attack),
    ("stormed", Kind::Attack),
    ("assault", Kind::Attack),
    ("bombed", Kind::Attack),
    ("agreed", Kind::Agree),
    ("agreement", Kind::Agree),
    ("agree", Kind::Agree),
    ("deal", Kind::Agree),
    ("signed", Kind::Sign),
    ("signing", Kind::Sign),
    ("sign", Kind::Sign),
    ("acquired", Kind::Acquire),
    ("acquisition", Kind::Acquire),
    ("acquire", Kind::Acquire),
    ("bought", Kind::Acquire),
    ("buy", Kind::Acquire),
    ("buying", Kind::Acquire),
    ("purchase", Kind::Acquire),
    ("captured", Kind::Arrest),
    ("capturing", Kind::Arrest),
    ("apprehended", Kind::Arrest),
    ("nabbed", Kind::Arrest),
    ("shooting", Kind::Attack),
    ("shootings", Kind::Attack),
    ("gunfire", Kind::Attack),
    ("hijacked", Kind::Attack),
    ("hijacking", Kind::Attack),
    ("ambush", Kind::Attack),
    ("ambushed", Kind::Attack),
    ("assaulted", Kind::Attack),
    ("died", Kind::Die),
    ("dies", Kind::Die),
    ("death", Kind::Die),
    ("deaths", Kind::Die),
    ("killed", Kind::Die),
    ("killing", Kind::Die),
    ("killings", Kind::Die),
    ("injured", Kind::Injure),
    ("injuring", Kind::Injure),
    ("injuries", Kind::Injure),
    ("wounded", Kind::Injure),
    ("wounding", Kind::Injure),
    ("appointed", Kind::Appoint),
    ("appointment", Kind::Appoint),
    ("nominated", Kind::Appoint),
    ("nomination", Kind::Appoint),
    ("nominee", Kind::Appoint),
    ("hired", Kind::Appoint),
    ("elected", Kind::Appoint),
    ("resigned", Kind::Leave),
    ("resignation", Kind::Leave),
    ("sacked", Kind::Leave),
    ("ousted", Kind::Leave),
    ("charged", Kind::Charge),
    ("indicted", Kind::Charge),
    ("indictment", Kind::Charge),
    ("convicted", Kind::Convict),
    ("sentenced", Kind::Convict),
];

/// The kind of happening a trigger word (any case) reports, when it is one.
pub fn trigger_kind(word: &str) -> Option<Kind> {
    let word = word.to_lowercase();
    TRIGGERS.iter().find(|(w, _)| *w == word).map(|&(_, k)| k)
}

/// The stem of a word (Snowball, English; lower case): "arrested",
/// "arrests" and "arrest" share one. Event linking compares the words
/// reports are told in by it.
pub fn stem(word: &str) -> String {
    static STEMMER: std::sync::OnceLock<rust_stemmers::Stemmer> = std::sync::OnceLock::new();
    STEMMER
        .get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English))
        .stem(&word.to_lowercase())
        .into_owned()
}

/// Every trigger word (lower case) with the kind it reports.
pub fn triggers() -> impl Iterator<Item = (&'static str, Kind)> {
    TRIGGERS.iter().copied()
}

/// Cue phrases (lower case, as token sequences) and the stance they carry,
/// most specific first: "has not confirmed" before "confirmed".
const CUES: &[(&[&str], Stance)] = &[
    (&["not", "confirmed"], Stance::NotConfirmed),
    (&["not", "confirm"], Stance::NotConfirmed),
    (&["not", "yet", "confirmed"], Stance::NotConfirmed),
    (&["unable", "to", "verify"], Stance::NotConfirmed),
    (&["could", "not", "verify"], Stance::NotConfirmed),
    (&["declined", "to", "comment"], Stance::Declined),
    (&["refused", "to", "comment"], Stance::Declined),
    (&["did", "not", "respond"], Stance::Declined),
    (&["did", "not", "comment"], Stance::Declined),
    (&["no", "such"], Stance::Denied),
    (&["denied"], Stance::Denied),
    (&["denies"], Stance::Denied),
    (&["deny"], Stance::Denied),
    (&["denying"], Stance::Denied),
    (&["dismissed"], Stance::Denied),
    (&["rejected"], Stance::Denied),
    (&["rejects"], Stance::Denied),
    (&["refuted"], Stance::Denied),
    (&["confirmed"], Stance::Confirmed),
    (&["confirms"], Stance::Confirmed),
    (&["confirming"], Stance::Confirmed),
    (&["scheduled", "to"], Stance::Planned),
    (&["expected", "to"], Stance::Planned),
    (&["plans", "to"], Stance::Planned),
    (&["planning", "to"], Stance::Planned),
    (&["will"], Stance::Planned),
    (&["invited"], Stance::Planned),
    (&["alleged"], Stance::Alleged),
    (&["allegedly"], Stance::Alleged),
    (&["reportedly"], Stance::Alleged),
    (&["reported"], Stance::Alleged),
    (&["reports"], Stance::Alleged),
    (&["claims"], Stance::Alleged),
];

/// Words after a trigger that deny it happened ("the meeting did not take
/// place", "never happened").
const DENIED_AFTER: &[&[&str]] = &[
    &["did", "not", "take", "place"],
    &["had", "not", "taken", "place"],
    &["never", "took", "place"],
    &["did", "not", "happen"],
    &["never", "happened"],
];

/// How far after its trigger a report's place may be named, in tokens
/// ("met former officials and figures of the movement in Istanbul").
const PLACE_REACH: usize = 10;

/// How far a stance cue may stand from its trigger, in tokens.
const CUE_REACH: usize = 12;

/// Words that stand for a happening reported before ("denied such
/// claims", "confirmed the reports"): with a verdict cue and no trigger of
/// its own, the sentence reports on the article's latest happening.
const ANAPHORS: &[&str] = &[
    "claims",
    "claim",
    "reports",
    "report",
    "allegations",
    "allegation",
    "rumours",
    "rumors",
];

struct Text<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    chars: Vec<(usize, usize)>,
    lower: Vec<String>,
    sentences: Vec<std::ops::Range<usize>>,
}

impl<'a> Text<'a> {
    fn new(text: &'a str) -> Self {
        let words = words(text);
        let tokens: Vec<Token> = words.iter().map(|w| w.token).collect();
        let chars = words.iter().map(|w| (w.start, w.end)).collect();
        let lower = words.into_iter().map(|w| w.lower).collect();
        let sentences = sentences(text, &tokens);
        Text {
            text,
            tokens,
            chars,
            lower,
            sentences,
        }
    }

    /// Whether the phrase starts at token `i`.
    fn phrase_at(&self, i: usize, phrase: &[&str]) -> bool {
        phrase
            .iter()
            .enumerate()
            .all(|(k, w)| self.lower.get(i + k).is_some_and(|t| t == w))
    }

    fn span_text(&self, a: usize, b: usize) -> String {
        self.text[self.tokens[a].start..self.tokens[b].end].to_string()
    }

    /// The token that holds code point `cp`.
    fn token_at(&self, cp: usize) -> Option<usize> {
        let i = self.chars.partition_point(|&(_, e)| e <= cp);
        (i < self.chars.len() && self.chars[i].0 <= cp).then_some(i)
    }
}

/// How strongly a cue speaks: a source's own verdict (denied, confirmed,
/// declined) over a plan, a plan over a hedge ("denied reports of a
/// meeting" is a denial).
fn rank(s: Stance) -> u8 {
    match s {
        Stance::Denied | Stance::NotConfirmed | Stance::Declined | Stance::Confirmed => 2,
        Stance::Planned => 1,
        Stance::Alleged | Stance::Reported => 0,
    }
}

/// The strongest stance cue before the trigger at `t` in `range` (the
/// nearest of equals), or a denial after it: (stance, first and last token
/// of the cue).
fn stance(
    x: &Text<'_>,
    range: &std::ops::Range<usize>,
    t: usize,
) -> Option<(Stance, usize, usize)> {
    let lo = range.start.max(t.saturating_sub(CUE_REACH));
    let mut best: Option<(Stance, usize, usize)> = None;
    for i in lo..t {
        for (phrase, s) in CUES {
            if i + phrase.len() <= t && x.phrase_at(i, phrase) {
                // "confirmed" after "not" was read as "not confirmed".
                let negated = *s == Stance::Confirmed && i > 0 && x.lower[i - 1] == "not";
                if !negated && best.is_none_or(|(bs, _, _)| rank(*s) >= rank(bs)) {
                    best = Some((*s, i, i + phrase.len() - 1));
                }
                break;
            }
        }
    }
    let after = (t + 1..range.end.min(t + 1 + CUE_REACH)).find_map(|i| {
        DENIED_AFTER
            .iter()
            .find(|p| x.phrase_at(i, p))
            .map(|p| (Stance::Denied, i, i + p.len() - 1))
    });
    after.or(best)
}

/// The names within tokens `a..b` (by index), in text order.
fn names_in(x: &Text<'_>, names: &[Name<'_>], a: usize, b: usize) -> Vec<usize> {
    let (lo, hi) = (x.chars[a].0, x.chars[b.saturating_sub(1).max(a)].1);
    // Names come in text order (as the recogniser gives them): the range
    // is found by binary search.
    let first = names.partition_point(|n| n.start < lo);
    let last = names.partition_point(|n| n.start < hi);
    (first..last).filter(|&n| names[n].end <= hi).collect()
}

/// Finds the event mentions of `text`. `names` are the names found in it
/// (in text order),
/// `quotes` its quotations and reported speech (their speakers are the
/// sources of what they report), `times` its time expressions.
pub fn find(
    text: &str,
    names: &[Name<'_>],
    quotes: &[Quote],
    times: &[TimeExpression],
) -> Vec<EventMention> {
    let x = Text::new(text);
    let mut out: Vec<EventMention> = Vec::new();
    for (n, range) in x.sentences.iter().enumerate() {
        // One report per kind family in a sentence: "met … the meeting".
        let mut seen: Vec<Kind> = Vec::new();
        let has_trigger = range
            .clone()
            .any(|t| TRIGGERS.iter().any(|(w, _)| *w == x.lower[t]));
        for t in range.clone() {
            let word = x.lower[t].as_str();
            let next = x.lower.get(t + 1).map(String::as_str);
            let previous = t.checked_sub(1).map(|i| x.lower[i].as_str());
            let kind = match TRIGGERS.iter().find(|(w, _)| *w == word) {
                // A press conference is an outlet's occasion, not a
                // meeting between those it names.
                Some(_) if matches!(previous, Some("press" | "news")) => None,
                Some(&(_, kind)) => Some(kind),
                // "X called on Y": a visit.
                None if word == "called" && next == Some("on") => Some(Kind::Meet),
                // "was fired" from a post; "fired at" or "fired shots" in
                // an attack.
                None if word == "fired" => match (previous, next) {
                    (Some("was" | "were" | "been" | "being" | "got" | "be"), _) => {
                        Some(Kind::Leave)
                    }
                    (_, Some("at" | "on" | "into" | "shots" | "rockets" | "missiles")) => {
                        Some(Kind::Attack)
                    }
                    _ => None,
                },
                // "… denying such claims": the latest happening, again.
                None if !has_trigger && ANAPHORS.contains(&x.lower[t].as_str()) => out
                    .last()
                    .map(|e: &EventMention| e.kind)
                    .filter(|_| stance(&x, range, t).is_some_and(|(s, _, _)| rank(s) == 2)),
                None => None,
            };
            let Some(kind) = kind else {
                continue;
            };
            let (ts, te) = x.chars[t];
            // Words in quotation marks are the speaker's own, not a report.
            if quotes
                .iter()
                .any(|q| q.direct && q.start <= ts && te <= q.end)
            {
                continue;
            }
            // "If Pakistan wants to meet …" is no report of anything.
            if (range.start..t).any(|i| x.lower[i] == "if") {
                continue;
            }
            if seen.contains(&kind.family()) {
                continue;
            }
            let report = read(&x, names, quotes, times, n, t, kind);
            seen.push(report.kind.family());
            out.push(report);
        }
    }
    group(&mut out, names, text);
    out
}

/// The reports that the triggers at `triggers` (code-point spans, each
/// with the kind of happening it tells of, in text order) tell of, read
/// and grouped as [`find`] reads and groups its own: for triggers found
/// by other means (gold annotations), so they are scored on this crate's
/// reading. A span that meets no word gives no report.
pub fn read_at(
    text: &str,
    names: &[Name<'_>],
    quotes: &[Quote],
    times: &[TimeExpression],
    triggers: &[(usize, usize, Kind)],
) -> Vec<EventMention> {
    let x = Text::new(text);
    let mut out = Vec::new();
    for &(start, end, kind) in triggers {
        let Some(t) = x.token_at(start).filter(|&t| x.chars[t].0 < end) else {
            continue;
        };
        let Some(n) = x.sentences.iter().position(|r| r.contains(&t)) else {
            continue;
        };
        out.push(read(&x, names, quotes, times, n, t, kind));
    }
    group(&mut out, names, text);
    out
}

/// How far a sentence's dateline reaches (the dash that ends it), when it
/// opens with one: a place in capitals, perhaps a date and the outlet in
/// parentheses, then a dash, within its first words ("KABUL, Feb. 12
/// (Frontier Wire) —").
fn dateline_end(x: &Text<'_>, range: &std::ops::Range<usize>) -> Option<usize> {
    const REACH: usize = 14;
    let first = x.span_text(range.start, range.start);
    let capitals = first.chars().filter(|c| c.is_alphabetic()).count() > 1
        && first
            .chars()
            .all(|c| !c.is_alphabetic() || c.is_uppercase());
    if !capitals {
        return None;
    }
    (range.start + 1..range.end.min(range.start + REACH))
        .find(|&i| matches!(x.lower[i].as_str(), "—" | "–" | "--" | "-"))
}

/// The report of the happening that the trigger at token `t` of sentence
/// `n` tells of: its stance and cue, source, participants, place and times.
fn read(
    x: &Text<'_>,
    names: &[Name<'_>],
    quotes: &[Quote],
    times: &[TimeExpression],
    n: usize,
    t: usize,
    mut kind: Kind,
) -> EventMention {
    let range = &x.sentences[n];
    let (ts, te) = x.chars[t];
    let cue = stance(x, range, t);
    let (stance, cue_text, cue_start) = match cue {
        Some((s, a, b)) => (s, x.span_text(a, b), Some(a)),
        None => (Stance::Reported, String::new(), None),
    };
    if stance == Stance::Planned && kind == Kind::Meet {
        kind = Kind::PlanMeet;
    }
    // A plan's cue ("was scheduled to meet") follows its subject,
    // a participant; a verdict's ("Pashtoon denied reports of a
    // meeting") follows its source.
    let verdict = cue_start.filter(|_| stance != Stance::Planned);
    let source = source(x, names, quotes, range, ts, verdict);
    let in_sentence = names_in(x, names, range.start, range.end);
    let quoted_apart = |p: usize| {
        quotes.iter().any(|q| {
            q.direct
                && q.start <= names[p].start
                && names[p].end <= q.end
                && !(q.start <= ts && te <= q.end)
        })
    };
    // The place: "in" or "at" a place soon after the trigger, in
    // the same voice (not inside a quotation the trigger is not in).
    let place = in_sentence.iter().copied().find(|&p| {
        names[p].kind == "LOC"
            && !quoted_apart(p)
            && x.token_at(names[p].start).is_some_and(|i| {
                i > t && i <= t + PLACE_REACH && matches!(x.lower[i - 1].as_str(), "in" | "at")
            })
    });
    // A place in a place ("in Ankara, Türkiye"), or one that only
    // says where someone is ("leaders living in Turkey"), takes no
    // part.
    let placed = |p: usize| {
        names[p].kind == "LOC"
            && x.token_at(names[p].start).is_some_and(|i| {
                i > range.start
                    && (matches!(
                        x.lower[i - 1].as_str(),
                        "in" | "at" | "near" | "inside" | "outside"
                    ) || (x.lower[i - 1] == ","
                        && place.is_some_and(|pl| names[pl].end + 2 >= names[p].start)))
            })
    };
    // Those named after a verdict's cue (or all, with none), not
    // the source, not a place, not the dateline ("TEHRAN (Daily
    // Courier) —" says where the story was filed and by whom).
    let from = verdict
        .unwrap_or(range.start)
        .max(dateline_end(x, range).map_or(range.start, |d| d + 1));
    let participants: Vec<usize> = in_sentence
        .iter()
        .copied()
        .filter(|&p| {
            Some(p) != place
                && Source::Name(p) != source
                && names[p].kind != "MISC"
                && !placed(p)
                && x.token_at(names[p].start).is_some_and(|i| i >= from)
        })
        .collect();
    let (ss, se) = (x.chars[range.start].0, x.chars[range.end - 1].1);
    // The sentence's time expressions (they come in text order).
    let first = times.partition_point(|t| t.start < ss);
    let last = times.partition_point(|t| t.start < se);
    let here = || (first..last).filter(|&i| times[i].end <= se);
    let cue_at = cue_start.map_or(ts, |c| x.chars[c].0);
    let claimed = here()
        .rfind(|&i| times[i].end <= cue_at)
        .filter(|_| cue_start.is_some());
    let time = here()
        .find(|&i| times[i].start >= te)
        .or_else(|| here().rfind(|&i| Some(i) != claimed));
    EventMention {
        start: ts,
        end: te,
        trigger: x.span_text(t, t),
        kind,
        participants,
        place,
        time,
        claimed,
        stance,
        cue: cue_text,
        source,
        sentence: n,
        group: 0,
    }
}

/// Who asserts the report at code point `ts` in sentence `range`.
fn source(
    x: &Text<'_>,
    names: &[Name<'_>],
    quotes: &[Quote],
    range: &std::ops::Range<usize>,
    ts: usize,
    cue: Option<usize>,
) -> Source {
    if let Some(q) = quotes.iter().find(|q| q.start <= ts && ts < q.end) {
        return match q.speaker {
            Speaker::Name(i) => Source::Name(i),
            Speaker::Anonymous => Source::Anonymous,
            Speaker::Unknown => Source::Outlet,
        };
    }
    let words = &x.lower[range.clone()];
    if words.iter().any(|w| w == "sources" || w == "source") {
        return Source::Anonymous;
    }
    if let Some(a) = (range.start..range.end.saturating_sub(1))
        .find(|&i| x.lower[i] == "according" && x.lower[i + 1] == "to")
        && let Some(&n) = names_in(x, names, a + 2, range.end).first()
    {
        return Source::Name(n);
    }
    // The subject of the stance cue: the first person or organisation
    // named before it in the sentence ("Pashtoon … has denied reports").
    if let Some(c) = cue {
        let before = names_in(x, names, range.start, c);
        let first = |kind: &str| before.iter().copied().find(|&n| names[n].kind == kind);
        if let Some(n) = first("PER").or_else(|| first("ORG")) {
            return Source::Name(n);
        }
        // "He also confirmed …": the person named last before.
        if matches!(x.lower[range.start].as_str(), "he" | "she") {
            let start = x.chars[range.start].0;
            if let Some(n) = (0..names.len())
                .filter(|&n| names[n].kind == "PER" && names[n].end <= start)
                .max_by_key(|&n| names[n].end)
            {
                return Source::Name(n);
            }
        }
    }
    Source::Outlet
}

/// Groups the reports of one happening: a report joins the latest earlier
/// group of its kind family that shares a participant or the place (by
/// name, case-folded), that it refers back to ("the reported meeting",
/// "such claims"), or when either names no participant or place (a vague
/// report cannot be told from the one before).
fn group(out: &mut [EventMention], names: &[Name<'_>], text: &str) {
    let chars: Vec<char> = text.chars().collect();
    let word = |n: usize| -> String {
        chars[names[n].start.min(chars.len())..names[n].end.min(chars.len())]
            .iter()
            .collect::<String>()
            .to_lowercase()
    };
    let mut groups = 0;
    for i in 0..out.len() {
        let mine: Vec<String> = out[i]
            .participants
            .iter()
            .chain(out[i].place.iter())
            .map(|&n| word(n))
            .collect();
        // A determiner among the three words before the trigger ("the
        // reported meeting", "such claims") refers back.
        let before: String = chars[..out[i].start.min(chars.len())]
            .iter()
            .rev()
            .take(40)
            .collect::<String>()
            .chars()
            .rev()
            .collect::<String>()
            .to_lowercase();
        let refers = before
            .split_whitespace()
            .rev()
            .take(3)
            .any(|w| matches!(w, "the" | "this" | "such" | "that" | "these" | "those"));
        let vague = |e: &EventMention| e.participants.is_empty() && e.place.is_none();
        let joined = (0..i).rev().find(|&j| {
            out[j].kind.family() == out[i].kind.family()
                && (refers
                    || vague(&out[i])
                    || vague(&out[j])
                    || out[j]
                        .participants
                        .iter()
                        .chain(out[j].place.iter())
                        .any(|&n| mine.contains(&word(n))))
        });
        out[i].group = match joined {
            Some(j) => out[j].group,
            None => {
                groups += 1;
                groups - 1
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names at the first occurrence of each (text, kind).
    fn names<'a>(text: &str, found: &[(&str, &'a str)]) -> Vec<Name<'a>> {
        found
            .iter()
            .map(|(n, kind)| {
                let byte = text.find(n).expect("name in text");
                let start = text[..byte].chars().count();
                Name {
                    start,
                    end: start + n.chars().count(),
                    kind,
                    cues: &[],
                }
            })
            .collect()
    }

    fn events(text: &str, found: &[(&str, &str)]) -> Vec<EventMention> {
        let names = names(text, found);
        let quotes = mediamon_quotes::find(text, &names);
        let published = chrono::NaiveDate::from_ymd_opt(2025, 2, 3);
        let times = mediamon_timex::find(text, published);
        find(text, &names, &quotes, &times)
    }

    #[test]
    fn a_denial_names_its_source_and_the_meeting_its_participants() {
        let text = "Hamid Noori, spokesman for the Northern Council, denied reports of a meeting \
                    between the council and Pakistani intelligence officials in Istanbul.";
        let found = [
            ("Hamid Noori", "PER"),
            ("Northern Council", "ORG"),
            ("Pakistani", "MISC"),
            ("Istanbul", "LOC"),
        ];
        let e = events(text, &found);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].kind, e[0].stance), (Kind::Meet, Stance::Denied));
        assert_eq!(e[0].cue, "denied");
        assert_eq!(e[0].source, Source::Name(0));
        assert_eq!(e[0].place, Some(3));
        assert!(!e[0].participants.contains(&0), "{e:?}");
    }

    #[test]
    fn a_dateline_takes_no_part() {
        let text = "KABUL, Feb. 2 (Frontier Wire) — Farid Qasemi met Hamid Noori on Sunday.";
        let found = [
            ("KABUL", "LOC"),
            ("Frontier Wire", "ORG"),
            ("Farid Qasemi", "PER"),
            ("Hamid Noori", "PER"),
        ];
        let e = events(text, &found);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].participants, vec![2, 3], "{e:?}");
        // A sentence that opens with a name in capitals and no dash is no
        // dateline.
        let text = "NATO met Hamid Noori on Sunday.";
        let e = events(text, &[("NATO", "ORG"), ("Hamid Noori", "PER")]);
        assert_eq!(e[0].participants, vec![0, 1], "{e:?}");
    }

    #[test]
    fn hedges_and_negations_are_read() {
        let stance_of = |text: &str| events(text, &[]).first().map(|e| e.stance);
        assert_eq!(
            stance_of("The front has not confirmed the meeting."),
            Some(Stance::NotConfirmed)
        );
        assert_eq!(
            stance_of("A delegation was scheduled to meet the exiled leaders."),
            Some(Stance::Planned)
        );
        assert_eq!(
            stance_of("He said no such meeting had taken place."),
            Some(Stance::Denied)
        );
        assert_eq!(
            stance_of("Officials said the meeting did not take place at all."),
            Some(Stance::Denied)
        );
        assert_eq!(
            stance_of("The ministry confirmed the visit on Monday."),
            Some(Stance::Confirmed)
        );
        assert_eq!(
            stance_of("The embassy declined to comment on the reported talks."),
            Some(Stance::Declined)
        );
        assert_eq!(
            stance_of("The two sides met in Herat on Monday."),
            Some(Stance::Reported)
        );
        // A condition reports nothing.
        assert_eq!(stance_of("If they want to meet us, we are ready."), None);
    }

    #[test]
    fn planned_meetings_are_their_own_kind_and_the_time_is_when_it_happened() {
        let text = "Farid Qasemi told reporters on Monday that his envoys had talks with the \
                    governor over the weekend in Herat.";
        let e = events(text, &[("Farid Qasemi", "PER"), ("Herat", "LOC")]);
        assert_eq!(e[0].kind, Kind::Meet);
        let times = mediamon_timex::find(text, chrono::NaiveDate::from_ymd_opt(2025, 2, 3));
        let when = e[0].time.map(|i| times[i].text.clone());
        assert_eq!(when.as_deref(), Some("over the weekend"), "{times:?}");
        assert_eq!(e[0].source, Source::Name(0), "reported speech: {e:?}");
        let e = events(
            "A delegation was expected to meet Farid Qasemi in Doha.",
            &[("Farid Qasemi", "PER"), ("Doha", "LOC")],
        );
        assert_eq!(e[0].kind, Kind::PlanMeet);
    }

    #[test]
    fn deaths_posts_and_courts_are_happenings_too() {
        let kinds =
            |text: &str| -> Vec<Kind> { events(text, &[]).iter().map(|e| e.kind).collect() };
        assert_eq!(
            kinds("Two guards were killed and three wounded."),
            [Kind::Die, Kind::Injure]
        );
        assert_eq!(kinds("The coach was fired on Monday."), [Kind::Leave]);
        assert_eq!(kinds("Gunmen fired at the convoy."), [Kind::Attack]);
        // Fired a statement, a warning: neither.
        assert_eq!(kinds("The ministry fired off a statement."), []);
        assert_eq!(
            kinds("He was charged and later convicted."),
            [Kind::Charge, Kind::Convict]
        );
        assert_eq!(
            kinds("She was appointed envoy after he resigned."),
            [Kind::Appoint, Kind::Leave]
        );
        // A denial's cue is no departure.
        assert_eq!(kinds("The office dismissed the reports."), []);
        for k in Kind::ALL {
            assert_eq!(Kind::from_code(k.code()), Some(k));
        }
    }

    #[test]
    fn sources_and_the_outlet_are_sources_too() {
        let e = events("Sources said the envoy met the governor in Herat.", &[]);
        assert_eq!(e[0].source, Source::Anonymous);
        let e = events("The envoy met the governor in Herat on Sunday.", &[]);
        assert_eq!(e[0].source, Source::Outlet);
    }

    #[test]
    fn reports_of_one_meeting_share_a_group() {
        let text = "Farid Qasemi met Hamid Noori in Herat on Sunday. \
                    Noori's office later denied that the meeting took place. \
                    Separately, police arrested two men in Kandahar.";
        let found = [
            ("Farid Qasemi", "PER"),
            ("Hamid Noori", "PER"),
            ("Herat", "LOC"),
            ("Noori", "PER"),
            ("Kandahar", "LOC"),
        ];
        let e = events(text, &found);
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(e[0].group, e[1].group);
        assert_eq!(e[1].stance, Stance::Denied);
        assert_ne!(e[2].group, e[0].group);
        assert_eq!(e[2].kind, Kind::Arrest);
    }

    #[test]
    fn quoted_words_are_not_reports() {
        let text = "\u{201C}We never met them, not once,\u{201D} Hamid Noori said.";
        assert!(events(text, &[("Hamid Noori", "PER")]).is_empty());
    }

    #[test]
    fn a_verdict_on_such_claims_is_a_report_of_the_latest_happening() {
        let text = "Officials were said to have met the exiled leaders in Ankara. \
                    On Saturday, February 1, the leaders issued a statement categorically \
                    denying such claims.";
        let e = events(text, &[("Ankara", "LOC")]);
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!((e[1].kind, e[1].stance), (Kind::Meet, Stance::Denied));
        assert_eq!(e[1].group, e[0].group);
        let times = mediamon_timex::find(text, chrono::NaiveDate::from_ymd_opt(2025, 2, 3));
        let claimed = e[1].claimed.map(|i| times[i].first.to_string());
        assert_eq!(claimed.as_deref(), Some("2025-02-01"));
        assert_eq!(e[1].time, None, "when it happened is not said there");
    }
}
