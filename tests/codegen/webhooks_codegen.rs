//! The spec's 3.1 `webhooks` section through the same pipeline as build.rs: payload types
//! in the generated client, an open `WebhookEvent` enum over them, and only `Unknown`
//! when the section is absent. (`tests/regeneration_compiles.rs` builds the crate
//! against the same fixture; `tests/webhooks.rs` checks the seed's raw-only events.)

use knot_codegen::{generate_file, prepare_file};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn knot_shaped_webhooks_become_types_and_an_open_enum() {
    let generated = generate_file(&fixture("good/knot-webhooks.yaml")).unwrap();
    let listed = knot_codegen::surface::render(&generated.surface, "x");
    // One type per payload: inline schemas moved to `{Key}Webhook`, a `$ref` kept.
    for type_ in [
        "struct AuthenticatedWebhook {",
        "struct CardUpdatedWebhook {",
        "struct MerchantStatusUpdate {",
        "struct NewTransactionsAvailableWebhook {",
    ] {
        assert!(listed.contains(type_), "{type_} not generated: {listed}");
    }
    // 3.1 in the payloads is converted like everywhere else (`[string, 'null']`), and
    // session ids are secrets.
    assert!(listed.contains("struct AuthenticatedWebhook {\n    data: Map<String, Value>\n    event: AuthenticatedWebhookEvent\n    external_user_id: Option<String>\n    merchant: WebhookMerchant\n    session_id: Secret\n"), "{listed}");
    // Payloads are received data, treated like responses: their enums are open (a new
    // value is kept in `Unknown`), used directly as the field's type.
    assert!(
        listed.contains("    status: MerchantStatusUpdateStatus\n"),
        "{listed}"
    );
    let status = &listed[listed.find("enum MerchantStatusUpdateStatus {").unwrap()..];
    assert!(status.contains("Unknown(String)"), "{status}");
    // Webhooks are not client operations.
    assert!(!generated.client.contains("fn authenticated"));

    let enum_ = &generated.webhooks;
    for variant in [
        // event from `const`
        "Authenticated(::std::boxed::Box<crate::types::AuthenticatedWebhook>)",
        // event from a single `enum` value
        "CardUpdated(::std::boxed::Box<crate::types::CardUpdatedWebhook>)",
        // event from the referenced schema's `const`, not from the key `merchant-status-update`
        "MerchantStatusUpdate(::std::boxed::Box<crate::types::MerchantStatusUpdate>)",
        // no const: the key names the event
        "NewTransactionsAvailable(::std::boxed::Box<crate::types::NewTransactionsAvailableWebhook>)",
        "Unknown(::serde_json::Value)",
        "#[non_exhaustive]",
    ] {
        assert!(enum_.contains(variant), "{variant} missing:\n{enum_}");
    }
    for dispatch in [
        "\"AUTHENTICATED\" =>",
        "\"CARD_UPDATED\" =>",
        "\"MERCHANT_STATUS_UPDATE\" =>",
        "\"NEW_TRANSACTIONS_AVAILABLE\" =>",
        "_ => ::std::result::Result::Ok(Self::Unknown(payload))",
    ] {
        assert!(enum_.contains(dispatch), "{dispatch} missing:\n{enum_}");
    }
    // Nothing was lost, so nothing is noted.
    assert!(
        !generated.notes.kinds().any(|k| k.contains("webhook")),
        "{:?}",
        generated.notes.kinds().collect::<Vec<_>>()
    );
    // The section is gone from the converted document; the payloads are components.
    let prepared = prepare_file(&fixture("good/knot-webhooks.yaml")).unwrap();
    assert!(prepared.doc.get("webhooks").is_none());
    assert!(prepared.doc["components"]["schemas"]["AuthenticatedWebhook"].is_object());
    assert_eq!(prepared.webhooks.len(), 4);
}

#[test]
fn without_webhooks_the_enum_has_only_unknown() {
    let generated = generate_file(&format!(
        "{}/openapi/openapi.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let enum_ = &generated.webhooks;
    assert!(enum_.contains("pub enum WebhookEvent {"));
    assert!(enum_.contains("Unknown(::serde_json::Value)"));
    assert!(enum_.contains("pub const KNOWN: &'static [&'static str] = &[];"));
    assert!(!enum_.contains("crate::types::"));
}

#[test]
fn generation_is_deterministic() {
    let a = generate_file(&fixture("good/knot-webhooks.yaml")).unwrap();
    let b = generate_file(&fixture("good/knot-webhooks.yaml")).unwrap();
    assert_eq!(a.webhooks, b.webhooks);
    assert_eq!(a.client, b.client);
}
