//! What typify's type space says about the generated types, read through its public API
//! (`iter_types`, `name`, `ident`, `details`) into plain data for the code knot-codegen
//! writes beside progenitor's.

use std::collections::BTreeMap;

use typify::{TypeDetails, TypeEnumVariant, TypeId, TypeSpace};

/// The generated types knot-codegen's own code needs to know.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    /// Structs by name (as generated, after renames).
    pub structs: BTreeMap<String, StructFacts>,
    /// Every struct, enum and newtype, by name, with its Rust path and kind.
    pub named: BTreeMap<String, Named>,
}

/// One generated struct.
#[derive(Debug, Clone)]
pub struct StructFacts {
    /// Its fields, in typify's order.
    pub fields: Vec<FieldFacts>,
}

/// One field of a generated struct.
#[derive(Debug, Clone)]
pub struct FieldFacts {
    /// The Rust field name.
    pub name: String,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// The field's type as written in the struct (`::std::option::Option<...>`, ...).
    pub ty: String,
    /// For an `Option<T>` field, `T`.
    pub option_of: Option<String>,
    /// Named types inside the field's type (for their validation views).
    pub uses: Vec<String>,
    /// Whether knot-api's validation can read the field's value (`AsField` covers its
    /// type: text, numbers, booleans, JSON, lists, string-keyed maps, generated types).
    pub viewable: bool,
}

/// A named generated type.
#[derive(Debug, Clone)]
pub struct Named {
    /// `types::Name`.
    pub path: String,
    /// An enum whose variants all carry no data (typify gives it `Display`).
    pub simple_enum: bool,
}

impl Facts {
    /// Reads the facts of every generated type.
    pub fn read(space: &TypeSpace) -> Self {
        let mut facts = Facts::default();
        for ty in space.iter_types() {
            let name = ty.name();
            let path = ty.ident().to_string().replace(' ', "");
            match ty.details() {
                TypeDetails::Struct(details) => {
                    let fields = details
                        .properties_info()
                        .map(|prop| {
                            let field = space.get_type(&prop.type_id).ok();
                            let option_of = field.as_ref().and_then(|f| match f.details() {
                                TypeDetails::Option(inner) => {
                                    space.get_type(&inner).ok().map(|t| t.ident().to_string())
                                }
                                _ => None,
                            });
                            let mut uses = Vec::new();
                            named_inside(space, &prop.type_id, &mut uses, 0);
                            FieldFacts {
                                name: prop.name.to_owned(),
                                required: prop.required,
                                ty: field.map(|f| f.ident().to_string()).unwrap_or_default(),
                                option_of,
                                uses,
                                viewable: viewable(space, &prop.type_id, 0),
                            }
                        })
                        .collect();
                    facts.structs.insert(name.clone(), StructFacts { fields });
                    facts.named.insert(
                        name,
                        Named {
                            path,
                            simple_enum: false,
                        },
                    );
                }
                TypeDetails::Enum(details) => {
                    // typify gives `Display` to an enum of plain variants, if it has any.
                    let mut variants = details.variants().peekable();
                    let simple = variants.peek().is_some()
                        && variants.all(|(_, v)| matches!(v, TypeEnumVariant::Simple));
                    facts.named.insert(
                        name,
                        Named {
                            path,
                            simple_enum: simple,
                        },
                    );
                }
                TypeDetails::Newtype(_) => {
                    facts.named.insert(
                        name,
                        Named {
                            path,
                            simple_enum: false,
                        },
                    );
                }
                _ => {}
            }
        }
        facts
    }

    /// The names of every struct, enum and newtype as typify chose them before renames
    /// (`unrename` maps a renamed type back), for the patches of the second run.
    pub fn named_types(
        space: &TypeSpace,
        unrename: impl Fn(&str) -> Option<String>,
    ) -> Vec<String> {
        space
            .iter_types()
            .filter(|ty| {
                matches!(
                    ty.details(),
                    TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_)
                )
            })
            .map(|ty| {
                let name = ty.name();
                unrename(&name).unwrap_or(name)
            })
            .collect()
    }
}

/// The named types a type is made of (`Option<Vec<X>>` → `X`), to a bounded depth.
fn named_inside(space: &TypeSpace, id: &TypeId, out: &mut Vec<String>, depth: usize) {
    let Ok(ty) = space.get_type(id) else { return };
    if depth > 8 {
        return;
    }
    match ty.details() {
        TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_) => {
            out.push(ty.name())
        }
        TypeDetails::Option(inner)
        | TypeDetails::Vec(inner)
        | TypeDetails::Set(inner)
        | TypeDetails::Box(inner)
        | TypeDetails::Array(inner, _) => named_inside(space, &inner, out, depth + 1),
        TypeDetails::Map(_, value) => named_inside(space, &value, out, depth + 1),
        _ => {}
    }
}

/// Built-in types knot-api's `AsField` is implemented for (besides `String`).
const VIEWABLE_BUILTINS: &[&str] = &[
    "bool",
    "i8",
    "i16",
    "i32",
    "i64",
    "u8",
    "u16",
    "u32",
    "u64",
    "f32",
    "f64",
    "::serde_json::Value",
    "crate::Secret",
];

fn viewable(space: &TypeSpace, id: &TypeId, depth: usize) -> bool {
    let Ok(ty) = space.get_type(id) else {
        return false;
    };
    if depth > 8 {
        return false;
    }
    match ty.details() {
        TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_) => true,
        TypeDetails::String => true,
        TypeDetails::Builtin(name) => {
            VIEWABLE_BUILTINS.contains(&name) || name.starts_with(super::names::OPEN_ENUM_PATH)
        }
        TypeDetails::Option(inner) | TypeDetails::Vec(inner) | TypeDetails::Box(inner) => {
            viewable(space, &inner, depth + 1)
        }
        TypeDetails::Map(key, value) => {
            let string_key = space
                .get_type(&key)
                .is_ok_and(|k| matches!(k.details(), TypeDetails::String));
            string_key && viewable(space, &value, depth + 1)
        }
        _ => false,
    }
}
