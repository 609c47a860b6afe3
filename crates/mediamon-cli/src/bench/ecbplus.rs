//! Real news for `bench resolve`: the named participants of ECB+ (read at
//! run time from `../shared/data/ecbplus`, never copied; see its README).
//!
//! A gold mention is a PER, ORG or place markable in a cross-document chain
//! (in any sentence: a chain is an annotation wherever it is; the index of
//! fully annotated sentences matters for mentions a system finds, not for
//! given ones) whose head is a name: after a
//! leading article and without a trailing possessive, its first and last
//! tokens are capitalised ("Hewlett-Packard", "the U.S. Geological Survey";
//! not "the company", "he", "U.S. officials"). Within a document each name
//! of a chain counts once (the figure is about which entity a name in an
//! article denotes, not how often it is repeated). The annotation gives each
//! seminal event its own chains, so one real entity (a country) can hold a
//! chain in each sub-topic: pairs of chains that share a name are left out
//! of the figure ([`Twins`]). Two people of one topic with the same surname
//! and different given names (husband and wife) must not merge.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use mediamon_names::normalize;
use mediamon_ner::{EntityType, Tagger};

use super::resolve::{Apart, Gold};

/// Pairs of gold chains that share a name: their mention pairs are not
/// scored.
pub(crate) type Twins = Vec<(String, String)>;

pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ecbplus")
}

/// Our type for an ECB+ markable tag, for the tags that name participants.
fn entity_type(tag: &str) -> Option<&'static str> {
    match tag {
        "HUMAN_PART_PER" => Some("PER"),
        "HUMAN_PART_ORG" => Some("ORG"),
        "HUMAN_PART_GPE" | "LOC_GEO" | "LOC_FAC" | "LOC_OTHER" => Some("LOC"),
        _ => None,
    }
}

fn capitalised(token: &str) -> bool {
    token.chars().next().is_some_and(char::is_uppercase)
}

/// The name a markable's tokens spell, or `None` when it is no name: its
/// part before a comma (an apposition follows) and before a post-modifying
/// preposition, without a leading article
/// or a trailing possessive, with a first and a last token capitalised and
/// some token that the corpus never writes in lower case (so "Police" in a
/// headline is no name, "Chargers" is), or, outside a headline (a sentence
/// mostly capitalised), two capitalised words ("Mount Cook"). Pronouns are
/// no names.
fn name_of(tokens: &[&str], lower: &HashSet<String>, headline: bool) -> Option<Vec<String>> {
    let mut t: Vec<&str> = tokens.to_vec();
    if let Some(comma) = t.iter().position(|w| *w == ",") {
        t.truncate(comma);
    }
    // A post-modifier is not the name ("Gulf of Aden between Somalia and
    // Yemen"): a name ends before a preposition that is not one of a name's
    // own ("of", "for").
    const POST: &[&str] = &[
        "in", "at", "on", "near", "between", "from", "off", "outside", "inside", "across", "along",
        "by", "with", "over", "under",
    ];
    if let Some(cut) = t.iter().skip(1).position(|w| POST.contains(w)) {
        t.truncate(cut + 1);
    }
    while t
        .first()
        .is_some_and(|w| matches!(w.to_lowercase().as_str(), "the" | "a" | "an" | "in"))
    {
        t.remove(0);
    }
    while t
        .last()
        .is_some_and(|w| matches!(*w, "'s" | "'" | "’s" | "." | "-"))
    {
        t.pop();
    }
    let (first, last) = (t.first()?, t.last()?);
    const PRONOUNS: &[&str] = &["i", "he", "she", "it", "they", "we", "you", "his", "her"];
    let head = first
        .split(['\'', '’'])
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let proper = t
        .iter()
        .any(|w| capitalised(w) && !lower.contains(&w.to_lowercase()))
        || (!headline && t.iter().filter(|w| capitalised(w)).count() >= 2);
    (capitalised(first) && capitalised(last) && proper && !PRONOUNS.contains(&head.as_str()))
        .then(|| t.iter().map(|s| s.to_string()).collect())
}

