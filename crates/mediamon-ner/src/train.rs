//! Training: an averaged structured perceptron (Collins, 2002) over BILOU
//! tags with Viterbi decoding. Deterministic for a seed: sentences are
//! visited in an order shuffled by a seeded generator.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rustc_hash::FxHashMap;

use crate::conll::Document;
use crate::features::{DocContext, Hint, Prepared, extract_prepared, hints};
use crate::gazetteer::Gazetteer;
use crate::model::{Model, Stack, Transitions, viterbi};
use crate::tags::{TAGS, encode};

/// Training settings.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub epochs: usize,
    pub seed: u64,
    /// Averaged weights smaller than this are dropped from the model.
    pub prune: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            epochs: 24,
            seed: 2003,
            prune: 0.05,
        }
    }
}

/// One training sentence: feature indices per token, and gold tags.
struct Instance {
    feats: Vec<u32>,
    offsets: Vec<u32>,
    gold: Vec<usize>,
}

impl Instance {
    fn token(&self, i: usize) -> &[u32] {
        &self.feats[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// Weights with the running sums that averaging needs: the average of w
/// over all steps is `w - acc / steps`.
struct Averaged {
    w: Vec<f32>,
    acc: Vec<f32>,
    trans: Transitions,
    trans_acc: Transitions,
    steps: f32,
}

impl Averaged {
    fn bump(&mut self, f: u32, tag: usize, delta: f32) {
        let at = f as usize * TAGS + tag;
        self.w[at] += delta;
        self.acc[at] += self.steps * delta;
    }

    fn bump_transition(&mut self, prev: usize, tag: usize, delta: f32) {
        self.trans[prev][tag] += delta;
        self.trans_acc[prev][tag] += self.steps * delta;
    }
}

/// Progress of one epoch.
#[derive(Debug, Clone, Copy)]
pub struct Epoch {
    /// "first pass", "fold 2 of 5", "second pass".
    pub stage: &'static str,
    pub epoch: usize,
    pub epochs: usize,
    /// Sentences decoded wrongly in this epoch.
    pub wrong: usize,
    pub sentences: usize,
}

/// Folds for the first-pass tags the second pass trains on: each fold is
/// tagged by a model that did not see it, so the hints are as wrong as they
/// will be on new text.
pub const FOLDS: usize = 5;
const FOLD_NAMES: [&str; FOLDS] = [
    "fold 1 of 5",
    "fold 2 of 5",
    "fold 3 of 5",
    "fold 4 of 5",
    "fold 5 of 5",
];

fn tokens_of(doc: &Document) -> Vec<Vec<&str>> {
    doc.sentences
        .iter()
        .map(|s| s.tokens.iter().map(String::as_str).collect())
        .collect()
}

/// The first pass's hints for one document.
fn document_hints(model: &Model, sentences: &[Vec<&str>]) -> Vec<Vec<Hint>> {
    let gaz = Gazetteer::builtin();
    let ctx = DocContext::new(sentences.iter().map(Vec::as_slice));
    let prepared: Vec<Prepared<'_>> = sentences
        .iter()
        .map(|t| Prepared::new(t, &ctx, gaz))
        .collect();
    let tags: Vec<Vec<usize>> = prepared
        .iter()
        .map(|p| model.decode_prepared(p).0)
        .collect();
    hints(&prepared, &tags)
}

/// Trains both passes on labeled documents.
pub fn train(docs: &[Document], settings: Settings, mut progress: impl FnMut(Epoch)) -> Stack {
    let first = train_model(docs, None, settings, &mut |e| {
        progress(Epoch {
            stage: "first pass",
            ..e
        })
    });
    let mut doc_hints: Vec<Vec<Vec<Hint>>> = vec![Vec::new(); docs.len()];
    for (fold, name) in FOLD_NAMES.iter().enumerate() {
        let (held, rest): (Vec<usize>, Vec<usize>) =
            (0..docs.len()).partition(|i| i % FOLDS == fold);
        let train_docs: Vec<Document> = rest.iter().map(|&i| docs[i].clone()).collect();
        let model = train_model(&train_docs, None, settings, &mut |e| {
            progress(Epoch { stage: name, ..e })
        });
        for i in held {
            doc_hints[i] = document_hints(&model, &tokens_of(&docs[i]));
        }
    }
    let second = train_model(docs, Some(&doc_hints), settings, &mut |e| {
        progress(Epoch {
            stage: "second pass",
            ..e
        })
    });
    Stack::new(first, Some(second))
}

/// Trains one pass; with `hints`, the second.
fn train_model(
    docs: &[Document],
    hints: Option<&[Vec<Vec<Hint>>]>,
    settings: Settings,
    progress: &mut dyn FnMut(Epoch),
) -> Model {
    let gaz = Gazetteer::builtin();
    let mut ids: FxHashMap<u64, u32> = FxHashMap::default();
    let mut keys: Vec<u64> = Vec::new();
    let mut instances: Vec<Instance> = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        let token_refs = tokens_of(doc);
        let ctx = DocContext::new(token_refs.iter().map(Vec::as_slice));
        for (si, (s, tokens)) in doc.sentences.iter().zip(&token_refs).enumerate() {
            let mut p = Prepared::new(tokens, &ctx, gaz);
            if let Some(h) = hints {
                p = p.with_hints(h[d][si].clone());
            }
            let f = extract_prepared(&p);
            let feats = f
                .keys
                .iter()
                .map(|&k| {
                    *ids.entry(k).or_insert_with(|| {
                        keys.push(k);
                        (keys.len() - 1) as u32
                    })
                })
                .collect();
            instances.push(Instance {
                feats,
                offsets: f.offsets.iter().map(|&o| o as u32).collect(),
                gold: encode(tokens.len(), &s.spans),
            });
        }
    }
    let mut m = Averaged {
        w: vec![0.0; keys.len() * TAGS],
        acc: vec![0.0; keys.len() * TAGS],
        trans: [[0.0; TAGS]; TAGS + 1],
        trans_acc: [[0.0; TAGS]; TAGS + 1],
        steps: 1.0,
    };
    let mut order: Vec<usize> = (0..instances.len()).collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(settings.seed);
    for epoch in 0..settings.epochs {
        order.shuffle(&mut rng);
        let mut wrong = 0;
        for &at in &order {
            let inst = &instances[at];
            let n = inst.gold.len();
            let scores: Vec<[f32; TAGS]> = (0..n)
                .map(|i| {
                    let mut s = [0.0f32; TAGS];
                    for &f in inst.token(i) {
                        let row = &m.w[f as usize * TAGS..(f as usize + 1) * TAGS];
                        for (a, b) in s.iter_mut().zip(row) {
                            *a += b;
                        }
                    }
                    s
                })
                .collect();
            let predicted = viterbi(&scores, &m.trans);
            if predicted != inst.gold {
                wrong += 1;
                for i in 0..n {
                    let (g, p) = (inst.gold[i], predicted[i]);
                    if g != p {
                        for &f in inst.token(i) {
                            m.bump(f, g, 1.0);
                            m.bump(f, p, -1.0);
                        }
                    }
                    let (gp, pp) = if i == 0 {
                        (TAGS, TAGS)
                    } else {
                        (inst.gold[i - 1], predicted[i - 1])
                    };
                    if (gp, g) != (pp, p) {
                        m.bump_transition(gp, g, 1.0);
                        m.bump_transition(pp, p, -1.0);
                    }
                }
            }
            m.steps += 1.0;
        }
        progress(Epoch {
            stage: "",
            epoch: epoch + 1,
            epochs: settings.epochs,
            wrong,
            sentences: instances.len(),
        });
    }
    let averaged: Vec<f32> =
        m.w.iter()
            .zip(&m.acc)
            .map(|(w, a)| w - a / m.steps)
            .collect();
    let mut trans = m.trans;
    for (row, acc) in trans.iter_mut().zip(&m.trans_acc) {
        for (w, a) in row.iter_mut().zip(acc) {
            *w -= a / m.steps;
        }
    }
    Model::from_weights(&keys, &averaged, trans, settings.prune)
}
