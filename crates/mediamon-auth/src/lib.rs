//! API keys and scopes.
//!
//! A key is a random bearer token; only its SHA-256 is ever stored (settings
//! or a mounted Secret). Tokens are 256 random bits, so a fast hash is enough:
//! nothing can be guessed from it. Every RPC but health and reflection needs a
//! token whose key has the RPC's scope: no or unknown token -> UNAUTHENTICATED,
//! wrong scope -> PERMISSION_DENIED, checked before any handler runs, so a
//! refused call writes nothing.

mod layer;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use mediamon_config::{ApiKeyEntry, AuthSettings};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub use layer::{AuthLayer, AuthService};

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Push articles.
    Ingest,
    /// Search and read.
    Read,
    /// Change entities (merge, split, aliases).
    Curate,
    /// Hand mentions to the resolver (service to service).
    Resolve,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::Ingest, Scope::Read, Scope::Curate, Scope::Resolve];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Ingest => "ingest",
            Scope::Read => "read",
            Scope::Curate => "curate",
            Scope::Resolve => "resolve",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = AuthError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s.trim())
            .ok_or_else(|| AuthError::UnknownScope(s.to_string()))
    }
}

/// Problems with key configuration.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("unknown scope {0:?} (expected ingest, read, curate or resolve)")]
    UnknownScope(String),
    #[error("key {name:?}: sha256 must be 64 hex digits")]
    BadHash { name: String },
    #[error("cannot read keys file {path}: {source}")]
    KeysFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("keys file {path} line {line}: expected `NAME SCOPE[,SCOPE...] SHA256HEX`")]
    KeysFileLine { path: PathBuf, line: usize },
}

/// The caller a valid token belongs to; handlers find it in request extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub scopes: Vec<Scope>,
}

/// Every accepted key, by token hash.
#[derive(Debug, Clone, Default)]
pub struct KeyRing {
    by_hash: HashMap<String, Principal>,
}

impl KeyRing {
    /// Keys from the settings and from `auth.keys_file`.
    pub fn from_settings(settings: &AuthSettings) -> Result<Self, AuthError> {
        let mut ring = KeyRing::default();
        for entry in &settings.keys {
            ring.add_entry(entry)?;
        }
        if let Some(path) = &settings.keys_file {
            for entry in read_keys_file(path)? {
                ring.add_entry(&entry)?;
            }
        }
        Ok(ring)
    }

    /// Adds one configured key.
    pub fn add_entry(&mut self, entry: &ApiKeyEntry) -> Result<(), AuthError> {
        let hash = entry.sha256.trim().to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AuthError::BadHash {
                name: entry.name.clone(),
            });
        }
        let scopes = entry
            .scopes
            .iter()
            .map(|s| s.parse())
            .collect::<Result<Vec<Scope>, _>>()?;
        self.by_hash.insert(
            hash,
            Principal {
                name: entry.name.clone(),
                scopes,
            },
        );
        Ok(())
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// The principal a bearer token belongs to.
    pub fn authenticate(&self, token: &str) -> Option<&Principal> {
        self.by_hash.get(&hash_token(token))
    }
}

/// Lowercase hex SHA-256 of a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token: `mm_` and 64 hex digits.
pub fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("mm_{}", hex::encode(bytes))
}

/// The keys-file line for a token.
pub fn key_line(name: &str, scopes: &[Scope], token: &str) -> String {
    let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    format!("{name} {} {}", scopes.join(","), hash_token(token))
}

/// Reads a keys file: `NAME SCOPE[,SCOPE...] SHA256HEX` per line, `#` comments.
pub fn read_keys_file(path: &Path) -> Result<Vec<ApiKeyEntry>, AuthError> {
    let text = std::fs::read_to_string(path).map_err(|source| AuthError::KeysFile {
        path: path.to_path_buf(),
        source,
    })?;
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [name, scopes, sha256] = parts[..] else {
            return Err(AuthError::KeysFileLine {
                path: path.to_path_buf(),
                line: i + 1,
            });
        };
        entries.push(ApiKeyEntry {
            name: name.to_string(),
            scopes: scopes.split(',').map(str::to_string).collect(),
            sha256: sha256.to_string(),
        });
    }
    Ok(entries)
}

/// What an RPC path needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Health and reflection: anyone.
    Public,
    /// A token with this scope.
    Scope(Scope),
}

