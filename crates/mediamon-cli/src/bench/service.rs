//! The resolution benchmark through the real resolver service: a database
//! preloaded with synthetic entities (so candidate lookups face a realistic
//! index), the labeled documents stored as articles, and every article
//! resolved over gRPC in arrival order. Quality is read back from the store.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::StreamExt;
use mediamon_auth::{KeyRing, Scope, generate_token, hash_token};
use mediamon_config::{ApiKeyEntry, ResolverSettings};
use mediamon_names::analyze;
use mediamon_proto::v1::ResolveMentionsRequest;
use mediamon_store::{NewArticle, NewEntity, NewMention, Store, TraceCarrier, Uuid};

use super::resolve::{Gold, Labeled, Row, score};

/// Syllables for synthetic names: pronounceable, and unlike the labeled
/// set's real names, so the preload adds candidates without adding answers.
const SYLLABLES: &[&str] = &[
    "bar", "dov", "zel", "kin", "tor", "vash", "mel", "rud", "pesh", "gol", "tan", "lor", "sef",
    "nav", "quil", "brim", "dast", "fen", "jor", "kalv", "mund", "orv", "plet", "rosk",
];

pub(crate) fn synthetic_name(i: usize) -> (String, &'static str) {
    let n = SYLLABLES.len();
    let token = |k: usize| {
        let a = SYLLABLES[k % n];
        let b = SYLLABLES[(k / n) % n];
        let mut t = format!("{a}{b}");
        if let Some(first) = t.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        t
    };
    let types = ["PER", "PER", "PER", "ORG", "LOC"];
    let ty = types[i % types.len()];
    let name = match ty {
        "ORG" => format!("{} {} Council", token(i), token(i / 7 + 3)),
        "LOC" => token(i * 31 + 5) + &token(i / 3),
        _ => format!("{} {}", token(i), token(i / (n * n) + i % 97)),
    };
    (name, ty)
}

fn static_type(ty: &str) -> &'static str {
    match ty {
        "PER" => "PER",
        "ORG" => "ORG",
        "LOC" => "LOC",
        _ => "MISC",
    }
}

/// Builds one article per document: the contexts as paragraphs, each
/// mention found inside its own context (code-point offsets).
fn article(doc: &[usize], mentions: &[Gold]) -> (NewArticle, Vec<(usize, NewMention)>) {
    let mut body = String::new();
    let mut placed: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for &i in doc {
        let g = &mentions[i];
        let start_of_context = *placed.entry(g.context.as_str()).or_insert_with(|| {
            if !body.is_empty() {
                body.push_str("\n\n");
            }
            let at = body.len();
            body.push_str(&g.context);
            at
        });
        let Some(in_context) = g.context.find(&g.surface) else {
            continue;
        };
        let byte = start_of_context + in_context;
        let start = body[..byte].chars().count();
        let end = start + g.surface.chars().count();
        out.push((
            i,
            NewMention {
                id: Uuid::now_v7(),
                entity_type: static_type(&g.ty),
                start: i32::try_from(start).unwrap_or(i32::MAX),
                end: i32::try_from(end).unwrap_or(i32::MAX),
                text: g.surface.clone(),
                sentence_index: 0,
                titles: g.cues.clone(),
                confidence: 1.0,
            },
        ));
    }
    let doc_id = doc
        .first()
        .map(|&i| mentions[i].doc.clone())
        .unwrap_or_default();
    let article = NewArticle {
        title: format!("benchmark document {doc_id}"),
        content_hash: format!("bench:{doc_id}"),
        body,
        url: None,
        outlet: None,
        authors: Vec::new(),
        language: Some("en".into()),
        published_at: None,
        published_precision: None,
        published_source: None,
        dateline: None,
        minhash: None,
        idempotency_key: None,
    };
    (article, out)
}

