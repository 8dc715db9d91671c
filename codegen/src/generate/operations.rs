//! One builder per operation, written beside progenitor's client and calling it as a user
//! crate would: `knot.session_create().body(..).options(..).send()`.
//!
//! The builder holds the parameters and the body as owned values; `send()` builds and
//! validates the body, prepares the call (`crate::ext::call`), calls progenitor's method
//! for the operation, and turns its result into `knot_api::Result`. `KnotClient` gets one
//! method per operation returning the builder, with the operation's docs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::facts::Facts;
use super::names;
use super::signatures::{Method, Param, Shape};
use crate::notes::Notes;
use crate::spec::walk;

/// Methods `KnotClient` has by hand; an operation of the same name gets `_operation`.
const RESERVED: &[&str] = &[
    "builder",
    "from_env",
    "from_env_builder",
    "base_url",
    "credentials",
    "create_session",
    "create_session_with",
    "clone",
    "fmt",
];

/// One operation, as the spec describes it and progenitor generated it.
pub struct Operation<'a> {
    /// The spec's operationId.
    pub id: String,
    /// `POST /session/create`.
    pub label: String,
    /// Summary and description, for the docs.
    pub docs: String,
    /// Parameter descriptions by progenitor's parameter name.
    pub param_docs: Vec<(String, String)>,
    /// progenitor's method for it.
    pub method: &'a Method,
}

/// Pairs each operation of `doc` with its progenitor method; an operation without one
/// (progenitor named it otherwise) is noted and left out.
pub fn collect<'a>(doc: &Value, methods: &'a [Method], notes: &mut Notes) -> Vec<Operation<'a>> {
    let mut out = Vec::new();
    for op in walk::operations(doc) {
        let Some(operation) = walk::pointer_get(doc, &op.pointer) else {
            continue;
        };
        let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let name = names::progenitor_snake(id);
        let Some(method) = methods.iter().find(|m| m.name == name) else {
            notes.add(
                format!(
                    "{}: progenitor generated no method `{name}`; not generated",
                    op.label()
                ),
                op.pointer.clone(),
            );
            continue;
        };
        let text = |key: &str| {
            operation
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let docs = [text("summary"), text("description")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n\n");
        let param_docs = parameters(doc, &op)
            .into_iter()
            .filter_map(|p| {
                let name = p.get("name")?.as_str()?;
                let description = p.get("description")?.as_str()?;
                Some((names::progenitor_snake(name), description.to_owned()))
            })
            .collect();
        out.push(Operation {
            id: id.to_owned(),
            label: op.label(),
            docs,
            param_docs,
            method,
        });
    }
    out
}

/// The parameters of an operation (path item's and its own), references resolved.
fn parameters<'d>(doc: &'d Value, op: &walk::OperationRef) -> Vec<&'d Value> {
    let item = walk::pointer_get(doc, &crate::spec::pointer::join("#/paths", &op.path));
    let own = walk::pointer_get(doc, &op.pointer);
    [item, own]
        .into_iter()
        .flatten()
        .filter_map(|v| v.get("parameters").and_then(Value::as_array))
        .flatten()
        .map(|p| crate::spec::schema::deref(doc, p))
        .collect()
}

/// The builders, the `KnotClient` methods and, for Knot's `session_create`,
/// `create_session`.
pub fn emit(operations: &[Operation<'_>], facts: &Facts) -> TokenStream {
    let builders = operations.iter().map(|op| builder(op, facts));
    let methods = operations.iter().map(client_method);
    let session = operations
        .iter()
        .find(|op| op.id == "session_create")
        .and_then(|op| create_session(op, facts));
    quote! {
        /// The request builders of the spec's operations, one per operation.
        pub mod operations {
            // What progenitor's signatures name unqualified, from its module's prelude.
            #[allow(unused_imports)]
            use crate::{ByteStream, generated::types};
            #(#builders)*
        }
        impl crate::KnotClient {
            #(#methods)*
        }
        #session
    }
}

/// The name of a generated struct behind `types::X`, when there is one.
pub fn struct_name<'f>(rust: &str, facts: &'f Facts) -> Option<&'f str> {
    let name = rust.replace(' ', "");
    let name = name.strip_prefix("types::")?;
    facts.structs.get_key_value(name).map(|(k, _)| k.as_str())
}

