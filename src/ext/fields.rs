//! What validation reads of a request body: its fields by wire name, as [`Field`] views.
//!
//! A generated request body type implements [`Fields`] (knot-codegen writes the `match`
//! from wire names to its fields), so a typed body is checked as it is, before anything
//! is serialized. A JSON object implements it too, for the mock server, which checks
//! what arrives with the same rules.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde_json::{Map, Value};

/// A field's value as the rules see it.
pub enum Field<'a> {
    /// Not set (`None`, or not in the JSON object).
    Absent,
    /// JSON `null`.
    Null,
    /// A value whose type the generated code guarantees and the rules do not look into
    /// (a nested object, a date).
    Present,
    /// A boolean.
    Bool,
    /// A number; `integer` when it has no fraction.
    Number {
        /// Whether it is an integer.
        integer: bool,
    },
    /// Text.
    Str(Cow<'a, str>),
    /// Text known by how it displays: a generated enum, whose `Display` is its wire value
    /// (read without allocating).
    Shown(&'a dyn fmt::Display),
    /// An array of this many items.
    Array(usize),
    /// An object, its entries as views.
    Object(Vec<(Cow<'a, str>, Field<'a>)>),
}

impl fmt::Debug for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Absent => f.write_str("Absent"),
            Field::Null => f.write_str("Null"),
            Field::Present => f.write_str("Present"),
            Field::Bool => f.write_str("Bool"),
            Field::Number { integer } => write!(f, "Number {{ integer: {integer} }}"),
            Field::Str(s) => write!(f, "Str({s:?})"),
            Field::Shown(v) => write!(f, "Shown({:?})", v.to_string()),
            Field::Array(n) => write!(f, "Array({n})"),
            Field::Object(entries) => f
                .debug_map()
                .entries(entries.iter().map(|(k, v)| (k, v)))
                .finish(),
        }
    }
}

impl<'a> Field<'a> {
    /// Whether the value is the text `expected` (text, or a value displayed as it).
    pub fn is(&self, expected: &str) -> bool {
        match self {
            Field::Str(s) => s == expected,
            Field::Shown(value) => {
                // Compares as it is written, without building the string.
                struct Prefix<'e>(&'e str);
                impl fmt::Write for Prefix<'_> {
                    fn write_str(&mut self, s: &str) -> fmt::Result {
                        self.0 = self.0.strip_prefix(s).ok_or(fmt::Error)?;
                        Ok(())
                    }
                }
                let mut rest = Prefix(expected);
                fmt::write(&mut rest, format_args!("{value}")).is_ok() && rest.0.is_empty()
            }
            _ => false,
        }
    }

    /// Laravel's "required" fails on these: nothing, `null`, blank text, empty arrays and
    /// objects.
    pub fn is_blank(&self) -> bool {
        match self {
            Field::Absent | Field::Null => true,
            Field::Str(s) => s.trim().is_empty(),
            Field::Array(n) => *n == 0,
            Field::Object(entries) => entries.is_empty(),
            _ => false,
        }
    }

    /// Whether the value is of the JSON type the spec names (a typed [`Field::Present`]
    /// is of whatever type the spec says).
    pub fn has_type(&self, expected: &str) -> bool {
        match (self, expected) {
            (Field::Present, _) => true,
            (Field::Str(_) | Field::Shown(_), "string")
            | (Field::Object(_), "object")
            | (Field::Array(_), "array")
            | (Field::Bool, "boolean")
            | (Field::Number { .. }, "number")
            | (Field::Number { integer: true }, "integer") => true,
            (_, "string" | "object" | "array" | "boolean" | "number" | "integer") => false,
            _ => true,
        }
    }

    /// The text, if the value is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Field::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A request body's fields by wire name.
pub trait Fields {
    /// The field called `name` on the wire ([`Field::Absent`] when there is none).
    fn field(&self, name: &str) -> Field<'_>;
}

/// A value's [`Field`] view.
pub trait AsField {
    /// The view.
    fn as_field(&self) -> Field<'_>;
}

impl Fields for Map<String, Value> {
    fn field(&self, name: &str) -> Field<'_> {
        self.get(name).map_or(Field::Absent, AsField::as_field)
    }
}

impl AsField for Value {
    fn as_field(&self) -> Field<'_> {
        match self {
            Value::Null => Field::Null,
            Value::Bool(_) => Field::Bool,
            Value::Number(n) => Field::Number {
                integer: n.is_i64() || n.is_u64(),
            },
            Value::String(s) => Field::Str(Cow::Borrowed(s)),
            Value::Array(items) => Field::Array(items.len()),
            Value::Object(map) => map.as_field(),
        }
    }
}

impl AsField for Map<String, Value> {
    fn as_field(&self) -> Field<'_> {
        Field::Object(
            self.iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), v.as_field()))
                .collect(),
        )
    }
}

impl AsField for String {
    fn as_field(&self) -> Field<'_> {
        Field::Str(Cow::Borrowed(self))
    }
}

impl AsField for bool {
    fn as_field(&self) -> Field<'_> {
        Field::Bool
    }
}

macro_rules! numbers {
    ($integer:expr => $($t:ty),*) => {$(
        impl AsField for $t {
            fn as_field(&self) -> Field<'_> {
                Field::Number { integer: $integer }
            }
        }
    )*};
}
numbers!(true => i8, i16, i32, i64, u8, u16, u32, u64);
numbers!(false => f32, f64);

impl<T: AsField> AsField for Option<T> {
    fn as_field(&self) -> Field<'_> {
        self.as_ref().map_or(Field::Absent, AsField::as_field)
    }
}

impl<T: AsField> AsField for Box<T> {
    fn as_field(&self) -> Field<'_> {
        (**self).as_field()
    }
}

impl<T> AsField for Vec<T> {
    fn as_field(&self) -> Field<'_> {
        Field::Array(self.len())
    }
}

impl<T: AsField, S> AsField for HashMap<String, T, S> {
    fn as_field(&self) -> Field<'_> {
        entries(self.iter())
    }
}

impl<T: AsField> AsField for BTreeMap<String, T> {
    fn as_field(&self) -> Field<'_> {
        entries(self.iter())
    }
}

fn entries<'a, T: AsField + 'a>(items: impl Iterator<Item = (&'a String, &'a T)>) -> Field<'a> {
    Field::Object(
        items
            .map(|(k, v)| (Cow::Borrowed(k.as_str()), v.as_field()))
            .collect(),
    )
}