/// The one table of who may call what.
pub fn required_access(path: &str) -> Access {
    let service = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match service {
        "grpc.health.v1.Health"
        | "grpc.reflection.v1.ServerReflection"
        | "grpc.reflection.v1alpha.ServerReflection" => Access::Public,
        "mediamon.v1.IngestService" => Access::Scope(Scope::Ingest),
        "mediamon.v1.EntityResolutionService" => match path.rsplit('/').next().unwrap_or("") {
            "ResolveMentions" => Access::Scope(Scope::Resolve),
            "MergeEntities"
            | "SplitEntity"
            | "AddAlias"
            | "RemoveAlias"
            | "SetCanonicalName"
            | "ListReviewCandidates"
            | "ListCurationLog" => Access::Scope(Scope::Curate),
            _ => Access::Scope(Scope::Read),
        },
        _ => Access::Scope(Scope::Read),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring_with(token: &str, scopes: &[&str]) -> KeyRing {
        let mut ring = KeyRing::default();
        ring.add_entry(&ApiKeyEntry {
            name: "dev".into(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            sha256: hash_token(token),
        })
        .expect("valid key");
        ring
    }

    #[test]
    fn authenticates_by_hash_only() {
        let token = generate_token();
        let ring = ring_with(&token, &["read"]);
        assert_eq!(
            ring.authenticate(&token).map(|p| p.scopes.clone()),
            Some(vec![Scope::Read])
        );
        assert!(ring.authenticate("mm_wrong").is_none());
    }

    #[test]
    fn rejects_bad_configuration() {
        let mut ring = KeyRing::default();
        let bad_hash = ApiKeyEntry {
            name: "x".into(),
            scopes: vec!["read".into()],
            sha256: "abc".into(),
        };
        assert!(matches!(
            ring.add_entry(&bad_hash),
            Err(AuthError::BadHash { .. })
        ));
        let bad_scope = ApiKeyEntry {
            sha256: hash_token("t"),
            scopes: vec!["admin".into()],
            ..bad_hash
        };
        assert!(matches!(
            ring.add_entry(&bad_scope),
            Err(AuthError::UnknownScope(_))
        ));
    }

    #[test]
    fn keys_file_round_trips() {
        let dir = std::env::temp_dir().join(format!("mm-auth-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("keys");
        let token = generate_token();
        let line = key_line("svc", &[Scope::Resolve, Scope::Read], &token);
        std::fs::write(&path, format!("# comment\n\n{line}\n")).expect("write");
        let settings = AuthSettings {
            keys_file: Some(path.clone()),
            ..AuthSettings::default()
        };
        let ring = KeyRing::from_settings(&settings).expect("ring");
        assert_eq!(
            ring.authenticate(&token).map(|p| p.name.as_str()),
            Some("svc")
        );
        std::fs::write(&path, "only two\n").expect("write");
        assert!(matches!(
            KeyRing::from_settings(&settings),
            Err(AuthError::KeysFileLine { line: 1, .. })
        ));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn access_table() {
        for (path, access) in [
            ("/grpc.health.v1.Health/Check", Access::Public),
            (
                "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                Access::Public,
            ),
            (
                "/mediamon.v1.IngestService/IngestArticle",
                Access::Scope(Scope::Ingest),
            ),
            (
                "/mediamon.v1.EntityResolutionService/ResolveMentions",
                Access::Scope(Scope::Resolve),
            ),
            (
                "/mediamon.v1.EntityResolutionService/GetEntity",
                Access::Scope(Scope::Read),
            ),
            (
                "/mediamon.v1.EntityResolutionService/MergeEntities",
                Access::Scope(Scope::Curate),
            ),
            (
                "/mediamon.v1.EntityResolutionService/ListReviewCandidates",
                Access::Scope(Scope::Curate),
            ),
            (
                "/mediamon.v1.EntityResolutionService/ListCurationLog",
                Access::Scope(Scope::Curate),
            ),
            (
                "/mediamon.v1.EntityResolutionService/ExplainResolution",
                Access::Scope(Scope::Read),
            ),
            (
                "/mediamon.v1.QueryService/SearchArticles",
                Access::Scope(Scope::Read),
            ),
            ("/unknown.Service/Call", Access::Scope(Scope::Read)),
        ] {
            assert_eq!(required_access(path), access, "{path}");
        }
    }
}
