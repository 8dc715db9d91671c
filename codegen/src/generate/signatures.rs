//! The public methods of progenitor's `Client`, read as a caller reads an API: name,
//! parameters and success type of each `pub async fn`. Nothing inside a method body is
//! looked at, and nothing is changed.

use quote::ToTokens;
use syn::{FnArg, GenericArgument, ImplItem, Item, PathArguments, ReturnType, Type};

/// One operation method of the generated client.
#[derive(Debug, Clone)]
pub struct Method {
    /// The method's name (progenitor's snake case of the operationId).
    pub name: String,
    /// Its parameters after `&self`, in order.
    pub params: Vec<Param>,
    /// `T` of `Result<ResponseValue<T>, Error<E>>`.
    pub success: String,
}

/// One parameter of an operation method.
#[derive(Debug, Clone)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// How knot-codegen's builder holds it and passes it on.
    pub shape: Shape,
    /// The type the builder holds (owned, no lifetime), as Rust source.
    pub owned: String,
}

/// How a parameter is passed, given the type the builder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// By value (`i64`, `String`, a raw body `B: Into<reqwest::Body>`).
    Value,
    /// By reference (`&'a str` from a `String`, `&'a T` from a `T`).
    Ref,
    /// `Option<T>` by value.
    OptionValue,
    /// `Option<&'a str>` from an `Option<String>`.
    OptionStr,
    /// `Option<&'a T>` from an `Option<T>`.
    OptionRef,
}

/// The operation methods of every inherent `impl Client` in `file`.
pub fn read(file: &syn::File) -> Vec<Method> {
    let mut methods = Vec::new();
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        let is_client = imp.trait_.is_none()
            && matches!(&*imp.self_ty, Type::Path(p) if p.path.is_ident("Client"));
        if !is_client {
            continue;
        }
        for item in &imp.items {
            let ImplItem::Fn(f) = item else { continue };
            if f.sig.asyncness.is_none() || !matches!(f.vis, syn::Visibility::Public(_)) {
                continue;
            }
            let generic_body = f.sig.generics.type_params().map(|p| p.ident.to_string());
            let generic_body: Vec<String> = generic_body.collect();
            let params = f
                .sig
                .inputs
                .iter()
                .filter_map(|arg| match arg {
                    FnArg::Typed(t) => Some(param(&t.pat, &t.ty, &generic_body)),
                    FnArg::Receiver(_) => None,
                })
                .collect();
            let Some(success) = success_type(&f.sig.output) else {
                continue;
            };
            methods.push(Method {
                name: f.sig.ident.to_string(),
                params,
                success,
            });
        }
    }
    methods
}

fn param(pat: &syn::Pat, ty: &Type, generic: &[String]) -> Param {
    let name = pat.to_token_stream().to_string();
    let (shape, owned) = match ty {
        Type::Reference(r) => (Shape::Ref, owned_of(&r.elem)),
        Type::Path(p) if generic.iter().any(|g| p.path.is_ident(g)) => {
            (Shape::Value, "reqwest::Body".to_owned())
        }
        _ => match option_inner(ty) {
            Some(Type::Reference(r)) if is_str(&r.elem) => {
                (Shape::OptionStr, "::std::string::String".to_owned())
            }
            Some(Type::Reference(r)) => (Shape::OptionRef, owned_of(&r.elem)),
            Some(inner) => (Shape::OptionValue, tokens(inner)),
            None => (Shape::Value, tokens(ty)),
        },
    };
    Param { name, shape, owned }
}

/// The owned form of a borrowed parameter type: `str` → `String`, `[T]` → `Vec<T>`.
fn owned_of(ty: &Type) -> String {
    match ty {
        _ if is_str(ty) => "::std::string::String".to_owned(),
        Type::Slice(s) => format!("::std::vec::Vec<{}>", tokens(&s.elem)),
        _ => tokens(ty),
    }
}

fn is_str(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.is_ident("str"))
}

fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    first_generic(&last.arguments)
}

fn first_generic(arguments: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// `T` of `Result<ResponseValue<T>, _>`.
fn success_type(output: &ReturnType) -> Option<String> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let Type::Path(result) = &**ty else {
        return None;
    };
    let value = first_generic(&result.path.segments.last()?.arguments)?;
    let Type::Path(value) = value else {
        return None;
    };
    let last = value.path.segments.last()?;
    (last.ident == "ResponseValue")
        .then(|| first_generic(&last.arguments).map(tokens))
        .flatten()
}

fn tokens(ty: &Type) -> String {
    ty.to_token_stream().to_string()
}
