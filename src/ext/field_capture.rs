//! A typed request body's top-level fields, read through serde's `Serializer` instead of
//! from the JSON text it becomes.
//!
//! Validation used to serialize the body and parse the bytes back: about a third of the
//! crate's per-request cost (issue 13). A typed body can instead be walked as it
//! serializes: each field the contract names is captured as the JSON it would become
//! (`null`, a boolean, an integer or other number, a string), and anything compound
//! (an array, an object, a tagged variant) as its JSON text. Strings go into one buffer,
//! so a body costs three allocations whatever its size.
//!
//! Where the walk cannot tell what serde_json would write (a body that is not an object,
//! a map key that is not a string), it gives up and the caller validates the serialized
//! bytes instead, so both paths judge every body alike (`tests/validation_props.rs` checks
//! that they agree).

use std::fmt;
use std::ops::Range;

use serde::Serialize;
use serde::ser::{self, Impossible, SerializeMap, SerializeStruct, Serializer};
use serde_json::value::RawValue;

use crate::contract::FieldContract;

/// One captured field: what its JSON would be.
#[derive(Debug)]
pub(crate) enum Captured {
    Null,
    Bool,
    Number {
        integer: bool,
    },
    /// A string, as a range of [`Fields::text`].
    Str(Range<usize>),
    /// A compound value as JSON text.
    Raw(Box<RawValue>),
}

/// The captured fields of one body, one slot per contract field.
pub(crate) struct Fields {
    pub(crate) slots: Vec<Option<Captured>>,
    pub(crate) text: String,
}

/// The walk gave up: validate the serialized bytes instead.
#[derive(Debug)]
pub(crate) struct GaveUp;

impl fmt::Display for GaveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the body's shape needs its JSON text")
    }
}

impl std::error::Error for GaveUp {}

impl ser::Error for GaveUp {
    fn custom<T: fmt::Display>(_: T) -> Self {
        GaveUp
    }
}

/// Captures the contract's `fields` of `body`, or gives up (see the module doc).
pub(crate) fn capture<B: Serialize + ?Sized>(
    fields: &[FieldContract],
    body: &B,
) -> Result<Fields, GaveUp> {
    let mut captured = Fields {
        slots: std::iter::repeat_with(|| None).take(fields.len()).collect(),
        text: String::with_capacity(128),
    };
    body.serialize(TopLevel {
        fields,
        into: &mut captured,
    })?;
    Ok(captured)
}

/// The body itself: a struct or a map (a flattened struct serializes as one).
struct TopLevel<'a> {
    fields: &'a [FieldContract],
    into: &'a mut Fields,
}

impl TopLevel<'_> {
    /// Stores `value` in the slot of the field named `key`, if the contract has one.
    fn store<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), GaveUp> {
        let Some(index) = self.fields.iter().position(|f| f.name == key) else {
            return Ok(());
        };
        let text = &mut self.into.text;
        let start = text.len();
        let slot = match value.serialize(Scalar { text: &mut *text }) {
            Ok(scalar) => scalar,
            Err(GaveUp) => {
                text.truncate(start);
                Captured::Raw(serde_json::value::to_raw_value(value).map_err(|_| GaveUp)?)
            }
        };
        self.into.slots[index] = Some(slot);
        Ok(())
    }
}

/// A map's entries: the key of the entry whose value comes next.
struct Entries<'a> {
    top: TopLevel<'a>,
    key: Option<String>,
}

impl SerializeStruct for TopLevel<'_> {
    type Ok = ();
    type Error = GaveUp;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), GaveUp> {
        self.store(key, value)
    }

    fn end(self) -> Result<(), GaveUp> {
        Ok(())
    }
}

impl SerializeMap for Entries<'_> {
    type Ok = ();
    type Error = GaveUp;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), GaveUp> {
        let mut text = String::new();
        match key.serialize(Scalar { text: &mut text })? {
            Captured::Str(_) => {
                self.key = Some(text);
                Ok(())
            }
            // serde_json would turn a number or bool key into text: leave that to it.
            _ => Err(GaveUp),
        }
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), GaveUp> {
        let key = self.key.take().ok_or(GaveUp)?;
        self.top.store(&key, value)
    }

    fn end(self) -> Result<(), GaveUp> {
        Ok(())
    }
}

