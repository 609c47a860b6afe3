//! Opaque page tokens: callers pass back what they were given and must not
//! build their own. A token carries an offset (`mm1:`) or, for listings
//! that must stay stable while rows arrive, a keyset cursor (`mm2:`): the
//! sort key of the last row returned, which the next page starts after.

/// Default and largest page sizes.
#[derive(Debug, Clone, Copy)]
pub struct PageLimits {
    pub default: u32,
    pub max: u32,
}

/// Why a page request is invalid; the field is `page_size` or `page_token`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("page_size must not be negative")]
    NegativeSize,
    #[error("page_token is not a token this service issued")]
    BadToken,
}

impl PageError {
    /// The request field at fault.
    pub fn field(&self) -> &'static str {
        match self {
            PageError::NegativeSize => "page_size",
            PageError::BadToken => "page_token",
        }
    }
}

const PREFIX: &str = "mm1:";

/// The offset and limit a request asks for.
pub fn parse(size: i32, token: &str, limits: PageLimits) -> Result<(u64, u64), PageError> {
    let limit = match size {
        s if s < 0 => return Err(PageError::NegativeSize),
        0 => limits.default,
        s => u32::try_from(s).unwrap_or(limits.max).min(limits.max),
    };
    let offset = if token.is_empty() {
        0
    } else {
        decode(token).ok_or(PageError::BadToken)?
    };
    Ok((offset, u64::from(limit)))
}

/// The token for the page after one that started at `offset` and returned
/// `returned` of `limit` items; empty when that page was the last.
pub fn next_token(offset: u64, limit: u64, returned: usize) -> String {
    if (returned as u64) < limit {
        return String::new();
    }
    let plain = format!("{PREFIX}{}", offset + limit);
    plain.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode(token: &str) -> Option<u64> {
    unhex(token, 64)?.strip_prefix(PREFIX)?.parse().ok()
}

/// A hex token's text, if it is one of at most `max` characters.
fn unhex(token: &str, max: usize) -> Option<String> {
    if !token.len().is_multiple_of(2) || token.len() > max {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

const CURSOR_PREFIX: &str = "mm2:";

/// The cursor a keyset request continues after (the text
/// [`cursor_token`] was given; `None` for the first page) and its limit.
pub fn parse_cursor(
    size: i32,
    token: &str,
    limits: PageLimits,
) -> Result<(Option<String>, u64), PageError> {
    let (_, limit) = parse(size, "", limits)?;
    if token.is_empty() {
        return Ok((None, limit));
    }
    let cursor = unhex(token, 512)
        .and_then(|plain| plain.strip_prefix(CURSOR_PREFIX).map(str::to_string))
        .ok_or(PageError::BadToken)?;
    Ok((Some(cursor), limit))
}

/// The token of a keyset cursor (the last row's sort key, as text).
pub fn cursor_token(cursor: &str) -> String {
    format!("{CURSOR_PREFIX}{cursor}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: PageLimits = PageLimits {
        default: 20,
        max: 100,
    };

    #[test]
    fn tokens_round_trip() {
        let token = next_token(40, 20, 20);
        assert_eq!(parse(20, &token, LIMITS), Ok((60, 20)));
        assert_eq!(next_token(40, 20, 7), "");
    }

    #[test]
    fn sizes_default_and_clamp() {
        assert_eq!(parse(0, "", LIMITS), Ok((0, 20)));
        assert_eq!(parse(1000, "", LIMITS), Ok((0, 100)));
        assert_eq!(parse(-1, "", LIMITS), Err(PageError::NegativeSize));
    }

    #[test]
    fn cursors_round_trip_and_offsets_are_no_cursors() {
        let token = cursor_token("a1:3f800000:1700000000:0190");
        assert_eq!(
            parse_cursor(5, &token, LIMITS),
            Ok((Some("a1:3f800000:1700000000:0190".to_string()), 5))
        );
        assert_eq!(parse_cursor(0, "", LIMITS), Ok((None, 20)));
        assert_eq!(
            parse_cursor(5, &next_token(0, 5, 5), LIMITS),
            Err(PageError::BadToken)
        );
    }

    #[test]
    fn forged_tokens_are_refused() {
        for bad in ["zz", "123", "6d6d313a", "6d6d313a2d31"] {
            assert_eq!(parse(10, bad, LIMITS), Err(PageError::BadToken), "{bad}");
        }
    }
}
