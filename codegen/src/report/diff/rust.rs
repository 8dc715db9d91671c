//! The generated Rust API of two specs compared, with cargo's semver rules.

use super::{RustChange, Semver};
use crate::report::surface::{Surface, TypeDef};

pub(super) fn changes(old: &Surface, new: &Surface) -> Vec<RustChange> {
    let mut out = Vec::new();
    let mut push = |impact, breaks_callers, message: String| {
        out.push(RustChange {
            impact,
            breaks_callers,
            message,
        })
    };
    for (name, op) in &old.operations {
        match new.operations.get(name) {
            None => push(
                Semver::Major,
                true,
                format!("method `Client::{name}` removed"),
            ),
            Some(new_op) => {
                if op.returns != new_op.returns {
                    push(
                        Semver::Major,
                        true,
                        format!(
                            "`{name}().send()` now returns `{}` instead of `{}`",
                            new_op.returns, op.returns
                        ),
                    );
                }
                for (param, ty) in &op.params {
                    match new_op.params.iter().find(|(p, _)| p == param) {
                        None => push(
                            Semver::Major,
                            true,
                            format!("`{name}()` lost its `.{param}(..)` parameter"),
                        ),
                        Some((_, new_ty)) if new_ty != ty => push(
                            Semver::Major,
                            true,
                            format!(
                                "`{name}().{param}(..)` now takes `{new_ty}` instead of `{ty}`"
                            ),
                        ),
                        _ => {}
                    }
                }
                for (param, ty) in &new_op.params {
                    if !op.params.iter().any(|(p, _)| p == param) {
                        push(
                            Semver::Minor,
                            false,
                            format!("`{name}()` gained a `.{param}(..)` parameter (`{ty}`)"),
                        );
                    }
                }
            }
        }
    }
    for name in new
        .operations
        .keys()
        .filter(|n| !old.operations.contains_key(*n))
    {
        push(
            Semver::Minor,
            false,
            format!("method `Client::{name}` added"),
        );
    }
    for (name, def) in &old.types {
        let Some(new_def) = new.types.get(name) else {
            push(Semver::Major, true, format!("type `types::{name}` removed"));
            continue;
        };
        // Outside the crate a `#[non_exhaustive]` type has no literals and no exhaustive
        // patterns, so what it gains breaks nobody (cargo's semver rules).
        let was_open = old.non_exhaustive.contains(name);
        let is_open = new.non_exhaustive.contains(name);
        if !was_open && is_open {
            push(
                Semver::Major,
                false,
                format!(
                    "`types::{name}` became `#[non_exhaustive]` (breaks struct literals and exhaustive matches)"
                ),
            );
        }
        let additions = if was_open && is_open {
            Semver::Minor
        } else {
            Semver::Major
        };
        match (def, new_def) {
            (TypeDef::Struct(a), TypeDef::Struct(b)) => {
                for (field, ty) in a {
                    match b.iter().find(|(f, _)| f == field) {
                        None => push(
                            Semver::Major,
                            true,
                            format!("field `{name}::{field}` removed"),
                        ),
                        Some((_, new_ty)) if new_ty != ty => push(
                            Semver::Major,
                            true,
                            format!("field `{name}::{field}` changed from `{ty}` to `{new_ty}`"),
                        ),
                        _ => {}
                    }
                }
                for (field, ty) in b.iter().filter(|(f, _)| !a.iter().any(|(g, _)| g == f)) {
                    push(
                        additions,
                        false,
                        if additions == Semver::Minor {
                            format!("field `{name}::{field}: {ty}` added")
                        } else {
                            format!(
                                "field `{name}::{field}: {ty}` added (breaks struct literals and exhaustive patterns; builders are unaffected)"
                            )
                        },
                    );
                }
            }
            (TypeDef::Enum(a), TypeDef::Enum(b)) => {
                for v in a.iter().filter(|v| !b.contains(v)) {
                    push(
                        Semver::Major,
                        true,
                        format!("variant `{name}::{v}` removed"),
                    );
                }
                for v in b.iter().filter(|v| !a.contains(v)) {
                    push(
                        additions,
                        false,
                        if additions == Semver::Minor {
                            format!("variant `{name}::{v}` added")
                        } else {
                            format!("variant `{name}::{v}` added (breaks exhaustive matches)")
                        },
                    );
                }
            }
            (TypeDef::Newtype(a), TypeDef::Newtype(b)) if a != b => {
                push(
                    Semver::Major,
                    true,
                    format!("`types::{name}` now wraps `{b}` instead of `{a}`"),
                );
            }
            (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
                push(
                    Semver::Major,
                    true,
                    format!("`types::{name}` changed kind ({}) → ({})", kind(a), kind(b)),
                );
            }
            _ => {}
        }
    }
    for name in new.types.keys().filter(|n| !old.types.contains_key(*n)) {
        push(Semver::Minor, false, format!("type `types::{name}` added"));
    }
    out
}

fn kind(def: &TypeDef) -> &'static str {
    match def {
        TypeDef::Struct(_) => "struct",
        TypeDef::Enum(_) => "enum",
        TypeDef::Newtype(_) => "newtype",
    }
}
