//! Builders for the types callers send, and the field views validation reads.
//!
//! Every generated type is `#[non_exhaustive]`, so a type a caller sends is built with
//! `types::X::builder()`: setters named after the fields (an optional one takes the value,
//! an `Option` of it, or a `&str` for text), and `build()`, which names a missing required
//! field in Knot's words. A request body type also gets a view of its fields by their
//! wire names (`knot_api`'s `Fields`), so the request is validated as the typed value it
//! is, before anything is serialized.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::facts::{Facts, StructFacts};
use super::names;

/// The builders and field views for the request body structs `bodies` (by generated
/// name) and every struct they contain.
pub fn emit(bodies: &BTreeSet<String>, facts: &Facts, doc: &Value) -> TokenStream {
    let wire = wire_names(doc);
    let mut built = BTreeSet::new();
    let mut queue: Vec<String> = bodies.iter().cloned().collect();
    let mut viewed: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    let mut impls = Vec::new();
    while let Some(name) = queue.pop() {
        let Some(facts_of) = facts.structs.get(&name) else {
            continue;
        };
        if !built.insert(name.clone()) {
            continue;
        }
        let wire_of = wire.get(&name);
        out.push(builder(&name, facts_of, wire_of));
        impls.push(constructor(&name));
        for field in &facts_of.fields {
            queue.extend(field.uses.iter().cloned());
            if bodies.contains(&name) && field.viewable {
                viewed.extend(field.uses.iter().cloned());
            }
        }
    }
    let views = bodies
        .iter()
        .filter_map(|name| Some(view(name, facts.structs.get(name)?, wire.get(name))));
    let named_views = viewed.iter().filter_map(|name| {
        let named = facts.named.get(name)?;
        let path: TokenStream = named.path.parse().ok()?;
        let body = if named.simple_enum {
            quote! { crate::ext::fields::Field::Shown(self) }
        } else {
            quote! { crate::ext::fields::Field::Present }
        };
        Some(quote! {
            impl crate::ext::fields::AsField for #path {
                fn as_field(&self) -> crate::ext::fields::Field<'_> {
                    #body
                }
            }
        })
    });
    quote! {
        /// Builders for the types requests carry: `types::X::builder()`.
        pub mod builder {
            #[allow(unused_imports)]
            use crate::generated::types;
            #(#out)*
        }
        #[allow(unused_imports)]
        use crate::generated::types;
        #(#impls)*
        #(#views)*
        #(#named_views)*
    }
}

/// `T` of a type written `Option<T>`.
fn option_inner(ty: &str) -> Option<TokenStream> {
    let syn::Type::Path(path) = syn::parse_str::<syn::Type>(ty).ok()? else {
        return None;
    };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match (last.ident == "Option", args.args.first()) {
        (true, Some(syn::GenericArgument::Type(inner))) => Some(quote! { #inner }),
        _ => None,
    }
}

/// A struct's properties in the spec's order: `(field name, wire name)`.
type Wire = Vec<(String, String)>;

/// The wire name of a field, when the spec's properties give one.
fn wire_of<'w>(wire: Option<&'w Wire>, field: &str) -> Option<&'w String> {
    wire?.iter().find(|(f, _)| f == field).map(|(_, w)| w)
}

/// Wire names of each component struct's properties, in the spec's order.
fn wire_names(doc: &Value) -> BTreeMap<String, Wire> {
    let mut out = BTreeMap::new();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (key, schema) in schemas.into_iter().flatten() {
        let flat = crate::spec::schema::flatten(doc, schema);
        let Some(Value::Object(properties)) = flat.get("properties") else {
            continue;
        };
        let fields = properties
            .keys()
            .map(|wire| (names::typify_field(wire), wire.clone()))
            .collect();
        out.insert(names::component_type(key), fields);
    }
    out
}

fn constructor(name: &str) -> TokenStream {
    let ty = format_ident!("{name}");
    let doc = format!(" A builder for [`{name}`], the way to make one.");
    quote! {
        impl types::#ty {
            #[doc = #doc]
            pub fn builder() -> builder::#ty {
                ::std::default::Default::default()
            }
        }
    }
}

