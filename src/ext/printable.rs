//! Making text from the network (or from a caller) safe to print.
//!
//! Error messages quote what a server sent: a Knot `error_message`, a proxy's HTML page,
//! a `Location` header. Any of it may be huge, span lines, carry terminal escape sequences
//! or bidi overrides, or echo our own `Authorization` header back. Everything an error
//! prints goes through [`Printable`], which
//!
//! - replaces the client's secrets (the secret, the Basic credentials, the whole header
//!   value) with `[redacted]`,
//! - escapes control, bidi and other invisible format characters as `\u{..}`, so a
//!   message stays on one line and cannot restyle a terminal,
//! - collapses runs of whitespace, and
//! - cuts the result to a bounded number of characters, marking the cut.
//!
//! The raw bytes stay available through the errors' accessors; only what is printed is
//! shaped here.

use std::fmt::Write as _;
use std::sync::Arc;

/// Longest quotation of server text in a message, in characters.
pub const MAX_QUOTED_CHARS: usize = 300;

/// The values that must never be printed: the client's secret and its encodings.
#[derive(Clone, Default)]
pub(crate) struct Redactions {
    values: Arc<[Box<str>]>,
}

impl Redactions {
    /// Redactions for these values; empty ones are ignored.
    pub(crate) fn new<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Box<str>>,
    {
        let mut values: Vec<Box<str>> = values
            .into_iter()
            .map(Into::into)
            .filter(|v| !v.is_empty())
            .collect();
        // Longest first, so a value containing another is replaced whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        Self {
            values: values.into(),
        }
    }

    fn apply(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for value in self.values.iter() {
            if text.contains(&**value) {
                text = text.replace(&**value, "[redacted]");
            }
        }
        text
    }
}

/// Server or caller text, made printable (see the module doc).
pub(crate) struct Printable;

impl Printable {
    /// `text` redacted, escaped, on one line and at most `max_chars` characters long
    /// (plus a marker saying how much was cut).
    pub(crate) fn text(text: &str, redactions: &Redactions, max_chars: usize) -> String {
        let redacted = redactions.apply(text);
        let mut out = String::with_capacity(redacted.len().min(max_chars * 2));
        let mut shown = 0usize;
        let mut total = 0usize;
        let mut pending_space = false;
        for c in redacted.chars() {
            if c.is_whitespace() && (c.is_ascii() || !is_invisible(c)) {
                pending_space = !out.is_empty();
                continue;
            }
            total += 1;
            if shown >= max_chars {
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            if is_invisible(c) {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            } else {
                out.push(c);
            }
            shown += 1;
        }
        if total > shown {
            let _ = write!(out, "… [{} more characters cut]", total - shown);
        }
        out
    }

    /// Bytes as text (invalid UTF-8 replaced), as [`Printable::text`].
    pub(crate) fn bytes(bytes: &[u8], redactions: &Redactions, max_chars: usize) -> String {
        // Only the start can be shown; converting more would cost time for nothing.
        // Four bytes per character covers any UTF-8, and redaction needs a little more
        // in case a secret straddles the cut.
        let window = max_chars.saturating_mul(4).saturating_add(1024);
        let head = &bytes[..bytes.len().min(window)];
        let mut shown = Self::text(&String::from_utf8_lossy(head), redactions, max_chars);
        if bytes.len() > head.len() && !shown.contains(" more characters cut]") {
            let _ = write!(shown, "… [{} more bytes cut]", bytes.len() - head.len());
        }
        shown
    }

    /// A URL without its userinfo (user name and password), made printable.
    pub(crate) fn url(url: &str, redactions: &Redactions) -> String {
        let without_userinfo = match reqwest::Url::parse(url) {
            Ok(mut parsed) => {
                let _ = parsed.set_username("");
                let _ = parsed.set_password(None);
                parsed.to_string()
            }
            // Unparseable: drop anything between the scheme and the last '@' of the
            // authority, where a password would be.
            Err(_) => strip_userinfo_textually(url),
        };
        Self::text(&without_userinfo, redactions, MAX_QUOTED_CHARS)
    }
}

fn strip_userinfo_textually(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => (&url[..i + 3], &url[i + 3..]),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// Characters that must not reach a terminal or log as themselves: controls (C0, DEL,
/// C1), bidi controls, zero-width and other format characters, line/paragraph separators.
pub(crate) fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{061c}'
                | '\u{00ad}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> Redactions {
        Redactions::default()
    }

    #[test]
    fn escapes_controls_and_bidi_and_keeps_one_line() {
        let shown = Printable::text("a\nb\r\n\tc \x1b[31mred\u{202e}x\u{0}", &none(), 100);
        assert_eq!(shown, "a b c \\u{1b}[31mred\\u{202e}x\\u{0}");
    }

    #[test]
    fn cuts_long_text_and_says_so() {
        let shown = Printable::text(&"x".repeat(1000), &none(), 10);
        assert_eq!(shown, "xxxxxxxxxx… [990 more characters cut]");
        let shown = Printable::bytes(&vec![b'y'; 50_000_000], &none(), 10);
        assert!(shown.starts_with("yyyyyyyyyy… ["), "{shown}");
        assert!(shown.len() < 100, "{shown}");
    }

    #[test]
    fn redacts_every_value_longest_first() {
        let r = Redactions::new(["secret-123", "Basic c2VjcmV0", "c2VjcmV0"]);
        let shown = Printable::text(
            "auth=Basic c2VjcmV0 raw=c2VjcmV0 s=secret-123 secret-12",
            &r,
            200,
        );
        assert_eq!(
            shown,
            "auth=[redacted] raw=[redacted] s=[redacted] secret-12"
        );
    }

    #[test]
    fn urls_lose_their_userinfo() {
        assert_eq!(
            Printable::url("https://user:pw@example.com/a?b", &none()),
            "https://example.com/a?b"
        );
        assert_eq!(
            Printable::url("https://user:p w@exa mple.com/x", &none()),
            "https://exa mple.com/x"
        );
        assert_eq!(Printable::url("not a url", &none()), "not a url");
    }
}
