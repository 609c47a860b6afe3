//! Who said what in a news story: direct quotations (straight and curly
//! marks, a quote split around "he said", several sentences in one quote)
//! and reported speech with a named source ("X said that …", "according to
//! X, …"), each with its speaker and reporting verb.
//!
//! The speaker is one of the names the recogniser found (the caller passes
//! them with their cue words): the name next to the reporting verb; for
//! "he" or "she" the nearest person named before; for a title phrase ("the
//! spokesman said") the person the article names with that title; for a
//! quote that continues the one before without an attribution of its own,
//! that quote's speaker. "Sources" are anonymous, never a name.
//!
//! Invariants: pure; offsets are code points (as the recogniser's); work is
//! linear in the text (every search looks a bounded number of tokens away).

use mediamon_nlp::{Token, sentences, words};

/// A name found in the text, as the recogniser gives it.
#[derive(Debug, Clone, Copy)]
pub struct Name<'a> {
    /// Code-point offsets.
    pub start: usize,
    pub end: usize,
    /// "PER", "ORG", "LOC" or "MISC".
    pub kind: &'a str,
    /// The title and role words before it ("spokesman", "acting foreign
    /// minister").
    pub cues: &'a [String],
}

/// Who a quote is attributed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// One of the names given, by index.
    Name(usize),
    /// Unnamed sources ("sources said", "a source close to …").
    Anonymous,
    /// No speaker could be told.
    Unknown,
}

/// A quotation or a piece of reported speech.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Code-point offsets of the words quoted (marks excluded) or of the
    /// reported clause.
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub speaker: Speaker,
    /// The words that name the speaker where the quote is attributed ("he",
    /// "the spokesman", "Nazary"); empty when it continues a quote.
    pub speaker_text: String,
    /// The reporting verb as written ("said", "told"); empty when none.
    pub verb: String,
    /// A quotation in marks (else reported speech).
    pub direct: bool,
}

/// Verbs that report speech.
const VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "stressed",
    "stresses",
    "asserted",
    "asserting",
    "insisted",
    "insists",
    "noted",
    "notes",
    "warned",
    "warns",
    "explained",
    "wrote",
    "writes",
    "declared",
    "stated",
    "states",
    "claimed",
    "claims",
    "argued",
    "replied",
    "responded",
    "continued",
    "concluded",
    "announced",
    "remarked",
    "emphasised",
    "emphasized",
    "affirmed",
    "assured",
    "urged",
    "acknowledged",
    "admitted",
    "confirmed",
    "denied",
    "recalled",
    "tweeted",
    "posted",
    "saying",
    "adding",
    "stressing",
    "insisting",
    "warning",
    "telling",
    "claiming",
    "noting",
    "clarified",
    "revealed",
    "described",
    "called",
];

/// Verbs after which a "that" clause is reported speech.
const CLAUSE_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "claimed",
    "claims",
    "stated",
    "insisted",
    "noted",
    "warned",
    "announced",
    "confirmed",
    "stressed",
    "argued",
    "acknowledged",
    "admitted",
    "asserted",
    "explained",
    "clarified",
    "revealed",
];

/// Words that may stand between a speaker's name and the reporting verb
/// ("Pakistan has stated", "Nazary later said").
const BETWEEN: &[&str] = &[
    "has",
    "had",
    "have",
    "also",
    "later",
    "then",
    "again",
    "further",
    "previously",
    "earlier",
    "repeatedly",
    "once",
    "reportedly",
    "had",
    "would",
    "will",
    "on",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words that make a speaker anonymous.
const ANONYMOUS: &[&str] = &["sources", "source", "officials", "diplomats", "insiders"];

/// Quotes shorter than this many words, with no reporting verb, are scare
/// quotes ("a “brief encounter”"), not speech.
const MIN_WORDS: usize = 4;

/// How far from a quote mark an attribution is looked for, in tokens.
const REACH: usize = 12;

fn is_open(t: &str) -> bool {
    matches!(t, "\u{201C}" | "\u{00AB}" | "\u{201E}")
}

fn is_close(t: &str) -> bool {
    matches!(t, "\u{201D}" | "\u{00BB}")
}

fn is_mark(t: &str) -> bool {
    t == "\"" || is_open(t) || is_close(t)
}

fn is_word(t: &str) -> bool {
    t.chars().next().is_some_and(char::is_alphanumeric)
}

/// The text's tokens with their code-point offsets.
struct Tokens<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    /// Code-point (start, end) of each token.
    chars: Vec<(usize, usize)>,
    /// Sentence index of each token.
    sentence: Vec<usize>,
}

