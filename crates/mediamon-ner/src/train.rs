//! Training: an averaged structured perceptron (Collins, 2002) over BILOU
//! tags with Viterbi decoding. Deterministic for a seed: sentences are
//! visited in an order shuffled by a seeded generator.

use fnv::FnvHashMap;
use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::conll::Document;
use crate::features::{DocContext, extract};
use crate::gazetteer::Gazetteer;
use crate::model::{Model, Transitions, viterbi};
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
            epochs: 12,
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
    pub epoch: usize,
    pub epochs: usize,
    /// Sentences decoded wrongly in this epoch.
    pub wrong: usize,
    pub sentences: usize,
}

/// Trains a model on labeled documents.
pub fn train(docs: &[Document], settings: Settings, mut progress: impl FnMut(Epoch)) -> Model {
    let gaz = Gazetteer::builtin();
    let mut ids: FnvHashMap<u64, u32> = FnvHashMap::default();
    let mut keys: Vec<u64> = Vec::new();
    let mut instances: Vec<Instance> = Vec::new();
    for doc in docs {
        let token_refs: Vec<Vec<&str>> = doc
            .sentences
            .iter()
            .map(|s| s.tokens.iter().map(String::as_str).collect())
            .collect();
        let ctx = DocContext::new(token_refs.iter().map(Vec::as_slice));
        for (s, tokens) in doc.sentences.iter().zip(&token_refs) {
            let f = extract(tokens, &ctx, gaz);
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
