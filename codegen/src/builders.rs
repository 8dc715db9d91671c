//! The request-body builders typify writes (`types::builder`), made pleasant and checkable.
//!
//! - An optional field's setter takes the value itself, an `Option` of it, or a `&str`
//!   for a string field (`.card_id("card-456")`), through the crate's `IntoOptional`
//!   trait, instead of typify's `TryInto<Option<T>>` which needs
//!   `.card_id(Some("card-456".to_owned()))`. Such a conversion cannot fail, so the
//!   setter no longer stores an error text.
//! - Every builder gains `first_invalid()`: the wire name of the first field without a
//!   usable value, and whether it is a required field that was never set (its value is
//!   still the error its `Default` starts with) rather than one set to a value that did
//!   not convert. The operation layer (see
//!   [`crate::calls`]) asks it before sending, so a missing field becomes a typed
//!   validation error without reading typify's error text.
//!
//! A syntax-tree transformation applied to every spec alike, like [`crate::stable`].

use std::collections::BTreeMap;

use quote::quote;
use syn::{Expr, Fields, ImplItem, Item, ItemImpl, ItemStruct, Type};

/// The trait optional setters take (defined by the knot-api crate).
const INTO_OPTIONAL: &str = "crate::IntoOptional";

/// Applies the transformation to `types::builder` in the generated file.
pub fn apply(file: &mut syn::File) {
    let Some(types) = module_mut(&mut file.items, "types") else {
        return;
    };
    // Wire names of each type's fields, from the `types` structs' serde renames.
    let wire_names: BTreeMap<String, BTreeMap<String, String>> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((s.ident.to_string(), field_wire_names(s))),
            _ => None,
        })
        .collect();
    let Some(builders) = module_mut(types, "builder") else {
        return;
    };
    let required = required_fields(builders);
    let mut added = Vec::new();
    for item in builders.iter_mut() {
        match item {
            Item::Impl(imp) if imp.trait_.is_none() => {
                for member in &mut imp.items {
                    if let ImplItem::Fn(f) = member {
                        infallible_optional_setter(f);
                    }
                }
            }
            Item::Struct(s) => {
                let name = s.ident.to_string();
                let names = wire_names.get(&name).cloned().unwrap_or_default();
                let required = required.get(&name).cloned().unwrap_or_default();
                added.push(first_invalid(s, &names, &required));
            }
            _ => {}
        }
    }
    builders.extend(added);
}

/// The items of the inline module `name` among `items`.
pub(crate) fn module_mut<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut Vec<Item>> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

fn field_wire_names(s: &ItemStruct) -> BTreeMap<String, String> {
    let Fields::Named(fields) = &s.fields else {
        return BTreeMap::new();
    };
    fields
        .named
        .iter()
        .filter_map(|f| {
            let ident = f.ident.as_ref()?.to_string();
            let wire = crate::surface::serde_rename(&f.attrs).unwrap_or_else(|| ident.clone());
            Some((ident, wire))
        })
        .collect()
}

/// Per builder, the fields its `Default` starts as an error ("no value supplied"): the
/// fields the spec requires, with that starting error's text.
fn required_fields(builders: &[Item]) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for item in builders {
        let Item::Impl(imp) = item else { continue };
        let is_default = imp
            .trait_
            .as_ref()
            .is_some_and(|(path, _)| path.segments.last().is_some_and(|s| s.ident == "Default"));
        if !is_default {
            continue;
        }
        let name = crate::surface::type_string(&imp.self_ty);
        for member in &imp.items {
            let ImplItem::Fn(f) = member else { continue };
            let Some(syn::Stmt::Expr(Expr::Struct(init), _)) = f.block.stmts.last() else {
                continue;
            };
            let fields = init
                .fields
                .iter()
                .filter_map(|fv| match (&fv.member, err_literal(&fv.expr)) {
                    (syn::Member::Named(ident), Some(text)) => Some((ident.to_string(), text)),
                    _ => None,
                })
                .collect();
            out.insert(name.clone(), fields);
        }
    }
    out
}

