//! Main content of an HTML page.
//!
//! One walk over the parsed page flattens it into text blocks (paragraphs,
//! headings, list items, quotes), each knowing its element, and collects the
//! page's metadata on the way. Blocks that read like prose score their
//! containers (the parent fully, the grandparent half, the next a third, as
//! readability does); the best container, discounted by its share of link
//! text and weighted by its class names, is the story, with those of its
//! siblings that score nearly as well. Inside it, blocks under furniture
//! (navigation, asides, forms, containers whose class says share, related,
//! comments...) and blocks that are links or furniture by wording are left
//! out.

use ego_tree::iter::Edge;
use scraper::{Html, Node};

use std::collections::HashMap;

use crate::furniture::{ends_sentence, is_furniture_text, name_weight, word_count};

/// Elements whose text is never story text.
const NEVER: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "button", "select", "option", "textarea", "input", "head", "math", "video", "audio", "picture",
    "map",
];

/// Elements that hold furniture unless the story itself is inside them.
const FURNITURE_TAGS: &[&str] = &[
    "nav",
    "aside",
    "footer",
    "form",
    "figcaption",
    "menu",
    "dialog",
    "label",
];

/// Elements that end a block of text.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "td",
    "th",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "ul",
    "ol",
    "dl",
    "dd",
    "dt",
    "table",
    "tr",
    "tbody",
    "thead",
    "figure",
    "figcaption",
    "form",
    "br",
    "hr",
    "center",
    "address",
    "details",
    "summary",
    "body",
    "fieldset",
    "legend",
    "caption",
];

