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
fn json_schema_is_derived_only_when_asked_for() {
    let spec = fixture("good/constructs-31.yaml");
    let with = generate_file(&spec).unwrap();
    let options = knot_codegen::Options::default().json_schema(false);
    let without = knot_codegen::generate_file_with(&spec, &options).unwrap();
    assert!(with.client.matches("schemars::JsonSchema").count() > 10);
    assert_eq!(without.client.matches("JsonSchema").count(), 0);
    assert_eq!(without.knot, with.knot);
    assert_eq!(without.surface, with.surface);
}

#[test]
fn enums_that_tag_union_variants_stay_closed_in_responses() {
    let generated = generate("good/union-tags.yaml");
    let client = &generated.client;
    for tag in ["CardDetailsType", "WalletDetailsType", "SepaType"] {
        assert!(
            client.contains(&format!("::std::option::Option<{tag}>")),
            "{tag} is not closed"
        );
        assert!(
            !client.contains(&format!("open_enums::{tag}")),
            "{tag} is open"
        );
    }
    // A response enum that tags nothing is open as before.
    assert!(client.contains("open_enums::PaymentStatus"));
    assert!(
        generated.notes.is_empty(),
        "{:?}",
        generated.notes.summary()
    );
}

#[test]
fn constructs_fixture_generates_every_construct() {
    let generated = generate("good/constructs-31.yaml");
    // progenitor's client and knot-codegen's code beside it.
    let code = &format!("{}\n{}", generated.client, generated.knot);
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
        // oneOf with a null branch around an inline schema (its length limit is left to
        // the request contract, so it is a plain string)
        (
            "oneOf null + inline",
            "pub note: ::std::option::Option<::std::string::String>",
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
            "pub status: ::std::option::Option<crate::emitted::open_enums::MerchantStatus>",
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
            "pub fn list_merchants(&self) -> operations::ListMerchants<'_>",
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
        (
            "path param value",
            "pub fn account_id(\n            mut self,",
        ),
        // response enums are open: the field has the enum type, which keeps unknown values
        (
            "open response enum field",
            "pub category: ::std::option::Option<\n            crate::emitted::open_enums::MerchantCategory,",
        ),
        ("open response enum", "open_enum! {"),
        ("open enum name", "MerchantCategory {"),
        ("open error code", "ErrorErrorCode {"),
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
    // every generated type is non_exhaustive
    let surface = &generated.surface;
    assert!(surface.types.contains_key("Merchant"));
    for name in surface.types.keys() {
        assert!(
            surface.non_exhaustive.contains(name),
            "{name} is exhaustive"
        );
    }
    // webhooks are not client operations; the schema they use is still a type, and
    // their events are typed (tests/webhooks_codegen.rs)
    assert!(code.contains("pub struct WebhookEvent"));
    assert!(generated.webhooks.contains("Authenticated("));
    assert!(!code.contains("fn authenticated"));
    // response schemas tolerate unknown fields
    let error_struct = &code[code.find("pub struct ErrorBody {").unwrap()..]; // `Error` → `ErrorBody` (no shadowing)
    let before_error = &code[..code.find("pub struct ErrorBody {").unwrap()];
    assert!(!before_error[before_error.len() - 200..].contains("deny_unknown_fields"));
    assert!(!error_struct[..400].contains("extra"));
    // every documented error status is left to the ext layer
    assert!(!code.contains("Error::ErrorResponse"));

    let kinds: Vec<&str> = generated.notes.kinds().collect();
    assert_eq!(
        kinds,
        [
            "`format: uuid` generated as String",
            "`pattern` not enforced by the generated types",
            "operation without an operationId: named after its method and path",
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
    assert!(generated.knot.contains("pub fn session_create(&self)"));
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
        assert_eq!(a.knot, b.knot, "{name}");
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
    assert!(next.knot.contains("pub fn create_session_v2(&self)"));
    assert!(next.knot.contains("pub fn list_transactions(&self)"));
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
    let surface = generated.surface.clone();
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
    assert!(
        rendered.contains("operation b(body: types::BBody) -> types::BResponse"),
        "{rendered}"
    );
    assert!(rendered.contains("operation b_patch()"), "{rendered}");
    assert_eq!(
        generated.notes.summary(),
        [
            "only `application/json` is generated (dropped text/csv) at #/paths/~1a/post/responses/200",
            "repaired: a response `$ref` outside `#/components/responses/` read as the object it points at at #/paths/~1b/post/responses/200",
            "request media type(s) application/json-patch+json not generated; the operation has no body at #/paths/~1b/patch/requestBody",
            "request media type(s) application/xml not generated at #/paths/~1a/post/requestBody",
            "request media type(s) multipart/form-data, text/csv not generated at #/paths/~1b/post/requestBody",
        ]
    );
}

#[test]
fn broken_specs_fail_with_one_clear_message() {
    let cases: [(&str, &str); 15] = [
        (
            "bad/invalid-yaml.yaml",
            "invalid YAML at line 10, column 1: did not find expected node content",
        ),
        (
            "bad/missing-ref.yaml",
            "`$ref` `#/components/schemas/SessionRequest` used at #/paths/~1session~1create/post/requestBody/content/application~1json/schema resolves to nothing",
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
        // Schemas that reach themselves only through references: infinite types, on
        // which progenitor overflows its stack (an abort, not a panic).
        (
            "bad/cycle-self-allof.yaml",
            "schema #/components/schemas/Error reaches itself only through references: Error -> allOf -> Error; recursion must go through a property or array items",
        ),
        (
            "bad/cycle-two-allof.yaml",
            "schema #/components/schemas/Account reaches itself only through references: Account -> allOf -> AccountDetail -> allOf -> Account; recursion must go through a property or array items",
        ),
        (
            "bad/cycle-ref-to-ref.yaml",
            "schema #/components/schemas/Request reaches itself only through references: Request -> $ref -> RequestV2 -> $ref -> Request; recursion must go through a property or array items",
        ),
        (
            "bad/cycle-one-of.yaml",
            "schema #/components/schemas/Pet reaches itself only through references: Pet -> oneOf -> Cat -> allOf -> Pet; recursion must go through a property or array items",
        ),
        // Shapes the damage test (`tests/spec_robustness.rs`) met: an inline schema and
        // a response that reach themselves.
        (
            "bad/cycle-inline-any-of.yaml",
            "#/paths/~1a/post/requestBody/content/application~1json/schema/properties/card_id reaches itself only through references: #/paths/~1a/post/requestBody/content/application~1json/schema/properties/card_id -> anyOf -> #/paths/~1a/post/requestBody/content/application~1json/schema/properties/card_id; recursion must go through a property or array items",
        ),
        (
            "bad/cycle-response-ref.yaml",
            "#/components/responses/Unauthorized reaches itself only through references: #/components/responses/Unauthorized -> $ref -> #/components/responses/Unauthorized; recursion must go through a property or array items",
        ),
        // Deep nesting: the pipeline's own limit, then the YAML loader's.
        (
            "bad/deep-nesting.yaml",
            &format!(
                "the document nests deeper than 64 levels at #/components/schemas/Deep{}/properties; flatten it with named component schemas",
                "/properties/a".repeat(30)
            ),
        ),
        (
            "bad/deeper-than-yaml.yaml",
            "invalid YAML at line 196, column 257: recursion limit exceeded",
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
fn schemas_that_recurse_through_properties_and_items_generate() {
    let generated = generate("good/recursive.yaml");
    let surface = generated.surface.clone();
    let rendered = knot_codegen::surface::render(&surface, "x");
    for expected in [
        // a tree through array items
        "struct TreeNode {\n    children: Vec<TreeNode>\n    name: String\n}",
        // a linked list through a nullable property (`anyOf` with `null`)
        "struct ListNode {\n    next: Option<std::boxed::Box<ListNode>>\n    value: i64\n}",
        // through a property and through map values
        "    files: HashMap<String, Folder>\n",
        "    parent: Option<std::boxed::Box<Folder>>\n",
        // through a property of an `allOf` part, and through two schemas
        "    also: Option<std::boxed::Box<LabelledTree>>\n",
        "struct ChainLink {\n    chain: Option<std::boxed::Box<Chain>>\n}",
        "operation create_tree(body: types::TreeNode) -> types::Chain",
    ] {
        assert!(
            rendered.contains(expected),
            "`{expected}` not in\n{rendered}"
        );
    }
    // The contract reads a recursive body's fields without following the recursion.
    for field in [
        r#"name: "name", required: true"#,
        r#"name: "children", required: false"#,
    ] {
        assert!(generated.contract.contains(field), "{}", generated.contract);
    }
    let again = generate("good/recursive.yaml");
    assert_eq!(generated.client, again.client);
}

/// A response schema with `levels` inline objects nested through properties.
fn nested_spec(levels: usize) -> String {
    let mut schema = String::from("{type: string}");
    for _ in 0..levels {
        schema = format!("{{type: object, properties: {{a: {schema}}}}}");
    }
    format!(
        "openapi: 3.1.0\ninfo: {{title: x, version: 1.0.0}}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Deep'}}\ncomponents:\n  schemas:\n    Deep: {schema}\n"
    )
}

#[test]
fn a_document_at_the_depth_limit_generates_on_a_small_stack() {
    // Test threads have 2 MiB by default; say so rather than rely on it. The pipeline's
    // own walks run here, progenitor on its own large stack.
    let run = |levels: usize| {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                knot_codegen::load::load_str("deep.yaml", &nested_spec(levels))
                    .and_then(knot_codegen::prepare)
                    .and_then(knot_codegen::generate_prepared)
                    .map(|g| g.client.len())
                    .map_err(|e| e.to_string())
            })
            .unwrap()
            .join()
            .unwrap()
    };
    // components/schemas/Deep, then two levels per object: 30 objects end at level 63.
    assert!(run(30).is_ok(), "{:?}", run(30));
    let error = run(31).unwrap_err();
    assert!(
        error.starts_with("deep.yaml: the document nests deeper than 64 levels at #/components/schemas/Deep/properties/a/"),
        "{error}"
    );
}

#[test]
fn the_generator_survives_the_deepest_document_it_accepts() {
    // `generate` guards itself for documents that skipped the check: up to 128 levels,
    // which progenitor must survive on its own stack. 62 objects end at level 127.
    let doc = |levels: usize| {
        // Built as a value: the YAML loader would stop at 128 levels of its own counting.
        let mut doc = knot_codegen::load::load_str("deep.yaml", &nested_spec(0))
            .unwrap()
            .doc;
        doc["openapi"] = serde_json::json!("3.0.3");
        let mut schema = serde_json::json!({ "type": "string" });
        for _ in 0..levels {
            schema = serde_json::json!({ "type": "object", "properties": { "a": schema } });
        }
        doc["components"]["schemas"]["Deep"] = schema;
        doc
    };
    let mut notes = knot_codegen::Notes::default();
    let code =
        knot_codegen::generate::generate(&mut doc(62), &mut notes, &Default::default()).unwrap();
    assert!(code.client.contains("pub struct Deep {"));
    let error = knot_codegen::generate::generate(&mut doc(63), &mut notes, &Default::default())
        .unwrap_err();
    assert!(
        error.starts_with("the document nests deeper than 128 levels at #/components/"),
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

#[test]
fn what_progenitor_cannot_take_is_carried_or_noted_at_its_pointer() {
    let cases: [(&str, &[&str]); 13] = [
        // Enums typify cannot take as enums (mixed value types, integers): plain values.
        (
            "good/mixed-enums.yaml",
            &[
                "`enum` of values that are not all strings generated as a plain value at 3 places (first: #/components/schemas/ScoreVersion)",
            ],
        ),
        // Cookie parameters: progenitor has no place for them; left out, noted.
        (
            "good/cookie-params.yaml",
            &[
                "parameter not generated (progenitor cannot send it: a cookie parameter) at 3 places (first: #/paths/~1items~1{item_id}/get/parameters/1)",
            ],
        ),
        // What progenitor fails on unexpectedly is given up part by part.
        (
            "good/salvage.yaml",
            &[
                "parameter not generated (progenitor panics: not yet implemented: unhandled not schema Object) at #/paths/~1a/get/parameters/0",
            ],
        ),
        (
            "good/parameter-styles.yaml",
            &[
                "list parameter sent unexploded generated as a string: write its items joined by `,` at #/paths/~1accounts~1{account_id}~1transactions/get/parameters/2",
                "list parameter sent unexploded generated as a string: write its items joined by `|` at #/paths/~1accounts~1{account_id}~1transactions/get/parameters/3",
            ],
        ),
        (
            "good/deep-refs-and-raw-bodies.yaml",
            &[
                "octet-stream request body sent as raw bytes (its schema read as `format: binary`) at #/paths/~1files~1{name}/put/requestBody/content/application~1octet-stream",
            ],
        ),
        ("good/json-only-escapes.json", &[]),
        (
            "good/type-name-clashes.yaml",
            &[
                "`allOf` beside `enum` left out (the values are the enum's) at #/components/schemas/Account/properties/scopes/items",
                "`format` of a non-string, non-number schema ignored at #/components/schemas/Account/properties/links",
                "component schema given a numbered Rust name (`X2`): its name is also another type's at 2 places (first: #/components/schemas/AccountOwner)",
                "list parameter sent unexploded generated as a string: write its items joined by `,` at 2 places (first: #/paths/~1accounts~1{ids}/get/parameters/0)",
                "operation not generated (progenitor cannot send OPTIONS or TRACE) at #/paths/~1accounts~1{ids}/options",
                "parameter not generated (its Rust name is an earlier parameter's) at #/paths/~1accounts~1{ids}/get/parameters/3",
            ],
        ),
        (
            "good/tuples-and-recursive-refs.yaml",
            &[
                "`$recursiveRef` read as a reference to the component schema it is in at #/components/schemas/CompoundFilter/properties/filters/items/anyOf/1",
                "tuple array (`prefixItems`) generated as a list of JSON values at #/components/schemas/Point",
            ],
        ),
        (
            "good/schema-typify-cannot-take.yaml",
            &[
                "schema generated as a JSON value, serde_json::Value (progenitor panics: not yet implemented: unhandled not schema Object) at #/components/schemas/Report",
            ],
        ),
        (
            "good/multipart.yaml",
            &[
                "request media type(s) multipart/form-data not generated; the operation has no body at #/paths/~1images~1edits/post/requestBody",
            ],
        ),
        (
            "good/stream-response.yaml",
            &[
                "only `application/json` is generated (dropped application/x-ndjson) at #/paths/~1api~1generate/post/responses/200",
            ],
        ),
        (
            "good/repairs.yaml",
            &[
                "repaired: `nullable: true` (OpenAPI 3.0) in a 3.1 document read as `type: [T, 'null']` at 2 places (first: #/components/schemas/Dog/properties/nickname)",
                "repaired: `servers: []` read as absent (the default server `/`) at #/servers",
                "repaired: discriminator mapping value given as an object; its `$ref` is used at 2 places (first: #/components/schemas/Pet/discriminator/mapping/cat)",
                "repaired: path parameter `pet_id` is not in the template `/pets`; not generated at #/paths/~1pets/get/parameters/0",
                "repaired: path template `/pets/{pet_id}` names `{pet_id}`, which no parameter declares; generated as a required string at #/paths/~1pets~1{pet_id}/get",
            ],
        ),
        (
            "good/progenitor-limits.yaml",
            &[
                "JSON media type without a schema generated as any JSON value at #/paths/~1reports~1{report_id}/get/responses/200/content/application~1json",
                "`encoding` of a JSON media type not applied at #/paths/~1reports/post/requestBody/content/application~1json/encoding",
                "parameter not generated (progenitor cannot send it: described by `content`, not `schema`) at #/paths/~1reports~1{report_id}/get/parameters/2",
                "parameter not generated (progenitor cannot send it: query style `deepObject`) at #/paths/~1reports~1{report_id}/get/parameters/1",
                "repaired: path parameter not marked `required` read as required at #/paths/~1reports~1{report_id}/get/parameters/0",
            ],
        ),
    ];
    for (name, expected) in cases {
        let generated = generate(name);
        assert_eq!(generated.notes.summary(), expected, "{name}");
    }
    // The operations are all there, without what was left out.
    let surface = |name| knot_codegen::surface::render(&generate(name).surface, "x");
    let cookies = surface("good/cookie-params.yaml");
    assert!(cookies.contains("operation get_item("), "{cookies}");
    assert!(!cookies.contains("session_token"), "{cookies}");
    let stream = surface("good/stream-response.yaml");
    assert!(
        stream.contains("operation generate(body: types::GenerateBody) -> types::Completion"),
        "{stream}"
    );
}

#[test]
fn the_example_table_finds_examples_behind_references() {
    // A response given as `$ref` to components/responses, a named example given as `$ref`
    // to components/examples: each example is listed where it is, with its type.
    let multipart = generate("good/multipart.yaml").examples;
    assert!(
        multipart.contains("\"#/components/responses/Images/content/application~1json/example\""),
        "{multipart}"
    );
    assert!(multipart.contains("types::ImagesResponse"), "{multipart}");
    assert!(
        multipart.contains("request media type `multipart/form-data` is not JSON"),
        "{multipart}"
    );
    let stream = generate("good/stream-response.yaml").examples;
    assert!(
        stream.contains("\"#/components/examples/Plain/value\""),
        "{stream}"
    );
    assert!(stream.contains("types::GenerateBody"), "{stream}");
    assert_eq!(stream.matches("ExampleCase::typed").count(), 2, "{stream}");
}
