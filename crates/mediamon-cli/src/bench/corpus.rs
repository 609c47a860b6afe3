//! A generated corpus for `mediamon bench query`, loaded straight into the
//! store already resolved: thousands of invented actors whose mentions
//! follow a Zipf law (a few are in every other story, most in a handful),
//! written in their spelling variants, in articles from outlets of Zipf
//! popularity over a year. Deterministic for a seed; no text from anywhere.

use chrono::{DateTime, Duration, TimeZone, Utc};
use mediamon_store::{BulkArticle, BulkMention, NewEntity, Store, Uuid};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::service::synthetic_name;

/// Articles are loaded this many at a time.
const BATCH: usize = 2_000;
/// The exponent of the mentions' Zipf law (news is close to 1).
const ZIPF: f64 = 1.05;
const OUTLETS: usize = 60;
const WORDS: &[&str] = &[
    "border",
    "talks",
    "trade",
    "crossing",
    "delegation",
    "ceasefire",
    "election",
    "council",
    "province",
    "refugees",
    "drought",
    "harvest",
    "mining",
    "customs",
    "envoy",
    "convoy",
    "ministry",
    "schools",
    "clinic",
    "budget",
    "highway",
    "dam",
    "court",
    "protest",
    "prices",
    "exports",
    "flights",
    "visas",
    "aid",
    "elders",
];
const TITLES: &[&str] = &["spokesman", "minister", "governor", "envoy", "commander"];