/// Elements that are one paragraph: their score goes to their container.
const PARAGRAPH_TAGS: &[&str] = &[
    "p",
    "li",
    "td",
    "th",
    "pre",
    "blockquote",
    "dd",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

struct Elem {
    parent: Option<usize>,
    /// What scoring needs of the tag, decided once at the element's start.
    kind: TagKind,
    /// Class and id weight: below zero for furniture containers.
    weight: i32,
    /// A furniture element by its tag or class (or hidden).
    furniture: bool,
    score: f32,
    /// Characters of text (and of link text) in the element's subtree:
    /// first its own blocks', summed over subtrees once the walk is done.
    chars: usize,
    link_chars: usize,
    /// One past the index of its last descendant: descendants are the
    /// indices in `self..end` (elements are numbered in document order).
    end: usize,
    /// The nearest block-level element, itself included: owner of its text.
    block_owner: usize,
    /// The nearest furniture element, itself included.
    furniture_at: Option<usize>,
}

#[derive(Clone, Copy)]
struct TagKind {
    /// One of `PARAGRAPH_TAGS`: its score goes to its container.
    paragraph: bool,
    p: bool,
    /// `html` or `body`.
    document: bool,
}

impl TagKind {
    fn of(tag: &str) -> Self {
        Self {
            paragraph: PARAGRAPH_TAGS.contains(&tag),
            p: tag == "p",
            document: matches!(tag, "html" | "body"),
        }
    }
}

struct Block {
    elem: usize,
    text: String,
    link_chars: usize,
    heading: bool,
}

/// What the walk found in the page's markup besides its blocks.
#[derive(Debug, Default)]
pub struct Markup {
    pub title_tag: Option<String>,
    pub h1: Option<String>,
    /// `<meta>` name or property (lowercased) and content, in page order.
    pub metas: Vec<(String, String)>,
    pub canonical: Option<String>,
    pub lang: Option<String>,
    pub json_ld: Vec<String>,
    /// `datetime` of `<time>` elements; the ones marked as publication first.
    pub times: Vec<String>,
    pub rel_authors: Vec<String>,
}

/// The story of a page and its markup.
pub struct Page {
    pub blocks: Vec<String>,
    pub markup: Markup,
    /// The blocks just above and just below the story, one per line: where
    /// bylines and "Published ..." lines sit.
    pub above: String,
    pub below: String,
}

/// How many blocks on each side of the story are kept as its surroundings.
const SURROUNDINGS: usize = 8;

/// Parses a page and extracts its story blocks.
pub fn extract(html: &str) -> Page {
    let doc = Html::parse_document(html);
    let mut walk = Walk::default();
    walk.run(&doc);
    let (blocks, first, last) = walk.story();
    let lines = |range: &[Block]| {
        range
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let above = lines(&walk.blocks[first.saturating_sub(SURROUNDINGS)..first]);
    let end = (last + 1).min(walk.blocks.len());
    let below = lines(&walk.blocks[end..(end + SURROUNDINGS).min(walk.blocks.len())]);
    Page {
        blocks,
        markup: walk.markup,
        above,
        below,
    }
}

#[derive(Default)]
struct Walk {
    elems: Vec<Elem>,
    blocks: Vec<Block>,
    stack: Vec<usize>,
    /// Depth at which a `NEVER` element opened, while inside one.
    never_from: Option<usize>,
    links_open: usize,
    buf: String,
    buf_links: usize,
    capture: Option<Capture>,
    captured: String,
    markup: Markup,
    headings_open: usize,
    /// Weights of class and id values seen: pages repeat a few class names
    /// on thousands of elements.
    weights: HashMap<String, i32>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Capture {
    Title,
    JsonLd,
    H1,
    RelAuthor,
}

impl Walk {
    fn run(&mut self, doc: &Html) {
        for edge in doc.tree.root().traverse() {
            match edge {
                Edge::Open(node) => match node.value() {
                    Node::Element(e) => self.open(e),
                    Node::Text(t) => self.text(t),
                    _ => {}
                },
                Edge::Close(node) => {
                    if let Node::Element(e) = node.value() {
                        self.close(e.name());
                    }
                }
            }
        }
        self.flush();
        self.sum_subtrees();
    }

    fn open(&mut self, e: &scraper::node::Element) {
        let tag = e.name();
        let depth = self.stack.len();
        self.collect_markup(e, tag);
        if BLOCK_TAGS.contains(&tag) {
            self.flush();
        }
        let parent = self.stack.last().copied();
        let weight = self.weight(e.attr("class")) + self.weight(e.id());
        let hidden = e.attr("hidden").is_some()
            || e.attr("aria-hidden") == Some("true")
            || e.attr("style").is_some_and(|s| {
                let s = s.to_ascii_lowercase().replace(' ', "");
                s.contains("display:none") || s.contains("visibility:hidden")
            });
        let structural = matches!(tag, "html" | "body" | "main" | "article");
        let furniture = FURNITURE_TAGS.contains(&tag) || hidden || (weight < 0 && !structural);
        let index = self.elems.len();
        let block_owner = match parent {
            Some(p) if !BLOCK_TAGS.contains(&tag) => self.elems[p].block_owner,
            _ => index,
        };
        let furniture_at = if furniture {
            Some(index)
        } else {
            parent.and_then(|p| self.elems[p].furniture_at)
        };
        self.elems.push(Elem {
            parent,
            kind: TagKind::of(tag),
            weight: if structural { weight.max(0) } else { weight },
            furniture,
            score: 0.0,
            chars: 0,
            link_chars: 0,
            end: index + 1,
            block_owner,
            furniture_at,
        });
        if matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
            self.headings_open += 1;
        }
        self.stack.push(self.elems.len() - 1);
        if self.never_from.is_none() && NEVER.contains(&tag) {
            self.never_from = Some(depth);
        }
        if tag == "a" {
            self.links_open += 1;
        }
    }

    fn weight(&mut self, name: Option<&str>) -> i32 {
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            return 0;
        };
        if let Some(&w) = self.weights.get(name) {
            return w;
        }
        let w = name_weight(name);
        self.weights.insert(name.to_string(), w);
        w
    }

    fn collect_markup(&mut self, e: &scraper::node::Element, tag: &str) {
        match tag {
            "html" => {
                self.markup.lang = e.attr("lang").map(str::to_string);
            }
            "meta" => {
                let key = e.attr("property").or(e.attr("name")).or(e.attr("itemprop"));
                if let (Some(k), Some(v)) = (key, e.attr("content")) {
                    self.markup
                        .metas
                        .push((k.to_ascii_lowercase(), v.trim().to_string()));
                }
            }
            "link" => {
                if e.attr("rel")
                    .is_some_and(|r| r.eq_ignore_ascii_case("canonical"))
                    && let Some(href) = e.attr("href")
                {
                    self.markup
                        .canonical
                        .get_or_insert_with(|| href.trim().to_string());
                }
            }
            "time" => {
                if let Some(dt) = e.attr("datetime") {
                    let published = e.attr("pubdate").is_some()
                        || e.attr("itemprop")
                            .is_some_and(|p| p.eq_ignore_ascii_case("datePublished"))
                        || e.attr("class").is_some_and(|c| c.contains("publish"));
                    if published {
                        self.markup.times.insert(0, dt.to_string());
                    } else {
                        self.markup.times.push(dt.to_string());
                    }
                }
            }
            _ => {}
        }
        let capture = match tag {
            "title" if self.markup.title_tag.is_none() => Some(Capture::Title),
            "script"
                if e.attr("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) =>
            {
                Some(Capture::JsonLd)
            }
            "h1" if self.markup.h1.is_none() => Some(Capture::H1),
            "a" if e
                .attr("rel")
                .is_some_and(|r| r.split_whitespace().any(|w| w == "author")) =>
            {
                Some(Capture::RelAuthor)
            }
            _ => None,
        };
        if capture.is_some() && self.capture.is_none() {
            self.capture = capture;
            self.captured.clear();
        }
    }

    fn close(&mut self, tag: &str) {
        if BLOCK_TAGS.contains(&tag) {
            self.flush();
        }
        if tag == "a" {
            self.links_open = self.links_open.saturating_sub(1);
        }
        if let Some(capture) = self.capture {
            let done = matches!(
                (capture, tag),
                (Capture::Title, "title")
                    | (Capture::JsonLd, "script")
                    | (Capture::H1, "h1")
                    | (Capture::RelAuthor, "a")
            );
            if done {
                let text = std::mem::take(&mut self.captured);
                let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
                match capture {
                    Capture::Title => self.markup.title_tag = Some(squeezed),
                    Capture::JsonLd => self.markup.json_ld.push(text),
                    Capture::H1 => self.markup.h1 = Some(squeezed),
                    Capture::RelAuthor => self.markup.rel_authors.push(squeezed),
                }
                self.capture = None;
            }
        }
        if matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
            self.headings_open = self.headings_open.saturating_sub(1);
        }
        if let Some(i) = self.stack.pop() {
            self.elems[i].end = self.elems.len();
        }
        if self.never_from.is_some_and(|d| d >= self.stack.len()) {
            self.never_from = None;
        }
    }

    fn text(&mut self, t: &scraper::node::Text) {
        if self.capture.is_some() {
            self.captured.push_str(t);
        }
        if self.never_from.is_some() {
            return;
        }
        let mut space = t.starts_with(char::is_whitespace);
        for word in t.split_whitespace() {
            if space && !self.buf.is_empty() && !self.buf.ends_with(' ') {
                self.buf.push(' ');
            }
            space = true;
            self.buf.push_str(word);
            if self.links_open > 0 {
                self.buf_links += word.chars().count();
            }
        }
        if t.ends_with(char::is_whitespace) && !self.buf.is_empty() && !self.buf.ends_with(' ') {
            self.buf.push(' ');
        }
    }

    /// Ends the current block.
    fn flush(&mut self) {
        let text = self.buf.trim();
        if text.is_empty() {
            self.buf.clear();
            self.buf_links = 0;
            return;
        }
        let Some(&elem) = self.stack.last() else {
            self.buf.clear();
            return;
        };
        // The block belongs to the innermost block-level element.
        let owner = self.elems[elem].block_owner;
        let heading = self.headings_open > 0;
        let text = text.to_string();
        let chars = text.chars().count();
        let link_chars = self.buf_links.min(chars);
        self.elems[owner].chars += chars;
        self.elems[owner].link_chars += link_chars;
        self.blocks.push(Block {
            elem: owner,
            text,
            link_chars,
            heading,
        });
        self.buf.clear();
        self.buf_links = 0;
    }

    /// Adds every element's text counts to its ancestors', children
    /// before parents (a child's index is above its parent's).
    fn sum_subtrees(&mut self) {
        for i in (0..self.elems.len()).rev() {
            if let Some(p) = self.elems[i].parent {
                self.elems[p].chars += self.elems[i].chars;
                self.elems[p].link_chars += self.elems[i].link_chars;
            }
        }
    }

    /// Whether an element, or one of its ancestors below `root`, is furniture.
    fn under_furniture(&self, elem: usize, root: Option<usize>) -> bool {
        // The nearest furniture is the deepest: if it is not below the
        // root, nothing between the element and the root is furniture.
        match (self.elems[elem].furniture_at, root) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(f), Some(r)) => f != r && self.is_inside(f, r),
        }
    }

    fn is_inside(&self, elem: usize, root: usize) -> bool {
        root <= elem && elem < self.elems[root].end
    }

    fn link_density(&self, i: usize) -> f32 {
        let e = &self.elems[i];
        if e.chars == 0 {
            0.0
        } else {
            e.link_chars as f32 / e.chars as f32
        }
    }

    /// Scores containers from the prose blocks; `strict` leaves out blocks
    /// under furniture.
    fn score(&mut self, strict: bool) {
        for e in &mut self.elems {
            e.score = 0.0;
        }
        for b in 0..self.blocks.len() {
            let block = &self.blocks[b];
            let chars = block.text.chars().count();
            if chars < 25 || (strict && self.under_furniture(block.elem, None)) {
                continue;
            }
            if block.link_chars * 2 > chars {
                continue;
            }
            let commas = block.text.matches([',', '،', '，', '、']).count();
            let s = 1.0 + commas as f32 + (chars as f32 / 100.0).min(3.0);
            let owner = block.elem;
            let mut at = if self.elems[owner].kind.paragraph {
                self.elems[owner].parent
            } else {
                Some(owner)
            };
            for level in 0..3 {
                let Some(i) = at else { break };
                let divider = match level {
                    0 => 1.0,
                    1 => 2.0,
                    _ => 3.0 * level as f32,
                };
                self.elems[i].score += s / divider;
                at = self.elems[i].parent;
            }
        }
    }

    fn final_score(&self, i: usize) -> f32 {
        let e = &self.elems[i];
        (e.score + e.weight as f32) * (1.0 - self.link_density(i))
    }

    fn best(&self) -> Option<usize> {
        (0..self.elems.len())
            .filter(|&i| self.elems[i].score > 0.0)
            .max_by(|&a, &b| self.final_score(a).total_cmp(&self.final_score(b)))
    }

    /// A story cut into sections (a wrapper per few paragraphs) scores each
    /// section alone: when two other containers score nearly as well as the
    /// best, their nearest common ancestor with it is the story (as
    /// readability does, with its own counts).
    fn common_story_ancestor(&self, best: usize) -> usize {
        let top = self.final_score(best);
        let mut rivals: Vec<usize> = (0..self.elems.len())
            .filter(|&i| i != best && self.elems[i].score > 0.0)
            .filter(|&i| !self.is_inside(i, best) && !self.is_inside(best, i))
            .filter(|&i| self.final_score(i) >= 0.75 * top)
            .collect();
        if rivals.len() < 2 {
            return best;
        }
        rivals.sort_by(|&a, &b| self.final_score(b).total_cmp(&self.final_score(a)));
        rivals.truncate(5);
        let mut at = self.elems[best].parent;
        while let Some(a) = at {
            if self.elems[a].kind.document {
                break;
            }
            if rivals.iter().filter(|&&r| self.is_inside(r, a)).count() >= 2 {
                return a;
            }
            at = self.elems[a].parent;
        }
        best
    }

    /// The story's blocks in page order, with the indices of the first and
    /// last of them among all blocks.
    fn story(&mut self) -> (Vec<String>, usize, usize) {
        self.score(true);
        let mut best = self.best();
        if best.is_none_or(|b| self.elems[b].score < 5.0) {
            self.score(false);
            best = self.best();
        }
        let Some(best) = best else {
            return (Vec::new(), 0, 0);
        };
        let best = self.common_story_ancestor(best);
        let top = self.final_score(best);
        let mut roots = vec![best];
        if let Some(parent) = self.elems[best].parent {
            let threshold = (top * 0.2).max(10.0);
            for i in 0..self.elems.len() {
                if i == best || self.elems[i].parent != Some(parent) || self.elems[i].furniture {
                    continue;
                }
                let density = self.link_density(i);
                let e = &self.elems[i];
                let paragraph = e.kind.p && e.chars > 80 && density < 0.25;
                if self.final_score(i) >= threshold || paragraph {
                    roots.push(i);
                }
            }
        }
        let title = self.markup.h1.clone().unwrap_or_default();
        let mut out = Vec::new();
        let mut span: Option<(usize, usize)> = None;
        for (index, block) in self.blocks.iter().enumerate() {
            let Some(&root) = roots.iter().find(|&&r| self.is_inside(block.elem, r)) else {
                continue;
            };
            if self.under_furniture(block.elem, Some(root)) || is_furniture_text(&block.text) {
                continue;
            }
            let chars = block.text.chars().count();
            if block.link_chars * 2 > chars {
                continue;
            }
            if block.heading && block.text == title {
                continue;
            }
            let words = word_count(&block.text);
            let sentence = ends_sentence(&block.text) || block.text.ends_with(':');
            if !block.heading && words <= 3 && !sentence {
                continue;
            }
            out.push(block.text.clone());
            span = Some((span.map_or(index, |(first, _)| first), index));
        }
        let (first, last) = span.unwrap_or((0, 0));
        (out, first, last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARA: &str = "The delegation arrived in the capital on Tuesday, officials said, and met the \
        foreign minister, the deputy prime minister and several provincial governors.";

    #[test]
    fn story_without_its_furniture() {
        let page = format!(
            "<html><head><title>Talks resume | Daily Courier</title></head><body>\
             <nav><ul><li><a href=/>Home</a></li><li><a href=/w>World</a></li></ul></nav>\
             <div class=c1><h1>Talks resume</h1><p>{PARA}</p><p>{PARA} Second.</p>\
             <div class=share-buttons><a href=#>Share on Facebook</a> <a href=#>Tweet</a></div>\
             <p>{PARA} Third.</p><h2>Related Articles</h2><ul>\
             <li><a href=/1>One headline that is rather long and links away</a></li>\
             <li><a href=/2>Another headline that is rather long and links away</a></li></ul></div>\
             <aside><p>{PARA} Aside.</p></aside>\
             <footer>© 2025 Courier. All rights reserved.</footer></body></html>"
        );
        let p = extract(&page);
        assert_eq!(p.blocks.len(), 3, "{:?}", p.blocks);
        assert!(p.blocks[2].ends_with("Third."));
        assert_eq!(
            p.markup.title_tag.as_deref(),
            Some("Talks resume | Daily Courier")
        );
        assert_eq!(p.markup.h1.as_deref(), Some("Talks resume"));
    }

    #[test]
    fn br_separated_paragraphs() {
        let page = format!(
            "<body><div id=menu><a href=/>Home</a></div><div>{PARA}<br><br>{PARA} Two.<br><br>{PARA} Three.</div></body>"
        );
        let p = extract(&page);
        assert_eq!(p.blocks.len(), 3, "{:?}", p.blocks);
    }

    #[test]
    fn hostile_markup_does_not_panic() {
        for page in [
            "",
            "<",
            "<<<>>>",
            "<p>",
            "</p></div></body>",
            "<script>",
            "<a><a><a>x",
            "<table><td>x<p>y</table>",
        ] {
            let _ = extract(page);
        }
    }
}
