//! Text renderings of pages (what "save as text" gives): every menu entry,
//! language name and related headline is a line of its own. Each line is
//! classed; the story is the run of lines with the most prose in it, never
//! crossing a line that opens a block of furniture ("Related Articles",
//! "Leave a Reply"). Its title is a headline: a short line that is not a
//! sentence, the first line when nothing but it precedes the story, else the
//! nearest above it. Prose is never taken for a title: text sent as text is
//! the story, so a story that opens with prose, or is one paragraph, keeps
//! all of it in the body (where the name finder reads).

use crate::furniture::{ends_sentence, is_furniture_text, is_language_name, word_count};

/// Lines that open a block of furniture below the story.
const OPENERS: &[&str] = &[
    "related articles",
    "related",
    "related posts",
    "related stories",
    "related news",
    "more stories",
    "more news",
    "most popular",
    "most read",
    "you may also like",
    "you might also like",
    "leave a reply",
    "leave a comment",
    "comments",
    "click to comment",
    "follow us",
    "recommended",
    "trending",
];

/// Lines that open a list of links inside the story; the story goes on
/// below the list.
const INLINE_OPENERS: &[&str] = &[
    "read more",
    "read also",
    "also read",
    "see also",
    "more on this",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    /// Sentence-like text.
    Prose,
    /// Short text that is not recognisably furniture (a headline, a subhead).
    Other,
    Furniture,
    /// Furniture that opens a block of furniture.
    Opener,
}

/// Furniture is short (menus, buttons, notices): a sentence-like line this
/// long is story, even when it writes dates with slashes ("4 / 9 / 2007",
/// read as a breadcrumb) or a story sent as one paragraph ends with its
/// copyright notice.
const LONG_PROSE_WORDS: usize = 30;

/// A line of this many words is prose, however it ends.
const PROSE_WORDS: usize = 16;

/// The longest line taken for a headline.
const MAX_TITLE_CHARS: usize = 200;

/// A text rendering split into title and story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextStory {
    /// The headline, if a line reads as one.
    pub title: Option<String>,
    /// Story lines, line breaks kept (a blank line between paragraphs).
    pub body: String,
    /// The lines above the story (masthead, breadcrumb, dates) joined, and
    /// the lines below it: where a publication date is looked for.
    pub above: String,
    pub below: String,
}

/// Splits a text rendering; `None` when there is no text.
pub fn extract(text: &str) -> Option<TextStory> {
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace()))
        .collect();
    let mut kinds: Vec<Kind> = lines.iter().map(|l| classify(l)).collect();
    mark_link_lists(&lines, &mut kinds);
    let first = kinds.iter().position(|k| *k != Kind::Blank)?;

    let (start, end) = best_run(&lines, &kinds).unwrap_or((first, lines.len()));
    let furniture_above = kinds[..start]
        .iter()
        .any(|k| matches!(k, Kind::Furniture | Kind::Opener));
    let (title_at, body_from) = if furniture_above {
        (headline_above(&lines, &kinds, start), start)
    } else if is_headline(lines[first], kinds[first]) {
        (Some(first), first + 1)
    } else {
        // The text opens with prose: it is story, not a title (issue 19,
        // item 12: one paragraph of prose was refused for want of a body).
        (None, first)
    };
    let end = end.max(body_from);
    let mut body: Vec<&str> = Vec::new();
    for (line, kind) in lines[body_from..end].iter().zip(&kinds[body_from..end]) {
        match kind {
            Kind::Furniture | Kind::Opener => {}
            Kind::Blank => {
                if body.last().is_some_and(|l| !l.is_empty()) {
                    body.push("");
                }
            }
            _ => body.push(line),
        }
    }
    while body.last().is_some_and(|l| l.is_empty()) {
        body.pop();
    }
    Some(TextStory {
        title: title_at.map(|i| lines[i].to_string()),
        body: body.join("\n"),
        above: lines[..start]
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != title_at)
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join("\n"),
        below: lines[end.min(lines.len())..].join("\n"),
    })
}

fn classify(line: &str) -> Kind {
    if line.is_empty() {
        return Kind::Blank;
    }
    let (bullet, content) = match line.strip_prefix(['•', '·', '▪', '*', '-', '–', '◦']) {
        Some(rest) if rest.starts_with(' ') => (true, rest.trim()),
        _ => (false, line),
    };
    let core = content.to_lowercase();
    let core = core.trim_matches(|c: char| !c.is_alphanumeric());
    if OPENERS.contains(&core) {
        return Kind::Opener;
    }
    let words = word_count(content);
    let sentence_end = ends_sentence(content);
    if sentence_end && words >= LONG_PROSE_WORDS {
        return Kind::Prose;
    }
    if is_furniture_text(content)
        || is_language_name(content)
        || (bullet && words <= 4 && !sentence_end)
        || is_breadcrumb(content)
        || (content.contains(" | ") && !sentence_end && words <= 16)
        || (words <= 4 && has_date(content))
        || (words <= 5 && !sentence_end && content.split_whitespace().any(glued))
    {
        return Kind::Furniture;
    }
    if (sentence_end && words >= 3) || words >= PROSE_WORDS {
        Kind::Prose
    } else {
        Kind::Other
    }
}

/// "Read more:" and the headlines under it, up to the next sentence.
fn mark_link_lists(lines: &[&str], kinds: &mut [Kind]) {
    let mut in_list = false;
    for (line, kind) in lines.iter().zip(kinds.iter_mut()) {
        let core = line.to_lowercase();
        let core = core.trim_matches(|c: char| !c.is_alphanumeric());
        if INLINE_OPENERS.contains(&core) {
            in_list = true;
            *kind = Kind::Furniture;
            continue;
        }
        if !in_list || *kind == Kind::Blank {
            continue;
        }
        let headline = line.split_whitespace().count() <= 16 && !line.ends_with(['.', '!', '?']);
        if headline {
            *kind = Kind::Furniture;
        } else {
            in_list = false;
        }
    }
}

