//! The vocabulary of amounts: number words, multipliers, approximation
//! cues, units, and the words that end the noun a number counts.

/// The value of a number word ("two", "twenty", "twenty-five"), lower-case.
pub(crate) fn number_word(w: &str) -> Option<f64> {
    mediamon_nlp::number_word(w).map(f64::from)
}

/// Words that multiply the number before them ("2.5 million", "two dozen").
pub(crate) fn multiplier(w: &str) -> Option<f64> {
    Some(match w {
        "dozen" => 12.0,
        "hundred" => 100.0,
        "thousand" => 1e3,
        "lakh" => 1e5,
        "million" | "mn" => 1e6,
        "crore" => 1e7,
        "billion" | "bn" => 1e9,
        "trillion" => 1e12,
        _ => return None,
    })
}

/// Plurals that stand for a vague number before "of" ("hundreds of
/// families"): the least they can mean.
pub(crate) fn vague(w: &str) -> Option<f64> {
    Some(match w {
        "dozens" => 12.0,
        "scores" => 20.0,
        "hundreds" => 100.0,
        "thousands" => 1e3,
        "millions" => 1e6,
        "billions" => 1e9,
        _ => return None,
    })
}

/// One-word cues before a number that make it approximate.
pub(crate) const APPROX_ONE: &[&str] = &[
    "about",
    "around",
    "some",
    "nearly",
    "almost",
    "roughly",
    "approximately",
    "over",
    "estimated",
    "circa",
    "~",
];

/// Two-word cues.
pub(crate) const APPROX_TWO: &[(&str, &str)] = &[
    ("more", "than"),
    ("less", "than"),
    ("fewer", "than"),
    ("at", "least"),
    ("up", "to"),
    ("close", "to"),
    ("upwards", "of"),
    ("just", "over"),
    ("just", "under"),
    ("well", "over"),
    ("an", "estimated"),
];

/// Currency symbols and the unit they give.
pub(crate) fn currency(w: &str) -> Option<&'static str> {
    Some(match w {
        "$" => "usd",
        "€" => "eur",
        "£" => "gbp",
        "rs" => "rupees",
        _ => return None,
    })
}

/// Units written as a word after the number; what follows "of" is what
/// they measure ("2,640 km of border", "three days of talks").
pub(crate) const MEASURES: &[&str] = &[
    "km",
    "kilometres",
    "kilometers",
    "kilometre",
    "kilometer",
    "miles",
    "mile",
    "metres",
    "meters",
    "metre",
    "meter",
    "feet",
    "kg",
    "kilograms",
    "tonnes",
    "tons",
    "tonne",
    "ton",
    "hectares",
    "acres",
    "mw",
    "megawatts",
    "barrels",
    "litres",
    "liters",
    "minutes",
    "hours",
    "hour",
    "days",
    "day",
    "weeks",
    "week",
    "months",
    "month",
    "years",
    "year",
    "dollars",
    "rupees",
    "afghanis",
    "euros",
    "rials",
    "tomans",
];

/// Unit abbreviations written onto the number ("5km").
pub(crate) const ATTACHED_UNITS: &[&str] = &["km", "kg", "mw", "m", "ft"];

/// Fractions after a hyphen ("two-thirds") are not counts.
pub(crate) const FRACTIONS: &[&str] = &[
    "half", "third", "thirds", "quarter", "quarters", "fifth", "fifths",
];

/// Words after a number that make it a time of day.
pub(crate) const CLOCK: &[&str] = &["a.m.", "p.m.", "am", "pm", "o'clock", "gmt", "utc"];

/// Words before a number that make it part of a name or a code
/// ("Resolution 2593", "section 144", "No. 5").
pub(crate) const CODE_NOUNS: &[&str] = &[
    "resolution",
    "article",
    "section",
    "clause",
    "chapter",
    "paragraph",
    "flight",
    "route",
    "highway",
    "no",
    "no.",
    "number",
    "page",
    "phase",
    "room",
    "version",
    "model",
    "#",
];

/// Determiners skipped after "of" ("60% of the valley").
pub(crate) const DETERMINERS: &[&str] = &[
    "the", "a", "an", "its", "their", "his", "her", "our", "this", "that", "these", "those", "all",
    "both",
];

/// Plurals without a final "s".
pub(crate) const IRREGULAR_PLURALS: &[&str] = &[
    "people",
    "men",
    "women",
    "children",
    "police",
    "personnel",
    "staff",
    "cattle",
    "youth",
];

/// Words that end the noun after a number: function words and the verbs
/// news puts right after a subject ("two delegations met"). Capitalised
/// at a sentence start, they also do not make a number part of a name.
pub(crate) const STOP_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "of",
    "and",
    "or",
    "but",
    "nor",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "from",
    "into",
    "onto",
    "across",
    "near",
    "than",
    "as",
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "this",
    "these",
    "those",
    "there",
    "here",
    "were",
    "was",
    "is",
    "are",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "will",
    "would",
    "could",
    "should",
    "may",
    "might",
    "must",
    "can",
    "shall",
    "did",
    "do",
    "does",
    "not",
    "no",
    "said",
    "says",
    "say",
    "told",
    "tell",
    "met",
    "meet",
    "meets",
    "left",
    "fled",
    "took",
    "take",
    "came",
    "come",
    "went",
    "go",
    "gave",
    "give",
    "made",
    "make",
    "live",
    "lived",
    "remain",
    "remains",
    "got",
    "get",
    "according",
    "each",
    "per",
    "since",
    "until",
    "after",
    "before",
    "during",
    "while",
    "when",
    "where",
    "if",
    "so",
    "also",
    "still",
    "more",
    "most",
    "less",
    "least",
    "their",
    "its",
    "his",
    "her",
    "them",
    "they",
    "he",
    "she",
    "it",
    "we",
    "our",
    "you",
    "i",
    "ago",
    "earlier",
    "later",
    "between",
    "among",
    "including",
    "about",
    "only",
    "just",
    "another",
    "all",
    "both",
    "some",
    "other",
    "over",
    "under",
    "up",
    "down",
    "out",
    "off",
    "against",
    "without",
    "within",
    "along",
    "around",
    "through",
    "toward",
    "towards",
    "via",
    "amid",
    "despite",
    "like",
    "such",
    "then",
    "now",
    "already",
    "again",
    "too",
    "very",
    "nearly",
    "almost",
    "roughly",
    "approximately",
];
