//! `mediamon bench ...`: quality and speed on labeled data.

pub mod ner;
pub mod resolve;
mod service;
