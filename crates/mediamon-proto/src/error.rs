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

/// Checks a one-line field (a name, a URL, a key): no control characters.
/// Postgres refuses NUL in text (the caller would get INTERNAL), and CR or
/// LF in a URL or a header-like value forges lines downstream.
pub fn check_line(field: &str, value: &str) -> Result<(), Invalid> {
    match value.chars().find(|c| c.is_control()) {
        None => Ok(()),
        Some(c) => Err(Invalid::new(
            field,
            format!("contains the control character U+{:04X}", u32::from(c)),
        )),
    }
}

/// Checks free text (a search query, a reason): line breaks and tabs are
/// fine, NUL and other control characters are not.
pub fn check_text(field: &str, value: &str) -> Result<(), Invalid> {
    match value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        None => Ok(()),
        Some(c) => Err(Invalid::new(
            field,
            format!("contains the control character U+{:04X}", u32::from(c)),
        )),
    }
}

/// Most characters of a caller's value that an error message quotes.
const QUOTED_CHARS: usize = 40;
/// Most characters of any message sent back: a status travels in HTTP/2
/// trailers, and a long one makes the caller's client fail on them.
const MESSAGE_CHARS: usize = 500;

/// A caller's value quoted for an error message: its first characters only,
/// so a 10 kB id does not come back as 10 kB of trailers.
pub fn quote(value: &str) -> String {
    if value.chars().count() <= QUOTED_CHARS {
        return format!("{value:?}");
    }
    let head: String = value.chars().take(QUOTED_CHARS).collect();
    format!("{head:?}… ({} bytes)", value.len())
}

fn capped(text: String) -> String {
    if text.chars().count() <= MESSAGE_CHARS {
        return text;
    }
    let mut head: String = text.chars().take(MESSAGE_CHARS).collect();
    head.push('…');
    head
}

impl ApiError for Invalid {
    fn code(&self) -> Code {
        Code::InvalidArgument
    }
    fn field_violations(&self) -> Vec<FieldViolation> {
        self.violations()
    }
}

impl From<Invalid> for tonic::Status {
    fn from(err: Invalid) -> Self {
        to_status(&err)
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
            tonic::Status::unavailable(capped(err.to_string()))
        }
        Code::InvalidArgument => {
            let violations = err.field_violations();
            if violations.is_empty() {
                return tonic::Status::invalid_argument(capped(err.to_string()));
            }
            let mut details = ErrorDetails::new();
            for v in &violations {
                details.add_bad_request_violation(
                    capped(v.field.clone()),
                    capped(v.description.clone()),
                );
            }
            tonic::Status::with_error_details(grpc, capped(err.to_string()), details)
        }
        _ => tonic::Status::new(grpc, capped(err.to_string())),
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

    /// Issue 19: a 10 kB id came back as 23 kB of trailers, which the
    /// caller's client refused as RESOURCE_EXHAUSTED.
    #[test]
    fn messages_quote_a_short_prefix() {
        let long = "x".repeat(10_000);
        let quoted = quote(&long);
        assert!(quoted.len() < 80, "{quoted}");
        assert!(quoted.ends_with("(10000 bytes)"));
        assert_eq!(quote("abc"), "\"abc\"");

        struct Echo(String);
        impl std::fmt::Debug for Echo {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "echo")
            }
        }
        impl std::fmt::Display for Echo {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
        impl std::error::Error for Echo {}
        impl ApiError for Echo {
            fn code(&self) -> Code {
                Code::NotFound
            }
        }
        let status = to_status(&Echo(long));
        assert!(status.message().chars().count() <= MESSAGE_CHARS + 1);
    }

    /// Issue 19: NUL in a metadata or query string reached Postgres, which
    /// refused it: INTERNAL instead of INVALID_ARGUMENT naming the field.
    #[test]
    fn control_characters_are_refused_by_field() {
        assert!(check_line("metadata.outlet", "Kabul Times").is_ok());
        assert_eq!(
            check_line("metadata.outlet", "a\u{0}b").map_err(|e| e.field),
            Err("metadata.outlet".to_string())
        );
        assert!(check_line("metadata.url", "https://x.org/a\r\nSet-Cookie: y").is_err());
        assert!(check_text("text", "two\nlines\tand a tab").is_ok());
        assert!(check_text("text", "nul\u{0}").is_err());
        assert!(check_text("text", "bell\u{7}").is_err());
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
