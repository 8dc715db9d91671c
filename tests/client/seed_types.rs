//! Today's seed spec, by name: its examples and the generated types' details (open
//! enums, JSON schema). The same examples are checked generically, for any spec, by
//! `tests/spec_examples.rs`; this file pins what the seed must give.
//!
//! Knot's request examples carry `merchant_id`, which
//! the schema does not list: the generated request type ignores unknown fields when
//! decoding (it does not reject them), so the round trip loses exactly `merchant_id` and
//! nothing else; callers who must send it use `RequestOptions::extra_body` (tested in
//! `tests/ext_client.rs`).

use knot_api::types;
use serde_json::Value;

fn spec() -> Value {
    knot_codegen::load::load_file(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.yaml"))
        .expect("vendored spec loads")
        .doc
}

fn operation(spec: &Value) -> &Value {
    &spec["paths"]["/session/create"]["post"]
}

#[test]
fn request_examples_decode_and_round_trip_except_unlisted_fields() {
    let spec = spec();
    let media = &operation(&spec)["requestBody"]["content"]["application/json"];
    let listed: Vec<&str> = media["schema"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let examples = media["examples"].as_object().expect("request examples");
    assert_eq!(examples.len(), 4);
    for (name, example) in examples {
        let value = &example["value"];
        let decoded: types::SessionCreateBody = serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("request example {name} does not decode: {e}"));
        let round_trip = serde_json::to_value(&decoded).unwrap();
        let mut expected = value.as_object().unwrap().clone();
        let unlisted: Vec<String> = expected
            .keys()
            .filter(|k| !listed.contains(&k.as_str()))
            .cloned()
            .collect();
        assert_eq!(unlisted, vec!["merchant_id".to_owned()], "{name}");
        expected.retain(|k, _| listed.contains(&k.as_str()));
        assert_eq!(round_trip, Value::Object(expected), "{name} round trip");
    }
}

#[test]
fn card_switcher_example_keeps_every_listed_field() {
    let spec = spec();
    let value = &operation(&spec)["requestBody"]["content"]["application/json"]["examples"]["CardSwitcher"]
        ["value"];
    let decoded: types::SessionCreateBody = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(decoded.type_, types::SessionCreateBodyType::CardSwitcher);
    assert_eq!(decoded.external_user_id, "abc123");
    assert_eq!(decoded.card_id.as_deref(), Some("81n9al10a0ayn13"));
    assert_eq!(decoded.email.as_deref(), Some("ada.lovelace@gmail.com"));
    assert_eq!(decoded.phone_number.as_deref(), Some("+11234567890"));
}

#[test]
fn success_schema_example_decodes() {
    let spec = spec();
    let schema = &operation(&spec)["responses"]["200"]["content"]["application/json"]["schema"];
    let session = schema["properties"]["session"]["example"].clone();
    let body = serde_json::json!({ "session": session });
    let decoded: types::SessionCreateResponse = serde_json::from_value(body).unwrap();
    assert_eq!(
        decoded.session.as_ref().map(knot_api::Secret::expose),
        session.as_str()
    );
}

#[test]
fn every_error_example_decodes_into_the_error_type_under_its_status() {
    let spec = spec();
    let responses = operation(&spec)["responses"].as_object().unwrap();
    let mut seen = 0;
    for (status, response) in responses {
        if status == "200" {
            continue;
        }
        let media = &response["content"]["application/json"];
        assert_eq!(
            media["schema"]["$ref"], "#/components/schemas/Error",
            "status {status} is documented with the Error schema"
        );
        for (name, example) in media["examples"].as_object().unwrap() {
            let value = &example["value"];
            let decoded: types::ErrorBody = serde_json::from_value(value.clone())
                .unwrap_or_else(|e| panic!("{status} example {name} does not decode: {e}"));
            // Nothing the example says is lost: re-encoding gives back its known fields.
            let known: serde_json::Map<String, Value> = value
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, _)| k.starts_with("error_"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            assert_eq!(
                serde_json::to_value(&decoded).unwrap(),
                Value::Object(known)
            );
            if let Some(code) = &decoded.error_code {
                // The open enum knows every code the spec's examples use.
                assert!(code.is_known(), "{name}: the enum lacks {code}");
            }
            seen += 1;
        }
    }
    assert_eq!(
        seen, 10,
        "7 examples under 400, one each under 401, 403 and 500"
    );
}

#[test]
fn unknown_error_codes_decode_and_keep_their_value() {
    // Knot's older docs show PRODUCT_NOT_VALID, which today's enum lacks.
    let body = serde_json::json!({
        "error_type": "INVALID_REQUEST",
        "error_code": "PRODUCT_NOT_VALID",
        "error_message": "The product is not valid.",
        "request_id": "added later by the server",
    });
    let decoded: types::ErrorBody = serde_json::from_value(body).unwrap();
    assert_eq!(
        decoded.error_code,
        Some(types::ErrorErrorCode::Unknown("PRODUCT_NOT_VALID".into()))
    );
    assert_eq!(
        decoded.error_type,
        Some(types::ErrorErrorType::InvalidRequest)
    );
    // ... and serializes back unchanged.
    let again = serde_json::to_value(&decoded).unwrap();
    assert_eq!(again["error_code"], "PRODUCT_NOT_VALID");
    assert_eq!(again["error_type"], "INVALID_REQUEST");
    let code = decoded.error_code.unwrap();
    assert_eq!(code.as_str(), "PRODUCT_NOT_VALID");
    assert_eq!(code.to_string(), "PRODUCT_NOT_VALID");
    assert!(!code.is_known());
    assert_eq!(
        types::ErrorErrorCode::from("SESSION_NOT_FOUND"),
        types::ErrorErrorCode::SessionNotFound
    );
}

#[test]
fn request_enums_send_exactly_the_spec_values() {
    // Closed: an unknown value is refused when parsed, never sent.
    assert!("teleport".parse::<types::SessionCreateBodyType>().is_err());
    assert_eq!(
        serde_json::to_value(types::SessionCreateBodyType::CardSwitcher).unwrap(),
        "card_switcher"
    );
    assert!(serde_json::from_value::<types::SessionCreateBodyType>("teleport".into()).is_err());
}

#[test]
#[cfg(feature = "schemars")]
fn open_enums_describe_themselves_as_strings() {
    let schema = serde_json::to_value(schemars::schema_for!(types::ErrorErrorCode)).unwrap();
    assert_eq!(schema["type"], "string");
    assert!(
        schema["description"]
            .as_str()
            .unwrap()
            .contains("`SESSION_NOT_FOUND`")
    );
}

#[test]
#[cfg(feature = "schemars")]
fn generated_types_are_json_schema_ready() {
    let schema = schemars::schema_for!(types::SessionCreateBody);
    let json = serde_json::to_value(&schema).unwrap();
    let properties = json["properties"].as_object().unwrap();
    for field in ["type", "external_user_id", "card_id", "metadata"] {
        assert!(properties.contains_key(field), "{field} in JSON schema");
    }
    assert_eq!(
        json["description"], "The input parameters required for creating a session.",
        "the spec's description becomes the type's doc and schema description"
    );
}
