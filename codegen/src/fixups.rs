//! Finishing operations progenitor generates incompletely, after it has run.
//!
//! progenitor 0.15 cannot send cookie parameters or multipart bodies, and asks only for
//! JSON. The steps before it ([`crate::cookies`], [`crate::multipart`],
//! [`crate::alternates`]) turn such constructs into ones it can generate and record on
//! the operation, under [`FIXUP`], what the generated request still needs: cookies to
//! send from what it generated as headers, and headers to set (`Content-Type`,
//! `Accept`).
//!
//! To find an operation's request code in progenitor's output without re-deriving its
//! naming rules, [`relocate`] moves each such operation to its path plus a unique
//! marker segment; the marker shows up in the generated URL format string (and docs).
//! [`apply`] then edits the function whose format string carries the marker and removes
//! the marker from every string literal, so the request goes to the spec's path. The
//! generated code is never edited by hand: this is a syntax-tree transformation.

use serde_json::{Map, Value, json};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ImplItemFn, LitStr, Stmt};

use crate::walk;

/// Operation extension: what the generated request still needs (`cookies`: names sent
/// as cookies; `headers`: name → value set on every request).
pub const FIXUP: &str = "x-knot-fixup";

/// The path segment that marks a relocated operation, followed by its number.
const MARKER: &str = "/x-knot-fixup-";

/// What one relocated operation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixup {
    /// The marker appended to its path.
    pub marker: String,
    /// Header parameters (by their names in the spec) that are cookies.
    pub cookies: Vec<String>,
    /// Headers to set, lower-case names.
    pub headers: Vec<(String, String)>,
    /// `METHOD /path`, for error messages.
    pub label: String,
}

/// Removes [`FIXUP`] from every operation: only the pipeline writes it, never a spec.
pub fn clear(doc: &mut Value) {
    for op in walk::operations(doc) {
        if let Some(Value::Object(operation)) = walk::pointer_get_mut(doc, &op.pointer) {
            operation.remove(FIXUP);
        }
    }
}

/// `key` of the operation's fixup, created as `empty` when absent.
fn entry<'a>(operation: &'a mut Map<String, Value>, key: &str, empty: Value) -> &'a mut Value {
    let fixup = operation.entry(FIXUP).or_insert_with(|| json!({}));
    if !fixup.is_object() {
        *fixup = json!({});
    }
    let Value::Object(fixup) = fixup else {
        unreachable!("made a mapping above")
    };
    fixup.entry(key).or_insert(empty)
}

/// Adds `cookie` to the operation's fixup.
pub fn add_cookie(operation: &mut Map<String, Value>, cookie: &str) {
    if let Value::Array(cookies) = entry(operation, "cookies", json!([])) {
        cookies.push(Value::String(cookie.to_owned()));
    }
}

/// Sets header `name` (lower case) to `value` in the operation's fixup.
pub fn set_header(operation: &mut Map<String, Value>, name: &str, value: &str) {
    if let Value::Object(headers) = entry(operation, "headers", json!({})) {
        headers.insert(name.to_owned(), Value::String(value.to_owned()));
    }
}

/// Adds `operation` as another operation for `path` and `method` (a variant of one the
/// path item already has), on a marked path item of its own that copies `parameters`.
pub fn add_operation(
    doc: &mut Value,
    path: &str,
    method: &str,
    operation: Value,
    parameters: Option<Value>,
) {
    let key = free_marked_path(doc, path);
    let mut item = Map::new();
    if let Some(parameters) = parameters {
        item.insert("parameters".into(), parameters);
    }
    item.insert(method.to_owned(), operation);
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        paths.insert(key, Value::Object(item));
    }
}

/// `path` plus the first marker no path item uses yet.
fn free_marked_path(doc: &Value, path: &str) -> String {
    let used = |n: usize| {
        doc.get("paths")
            .and_then(Value::as_object)
            .is_some_and(|paths| paths.keys().any(|k| k.ends_with(&format!("{MARKER}{n}"))))
    };
    let n = (0..).find(|n| !used(*n)).expect("some number is free");
    format!("{path}{MARKER}{n}")
}

/// Moves every operation with a [`FIXUP`] to a path item of its own (its path plus a
/// marker, the path item's parameters copied) unless it is on one already, and returns
/// what each needs.
pub fn relocate(doc: &mut Value) -> Vec<Fixup> {
    let mut fixups = Vec::new();
    for op in walk::operations(doc) {
        let Some(Value::Object(operation)) = walk::pointer_get_mut(doc, &op.pointer) else {
            continue;
        };
        let Some(Value::Object(fixup)) = operation.remove(FIXUP) else {
            continue;
        };
        let cookies = fixup
            .get("cookies")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        let headers = fixup
            .get("headers")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect();
        let marker = match op.path.rfind(MARKER) {
            Some(at) => op.path[at..].to_owned(),
            None => {
                let moved = operation.clone();
                let item = doc["paths"][&op.path].as_object_mut().expect("path item");
                item.remove(&op.method);
                let parameters = item.get("parameters").cloned();
                let key = free_marked_path(doc, &op.path);
                let marker = key[op.path.len()..].to_owned();
                add_operation(doc, &op.path, &op.method, Value::Object(moved), parameters);
                marker
            }
        };
        fixups.push(Fixup {
            marker,
            cookies,
            headers,
            label: format!("{} {}", op.method.to_uppercase(), strip_markers(&op.path)),
        });
    }
    fixups
}

