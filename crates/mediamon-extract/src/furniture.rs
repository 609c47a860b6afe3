//! What page furniture looks like, by wording and by markup. Shared by the
//! HTML extractor and the text-rendering extractor, so a phrase that marks
//! furniture in one marks it in the other.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

/// Whole blocks that are furniture whatever the page (compared lowercased,
/// without surrounding punctuation).
const PHRASES: &[&str] = &[
    "share",
    "share this",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "share on whatsapp",
    "tweet",
    "follow us",
    "follow",
    "like",
    "subscribe",
    "sign in",
    "sign up",
    "log in",
    "login",
    "register",
    "logout",
    "read more",
    "read also",
    "see also",
    "related",
    "related articles",
    "related stories",
    "related posts",
    "related news",
    "related content",
    "related topics",
    "you may also like",
    "you might also like",
    "recommended",
    "more stories",
    "more news",
    "more from this section",
    "most popular",
    "most read",
    "most viewed",
    "trending",
    "trending now",
    "popular posts",
    "latest news",
    "latest posts",
    "leave a reply",
    "leave a comment",
    "comments",
    "click to comment",
    "post comment",
    "add comment",
    "cancel reply",
    "to top",
    "back to top",
    "advertisement",
    "advertisements",
    "sponsored",
    "sponsored content",
    "print",
    "email",
    "e-mail",
    "copy link",
    "copied",
    "forgot password",
    "forgot your password",
    "lost your password",
    "log in",
    "log in to your account",
    "sign in",
    "remember me",
    "welcome back",
    "undo",
    "removed from reading list",
    "added to reading list",
    "save",
    "saved",
    "accept",
    "accept all",
    "cookie settings",
    "manage cookies",
    "newsletter",
    "skip to content",
    "skip to main content",
    "menu",
    "search",
    "home",
    "tags",
    "topics",
    "previous article",
    "next article",
    "previous post",
    "next post",
    "listen to this article",
    "whatsapp",
    "facebook",
    "twitter",
    "telegram",
    "linkedin",
    "reddit",
    "pinterest",
    "instagram",
    "youtube",
    "load more",
    "show more",
    "view all",
    "see all",
    "close",
    "open menu",
    "toggle navigation",
];

/// Text that marks a block as furniture wherever it occurs in it.
const MARKERS: &[&str] = &[
    "lorem ipsum",
    "all rights reserved",
    "will not be published",
    "we use cookies",
    "this website uses cookies",
    "this site uses cookies",
    "by continuing to use this",
    "sign up for our newsletter",
    "subscribe to our newsletter",
    "you must be logged in",
    "required fields are marked",
    "must be filled in",
    "keep your email private",
    "reproduction without permission",
];

/// Words of share and follow buttons; a block made only of them is furniture.
const SOCIAL: &[&str] = &[
    "facebook",
    "twitter",
    "x",
    "instagram",
    "youtube",
    "linkedin",
    "telegram",
    "whatsapp",
    "tiktok",
    "pinterest",
    "reddit",
    "email",
    "mail",
    "like",
    "follow",
    "subscribe",
    "share",
    "tweet",
    "pin",
    "rss",
    "print",
    "copy",
    "link",
    "on",
    "us",
    "messenger",
    "viber",
    "vk",
];

/// Names of languages in themselves, as language pickers list them.
const ENDONYMS: &[&str] = &[
    "english",
    "français",
    "francais",
    "deutsch",
    "español",
    "espanol",
    "italiano",
    "português",
    "русский",
    "العربية",
    "عربي",
    "فارسی",
    "دری",
    "پښتو",
    "اردو",
    "тоҷикӣ",
    "türkçe",
    "中文",
    "日本語",
    "한국어",
    "українська",
    "polski",
    "nederlands",
    "o'zbek",
    "oʻzbekcha",
    "हिन्दी",
    "বাংলা",
    "kurdî",
    "کوردی",
    "svenska",
    "dansk",
    "norsk",
    "suomi",
    "ελληνικά",
    "עברית",
];

/// Whether a block (a paragraph or a line) is furniture by its wording.
pub fn is_furniture_text(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    let core = lower.trim_matches(|c: char| !c.is_alphanumeric());
    if core.is_empty() {
        // Only punctuation or symbols: separators, arrows, bullets.
        return true;
    }
    if PHRASES.contains(&core) || MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    if lower.contains('©') || lower.starts_with("copyright") {
        return true;
    }
    let words: Vec<&str> = core
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | '/' | '·' | '•' | ',' | '-'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() <= 8 && words.iter().all(|w| SOCIAL.contains(w)) {
        return true;
    }
    words.len() >= 2 && words.iter().all(|w| ENDONYMS.contains(w))
}

/// Whether a short line is a lone language name (one entry of a picker).
pub fn is_language_name(text: &str) -> bool {
    ENDONYMS.contains(&text.trim().to_lowercase().as_str())
}

