//! Open enums for the values Knot sends: one variant per value the spec lists, plus
//! `Unknown(String)` for any other, so a value Knot adds later decodes instead of failing.
//!
//! typify writes closed enums, so each component marked [`OPEN_ENUM`] is replaced (a
//! progenitor setting, see [`super::progenitor`]) by the enum written here through
//! knot-api's `open_enum!` macro.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::names;
use crate::markers::OPEN_ENUM;

/// The open enums of `doc`'s marked components.
pub fn emit(doc: &Value) -> TokenStream {
    let enums = components(doc)
        .into_iter()
        .map(|(key, schema)| open_enum(key, schema));
    quote! {
        /// The spec's response enums, open to values newer than this crate.
        pub mod open_enums {
            #(#enums)*
        }
    }
}

/// The open enums' component keys in `doc`.
pub fn components(doc: &Value) -> Vec<(&str, &Value)> {
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    schemas
        .into_iter()
        .flatten()
        .filter(|(_, schema)| schema.get(OPEN_ENUM) == Some(&Value::Bool(true)))
        .map(|(key, schema)| (key.as_str(), schema))
        .collect()
}

/// `(variant, value)` for each value of an open enum schema: typify's naming, made unique
/// (`Unknown` is the enum's own).
pub fn variants(schema: &Value) -> Vec<(String, String)> {
    let values = schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    let mut taken = BTreeSet::from(["Unknown".to_owned()]);
    values
        .map(|value| {
            let base = names::typify_type(value);
            let mut variant = base.clone();
            let mut n = 2;
            while !taken.insert(variant.clone()) {
                variant = format!("{base}{n}");
                n += 1;
            }
            (variant, value.to_owned())
        })
        .collect()
}

fn open_enum(key: &str, schema: &Value) -> TokenStream {
    let name = format_ident!("{}", names::component_type(key));
    let description = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("A value Knot sends.");
    let docs = super::operations::doc_lines(description);
    let variants = variants(schema).into_iter().map(|(variant, value)| {
        let ident = format_ident!("{variant}");
        let doc = format!(" `{value}`");
        quote! { #[doc = #doc] #ident = #value, }
    });
    let variants: Vec<TokenStream> = variants.collect();
    quote! {
        crate::ext::open_enum::open_enum! {
            #docs
            #name {
                #(#variants)*
            }
        }
    }
}
