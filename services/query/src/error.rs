//! Every way a query call can fail, each with its API code.

use mediamon_proto::error::{ApiError, Code, FieldViolation, Invalid};
use mediamon_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(transparent)]
    InvalidArgument(#[from] Invalid),
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    #[error("the resolver is unavailable: {0}")]
    ResolverUnavailable(String),
    #[error("the resolver failed: {0}")]
    Resolver(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Every search slot stayed taken while the call waited.
    #[error("too many searches at once; try again shortly")]
    Busy,
}

impl QueryError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidArgument(Invalid::new(field, reason))
    }

    /// A failed resolver lookup made for request field `field`.
    pub fn from_resolver(field: &str, status: &tonic::Status) -> Self {
        match status.code() {
            tonic::Code::InvalidArgument => Self::invalid(field, status.message()),
            tonic::Code::Unavailable | tonic::Code::DeadlineExceeded => {
                Self::ResolverUnavailable(status.message().to_string())
            }
            code => Self::Resolver(format!("{code:?}: {}", status.message())),
        }
    }
}

impl ApiError for QueryError {
    fn code(&self) -> Code {
        match self {
            Self::InvalidArgument(_) => Code::InvalidArgument,
            Self::NotFound { .. } => Code::NotFound,
            Self::ResolverUnavailable(_) => Code::Unavailable,
            Self::Resolver(_) => Code::Internal,
            Self::Busy => Code::ResourceExhausted,
            Self::Store(e) => mediamon_wire::store_error_code(e),
        }
    }

    fn field_violations(&self) -> Vec<FieldViolation> {
        match self {
            Self::InvalidArgument(e) => e.violations(),
            _ => Vec::new(),
        }
    }
}

impl From<QueryError> for tonic::Status {
    fn from(err: QueryError) -> Self {
        mediamon_proto::error::to_status(&err)
    }
}