/// The struct behind a body parameter: it gets a builder and is validated typed.
fn body_struct<'f>(param: &Param, facts: &'f Facts) -> Option<&'f str> {
    struct_name(&param.owned, facts)
}

fn builder(op: &Operation<'_>, facts: &Facts) -> TokenStream {
    let name = format_ident!("{}", names::builder_type(&op.id));
    let id = &op.id;
    let method = format_ident!("{}", op.method.name);
    let docs = doc_lines(&format!("`{}`: {}", op.label, op.docs));
    let taken = |n: &str| op.method.params.iter().any(|p| p.name == n);
    let options = format_ident!(
        "{}",
        if taken("options") {
            "call_options"
        } else {
            "options"
        }
    );
    let send = format_ident!(
        "{}",
        if taken("send") {
            "send_request"
        } else {
            "send"
        }
    );
    let send_with_response = format_ident!(
        "{}",
        if taken("send_with_response") {
            "send_keeping_response"
        } else {
            "send_with_response"
        }
    );
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut takes = Vec::new();
    let mut args = Vec::new();
    let mut validate = TokenStream::new();
    for param in &op.method.params {
        let field = format_ident!("{}", param.name);
        let owned: TokenStream = param.owned.parse().expect("a type progenitor wrote");
        let wire = &param.name;
        let optional = matches!(
            param.shape,
            Shape::OptionValue | Shape::OptionStr | Shape::OptionRef
        );
        let doc = op
            .param_docs
            .iter()
            .find(|(n, _)| *n == param.name)
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| format!("Sets `{}`.", param.name));
        let param_doc = doc_lines(&doc);
        match (param.name.as_str(), body_struct(param, facts)) {
            ("body", Some(body)) => {
                let body = format_ident!("{body}");
                fields.push(quote! { body: ::std::option::Option<crate::emitted::builder::#body> });
                setters.push(quote! {
                    /// The request body: the value or its builder.
                    pub fn body(mut self, value: impl ::std::convert::Into<crate::emitted::builder::#body>) -> Self {
                        self.body = ::std::option::Option::Some(value.into());
                        self
                    }
                });
                // No body at all is an empty one: its first required field is reported.
                takes.push(quote! { let body = self.body.unwrap_or_default().build()?; });
                validate = quote! { __call.validate(&body)?; };
            }
            _ if optional => {
                fields.push(quote! { #field: ::std::option::Option<#owned> });
                setters.push(quote! {
                    #param_doc
                    pub fn #field(mut self, value: impl crate::IntoOptional<#owned>) -> Self {
                        self.#field = value.into_optional();
                        self
                    }
                });
                takes.push(quote! { let #field = self.#field; });
            }
            _ => {
                fields.push(quote! { #field: ::std::option::Option<#owned> });
                setters.push(quote! {
                    #param_doc
                    pub fn #field(mut self, value: impl ::std::convert::Into<#owned>) -> Self {
                        self.#field = ::std::option::Option::Some(value.into());
                        self
                    }
                });
                takes
                    .push(quote! { let #field = crate::ext::call::required(self.#field, #wire)?; });
            }
        }
        args.push(match param.shape {
            Shape::Value | Shape::OptionValue => quote! { #field },
            Shape::Ref => quote! { &#field },
            Shape::OptionStr => quote! { #field.as_deref() },
            Shape::OptionRef => quote! { #field.as_ref() },
        });
    }
    let field_names: Vec<_> = op
        .method
        .params
        .iter()
        .map(|p| format_ident!("{}", p.name))
        .collect();
    let success: TokenStream = op.method.success.parse().expect("a type progenitor wrote");
    let must_use = format!(
        "`{}` sends nothing until `.send()` is awaited",
        names::builder_type(&op.id)
    );
    // A raw body (`reqwest::Body`) cannot be cloned; any other builder can.
    let derives = if op.method.params.iter().any(|p| p.owned == "reqwest::Body") {
        quote! { #[derive(Debug)] }
    } else {
        quote! { #[derive(Debug, Clone)] }
    };
    quote! {
        #docs
        #[must_use = #must_use]
        #derives
        pub struct #name<'a> {
            // Named apart from any parameter (a parameter's field has its name).
            __knot: &'a crate::KnotClient,
            __options: ::std::option::Option<crate::RequestOptions>,
            #(#fields,)*
        }

        impl<'a> #name<'a> {
            pub(crate) fn new(knot: &'a crate::KnotClient) -> Self {
                Self {
                    __knot: knot,
                    __options: ::std::option::Option::None,
                    #(#field_names: ::std::option::Option::None,)*
                }
            }

            #(#setters)*

            /// Options for this call only (extra headers or body fields, retries, deadline).
            pub fn #options(mut self, options: crate::RequestOptions) -> Self {
                self.__options = ::std::option::Option::Some(options);
                self
            }

            /// Sends the request; the decoded answer.
            pub async fn #send(self) -> crate::Result<#success> {
                self.#send_with_response().await.map(crate::ResponseValue::into_inner)
            }

            /// Sends the request; the decoded answer with its status and headers.
            pub async fn #send_with_response(self) -> crate::Result<crate::ResponseValue<#success>> {
                #(#takes)*
                let __call = crate::ext::call::Call::new(self.__knot, #id, self.__options)?;
                #validate
                let __result = __call.client().#method(#(#args),*).await;
                __call.finish(__result).await
            }
        }
    }
}

fn client_method(op: &Operation<'_>) -> TokenStream {
    let builder = format_ident!("{}", names::builder_type(&op.id));
    let method = format_ident!("{}", client_method_name(op));
    let docs = doc_lines(&format!(
        "`{}`: {}\n\nReturns the request's builder; set its parts, then `.send()`.",
        op.label, op.docs
    ));
    quote! {
        #docs
        pub fn #method(&self) -> operations::#builder<'_> {
            operations::#builder::new(self)
        }
    }
}

/// The `KnotClient` method for an operation: progenitor's name, with `_operation` where
/// `KnotClient` already has a method of that name.
pub fn client_method_name(op: &Operation<'_>) -> String {
    let snake = &op.method.name;
    if RESERVED.contains(&snake.as_str()) {
        format!("{snake}_operation")
    } else {
        snake.clone()
    }
}

/// `KnotClient::create_session(_with)`: `session_create` with the answer's `session`
/// token as a [`Session`](../../knot_api/struct.Session.html). Only when the operation has
/// a typed body and its answer a `session` field.
fn create_session(op: &Operation<'_>, facts: &Facts) -> Option<TokenStream> {
    let body = op
        .method
        .params
        .iter()
        .find(|p| p.name == "body")
        .and_then(|p| body_struct(p, facts))?;
    let response = op.method.success.replace(' ', "");
    let response = facts.structs.get(response.strip_prefix("types::")?)?;
    response.fields.iter().find(|f| f.name == "session")?;
    let body = format_ident!("{body}");
    let method = format_ident!("{}", client_method_name(op));
    Some(quote! {
        impl crate::KnotClient {
            /// Creates a session (`session_create`) and returns its token as a
            /// [`crate::Session`], which never shows it in `Debug` or `Display`.
            pub async fn create_session(
                &self,
                body: impl ::std::convert::Into<crate::emitted::builder::#body>,
            ) -> crate::Result<crate::Session> {
                self.create_session_with(body, crate::RequestOptions::new()).await
            }

            /// [`Self::create_session`] with options for this call.
            pub async fn create_session_with(
                &self,
                body: impl ::std::convert::Into<crate::emitted::builder::#body>,
                options: crate::RequestOptions,
            ) -> crate::Result<crate::Session> {
                let answer = self.#method().body(body).options(options).send_with_response().await?;
                let status = answer.status();
                crate::ext::session::from_answer(status, answer.into_inner().session)
            }
        }
    })
}

/// `#[doc = ...]` lines for `text`.
pub fn doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| format!(" {l}"));
    quote! { #(#[doc = #lines])* }
}
