//! `mediamon bench ...`: quality and speed on labeled data.

pub mod extract;
pub mod ner;
pub mod resolve;
mod service;