pub async fn run(
    set: &Labeled,
    preload: usize,
    concurrency: usize,
) -> anyhow::Result<(Row, Vec<usize>)> {
    let (mentions, docs) = (&set.mentions, &set.docs);
    let db = super::BenchDb::start(mediamon_pgcluster::Durability::Durable).await?;
    let url = db.url.clone();
    let store = Store::connect(&url, 8, Duration::from_secs(10)).await?;
    store.migrate().await?;

    let bar = crate::calls::progress(preload);
    bar.set_message("preloading entities");
    for chunk in (0..preload).collect::<Vec<_>>().chunks(5000) {
        let batch: Vec<NewEntity> = chunk
            .iter()
            .map(|&i| {
                let (name, ty) = synthetic_name(i);
                let keys = mediamon_resolution::alias_keys(&name, &analyze(&name, ty), ty);
                NewEntity {
                    name,
                    entity_type: ty.to_string(),
                    keys,
                }
            })
            .collect();
        store.bulk_load_entities(&batch).await?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();

    let mut articles = Vec::new();
    let mut gold_of: HashMap<Uuid, usize> = HashMap::new();
    for doc in docs {
        let (new, placed) = article(doc, mentions);
        let ids: Vec<Uuid> = placed.iter().map(|(_, m)| m.id).collect();
        for (i, m) in &placed {
            gold_of.insert(m.id, *i);
        }
        let inserted = store
            .insert_article(
                new,
                mediamon_store::Annotations {
                    mentions: placed.into_iter().map(|(_, m)| m).collect(),
                    ..Default::default()
                },
                TraceCarrier::default(),
            )
            .await?;
        let mediamon_store::Inserted::Created { id, .. } = inserted else {
            anyhow::bail!("document stored twice");
        };
        articles.push((id, ids));
    }

    let token = generate_token();
    let mut keys = KeyRing::default();
    keys.add_entry(&ApiKeyEntry {
        name: "bench".into(),
        scopes: vec![Scope::Resolve.to_string()],
        sha256: hash_token(&token),
    })?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let settings = ResolverSettings::default();
    let server_store = store.clone();
    let server = tokio::spawn(async move {
        mediamon_resolver::serve(listener, &settings, server_store, keys, async {
            let _ = stopped.await;
        })
        .await
    });
    let url_grpc = format!("http://{addr}");
    mediamon_client::wait_serving(
        &url_grpc,
        "mediamon.v1.EntityResolutionService",
        Duration::from_secs(10),
    )
    .await?;
    let channel = mediamon_client::connect(&mediamon_client::endpoint(
        &url_grpc,
        None,
        Duration::from_secs(60),
    )?)
    .await?;
    let client = mediamon_client::resolver(channel, mediamon_client::Outgoing::new(Some(&token))?);

    // Articles go out in arrival order, `concurrency` at a time, as several
    // dispatchers would send them.
    let started = Instant::now();
    let calls = articles.iter().map(|(id, _)| {
        let mut client = client.clone();
        let request = ResolveMentionsRequest {
            article_id: id.to_string(),
            mentions: Vec::new(),
        };
        async move {
            client
                .resolve_mentions(request)
                .await
                .map_err(crate::calls::status_error)
                .context("resolving a benchmark article")
        }
    });
    let mut pending = futures::stream::iter(calls).buffered(concurrency.max(1));
    while let Some(done) = pending.next().await {
        done?;
    }
    let elapsed = started.elapsed();

    // Read the links back; an unlinked mention is a cluster of its own.
    let mut predicted = vec![usize::MAX; mentions.len()];
    let mut cluster_of: HashMap<Uuid, usize> = HashMap::new();
    let mut next = 0usize;
    for (id, _) in &articles {
        for m in store.article_mentions(*id).await? {
            let Some(&gold) = gold_of.get(&m.id) else {
                continue;
            };
            predicted[gold] = match m.entity_id {
                Some(e) => *cluster_of.entry(e).or_insert_with(|| {
                    next += 1;
                    next
                }),
                None => {
                    next += 1;
                    next
                }
            };
        }
    }
    for p in predicted.iter_mut().filter(|p| **p == usize::MAX) {
        // A mention its context did not contain: unresolved, on its own.
        next += 1;
        *p = next;
    }
    let placed = gold_of.len();
    let _ = stop.send(());
    server.await??;
    store.close().await?;
    db.stop().await?;
    let row = score(
        &format!("service, gRPC ({preload} preloaded, {concurrency} in flight)"),
        set,
        &predicted,
        placed as f64 / elapsed.as_secs_f64(),
    );
    Ok((row, predicted))
}