/// Keeps the fixups whose operation is still in `doc` (one may have been given up by
/// [`crate::salvage`]).
pub fn retain_present(fixups: &mut Vec<Fixup>, doc: &Value) {
    fixups.retain(|fixup| {
        walk::operations(doc)
            .iter()
            .any(|op| op.path.ends_with(&fixup.marker))
    });
}

/// Edits progenitor's formatted output for `fixups`; an operation whose request code
/// cannot be found is an error (the generated client would send the wrong request).
pub fn apply(code: &str, fixups: &[Fixup]) -> Result<String, String> {
    if fixups.is_empty() {
        return Ok(code.to_owned());
    }
    let mut file = syn::parse_file(code)
        .map_err(|e| format!("generated code does not parse before fix-ups: {e}"))?;
    let mut edit = Edit {
        fixups,
        done: vec![0; fixups.len()],
        cookies_done: vec![0; fixups.len()],
    };
    edit.visit_file_mut(&mut file);
    for (i, fixup) in fixups.iter().enumerate() {
        if edit.done[i] != 1 || edit.cookies_done[i] < fixup.cookies.len() {
            return Err(format!(
                "{}: the generated request code was not found where expected (knot-codegen does not know this progenitor output); cannot send its cookies or headers",
                fixup.label
            ));
        }
    }
    if fixups.iter().any(|f| !f.cookies.is_empty()) {
        file.items.push(syn::parse_quote! {
            /// Adds one cookie to the request's `Cookie` header (knot-codegen: progenitor
            /// does not send cookie parameters). A value that a cookie cannot carry
            /// (`;`, `,`, spaces, quotes, control characters) is refused, never sent.
            fn knot_append_cookie(
                headers: &mut ::reqwest::header::HeaderMap,
                name: &str,
                value: ::reqwest::header::HeaderValue,
            ) -> ::std::result::Result<(), ::std::string::String> {
                let bytes = value.as_bytes();
                let octet = |b: &u8| matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E);
                if !bytes.iter().all(octet) {
                    return Err(format!("cookie `{name}`: the value has characters a cookie cannot carry"));
                }
                let mut cookie = headers
                    .get(::reqwest::header::COOKIE)
                    .map(|v| v.as_bytes().to_vec())
                    .unwrap_or_default();
                if !cookie.is_empty() {
                    cookie.extend_from_slice(b"; ");
                }
                cookie.extend_from_slice(name.as_bytes());
                cookie.push(b'=');
                cookie.extend_from_slice(bytes);
                let cookie = ::reqwest::header::HeaderValue::from_bytes(&cookie)
                    .map_err(|e| format!("cookie `{name}`: {e}"))?;
                headers.insert(::reqwest::header::COOKIE, cookie);
                Ok(())
            }
        });
    }
    Ok(prettyplease::unparse(&file))
}

struct Edit<'a> {
    fixups: &'a [Fixup],
    /// Per fixup: functions edited (exactly one expected).
    done: Vec<usize>,
    /// Per fixup: cookie statements rewritten.
    cookies_done: Vec<usize>,
}

impl VisitMut for Edit<'_> {
    fn visit_impl_item_fn_mut(&mut self, f: &mut ImplItemFn) {
        let found = self.fixups.iter().position(|fixup| {
            let mut finder = FindFormat {
                marker: &fixup.marker,
                found: false,
            };
            syn::visit_mut::visit_block_mut(&mut finder, &mut f.block);
            finder.found
        });
        if let Some(i) = found {
            let fixup = &self.fixups[i];
            self.done[i] += 1;
            let mut cookies = Cookies {
                names: &fixup.cookies,
                rewritten: 0,
            };
            cookies.visit_block_mut(&mut f.block);
            self.cookies_done[i] += cookies.rewritten;
            insert_headers(&mut f.block.stmts, &fixup.headers);
        }
        visit_mut::visit_impl_item_fn_mut(self, f);
    }

    fn visit_lit_str_mut(&mut self, lit: &mut LitStr) {
        let value = lit.value();
        if value.contains(MARKER) {
            *lit = LitStr::new(&strip_markers(&value), lit.span());
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        mac.tokens = map_string_literals(std::mem::take(&mut mac.tokens), &mut |lit| {
            lit.value()
                .contains(MARKER)
                .then(|| LitStr::new(&strip_markers(&lit.value()), lit.span()))
        });
    }
}

