//! Generated types never print credentials or session tokens in `Debug`.
//!
//! Knot: a session "must not be logged in any internal or 3rd party tooling", yet the
//! generated `SessionCreateResponse` holds it in a plain `session` field, and a caller
//! who logs a response with `{:?}` (or traces it) would print it. For every struct in
//! `types` (and typify's builders) with a field whose name says it holds a secret
//! ([`is_sensitive`]), the derived `Debug` is replaced by one that shows that field as
//! `"[redacted]"` and every other field as before. `Serialize` is untouched: sending and
//! storing the value on purpose still works.
//!
//! A syntax-tree transformation applied to every spec alike, like [`crate::stable`].

use quote::quote;
use syn::{Fields, Item, ItemStruct};

/// Whether a field of this (Rust) name holds a secret: `session` or `session_id` (Knot's
/// session is the token the SDK opens with), anything ending in `token`, or containing
/// `secret`, `password` or `api_key`.
pub fn is_sensitive(field: &str) -> bool {
    let name = field.trim_end_matches('_').to_ascii_lowercase();
    name == "session"
        || name == "session_id"
        || name.ends_with("token")
        || name.contains("secret")
        || name.contains("password")
        || name.contains("api_key")
}

/// Applies the transformation to `types` and `types::builder`.
pub fn apply(file: &mut syn::File) {
    if let Some(types) = crate::builders::module_mut(&mut file.items, "types") {
        redact(types);
        if let Some(builders) = crate::builders::module_mut(types, "builder") {
            redact(builders);
        }
    }
}

fn redact(items: &mut Vec<Item>) {
    let mut added = Vec::new();
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let Fields::Named(fields) = &s.fields else {
            continue;
        };
        let names: Vec<syn::Ident> = fields
            .named
            .iter()
            .filter_map(|f| f.ident.clone())
            .collect();
        if !names.iter().any(|n| is_sensitive(&n.to_string())) || !drop_debug_derive(s) {
            continue;
        }
        added.push(debug_impl(&s.ident, &names));
    }
    items.extend(added);
}

/// Removes `Debug` from the struct's derives; false when it derived no `Debug`.
fn drop_debug_derive(s: &mut ItemStruct) -> bool {
    let mut removed = false;
    for attr in &mut s.attrs {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != "Debug"))
            .collect();
        if kept.len() != paths.len() {
            removed = true;
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    removed
}

fn debug_impl(name: &syn::Ident, fields: &[syn::Ident]) -> Item {
    let label = name.to_string();
    let shown = fields.iter().map(|field| {
        let key = field.to_string();
        if is_sensitive(&key) {
            quote!(.field(#key, &"[redacted]"))
        } else {
            quote!(.field(#key, &self.#field))
        }
    });
    syn::parse_quote! {
        /// Like the derived `Debug`, with secret-bearing fields shown as `"[redacted]"`.
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label)#(#shown)*.finish()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_sensitive;

    #[test]
    fn names_that_hold_secrets() {
        for name in [
            "session",
            "session_id",
            "processor_token",
            "token",
            "client_secret",
        ] {
            assert!(is_sensitive(name), "{name}");
        }
        for name in [
            "sessions",
            "external_user_id",
            "card_id",
            "email",
            "tokens_left",
        ] {
            assert!(!is_sensitive(name), "{name}");
        }
    }
}
