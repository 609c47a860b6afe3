//! The team's shared data (`../shared/` beside the repository: the seed
//! articles, CoNLL, ECB+, ...) for tests. It is not part of the product and
//! a clone may not have it: `cargo test --workspace` must pass there. A test
//! that needs it asks [`shared`] and returns early on `None`; the skip is
//! written straight to the terminal (libtest captures only `print!`), so it
//! is seen. CI sets `MEDIAMON_REQUIRE_SHARED=1`, which turns a missing
//! folder into a failure.

use std::io::Write as _;
use std::path::PathBuf;

/// The variable that makes missing shared data a failure.
pub const REQUIRE: &str = "MEDIAMON_REQUIRE_SHARED";

/// `../shared/<rel>` beside the repository when it exists; otherwise says
/// that `test` is skipped and returns `None`, or panics when [`REQUIRE`] is
/// set to anything but `0` or empty.
pub fn shared(rel: &str, test: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    if path.exists() {
        return Some(path);
    }
    let required = std::env::var(REQUIRE).is_ok_and(|v| !v.is_empty() && v != "0");
    assert!(
        !required,
        "{test}: {} not found and {REQUIRE} is set",
        path.display()
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: the team's data ../shared/{rel} is not beside the repository"
    );
    None
}

/// The seed articles (`../shared/seeds`), as (file name, text), sorted by
/// name; `None` as for [`shared`].
pub fn seeds(test: &str) -> Option<Vec<(String, String)>> {
    let dir = shared("seeds", test)?;
    let mut seeds: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (name, text)
        })
        .collect();
    seeds.sort();
    Some(seeds)
}

/// The text of the seed whose file name starts with `prefix` ("001_").
pub fn seed(prefix: &str, test: &str) -> Option<String> {
    seeds(test)?
        .into_iter()
        .find(|(name, _)| name.starts_with(prefix))
        .map(|(_, text)| text)
        .or_else(|| panic!("no seed {prefix} in ../shared/seeds"))
}