/// Draws ranks 0..n with probability proportional to 1 / (rank + 1)^s.
pub struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize, s: f64) -> Self {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|k| {
                total += 1.0 / ((k + 1) as f64).powf(s);
                total
            })
            .collect();
        Self { cumulative }
    }

    pub fn sample(&self, rng: &mut StdRng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.random::<f64>() * total;
        self.cumulative
            .partition_point(|c| *c < x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

/// A generated actor: its id once loaded, type, and the ways it is written
/// (the full name first).
pub struct Actor {
    pub id: Uuid,
    pub entity_type: &'static str,
    pub forms: Vec<String>,
}

/// A spelling variant, as transliterations differ ("Rudtor" / "Rudtur").
fn variant(name: &str) -> Option<String> {
    let at = name.rfind('o').or_else(|| name.rfind('e'))?;
    let mut v = name.to_string();
    v.replace_range(at..at + 1, if &name[at..=at] == "o" { "u" } else { "i" });
    Some(v)
}

/// How many actors a corpus of `articles` has.
pub fn actors_for(articles: usize) -> usize {
    (articles / 20).clamp(2_000, 50_000)
}

/// Generates and loads `n` actors; the most mentioned first.
pub async fn load_actors(store: &Store, n: usize) -> anyhow::Result<Vec<Actor>> {
    let mut actors = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(5_000) {
        let named: Vec<(String, &'static str)> = chunk.iter().map(|&i| synthetic_name(i)).collect();
        let batch: Vec<NewEntity> = named
            .iter()
            .map(|(name, ty)| NewEntity {
                name: name.clone(),
                entity_type: ty.to_string(),
                keys: mediamon_resolution::alias_keys(name, &mediamon_names::analyze(name, ty), ty),
            })
            .collect();
        let ids = store.bulk_load_entities(&batch).await?;
        for ((name, ty), id) in named.into_iter().zip(ids) {
            let mut forms = vec![name.clone()];
            if let Some(v) = variant(&name) {
                forms.push(v);
            }
            if ty == "PER"
                && let Some((_, surname)) = name.rsplit_once(' ')
            {
                forms.push(surname.to_string());
            }
            actors.push(Actor {
                id,
                entity_type: ty,
                forms,
            });
        }
    }
    // The variants are aliases too, as the resolver would have added them.
    let keys: Vec<(Uuid, String, mediamon_resolution::AliasKeys)> = actors
        .iter()
        .flat_map(|a| {
            a.forms.iter().skip(1).map(|f| {
                let keys = mediamon_resolution::alias_keys(
                    f,
                    &mediamon_names::analyze(f, a.entity_type),
                    a.entity_type,
                );
                (a.id, f.clone(), keys)
            })
        })
        .collect();
    for chunk in keys.chunks(10_000) {
        let rows: Vec<(Uuid, &str, &mediamon_resolution::AliasKeys)> = chunk
            .iter()
            .map(|(id, f, k)| (*id, f.as_str(), k))
            .collect();
        store.bulk_add_aliases(&rows).await?;
    }
    Ok(actors)
}

/// The outlet of rank `k`.
pub fn outlet(k: usize) -> String {
    let (name, _) = synthetic_name(k * 131 + 7);
    format!("{} Post", name.split(' ').next().unwrap_or("Daily"))
}

/// Appends `s` to `body`, counting code points in `chars`.
fn push(body: &mut String, chars: &mut usize, s: &str) {
    body.push_str(s);
    *chars += s.chars().count();
}

/// One article: 4 to 9 sentences, each naming one to three actors.
fn article(
    rng: &mut StdRng,
    actors: &[Actor],
    zipf: &Zipf,
    outlets: &Zipf,
    published_at: DateTime<Utc>,
) -> BulkArticle {
    let mut body = String::new();
    let mut chars = 0usize;
    let mut mentions = Vec::new();
    let sentences = rng.random_range(4..10);
    for sentence in 0..sentences {
        if sentence > 0 {
            push(&mut body, &mut chars, " ");
        }
        let named = rng.random_range(1..4);
        for k in 0..named {
            let actor = &actors[zipf.sample(rng)];
            // Most mentions use the full name; some a variant or a surname.
            let form = if rng.random_bool(0.8) {
                &actor.forms[0]
            } else {
                &actor.forms[rng.random_range(0..actor.forms.len())]
            };
            let title = (actor.entity_type == "PER" && rng.random_bool(0.2))
                .then(|| TITLES[rng.random_range(0..TITLES.len())]);
            if let Some(t) = title {
                push(&mut body, &mut chars, &format!("The {t} "));
            } else if k > 0 {
                push(&mut body, &mut chars, "and ");
            }
            let start = chars;
            push(&mut body, &mut chars, form);
            mentions.push(BulkMention {
                entity_id: actor.id,
                entity_type: actor.entity_type.to_string(),
                start: i32::try_from(start).unwrap_or(i32::MAX),
                end: i32::try_from(chars).unwrap_or(i32::MAX),
                text: form.clone(),
                sentence_index: sentence,
                title: title.map(str::to_string),
            });
            push(&mut body, &mut chars, " ");
        }
        let (a, b) = (
            WORDS[rng.random_range(0..WORDS.len())],
            WORDS[rng.random_range(0..WORDS.len())],
        );
        push(
            &mut body,
            &mut chars,
            &format!(
                "spoke about the {a} and the {b} on the {}th day.",
                rng.random_range(2..29)
            ),
        );
    }
    let title = format!(
        "{} {} as {} continue",
        actors[zipf.sample(rng)].forms[0],
        WORDS[rng.random_range(0..WORDS.len())],
        WORDS[rng.random_range(0..WORDS.len())]
    );
    BulkArticle {
        id: Uuid::now_v7(),
        title,
        body,
        outlet: outlet(outlets.sample(rng)),
        language: if rng.random_bool(0.95) { "en" } else { "fr" }.to_string(),
        published_at,
        mentions,
    }
}

/// The first instant of the year the corpus covers.
pub fn year_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Generates and loads `n` articles over a year (in publication order, so
/// that ids grow with time as ingestion's do), showing progress; their ids.
pub async fn load_articles(
    store: &Store,
    actors: &[Actor],
    n: usize,
    seed: u64,
) -> anyhow::Result<Vec<Uuid>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let zipf = Zipf::new(actors.len(), ZIPF);
    let outlets = Zipf::new(OUTLETS, 1.0);
    let step = Duration::seconds(365 * 86_400) / i32::try_from(n.max(1)).unwrap_or(i32::MAX);
    let bar = crate::calls::progress(n);
    bar.set_message("articles loaded");
    let mut done = 0;
    let mut ids = Vec::with_capacity(n);
    while done < n {
        let batch: Vec<BulkArticle> = (done..n.min(done + BATCH))
            .map(|i| {
                let at = year_start() + step * i32::try_from(i).unwrap_or(i32::MAX);
                article(&mut rng, actors, &zipf, &outlets, at)
            })
            .collect();
        store.bulk_load_articles(&batch).await?;
        ids.extend(batch.iter().map(|a| a.id));
        done += batch.len();
        bar.set_position(done as u64);
    }
    bar.finish_and_clear();
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_favours_the_first_ranks() {
        let z = Zipf::new(1000, ZIPF);
        let mut rng = StdRng::seed_from_u64(1);
        let mut counts = vec![0usize; 1000];
        for _ in 0..100_000 {
            counts[z.sample(&mut rng)] += 1;
        }
        assert!(counts[0] > 10 * counts[99], "{} {}", counts[0], counts[99]);
        assert!(counts[999] > 0 || counts[998] > 0 || counts[997] > 0);
    }

    #[test]
    fn mentions_point_at_their_names() {
        let mut rng = StdRng::seed_from_u64(3);
        let actors: Vec<Actor> = (0..50)
            .map(|i| {
                let (name, ty) = synthetic_name(i);
                Actor {
                    id: Uuid::now_v7(),
                    entity_type: ty,
                    forms: vec![name.clone(), variant(&name).unwrap_or(name)],
                }
            })
            .collect();
        let a = article(
            &mut rng,
            &actors,
            &Zipf::new(50, ZIPF),
            &Zipf::new(OUTLETS, 1.0),
            year_start(),
        );
        let chars: Vec<char> = a.body.chars().collect();
        assert!(!a.mentions.is_empty());
        for m in &a.mentions {
            let at: String = chars[m.start as usize..m.end as usize].iter().collect();
            assert_eq!(at, m.text);
        }
    }
}
