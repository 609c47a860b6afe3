//! Plain-text articles: the first non-empty line is the title, the rest the body.

/// A plain-text article split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainArticle {
    /// The first non-empty line, trimmed.
    pub title: String,
    /// Everything after the title line, trimmed, line breaks kept.
    pub body: String,
}

/// Splits plain text into title and body; `None` when there is no text at all.
pub fn split_plain_text(text: &str) -> Option<PlainArticle> {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    let title = lines.by_ref().map(str::trim).find(|l| !l.is_empty())?;
    let body = lines.collect::<Vec<_>>().join("\n").trim().to_string();
    Some(PlainArticle {
        title: title.to_string(),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_non_empty_line_is_the_title() {
        let a = split_plain_text("\n  Envoy warns of talks \n\nFirst para.\n\nSecond.\n")
            .expect("text");
        assert_eq!(a.title, "Envoy warns of talks");
        assert_eq!(a.body, "First para.\n\nSecond.");
    }

    #[test]
    fn blank_text_has_no_article() {
        assert_eq!(split_plain_text(" \n\t\n"), None);
    }

    #[test]
    fn title_only_has_empty_body() {
        let a = split_plain_text("Just a headline").expect("text");
        assert_eq!(a.body, "");
    }
}
