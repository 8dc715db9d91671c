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
//! compilation and a rule about a dropped field simply stops applying. They read the
//! body through [`Fields`]: a typed body as it is (its view is generated), or a JSON
//! object (the mock server's).
//!
//! Knot's 400s are Laravel validation messages: "required" fails on `null`, empty and
//! whitespace-only strings, and empty arrays or objects. A failure is reported exactly
//! as Knot would (`INVALID_REQUEST` / `INVALID_FIELD` / the spec example's message).

use std::fmt;

use serde_json::Value;

use super::fields::{Field, Fields};
use super::formats;
use super::printable::{MAX_QUOTED_CHARS, Printable, Redactions};
use crate::contract::{self, FieldContract, OperationContract};

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

    /// A required field or parameter left unset, in Knot's words.
    pub(crate) fn required(field: &str) -> Self {
        Self::new(
            field,
            format!("The {} field is required.", attribute(field)),
        )
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

/// Validates `body` for `operation_id` with the spec's rules and Knot's prose rules.
/// Unknown operations and operations without body fields pass (Knot will judge them).
pub fn validate(operation_id: &str, body: &dyn Fields) -> Result<(), ValidationError> {
    let Some(operation) = contract::operation(operation_id) else {
        return Ok(());
    };
    for field in operation.body_fields {
        check_field(operation, field, &body.field(field.name))?;
        for rule in PROSE_RULES {
            if rule.field == field.name
                && rule.operation.is_none_or(|op| op == operation.operation_id)
            {
                check_prose(operation, rule, body)?;
            }
        }
    }
    Ok(())
}

fn check_field(
    operation: &OperationContract,
    field: &FieldContract,
    value: &Field<'_>,
) -> Result<(), ValidationError> {
    let fail = |example: String, fallback: String| {
        Err(ValidationError::new(
            field.name,
            operation.example_message(&example).unwrap_or(fallback),
        ))
    };
    let attribute = || attribute(field.name);
    let invalid = || format!("Invalid{}", pascal(field.name));
    if field.required && value.is_blank() {
        return fail(
            format!("{}Required", pascal(field.name)),
            format!("The {} field is required.", attribute()),
        );
    }
    match value {
        Field::Absent => return Ok(()),
        Field::Null if field.nullable => return Ok(()),
        Field::Null => return fail(invalid(), type_message(&attribute(), field)),
        _ => {}
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
        let message = format!(
            "The {} may not be greater than {max} characters.",
            attribute()
        );
        return fail(invalid(), message);
    }
    if let Field::Object(entries) = value {
        if let Some(max) = field.max_properties
            && entries.len() as u64 > max
        {
            let message = format!("The {} may not have more than {max} items.", attribute());
            return fail(invalid(), message);
        }
        if let Some(max) = field.value_max_length {
            for (key, entry) in entries {
                match entry {
                    Field::Str(s) if s.chars().count() as u64 > max => {
                        let message = format!(
                            "The {}.{key} may not be greater than {max} characters.",
                            attribute()
                        );
                        return fail(invalid(), message);
                    }
                    Field::Str(_) => {}
                    _ => {
                        let message = format!("The {}.{key} must be a string.", attribute());
                        return fail(invalid(), message);
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
    body: &dyn Fields,
) -> Result<(), ValidationError> {
    let value = body.field(rule.field);
    let broken = match rule.check {
        ProseCheck::RequiredWhen { other, value: when } => {
            body.field(other).is(when) && value.is_blank()
        }
        ProseCheck::Email => value.as_str().is_some_and(|s| !formats::is_email(s)),
        ProseCheck::E164 => value.as_str().is_some_and(|s| !formats::is_e164(s)),
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
    use serde_json::json;

    use super::*;

    fn check(body: serde_json::Value) -> Result<(), ValidationError> {
        validate("session_create", body.as_object().expect("an object"))
    }

    #[test]
    fn json_bodies_get_knots_words() {
        assert_eq!(
            check(json!({"type": "link", "external_user_id": "u"})),
            Ok(())
        );
        let blank = check(json!({"type": "link", "external_user_id": " \t "})).unwrap_err();
        assert_eq!(blank.field(), "external_user_id");
        assert_eq!(
            blank.error_message(),
            "The external user id field is required."
        );
        let card = check(json!({"type": "card_switcher", "external_user_id": "u"})).unwrap_err();
        assert_eq!(
            card.error_message(),
            "The card_id field is required when type = card_switcher."
        );
        let email = json!({"type": "link", "external_user_id": "u", "email": "ada\u{0}@x.com"});
        assert_eq!(check(email).unwrap_err().field(), "email");
        let kind = check(json!({"type": 7, "external_user_id": "u"})).unwrap_err();
        assert_eq!(kind.field(), "type");
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
