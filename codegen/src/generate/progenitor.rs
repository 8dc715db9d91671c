//! Running progenitor on the adapted document, configured only through its public
//! settings: the interface, the hooks, derives, and per-type patches, renames and
//! replacements. Its output is never edited.
//!
//! progenitor runs twice. The first run names every type (typify's own names, however it
//! derives them); the second marks each of those `#[non_exhaustive]` through a type
//! patch, so a field or variant Knot adds later is a minor release. Open response enums
//! and secret-bearing strings are replaced by types knot-api defines (see
//! [`crate::markers`]).

use std::panic::{self, AssertUnwindSafe};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl, TypePatch};
use serde_json::Value;

use super::facts::Facts;
use super::names::{self, OPEN_ENUM_PATH, SECRET_TYPE};
use crate::markers::{OPEN_ENUM, ORIGIN, SECRET};

/// What one generation produced: progenitor's client and what its type space says about
/// the types in it.
pub struct Run {
    /// progenitor's output, as it wrote it.
    pub tokens: proc_macro2::TokenStream,
    /// The generated types, as typify describes them.
    pub facts: Facts,
}

/// How the client is shaped, for every spec alike.
fn base_settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        // Methods taking their parameters, on which knot-codegen's own builders sit; no
        // builder per type (knot-codegen writes them only for what callers send).
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        // knot-api implements `ClientHooks` for the generated `Client`; forgetting it is a
        // compile error rather than silently skipped auth.
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type(quote::quote!(crate::ext::hooks::HookState))
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq");
    settings
}

/// [`base_settings`] plus this document's renames and replacements; `non_exhaustive`
/// lists the types (by typify's name before renames) to mark.
fn settings_for(doc: &Value, non_exhaustive: &[String]) -> GenerationSettings {
    let mut settings = base_settings();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (key, schema) in schemas.into_iter().flatten() {
        let name = names::typify_type(key);
        if schema.get(OPEN_ENUM) == Some(&Value::Bool(true)) {
            let path = format!("{OPEN_ENUM_PATH}::{name}");
            let impls = [TypeImpl::Display, TypeImpl::FromStr];
            settings.with_replacement(&name, path, impls.into_iter());
        } else if schema.get(SECRET) == Some(&Value::Bool(true)) {
            settings.with_replacement(&name, SECRET_TYPE, std::iter::empty());
        }
    }
    let mut patches: std::collections::BTreeMap<&str, TypePatch> = Default::default();
    for name in names::SHADOWING_NAMES {
        patches
            .entry(name)
            .or_default()
            .with_rename(format!("{name}Body"));
    }
    for name in non_exhaustive {
        patches
            .entry(name)
            .or_default()
            .with_attr("#[non_exhaustive]");
    }
    for (name, patch) in &patches {
        settings.with_patch(name, patch);
    }
    settings
}

/// Stack for the generator's thread. progenitor and typify recurse as deep as schemas
/// nest, with large frames in debug builds, and a stack overflow aborts the process (no
/// panic to catch); test threads have 2 MiB. Address space only: pages are committed as
/// they are touched.
const GENERATOR_STACK: usize = 64 << 20;

/// Runs `f` on a thread with a 64 MiB stack and returns its result.
pub fn on_large_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("knot-codegen".into())
            .stack_size(GENERATOR_STACK)
            .spawn_scoped(scope, f)
            .expect("cannot start the generator thread");
        handle
            .join()
            .unwrap_or_else(|payload| panic::resume_unwind(payload))
    })
}

/// Generates `doc` (call on a thread from [`on_large_stack`]). Documents that would
/// overflow the generator's stack are refused first (too deep, or a schema that reaches
/// itself only through references), whoever calls this.
pub fn run(doc: &Value) -> Result<Run, String> {
    let spec = parse(doc)?;
    let names = first_pass(doc, &spec)?;
    let settings = settings_for(doc, &names);
    let mut generator = Generator::new(&settings);
    let tokens = without_panic_output(|| generator.generate_tokens(&spec))
        .map_err(|panic| fail(doc, Failure::Panicked(first_line(&panic))))?
        .map_err(|e| fail(doc, Failure::Rejected(e.to_string())))?;
    let facts = Facts::read(generator.get_type_space());
    Ok(Run { tokens, facts })
}

/// Whether progenitor generates `doc`, with its complaint when it does not (one run, on
/// a large stack).
pub fn probe(doc: &Value) -> Result<(), String> {
    on_large_stack(|| parse(doc).and_then(|spec| first_pass(doc, &spec)).map(drop))
}

fn parse(doc: &Value) -> Result<openapiv3::OpenAPI, String> {
    crate::spec::check::depth(doc, crate::spec::check::MAX_CONVERTED_DEPTH)?;
    crate::spec::check::cycles(doc)?;
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let (at, inner) = locate_parse_error(doc)
            .unwrap_or_else(|| (format!("`{}`", e.path()), e.into_inner().to_string()));
        format!("not a valid OpenAPI document at {at}: {inner}")
    })
}

/// The first run: the names typify gives every struct, enum and newtype (before renames).
fn first_pass(doc: &Value, spec: &openapiv3::OpenAPI) -> Result<Vec<String>, String> {
    let settings = settings_for(doc, &[]);
    let mut generator = Generator::new(&settings);
    without_panic_output(|| generator.generate_tokens(spec))
        .map_err(|panic| fail(doc, Failure::Panicked(first_line(&panic))))?
        .map_err(|e| fail(doc, Failure::Rejected(e.to_string())))?;
    Ok(Facts::named_types(generator.get_type_space(), |renamed| {
        names::SHADOWING_NAMES
            .iter()
            .find(|n| format!("{n}Body") == renamed)
            .map(|n| (*n).to_owned())
    }))
}

