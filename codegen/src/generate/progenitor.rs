//! Running progenitor on the adapted document, configured only through its public
//! settings: the interface, the hooks, derives, and per-type patches, renames and
//! replacements. Its output is never edited.
//!
//! progenitor runs twice. The first run names every type (typify's own names, however it
//! derives them); the second marks each of those `#[non_exhaustive]` through a type
//! patch, so a field or variant Knot adds later is a minor release. Open response enums
//! and secret-bearing strings are replaced by types knot-api defines (see
//! [`crate::markers`]).

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl, TypePatch};
use serde_json::Value;

use super::facts::Facts;
use super::names::{self, OPEN_ENUM_PATH, SECRET_TYPE};
use crate::markers::{OPEN_ENUM, SECRET};

/// What one generation produced: progenitor's client and what its type space says about
/// the types in it.
pub struct Run {
    /// progenitor's output, as it wrote it.
    pub tokens: proc_macro2::TokenStream,
    /// The generated types, as typify describes them.
    pub facts: Facts,
}

/// How the client is shaped, for every spec alike.
fn base_settings(options: &crate::Options) -> GenerationSettings {
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
        .with_derive("PartialEq");
    if options.json_schema {
        settings.with_derive("schemars::JsonSchema");
    }
    settings
}

/// [`base_settings`] plus this document's renames and replacements; `non_exhaustive`
/// lists the types (by typify's name before renames) to mark.
fn settings_for(
    doc: &Value,
    non_exhaustive: &[String],
    options: &crate::Options,
) -> GenerationSettings {
    let mut settings = base_settings(options);
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (key, schema) in schemas.into_iter().flatten() {
        let name = names::typify_type(key);
        if schema.get(OPEN_ENUM) == Some(&Value::Bool(true)) {
            // The open enum is emitted under the component's type name (`ResultBody`).
            let path = format!("{OPEN_ENUM_PATH}::{}", names::component_type(key));
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

/// Why progenitor did not generate a document, without the place (progenitor does not
/// say; [`super::locate`] finds it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Not an OpenAPI document openapiv3 reads (the place is in the message), or one the
    /// generator's stack could not take.
    Invalid(String),
    /// progenitor or typify panicked; the first line of the message.
    Panicked(String),
    /// progenitor returned an error.
    Rejected(String),
}

impl Failure {
    /// The complaint in a few words, for a note (progenitor's may carry a whole schema
    /// as debug output: cut at 160 characters).
    pub fn reason(&self) -> String {
        let short = |what: &str| match what.char_indices().nth(160) {
            Some((end, _)) => format!("{}…", &what[..end]),
            None => what.to_owned(),
        };
        match self {
            Failure::Invalid(message) => message.clone(),
            Failure::Panicked(what) => format!("progenitor panics: {}", short(what)),
            Failure::Rejected(what) => format!("progenitor rejects it: {}", short(what)),
        }
    }
}

/// Generates `doc`: the second run (call on a thread from [`on_large_stack`]). Documents that would
/// overflow the generator's stack are refused first (too deep, or a schema that reaches
/// itself only through references), whoever calls this.
///
/// `names` are the type names of the first run, as [`probe`] returns them.
pub fn run(doc: &Value, names: &[String], options: &crate::Options) -> Result<Run, Failure> {
    let spec = parse(doc)?;
    let settings = settings_for(doc, names, options);
    let mut generator = Generator::new(&settings);
    let tokens = generate(&mut generator, &spec)?;
    let facts = Facts::read(generator.get_type_space());
    Ok(Run { tokens, facts })
}

/// Whether progenitor generates `doc` (the first run, on a large stack), with the names
/// that run gave every type (what [`run`] needs).
pub fn probe(doc: &Value) -> Result<Vec<String>, Failure> {
    on_large_stack(|| parse(doc).and_then(|spec| first_pass(doc, &spec)))
}

fn parse(doc: &Value) -> Result<openapiv3::OpenAPI, Failure> {
    crate::spec::check::depth(doc, crate::spec::check::MAX_CONVERTED_DEPTH)
        .and_then(|()| crate::spec::check::cycles(doc))
        .map_err(Failure::Invalid)?;
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let (at, inner) = locate_parse_error(doc)
            .unwrap_or_else(|| (format!("`{}`", e.path()), e.into_inner().to_string()));
        Failure::Invalid(format!("not a valid OpenAPI document at {at}: {inner}"))
    })
}

/// The first run: the names typify gives every struct, enum and newtype (before renames).
/// Derives change neither the names nor what fails, so the default options serve.
fn first_pass(doc: &Value, spec: &openapiv3::OpenAPI) -> Result<Vec<String>, Failure> {
    let settings = settings_for(doc, &[], &crate::Options::default());
    let mut generator = Generator::new(&settings);
    generate(&mut generator, spec)?;
    Ok(Facts::named_types(generator.get_type_space(), |renamed| {
        names::SHADOWING_NAMES
            .iter()
            .find(|n| format!("{n}Body") == renamed)
            .map(|n| (*n).to_owned())
    }))
}

/// One generation into `generator`, its panic caught.
fn generate(
    generator: &mut Generator,
    spec: &openapiv3::OpenAPI,
) -> Result<proc_macro2::TokenStream, Failure> {
    without_panic_output(|| generator.generate_tokens(spec))
        .map_err(|panic| Failure::Panicked(first_line(&panic)))?
        .map_err(|e| Failure::Rejected(e.to_string()))
}

fn first_line(panic: &str) -> String {
    // Panic messages can carry multi-line debug dumps; one line is enough, without the
    // bracket that opened the dump.
    let line = panic.lines().next().unwrap_or("").trim();
    line.trim_end_matches(['(', '{', '[', ' ']).to_owned()
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

thread_local! {
    /// True while this thread runs progenitor under [`without_panic_output`].
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static QUIET_HOOK: Once = Once::new();

/// Runs `f`, turning a panic into its message, with no backtrace in the build output.
///
/// The panic hook is process-wide, so it is not swapped around each run (two threads
/// generating at once would restore each other's hooks): once, the hook in place is
/// wrapped by one that stays silent only for a thread inside this function.
fn without_panic_output<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    QUIET_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|quiet| quiet.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|quiet| quiet.set(was));
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown panic".into())
    })
}
