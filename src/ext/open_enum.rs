//! `open_enum!`: the enums knot-codegen writes for values Knot sends (error codes, statuses):
//! one variant per value the spec lists, plus `Unknown(String)` for any other, kept as
//! sent and serialized back unchanged. So a value Knot adds decodes instead of failing,
//! and the enum is `#[non_exhaustive]`, so a variant this crate adds breaks no `match`.

/// Defines an open enum: `open_enum! { /// docs  Name { /// docs  Variant = "value", } }`.
// A spec may have no enum Knot sends.
#[allow(unused_macros)]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$variant_meta:meta])* $variant:ident = $value:literal, )* }
    ) => {
        $(#[$meta])*
        ///
        /// Open: a value this crate does not know arrives as `Unknown` and is sent back
        /// unchanged.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )*
            /// A value newer than this crate, kept as sent.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The values this crate knows, as they are sent.
            pub const KNOWN: &'static [&'static str] = &[$($value),*];

            /// The value as sent.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(value) => value,
                }
            }

            /// Whether the value is one this crate knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $( $value => Self::$variant, )*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::string::String {
                ::std::stringify!($name).to_owned()
            }

            fn json_schema(
                generator: &mut ::schemars::r#gen::SchemaGenerator,
            ) -> ::schemars::schema::Schema {
                let mut schema = <::std::string::String as ::schemars::JsonSchema>::json_schema(generator)
                    .into_object();
                let known: ::std::vec::Vec<::std::string::String> =
                    Self::KNOWN.iter().map(|v| ::std::format!("`{v}`")).collect();
                schema.metadata().description = ::std::option::Option::Some(::std::format!(
                    "Known values: {}. Other values are kept as they arrive.",
                    known.join(", ")
                ));
                schema.into()
            }
        }

        impl $crate::ext::fields::AsField for $name {
            fn as_field(&self) -> $crate::ext::fields::Field<'_> {
                $crate::ext::fields::Field::Str(::std::borrow::Cow::Borrowed(self.as_str()))
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use open_enum;