/// Class and id words of furniture containers. Long words match inside a
/// longer name ("sharebar", "relatedPosts"); short ones only as a whole word.
const NEGATIVE_STEMS: &[&str] = &[
    "comment",
    "share",
    "sharing",
    "social",
    "related",
    "cookie",
    "consent",
    "gdpr",
    "newsletter",
    "subscribe",
    "sidebar",
    "widget",
    "breadcrumb",
    "footer",
    "login",
    "signin",
    "signup",
    "register",
    "popup",
    "modal",
    "advert",
    "sponsor",
    "promo",
    "banner",
    "pagination",
    "pager",
    "outbrain",
    "taboola",
    "disqus",
    "recommend",
    "trending",
    "popular",
    "readmore",
    "read-more",
    "more-stories",
    "navbar",
    "navigation",
    "masthead",
    "toolbar",
    "byline",
    "author-bio",
    "dateline",
    "caption",
    "newsroll",
    "ticker",
    "carousel",
    "skiplink",
    "hidden",
    "sr-only",
    "screen-reader",
    "visually-hidden",
    "print-only",
    "paywall",
    "subscription",
];
const NEGATIVE_WORDS: &[&str] = &[
    "ad", "ads", "adv", "nav", "menu", "tags", "tag", "bio", "print", "skip", "meta", "rss",
    "aside", "header", "top", "sns", "follow", "share", "links", "more", "cta", "teaser",
];
/// Words that mark a container as the story; they outweigh negative words
/// on the same element ("article-share" is not skipped, its buttons are
/// caught by their wording and links).
const POSITIVE_WORDS: &[&str] = &[
    "article",
    "articlebody",
    "article-body",
    "content",
    "entry",
    "entry-content",
    "story",
    "storybody",
    "story-body",
    "post-body",
    "postbody",
    "post-content",
    "body",
    "text",
    "main",
    "prose",
    "blog",
    "news",
];

/// One automaton for all the stems: class names are matched on every
/// element of every page.
fn negative_stems() -> &'static AhoCorasick {
    static STEMS: OnceLock<AhoCorasick> = OnceLock::new();
    STEMS.get_or_init(|| {
        // The patterns are a fixed list of short ASCII words.
        AhoCorasick::new(NEGATIVE_STEMS).unwrap_or_else(|e| unreachable!("{e}"))
    })
}

/// The weight of an element's class or id attribute: negative for
/// furniture, positive for story containers.
pub fn name_weight(name: &str) -> i32 {
    let mut weight = 0;
    let lower = name.to_ascii_lowercase();
    let words = lower.split(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_');
    for word in words.filter(|w| !w.is_empty()) {
        let mut parts = word.split(['-', '_']).filter(|p| !p.is_empty());
        if POSITIVE_WORDS.contains(&word) || parts.clone().any(|p| POSITIVE_WORDS.contains(&p)) {
            weight += 25;
        } else if !word.contains("commentary")
            && (negative_stems().is_match(word) || parts.any(|p| NEGATIVE_WORDS.contains(&p)))
        {
            weight -= 25;
        }
    }
    weight
}

/// Whether a character belongs to a script written without spaces
/// between words (Chinese, Japanese kana, Thai, Lao, Khmer, Myanmar).
fn unspaced(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{0e00}'..='\u{0eff}' | '\u{1780}'..='\u{17ff}' | '\u{1000}'..='\u{109f}')
}

/// Roughly how many words a text holds: its space-separated tokens, where a
/// run of an unspaced script counts a word per two characters.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .map(|token| 1 + token.chars().filter(|&c| unspaced(c)).count() / 2)
        .sum()
}

/// Whether a text ends like a sentence (or a quotation of one).
pub fn ends_sentence(text: &str) -> bool {
    text.ends_with([
        '.', '!', '?', '…', '"', '”', '»', '’', '\'', ')', '。', '！', '？', '」', '』', '؟', '।',
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_unspaced_scripts_count() {
        assert_eq!(word_count("Talks resume in Doha"), 4);
        assert!(word_count("先日、不正に改造したiPhoneを販売したとして逮捕された。") >= 10);
        assert!(
            ends_sentence("逮捕された。") && ends_sentence("He said so.") && !ends_sentence("Home")
        );
    }

    #[test]
    fn wording() {
        for furniture in [
            "Read more »",
            "Related Articles",
            "- ADVERTISEMENT -",
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
            "© 2023 Example. All Rights Reserved.",
            "Facebook Like",
            "Twitter Follow",
            "English | Français",
            "فارسی | پښتو | العربية",
            "Your name will not be published.",
            "Required fields are marked with a star.",
            "Forgot your password?",
        ] {
            assert!(is_furniture_text(furniture), "{furniture}");
        }
        for story in [
            "The envoy said the talks would resume.",
            "Share prices fell in Karachi on Monday.",
            "Follow-up talks are planned in Doha.",
            "English",
        ] {
            assert!(!is_furniture_text(story), "{story}");
        }
    }

    #[test]
    fn class_words() {
        assert!(name_weight("share-buttons") < 0);
        assert!(name_weight("td-post-content") > 0);
        assert!(name_weight("relatedPosts") < 0);
        assert!(name_weight("ad") < 0);
        assert_eq!(name_weight("headline shadow"), 0);
        assert!(name_weight("article-share") > 0);
        assert_eq!(name_weight("commentary"), 0);
    }
}
