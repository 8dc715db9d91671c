//! Property tests: validation never panics, whatever the body, accepts what it should,
//! and judges a typed body (through the field view knot-codegen generates for it, what
//! the operations use) as it judges the JSON that body serializes to (what Knot and the
//! mock see).
//!
//! Reproducible: a fixed seed, and failures persisted in
//! `tests/client/validation_props.proptest-regressions`, replayed first.

use knot_api::__private::validate;
use knot_api::ValidationError;
use knot_api::types;
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, RngAlgorithm, RngSeed};
use serde_json::{Value, json};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 2000,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(13),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

/// Strings that hit the rules: blanks, enum values, near-e-mails and near-phone numbers,
/// escapes and control characters, and anything else.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        Just(String::new()),
        Just(" \t ".to_owned()),
        Just("card_switcher".to_owned()),
        Just("ada@example.com".to_owned()),
        Just(" ada@example.com".to_owned()),
        Just("+11234567890 ".to_owned()),
        Just("user@localhost".to_owned()),
        Just("a\"b@x.com".to_owned()),
        Just("ada@x.com\u{0}".to_owned()),
        Just("+11234567890".to_owned()),
        Just("+1 123".to_owned()),
        "[a-z@.+0-9]{0,12}",
    ]
}

/// Any typed session request, valid or not (the builder refuses nothing here: every
/// required field is set).
fn typed_body() -> impl Strategy<Value = types::SessionCreateBody> {
    (
        prop_oneof![
            Just(types::SessionCreateBodyType::CardSwitcher),
            Just(types::SessionCreateBodyType::Link),
            Just(types::SessionCreateBodyType::TransactionLink),
            Just(types::SessionCreateBodyType::Vault),
        ],
        text(),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(prop::collection::btree_map("[a-z]{1,6}", text(), 0..14)),
    )
        .prop_map(|(kind, user, card, email, phone, token, metadata)| {
            let metadata =
                metadata.map(|m| m.into_iter().collect::<std::collections::HashMap<_, _>>());
            types::SessionCreateBody::builder()
                .type_(kind)
                .external_user_id(user)
                .card_id(card)
                .email(email)
                .phone_number(phone)
                .processor_token(token.map(knot_api::Secret::from))
                .metadata(metadata)
                .try_into()
                .expect("every required field is set")
        })
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        prop_oneof![
            Just("card_switcher"),
            Just("vault"),
            Just("link"),
            Just("+11234567890"),
            Just("a@b.co"),
            Just("")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(3, 40, 12, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..12).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("type".to_owned()),
                    Just("external_user_id".to_owned()),
                    Just("card_id".to_owned()),
                    Just("email".to_owned()),
                    Just("phone_number".to_owned()),
                    Just("processor_token".to_owned()),
                    Just("metadata".to_owned()),
                    ".{0,8}",
                ],
                inner,
                0..12
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The verdict on a JSON body, as the mock reads it (anything but an object is empty).
fn of_json(body: &Value) -> Result<(), ValidationError> {
    match body {
        Value::Object(map) => validate("session_create", map),
        _ => validate("session_create", &serde_json::Map::new()),
    }
}

proptest! {
    #![proptest_config(config())]

    /// Any JSON: a verdict, no panic; an unknown operation passes.
    #[test]
    fn never_panics_on_arbitrary_json(body in arbitrary_json()) {
        let _ = of_json(&body);
        if let Value::Object(map) = &body {
            prop_assert_eq!(validate("no_such_operation", map), Ok(()));
        }
    }

    /// A typed request, read through its field view and as the JSON it sends: the same
    /// verdict.
    #[test]
    fn typed_bodies_are_judged_as_their_json(body in typed_body()) {
        let json = serde_json::to_value(&body).unwrap();
        prop_assert_eq!(validate("session_create", &body), of_json(&json));
    }

    #[test]
    fn well_formed_bodies_pass(
        user in "[a-zA-Z0-9_-]{1,30}",
        card in "[a-z0-9]{1,20}",
        digits in "[1-9][0-9]{6,13}",
        keys in prop::collection::btree_map("[a-z]{1,10}", ".{0,500}", 0..=10),
    ) {
        let body = json!({
            "type": "card_switcher", "external_user_id": user, "card_id": card,
            "phone_number": format!("+{digits}"), "email": "ada.lovelace@gmail.com",
            "metadata": keys,
        });
        prop_assert_eq!(of_json(&body), Ok(()));
    }

    #[test]
    fn failures_are_always_knot_shaped(body in arbitrary_json()) {
        if let Err(e) = of_json(&body) {
            prop_assert_eq!(e.error_type(), "INVALID_REQUEST");
            prop_assert_eq!(e.error_code(), "INVALID_FIELD");
            prop_assert!(e.error_message().starts_with("The "));
            prop_assert!(e.error_message().ends_with('.'));
        }
    }
}
