//! `multipart/form-data` bodies for the operations whose spec body is multipart.
//!
//! progenitor cannot send multipart, so knot-codegen generates such an operation with a
//! raw body (`.body(bytes)`) and sends it with
//! `Content-Type: multipart/form-data; boundary=`[`BOUNDARY`] (see knot-codegen's
//! `multipart` module, which holds the same constant; a test checks they agree). A
//! [`Form`] encodes the parts with that boundary:
//!
//! ```
//! use knot_api::multipart::Form;
//!
//! let body = Form::new()
//!     .text("prompt", "a red lamp")
//!     .file("image", "lamp.png", "image/png", vec![0x89, b'P', b'N', b'G'])
//!     .encode()
//!     .unwrap();
//! assert!(body.starts_with(b"--knot-multipart-boundary-"));
//! ```
//!
//! The boundary is fixed (progenitor sets the content type from a constant), so a part
//! that contains it would end the body early: [`Form::encode`] refuses such a part, and
//! names or file names that would break the part headers, instead of sending them.

use std::fmt;

/// The boundary every generated multipart operation declares.
pub const BOUNDARY: &str = "knot-multipart-boundary-7c3e9a15f04b6d28e1";

/// A multipart body under construction.
#[derive(Debug, Clone, Default)]
pub struct Form {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    file: Option<(String, String)>,
    data: Vec<u8>,
}

/// Why a form cannot be encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    /// The part at fault.
    pub part: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "multipart part `{}`: {}", self.part, self.reason)
    }
}

impl std::error::Error for FormError {}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file: None,
            data: value.into().into_bytes(),
        });
        self
    }

    /// Adds a file: its field name, file name, content type and bytes.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Vec<u8>>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file: Some((file_name.into(), content_type.into())),
            data: data.into(),
        });
        self
    }

    /// The body to pass to the generated operation's `.body(..)`.
    pub fn encode(&self) -> Result<Vec<u8>, FormError> {
        let delimiter = format!("--{BOUNDARY}");
        let mut out = Vec::new();
        for part in &self.parts {
            let fail = |reason| FormError {
                part: part.name.clone(),
                reason,
            };
            if !header_safe(&part.name) {
                return Err(fail("the name has a quote, backslash or control character"));
            }
            if contains(&part.data, delimiter.as_bytes()) {
                return Err(fail("the content contains the multipart boundary"));
            }
            out.extend_from_slice(delimiter.as_bytes());
            out.extend_from_slice(b"\r\n");
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.name);
            if let Some((file_name, content_type)) = &part.file {
                if !header_safe(file_name) || !header_safe(content_type) {
                    return Err(fail(
                        "the file name or content type has a quote, backslash or control character",
                    ));
                }
                disposition.push_str(&format!(
                    "; filename=\"{file_name}\"\r\nContent-Type: {content_type}"
                ));
            }
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(b"\r\n\r\n");
            out.extend_from_slice(&part.data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(delimiter.as_bytes());
        out.extend_from_slice(b"--\r\n");
        Ok(out)
    }
}

fn header_safe(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_text_and_file_parts() {
        let body = Form::new()
            .text("prompt", "lamp")
            .file("image", "a.png", "image/png", b"PNG".to_vec())
            .encode()
            .unwrap();
        let expected = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nlamp\r\n\
             --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n\
             --{BOUNDARY}--\r\n"
        );
        assert_eq!(String::from_utf8(body).unwrap(), expected);
    }

    #[test]
    fn refuses_what_would_break_the_body() {
        let inner = format!("x--{BOUNDARY}y");
        let err = Form::new().text("a", inner).encode().unwrap_err();
        assert_eq!(err.reason, "the content contains the multipart boundary");
        let err = Form::new().text("a\"b", "x").encode().unwrap_err();
        assert_eq!(err.part, "a\"b");
        let err = Form::new()
            .file("f", "a\r\n.png", "image/png", vec![])
            .encode()
            .unwrap_err();
        assert!(err.to_string().starts_with("multipart part `f`:"));
    }
}
