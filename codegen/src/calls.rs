//! One request path: every generated operation returns the crate's own error, with the
//! call's options carried by the call itself.
//!
//! progenitor writes, per operation, a builder in `mod builder` that borrows the
//! generated `Client` and whose `send()` returns `progenitor_client::Error`. This pass
//! reshapes each such builder, for every spec alike:
//!
//! - its `client` field becomes a `Cow<'a, Client>`, so `.options(..)` can give this one
//!   call a client whose hook state carries the call's options and outcome (no
//!   task-local that a spawned future would lose);
//! - a `body` setter for a typed body takes the body or its builder
//!   (`Into<types::builder::X>`) and keeps the builder as is, so a missing field is
//!   found by the builder's `first_invalid()` (see [`crate::builders`]) instead of
//!   surviving only as typify's error text;
//! - progenitor's `send` becomes the private `knot_dispatch`; the public `send()` (the
//!   decoded body) and `send_with_response()` (with status and headers) check the parameters,
//!   start the call (`crate::ext::call`), dispatch, and turn any failure into
//!   `crate::Error`;
//!   Where a parameter is named `options` or `send_with_response`, its setter keeps the
//!   name and ours become `call_options` / `send_keeping_response`.
//! - inside it, a typed body is validated as it is (`crate::ext::hooks::validate_typed`),
//!   and a JSON answer is decoded by `crate::ext::call::from_response`, which moves the
//!   response's headers instead of copying them;
//! - `KnotClient` gains one method per operation returning that builder, with the
//!   operation's docs. An operation whose method name `KnotClient` already uses
//!   (`builder`, `base_url`, ...) gets the suffix `_operation`.
//! - for Knot's `session_create`, `KnotClient::create_session(_with)`: the same operation
//!   plus a typed [`Session`](../../knot_api/struct.Session.html) result.

use quote::{format_ident, quote};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Fields, ImplItem, Item, ItemImpl, Type};

use crate::fixups::bound;

/// Methods `KnotClient` has by hand; an operation of the same name is suffixed.
const RESERVED: &[&str] = &[
    "builder",
    "from_env",
    "base_url",
    "credentials",
    "create_session",
    "create_session_with",
    "clone",
    "fmt",
];

/// One operation builder found in progenitor's output.
struct Operation {
    /// The builder struct's name, e.g. `SessionCreate`.
    builder: syn::Ident,
    /// The method on the generated `Client`, e.g. `session_create`.
    method: syn::Ident,
    /// The spec's operationId.
    operation_id: String,
    /// `T` of `ResponseValue<T>`.
    response: Type,
    /// `types::builder::X` when the body setter was made to take a typed body's builder.
    body_builder: Option<Type>,
    /// Our `options` and `send_with_response` methods on the builder, renamed when a
    /// parameter's setter has the name (see [`call_method_names`]).
    options: syn::Ident,
    send_with_response: syn::Ident,
}

/// A parameter's setter has the parameter's name; ours step aside when one is taken:
/// `options` → `call_options`, `send_with_response` → `send_keeping_response`.
fn call_method_names(fields: &[(syn::Ident, Type)]) -> (syn::Ident, syn::Ident) {
    let free = |preferred: &str, fallback: &str| {
        if fields.iter().any(|(ident, _)| ident == preferred) {
            format_ident!("{fallback}")
        } else {
            format_ident!("{preferred}")
        }
    };
    (
        free("options", "call_options"),
        free("send_with_response", "send_keeping_response"),
    )
}