/// `tokens` with each string literal for which `f` returns a replacement replaced (a
/// macro's arguments, such as `format!`'s, are tokens, not expressions, to `syn`).
fn map_string_literals(
    tokens: proc_macro2::TokenStream,
    f: &mut impl FnMut(&LitStr) -> Option<LitStr>,
) -> proc_macro2::TokenStream {
    use proc_macro2::{Group, TokenTree};
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => {
                let mut new = Group::new(group.delimiter(), map_string_literals(group.stream(), f));
                new.set_span(group.span());
                TokenTree::Group(new)
            }
            TokenTree::Literal(literal) => {
                let replaced = syn::parse2::<LitStr>(TokenTree::Literal(literal.clone()).into())
                    .ok()
                    .and_then(|lit| f(&lit));
                match replaced {
                    Some(lit) => lit.token().into(),
                    None => TokenTree::Literal(literal),
                }
            }
            other => other,
        })
        .collect()
}

/// `text` without any marker (the marker segment and its number): a path of the
/// adapted document as the spec wrote it.
pub fn strip_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARKER) {
        out.push_str(&rest[..at]);
        rest = rest[at + MARKER.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

/// Finds the URL format string `"{}/path{marker}"` in a function body (the marker is
/// last in the path and starts with `/`, so `-1` cannot match `-11`).
struct FindFormat<'a> {
    marker: &'a str,
    found: bool,
}

impl VisitMut for FindFormat<'_> {
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        let tokens = mac.tokens.clone();
        map_string_literals(tokens, &mut |lit| {
            let value = lit.value();
            if value.starts_with("{}") && value.ends_with(self.marker) {
                self.found = true;
            }
            None
        });
    }
}

/// Rewrites `header_map.append("name", value)` for cookie names into
/// `super::knot_append_cookie(&mut header_map, "name", value).map_err(Error::InvalidRequest)?`.
struct Cookies<'a> {
    names: &'a [String],
    rewritten: usize,
}

impl VisitMut for Cookies<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr
            && call.method == "append"
            && matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident("header_map"))
            && call.args.len() == 2
            && let Some(Expr::Lit(name)) = call.args.first()
            && let syn::Lit::Str(name) = &name.lit
            && self.names.contains(&name.value())
        {
            let name = name.clone();
            let value = call.args[1].clone();
            *expr = syn::parse_quote! {
                super::knot_append_cookie(&mut header_map, #name, #value)
                    .map_err(Error::InvalidRequest)?
            };
            self.rewritten += 1;
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// The statement `let <name> = ..;` (also `let mut`) of progenitor's request code, found
/// by the local it binds (these passes and `calls` insert code after such statements).
pub(crate) fn bound<'a>(stmt: &'a Stmt, name: &str) -> Option<&'a syn::Local> {
    match stmt {
        Stmt::Local(local) if matches!(&local.pat, syn::Pat::Ident(p) if p.ident == name) => {
            Some(local)
        }
        _ => None,
    }
}

/// Inserts `header_map.insert(name, value)` after `let mut header_map = ...;`.
fn insert_headers(stmts: &mut Vec<Stmt>, headers: &[(String, String)]) {
    if headers.is_empty() {
        return;
    }
    let Some(at) = stmts
        .iter()
        .position(|stmt| bound(stmt, "header_map").is_some())
    else {
        return;
    };
    for (offset, (name, value)) in headers.iter().enumerate() {
        stmts.insert(
            at + 1 + offset,
            syn::parse_quote! {
                header_map.insert(
                    ::reqwest::header::HeaderName::from_static(#name),
                    ::reqwest::header::HeaderValue::from_static(#value),
                );
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relocates_and_reports_a_fixup() {
        let mut doc = json!({ "paths": { "/a/{id}": {
            "parameters": [{ "name": "id", "in": "path", "required": true }],
            "get": { "operationId": "g", "responses": {} },
            "post": { "operationId": "p", "responses": {} }
        } } });
        let post = doc.pointer_mut("/paths/~1a~1{id}/post").unwrap();
        set_header(post.as_object_mut().unwrap(), "accept", "text/csv");
        add_cookie(post.as_object_mut().unwrap(), "sid");
        let fixups = relocate(&mut doc);
        assert_eq!(
            fixups,
            vec![Fixup {
                marker: "/x-knot-fixup-0".into(),
                cookies: vec!["sid".into()],
                headers: vec![("accept".into(), "text/csv".into())],
                label: "POST /a/{id}".into(),
            }]
        );
        assert!(doc.pointer("/paths/~1a~1{id}/post").is_none());
        let moved = &doc["paths"]["/a/{id}/x-knot-fixup-0"];
        assert_eq!(moved["post"]["operationId"], "p");
        assert!(moved["post"].get(FIXUP).is_none());
        assert_eq!(moved["parameters"][0]["name"], "id");
    }

    #[test]
    fn markers_are_stripped_whole() {
        assert_eq!(
            strip_markers("{}/a/x-knot-fixup-1 and `/b/x-knot-fixup-12`"),
            "{}/a and `/b`"
        );
    }

    #[test]
    fn missing_request_code_is_an_error() {
        let fixup = Fixup {
            marker: "/x-knot-fixup-0".into(),
            cookies: vec![],
            headers: vec![("accept".into(), "text/csv".into())],
            label: "GET /a".into(),
        };
        let err = apply("fn f() {}", &[fixup]).unwrap_err();
        assert!(err.starts_with("GET /a: the generated request code was not found"));
    }
}
