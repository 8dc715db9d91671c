//! Checking a request body before anything is sent, with Knot's own rules and messages.
//!
//! Two sources of rules:
//! - **The spec**, via [`crate::contract`]: required fields, JSON types, `enum`,
//!   `maxLength`, `maxProperties`, the `maxLength` of map values (progenitor drops
//!   `maxProperties`, so nothing else enforces it).
//! - **Prose**, in [`PROSE_RULES`]: what Knot's docs say but the schema cannot, such as
//!   "`card_id` is required when `type = card_switcher`", e-mail and E.164 formats.
//!
//! Rules name fields as strings and apply only when the operation's body (as the spec
//! this crate was built from describes it) has that field, so a spec change never breaks
//! compilation and a rule about a dropped field simply stops applying.
//!
//! Knot's 400s are Laravel validation messages: "required" fails on `null`, empty and
//! whitespace-only strings, and empty arrays or objects. A failure is reported exactly
//! as Knot would (`INVALID_REQUEST` / `INVALID_FIELD` / the spec example's message).

use super::printable::{MAX_QUOTED_CHARS, Printable, Redactions};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde::de::{Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::contract::{self, FieldContract, OperationContract};

use super::field_capture::{self, Captured, GaveUp};
use super::formats;

/// Knot's `error_type` for validation failures.
pub const INVALID_REQUEST: &str = "INVALID_REQUEST";
/// Knot's `error_code` for validation failures.
pub const INVALID_FIELD: &str = "INVALID_FIELD";

/// A request refused before sending, shaped like Knot's 400 body. Its message may quote
/// the caller's field names: `Display` and `Debug` escape and cut them.
#[derive(Clone, PartialEq, Eq)]
pub struct ValidationError {
    field: String,
    message: String,
}

impl ValidationError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The body field at fault (`""` when the body as a whole is wrong).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Always `INVALID_REQUEST`, as in Knot's 400s.
    pub fn error_type(&self) -> &'static str {
        INVALID_REQUEST
    }

    /// Always `INVALID_FIELD`, as in Knot's 400s.
    pub fn error_code(&self) -> &'static str {
        INVALID_FIELD
    }

    /// Knot's message, e.g. "The card_id field is required when type = card_switcher."
    pub fn error_message(&self) -> &str {
        &self.message
    }

    /// The body Knot would have answered with.
    pub fn to_body(&self) -> Value {
        serde_json::json!({
            "error_type": INVALID_REQUEST,
            "error_code": INVALID_FIELD,
            "error_message": self.message,
        })
    }

    /// A typed body's field without a usable value: a required field never set
    /// (`missing`), in Knot's words, or one set to a value that did not convert.
    pub(crate) fn unusable_field(field: &str, missing: bool) -> Self {
        let message = if missing {
            format!("The {} field is required.", attribute(field))
        } else {
            format!("The {} field is invalid.", attribute(field))
        };
        Self::new(field, message)
    }

    /// A parameter (or an untyped body) without a usable value.
    pub(crate) fn unusable_part(part: &str) -> Self {
        Self::new(
            part,
            format!("The {} parameter is missing or invalid.", attribute(part)),
        )
    }

    /// A request that could not be built, with the generator's own words (shown
    /// escaped and cut, never parsed).
    pub(crate) fn unbuildable(reason: &str) -> Self {
        Self::new("", format!("The request could not be built: {reason}"))
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid request ({INVALID_REQUEST}/{INVALID_FIELD}): {}",
            Printable::text(&self.message, &Redactions::default(), MAX_QUOTED_CHARS)
        )
    }
}

impl fmt::Debug for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |s: &str| Printable::text(s, &Redactions::default(), MAX_QUOTED_CHARS);
        f.debug_struct("ValidationError")
            .field("field", &shown(&self.field))
            .field("message", &shown(&self.message))
            .finish()
    }
}

impl std::error::Error for ValidationError {}

