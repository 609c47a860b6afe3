//! Every way an ingest call can fail, each with its API code.

use mediamon_proto::error::{ApiError, Code, FieldViolation, Invalid};
use mediamon_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    InvalidArgument(#[from] Invalid),
    #[error("article is {size} bytes, more than the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("a batch holds at most {limit} items; send the rest in another")]
    BatchTooLong { limit: usize },
    #[error(
        "the article names {found} people, organisations and places, more than the {limit} \
         one article may; split it"
    )]
    TooManyMentions { found: usize, limit: usize },
    /// An item of an IngestBatch stream could not be read (too large for a
    /// message, not protobuf); the stream ends there.
    #[error("item unreadable, the stream ends here: {reason}")]
    Unreadable { reason: String, exhausted: bool },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The built-in name recogniser's model could not be loaded (a build
    /// defect, not the caller's).
    #[error(transparent)]
    Recogniser(#[from] mediamon_ner::Error),
    /// The blocking task that prepares an article panicked or was cancelled.
    #[error("preparing the article failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl IngestError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidArgument(Invalid::new(field, reason))
    }
}

impl ApiError for IngestError {
    fn code(&self) -> Code {
        match self {
            Self::InvalidArgument(_) => Code::InvalidArgument,
            Self::TooLarge { .. } | Self::BatchTooLong { .. } | Self::TooManyMentions { .. } => {
                Code::ResourceExhausted
            }
            Self::Unreadable {
                exhausted: true, ..
            } => Code::ResourceExhausted,
            Self::Unreadable { .. } => Code::InvalidArgument,
            Self::Store(e) => mediamon_wire::store_error_code(e),
            Self::Recogniser(_) | Self::Task(_) => Code::Internal,
        }
    }

    fn field_violations(&self) -> Vec<FieldViolation> {
        match self {
            Self::InvalidArgument(e) => e.violations(),
            _ => Vec::new(),
        }
    }
}

impl From<IngestError> for tonic::Status {
    fn from(err: IngestError) -> Self {
        mediamon_proto::error::to_status(&err)
    }
}
