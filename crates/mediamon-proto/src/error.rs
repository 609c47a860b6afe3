//! The closed set of error codes and their single mapping onto gRPC.
//!
//! Each service's error enum says which [`Code`] every variant is; nothing
//! else builds a `tonic::Status` by hand. Internal causes are logged here and
//! never sent to the caller.

use tonic_types::{ErrorDetails, StatusExt};

/// The error classes a mediamon API call can end in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The request is malformed; see the field violations.
    InvalidArgument,
    /// A named resource does not exist.
    NotFound,
    /// The resource already exists.
    AlreadyExists,
    /// The request is too large or a quota is spent.
    ResourceExhausted,
    /// The system is not in a state that allows the call.
    FailedPrecondition,
    /// A dependency (the database, another service) is unreachable; retry.
    Unavailable,
    /// A bug or an unexpected failure; the cause is logged, not sent.
    Internal,
}

/// One bad field of a request: which one and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// The field's path in the request message (`metadata.publish_time`).
    pub field: String,
    /// What is wrong, lowercase, for a human.
    pub description: String,
}

impl FieldViolation {
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
        }
    }
}

/// A bad request field; every service's error enum wraps it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {reason}")]
pub struct Invalid {
    pub field: String,
    pub reason: String,
}

impl Invalid {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The violation to send back.
    pub fn violations(&self) -> Vec<FieldViolation> {
        vec![FieldViolation::new(self.field.clone(), self.reason.clone())]
    }
}

/// Implemented by each service's error enum.
pub trait ApiError: std::error::Error {
    /// The class of the error.
    fn code(&self) -> Code;
    /// The offending fields, for [`Code::InvalidArgument`].
    fn field_violations(&self) -> Vec<FieldViolation> {
        Vec::new()
    }
}

/// Turns a service error into the status sent to the caller.
pub fn to_status<E: ApiError>(err: &E) -> tonic::Status {
    let code = err.code();
    let grpc = match code {
        Code::InvalidArgument => tonic::Code::InvalidArgument,
        Code::NotFound => tonic::Code::NotFound,
        Code::AlreadyExists => tonic::Code::AlreadyExists,
        Code::ResourceExhausted => tonic::Code::ResourceExhausted,
        Code::FailedPrecondition => tonic::Code::FailedPrecondition,
        Code::Unavailable => tonic::Code::Unavailable,
        Code::Internal => tonic::Code::Internal,
    };
    match code {
        Code::Internal => {
            tracing::error!(error = %err, "internal error");
            tonic::Status::internal("internal error")
        }
        Code::Unavailable => {
            tracing::warn!(error = %err, "dependency unavailable");
            tonic::Status::unavailable(err.to_string())
        }
        Code::InvalidArgument => {
            let violations = err.field_violations();
            if violations.is_empty() {
                return tonic::Status::invalid_argument(err.to_string());
            }
            let mut details = ErrorDetails::new();
            for v in &violations {
                details.add_bad_request_violation(v.field.clone(), v.description.clone());
            }
            tonic::Status::with_error_details(grpc, err.to_string(), details)
        }
        _ => tonic::Status::new(grpc, err.to_string()),
    }
}

/// Reads the field violations back out of a status (for clients and tests).
pub fn field_violations(status: &tonic::Status) -> Vec<FieldViolation> {
    status
        .get_details_bad_request()
        .map(|br| {
            br.field_violations
                .into_iter()
                .map(|v| FieldViolation::new(v.field, v.description))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Bad(Code);

    impl std::fmt::Display for Bad {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "secret cause")
        }
    }

    impl std::error::Error for Bad {}

    impl ApiError for Bad {
        fn code(&self) -> Code {
            self.0
        }
        fn field_violations(&self) -> Vec<FieldViolation> {
            vec![FieldViolation::new("text", "must not be empty")]
        }
    }

    #[test]
    fn invalid_argument_carries_field_violations() {
        let status = to_status(&Bad(Code::InvalidArgument));
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert_eq!(
            field_violations(&status),
            vec![FieldViolation::new("text", "must not be empty")]
        );
    }

    #[test]
    fn internal_hides_the_cause() {
        let status = to_status(&Bad(Code::Internal));
        assert_eq!(status.code(), tonic::Code::Internal);
        assert!(!status.message().contains("secret"));
    }

    #[test]
    fn codes_map_one_to_one() {
        for (code, grpc) in [
            (Code::NotFound, tonic::Code::NotFound),
            (Code::AlreadyExists, tonic::Code::AlreadyExists),
            (Code::ResourceExhausted, tonic::Code::ResourceExhausted),
            (Code::FailedPrecondition, tonic::Code::FailedPrecondition),
            (Code::Unavailable, tonic::Code::Unavailable),
        ] {
            assert_eq!(to_status(&Bad(code)).code(), grpc);
        }
    }
}