/// A rule the spec states only in prose.
#[derive(Debug, Clone, Copy)]
pub struct ProseRule {
    /// The operation it belongs to; `None` for every operation whose body has the field.
    pub operation: Option<&'static str>,
    /// The field checked.
    pub field: &'static str,
    /// What is checked.
    pub check: ProseCheck,
    /// The spec example whose message is used, and the message when the spec lacks it.
    pub example: (&'static str, &'static str),
}

/// The checks a [`ProseRule`] can make.
#[derive(Debug, Clone, Copy)]
pub enum ProseCheck {
    /// The field is required when `other` equals `value`.
    RequiredWhen {
        /// The field compared.
        other: &'static str,
        /// The value that makes `field` required.
        value: &'static str,
    },
    /// A valid e-mail address.
    Email,
    /// An E.164 phone number.
    E164,
}

/// Knot's prose rules, each scoped to the operation whose reference page states it (a
/// field of the same name elsewhere may follow other rules).
pub const PROSE_RULES: &[ProseRule] = &[
    ProseRule {
        operation: Some("session_create"),
        field: "card_id",
        check: ProseCheck::RequiredWhen {
            other: "type",
            value: "card_switcher",
        },
        example: (
            "CardIdRequired",
            "The card_id field is required when type = card_switcher.",
        ),
    },
    ProseRule {
        operation: Some("session_create"),
        field: "email",
        check: ProseCheck::Email,
        example: ("InvalidEmail", "The email must be a valid email address."),
    },
    ProseRule {
        operation: Some("session_create"),
        field: "phone_number",
        check: ProseCheck::E164,
        example: ("InvalidPhoneNumber", "The phone number format is invalid."),
    },
];

/// Validates a serialized JSON body for `operation_id`. Unknown operations, operations
/// without body fields and bodies that are not JSON pass (Knot will judge them).
///
/// Runs on every request, so it reads the body without building a `serde_json::Value`:
/// the top level is split into borrowed keys and raw values, and only the values a rule
/// looks at are decoded.
pub fn validate_body(operation_id: &str, body: &[u8]) -> Result<(), ValidationError> {
    let Some(operation) = contract::operation(operation_id) else {
        return Ok(());
    };
    if operation.body_fields.is_empty() {
        return Ok(());
    }
    // One UTF-8 check for the whole body, so the parser can borrow every string as it
    // is (bytes that are not UTF-8 are not JSON: Knot will judge them).
    let Ok(text) = std::str::from_utf8(body) else {
        return Ok(());
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let picked = Pick {
        fields: operation.body_fields,
    }
    .deserialize(&mut deserializer)
    .and_then(|picked| deserializer.end().map(|()| picked));
    match picked {
        Ok(values) => validate_fields(operation, &values),
        Err(_) if serde_json::from_str::<IgnoredAny>(text).is_ok() => Err(ValidationError::new(
            "",
            "The request body must be a JSON object.",
        )),
        // Not JSON at all: Knot will judge it.
        Err(_) => Ok(()),
    }
}

/// Validates a body given as a JSON value (read as [`validate_typed`] reads it).
pub fn validate_value(operation_id: &str, body: &Value) -> Result<(), ValidationError> {
    validate_typed(operation_id, body)
}

/// Validates a typed body for `operation_id` without serializing it: its fields are read
/// as it serializes (see the `field_capture` module), with the verdicts [`validate_body`] gives
/// its JSON. A body the walk cannot read that way is serialized and validated as bytes.
pub fn validate_typed<B: Serialize + ?Sized>(
    operation_id: &str,
    body: &B,
) -> Result<(), ValidationError> {
    let Some(operation) = contract::operation(operation_id) else {
        return Ok(());
    };
    if operation.body_fields.is_empty() {
        return Ok(());
    }
    match field_capture::capture(operation.body_fields, body) {
        Ok(fields) => {
            let values: Vec<Option<Json<'_>>> = fields
                .slots
                .iter()
                .map(|slot| slot.as_ref().map(|c| Json::captured(c, &fields.text)))
                .collect();
            validate_fields(operation, &values)
        }
        Err(GaveUp) => match serde_json::to_vec(body) {
            Ok(bytes) => validate_body(operation_id, &bytes),
            // Not serializable: the request cannot be built, and says so itself.
            Err(_) => Ok(()),
        },
    }
}

/// The top-level values of the body, one slot per field of the contract, each decoded
/// once for its own checks and the prose rules that read it.
type Picked<'a> = [Option<Json<'a>>];