impl<'a> Tokens<'a> {
    fn new(text: &'a str) -> Self {
        let words = words(text);
        let tokens: Vec<Token> = words.iter().map(|w| w.token).collect();
        let chars = words.iter().map(|w| (w.start, w.end)).collect();
        let mut sentence = vec![0; tokens.len()];
        for (n, range) in sentences(text, &tokens).into_iter().enumerate() {
            for s in &mut sentence[range] {
                *s = n;
            }
        }
        Tokens {
            text,
            tokens,
            chars,
            sentence,
        }
    }

    fn get(&self, i: usize) -> &'a str {
        self.tokens[i].text(self.text)
    }

    fn lower(&self, i: usize) -> String {
        self.get(i).to_lowercase()
    }

    fn len(&self) -> usize {
        self.tokens.len()
    }

    /// The text from token `a` to token `b` inclusive, with code points.
    fn span(&self, a: usize, b: usize) -> (usize, usize, String) {
        let text = self.text[self.tokens[a].start..self.tokens[b].end].to_string();
        (self.chars[a].0, self.chars[b].1, text)
    }
}

/// The quote spans: (opening mark, closing mark) token indices. Straight
/// marks alternate; a paragraph break closes nothing, so an unclosed quote
/// is dropped.
fn spans(t: &Tokens<'_>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for i in 0..t.len() {
        if t.tokens[i].after_newline {
            open = None;
        }
        let s = t.get(i);
        if !is_mark(s) {
            continue;
        }
        match open {
            None if !is_close(s) => open = Some(i),
            Some(o) if !is_open(s) => {
                if i > o + 1 {
                    out.push((o, i));
                }
                open = None;
            }
            // A second opening mark: the first was stray.
            Some(_) => open = Some(i),
            None => {}
        }
    }
    out
}

/// The speaker a subject phrase (tokens `a..=b`) names.
struct Resolver<'n, 'a> {
    names: &'n [Name<'a>],
    /// The token range each name covers, when it lines up with tokens.
    name_tokens: Vec<Option<(usize, usize)>>,
    /// Tokens inside quotes: a name there is quoted, not a speaker.
    quoted: Vec<bool>,
    /// The name each token belongs to.
    token_name: Vec<Option<usize>>,
}

impl Resolver<'_, '_> {
    fn name_at(&self, i: usize) -> Option<usize> {
        self.token_name.get(i).copied().flatten()
    }

    /// The nearest name of `kind` that ends before token `i`, outside quotes.
    fn before(&self, i: usize, kind: &str) -> Option<usize> {
        self.name_tokens
            .iter()
            .enumerate()
            .filter(|(n, r)| {
                self.names[*n].kind == kind && r.is_some_and(|(a, b)| b < i && !self.quoted[a])
            })
            .max_by_key(|(_, r)| r.map(|(_, b)| b))
            .map(|(n, _)| n)
    }

    /// The person named with the title `word` (its cue words), nearest
    /// before token `i`, else the first after it.
    fn titled(&self, word: &str, i: usize) -> Option<usize> {
        let has = |n: &Name<'_>| {
            n.kind == "PER"
                && n.cues
                    .iter()
                    .any(|c| c.to_lowercase().split_whitespace().any(|w| w == word))
        };
        let with: Vec<(usize, usize)> = self
            .name_tokens
            .iter()
            .enumerate()
            .filter_map(|(n, r)| r.map(|(a, _)| (n, a)).filter(|_| has(&self.names[n])))
            .collect();
        with.iter()
            .filter(|(_, a)| *a < i)
            .max_by_key(|(_, a)| *a)
            .or_else(|| with.iter().min_by_key(|(_, a)| *a))
            .map(|(n, _)| *n)
    }

    /// Who the words `a..=b` (the subject of a reporting verb) mean.
    fn speaker(&self, t: &Tokens<'_>, a: usize, b: usize) -> Speaker {
        // A name that ends the phrase, or is followed only by an auxiliary
        // or adverb: not a name inside a longer phrase ("Kabul and", "the
        // two Tajik leaders").
        let mut i = b;
        loop {
            if let Some(n) = self.name_at(i) {
                if self.names[n].kind != "MISC" {
                    return Speaker::Name(n);
                }
                break;
            }
            if i == a || !BETWEEN.contains(&t.lower(i).as_str()) {
                break;
            }
            i -= 1;
        }
        let words: Vec<String> = (a..=b).map(|i| t.lower(i)).collect();
        if words.iter().any(|w| ANONYMOUS.contains(&w.as_str())) {
            return Speaker::Anonymous;
        }
        match words.last().map(String::as_str) {
            Some("he" | "she") => self
                .before(a, "PER")
                .map_or(Speaker::Unknown, Speaker::Name),
            Some("it" | "they") => self
                .before(a, "ORG")
                .map_or(Speaker::Unknown, Speaker::Name),
            Some(head) if words.len() > 1 => {
                self.titled(head, a).map_or(Speaker::Unknown, Speaker::Name)
            }
            _ => Speaker::Unknown,
        }
    }
}

