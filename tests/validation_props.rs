//! Property tests: validation never panics, whatever the body, and accepts what it should.

use knot_api::__private::{validate_body, validate_value};
use proptest::prelude::*;
use serde_json::{Value, json};

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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_arbitrary_json(body in arbitrary_json()) {
        let _ = validate_value("session_create", &body);
        let bytes = serde_json::to_vec(&body).unwrap();
        prop_assert_eq!(validate_body("session_create", &bytes), validate_value("session_create", &body));
    }

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = validate_body("session_create", &bytes);
        let _ = validate_body("no_such_operation", &bytes);
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
        prop_assert_eq!(validate_value("session_create", &body), Ok(()));
    }

    #[test]
    fn failures_are_always_knot_shaped(body in arbitrary_json()) {
        if let Err(e) = validate_value("session_create", &body) {
            prop_assert_eq!(e.error_type(), "INVALID_REQUEST");
            prop_assert_eq!(e.error_code(), "INVALID_FIELD");
            prop_assert!(e.error_message().starts_with("The "));
            prop_assert!(e.error_message().ends_with('.'));
        }
    }
}