/// `Err("text".to_string())` (or `Err("text".into())`) → `text`.
fn err_literal(expr: &Expr) -> Option<String> {
    let Expr::Call(call) = expr else { return None };
    if !matches!(&*call.func, Expr::Path(p) if p.path.is_ident("Err")) {
        return None;
    }
    let mut inner = call.args.first()?;
    while let Expr::MethodCall(method) = inner {
        inner = &method.receiver;
    }
    match inner {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) => Some(text.value()),
        _ => None,
    }
}

/// `fn f<T>(mut self, value: T) -> Self where T: TryInto<Option<X>>, T::Error: Display`
/// becomes `fn f<T>(mut self, value: T) -> Self where T: IntoOptional<X>`, storing
/// `Ok(value.into_optional())`.
fn infallible_optional_setter(f: &mut syn::ImplItemFn) {
    let Some(field) = setter_field(f) else { return };
    let Some(where_clause) = &f.sig.generics.where_clause else {
        return;
    };
    let Some(inner) = where_clause
        .predicates
        .iter()
        .find_map(try_into_option_target)
    else {
        return;
    };
    let bound: syn::Path = syn::parse_str(INTO_OPTIONAL).expect("a path");
    f.sig.generics.where_clause = Some(syn::parse_quote!(where T: #bound<#inner>));
    f.block = syn::parse_quote!({
        self.#field = Ok(#bound::into_optional(value));
        self
    });
}

/// The field a typify setter assigns: its own name, when it has the setter's shape.
fn setter_field(f: &syn::ImplItemFn) -> Option<syn::Ident> {
    let generics = &f.sig.generics.params;
    let is_setter = generics.len() == 1
        && f.sig.inputs.len() == 2
        && matches!(f.sig.inputs.first(), Some(syn::FnArg::Receiver(r)) if r.mutability.is_some());
    is_setter.then(|| f.sig.ident.clone())
}

/// `T: ::std::convert::TryInto<::std::option::Option<X>>` → `X`.
fn try_into_option_target(predicate: &syn::WherePredicate) -> Option<Type> {
    let syn::WherePredicate::Type(p) = predicate else {
        return None;
    };
    let syn::TypeParamBound::Trait(bound) = p.bounds.first()? else {
        return None;
    };
    let last = bound.path.segments.last()?;
    if last.ident != "TryInto" {
        return None;
    }
    let target = single_generic(&last.arguments)?;
    let Type::Path(option) = target else {
        return None;
    };
    let last = option.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    single_generic(&last.arguments).cloned()
}

pub(crate) fn single_generic(arguments: &syn::PathArguments) -> Option<&Type> {
    let syn::PathArguments::AngleBracketed(args) = arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

/// `impl X { pub(crate) fn first_invalid(&self) -> Option<(&'static str, bool)> }`.
fn first_invalid(
    s: &ItemStruct,
    wire_names: &BTreeMap<String, String>,
    required: &BTreeMap<String, String>,
) -> Item {
    let name = &s.ident;
    let checks = match &s.fields {
        Fields::Named(fields) => fields
            .named
            .iter()
            .filter_map(|f| f.ident.as_ref())
            .map(|ident| {
                let key = ident.to_string();
                let wire = wire_names.get(&key).cloned().unwrap_or(key.clone());
                match required.get(&key) {
                    // Never set: the value is still the error `Default` starts with.
                    Some(unset) => quote! {
                        if let Err(e) = &self.#ident {
                            return Some((#wire, e == #unset));
                        }
                    },
                    None => quote!(if self.#ident.is_err() { return Some((#wire, false)); }),
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let item: ItemImpl = syn::parse_quote! {
        impl #name {
            /// The wire name of the first field without a usable value, and whether it
            /// is a required field that was never set.
            #[allow(dead_code)]
            pub(crate) fn first_invalid(&self) -> ::std::option::Option<(&'static str, bool)> {
                #(#checks)*
                None
            }
        }
    };
    Item::Impl(item)
}
