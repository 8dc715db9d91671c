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

/// How much of a body is looked at for printing.
const BYTES_WINDOW: usize = 64 * 1024;

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

    /// `text` without a tail that could be the start of a value: for text cut from a
    /// longer whole, where a secret may straddle the cut.
    fn trim_partial_tail<'t>(&self, text: &'t str) -> &'t str {
        let mut end = text.len();
        for value in self.values.iter() {
            for (i, _) in text.char_indices().rev().take(value.len()) {
                if i < end && value.starts_with(&text[i..]) {
                    end = i;
                }
            }
        }
        &text[..end]
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
    ///
    /// Only the first [`BYTES_WINDOW`] bytes are read (whitespace, which is collapsed,
    /// could otherwise make an arbitrarily long prefix print as nothing); a secret that
    /// straddles the window's end is cut before it, never shown in part.
    pub(crate) fn bytes(bytes: &[u8], redactions: &Redactions, max_chars: usize) -> String {
        if bytes.len() <= BYTES_WINDOW {
            return Self::text(&String::from_utf8_lossy(bytes), redactions, max_chars);
        }
        let head = String::from_utf8_lossy(&bytes[..BYTES_WINDOW]);
        let head = redactions.trim_partial_tail(&head);
        let mut shown = Self::text(head, redactions, max_chars);
        if !shown.contains(" more characters cut]") {
            let _ = write!(shown, "… [{} more bytes cut]", bytes.len() - head.len());
        }
        shown
    }

    /// A URL without its userinfo (user name and password) and with its query and
    /// fragment elided (either may carry a token), made printable. Works on text that is
    /// not a valid URL too: protocol-relative `//user:pw@host`, scheme-less
    /// `user:pw@host`, passwords holding `/`, `?` or `#`.
    pub(crate) fn url(url: &str, redactions: &Redactions) -> String {
        let url = url.trim();
        let shown = if url.contains('@') {
            strip_userinfo_textually(url)
        } else {
            match reqwest::Url::parse(url) {
                Ok(parsed) => parsed.to_string(),
                Err(_) => url.to_owned(),
            }
        };
        let shown = match shown.find(['?', '#']) {
            Some(i) => format!("{}?…", &shown[..i]),
            None => shown,
        };
        Self::text(&shown, redactions, MAX_QUOTED_CHARS)
    }
}

/// Drops everything between the start of the authority (after `//`, or the start when
/// there is no `//`) and the last `@`: a password may hold any character, so the last
/// `@` is the only safe end (a path's own `@` costs some of the path, never a secret).
fn strip_userinfo_textually(url: &str) -> String {
    let start = url.find("//").map_or(0, |i| i + 2);
    match url[start..].rfind('@') {
        Some(at) => format!("{}{}", &url[..start], &url[start + at + 1..]),
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
    fn a_secret_straddling_the_window_is_never_shown_in_part() {
        let r = Redactions::new(["CANARY-SECRET-9f8e7d"]);
        for pad in [BYTES_WINDOW - 5, BYTES_WINDOW - 1, BYTES_WINDOW - 19] {
            let mut body = vec![b' '; pad];
            body.extend_from_slice(b"CANARY-SECRET-9f8e7d and more");
            let shown = Printable::bytes(&body, &r, 300);
            assert!(!shown.contains("CANARY"), "{pad}: {shown}");
            assert!(!shown.contains("9f8e"), "{pad}: {shown}");
        }
    }

    #[test]
    fn urls_lose_their_userinfo() {
        let cases = [
            (
                "https://user:pw@example.com/a?token=1",
                "https://example.com/a?…",
            ),
            ("https://user:p w@exa mple.com/x", "https://exa mple.com/x"),
            ("//admin:hunter2@evil.example/steal", "//evil.example/steal"),
            (" //admin:hunter2@evil.example/", "//evil.example/"),
            ("https://user:pa/ss@host.example", "https://host.example"),
            ("https://user:pa?ss@host.example/", "https://host.example/"),
            ("user:pass@host.example", "host.example"),
            ("https://example.com/#frag", "https://example.com/?…"),
            ("not a url", "not a url"),
        ];
        for (raw, shown) in cases {
            assert_eq!(Printable::url(raw, &none()), shown, "{raw}");
        }
    }
}