/// Applies the transformation; returns an error when progenitor's output no longer has
/// the shape this pass knows (a progenitor upgrade), rather than generating a client that
/// bypasses the hooks' error handling.
pub fn apply(file: &mut syn::File) -> Result<(), String> {
    let methods = client_methods(&file.items);
    let Some(builders) = crate::builders::module_mut(&mut file.items, "builder") else {
        return Ok(()); // a spec without operations
    };
    let mut operations = Vec::new();
    let mut added = Vec::new();
    for item in builders.iter_mut() {
        if let Item::Struct(s) = item
            && let Some(field) = client_field(s)
        {
            field.ty = syn::parse_quote!(::std::borrow::Cow<'a, super::Client>);
        }
    }
    let structs: Vec<(syn::Ident, Vec<(syn::Ident, Type)>)> = builders
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if has_client_field(s) => Some((s.ident.clone(), fields_of(s))),
            _ => None,
        })
        .collect();
    for item in builders.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let Some(self_name) = type_ident(&imp.self_ty) else {
            continue;
        };
        let Some((name, fields)) = structs.iter().find(|(n, _)| *n == self_name) else {
            continue;
        };
        let Some(mut op) = reshape(imp, name, fields)? else {
            continue;
        };
        if let Some((method, _)) = methods.iter().find(|(_, b)| b == name) {
            op.method = method.clone();
        }
        added.push(call_methods(&op, fields));
        operations.push(op);
    }
    builders.extend(added);
    let docs = method_docs(&file.items);
    // The generated `Client` is private to the crate; its docs live on `KnotClient` now.
    strip_client_method_docs(&mut file.items);
    for op in &operations {
        file.items.push(knot_client_method(op, &docs));
    }
    if let Some(op) = operations
        .iter()
        .find(|o| o.operation_id == "session_create")
        && op.body_builder.is_some()
        && response_has_field(&file.items, &op.response, "session")
    {
        file.items.push(create_session(op));
    }
    Ok(())
}

/// The last path segment's name: `Name<'a>` → `Name`, `types::builder::X` → `X`.
fn type_ident(ty: &Type) -> Option<syn::Ident> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    }
}

fn client_field(s: &mut syn::ItemStruct) -> Option<&mut syn::Field> {
    let Fields::Named(fields) = &mut s.fields else {
        return None;
    };
    fields.named.iter_mut().find(|f| {
        f.ident.as_ref().is_some_and(|i| i == "client") && matches!(f.ty, Type::Reference(_))
    })
}

fn has_client_field(s: &syn::ItemStruct) -> bool {
    fields_of(s).iter().any(|(ident, _)| ident == "client")
}

fn fields_of(s: &syn::ItemStruct) -> Vec<(syn::Ident, Type)> {
    match &s.fields {
        Fields::Named(fields) => fields
            .named
            .iter()
            .filter_map(|f| Some((f.ident.clone()?, f.ty.clone())))
            .collect(),
        _ => Vec::new(),
    }
}

/// `(method, builder name)` for each `pub fn method(&self) -> builder::Name<'_>` of the
/// generated `Client`.
fn client_methods(items: &[Item]) -> Vec<(syn::Ident, syn::Ident)> {
    client_impl_fns(items)
        .filter_map(|f| {
            let syn::ReturnType::Type(_, ty) = &f.sig.output else {
                return None;
            };
            let Type::Path(path) = &**ty else { return None };
            let segments: Vec<_> = path.path.segments.iter().collect();
            match segments.as_slice() {
                [module, name] if module.ident == "builder" => {
                    Some((f.sig.ident.clone(), name.ident.clone()))
                }
                _ => None,
            }
        })
        .collect()
}

fn client_impl_fns(items: &[Item]) -> impl Iterator<Item = &syn::ImplItemFn> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp)
                if imp.trait_.is_none()
                    && crate::surface::type_string(&imp.self_ty) == "Client" =>
            {
                Some(imp)
            }
            _ => None,
        })
        .flat_map(|imp| imp.items.iter())
        .filter_map(|member| match member {
            ImplItem::Fn(f) => Some(f),
            _ => None,
        })
}

