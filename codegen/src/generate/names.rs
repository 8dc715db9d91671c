//! The Rust names progenitor and typify give to what the spec names, for the code
//! knot-codegen writes beside theirs.
//!
//! Both generators are pinned to exact versions (codegen/Cargo.toml), and every name used
//! here is checked against what they really generated before it is emitted (a type in
//! their type space, a method in their client): a name that does not match is left out
//! with a build note, never guessed into code that fails to compile.

use heck::{ToPascalCase, ToSnakeCase};
use unicode_ident::{is_xid_continue, is_xid_start};

/// Where knot-api keeps the open enums knot-codegen writes (see `open_enums`).
pub const OPEN_ENUM_PATH: &str = "crate::emitted::open_enums";

/// knot-api's redacting string type, used for every secret-bearing string schema.
pub const SECRET_TYPE: &str = "crate::Secret";

/// Schema type names that would shadow the knot-api crate's own names under a glob import
/// (`use knot_api::*; use knot_api::types::*;`); such a type gets the suffix `Body` (Knot's
/// `Error` schema becomes `types::ErrorBody`).
pub const SHADOWING_NAMES: &[&str] = &["Error", "Result"];

/// Who is naming: typify (types, struct fields) or progenitor (operations, parameters).
/// They differ only for a name that cannot start an identifier.
#[derive(Clone, Copy)]
enum Namer {
    Typify,
    Progenitor,
}

fn sanitize(input: &str, pascal: bool, namer: Namer) -> String {
    let to_case = |s: &str| {
        if pascal {
            s.to_pascal_case()
        } else {
            s.to_snake_case()
        }
    };
    let out = match input {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => to_case(
            &input
                .replace('\'', "")
                .replace(|c: char| !is_xid_continue(c), "-"),
        ),
    };
    let out = match (out.chars().next(), namer) {
        (None, _) => to_case("x"),
        (Some(c), _) if is_xid_start(c) => out,
        (Some(_), Namer::Typify) => format!("{}{out}", to_case("x")),
        (Some(_), Namer::Progenitor) => format!("_{out}"),
    };
    if typify::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// typify's name for a type called `name` (a component schema's key, or a name progenitor
/// suggests such as `session_create-body`), before any rename.
pub fn typify_type(name: &str) -> String {
    sanitize(name, true, Namer::Typify)
}

/// typify's name for the struct field of property `name`.
pub fn typify_field(name: &str) -> String {
    sanitize(name, false, Namer::Typify)
}

/// progenitor's method name for `operationId`, and its parameter names.
pub fn progenitor_snake(name: &str) -> String {
    sanitize(name, false, Namer::Progenitor)
}

/// The name knot-codegen gives an operation's builder: the operationId in PascalCase.
pub fn builder_type(operation_id: &str) -> String {
    sanitize(operation_id, true, Namer::Progenitor)
}

/// The Rust type generated for the component schema `schema`: typify's name, with the
/// suffix `Body` where [`SHADOWING_NAMES`] asks for it.
pub fn component_type(schema: &str) -> String {
    let rust = typify_type(schema);
    if SHADOWING_NAMES.contains(&rust.as_str()) {
        format!("{rust}Body")
    } else {
        rust
    }
}

/// Laravel's name for a field in its messages: `external_user_id` → `external user id`.
pub fn attribute(field: &str) -> String {
    field.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_generators() {
        assert_eq!(typify_type("session_create-body"), "SessionCreateBody");
        assert_eq!(typify_field("type"), "type_");
        assert_eq!(typify_field("externalUserId"), "external_user_id");
        assert_eq!(typify_field("1st"), "x1st");
        assert_eq!(progenitor_snake("1st"), "_1st");
        assert_eq!(component_type("Error"), "ErrorBody");
        assert_eq!(builder_type("session_create"), "SessionCreate");
    }
}