fn builder(name: &str, facts: &StructFacts, wire: Option<&Wire>) -> TokenStream {
    let ty = format_ident!("{name}");
    let doc = format!(
        " Builds a [`types::{name}`]: set its fields, then pass the builder where one is \
         expected, or call `build()`."
    );
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut build = Vec::new();
    let mut from = Vec::new();
    // Required fields are checked in the spec's order, as Knot's validation reports them.
    let position = |field: &str| {
        wire.and_then(|w| w.iter().position(|(f, _)| f == field))
            .unwrap_or(usize::MAX)
    };
    let mut required: Vec<&super::facts::FieldFacts> = facts
        .fields
        .iter()
        .filter(|f| f.required && f.option_of.is_none())
        .collect();
    required.sort_by_key(|f| position(&f.name));
    let checks = required.iter().map(|field| {
        let ident = format_ident!("{}", field.name);
        let wire_name = wire_of(wire, &field.name)
            .cloned()
            .unwrap_or_else(|| field.name.clone());
        quote! { let #ident = crate::ext::call::required_field(self.#ident, #wire_name)?; }
    });
    let checks: Vec<TokenStream> = checks.collect();
    for field in &facts.fields {
        let ident = format_ident!("{}", field.name);
        let ty: TokenStream = field.ty.parse().expect("a type typify wrote");
        let wire_name = wire_of(wire, &field.name)
            .cloned()
            .unwrap_or_else(|| field.name.clone());
        match &field.option_of {
            Some(inner) => {
                // A flattened optional field (Box's `subtype_1`) is `Option<T>` in the
                // struct though typify's type of it is `Option<Option<T>>`: the setter
                // takes `T`, what the field holds.
                let inner: TokenStream = if *inner == field.ty {
                    option_inner(&field.ty).unwrap_or_else(|| inner.parse().expect("a type"))
                } else {
                    inner.parse().expect("a type typify wrote")
                };
                let setter_doc = format!(
                    " Sets `{wire_name}`: the value, an `Option` of it (`None` clears it), \
                     or a `&str` for text."
                );
                fields.push(quote! { #ident: #ty });
                setters.push(quote! {
                    #[doc = #setter_doc]
                    pub fn #ident(mut self, value: impl crate::IntoOptional<#inner>) -> Self {
                        self.#ident = value.into_optional();
                        self
                    }
                });
                build.push(quote! { #ident: self.#ident });
                from.push(quote! { #ident: value.#ident });
            }
            None => {
                let setter_doc = format!(" Sets `{wire_name}`.");
                fields.push(quote! { #ident: ::std::option::Option<#ty> });
                setters.push(quote! {
                    #[doc = #setter_doc]
                    pub fn #ident(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
                        self.#ident = ::std::option::Option::Some(value.into());
                        self
                    }
                });
                build.push(if field.required {
                    quote! { #ident }
                } else {
                    quote! { #ident: self.#ident.unwrap_or_default() }
                });
                from.push(quote! { #ident: ::std::option::Option::Some(value.#ident) });
            }
        }
    }
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, Default)]
        #[must_use]
        pub struct #ty {
            #(#fields,)*
        }

        impl #ty {
            #(#setters)*

            /// The value, or the first required field left unset, in Knot's words.
            pub fn build(self) -> ::std::result::Result<types::#ty, crate::ValidationError> {
                #(#checks)*
                ::std::result::Result::Ok(types::#ty {
                    #(#build,)*
                })
            }
        }

        impl ::std::convert::From<types::#ty> for #ty {
            fn from(value: types::#ty) -> Self {
                Self {
                    #(#from,)*
                }
            }
        }

        impl ::std::convert::TryFrom<#ty> for types::#ty {
            type Error = crate::ValidationError;

            fn try_from(value: #ty) -> ::std::result::Result<Self, Self::Error> {
                value.build()
            }
        }
    }
}

/// The field view of a request body: its fields by wire name, for validation.
fn view(name: &str, facts: &StructFacts, wire: Option<&Wire>) -> TokenStream {
    let ty = format_ident!("{name}");
    let arms = facts.fields.iter().filter_map(|field| {
        let wire_name = wire_of(wire, &field.name)?;
        let ident = format_ident!("{}", field.name);
        Some(if field.viewable {
            quote! { #wire_name => crate::ext::fields::AsField::as_field(&self.#ident) }
        } else {
            quote! { #wire_name => crate::ext::fields::Field::Present }
        })
    });
    quote! {
        impl crate::ext::fields::Fields for types::#ty {
            fn field(&self, name: &str) -> crate::ext::fields::Field<'_> {
                match name {
                    #(#arms,)*
                    _ => crate::ext::fields::Field::Absent,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inner_type_of_an_option_is_read() {
        let inner = option_inner(":: std :: option :: Option < :: std :: string :: String >");
        assert_eq!(
            inner.map(|t| t.to_string()),
            Some(":: std :: string :: String".to_owned())
        );
        assert!(option_inner("::std::vec::Vec<i64>").is_none());
        assert!(option_inner("not a type <").is_none());
    }
}