/// The doc attributes of each generated `Client` method.
/// progenitor's usage snippet (```` ```ignore ````, written for its own `Client`) is left
/// out: the builder's own methods say how to call it.
fn method_docs(items: &[Item]) -> Vec<(syn::Ident, Vec<syn::Attribute>)> {
    client_impl_fns(items)
        .map(|f| {
            let docs = f
                .attrs
                .iter()
                .filter_map(|a| {
                    let syn::Meta::NameValue(nv) = &a.meta else {
                        return None;
                    };
                    if !nv.path.is_ident("doc") {
                        return None;
                    }
                    let Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) = &nv.value
                    else {
                        return Some(a.clone());
                    };
                    let text = text.value();
                    let kept = match text.find("```ignore") {
                        Some(at) => text[..at].trim_end().to_owned(),
                        None => text,
                    };
                    Some(syn::parse_quote!(#[doc = #kept]))
                })
                .collect();
            (f.sig.ident.clone(), docs)
        })
        .collect()
}

/// Rewrites `new`, the body setter and `send` in one builder's impl block.
fn reshape(
    imp: &mut ItemImpl,
    name: &syn::Ident,
    fields: &[(syn::Ident, Type)],
) -> Result<Option<Operation>, String> {
    let mut found = None;
    let mut body_builder = None;
    let typed_body = fields
        .iter()
        .find(|(ident, _)| ident == "body")
        .and_then(|(_, ty)| result_ok_type(ty))
        .filter(|ty| is_types_builder(ty))
        .cloned();
    for member in &mut imp.items {
        let ImplItem::Fn(f) = member else { continue };
        if f.sig.ident == "new" {
            borrow_client_in_new(f);
            // Takes the crate-private generated client; builders come from `KnotClient`.
            f.vis = syn::parse_quote!(pub(crate));
        } else if f.sig.ident == "body"
            && let Some(builder) = &typed_body
        {
            f.sig.generics = syn::parse_quote!(<V>);
            f.sig.generics.where_clause =
                Some(syn::parse_quote!(where V: ::std::convert::Into<#builder>));
            f.block = syn::parse_quote!({
                self.body = Ok(value.into());
                self
            });
            body_builder = Some(builder.clone());
        } else if f.sig.ident == "send" {
            let response = response_type(&f.sig.output).ok_or_else(|| {
                format!("knot-codegen does not recognise the return type of `{name}::send`")
            })?;
            let operation_id = operation_id(&f.block).ok_or_else(|| {
                format!("knot-codegen cannot find the operationId in `{name}::send`")
            })?;
            if let Some(builder) = &typed_body {
                validate_typed_body(&mut f.block, &operation_id, builder);
            }
            DecodeInPlace.visit_block_mut(&mut f.block);
            f.sig.ident = format_ident!("knot_dispatch");
            f.vis = syn::Visibility::Inherited;
            f.attrs.retain(|a| !a.path().is_ident("doc"));
            found = Some((response, operation_id));
        }
    }
    let (options, send_with_response) = call_method_names(fields);
    Ok(found.map(|(response, operation_id)| Operation {
        builder: name.clone(),
        // A fallback: `apply` takes the real method name from the generated `Client`.
        method: format_ident!("{}", crate::examples::snake(&name.to_string())),
        operation_id,
        response,
        body_builder,
        options,
        send_with_response,
    }))
}

/// After `let body = ..;` (the typed body, converted from its builder by
/// `types::X::try_from`) in progenitor's `send`, validates that body as it is
/// (`crate::ext::hooks::validate_typed`), so the request's bytes need not be parsed back
/// (issue 13's per-request overhead); after `let mut request = ..;` (the body serialized
/// into it), drops the body when nothing later uses it.
///
/// Both are optimisations: where progenitor's code has another shape, nothing is
/// inserted and `pre` validates the bytes as before (never a build failure).
fn validate_typed_body(block: &mut syn::Block, operation_id: &str, builder: &Type) {
    let Some(typed) = type_ident(builder) else {
        return;
    };
    let conversion = format!("types::{typed}::try_from");
    let Some(position) = block.stmts.iter().position(|stmt| {
        bound(stmt, "body")
            .and_then(|local| local.init.as_ref())
            .is_some_and(|init| {
                let init = &init.expr;
                quote!(#init)
                    .to_string()
                    .replace(' ', "")
                    .contains(&conversion)
            })
    }) else {
        return;
    };
    block.stmts.insert(
        position + 1,
        syn::parse_quote!(
            crate::ext::hooks::validate_typed(&client.inner, #operation_id, &body)?;
        ),
    );
    // Serialized into the request by then: freed before the wait for the answer, not
    // carried across it (a smaller future, and the memory is still in cache).
    if let Some(built) = block
        .stmts
        .iter()
        .position(|stmt| bound(stmt, "request").is_some())
        && !block.stmts[built + 1..]
            .iter()
            .any(|stmt| mentions(quote!(#stmt), "body"))
    {
        block
            .stmts
            .insert(built + 1, syn::parse_quote!(::std::mem::drop(body);));
    }
}

/// Whether the identifier `name` occurs anywhere in `tokens`.
fn mentions(tokens: proc_macro2::TokenStream, name: &str) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(ident) => ident == name,
        proc_macro2::TokenTree::Group(group) => mentions(group.stream(), name),
        _ => false,
    })
}

/// `ResponseValue::from_response(response)` → `crate::ext::call::from_response(response)`:
/// the same decoding, with the response's headers moved into the value instead of
/// copied (the response is consumed anyway; issue 13's per-request overhead).
struct DecodeInPlace;

impl VisitMut for DecodeInPlace {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        if let Expr::Path(path) = &mut *call.func {
            let segments = &mut path.path.segments;
            // Only the form progenitor writes: ours has other generic parameters, so a
            // turbofish (which progenitor does not write) is left alone.
            if segments.len() == 2
                && segments[0].ident == "ResponseValue"
                && segments[0].arguments.is_none()
                && segments[1].ident == "from_response"
                && segments[1].arguments.is_none()
            {
                let function = segments[1].clone();
                path.path = syn::parse_quote!(crate::ext::call::#function);
            }
        }
        visit_mut::visit_expr_call_mut(self, call);
    }
}

fn borrow_client_in_new(f: &mut syn::ImplItemFn) {
    if let Some(syn::Stmt::Expr(Expr::Struct(init), _)) = f.block.stmts.last_mut() {
        for field in init.fields.iter_mut() {
            if matches!(&field.member, syn::Member::Named(i) if i == "client") {
                field.expr = syn::parse_quote!(::std::borrow::Cow::Borrowed(client));
                field.colon_token = Some(Default::default());
            }
        }
    }
}

/// `Result<T, String>` → `T`.
fn result_ok_type(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

fn is_types_builder(ty: &Type) -> bool {
    let Type::Path(path) = ty else { return false };
    let names: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    names.len() == 3 && names[0] == "types" && names[1] == "builder"
}

/// `Result<ResponseValue<T>, Error<E>>` → `T`.
fn response_type(output: &syn::ReturnType) -> Option<Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let ok = result_ok_type(ty)?;
    let Type::Path(path) = ok else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "ResponseValue" {
        return None;
    }
    crate::builders::single_generic(&last.arguments).cloned()
}

/// The string given to `OperationInfo { operation_id: "..." }` in `send`.
fn operation_id(block: &syn::Block) -> Option<String> {
    block.stmts.iter().find_map(|stmt| {
        let syn::Stmt::Local(local) = stmt else {
            return None;
        };
        let Expr::Struct(init) = &*local.init.as_ref()?.expr else {
            return None;
        };
        if !init.path.is_ident("OperationInfo") {
            return None;
        }
        init.fields.iter().find_map(|f| match (&f.member, &f.expr) {
            (syn::Member::Named(i), Expr::Lit(lit)) if i == "operation_id" => match &lit.lit {
                syn::Lit::Str(s) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
    })
}

/// `options`, `send` and `send_with_response` for one builder.
fn call_methods(op: &Operation, fields: &[(syn::Ident, Type)]) -> Item {
    let name = &op.builder;
    let (options, send_with_response) = (&op.options, &op.send_with_response);
    let response = &op.response;
    let checks = fields
        .iter()
        .filter(|(ident, ty)| ident != "client" && result_ok_type(ty).is_some())
        .map(|(ident, _)| {
            let part = ident.to_string();
            if *ident == "body" && op.body_builder.is_some() {
                quote! {
                    match &self.body {
                        Ok(body) => if let Some((field, required)) = body.first_invalid() {
                            return Err(crate::ext::call::invalid_field(field, required));
                        },
                        Err(_) => return Err(crate::ext::call::invalid_part(#part)),
                    }
                }
            } else {
                quote! {
                    if self.#ident.is_err() {
                        return Err(crate::ext::call::invalid_part(#part));
                    }
                }
            }
        });
    let item: ItemImpl = syn::parse_quote! {
        impl<'a> #name<'a> {
            /// Options for this call only: extra body fields or headers, retries, the
            /// call's deadline.
            pub fn #options(mut self, options: crate::RequestOptions) -> Self {
                crate::ext::call::set_options(&mut self.client, options);
                self
            }
            /// Sends the request (validated, authenticated, retried per the client's
            /// policy) and returns the decoded body.
            pub async fn send(self) -> crate::Result<#response> {
                self.#send_with_response().await.map(ResponseValue::into_inner)
            }
            /// [`Self::send`], keeping the response's status and headers.
            pub async fn #send_with_response(mut self) -> crate::Result<ResponseValue<#response>> {
                #(#checks)*
                let call = crate::ext::call::Call::start(&mut self.client)?;
                let result = self.knot_dispatch().await;
                call.finish(result).await
            }
        }
    };
    Item::Impl(item)
}

fn knot_client_method(op: &Operation, docs: &[(syn::Ident, Vec<syn::Attribute>)]) -> Item {
    let method = &op.method;
    let builder = &op.builder;
    let public = if RESERVED.contains(&method.to_string().as_str()) {
        format_ident!("{method}_operation")
    } else {
        method.clone()
    };
    let attrs = docs
        .iter()
        .find(|(m, _)| m == method)
        .map(|(_, d)| d.clone())
        .unwrap_or_default();
    syn::parse_quote! {
        impl crate::KnotClient {
            #(#attrs)*
            pub fn #public(&self) -> builder::#builder<'_> {
                self.api.#method()
            }
        }
    }
}

fn strip_client_method_docs(items: &mut [Item]) {
    for item in items {
        if let Item::Impl(imp) = item
            && imp.trait_.is_none()
            && crate::surface::type_string(&imp.self_ty) == "Client"
        {
            for member in &mut imp.items {
                if let ImplItem::Fn(f) = member
                    && methods_returning_builder(f)
                {
                    f.attrs.retain(|a| !a.path().is_ident("doc"));
                }
            }
        }
    }
}

fn methods_returning_builder(f: &syn::ImplItemFn) -> bool {
    matches!(&f.sig.output, syn::ReturnType::Type(_, ty)
        if matches!(&**ty, Type::Path(p) if p.path.segments.first().is_some_and(|s| s.ident == "builder")))
}

/// Whether the response type is a struct of `types` with a text field named `field`.
fn response_has_field(items: &[Item], response: &Type, field: &str) -> bool {
    let Type::Path(path) = response else {
        return false;
    };
    let Some(name) = path.path.segments.last().map(|s| s.ident.to_string()) else {
        return false;
    };
    items
        .iter()
        .filter_map(|item| match item {
            Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .flatten()
        .any(|item| match item {
            // `create_session` reads it as text: `String` or `Option<String>`.
            Item::Struct(s) if s.ident == name => fields_of(s).iter().any(|(f, ty)| {
                f == field
                    && matches!(
                        crate::surface::type_string(ty).as_str(),
                        "String" | "Option<String>"
                    )
            }),
            _ => false,
        })
}

fn create_session(op: &Operation) -> Item {
    let method = &op.method;
    let (options, send_with_response) = (&op.options, &op.send_with_response);
    let body = op.body_builder.as_ref().expect("checked by the caller");
    syn::parse_quote! {
        impl crate::KnotClient {
            /// Creates a session (`session_create`) and returns it as a [`crate::Session`]:
            /// the token (never printed) and when it expires (30 minutes).
            ///
            /// `body` is the request or its builder; it is validated before anything is
            /// sent (a missing or invalid field is [`crate::Error::Validation`]).
            pub async fn create_session<B>(&self, body: B) -> crate::Result<crate::Session>
            where
                B: ::std::convert::Into<#body>,
            {
                self.create_session_with(body, crate::RequestOptions::new()).await
            }

            /// [`Self::create_session`] with options for this call, e.g. a field the spec
            /// does not list yet: `RequestOptions::new().extra_body("merchant_id", 45)`.
            pub async fn create_session_with<B>(
                &self,
                body: B,
                options: crate::RequestOptions,
            ) -> crate::Result<crate::Session>
            where
                B: ::std::convert::Into<#body>,
            {
                let response = self
                    .api
                    .#method()
                    .body(body)
                    .#options(options)
                    .#send_with_response()
                    .await?;
                let status = response.status();
                let mut response = response.into_inner();
                let token = ::std::mem::take(&mut response.session);
                crate::ext::session::from_response(status, token, &response)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// `create_session` calls the builder's methods by the names they really got: a
    /// `session_create` parameter named `options` moves ours to `call_options`.
    #[test]
    fn create_session_follows_renamed_builder_methods() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": { "/session/create": { "post": {
                "operationId": "session_create",
                "parameters": [{ "name": "options", "in": "query", "schema": { "type": "string" } }],
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["type"],
                    "properties": { "type": { "type": "string" } }
                } } } },
                "responses": { "200": { "description": "ok", "content": { "application/json": {
                    "schema": { "type": "object", "required": ["session"],
                        "properties": { "session": { "type": "string" } } }
                } } } }
            } } }
        });
        let code = crate::generate::generate(&doc).unwrap();
        assert!(code.contains("pub async fn create_session_with"), "{code}");
        assert!(code.contains(".call_options(options)"), "{code}");
        assert!(!code.contains(".options(options)"), "{code}");
    }

    /// progenitor's JSON decoding becomes ours (headers moved, not copied); a turbofish
    /// form (whose generic arguments would mean something else to ours) and other calls
    /// of that name stay.
    #[test]
    fn json_answers_are_decoded_in_place() {
        use syn::visit_mut::VisitMut as _;
        let mut block: syn::Block = syn::parse_quote!({
            let a = ResponseValue::from_response(response).await;
            let b = ResponseValue::from_response::<types::X>(response).await;
            let c = crate::ext::session::from_response(status, token, &response);
            let d = ResponseValue::stream(response);
        });
        super::DecodeInPlace.visit_block_mut(&mut block);
        let code = quote::quote!(#block).to_string().replace(' ', "");
        assert!(
            code.contains("leta=crate::ext::call::from_response(response)"),
            "{code}"
        );
        assert!(
            code.contains("letb=ResponseValue::from_response::<types::X>(response)"),
            "{code}"
        );
        assert!(
            code.contains("crate::ext::session::from_response(status"),
            "{code}"
        );
        assert!(code.contains("ResponseValue::stream(response)"), "{code}");
    }

    /// A typed body is validated right after progenitor builds it, by operationId.
    #[test]
    fn typed_bodies_are_validated_once_built() {
        let builder: syn::Type = syn::parse_quote!(types::builder::X);
        let code_of = |mut block: syn::Block| {
            super::validate_typed_body(&mut block, "op_id", &builder);
            quote::quote!(#block).to_string().replace(' ', "")
        };
        let code = code_of(syn::parse_quote!({
            let Self { client, body } = self;
            let body = body.and_then(|v| types::X::try_from(v));
            let url = format!("{}/x", client.baseurl);
            let mut request = client.client.post(url).json(&body).build()?;
            client.pre(&mut request, &info).await?;
        }));
        let at = |s: &str| code.find(s).unwrap_or_else(|| panic!("{s} in {code}"));
        assert!(
            at("letbody=body")
                < at("crate::ext::hooks::validate_typed(&client.inner,\"op_id\",&body)?;")
        );
        assert!(at("validate_typed") < at("leturl"));
        // Freed once serialized into the request, before anything is awaited.
        assert!(at("letmutrequest") < at("::std::mem::drop(body);"));
        assert!(at("::std::mem::drop(body);") < at("client.pre"));
        // Used after the request is built: kept.
        let code = code_of(syn::parse_quote!({
            let body = body.and_then(|v| types::X::try_from(v));
            let mut request = client.client.post(url).json(&body).build()?;
            log(&body);
        }));
        assert!(code.contains("validate_typed"), "{code}");
        assert!(!code.contains("drop(body)"), "{code}");
        // Another shape (no typed conversion, another type, no body): left as it is,
        // for `pre` to validate the bytes.
        for block in [
            syn::parse_quote!({
                let url = 1;
            }),
            syn::parse_quote!({
                let body = body.map_err(Error::InvalidRequest)?;
            }),
            syn::parse_quote!({
                let body = body.and_then(|v| types::Y::try_from(v));
            }),
        ] {
            let before = quote::quote!(#block).to_string().replace(' ', "");
            assert_eq!(code_of(block), before);
        }
    }
}
