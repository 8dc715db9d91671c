//! Semver-stable generated types: what `generate` does to progenitor's output so that
//! Knot's additive spec changes are semver-minor for downstream code.
//!
//! - Every struct and enum in `types` is `#[non_exhaustive]`: no struct literals or
//!   exhaustive patterns outside the crate, so a new field or variant breaks nobody.
//!   Values are built with the builders typify already generates.
//! - Response enums (schemas marked [`crate::adapt::OPEN_ENUM`]) are open: typify's closed
//!   enum gains `Unknown(String)`, `#[serde(untagged)]`, so a value this crate does not
//!   know deserializes into it and serializes back unchanged. Its `FromStr`/`TryFrom`
//!   become infallible `From`s; `Display`, `as_str` and a `JsonSchema` (a string, known
//!   values listed) are written here. Request-only enums stay closed: they send exactly
//!   the spec's values.
//!
//! The code is still never edited by hand: this is a transformation of the syntax tree,
//! applied to every spec alike.

use std::collections::BTreeSet;

use quote::{format_ident, quote};
use serde_json::Value;
use syn::{Attribute, Fields, Item, ItemEnum};

/// The Rust names of the enums to open: component schemas marked [`crate::adapt::OPEN_ENUM`].
pub fn open_enum_names(doc: &Value) -> BTreeSet<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, schema)| schema.get(crate::adapt::OPEN_ENUM) == Some(&Value::Bool(true)))
        .map(|(name, _)| crate::generate::type_name(name))
        .collect()
}

/// Applies both transformations to the generated file's `types` module.
pub fn apply(file: &mut syn::File, open: &BTreeSet<String>) {
    for item in &mut file.items {
        if let Item::Mod(m) = item
            && m.ident == "types"
            && let Some((_, items)) = &mut m.content
        {
            open_enums(items, open);
            non_exhaustive(items);
        }
    }
}

/// `#[non_exhaustive]` on every public struct and enum, in submodules too.
fn non_exhaustive(items: &mut [Item]) {
    for item in items {
        let attrs = match item {
            Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => &mut s.attrs,
            Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => &mut e.attrs,
            Item::Mod(m) => {
                if let Some((_, items)) = &mut m.content {
                    non_exhaustive(items);
                }
                continue;
            }
            _ => continue,
        };
        if !attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
            attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }
}

/// Trait impls typify writes for a closed string enum that an open one replaces.
const REPLACED_IMPLS: [&str; 3] = ["Display", "FromStr", "TryFrom"];

fn open_enums(items: &mut Vec<Item>, open: &BTreeSet<String>) {
    let replaced: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e) if open.contains(&e.ident.to_string()) && is_unit_enum(e) => {
                Some(e.ident.to_string())
            }
            _ => None,
        })
        .collect();
    // typify's conversions for the closed enums first; the open ones bring their own.
    items.retain(|item| match item {
        Item::Impl(i) => {
            let self_ty = crate::surface::type_string(&i.self_ty);
            let replaced_trait = i.trait_.as_ref().is_some_and(|(path, _)| {
                path.segments
                    .last()
                    .is_some_and(|s| REPLACED_IMPLS.contains(&s.ident.to_string().as_str()))
            });
            !(replaced.contains(&self_ty) && replaced_trait)
        }
        _ => true,
    });
    let mut out = Vec::with_capacity(items.len());
    for item in std::mem::take(items) {
        match item {
            Item::Enum(e) if replaced.contains(&e.ident.to_string()) => out.extend(open_enum(e)),
            other => out.push(other),
        }
    }
    *items = out;
}

fn is_unit_enum(e: &ItemEnum) -> bool {
    e.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
}

/// The wire value of a variant: its `#[serde(rename = "...")]`, else its name.
fn wire_value(variant: &syn::Variant) -> String {
    crate::surface::serde_rename(&variant.attrs).unwrap_or_else(|| variant.ident.to_string())
}

/// typify's closed enum, reopened: the same variants plus one that keeps unknown values.
fn open_enum(e: ItemEnum) -> Vec<Item> {
    let name = &e.ident;
    let docs: Vec<&Attribute> = e
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .collect();
    let idents: Vec<&syn::Ident> = e.variants.iter().map(|v| &v.ident).collect();
    let values: Vec<String> = e.variants.iter().map(wire_value).collect();
    let variants = e.variants.iter().map(|v| {
        let attrs = &v.attrs;
        let ident = &v.ident;
        quote!(#(#attrs)* #ident)
    });
    let unknown = ["Unknown", "UnknownValue", "Other"]
        .into_iter()
        .map(|n| format_ident!("{n}"))
        .find(|n| !idents.contains(&n))
        .unwrap_or_else(|| format_ident!("UnknownValue_"));
    let listed = values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let open_doc = format!(
        "Open: a value this crate does not know arrives as [`{name}::{unknown}`] and is \
         serialized back unchanged; newer Knot values may become variants in a minor release."
    );
    let schema_doc = format!("Known values: {listed}. Other values are kept as they arrive.");
    let name_str = name.to_string();
    let file: syn::File = syn::parse_quote! {
        #(#docs)*
        #[doc = ""]
        #[doc = #open_doc]
        #[derive(
            ::serde::Deserialize,
            ::serde::Serialize,
            Clone,
            Debug,
            Eq,
            Hash,
            Ord,
            PartialEq,
            PartialOrd
        )]
        pub enum #name {
            #(#variants,)*
            /// A value not known when this crate was generated, kept as it arrived.
            #[serde(untagged)]
            #unknown(::std::string::String),
        }
        impl #name {
            /// The value as Knot sends it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::#unknown(value) => value.as_str(),
                }
            }
            /// False for a value this crate does not know.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::#unknown(_))
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#values => Self::#idents,)*
                    _ => Self::#unknown(value),
                }
            }
        }
        impl ::std::convert::From<&::std::string::String> for #name {
            fn from(value: &::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl schemars::JsonSchema for #name {
            fn schema_name() -> ::std::string::String {
                #name_str.to_owned()
            }
            fn json_schema(
                _: &mut schemars::r#gen::SchemaGenerator,
            ) -> schemars::schema::Schema {
                schemars::schema::SchemaObject {
                    instance_type: Some(schemars::schema::InstanceType::String.into()),
                    metadata: Some(::std::boxed::Box::new(schemars::schema::Metadata {
                        description: Some(#schema_doc.to_owned()),
                        ..::std::default::Default::default()
                    })),
                    ..::std::default::Default::default()
                }
                .into()
            }
        }
    };
    file.items
}