/// The methods of a `Serializer` that give up: each named method, with its arguments,
/// returns [`GaveUp`].
macro_rules! give_up {
    ($($name:ident($($arg:ty),*) -> $ok:ty;)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$ok, GaveUp> {
            Err(GaveUp)
        })*
    };
}

/// What both serializers leave to the JSON text: sequences, tuples, bytes and variants
/// with data.
macro_rules! compound_gives_up {
    () => {
        give_up! {
            serialize_bytes(&[u8]) -> Self::Ok;
            serialize_seq(Option<usize>) -> Self::SerializeSeq;
            serialize_tuple(usize) -> Self::SerializeTuple;
            serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
            serialize_tuple_variant(&'static str, u32, &'static str, usize)
                -> Self::SerializeTupleVariant;
            serialize_struct_variant(&'static str, u32, &'static str, usize)
                -> Self::SerializeStructVariant;
        }

        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, GaveUp> {
            Err(GaveUp)
        }
    };
}

impl<'a> Serializer for TopLevel<'a> {
    type Ok = ();
    type Error = GaveUp;
    type SerializeSeq = Impossible<(), GaveUp>;
    type SerializeTuple = Impossible<(), GaveUp>;
    type SerializeTupleStruct = Impossible<(), GaveUp>;
    type SerializeTupleVariant = Impossible<(), GaveUp>;
    type SerializeMap = Entries<'a>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), GaveUp>;

    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Self, GaveUp> {
        // serde_json's own tokens (a `RawValue` body) are JSON text, not fields.
        if name.starts_with("$serde_json::private::") {
            return Err(GaveUp);
        }
        Ok(self)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Entries<'a>, GaveUp> {
        Ok(Entries {
            top: self,
            key: None,
        })
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), GaveUp> {
        value.serialize(self)
    }

    // Anything else is not a JSON object: the bytes path says so in Knot's words.
    give_up! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), GaveUp> {
        Err(GaveUp)
    }

    compound_gives_up!();
}

/// One field's value when it is a scalar; anything compound gives up, and
/// [`TopLevel::store`] captures its JSON text instead.
struct Scalar<'a> {
    text: &'a mut String,
}

impl Scalar<'_> {
    fn string(self, s: &str) -> Result<Captured, GaveUp> {
        let start = self.text.len();
        self.text.push_str(s);
        Ok(Captured::Str(start..self.text.len()))
    }
}

