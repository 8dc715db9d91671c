//! The generated public API, as a readable, diffable listing: each operation with its
//! parameters and result, each type with its fields and Rust types, each enum with its
//! variants. Types are read from the `types` module progenitor wrote (as rustdoc would
//! list them), so the listing is what downstream crates compile against.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use quote::ToTokens;
use serde_json::Value;
use syn::{Fields, Item, ItemMod, Type, Visibility};

use crate::generate::signatures::Method;
use crate::generate::{names, open_enums};

/// One generated operation: `client.name().param(..).send() -> returns`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Operation {
    /// Builder parameters and their Rust types, in declaration order.
    pub params: Vec<(String, String)>,
    /// What `send()` resolves to on success.
    pub returns: String,
}

/// One generated type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum TypeDef {
    /// A struct with named public fields.
    Struct(Vec<(String, String)>),
    /// An enum with these variants (with payload types, if any).
    Enum(Vec<String>),
    /// A single-field tuple struct.
    Newtype(String),
}

/// The generated public API.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Surface {
    /// By method name.
    pub operations: BTreeMap<String, Operation>,
    /// By type name (in `types`).
    pub types: BTreeMap<String, TypeDef>,
    /// The types marked `#[non_exhaustive]` (outside the crate: no literals, no
    /// exhaustive patterns; so new fields and variants are semver-minor).
    pub non_exhaustive: BTreeSet<String>,
}

/// The surface of a generation: progenitor's types as its `types` module declares them,
/// knot-codegen's open enums, and one operation per client method.
pub fn read(file: &syn::File, methods: &[Method], adapted: &Value) -> Surface {
    let mut surface = Surface::default();
    for item in &file.items {
        if let Item::Mod(m) = item
            && m.ident == "types"
        {
            types(m, &mut surface.types, &mut surface.non_exhaustive);
        }
    }
    for (key, schema) in open_enums::components(adapted) {
        let name = names::component_type(key);
        let mut variants: Vec<String> = open_enums::variants(schema)
            .into_iter()
            .map(|(variant, value)| format!("{variant} = {value:?}"))
            .collect();
        variants.push("Unknown(String)".into());
        surface.types.insert(name.clone(), TypeDef::Enum(variants));
        surface.non_exhaustive.insert(name);
    }
    for method in methods {
        let params = method
            .params
            .iter()
            .map(|p| (p.name.clone(), short(&p.owned)))
            .collect();
        surface.operations.insert(
            method.name.clone(),
            Operation {
                params,
                returns: short(&method.success),
            },
        );
    }
    surface
}

/// A type as the listing shows it (paths shortened as [`type_string`] does).
fn short(ty: &str) -> String {
    syn::parse_str::<Type>(ty)
        .map(|t| type_string(&t))
        .unwrap_or_else(|_| ty.to_owned())
}

fn types(
    module: &ItemMod,
    out: &mut BTreeMap<String, TypeDef>,
    non_exhaustive: &mut BTreeSet<String>,
) {
    let Some((_, items)) = &module.content else {
        return;
    };
    for item in items {
        match item {
            Item::Struct(s) if matches!(s.vis, Visibility::Public(_)) => {
                let def = match &s.fields {
                    Fields::Named(named) => TypeDef::Struct(
                        named
                            .named
                            .iter()
                            .filter(|f| matches!(f.vis, Visibility::Public(_)))
                            .map(|f| {
                                (
                                    f.ident
                                        .as_ref()
                                        .map(ToString::to_string)
                                        .unwrap_or_default(),
                                    type_string(&f.ty),
                                )
                            })
                            .collect(),
                    ),
                    Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
                        TypeDef::Newtype(type_string(&unnamed.unnamed[0].ty))
                    }
                    Fields::Unnamed(unnamed) => TypeDef::Struct(
                        unnamed
                            .unnamed
                            .iter()
                            .enumerate()
                            .map(|(i, f)| (i.to_string(), type_string(&f.ty)))
                            .collect(),
                    ),
                    Fields::Unit => TypeDef::Struct(Vec::new()),
                };
                if is_non_exhaustive(&s.attrs) {
                    non_exhaustive.insert(s.ident.to_string());
                }
                out.insert(s.ident.to_string(), def);
            }
            Item::Enum(e) if matches!(e.vis, Visibility::Public(_)) => {
                let variants = e
                    .variants
                    .iter()
                    .map(|v| match &v.fields {
                        Fields::Unit => match serde_rename(&v.attrs) {
                            Some(wire) => format!("{} = {wire:?}", v.ident),
                            None => v.ident.to_string(),
                        },
                        Fields::Unnamed(f) => format!(
                            "{}({})",
                            v.ident,
                            f.unnamed
                                .iter()
                                .map(|f| type_string(&f.ty))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        Fields::Named(f) => format!(
                            "{} {{ {} }}",
                            v.ident,
                            f.named
                                .iter()
                                .map(|f| format!(
                                    "{}: {}",
                                    f.ident
                                        .as_ref()
                                        .map(ToString::to_string)
                                        .unwrap_or_default(),
                                    type_string(&f.ty)
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    })
                    .collect();
                if is_non_exhaustive(&e.attrs) {
                    non_exhaustive.insert(e.ident.to_string());
                }
                out.insert(e.ident.to_string(), TypeDef::Enum(variants));
            }
            _ => {}
        }
    }
}

fn is_non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

/// The value of `#[serde(rename = "...")]`, if present.
pub(crate) fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .find_map(|a| {
            let mut found = None;
            let _ = a.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let value: syn::LitStr = meta.value()?.parse()?;
                    found = Some(value.value());
                }
                Ok(())
            });
            found
        })
}

