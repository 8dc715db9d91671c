//! Running progenitor on the converted document, making its types semver-stable
//! ([`crate::stable`]) and formatting its output.

use std::panic::{self, AssertUnwindSafe};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle};
use serde_json::Value;

/// How the generated client is shaped. Shared by build.rs and the tests.
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        // Builders: a later spec adding an optional field does not break callers.
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // The `ext` layer implements `ClientHooks` for the generated `Client`;
        // forgetting it is a compile error rather than silently skipped auth.
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type(quote::quote!(crate::ext::hooks::HookState))
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq");
    settings
}

/// Stack for the generator's thread. progenitor and typify recurse as deep as schemas
/// nest, with large frames in debug builds, and a stack overflow aborts the process (no
/// panic to catch); test threads have 2 MiB. Address space only: pages are committed as
/// they are touched.
const GENERATOR_STACK: usize = 64 << 20;

/// Generates formatted Rust source for a 3.0 document.
///
/// Documents that would overflow the generator's stack are refused first (too deep, or a
/// schema that reaches itself only through references), whoever calls this; then
/// progenitor runs on a thread with a known, large stack.
pub fn generate(doc: &Value) -> Result<String, String> {
    crate::check::depth(doc, crate::check::MAX_CONVERTED_DEPTH)?;
    crate::check::cycles(doc)?;
    on_large_stack(|| generate_checked(doc))
}

/// Runs `f` on a thread with [`GENERATOR_STACK`] bytes of stack and returns its result.
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

fn generate_checked(doc: &Value) -> Result<String, String> {
    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(doc).map_err(|e| {
        let (at, inner) = locate_parse_error(doc)
            .unwrap_or_else(|| (format!("`{}`", e.path()), e.into_inner().to_string()));
        format!("not a valid OpenAPI document at {at}: {inner}")
    })?;
    let tokens = match run_progenitor(&spec) {
        Ok(tokens) => tokens,
        Err(Failure::Panicked(first)) => {
            let at = locate_failure(doc)
                .map(|at| format!(" at {at}"))
                .unwrap_or_default();
            return Err(format!(
                "progenitor cannot generate this spec{at} (it panicked: {first}); simplify that construct"
            ));
        }
        Err(Failure::Rejected(e)) => {
            let at = locate_failure(doc)
                .map(|at| format!(" at {at}"))
                .unwrap_or_default();
            return Err(format!("progenitor rejected the spec{at}: {e}"));
        }
    };
    let mut file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| format!("progenitor produced code that does not parse: {e}"))?;
    crate::stable::apply(&mut file, &crate::stable::open_enum_names(doc));
    crate::sensitive::apply(&mut file);
    crate::builders::apply(&mut file);
    crate::calls::apply(&mut file)?;
    Ok(prettyplease::unparse(&file))
}

enum Failure {
    /// progenitor or typify panicked; the first line of the message.
    Panicked(String),
    /// progenitor returned an error.
    Rejected(String),
}

/// Schema type names that would shadow the knot-api crate's own names under a glob
/// import (`use knot_api::*; use knot_api::types::*;`); such a type gets the suffix
/// `Body` (Knot's `Error` schema becomes `types::ErrorBody`).
pub const SHADOWING_NAMES: &[&str] = &["Error", "Result"];

/// The Rust type generated for the component schema `schema`: typify's name, with the
/// suffix `Body` where [`SHADOWING_NAMES`] asks for it.
pub fn type_name(schema: &str) -> String {
    let rust = crate::examples::pascal(schema);
    if SHADOWING_NAMES.contains(&rust.as_str()) {
        format!("{rust}Body")
    } else {
        rust
    }
}

/// [`settings`] plus the renames [`SHADOWING_NAMES`] asks for in this spec.
fn settings_for(spec: &openapiv3::OpenAPI) -> GenerationSettings {
    let mut settings = settings();
    for name in spec.components.iter().flat_map(|c| c.schemas.keys()) {
        let rust = crate::examples::pascal(name);
        if SHADOWING_NAMES.contains(&rust.as_str()) {
            let mut patch = progenitor::TypePatch::default();
            patch.with_rename(format!("{rust}Body"));
            settings.with_patch(&rust, &patch);
        }
    }
    settings
}

fn run_progenitor(spec: &openapiv3::OpenAPI) -> Result<proc_macro2::TokenStream, Failure> {
    let settings = settings_for(spec);
    without_panic_output(|| Generator::new(&settings).generate_tokens(spec))
        .map_err(|panic| {
            // Panic messages can carry multi-line debug dumps; one line is enough.
            Failure::Panicked(panic.lines().next().unwrap_or("").trim().to_owned())
        })?
        .map_err(|e| Failure::Rejected(e.to_string()))
}

/// progenitor does not say where it failed. Generating each component schema, then each
/// operation, on its own (with every component available) finds the first culprit.
fn locate_failure(doc: &Value) -> Option<String> {
    let fails = |candidate: &Value| {
        serde_json::from_value::<openapiv3::OpenAPI>(candidate.clone())
            .map(|spec| run_progenitor(&spec).is_err())
            .unwrap_or(false)
    };
    let mut bare = doc.clone();
    bare["paths"] = serde_json::json!({});
    // Issue 12: a schema is blamed only when the components alone fail, and each is tried
    // with the schemas it references (alone, a reference to a missing schema fails too).
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas")
        && fails(&bare)
    {
        for name in schemas.keys() {
            let mut candidate = bare.clone();
            let needed = referenced_schemas(doc, name);
            if let Some(Value::Object(only)) = candidate.pointer_mut("/components/schemas") {
                only.retain(|n, _| needed.contains(n));
            }
            if fails(&candidate) {
                let origin = schemas[name]
                    .get(crate::adapt::ORIGIN)
                    .and_then(Value::as_str);
                return Some(match origin {
                    Some(origin) => origin.to_owned(),
                    None => crate::pointer::join("#/components/schemas", name),
                });
            }
        }
    }
    for op in crate::walk::operations(doc) {
        let mut candidate = bare.clone();
        let item = doc["paths"][&op.path].clone();
        let mut single = serde_json::Map::new();
        for (key, value) in item.as_object().into_iter().flatten() {
            if !crate::walk::METHODS.contains(&key.as_str()) || *key == op.method {
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

/// `name` and every component schema it reaches through `$ref`s.
fn referenced_schemas(doc: &Value, name: &str) -> std::collections::BTreeSet<String> {
    let mut seen = std::collections::BTreeSet::from([name.to_owned()]);
    let mut queue = vec![name.to_owned()];
    while let Some(next) = queue.pop() {
        let at = crate::pointer::join("#/components/schemas", &next);
        let Some(schema) = crate::walk::pointer_get(doc, &at) else {
            continue;
        };
        let mut found = Vec::new();
        crate::walk::refs(schema, &at, &mut found);
        for (reference, _) in found {
            if let Some(target) = reference.strip_prefix("#/components/schemas/") {
                let target = target.replace("~1", "/").replace("~0", "~");
                if seen.insert(target.clone()) {
                    queue.push(target);
                }
            }
        }
    }
    seen
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
            let at = crate::pointer::join("#/components/schemas", name);
            if let Some(found) = try_parse::<openapiv3::ReferenceOr<openapiv3::Schema>>(schema, &at)
            {
                return Some(found);
            }
        }
    }
    for op in crate::walk::operations(doc) {
        let operation = crate::walk::pointer_get(doc, &op.pointer)?;
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
            let at = crate::pointer::join("#/paths", path);
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
