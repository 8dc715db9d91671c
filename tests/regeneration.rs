//! Fixture specs go through the same pipeline as build.rs: every construct generates the
//! expected Rust, broken specs give the expected one-line messages, output is stable.

use knot_codegen::{generate_file, prepare_file};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn generate(name: &str) -> knot_codegen::Generated {
    generate_file(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn constructs_fixture_generates_every_construct() {
    let generated = generate("good/constructs-31.yaml");
    let code = &generated.client;
    let expectations = [
        // type: [T, 'null'] on scalars, objects, arrays
        (
            "nullable scalar",
            "pub card_id: ::std::option::Option<::std::string::String>",
        ),
        (
            "nullable array",
            "pub tags: ::std::option::Option<::std::vec::Vec<::std::string::String>>",
        ),
        ("nullable map", "pub metadata: ::std::option::Option<"),
        // anyOf with a null branch around a $ref
        ("anyOf null + $ref", "pub card: ::std::option::Option<Card>"),
        // oneOf with a null branch around an inline schema
        (
            "oneOf null + inline",
            "pub note: ::std::option::Option<SessionCreateRequestNote>",
        ),
        // oneOf of titled consts -> enum, titles kept in docs
        ("titled consts", "pub enum Product {"),
        (
            "titled const docs",
            "- `card_switcher`: Card Switcher: Update the card on file at merchants.",
        ),
        // const
        ("const", "pub enum SessionCreateRequestChannel {"),
        // allOf $ref + inline object
        ("allOf merge id", "pub struct AccountDetail {"),
        (
            "allOf merge inline",
            "pub merchant: ::std::option::Option<Merchant>",
        ),
        // $ref with sibling keywords
        (
            "$ref siblings",
            "pub status: ::std::option::Option<MerchantStatus>",
        ),
        // date-time, date
        (
            "date-time",
            "pub created_at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>",
        ),
        (
            "date",
            "pub expiration: ::std::option::Option<::chrono::naive::NaiveDate>",
        ),
        // integer bounds
        ("int64 minimum 1", "pub id: ::std::num::NonZeroU64"),
        ("int32", "pub retries: ::std::option::Option<i32>"),
        // exclusiveMinimum as a number
        ("exclusiveMinimum", "pub amount: ::std::option::Option<f64>"),
        // GET with path and query parameters; array response
        (
            "query params",
            "pub fn list_merchants(&self) -> builder::ListMerchants<'_>",
        ),
        (
            "array response",
            "ResponseValue<::std::vec::Vec<types::Merchant>>",
        ),
        ("nullable enum query", "pub enum ListMerchantsPlatform {"),
        (
            "path param, derived name",
            "pub fn get_accounts_by_account_id(&self)",
        ),
        ("path param value", ".account_id("),
        // response enums are open strings with a closed companion
        (
            "open response enum",
            "pub category: ::std::option::Option<::std::string::String>",
        ),
        ("companion enum", "pub enum MerchantCategory {"),
        ("error companion", "pub enum ErrorErrorCode {"),
        // request types keep rejecting unknown fields when the spec says so
        (
            "request additionalProperties false",
            "#[serde(deny_unknown_fields)]",
        ),
    ];
    for (what, needle) in expectations {
        assert!(
            code.contains(needle),
            "{what}: `{needle}` not in generated code"
        );
    }
    // webhooks are not client operations; the schema they use is still a type, and
    // their events are typed (tests/webhooks_codegen.rs)
    assert!(code.contains("pub struct WebhookEvent"));
    assert!(generated.webhooks.contains("Authenticated("));
    assert!(!code.contains("fn authenticated"));
    // response schemas tolerate unknown fields
    let error_struct = &code[code.find("pub struct Error {").unwrap()..];
    let before_error = &code[..code.find("pub struct Error {").unwrap()];
    assert!(!before_error[before_error.len() - 200..].contains("deny_unknown_fields"));
    assert!(!error_struct[..400].contains("extra"));
    // every documented error status is left to the ext layer
    assert!(!code.contains("Error::ErrorResponse"));

    let kinds: Vec<&str> = generated.notes.kinds().collect();
    assert_eq!(
        kinds,
        [
            "GET /accounts/{account_id} has no operationId; derived `get_accounts_by_account_id`",
            "`format: uuid` generated as String",
            "`pattern` not enforced by the generated types",
            "schema `examples` beyond the first dropped",
        ]
    );
}

#[test]
fn the_seed_loses_nothing() {
    let generated = generate_file(&format!(
        "{}/openapi/openapi.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    assert!(
        generated.notes.is_empty(),
        "{:?}",
        generated.notes.summary()
    );
    assert!(generated.client.contains("pub fn session_create(&self)"));
}

#[test]
fn generation_is_byte_identical_run_to_run() {
    for name in [
        "good/constructs-31.yaml",
        "good/knot-older.yaml",
        "good/knot-next.yaml",
    ] {
        let a = generate(name);
        let b = generate(name);
        assert_eq!(a.client, b.client, "{name}");
        assert_eq!(a.contract, b.contract, "{name}");
    }
    let seed = format!("{}/openapi/openapi.yaml", env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        generate_file(&seed).unwrap().client,
        generate_file(&seed).unwrap().client
    );
}

#[test]
fn older_and_next_specs_generate() {
    let older = generate("good/knot-older.yaml");
    assert!(
        older
            .client
            .contains("pub card: ::std::option::Option<SessionCreateBodyCard>")
    );
    assert!(!older.client.contains("metadata"));
    let next = generate("good/knot-next.yaml");
    assert!(next.client.contains("pub fn create_session_v2(&self)"));
    assert!(next.client.contains("pub fn list_transactions(&self)"));
    assert!(next.contract.contains("operation_id: \"session_extend\""));
    // The crate looks operations up by binary search: the table must be sorted.
    let ids: Vec<&str> = next
        .contract
        .lines()
        .filter_map(|l| l.trim().strip_prefix("operation_id: \""))
        .map(|l| l.trim_end_matches("\","))
        .collect();
    assert_eq!(
        ids,
        ["create_session_v2", "list_transactions", "session_extend"]
    );
}

#[test]
fn json_is_chosen_among_media_types_before_types_are_named() {
    let generated = generate("good/media-types.yaml");
    let surface = knot_codegen::surface::extract(&generated.client).unwrap();
    let rendered = knot_codegen::surface::render(&surface, "x");
    assert!(
        rendered.contains("operation a(body: types::ABody) -> types::AResponse"),
        "{rendered}"
    );
    assert!(
        rendered.contains("struct ABody {\n    name: Option<String>\n}"),
        "{rendered}"
    );
    assert!(
        rendered.contains("struct AResponse {\n    id: Option<String>\n}"),
        "{rendered}"
    );
    let kinds: Vec<&str> = generated.notes.kinds().collect();
    assert_eq!(
        kinds,
        [
            "POST /a: only `application/json` is generated (dropped text/csv)",
            "POST /a: request media type(s) application/xml not generated",
        ]
    );
}

#[test]
fn broken_specs_fail_with_one_clear_message() {
    let cases = [
        (
            "bad/invalid-yaml.yaml",
            "invalid YAML at line 10, column 1: did not find expected node content",
        ),
        (
            "bad/missing-ref.yaml",
            "`$ref` `#/components/schemas/SessionRequest` used at #/paths/~1session~1create/post/requestBody/content/application~1json/schema resolves to nothing",
        ),
        (
            "bad/prefix-items.yaml",
            "unsupported construct `prefixItems` at #/components/schemas/Point: tuple arrays have no OpenAPI 3.0 form",
        ),
        (
            "bad/swagger2.yaml",
            "Swagger 2.0 documents are not supported; convert the spec to OpenAPI 3.x",
        ),
        (
            "bad/duplicate-operation-id.yaml",
            "operationId `fetch` is used by both GET /a and GET /b",
        ),
        (
            "bad/external-ref.yaml",
            "external `$ref` `schemas.yaml#/Thing` at #/paths/~1a/get/responses/200/content/application~1json/schema is not supported; bundle the spec into one file",
        ),
        (
            "bad/not-a-mapping.yaml",
            "not an OpenAPI document: the top level is not a mapping",
        ),
        (
            "bad/bad-parameter.yaml",
            "not a valid OpenAPI document at #/paths/~1a~1{id}/get/parameters/0: unknown variant `somewhere`, expected one of `query`, `header`, `path`, `cookie`",
        ),
    ];
    for (name, message) in cases {
        let path = fixture(name);
        let error = generate_file(&path).expect_err(name);
        assert_eq!(error.to_string(), format!("{path}: {message}"), "{name}");
        assert!(!error.to_string().contains('\n'), "{name}: one line");
    }
    let missing = fixture("bad/does-not-exist.yaml");
    let error = generate_file(&missing).unwrap_err().to_string();
    assert!(
        error.starts_with(&format!("{missing}: cannot read the spec:")),
        "{error}"
    );
}

#[test]
fn a_31_spec_is_converted_to_30_with_nullable() {
    let prepared = prepare_file(&fixture("good/constructs-31.yaml")).unwrap();
    assert_eq!(prepared.doc["openapi"], "3.0.3");
    let card_id =
        &prepared.doc["components"]["schemas"]["SessionCreateRequest"]["properties"]["card_id"];
    assert_eq!(
        card_id,
        &serde_json::json!({ "type": "string", "nullable": true })
    );
    let amount =
        &prepared.doc["components"]["schemas"]["SessionCreateRequest"]["properties"]["amount"];
    assert_eq!(amount["minimum"], 0);
    assert_eq!(amount["exclusiveMinimum"], true);
    assert!(prepared.doc.get("webhooks").is_none());
}