/// Words as the text had them: no space before closing punctuation and
/// possessives, none around a hyphen between words.
fn join(tokens: &[String]) -> String {
    join_at(tokens).0
}

/// [`join`], with the code-point offset where each token starts.
pub(crate) fn join_at(tokens: &[String]) -> (String, Vec<usize>) {
    let mut out = String::new();
    let mut starts = Vec::with_capacity(tokens.len());
    let mut chars = 0;
    let mut glue = true;
    for t in tokens {
        let closing = matches!(
            t.as_str(),
            "." | "," | "'s" | "’s" | "'" | ":" | ";" | "!" | "?" | ")" | "%" | "n't" | "-"
        );
        if !out.is_empty() && !closing && !glue {
            out.push(' ');
            chars += 1;
        }
        starts.push(chars);
        out.push_str(t);
        chars += t.chars().count();
        glue = matches!(t.as_str(), "(" | "-" | "$");
    }
    (out, starts)
}

/// One document as annotated: its sentences (words) and, for each
/// participant markable in a cross-document chain, the chain, our type,
/// the sentence and the words (markables spanning sentences left out);
/// its event mentions.
pub(crate) struct Document {
    pub sentences: BTreeMap<u32, Vec<String>>,
    markables: Vec<(String, &'static str, u32, Vec<String>)>,
    pub actions: Vec<Action>,
}

/// An event mention (an `ACTION_*` markable) in a coreference relation:
/// its chain (the cross-document chain, or `doc:` and the relation for a
/// chain within the document), its sentence and its words' positions there.
pub(crate) struct Action {
    pub chain: String,
    pub sentence: u32,
    pub words: Vec<usize>,
}

pub(crate) fn parse_document(xml: &str) -> anyhow::Result<Document> {
    let doc = roxmltree::Document::parse(xml)?;
    let root = doc.root_element();
    // Token id -> (sentence, position in it, text).
    let mut tokens: HashMap<&str, (u32, usize, &str)> = HashMap::new();
    let mut sentences: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for t in root.children().filter(|n| n.has_tag_name("token")) {
        let (Some(id), Some(sentence)) = (t.attribute("t_id"), t.attribute("sentence")) else {
            continue;
        };
        let sentence: u32 = sentence.parse()?;
        let text = t.text().unwrap_or_default();
        let words = sentences.entry(sentence).or_default();
        tokens.insert(id, (sentence, words.len(), text));
        words.push(text.to_string());
    }
    // Markable id -> (type, its token ids); event markables apart.
    let mut anchored: HashMap<&str, (&'static str, Vec<&str>)> = HashMap::new();
    let mut events: HashMap<&str, Vec<&str>> = HashMap::new();
    if let Some(list) = root.children().find(|n| n.has_tag_name("Markables")) {
        for m in list.children().filter(roxmltree::Node::is_element) {
            let anchors = || -> Vec<&str> {
                m.children()
                    .filter(|c| c.has_tag_name("token_anchor"))
                    .filter_map(|c| c.attribute("t_id"))
                    .collect()
            };
            if let Some(id) = m.attribute("m_id")
                && m.tag_name().name().starts_with("ACTION_")
            {
                events.insert(id, anchors());
            }
            let (Some(ty), Some(id)) = (entity_type(m.tag_name().name()), m.attribute("m_id"))
            else {
                continue;
            };
            let anchors = anchors();
            if !anchors.is_empty() {
                anchored.insert(id, (ty, anchors));
            }
        }
    }
    let mut markables = Vec::new();
    let mut actions: Vec<Action> = Vec::new();
    let mut placed: HashMap<&str, usize> = HashMap::new();
    let relations = root.children().find(|n| n.has_tag_name("Relations"));
    for rel in relations.into_iter().flat_map(|r| r.children()) {
        let chain = match (
            rel.tag_name().name(),
            rel.attribute("note"),
            rel.attribute("r_id"),
        ) {
            ("CROSS_DOC_COREF", Some(note), _) => note.to_string(),
            ("INTRA_DOC_COREF", _, Some(r)) => format!("doc:{r}"),
            _ => continue,
        };
        for source in rel.children().filter(|c| c.has_tag_name("source")) {
            let id = source.attribute("m_id").unwrap_or_default();
            // A mention in a chain across documents and one within its own
            // is counted once, by the chain across.
            let known = placed.get(id).copied();
            if let Some(anchors) = events.get(id)
                && known.is_none_or(|i: usize| actions[i].chain.starts_with("doc:"))
            {
                let at: Vec<(u32, usize)> = anchors
                    .iter()
                    .filter_map(|a| tokens.get(a))
                    .map(|t| (t.0, t.1))
                    .collect();
                if let Some(&(sentence, _)) = at.first()
                    && at.iter().all(|w| w.0 == sentence)
                {
                    let words = at.iter().map(|w| w.1).collect();
                    let action = Action {
                        chain: chain.clone(),
                        sentence,
                        words,
                    };
                    match known {
                        Some(i) => actions[i] = action,
                        None => {
                            placed.insert(id, actions.len());
                            actions.push(action);
                        }
                    }
                }
            }
            if rel.tag_name().name() != "CROSS_DOC_COREF" {
                continue;
            }
            let Some((ty, anchors)) = source.attribute("m_id").and_then(|m| anchored.get(m)) else {
                continue;
            };
            let words: Vec<(u32, &str)> = anchors
                .iter()
                .filter_map(|a| tokens.get(a))
                .map(|t| (t.0, t.2))
                .collect();
            let Some(&(sentence, _)) = words.first() else {
                continue;
            };
            if words.iter().all(|w| w.0 == sentence) {
                let words = words.iter().map(|w| w.1.to_string()).collect();
                markables.push((chain.clone(), *ty, sentence, words));
            }
        }
    }
    Ok(Document {
        sentences,
        markables,
        actions,
    })
}

/// One document's gold mentions: (chain, type, surface, context).
fn gold_names(
    doc: &Document,
    lower: &HashSet<String>,
) -> Vec<(String, &'static str, String, String)> {
    let mut out = Vec::new();
    for (chain, ty, sentence, words) in &doc.markables {
        let context = &doc.sentences[sentence];
        let capitals = context.iter().filter(|w| capitalised(w)).count();
        let headline = capitals * 2 > context.len();
        let texts: Vec<&str> = words.iter().map(String::as_str).collect();
        if let Some(name) = name_of(&texts, lower, headline) {
            out.push((chain.clone(), *ty, join(&name), join(context)));
        }
    }
    out
}

/// The documents of one split (`dev` or `train`) in topic and file order:
/// (topic, number, whether an `ecbplus` one, path).
pub(crate) fn files(dir: &Path, split: &str) -> anyhow::Result<Vec<(u32, u32, bool, PathBuf)>> {
    let mut files = Vec::new();
    for topic in std::fs::read_dir(dir.join(split))? {
        for file in std::fs::read_dir(topic?.path())? {
            let path = file?.path();
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let Some((t, rest)) = stem.split_once('_') else {
                continue;
            };
            let plus = rest.ends_with("ecbplus");
            let n = rest.trim_end_matches("ecbplus").trim_end_matches("ecb");
            files.push((t.parse()?, n.parse()?, plus, path));
        }
    }
    files.sort();
    Ok(files)
}

/// The fully annotated sentences: (topic, file stem after the topic, as
/// `10ecbplus`, sentence number).
pub(crate) fn annotated(dir: &Path) -> anyhow::Result<HashSet<(u32, String, u32)>> {
    let path = dir.join("ECBplus_coreference_sentences.csv");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = HashSet::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let mut f = line.split(',').map(str::trim);
        let (Some(topic), Some(file), Some(sentence)) = (f.next(), f.next(), f.next()) else {
            anyhow::bail!("{}: a row of three fields: {line:?}", path.display());
        };
        out.insert((topic.parse()?, file.to_string(), sentence.parse()?));
    }
    Ok(out)
}

/// The gold mentions of one split (`dev` or `train`), documents in topic and
/// file order, with the must-not-merge pairs and the twin chains.
pub(crate) fn load(dir: &Path, split: &str) -> anyhow::Result<(Vec<Gold>, Apart, Twins)> {
    let files = files(dir, split)?;
    let tagger = Tagger::builtin()?;
    let docs = files
        .iter()
        .map(|f| {
            std::fs::read_to_string(&f.3)
                .map_err(anyhow::Error::from)
                .and_then(|xml| parse_document(&xml))
                .with_context(|| format!("{}", f.3.display()))
        })
        .collect::<anyhow::Result<Vec<Document>>>()?;
    // Every word the corpus writes in lower case, somewhere.
    let lower: HashSet<String> = docs
        .iter()
        .flat_map(|d| d.sentences.values().flatten())
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .cloned()
        .collect();
    let mut mentions = Vec::new();
    for ((topic, n, plus, _), doc) in files.iter().zip(&docs) {
        let key = format!("{topic}_{n}{}", if *plus { "ecbplus" } else { "ecb" });
        let mut seen: HashSet<(String, String)> = HashSet::new();
        for (chain, ty, surface, context) in gold_names(doc, &lower) {
            if !seen.insert((chain.clone(), normalize(&surface))) {
                continue;
            }
            let cues = match (context.find(&surface), EntityType::from_code(ty)) {
                (Some(at), Some(kind)) => tagger.cues_in(&context, at, at + surface.len(), kind),
                _ => Vec::new(),
            };
            mentions.push(Gold {
                doc: key.clone(),
                entity: chain,
                ty: ty.to_string(),
                surface,
                context,
                cues,
            });
        }
    }
    let (apart, twins) = relations(&mentions);
    Ok((mentions, apart, twins))
}

/// Must-not-merge pairs (people of one topic who share a surname but not a
/// given name) and twin chains (chains that share a name).
fn relations(mentions: &[Gold]) -> (Apart, Twins) {
    let mut names: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut topic: HashMap<&str, &str> = HashMap::new();
    for m in mentions {
        names
            .entry(&m.entity)
            .or_default()
            .insert(normalize(&m.surface));
        topic.insert(&m.entity, m.doc.split('_').next().unwrap_or_default());
    }
    let people: BTreeSet<&str> = mentions
        .iter()
        .filter(|m| m.ty == "PER")
        .map(|m| m.entity.as_str())
        .collect();
    let chains: Vec<&str> = names.keys().copied().collect();
    let (mut apart, mut twins) = (Vec::new(), Vec::new());
    for (i, a) in chains.iter().enumerate() {
        for b in &chains[i + 1..] {
            let (na, nb) = (&names[a], &names[b]);
            if !na.is_disjoint(nb) {
                twins.push((a.to_string(), b.to_string()));
                continue;
            }
            if topic[a] != topic[b] || !people.contains(a) || !people.contains(b) {
                continue;
            }
            let full = |set: &BTreeSet<String>| -> BTreeSet<(String, String)> {
                set.iter()
                    .filter_map(|n| {
                        let w: Vec<&str> = n.split(' ').collect();
                        (w.len() >= 2).then(|| (w[0].to_string(), w[w.len() - 1].to_string()))
                    })
                    .collect()
            };
            let (fa, fb) = (full(na), full(nb));
            if fa
                .iter()
                .any(|(ga, sa)| fb.iter().any(|(gb, sb)| sa == sb && ga != gb))
            {
                apart.push((a.to_string(), b.to_string()));
            }
        }
    }
    (apart, twins)
}