/// A type as compact text, with the usual std paths shortened.
pub fn type_string(ty: &Type) -> String {
    let raw = ty.to_token_stream().to_string();
    let mut text = String::with_capacity(raw.len());
    for token in raw.split(' ') {
        let glue = matches!(token, "::" | "<" | ">" | "," | ">>")
            || text.ends_with("::")
            || text.ends_with('<')
            || text.ends_with('&');
        if !glue && !text.is_empty() {
            text.push(' ');
        }
        text.push_str(token);
        if token == "," {
            text.push(' ');
        }
    }
    let text = text.replace(", >", ">").replace("  ", " ");
    let mut text = text
        .trim_start_matches("::")
        .replace("<::", "<")
        .replace(" ::", " ");
    for (long, short) in [
        ("std::option::Option", "Option"),
        ("std::string::String", "String"),
        ("std::vec::Vec", "Vec"),
        ("std::collections::HashMap", "HashMap"),
        ("std::num::", ""),
        ("chrono::offset::Utc", "Utc"),
        ("chrono::naive::NaiveDate", "NaiveDate"),
        ("chrono::DateTime", "DateTime"),
        ("serde_json::Map", "Map"),
        ("serde_json::Value", "Value"),
        ("std::result::Result", "Result"),
        // knot-api's own types, as users name them (`knot_api::types::X`, `Secret`).
        ("crate::emitted::open_enums::", ""),
        ("crate::Secret", "Secret"),
    ] {
        text = text.replace(long, short);
    }
    text.replace("&'a ", "&").replace("'_", "")
}

/// The listing committed as the API snapshot.
pub fn render(surface: &Surface, spec_name: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Public API generated from {spec_name}. Review changes to this file like code.\n\
         # Regenerate with: KNOT_BLESS=1 cargo test --test codegen api_snapshot\n"
    );
    for (name, op) in &surface.operations {
        let params = op
            .params
            .iter()
            .map(|(n, t)| format!("{n}: {t}"))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(s, "operation {name}({params}) -> {}", op.returns);
    }
    for (name, def) in &surface.types {
        s.push('\n');
        if surface.non_exhaustive.contains(name) {
            s.push_str("#[non_exhaustive] ");
        }
        match def {
            TypeDef::Struct(fields) => {
                let _ = writeln!(s, "struct {name} {{");
                for (field, ty) in fields {
                    let _ = writeln!(s, "    {field}: {ty}");
                }
                let _ = writeln!(s, "}}");
            }
            TypeDef::Enum(variants) => {
                let _ = writeln!(s, "enum {name} {{");
                for v in variants {
                    let _ = writeln!(s, "    {v}");
                }
                let _ = writeln!(s, "}}");
            }
            TypeDef::Newtype(inner) => {
                let _ = writeln!(s, "newtype {name}({inner})");
            }
        }
    }
    s
}