fn first_line(panic: &str) -> String {
    // Panic messages can carry multi-line debug dumps; one line is enough, without the
    // bracket that opened the dump.
    let line = panic.lines().next().unwrap_or("").trim();
    line.trim_end_matches(['(', '{', '[', ' ']).to_owned()
}

enum Failure {
    /// progenitor or typify panicked; the first line of the message.
    Panicked(String),
    /// progenitor returned an error.
    Rejected(String),
}

fn fail(doc: &Value, failure: Failure) -> String {
    let at = locate_failure(doc)
        .map(|at| format!(" at {at}"))
        .unwrap_or_default();
    match failure {
        Failure::Panicked(first) => format!(
            "progenitor cannot generate this spec{at} (it panicked: {first}); simplify that construct"
        ),
        Failure::Rejected(e) => format!("progenitor rejected the spec{at}: {e}"),
    }
}

/// One progenitor run over `candidate`, its complaint in a few words and without a
/// location (the salvage's searches run it many times; locating is [`probe`]'s work).
fn attempt(candidate: &Value) -> Result<(), String> {
    let spec: openapiv3::OpenAPI =
        serde_json::from_value(candidate.clone()).map_err(|e| format!("not valid: {e}"))?;
    let settings = settings_for(candidate, &[]);
    match without_panic_output(|| Generator::new(&settings).generate_tokens(&spec)) {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(format!("progenitor rejects it: {e}")),
        Err(panic) => Err(format!("progenitor panics: {}", first_line(&panic))),
    }
}

/// [`attempt`] on a large stack, for callers outside a generator thread.
pub fn quick_probe(candidate: &Value) -> Result<(), String> {
    on_large_stack(|| attempt(candidate))
}

fn fails(candidate: &Value) -> bool {
    attempt(candidate).is_err()
}

/// progenitor does not say where it failed. Generating each component schema, then each
/// operation, on its own (with every component available) finds the first culprit.
fn locate_failure(doc: &Value) -> Option<String> {
    let mut bare = doc.clone();
    bare["paths"] = serde_json::json!({});
    // A schema is blamed only when the components alone fail, and each is tried
    // with the schemas it references (alone, a reference to a missing schema fails too).
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas")
        && fails(&bare)
    {
        for name in schemas.keys() {
            let candidate = schemas_only(doc, &crate::spec::walk::referenced_schemas(doc, name));
            if fails(&candidate) {
                let origin = schemas[name].get(ORIGIN).and_then(Value::as_str);
                return Some(match origin {
                    Some(origin) => origin.to_owned(),
                    None => crate::spec::pointer::join("#/components/schemas", name),
                });
            }
        }
    }
    for op in crate::spec::walk::operations(doc) {
        let mut candidate = bare.clone();
        let item = doc["paths"][&op.path].clone();
        let mut single = serde_json::Map::new();
        for (key, value) in item.as_object().into_iter().flatten() {
            if !crate::spec::walk::METHODS.contains(&key.as_str()) || *key == op.method {
                single.insert(key.clone(), value.clone());
            }
        }
        candidate["paths"][&op.path] = Value::Object(single);
        if fails(&candidate) {
            return Some(format!("{} ({})", op.pointer, op.label()));
        }
    }
    None
}

/// A document of `doc`'s component schemas named in `names`, and nothing else to
/// generate (a lean candidate for searching which schema fails).
pub fn schemas_only(doc: &Value, names: &std::collections::BTreeSet<String>) -> Value {
    let mut schemas = serde_json::Map::new();
    for (name, schema) in doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if names.contains(name) {
            schemas.insert(name.clone(), schema.clone());
        }
    }
    serde_json::json!({
        "openapi": doc.get("openapi").cloned().unwrap_or(Value::Null),
        "info": doc.get("info").cloned().unwrap_or(Value::Null),
        "paths": {},
        "components": { "schemas": schemas },
    })
}

/// openapiv3 reports errors inside `paths` without a location; parsing the parts one by
/// one finds the operation, parameter or schema at fault and names its JSON pointer.
fn locate_parse_error(doc: &Value) -> Option<(String, String)> {
    fn try_parse<T: serde::de::DeserializeOwned>(
        value: &Value,
        at: &str,
    ) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(value)
            .err()
            .map(|e| {
                let inner = e.path().to_string();
                let at = if inner == "." || inner.is_empty() {
                    at.to_owned()
                } else {
                    format!("{at} (field `{inner}`)")
                };
                (at, e.into_inner().to_string())
            })
    }
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        for (name, schema) in schemas {
            let at = crate::spec::pointer::join("#/components/schemas", name);
            if let Some(found) = try_parse::<openapiv3::ReferenceOr<openapiv3::Schema>>(schema, &at)
            {
                return Some(found);
            }
        }
    }
    for op in crate::spec::walk::operations(doc) {
        let operation = crate::spec::walk::pointer_get(doc, &op.pointer)?;
        if let Some(Value::Array(params)) = operation.get("parameters") {
            for (i, p) in params.iter().enumerate() {
                let at = format!("{}/parameters/{i}", op.pointer);
                if let Some(found) =
                    try_parse::<openapiv3::ReferenceOr<openapiv3::Parameter>>(p, &at)
                {
                    return Some(found);
                }
            }
        }
        if let Some(found) = try_parse::<openapiv3::Operation>(operation, &op.pointer) {
            return Some(found);
        }
    }
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            let at = crate::spec::pointer::join("#/paths", path);
            if let Some(found) = try_parse::<openapiv3::PathItem>(item, &at) {
                return Some(found);
            }
        }
    }
    None
}

/// Runs `f`, turning a panic into its message and keeping the default hook quiet so no
/// backtrace reaches the build output.
fn without_panic_output<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown panic".into())
    })
}
