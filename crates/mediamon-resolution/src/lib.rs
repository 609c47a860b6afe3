//! The resolution core: which entity each name of an article denotes.
//!
//! It owns the decision for one mention given candidate aliases
//! ([`decide`]), the blocking keys that fetch those candidates ([`keys`]),
//! and the planner of a whole article ([`plan`]): within-article
//! coreference, the candidate pool, new entities, review pairs, the context
//! step for ambiguous surnames, and the evidence each decision rests on.
//!
//! Invariant: pure, no IO and no wire types. The resolver service fetches
//! candidates and writes the plan in one transaction; `mediamon bench
//! resolve` drives the same planner over an in-memory store, so both decide
//! alike by construction.

pub mod decide;
pub mod keys;
pub mod plan;

pub use keys::{AliasKeys, Lookup, PROBE_CAP, Probe, alias_keys};
pub use plan::{Analysed, Choice, Evidence, Known, MentionIn, Outcome, Plan, plan};
