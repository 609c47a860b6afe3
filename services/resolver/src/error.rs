//! Every way a resolver call can fail, each with its API code.

use mediamon_proto::error::{ApiError, Code, FieldViolation, Invalid};
use mediamon_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ResolverError {
    #[error(transparent)]
    InvalidArgument(#[from] Invalid),
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ResolverError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidArgument(Invalid::new(field, reason))
    }
}

impl ApiError for ResolverError {
    fn code(&self) -> Code {
        match self {
            Self::InvalidArgument(_) => Code::InvalidArgument,
            Self::NotFound { .. } => Code::NotFound,
            Self::Store(e) => mediamon_wire::store_error_code(e),
        }
    }

    fn field_violations(&self) -> Vec<FieldViolation> {
        match self {
            Self::InvalidArgument(e) => e.violations(),
            Self::Store(StoreError::InvalidArgument { field, reason }) => {
                Invalid::new(field.clone(), reason.clone()).violations()
            }
            _ => Vec::new(),
        }
    }
}

impl From<ResolverError> for tonic::Status {
    fn from(err: ResolverError) -> Self {
        mediamon_proto::error::to_status(&err)
    }
}
