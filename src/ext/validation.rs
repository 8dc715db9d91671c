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

use std::fmt;

use serde_json::{Map, Value};

use crate::contract::{self, FieldContract, OperationContract};

use super::formats;

/// Knot's `error_type` for validation failures.
pub const INVALID_REQUEST: &str = "INVALID_REQUEST";
/// Knot's `error_code` for validation failures.
pub const INVALID_FIELD: &str = "INVALID_FIELD";

/// A request refused before sending, shaped like Knot's 400 body.
#[derive(Debug, Clone, PartialEq, Eq)]
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

    const WIRE_PREFIX: &'static str = "knot-api validation: ";

    /// How the pre-request hook hands this error through progenitor's `Error::Custom`.
    pub(crate) fn to_wire(&self) -> String {
        let mut body = self.to_body();
        body["field"] = Value::String(self.field.clone());
        format!("{}{body}", Self::WIRE_PREFIX)
    }

    /// The inverse of [`Self::to_wire`].
    pub(crate) fn from_wire(text: &str) -> Option<Self> {
        let body: Value = serde_json::from_str(text.strip_prefix(Self::WIRE_PREFIX)?).ok()?;
        Some(Self::new(
            body.get("field")?.as_str()?,
            body.get("error_message")?.as_str()?,
        ))
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid request ({INVALID_REQUEST}/{INVALID_FIELD}): {}",
            self.message
        )
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

/// Knot's prose rules.
pub const PROSE_RULES: &[ProseRule] = &[
    ProseRule {
        operation: None,
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
        operation: None,
        field: "email",
        check: ProseCheck::Email,
        example: ("InvalidEmail", "The email must be a valid email address."),
    },
    ProseRule {
        operation: None,
        field: "phone_number",
        check: ProseCheck::E164,
        example: ("InvalidPhoneNumber", "The phone number format is invalid."),
    },
];

/// Validates a serialized JSON body for `operation_id`. Unknown operations, operations
/// without body fields and bodies that are not JSON pass (Knot will judge them).
pub fn validate_body(operation_id: &str, body: &[u8]) -> Result<(), ValidationError> {
    let Some(operation) = contract::operation(operation_id) else {
        return Ok(());
    };
    if operation.body_fields.is_empty() {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Ok(());
    };
    validate_against(operation, &value)
}

/// Validates a body given as a JSON value.
pub fn validate_value(operation_id: &str, body: &Value) -> Result<(), ValidationError> {
    match contract::operation(operation_id) {
        Some(operation) if !operation.body_fields.is_empty() => validate_against(operation, body),
        _ => Ok(()),
    }
}

fn validate_against(operation: &OperationContract, body: &Value) -> Result<(), ValidationError> {
    let Value::Object(map) = body else {
        return Err(ValidationError::new(
            "",
            "The request body must be a JSON object.",
        ));
    };
    for field in operation.body_fields {
        check_field(operation, field, map)?;
        for rule in PROSE_RULES {
            if rule.field == field.name
                && rule.operation.is_none_or(|op| op == operation.operation_id)
            {
                check_prose(operation, rule, map)?;
            }
        }
    }
    Ok(())
}

fn check_field(
    operation: &OperationContract,
    field: &FieldContract,
    body: &Map<String, Value>,
) -> Result<(), ValidationError> {
    let value = body.get(field.name);
    let fail = |example: String, fallback: String| {
        Err(ValidationError::new(
            field.name,
            operation.example_message(&example).unwrap_or(fallback),
        ))
    };
    let attribute = attribute(field.name);
    if field.required && value.is_none_or(is_blank) {
        return fail(
            format!("{}Required", pascal(field.name)),
            format!("The {attribute} field is required."),
        );
    }
    let Some(value) = value else { return Ok(()) };
    if value.is_null() {
        if field.nullable {
            return Ok(());
        }
        return fail(
            format!("Invalid{}", pascal(field.name)),
            type_message(&attribute, field),
        );
    }
    if let Some(expected) = field.json_type
        && !has_type(value, expected)
    {
        return fail(
            format!("Invalid{}", pascal(field.name)),
            type_message(&attribute, field),
        );
    }
    if !field.allowed.is_empty()
        && let Some(text) = value.as_str()
        && !field.allowed.contains(&text)
    {
        return fail(
            format!("Invalid{}", pascal(field.name)),
            format!("The selected {attribute} is invalid."),
        );
    }
    if let (Some(max), Some(text)) = (field.max_length, value.as_str())
        && text.chars().count() as u64 > max
    {
        return fail(
            format!("Invalid{}", pascal(field.name)),
            format!("The {attribute} may not be greater than {max} characters."),
        );
    }
    if let Value::Object(entries) = value {
        if let Some(max) = field.max_properties
            && entries.len() as u64 > max
        {
            return fail(
                format!("Invalid{}", pascal(field.name)),
                format!("The {attribute} may not have more than {max} items."),
            );
        }
        if let Some(max) = field.value_max_length {
            for (key, entry) in entries {
                let too_long = match entry {
                    Value::String(s) => s.chars().count() as u64 > max,
                    _ => {
                        return fail(
                            format!("Invalid{}", pascal(field.name)),
                            format!("The {attribute}.{key} must be a string."),
                        );
                    }
                };
                if too_long {
                    return fail(
                        format!("Invalid{}", pascal(field.name)),
                        format!("The {attribute}.{key} may not be greater than {max} characters."),
                    );
                }
            }
        }
    }
    Ok(())
}

fn check_prose(
    operation: &OperationContract,
    rule: &ProseRule,
    body: &Map<String, Value>,
) -> Result<(), ValidationError> {
    let value = body.get(rule.field);
    let broken = match rule.check {
        ProseCheck::RequiredWhen { other, value: when } => {
            operation.field(other).is_some()
                && body.get(other).and_then(Value::as_str) == Some(when)
                && value.is_none_or(is_blank)
        }
        ProseCheck::Email => matches!(value, Some(Value::String(s)) if !formats::is_email(s)),
        ProseCheck::E164 => matches!(value, Some(Value::String(s)) if !formats::is_e164(s)),
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

/// Laravel's "required": null, blank strings, empty arrays and objects all fail.
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

fn has_type(value: &Value, expected: &str) -> bool {
    match expected {
        "string" => value.is_string(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        _ => true,
    }
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
