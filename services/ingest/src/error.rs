//! Every way an ingest call can fail, each with its API code.

use mediamon_proto::error::{ApiError, Code, FieldViolation};
use mediamon_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("invalid {field}: {reason}")]
    InvalidArgument { field: &'static str, reason: String },
    #[error("article is {size} bytes, more than the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IngestError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidArgument {
            field,
            reason: reason.into(),
        }
    }
}

impl ApiError for IngestError {
    fn code(&self) -> Code {
        match self {
            Self::InvalidArgument { .. } => Code::InvalidArgument,
            Self::TooLarge { .. } => Code::ResourceExhausted,
            Self::Store(e) => mediamon_wire::store_error_code(e),
        }
    }

    fn field_violations(&self) -> Vec<FieldViolation> {
        match self {
            Self::InvalidArgument { field, reason } => {
                vec![FieldViolation::new(*field, reason.clone())]
            }
            _ => Vec::new(),
        }
    }
}

impl From<IngestError> for tonic::Status {
    fn from(err: IngestError) -> Self {
        mediamon_proto::error::to_status(&err)
    }
}