/// The subject next to the verb at `v`, searched between `lo` and `hi`
/// (inclusive): a name or pronoun right after the verb ("said Nazary"), or
/// the phrase right before it ("he said", "the spokesman said").
fn subject(
    t: &Tokens<'_>,
    r: &Resolver<'_, '_>,
    v: usize,
    lo: usize,
    hi: usize,
) -> Option<(usize, usize)> {
    let stop = |i: usize| !is_word(t.get(i)) || VERBS.contains(&t.lower(i).as_str());
    // After the verb ("said Nazary", "said the spokesman"), unless words
    // stand before it ("…,” Muttaqi assured the leaders).
    let before = v > lo && is_word(t.get(v - 1));
    if !before && v < hi && is_word(t.get(v + 1)) {
        let mut e = v + 1;
        while e < hi && !stop(e + 1) && e - v < 5 {
            e += 1;
        }
        if r.name_at(v + 1).is_some()
            || matches!(t.lower(v + 1).as_str(), "he" | "she" | "the" | "a" | "an")
        {
            return Some((v + 1, e));
        }
    }
    // Before it: up to five words back, not across punctuation.
    if before {
        let mut s = v - 1;
        while s > lo && !stop(s - 1) && v - s < 6 {
            s -= 1;
        }
        return Some((s, v - 1));
    }
    None
}

/// The subject of the sentence a verb at `v` belongs to, when the verb has
/// none next to it ("Pashtoon dismissed the claims, asserting: …"; "Muttaqi
/// met them and assured that …"): the sentence's first person named before
/// the verb, else its first organisation, outside quotes.
fn sentence_subject(t: &Tokens<'_>, r: &Resolver<'_, '_>, v: usize) -> Option<Speaker> {
    let first = (0..v)
        .rev()
        .take_while(|&i| t.sentence[i] == t.sentence[v])
        .last()?;
    let named = |kind: &str| {
        r.name_tokens
            .iter()
            .enumerate()
            .filter(|(n, span)| {
                r.names[*n].kind == kind
                    && span.is_some_and(|(a, b)| a >= first && b < v && !r.quoted[a])
            })
            .min_by_key(|(_, span)| span.map(|(a, _)| a))
            .map(|(n, _)| Speaker::Name(n))
    };
    named("PER").or_else(|| named("ORG")).or_else(|| {
        matches!(t.lower(first).as_str(), "he" | "she")
            .then(|| r.speaker(t, first, first))
            .filter(|s| *s != Speaker::Unknown)
    })
}

fn is_verb(t: &Tokens<'_>, i: usize) -> bool {
    VERBS.contains(&t.lower(i).as_str())
}