fn is_breadcrumb(line: &str) -> bool {
    [" > ", " › ", " » ", " / "]
        .iter()
        .any(|sep| line.matches(sep).count() >= 2)
}

fn has_date(line: &str) -> bool {
    line.split_whitespace().any(|w| {
        let parts: Vec<&str> = w.split(['/', '.', '-']).collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    })
}

/// Menu entries rendered without spaces between them: "AfghanistanNewsWorld".
fn glued(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    chars
        .windows(3)
        .any(|w| w[0].is_lowercase() && w[1].is_lowercase() && w[2].is_uppercase())
}

/// The run of lines with the most prose: a maximum-sum segment where prose
/// counts its length, other lines cost a little and furniture a lot, and
/// openers end a run.
fn best_run(lines: &[&str], kinds: &[Kind]) -> Option<(usize, usize)> {
    let mut best: Option<(i64, usize, usize)> = None;
    let mut sum = 0i64;
    let mut from = 0;
    for (i, (line, kind)) in lines.iter().zip(kinds).enumerate() {
        let weight = match kind {
            Kind::Prose => i64::try_from(line.chars().count()).unwrap_or(i64::MAX / 4),
            Kind::Other => -20,
            Kind::Furniture => -100,
            Kind::Blank => 0,
            Kind::Opener => {
                sum = 0;
                from = i + 1;
                continue;
            }
        };
        if sum + weight <= 0 && *kind != Kind::Blank {
            sum = 0;
            from = i + 1;
            continue;
        }
        sum += weight;
        if *kind == Kind::Prose && best.is_none_or(|(b, _, _)| sum > b) {
            best = Some((sum, from, i + 1));
        }
    }
    let (_, mut start, end) = best?;
    while start < end && kinds[start] == Kind::Blank {
        start += 1;
    }
    Some((start, end))
}

/// Whether a line reads as a headline: short, not furniture, and not a
/// sentence. A short line that ends in a question or a quotation
/// ("... is “growing, not shrinking”") is a headline; one that ends in a
/// full stop is the story's first sentence.
fn is_headline(line: &str, kind: Kind) -> bool {
    let full_stop = line
        .trim_end_matches(['"', '”', '’', '\'', '»', ')', '」', '』'])
        .ends_with(['.', '…', '。']);
    line.chars().count() <= MAX_TITLE_CHARS
        && match kind {
            Kind::Other => true,
            Kind::Prose => word_count(line) < PROSE_WORDS && !full_stop,
            _ => false,
        }
}

/// The headline above the story: the nearest line above it, past dates and
/// buttons, that reads like a headline (three words or more).
fn headline_above(lines: &[&str], kinds: &[Kind], start: usize) -> Option<usize> {
    (0..start)
        .rev()
        .filter(|&i| kinds[i] != Kind::Blank)
        .take(8)
        .find(|&i| is_headline(lines[i], kinds[i]) && lines[i].split_whitespace().count() >= 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_title_and_body() {
        let s = extract("\n  Envoy warns of talks \n\nFirst para.\n\nSecond.\n").expect("text");
        assert_eq!(s.title.as_deref(), Some("Envoy warns of talks"));
        assert_eq!(s.body, "First para.\n\nSecond.");
        let s = extract("T\n\nBody").expect("text");
        assert_eq!((s.title.as_deref(), s.body.as_str()), (Some("T"), "Body"));
        assert!(extract(" \n\t\n").is_none());
    }

    #[test]
    fn furniture_around_a_story_is_dropped() {
        let page = "Daily Courier\n\n  • Home\n  • World\n  • English\n    • Français\n    • Русский\n\
            Daily Courier > World > Envoy warns of new talks in Doha\nWorldNewsPolitics\n\n\
            Envoy warns of new talks in Doha\n\nPublished 14/03/2025\nSHARE\n\n\
            The envoy said on Friday that a second round of talks would open in Doha next month, \
            according to two officials who attended the first.\n\n\
            Key points\n\n\
            “We are ready to listen,” the envoy told reporters after the meeting in the capital.\n\n\
            Follow Us\n\nFacebook Like\nRelated Articles\n\nAnother headline about something else entirely\n\
            12/03/2025\n- ADVERTISEMENT -\nLorem ipsum dolor sit amet, consectetur adipiscing elit.\n\
            English | Français\n© 2025 Courier. All Rights Reserved.\nLog in to your account\n";
        let s = extract(page).expect("text");
        assert_eq!(s.title.as_deref(), Some("Envoy warns of new talks in Doha"));
        assert!(s.body.starts_with("The envoy said on Friday"), "{}", s.body);
        assert!(s.body.contains("Key points"));
        assert!(
            s.body.ends_with("after the meeting in the capital."),
            "{}",
            s.body
        );
        assert!(s.above.contains("Published 14/03/2025"));
        assert!(s.below.contains("12/03/2025"));
    }

    #[test]
    fn story_bullets_stay() {
        let page = "Talks end without result\n\n  • The two sides met for three days.\n  \
            • No statement followed the meeting.\n\nThe talks in Tehran ended on Sunday without \
            an agreement, a participant said.\n\nLeave a Reply\n\nYour name will not be published.\n";
        let s = extract(page).expect("text");
        assert_eq!(s.title.as_deref(), Some("Talks end without result"));
        assert!(s.body.starts_with("• The two sides met"), "{}", s.body);
        assert!(!s.body.contains("Leave a Reply"));
    }
}
