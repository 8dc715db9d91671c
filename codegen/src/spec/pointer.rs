//! JSON pointers (RFC 6901) for naming places in a spec.

use serde_json::Value;

/// Escapes one reference token of a JSON pointer.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// One reference token back to the name it encodes (`~1` → `/`, then `~0` → `~`).
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends one token to a pointer.
pub fn join(base: &str, token: &str) -> String {
    format!("{base}/{}", escape(token))
}

/// Resolves a local `$ref` (`#/components/schemas/X`) against the document.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let mut current = doc;
    for token in tokens(reference)? {
        current = match current {
            Value::Object(map) => map.get(&token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The decoded tokens of a local reference (`None` for an external or malformed one).
fn tokens(reference: &str) -> Option<Vec<String>> {
    let pointer = reference.strip_prefix('#')?;
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    Some(
        pointer
            .strip_prefix('/')?
            .split('/')
            .map(|token| percent_decode(&unescape(token)))
            .collect(),
    )
}

/// One spelling per place: a local reference written the way [`join`] writes pointers
/// (percent-encoding decoded), so two references to the same place compare equal.
pub fn canonical(reference: &str) -> Option<String> {
    Some(
        tokens(reference)?
            .iter()
            .fold(String::from("#"), |at, token| join(&at, token)),
    )
}

/// `$ref` values may percent-encode characters such as `{` and `}` in path keys.
fn percent_decode(token: &str) -> String {
    if !token.contains('%') {
        return token.to_owned();
    }
    let bytes = token.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The last token of a `#/components/schemas/Name` reference.
pub fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn resolves_escaped_and_percent_encoded_tokens() {
        let doc = json!({ "paths": { "/a/{id}": { "get": 1 } }, "x": [10, 20] });
        assert_eq!(resolve(&doc, "#/paths/~1a~1{id}/get"), Some(&json!(1)));
        assert_eq!(resolve(&doc, "#/paths/~1a~1%7Bid%7D/get"), Some(&json!(1)));
        assert_eq!(resolve(&doc, "#/x/1"), Some(&json!(20)));
        assert_eq!(resolve(&doc, "#/missing"), None);
        assert_eq!(resolve(&doc, "other.yaml#/x"), None);
        assert_eq!(join("#/paths", "/a/{id}"), "#/paths/~1a~1{id}");
        assert_eq!(
            canonical("#/paths/~1a~1%7Bid%7D").as_deref(),
            Some("#/paths/~1a~1{id}")
        );
        assert_eq!(canonical("#").as_deref(), Some("#"));
        assert_eq!(canonical("other.yaml#/x"), None);
    }
}