/// Finds the quotations and reported speech in `text`; `names` are the
/// names found in it (code-point offsets).
pub fn find(text: &str, names: &[Name<'_>]) -> Vec<Quote> {
    let t = Tokens::new(text);
    let spans = spans(&t);
    let mut quoted = vec![false; t.len()];
    for &(o, c) in &spans {
        for q in &mut quoted[o..=c] {
            *q = true;
        }
    }
    let name_tokens: Vec<Option<(usize, usize)>> = names
        .iter()
        .map(|n| {
            // Tokens are in text order: found by binary search.
            let a = t.chars.partition_point(|&(_, e)| e <= n.start);
            let b = t.chars.partition_point(|&(s, _)| s < n.end);
            (a < b && t.chars[a].0 <= n.start).then(|| (a, b - 1))
        })
        .collect();
    let mut token_name = vec![None; t.len()];
    for (n, span) in name_tokens.iter().enumerate() {
        if let Some((a, b)) = *span {
            for slot in &mut token_name[a..=b] {
                slot.get_or_insert(n);
            }
        }
    }
    let r = Resolver {
        names,
        name_tokens,
        quoted,
        token_name,
    };
    let mut out: Vec<(usize, Quote)> = Vec::new();
    // The last attributed quote: (closing mark, speaker).
    let mut last: Option<(usize, Speaker)> = None;
    for &(o, c) in &spans {
        let words = (o + 1..c).filter(|&i| is_word(t.get(i))).count();
        let mut found: Option<(usize, (usize, usize))> = None;
        // After the closing mark: "…,” he said." / "…," said Nazary.
        let after_end = (c + 1..t.len().min(c + 1 + REACH))
            .take_while(|&i| t.sentence[i] == t.sentence[c] && !is_mark(t.get(i)))
            .last();
        if let Some(end) = after_end
            && let Some(v) = (c + 1..=end).find(|&i| is_verb(&t, i))
        {
            // Only a comma, or the subject, between the quote and the verb.
            let gap_ok = (c + 1..v).all(|i| is_word(t.get(i)) || t.get(i) == ",");
            if gap_ok && let Some(s) = subject(&t, &r, v, c + 1, end) {
                found = Some((v, s));
            }
        }
        // Before the opening mark: "He stressed: “…", "Nazary said, "…", or
        // a quote inside reported speech ("Nazary said that Khan was
        // “affiliated with …”").
        let mut embedded: Option<(usize, Speaker)> = None;
        if found.is_none() && o > 0 {
            let lo = o.saturating_sub(3 * REACH);
            let verb = (lo..o)
                .rev()
                .take_while(|&i| t.sentence[i] == t.sentence[o] && !is_mark(t.get(i)))
                .find(|&i| is_verb(&t, i));
            if let Some(v) = verb {
                match subject(&t, &r, v, lo, o - 1) {
                    Some(s) => found = Some((v, s)),
                    None => embedded = sentence_subject(&t, &r, v).map(|s| (v, s)),
                }
            }
        }
        let (speaker, speaker_text, verb) = match (found, embedded) {
            (Some((v, (a, b))), _) => match r.speaker(&t, a, b) {
                Speaker::Unknown => (
                    sentence_subject(&t, &r, v).unwrap_or(Speaker::Unknown),
                    String::new(),
                    t.get(v).to_string(),
                ),
                s => (s, t.span(a, b).2, t.get(v).to_string()),
            },
            (None, Some((v, s))) => (s, String::new(), t.get(v).to_string()),
            (None, None) => match last {
                // Continues the quote before it (same or next sentence).
                Some((prev, s)) if t.sentence[o] <= t.sentence[prev] + 1 => {
                    (s, String::new(), String::new())
                }
                _ => (Speaker::Unknown, String::new(), String::new()),
            },
        };
        // Scare quotes and quoted titles are not speech: a few words not
        // attributed by name or pronoun right beside them ("a “brief
        // encounter”"), or words all capitalised ("Towards Unity and
        // Trust") that nothing attributes.
        let titled = (o + 1..c)
            .filter(|&i| is_word(t.get(i)) && t.get(i).chars().count() > 3)
            .all(|i| t.get(i).chars().next().is_some_and(char::is_uppercase));
        let attributed = !speaker_text.is_empty() && matches!(speaker, Speaker::Name(_));
        if (words < MIN_WORDS && !attributed) || (titled && verb.is_empty()) {
            continue;
        }
        if speaker != Speaker::Unknown {
            last = Some((c, speaker));
        }
        let (start, end, text) = t.span(o + 1, c - 1);
        out.push((
            o,
            Quote {
                start,
                end,
                text: trim_punct(text),
                speaker,
                speaker_text,
                verb,
                direct: true,
            },
        ));
    }
    out.extend(reported(&t, &r));
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, q)| q).collect()
}

/// A quote's words without the comma or period that closes it inside the
/// marks.
fn trim_punct(mut s: String) -> String {
    while s.ends_with([',', '.']) && !s.ends_with("..") {
        s.pop();
    }
    s.trim_end().to_string()
}

