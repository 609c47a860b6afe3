//! Fetching news from the web politely, and reading RSS and Atom feeds.
//!
//! `Fetcher` asks each host's robots.txt first (cached), spaces requests to
//! one host by a delay (or the host's Crawl-delay, if longer), sends
//! conditional requests (ETag / Last-Modified) so an unchanged feed is not
//! downloaded again, follows a bounded number of redirects, and stops
//! reading a body past a size cap; it refuses internal addresses (loopback,
//! private, link-local and the like) in URLs, redirects and DNS answers.
//! `parse_feed` turns RSS or Atom into entries with a stable key, a link and
//! a date.
//!
//! Invariants: no request to a host is sent before its robots.txt allows it;
//! requests to one host are at least the delay apart, however many tasks
//! share the fetcher; a body is never held beyond the cap; no request
//! reaches an internal address unless its host is allowed.

mod feed;
mod fetch;
mod guard;

pub use feed::{Entry, FeedError, parse_feed};
pub use fetch::{FetchError, FetchSettings, Fetched, Fetcher, Validators};
pub use guard::{AllowedHosts, InternalAddress, check_url, is_internal};