impl Serializer for Scalar<'_> {
    type Ok = Captured;
    type Error = GaveUp;
    type SerializeSeq = Impossible<Captured, GaveUp>;
    type SerializeTuple = Impossible<Captured, GaveUp>;
    type SerializeTupleStruct = Impossible<Captured, GaveUp>;
    type SerializeTupleVariant = Impossible<Captured, GaveUp>;
    type SerializeMap = Impossible<Captured, GaveUp>;
    type SerializeStruct = Impossible<Captured, GaveUp>;
    type SerializeStructVariant = Impossible<Captured, GaveUp>;

    fn serialize_bool(self, _: bool) -> Result<Captured, GaveUp> {
        Ok(Captured::Bool)
    }
    fn serialize_i64(self, _: i64) -> Result<Captured, GaveUp> {
        Ok(Captured::Number { integer: true })
    }
    fn serialize_i8(self, v: i8) -> Result<Captured, GaveUp> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Captured, GaveUp> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Captured, GaveUp> {
        self.serialize_i64(v.into())
    }
    fn serialize_i128(self, _: i128) -> Result<Captured, GaveUp> {
        Ok(Captured::Number { integer: true })
    }
    fn serialize_u64(self, _: u64) -> Result<Captured, GaveUp> {
        Ok(Captured::Number { integer: true })
    }
    fn serialize_u8(self, v: u8) -> Result<Captured, GaveUp> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Captured, GaveUp> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Captured, GaveUp> {
        self.serialize_u64(v.into())
    }
    fn serialize_u128(self, _: u128) -> Result<Captured, GaveUp> {
        Ok(Captured::Number { integer: true })
    }
    fn serialize_f32(self, v: f32) -> Result<Captured, GaveUp> {
        self.serialize_f64(f64::from(v))
    }
    /// serde_json writes a finite float with a `.` or an exponent, and `null` otherwise.
    fn serialize_f64(self, v: f64) -> Result<Captured, GaveUp> {
        Ok(if v.is_finite() {
            Captured::Number { integer: false }
        } else {
            Captured::Null
        })
    }
    fn serialize_char(self, v: char) -> Result<Captured, GaveUp> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<Captured, GaveUp> {
        self.string(v)
    }
    fn serialize_none(self) -> Result<Captured, GaveUp> {
        Ok(Captured::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Captured, GaveUp> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Captured, GaveUp> {
        Ok(Captured::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Captured, GaveUp> {
        Ok(Captured::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Captured, GaveUp> {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Captured, GaveUp> {
        value.serialize(self)
    }

    // Compound values: captured as JSON text by `TopLevel::store`.
    give_up! {
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
    }

    compound_gives_up!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn field(name: &'static str) -> FieldContract {
        FieldContract {
            name,
            required: false,
            nullable: true,
            max_length: None,
            max_properties: None,
            value_max_length: None,
            allowed: &[],
            json_type: None,
        }
    }

    /// What each captured slot says, in the words of the JSON it stands for.
    fn shown(fields: &Fields) -> Vec<Option<String>> {
        fields
            .slots
            .iter()
            .map(|slot| {
                slot.as_ref().map(|c| match c {
                    Captured::Null => "null".to_owned(),
                    Captured::Bool => "bool".to_owned(),
                    Captured::Number { integer } => format!("number integer={integer}"),
                    Captured::Str(range) => format!("str {}", &fields.text[range.clone()]),
                    Captured::Raw(raw) => format!("raw {}", raw.get()),
                })
            })
            .collect()
    }

    #[derive(Serialize)]
    struct Body {
        a: Option<String>,
        b: f64,
        c: Vec<u8>,
        #[serde(skip_serializing_if = "Option::is_none")]
        d: Option<u8>,
        e: Kind,
        f: BTreeMap<String, u8>,
        ignored: String,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        CardSwitcher,
    }

    #[test]
    fn fields_are_captured_as_the_json_they_become() {
        let contract = ["a", "b", "c", "d", "e", "f"].map(field);
        let body = Body {
            a: Some("x\"y".to_owned()),
            b: f64::NAN,
            c: vec![1, 2],
            d: None,
            e: Kind::CardSwitcher,
            f: BTreeMap::from([("k".to_owned(), 1)]),
            ignored: "not captured".to_owned(),
        };
        let fields = capture(&contract, &body).unwrap();
        assert_eq!(
            shown(&fields),
            [
                Some("str x\"y".to_owned()),
                // serde_json writes a non-finite float as null.
                Some("null".to_owned()),
                Some("raw [1,2]".to_owned()),
                None,
                Some("str card_switcher".to_owned()),
                Some(r#"raw {"k":1}"#.to_owned()),
            ]
        );
        assert!(!fields.text.contains("not captured"));
    }

    #[test]
    fn a_map_body_is_read_by_its_string_keys() {
        let contract = [field("a"), field("b")];
        let body = serde_json::json!({ "a": 1.5, "b": true, "c": "x" });
        assert_eq!(
            shown(&capture(&contract, &body).unwrap()),
            [
                Some("number integer=false".to_owned()),
                Some("bool".to_owned())
            ]
        );
    }

    #[test]
    fn what_serde_json_would_rewrite_is_left_to_the_bytes() {
        let contract = [field("1")];
        // Not an object.
        assert!(capture(&contract, &[1, 2]).is_err());
        assert!(capture(&contract, &"text").is_err());
        // A number key, which serde_json writes as the text "1".
        assert!(capture(&contract, &BTreeMap::from([(1u8, 2u8)])).is_err());
        // A body that is JSON text already.
        let raw = serde_json::value::RawValue::from_string(r#"{"1":2}"#.to_owned()).unwrap();
        assert!(capture(&contract, &raw).is_err());
    }
}