/// Reported speech outside quotes: "X said (that) …", "X told reporters
/// (that) …", "according to X, …"; only with a named or titled source.
fn reported(t: &Tokens<'_>, r: &Resolver<'_, '_>) -> Vec<(usize, Quote)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let sentence = t.sentence[i];
        let end = (i..t.len())
            .take_while(|&j| t.sentence[j] == sentence)
            .last()
            .unwrap_or(i);
        if (i..=end).any(|j| r.quoted[j] || is_mark(t.get(j))) {
            i = end + 1;
            continue;
        }
        let verb = (i..=end).find(|&j| CLAUSE_VERBS.contains(&t.lower(j).as_str()));
        let according = (i..end).find(|&j| t.lower(j) == "according" && t.lower(j + 1) == "to");
        let hit = if let Some(v) = verb {
            // The clause: after "that", or right after "said" / "told X".
            let that = (v + 1..=end.min(v + 8)).find(|&j| t.lower(j) == "that");
            let from = match (t.lower(v).as_str(), that) {
                (_, Some(th)) => Some(th + 1),
                ("said" | "says" | "added", None) if v < end && is_word(t.get(v + 1)) => {
                    Some(v + 1)
                }
                _ => None,
            };
            subject(t, r, v, i, v)
                .zip(from)
                .map(|(s, f)| (v, s, f, end))
        } else if let Some(a) = according {
            // "according to X, …" or "…, according to X."
            let name_end = (a + 2..=end).take_while(|&j| is_word(t.get(j))).last();
            name_end.and_then(|ne| {
                if a == i && ne < end && t.get(ne + 1) == "," {
                    Some((a, (a + 2, ne), ne + 2, end))
                } else if a > i + 1 && t.get(a - 1) == "," {
                    Some((a, (a + 2, ne), i, a - 2))
                } else {
                    None
                }
            })
        } else {
            None
        };
        if let Some((v, (sa, sb), from, to)) = hit {
            let speaker = r.speaker(t, sa, sb);
            // Trailing sentence punctuation is not the clause.
            let to = (from..=to).rev().find(|&j| is_word(t.get(j))).unwrap_or(to);
            if matches!(speaker, Speaker::Name(_)) && from <= to {
                let (start, stop, text) = t.span(from, to);
                out.push((
                    from,
                    Quote {
                        start,
                        end: stop,
                        text,
                        speaker,
                        speaker_text: t.span(sa, sb).2,
                        verb: t.get(v).to_string(),
                        direct: false,
                    },
                ));
            }
        }
        i = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names at the first occurrence of each (text, kind, cues).
    fn names<'a>(text: &str, found: &'a [(&str, &'a str, Vec<String>)]) -> Vec<Name<'a>> {
        found
            .iter()
            .map(|(n, kind, cues)| {
                let byte = text.find(n).expect("name in text");
                let start = text[..byte].chars().count();
                Name {
                    start,
                    end: start + n.chars().count(),
                    kind,
                    cues,
                }
            })
            .collect()
    }

    fn one(
        text: &str,
        found: &[(&str, &str, Vec<String>)],
    ) -> Vec<(String, Speaker, String, bool)> {
        find(text, &names(text, found))
            .into_iter()
            .map(|q| (q.text, q.speaker, q.verb, q.direct))
            .collect()
    }

    fn per(n: &str) -> (&str, &'static str, Vec<String>) {
        (n, "PER", Vec::new())
    }

    #[test]
    fn a_quote_and_its_speaker_after_it() {
        let text = "“There were no talks of any kind in Doha,” Farid Qasemi said on Monday.";
        assert_eq!(
            one(text, &[per("Farid Qasemi")]),
            [(
                "There were no talks of any kind in Doha".to_string(),
                Speaker::Name(0),
                "said".to_string(),
                true
            )]
        );
        // Verb first, straight marks.
        let text = "\"We will answer every attack,\" said Farid Qasemi.";
        assert_eq!(one(text, &[per("Farid Qasemi")])[0].1, Speaker::Name(0));
    }

    #[test]
    fn a_pronoun_is_the_person_named_before() {
        let text = "Farid Qasemi met the envoy in Herat. Later Hamid Noori arrived. \
                    “The border stays open to traders,” he said.";
        let q = one(text, &[per("Farid Qasemi"), per("Hamid Noori")]);
        assert_eq!(q[0].1, Speaker::Name(1), "{q:?}");
    }

    #[test]
    fn a_colon_before_the_quote_names_the_speaker() {
        let text = "Hamid Noori stressed: “We did not ask for this meeting. They asked us.”";
        let q = one(text, &[per("Hamid Noori")]);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].0, "We did not ask for this meeting. They asked us");
        assert_eq!((q[0].1, q[0].2.as_str()), (Speaker::Name(0), "stressed"));
    }

    #[test]
    fn a_split_quote_keeps_its_speaker() {
        let text =
            "“We were never in Istanbul,” Hamid Noori said. “Not this month, not last month.”";
        let q = one(text, &[per("Hamid Noori")]);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[1].1, Speaker::Name(0));
        assert_eq!(q[1].2, "", "a continuation has no verb of its own");
    }

    #[test]
    fn a_title_phrase_is_the_person_named_with_that_title() {
        let text = "Spokesman Karim Sahel spoke in Kabul on Sunday. Traders were waiting. \
                    “The crossing will reopen within days,” the spokesman said.";
        let found = [("Karim Sahel", "PER", vec!["Spokesman".to_string()])];
        assert_eq!(one(text, &found)[0].1, Speaker::Name(0));
    }

    #[test]
    fn sources_are_anonymous_and_scare_quotes_are_not_speech() {
        let text = "“The delegation left before dawn,” sources said. \
                    He called the meeting a “brief encounter”.";
        let q = one(text, &[]);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1, Speaker::Anonymous);
    }

    #[test]
    fn reported_speech_with_a_named_source() {
        let text = "Hamid Noori said that the council had not met any foreign delegation. \
                    Sources said the talks would resume.";
        let q = one(text, &[per("Hamid Noori")]);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(
            q[0],
            (
                "the council had not met any foreign delegation".to_string(),
                Speaker::Name(0),
                "said".to_string(),
                false
            )
        );
        let text = "According to Hamid Noori, the envoy left Kabul on Friday.";
        let q = one(text, &[per("Hamid Noori")]);
        assert_eq!(q[0].0, "the envoy left Kabul on Friday", "{q:?}");
    }

    #[test]
    fn offsets_are_code_points() {
        let text = "In Türkiye, “the talks went well for both sides,” said Hamid Noori.";
        let found = [per("Hamid Noori")];
        let q = &find(text, &names(text, &found))[0];
        let chars: Vec<char> = text.chars().collect();
        let quoted: String = chars[q.start..q.end].iter().collect();
        assert_eq!(quoted, "the talks went well for both sides,");
        assert_eq!(q.text, "the talks went well for both sides");
    }

    #[test]
    fn an_organisation_speaks_too() {
        let text = "The National Resistance Front said it had not confirmed the meeting.";
        let q = one(text, &[("National Resistance Front", "ORG", Vec::new())]);
        assert_eq!(q[0].1, Speaker::Name(0), "{q:?}");
        assert_eq!(q[0].0, "it had not confirmed the meeting");
    }

    #[test]
    fn a_quote_inside_reported_speech_is_the_subjects() {
        let text = "Hamid Noori said the envoy from Kabul was \u{201C}welcome to come back at any time\u{201D} next month.";
        let q = one(text, &[per("Hamid Noori")]);
        assert_eq!(q[0].1, Speaker::Name(0), "{q:?}");
        // A participle takes the sentence's subject.
        let text = "Hamid Noori rejected the report, asserting: \u{201C}No delegation came to us at all.\u{201D}";
        let q = one(text, &[per("Hamid Noori")]);
        assert_eq!(q[0].1, Speaker::Name(0), "{q:?}");
        // Two verbs joined: the first person named is the subject.
        let text = "Karim Sahel met Farid Qasemi in Herat and assured that \u{201C}the border will stay open to all\u{201D}.";
        let q = one(text, &[per("Karim Sahel"), per("Farid Qasemi")]);
        assert_eq!(q[0].1, Speaker::Name(0), "{q:?}");
    }

    #[test]
    fn the_words_before_the_verb_are_its_subject() {
        let text = "\u{201C}Nobody will be harmed,\u{201D} Karim Sahel assured the two elders.";
        let q = one(text, &[per("Karim Sahel")]);
        assert_eq!(q[0].1, Speaker::Name(0), "{q:?}");
        // A place in a longer phrase is not the subject.
        let text = "The army took Kabul and announced that the roads would stay closed.";
        assert!(one(text, &[("Kabul", "LOC", Vec::new())]).is_empty());
    }

    #[test]
    fn a_quoted_title_is_not_speech() {
        let text = "The conference, \u{201C}Regional Dialogue Towards Lasting Trust\u{201D}, opened on Monday.";
        assert!(one(text, &[]).is_empty());
    }
}
