//! Running progenitor on the converted document and formatting its output.

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

/// Generates formatted Rust source for a 3.0 document.
pub fn generate(doc: &Value) -> Result<String, String> {
    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(doc).map_err(|e| {
        let (at, inner) = locate_parse_error(doc)
            .unwrap_or_else(|| (format!("`{}`", e.path()), e.into_inner().to_string()));
        format!("not a valid OpenAPI document at {at}: {inner}")
    })?;
    let settings = settings();
    let tokens = without_panic_output(|| Generator::new(&settings).generate_tokens(&spec))
        .map_err(|panic| {
            format!("progenitor cannot generate this spec (it panicked: {panic}); simplify the construct it names")
        })?
        .map_err(|e| format!("progenitor rejected the spec: {e}"))?;
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| format!("progenitor produced code that does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
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
