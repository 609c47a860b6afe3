//! The status codes tonic picks before a handler runs, made the API's:
//! a request message over the size limit is OUT_OF_RANGE in tonic and
//! RESOURCE_EXHAUSTED here (a quota, as gRPC's own status-code guide has
//! it); bytes that are not the request's protobuf are INTERNAL in tonic and
//! INVALID_ARGUMENT here (the caller's fault, not ours). Such an answer is
//! "trailers only": the status is in the response headers.

use http::HeaderValue;

const GRPC_STATUS: &str = "grpc-status";
const GRPC_MESSAGE: &str = "grpc-message";

/// tonic's messages for the two cases (tonic's decoder and prost's
/// `DecodeError`), as sent: spaces may be percent-encoded.
const TOO_LARGE: &str = "Error, decoded message length too large";
const NOT_PROTOBUF: &str = "failed to decode Protobuf message";

/// Rewrites the status of a trailers-only response as described above.
pub fn api_codes<B>(mut response: http::Response<B>) -> http::Response<B> {
    let headers = response.headers_mut();
    let (Some(status), Some(message)) = (headers.get(GRPC_STATUS), headers.get(GRPC_MESSAGE))
    else {
        return response;
    };
    let message = message.to_str().unwrap_or("").replace("%20", " ");
    let code = match (status.as_bytes(), message.as_str()) {
        (b"11", m) if m.starts_with(TOO_LARGE) => tonic::Code::ResourceExhausted,
        (b"13", m) if m.starts_with(NOT_PROTOBUF) => tonic::Code::InvalidArgument,
        _ => return response,
    };
    headers.insert(GRPC_STATUS, HeaderValue::from(code as i32));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: &str, message: &str) -> http::Response<()> {
        let mut r = http::Response::new(());
        r.headers_mut()
            .insert(GRPC_STATUS, HeaderValue::from_str(status).expect("ascii"));
        r.headers_mut()
            .insert(GRPC_MESSAGE, HeaderValue::from_str(message).expect("ascii"));
        r
    }

    fn code_of(r: &http::Response<()>) -> &str {
        r.headers()
            .get(GRPC_STATUS)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    #[test]
    fn rewrites_only_tonics_decoding_failures() {
        let cases = [
            (
                "11",
                "Error,%20decoded%20message%20length%20too%20large: found 9",
                "8",
            ),
            (
                "11",
                "Error, decoded message length too large: found 9",
                "8",
            ),
            (
                "13",
                "failed to decode Protobuf message: invalid wire type",
                "3",
            ),
            ("13", "internal error", "13"),
            ("11", "page past the end", "11"),
            ("0", "", "0"),
        ];
        for (status, message, want) in cases {
            assert_eq!(
                code_of(&api_codes(answer(status, message))),
                want,
                "{message}"
            );
        }
    }
}
