//! `knot-spec-diff`: spec pairs covering every rule, each asserting the exact findings,
//! (the command line itself is tested in `codegen/tests/knot_spec_diff_cli.rs`),
//! and an independent check: optic (`@useoptic/optic` 1.0.9) must agree with our
//! OpenAPI-level breaking/not-breaking verdict wherever it has a rule.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use knot_codegen::diff::{self, Semver};
use serde_json::{Value, json};

const BODY: &str = "/paths/~1session~1create/post/requestBody/content/application~1json/schema";
const RESPONSE: &str =
    "/paths/~1session~1create/post/responses/200/content/application~1json/schema";

fn base() -> Value {
    knot_codegen::load::load_file(&format!(
        "{}/tests/fixtures/diff/base.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .doc
}

fn set(doc: &mut Value, at: &str, value: Value) {
    let (parent, key) = at.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent).unwrap() {
        Value::Object(map) => {
            map.insert(key, value);
        }
        Value::Array(items) => items.push(value),
        _ => panic!("{parent} is not a container"),
    }
}

fn remove(doc: &mut Value, at: &str) {
    let (parent, key) = at.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    doc.pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove(&key);
}

struct Pair {
    name: &'static str,
    change: fn(&mut Value),
    /// (breaking, rule, pointer)
    expected: Vec<(bool, &'static str, String)>,
    /// How optic 1.0.9's verdict relates to ours.
    optic: Optic,
    /// The bump the crate needs (OpenAPI findings and the generated Rust API together).
    semver: Semver,
}

enum Optic {
    /// optic has a rule for this change and must give our OpenAPI-level verdict.
    Agrees,
    /// optic has no rule: it must at least not call breaking what we call safe.
    NoRule,
    /// optic calls it breaking and we do not, for the reason given (the test checks
    /// that it really does, so the reason stays true).
    DiffersByDesign(&'static str),
}

fn pairs() -> Vec<Pair> {
    let b = |s: &str| format!("#{BODY}{s}");
    let r = |s: &str| format!("#{RESPONSE}{s}");
    vec![
        Pair {
            name: "operation-removed",
            change: |d| remove(d, "/paths/~1session~1extend"),
            expected: vec![(
                true,
                "operation-removed",
                "#/paths/~1session~1extend/post".into(),
            )],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "success-status-removed",
            change: |d| {
                let ok = d
                    .pointer("/paths/~1session~1extend/post/responses/200")
                    .unwrap()
                    .clone();
                remove(d, "/paths/~1session~1extend/post/responses/200");
                set(d, "/paths/~1session~1extend/post/responses/201", ok);
            },
            expected: vec![(
                true,
                "success-status-removed",
                "#/paths/~1session~1extend/post/responses/200".into(),
            )],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "required-parameter-added",
            change: |d| {
                set(
                    d,
                    "/paths/~1session~1create/post/parameters/-",
                    json!({"name": "merchant", "in": "query", "required": true, "schema": {"type": "string"}}),
                )
            },
            expected: vec![(
                true,
                "required-parameter-added",
                "#/paths/~1session~1create/post/parameters/1".into(),
            )],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "parameter-became-required",
            change: |d| {
                set(
                    d,
                    "/paths/~1session~1create/post/parameters/0/required",
                    json!(true),
                )
            },
            expected: vec![(
                true,
                "parameter-became-required",
                "#/paths/~1session~1create/post/parameters/0".into(),
            )],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "request-required-property-added",
            change: |d| {
                set(
                    d,
                    &format!("{BODY}/properties/merchant_id"),
                    json!({"type": "integer"}),
                );
                set(d, &format!("{BODY}/required/-"), json!("merchant_id"));
            },
            expected: vec![(
                true,
                "request-required-property-added",
                b("/properties/merchant_id"),
            )],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "request-property-became-required",
            change: |d| set(d, &format!("{BODY}/required/-"), json!("external_user_id")),
            expected: vec![(
                true,
                "request-property-became-required",
                b("/properties/external_user_id"),
            )],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "request-body-became-required",
            change: |d| {
                set(
                    d,
                    "/paths/~1session~1create/post/requestBody/required",
                    json!(true),
                )
            },
            expected: vec![(
                true,
                "request-body-became-required",
                "#/paths/~1session~1create/post/requestBody".into(),
            )],
            optic: Optic::NoRule,
            semver: Semver::Major,
        },
        Pair {
            name: "request-type-changed",
            change: |d| {
                set(
                    d,
                    &format!("{BODY}/properties/external_user_id/type"),
                    json!("integer"),
                )
            },
            expected: vec![(
                true,
                "request-type-changed",
                b("/properties/external_user_id"),
            )],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "response-type-changed",
            change: |d| {
                set(
                    d,
                    &format!("{RESPONSE}/properties/expires_in/type"),
                    json!("string"),
                )
            },
            expected: vec![(true, "response-type-changed", r("/properties/expires_in"))],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "request-enum-value-removed",
            change: |d| {
                set(
                    d,
                    &format!("{BODY}/properties/type/enum"),
                    json!(["card_switcher"]),
                )
            },
            expected: vec![(true, "request-enum-value-removed", b("/properties/type"))],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "request-became-enum",
            change: |d| {
                set(
                    d,
                    &format!("{BODY}/properties/note/enum"),
                    json!(["a", "b"]),
                )
            },
            expected: vec![(true, "request-became-enum", b("/properties/note"))],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "request-max-length-decreased",
            change: |d| {
                set(
                    d,
                    &format!("{BODY}/properties/card_id/maxLength"),
                    json!(32),
                )
            },
            expected: vec![(
                true,
                "request-max-length-decreased",
                b("/properties/card_id"),
            )],
            optic: Optic::NoRule,
            semver: Semver::Major,
        },
        Pair {
            name: "request-pattern-added",
            change: |d| {
                set(
                    d,
                    &format!("{BODY}/properties/external_user_id/pattern"),
                    json!("^[a-z]+$"),
                )
            },
            expected: vec![(
                true,
                "request-pattern-added",
                b("/properties/external_user_id"),
            )],
            optic: Optic::NoRule,
            semver: Semver::Major,
        },
        Pair {
            name: "request-became-not-nullable",
            change: |d| {
                set(
                    d,
                    &format!("{BODY}/properties/card_id/type"),
                    json!("string"),
                )
            },
            expected: vec![(
                true,
                "request-became-not-nullable",
                b("/properties/card_id"),
            )],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "response-property-removed",
            change: |d| remove(d, &format!("{RESPONSE}/properties/status")),
            expected: vec![(true, "response-property-removed", r("/properties/status"))],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "response-property-became-optional",
            change: |d| set(d, &format!("{RESPONSE}/required"), json!([])),
            expected: vec![(
                true,
                "response-property-became-optional",
                r("/properties/session"),
            )],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "response-became-nullable",
            change: |d| {
                set(
                    d,
                    &format!("{RESPONSE}/properties/expires_in/type"),
                    json!(["integer", "null"]),
                )
            },
            expected: vec![(
                true,
                "response-became-nullable",
                r("/properties/expires_in"),
            )],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "response-enum-value-added",
            change: |d| {
                set(
                    d,
                    &format!("{RESPONSE}/properties/status/enum/-"),
                    json!("paused"),
                )
            },
            expected: vec![(false, "response-enum-value-added", r("/properties/status"))],
            optic: Optic::DiffersByDesign(
                "optic assumes closed response enums; knot-api's keep unknown values",
            ),
            semver: Semver::Minor,
        },
        Pair {
            name: "response-media-type-removed",
            change: |d| {
                let media = d
                    .pointer(
                        "/paths/~1session~1create/post/responses/200/content/application~1json",
                    )
                    .unwrap()
                    .clone();
                remove(
                    d,
                    "/paths/~1session~1create/post/responses/200/content/application~1json",
                );
                set(
                    d,
                    "/paths/~1session~1create/post/responses/200/content/application~1xml",
                    media,
                );
            },
            expected: vec![(
                true,
                "response-media-type-removed",
                "#/paths/~1session~1create/post/responses/200/content/application~1json".into(),
            )],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        Pair {
            name: "request-media-type-removed",
            change: |d| {
                let media = d
                    .pointer("/paths/~1session~1create/post/requestBody/content/application~1json")
                    .unwrap()
                    .clone();
                remove(
                    d,
                    "/paths/~1session~1create/post/requestBody/content/application~1json",
                );
                set(
                    d,
                    "/paths/~1session~1create/post/requestBody/content/application~1xml",
                    media,
                );
            },
            expected: vec![(
                true,
                "request-media-type-removed",
                "#/paths/~1session~1create/post/requestBody/content/application~1json".into(),
            )],
            optic: Optic::Agrees,
            semver: Semver::Major,
        },
        // Non-breaking changes.
        Pair {
            name: "request-optional-property-added",
            change: |d| {
                set(
                    d,
                    &format!("{BODY}/properties/locale"),
                    json!({"type": "string"}),
                )
            },
            expected: vec![(
                false,
                "request-optional-property-added",
                b("/properties/locale"),
            )],
            optic: Optic::Agrees,
            semver: Semver::Minor,
        },
        Pair {
            name: "response-property-added",
            change: |d| {
                set(
                    d,
                    &format!("{RESPONSE}/properties/created_at"),
                    json!({"type": "string", "format": "date-time"}),
                )
            },
            expected: vec![(
                false,
                "response-property-added",
                r("/properties/created_at"),
            )],
            optic: Optic::Agrees,
            semver: Semver::Minor,
        },
        Pair {
            name: "request-enum-value-added",
            change: |d| set(d, &format!("{BODY}/properties/type/enum/-"), json!("vault")),
            expected: vec![(false, "request-enum-value-added", b("/properties/type"))],
            optic: Optic::Agrees,
            semver: Semver::Minor,
        },
        Pair {
            name: "operation-added",
            change: |d| {
                set(
                    d,
                    "/paths/~1session~1refresh",
                    json!({"post": {"operationId": "session_refresh", "responses": {"200": {"description": "ok"}}}}),
                )
            },
            expected: vec![(
                false,
                "operation-added",
                "#/paths/~1session~1refresh/post".into(),
            )],
            optic: Optic::Agrees,
            semver: Semver::Minor,
        },
        Pair {
            name: "optional-parameter-added",
            change: |d| {
                set(
                    d,
                    "/paths/~1session~1create/post/parameters/-",
                    json!({"name": "locale", "in": "query", "schema": {"type": "string"}}),
                )
            },
            expected: vec![(
                false,
                "optional-parameter-added",
                "#/paths/~1session~1create/post/parameters/1".into(),
            )],
            optic: Optic::Agrees,
            semver: Semver::Minor,
        },
        // Additive changes that only reach the generated Rust API (no OpenAPI finding:
        // error responses are read by the hand-written layer, not compared).
        Pair {
            name: "error-code-added",
            change: |d| {
                set(
                    d,
                    "/components/schemas/Error/properties/error_code/enum/-",
                    json!("USER_NOT_FOUND"),
                )
            },
            expected: vec![],
            optic: Optic::DiffersByDesign(
                "optic assumes closed enums in error responses; knot-api's keep unknown values",
            ),
            semver: Semver::Minor,
        },
        // Breaking only for the generated Rust API: removals and renames.
        Pair {
            name: "error-code-removed",
            change: |d| {
                set(
                    d,
                    "/components/schemas/Error/properties/error_code/enum",
                    json!(["INVALID_FIELD"]),
                )
            },
            expected: vec![],
            optic: Optic::NoRule,
            semver: Semver::Major,
        },
        Pair {
            name: "response-enum-value-removed",
            change: |d| {
                set(
                    d,
                    &format!("{RESPONSE}/properties/status/enum"),
                    json!(["active"]),
                )
            },
            expected: vec![(
                false,
                "response-enum-value-removed",
                r("/properties/status"),
            )],
            optic: Optic::NoRule,
            semver: Semver::Major,
        },
        Pair {
            name: "request-property-renamed",
            change: |d| {
                let note = d
                    .pointer(&format!("{BODY}/properties/note"))
                    .unwrap()
                    .clone();
                remove(d, &format!("{BODY}/properties/note"));
                set(d, &format!("{BODY}/properties/comment"), note);
            },
            expected: vec![
                (
                    false,
                    "request-optional-property-added",
                    b("/properties/comment"),
                ),
                (false, "request-property-removed", b("/properties/note")),
            ],
            optic: Optic::NoRule,
            semver: Semver::Major,
        },
        Pair {
            name: "parameter-removed",
            change: |d| remove(d, "/paths/~1session~1create/post/parameters"),
            expected: vec![(
                false,
                "parameter-removed",
                "#/paths/~1session~1create/post/parameters/0".into(),
            )],
            optic: Optic::NoRule,
            semver: Semver::Major,
        },
    ]
}

fn write_pair(dir: &Path, pair: &Pair) -> (PathBuf, PathBuf) {
    let old = base();
    let mut new = old.clone();
    (pair.change)(&mut new);
    let (old_path, new_path) = (
        dir.join(format!("{}-old.json", pair.name)),
        dir.join(format!("{}-new.json", pair.name)),
    );
    std::fs::write(&old_path, serde_json::to_string_pretty(&old).unwrap()).unwrap();
    std::fs::write(&new_path, serde_json::to_string_pretty(&new).unwrap()).unwrap();
    (old_path, new_path)
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn every_rule_gives_exactly_its_finding() {
    let dir = scratch("spec-diff-pairs");
    let all = pairs();
    assert_eq!(all.len(), 30);
    for pair in &all {
        let (old, new) = write_pair(&dir, pair);
        let report = diff::diff_files(old.to_str().unwrap(), new.to_str().unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", pair.name));
        let found: Vec<(bool, &str, String)> = report
            .findings
            .iter()
            .map(|f| (f.breaking, f.rule, f.pointer.clone()))
            .collect();
        assert_eq!(found, pair.expected, "{}", pair.name);
        let openapi_breaking = pair.expected.iter().any(|(b, _, _)| *b);
        assert_eq!(
            report.breaking,
            openapi_breaking || report.rust.iter().any(|c| c.breaks_callers),
            "{}",
            pair.name
        );
        assert_eq!(
            report.semver, pair.semver,
            "{}: {:#?}",
            pair.name, report.rust
        );
        if openapi_breaking {
            assert_eq!(report.semver, Semver::Major, "{}", pair.name);
        }
    }
}

#[test]
fn rust_api_effects_and_semver() {
    let dir = scratch("spec-diff-rust");
    let all = pairs();
    let effect = |name: &str| {
        let pair = all.iter().find(|p| p.name == name).unwrap();
        let (old, new) = write_pair(&dir, pair);
        diff::diff_files(old.to_str().unwrap(), new.to_str().unwrap()).unwrap()
    };
    let report = effect("request-optional-property-added");
    let messages: Vec<&str> = report.rust.iter().map(|c| c.message.as_str()).collect();
    // Every generated type is #[non_exhaustive]: a new field is semver-minor.
    assert_eq!(
        messages,
        ["field `SessionCreateBody::locale: Option<String>` added"]
    );
    assert_eq!(report.semver, Semver::Minor);
    assert!(!report.breaking, "builder-style callers keep compiling");

    let report = effect("response-property-added");
    assert_eq!(report.semver, Semver::Minor, "{:?}", report.rust);
    assert!(!report.breaking);

    let report = effect("operation-removed");
    assert!(
        report
            .rust
            .iter()
            .any(|c| c.message == "method `Client::session_extend` removed" && c.breaks_callers)
    );

    let report = effect("operation-added");
    assert_eq!(
        report
            .rust
            .iter()
            .map(|c| (c.impact, c.message.as_str()))
            .collect::<Vec<_>>(),
        [(Semver::Minor, "method `Client::session_refresh` added")]
    );
    assert_eq!(report.semver, Semver::Minor);

    let report = effect("request-type-changed");
    assert!(report.rust.iter().any(|c| c.message == "field `SessionCreateBody::external_user_id` changed from `Option<String>` to `Option<i64>`"), "{:?}", report.rust);

    // Response enums are open and non_exhaustive: a new value is a new variant, minor.
    let report = effect("response-enum-value-added");
    assert_eq!(
        report
            .rust
            .iter()
            .map(|c| (c.impact, c.breaks_callers, c.message.as_str()))
            .collect::<Vec<_>>(),
        [(
            Semver::Minor,
            false,
            "variant `SessionCreateResponseStatus::Paused = \"paused\"` added"
        )]
    );
    assert!(!report.breaking);

    let report = effect("error-code-added");
    assert_eq!(
        report
            .rust
            .iter()
            .map(|c| (c.impact, c.message.as_str()))
            .collect::<Vec<_>>(),
        [(
            Semver::Minor,
            "variant `ErrorErrorCode::UserNotFound = \"USER_NOT_FOUND\"` added"
        )]
    );

    let report = effect("request-enum-value-added");
    assert_eq!(report.semver, Semver::Minor, "{:?}", report.rust);

    let report = effect("request-property-renamed");
    assert!(
        report
            .rust
            .iter()
            .any(|c| c.message == "field `SessionCreateBody::note` removed" && c.breaks_callers),
        "{:?}",
        report.rust
    );
    assert!(report.breaking);

    let report = effect("error-code-removed");
    assert!(
        report.rust.iter().any(|c| c.message
            == "variant `ErrorErrorCode::SessionNotFound = \"SESSION_NOT_FOUND\"` removed"),
        "{:?}",
        report.rust
    );
}

#[test]
fn optic_agrees_with_our_openapi_verdict() {
    let Some(optic) = common::npm_peer("optic") else {
        common::skip_without("optic", "run `npm ci --prefix .ci/node`");
        return;
    };
    let dir = scratch("spec-diff-optic");
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for pair in pairs() {
        let (old, new) = write_pair(&dir, &pair);
        let output = Command::new(&optic)
            .current_dir(&dir)
            .args([
                "diff",
                old.to_str().unwrap(),
                new.to_str().unwrap(),
                "--check",
            ])
            .env("OPTIC_TELEMETRY_LEVEL", "off")
            .output()
            .unwrap();
        let optic_breaking = match output.status.code() {
            Some(0) => false,
            Some(1) => true,
            other => panic!(
                "{}: optic failed ({other:?}): {}",
                pair.name,
                String::from_utf8_lossy(&output.stderr)
            ),
        };
        let ours = pair.expected.iter().any(|(b, _, _)| *b);
        match pair.optic {
            Optic::Agrees => {
                compared += 1;
                if optic_breaking != ours {
                    disagreements.push(format!(
                        "{}: optic {optic_breaking}, ours {ours}",
                        pair.name
                    ));
                }
            }
            // Where optic has no rule it must at least not call a change breaking that we
            // call safe.
            Optic::NoRule => assert!(
                !optic_breaking || ours,
                "{}: optic breaking, ours not",
                pair.name
            ),
            Optic::DiffersByDesign(why) => assert!(
                optic_breaking && !ours,
                "{}: expected optic breaking and ours not ({why})",
                pair.name
            ),
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    assert_eq!(compared, 21, "pairs where optic has a rule");
}

/// The headline case: Knot's next spec adds an optional request field, a response
/// field, a request enum value, an error code, an optional parameter and an operation.
/// All of that is a minor release, and nothing breaks.
#[test]
fn an_additive_knot_spec_is_a_minor_release() {
    let root = env!("CARGO_MANIFEST_DIR");
    let report = diff::diff_files(
        &format!("{root}/openapi/openapi.yaml"),
        &format!("{root}/tests/fixtures/good/knot-additive.yaml"),
    )
    .unwrap();
    assert_eq!(
        report.semver,
        Semver::Minor,
        "{}",
        diff::render_text(&report)
    );
    assert!(!report.breaking, "{}", diff::render_text(&report));
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    for rule in [
        "operation-added",
        "optional-parameter-added",
        "request-optional-property-added",
        "request-enum-value-added",
        "response-property-added",
    ] {
        assert!(rules.contains(&rule), "{rule} in {rules:?}");
    }
    assert!(
        report
            .rust
            .iter()
            .any(|c| c.message == "variant `ErrorErrorCode::RateLimited = \"RATE_LIMITED\"` added"),
        "{:?}",
        report.rust
    );
}

/// A document straight from the loader, not through `prepare` (so not checked): how a
/// library caller could hand the diff a document with reference cycles.
fn unchecked(name: &str, doc: &Value) -> knot_codegen::PreparedSpec {
    let loaded = knot_codegen::load::load_str(name, &doc.to_string()).unwrap();
    knot_codegen::PreparedSpec {
        doc: loaded.doc.clone(),
        loaded,
        notes: knot_codegen::Notes::default(),
        webhooks: Vec::new(),
    }
}

#[test]
fn documents_with_reference_cycles_are_compared_without_crashing() {
    let spec = |error_properties: Value, required: Value| {
        let body = json!({ "$ref": "#/components/schemas/Error" });
        json!({
            "openapi": "3.0.3",
            "info": { "title": "x", "version": "1" },
            "paths": { "/a": { "post": {
                "operationId": "a",
                "requestBody": { "content": { "application/json": { "schema": body } } },
                "responses": { "200": { "description": "ok", "content": {
                    "application/json": { "schema": { "$ref": "#/components/schemas/Loop" } } } } }
            } } },
            "components": { "schemas": {
                "Error": { "allOf": [
                    { "$ref": "#/components/schemas/Error" },
                    { "type": "object", "properties": error_properties, "required": required }
                ] },
                "Loop": { "$ref": "#/components/schemas/Loop2" },
                "Loop2": { "oneOf": [{ "$ref": "#/components/schemas/Loop" }] }
            } }
        })
    };
    let old = unchecked(
        "old.json",
        &spec(json!({ "code": { "type": "string" } }), json!([])),
    );
    let new = unchecked(
        "new.json",
        &spec(
            json!({ "code": { "type": "string" }, "detail": { "type": "string" } }),
            json!(["detail"]),
        ),
    );
    let found: Vec<(bool, &str, String)> = diff::findings(&old, &new)
        .into_iter()
        .map(|f| (f.breaking, f.rule, f.pointer))
        .collect();
    assert_eq!(
        found,
        [(
            true,
            "request-required-property-added",
            "#/paths/~1a/post/requestBody/content/application~1json/schema/properties/detail"
                .to_owned()
        )]
    );
    // The generated API cannot be compared: the same one-line refusal as build.rs gives.
    let error = diff::diff(&old, &new).unwrap_err().to_string();
    assert_eq!(
        error,
        "old.json: schema #/components/schemas/Error reaches itself only through references: Error -> allOf -> Error; recursion must go through a property or array items"
    );
}

#[test]
fn recursive_schemas_are_compared_until_they_repeat() {
    let dir = scratch("spec-diff-recursive");
    let old = format!(
        "{}/tests/fixtures/good/recursive.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut doc = knot_codegen::load::load_file(&old).unwrap().doc;
    doc["components"]["schemas"]["TreeNode"]["properties"]["name"]["maxLength"] = json!(10);
    doc["components"]["schemas"]["ListNode"]["properties"]["value"]["type"] = json!("string");
    let new = dir.join("recursive-new.json");
    std::fs::write(&new, doc.to_string()).unwrap();
    let report = diff::diff_files(&old, new.to_str().unwrap()).unwrap();
    let found: Vec<(bool, &str, String)> = report
        .findings
        .iter()
        .map(|f| (f.breaking, f.rule, f.pointer.clone()))
        .collect();
    let body = "#/paths/~1trees/post/requestBody/content/application~1json/schema";
    let head =
        "#/paths/~1folders/get/responses/200/content/application~1json/schema/properties/head";
    assert_eq!(
        found,
        [
            (
                true,
                "response-type-changed",
                format!("{head}/properties/value")
            ),
            // `next` is written `allOf: [ListNode]` + nullable (from `anyOf` with null):
            // another pair of schemas than `head`, so compared once more, then it repeats.
            (
                true,
                "response-type-changed",
                format!("{head}/properties/next/properties/value")
            ),
            // The tree's children are the very schema being compared: not again.
            (
                true,
                "request-max-length-decreased",
                format!("{body}/properties/name")
            ),
        ]
    );
    assert!(
        report
            .rust
            .iter()
            .any(|c| c.message == "field `ListNode::value` changed from `i64` to `String`"),
        "{:?}",
        report.rust
    );
}
