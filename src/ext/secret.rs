//! [`Secret`]: a string the generated types hold for a field whose name says it is a
//! secret (a session token, a password), never shown by `Debug`.
//!
//! A hand-written newtype rather than the `secrecy` crate's `SecretString`: the generated
//! types must round-trip through serde (`Serialize` is refused by `secrecy` for strings),
//! describe themselves with `schemars::JsonSchema` and compare with `PartialEq`, which
//! `secrecy` leaves out on purpose.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::fields::{AsField, Field};
use super::optional::IntoOptional;

/// A secret string: `Debug` shows `"[redacted]"`; read it with [`Secret::expose`].
/// Serializes as the plain string.
#[derive(Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value. Keep it out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"[redacted]\"")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl IntoOptional<Secret> for &str {
    fn into_optional(self) -> Option<Secret> {
        Some(self.into())
    }
}

impl IntoOptional<Secret> for String {
    fn into_optional(self) -> Option<Secret> {
        Some(self.into())
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Secret {
    fn schema_name() -> String {
        "Secret".to_owned()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        String::json_schema(generator)
    }

    fn is_referenceable() -> bool {
        false
    }
}

impl AsField for Secret {
    fn as_field(&self) -> Field<'_> {
        self.0.as_field()
    }
}
