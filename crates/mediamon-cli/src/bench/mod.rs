//! `mediamon bench ...`: quality and speed on labeled data.

pub mod resolve;
mod service;