/// Reads a JSON object keeping only the values of the contract's fields (borrowed, and
/// decoded only as far as a rule needs) and skipping the rest: no map, no per-value
/// allocation.
struct Pick<'f> {
    fields: &'f [FieldContract],
}

impl<'de> DeserializeSeed<'de> for Pick<'_> {
    type Value = Vec<Option<Json<'de>>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Pick<'_> {
    type Value = Vec<Option<Json<'de>>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut values: Vec<Option<Json<'de>>> = std::iter::repeat_with(|| None)
            .take(self.fields.len())
            .collect();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match self.fields.iter().position(|f| f.name == key.0) {
                Some(i) => values[i] = Some(Json::of(map.next_value::<&'de RawValue>()?)),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(values)
    }
}

/// An object key, borrowed unless it has escape sequences.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

fn validate_fields(
    operation: &OperationContract,
    decoded: &Picked<'_>,
) -> Result<(), ValidationError> {
    for (index, field) in operation.body_fields.iter().enumerate() {
        check_field(operation, field, decoded[index].as_ref())?;
        for rule in PROSE_RULES {
            if rule.field == field.name
                && rule.operation.is_none_or(|op| op == operation.operation_id)
            {
                check_prose(operation, rule, decoded)?;
            }
        }
    }
    Ok(())
}

/// The decoded value of the field named `name`, if the contract has it and the body
/// sets it.
fn value_of<'v, 'a>(
    operation: &OperationContract,
    values: &'v [Option<Json<'a>>],
    name: &str,
) -> Option<&'v Json<'a>> {
    let index = operation.body_fields.iter().position(|f| f.name == name)?;
    values[index].as_ref()
}

/// A JSON value seen from its raw text, decoded only as far as a rule needs.
enum Json<'a> {
    Null,
    Bool,
    Number { integer: bool },
    Str(Cow<'a, str>),
    Array { empty: bool },
    Object(&'a RawValue),
}

impl<'a> Json<'a> {
    /// A captured field (strings borrowed from the capture's `text`).
    fn captured(captured: &'a Captured, text: &'a str) -> Self {
        match captured {
            Captured::Null => Json::Null,
            Captured::Bool => Json::Bool,
            Captured::Number { integer } => Json::Number { integer: *integer },
            Captured::Str(range) => Json::Str(Cow::Borrowed(&text[range.clone()])),
            Captured::Raw(raw) => Json::of(raw),
        }
    }

    fn of(raw: &'a RawValue) -> Self {
        let text = raw.get().trim_start();
        match text.as_bytes().first() {
            Some(b'n') => Json::Null,
            Some(b't' | b'f') => Json::Bool,
            Some(b'"') => Json::Str(match unescaped(text) {
                Some(s) => Cow::Borrowed(s),
                None => match serde_json::from_str::<&str>(text) {
                    Ok(s) => Cow::Borrowed(s),
                    Err(_) => Cow::Owned(serde_json::from_str::<String>(text).unwrap_or_default()),
                },
            }),
            Some(b'[') => Json::Array {
                empty: text[1..].trim_start().starts_with(']'),
            },
            Some(b'{') => Json::Object(raw),
            _ => Json::Number {
                integer: !text.contains(['.', 'e', 'E']),
            },
        }
    }

    /// Laravel's "required": null, blank strings, empty arrays and objects all fail.
    fn is_blank(&self) -> bool {
        match self {
            Json::Null => true,
            Json::Str(s) => s.trim().is_empty(),
            Json::Array { empty } => *empty,
            Json::Object(raw) => raw.get().trim_start()[1..].trim_start().starts_with('}'),
            _ => false,
        }
    }

    fn has_type(&self, expected: &str) -> bool {
        match expected {
            "string" => matches!(self, Json::Str(_)),
            "object" => matches!(self, Json::Object(_)),
            "array" => matches!(self, Json::Array { .. }),
            "boolean" => matches!(self, Json::Bool),
            "integer" => matches!(self, Json::Number { integer: true }),
            "number" => matches!(self, Json::Number { .. }),
            _ => true,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// The text of a JSON string literal that has no escape sequence: the literal between
/// its quotes, as is (the parser that cut out the raw value has checked it, so it holds
/// no quote and no control character). `None` when there is an escape to decode.
fn unescaped(literal: &str) -> Option<&str> {
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('\\')).then_some(inner)
}

/// The entries of an object value (sorted by key), keys borrowed where possible.
fn entries(raw: &RawValue) -> Vec<(Cow<'_, str>, &RawValue)> {
    match serde_json::from_str::<BTreeMap<&str, &RawValue>>(raw.get()) {
        Ok(map) => map
            .into_iter()
            .map(|(k, v)| (Cow::Borrowed(k), v))
            .collect(),
        Err(_) => serde_json::from_str::<BTreeMap<String, &RawValue>>(raw.get())
            .map(|map| map.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect())
            .unwrap_or_default(),
    }
}

fn check_field(
    operation: &OperationContract,
    field: &FieldContract,
    value: Option<&Json<'_>>,
) -> Result<(), ValidationError> {
    let fail = |example: String, fallback: String| {
        Err(ValidationError::new(
            field.name,
            operation.example_message(&example).unwrap_or(fallback),
        ))
    };
    let attribute = || attribute(field.name);
    let invalid = || format!("Invalid{}", pascal(field.name));
    if field.required && value.is_none_or(Json::is_blank) {
        return fail(
            format!("{}Required", pascal(field.name)),
            format!("The {} field is required.", attribute()),
        );
    }
    let Some(value) = value else { return Ok(()) };
    if let Json::Null = value {
        if field.nullable {
            return Ok(());
        }
        return fail(invalid(), type_message(&attribute(), field));
    }
    if let Some(expected) = field.json_type
        && !value.has_type(expected)
    {
        return fail(invalid(), type_message(&attribute(), field));
    }
    if !field.allowed.is_empty()
        && let Some(text) = value.as_str()
        && !field.allowed.contains(&text)
    {
        return fail(
            invalid(),
            format!("The selected {} is invalid.", attribute()),
        );
    }
    if let (Some(max), Some(text)) = (field.max_length, value.as_str())
        && text.chars().count() as u64 > max
    {
        return fail(
            invalid(),
            format!(
                "The {} may not be greater than {max} characters.",
                attribute()
            ),
        );
    }
    if let Json::Object(raw) = value
        && (field.max_properties.is_some() || field.value_max_length.is_some())
    {
        let entries = entries(raw);
        if let Some(max) = field.max_properties
            && entries.len() as u64 > max
        {
            return fail(
                invalid(),
                format!("The {} may not have more than {max} items.", attribute()),
            );
        }
        if let Some(max) = field.value_max_length {
            for (key, entry) in &entries {
                match Json::of(entry) {
                    Json::Str(s) if s.chars().count() as u64 > max => {
                        return fail(
                            invalid(),
                            format!(
                                "The {}.{key} may not be greater than {max} characters.",
                                attribute()
                            ),
                        );
                    }
                    Json::Str(_) => {}
                    _ => {
                        return fail(
                            invalid(),
                            format!("The {}.{key} must be a string.", attribute()),
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

fn check_prose(
    operation: &OperationContract,
    rule: &ProseRule,
    values: &[Option<Json<'_>>],
) -> Result<(), ValidationError> {
    let value = value_of(operation, values, rule.field);
    let broken = match rule.check {
        ProseCheck::RequiredWhen { other, value: when } => {
            value_of(operation, values, other).and_then(Json::as_str) == Some(when)
                && value.is_none_or(Json::is_blank)
        }
        ProseCheck::Email => matches!(value, Some(Json::Str(s)) if !formats::is_email(s)),
        ProseCheck::E164 => matches!(value, Some(Json::Str(s)) if !formats::is_e164(s)),
    };
    if broken {
        let (example, fallback) = rule.example;
        return Err(ValidationError::new(
            rule.field,
            operation
                .example_message(example)
                .unwrap_or_else(|| fallback.to_owned()),
        ));
    }
    Ok(())
}

fn type_message(attribute: &str, field: &FieldContract) -> String {
    match field.json_type {
        Some("string") => format!("The {attribute} must be a string."),
        Some("object") => format!("The {attribute} must be an object."),
        Some("array") => format!("The {attribute} must be an array."),
        Some("boolean") => format!("The {attribute} field must be true or false."),
        Some("integer") => format!("The {attribute} must be an integer."),
        Some("number") => format!("The {attribute} must be a number."),
        _ => format!("The {attribute} is invalid."),
    }
}

/// Laravel's display name for a field: `external_user_id` → `external user id`.
fn attribute(name: &str) -> String {
    name.replace('_', " ")
}

/// `external_user_id` → `ExternalUserId`, the naming of the spec's example keys.
fn pascal(name: &str) -> String {
    name.split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut chars = p.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
                .collect::<String>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_read_without_decoding_are_what_decoding_gives() {
        for json in [
            r#""""#,
            r#""ada@example.com""#,
            r#""josé""#,
            r#""a\"b""#,
            r#""a\\b""#,
            r#""\u00e9t\u00e9""#,
            r#""tab\there""#,
            r#""/\/""#,
        ] {
            let raw: &RawValue = serde_json::from_str(json).unwrap();
            let decoded: String = serde_json::from_str(json).unwrap();
            match Json::of(raw) {
                Json::Str(s) => assert_eq!(s, decoded, "{json}"),
                _ => panic!("{json} is a string"),
            }
            assert_eq!(
                unescaped(raw.get()).is_some(),
                !json.contains('\\'),
                "{json}"
            );
        }
    }

    /// The body is checked for UTF-8 once and parsed as text: bytes that are not UTF-8
    /// are not JSON (Knot judges them, as before), and escaped text is still decoded
    /// before the rules read it.
    #[test]
    fn bodies_are_read_as_text_once() {
        let card = r#""type":"card_switcher","external_user_id":"u","card_id":"c""#;
        let not_utf8 = [b"{", card.as_bytes(), b",\"email\":\"\xff@x.com\"}"].concat();
        assert_eq!(validate_body("session_create", &not_utf8), Ok(()));
        let escaped_ok = format!(r#"{{{card},"email":"ada\u0040x.com"}}"#);
        assert_eq!(
            validate_body("session_create", escaped_ok.as_bytes()),
            Ok(())
        );
        let escaped_bad = format!(r#"{{{card},"email":"ada\u0040x.com\u0000"}}"#);
        let error = validate_body("session_create", escaped_bad.as_bytes()).unwrap_err();
        assert_eq!(error.field(), "email");
        let blank = r#"{"type":"link","external_user_id":" \t "}"#;
        let error = validate_body("session_create", blank.as_bytes()).unwrap_err();
        assert_eq!(error.field(), "external_user_id");
    }

    /// A prose rule whose operation or field left the spec stops applying silently at run
    /// time (by design: a new spec must never break compilation). This test is where that
    /// silence ends: rebuilding against such a spec fails here, so the rule is reviewed.
    #[test]
    fn every_prose_rule_still_matches_the_spec() {
        for rule in PROSE_RULES {
            let operation_id = rule.operation.expect("prose rules are scoped");
            let operation = contract::operation(operation_id).unwrap_or_else(|| {
                panic!("prose rule on {}: no operation {operation_id}", rule.field)
            });
            let has = |name: &str| operation.body_fields.iter().any(|f| f.name == name);
            assert!(
                has(rule.field),
                "{operation_id} has no body field {}",
                rule.field
            );
            if let ProseCheck::RequiredWhen { other, .. } = rule.check {
                assert!(has(other), "{operation_id} has no body field {other}");
            }
            assert!(
                operation.example_message(rule.example.0).is_some(),
                "{operation_id} has no example {}",
                rule.example.0
            );
        }
    }
}
