//! The embedded mock (feature `mock`) behaves like Knot: sessions, Knot's 400s and 401,
//! injected faults, recorded requests.

use std::time::Duration;

use knot_api::mock::{Fault, MOCK_CLIENT_ID, MOCK_SECRET, MockKnot};
use knot_api::{Error, KnotClient, RetryPolicy, types};
use serde_json::json;

fn body(kind: types::SessionCreateBodyType, user: &str) -> types::builder::SessionCreateBody {
    types::SessionCreateBody::builder()
        .type_(kind)
        .external_user_id(user)
}

fn fast(mock: &MockKnot) -> KnotClient {
    mock.client_builder()
        .retry_policy(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn answers_with_fresh_sessions_and_records_requests() {
    let mock = MockKnot::start().await;
    let knot = fast(&mock);
    let body = body(types::SessionCreateBodyType::Link, "u-1");
    let a = knot.create_session(body.clone()).await.unwrap();
    let b = knot.create_session(body.clone()).await.unwrap();
    assert_ne!(a.expose_token(), b.expose_token());
    assert_eq!(a.expose_token().len(), 36);
    let requests = mock.received_requests().await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].path, "/session/create");
    assert_eq!(
        requests[0].body_json(),
        json!({ "type": "link", "external_user_id": "u-1" })
    );
    assert!(
        requests[0]
            .expose_authorization()
            .unwrap()
            .starts_with("Basic ")
    );
    assert!(
        !format!("{:?}", requests[0]).contains(&requests[0].expose_authorization().unwrap()[6..])
    );
    assert!(!format!("{mock:?}").contains(MOCK_SECRET));
}

#[tokio::test]
async fn wrong_credentials_get_the_specs_401_example() {
    let mock = MockKnot::start().await;
    let knot = KnotClient::builder()
        .base_url(mock.uri())
        .credentials(MOCK_CLIENT_ID, "wrong")
        .build()
        .unwrap();
    let error = knot
        .create_session(body(types::SessionCreateBodyType::Link, "u"))
        .await
        .unwrap_err();
    let Error::Api(api) = error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status(), 401);
    assert_eq!(api.error_code(), "INVALID_API_KEYS");
    assert_eq!(api.error_message(), "Invalid client_id or secret provided.");
}

#[tokio::test]
async fn invalid_bodies_get_knots_exact_400() {
    let mock = MockKnot::start().await;
    // Validation off in the client, so the mock is the one judging.
    let knot = mock.client_builder().validation(false).build().unwrap();
    let error = knot
        .create_session(body(types::SessionCreateBodyType::CardSwitcher, "u"))
        .await
        .unwrap_err();
    let Error::Api(api) = error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status(), 400);
    let body: serde_json::Value = serde_json::from_slice(api.body()).unwrap();
    assert_eq!(
        body,
        json!({
            "error_type": "INVALID_REQUEST",
            "error_code": "INVALID_FIELD",
            "error_message": "The card_id field is required when type = card_switcher.",
        })
    );
}

#[tokio::test]
async fn injected_500s_are_retried_through() {
    let mock = MockKnot::start().await;
    mock.fail_next(2);
    let knot = fast(&mock);
    knot.create_session(body(types::SessionCreateBodyType::Vault, "u"))
        .await
        .unwrap();
    assert_eq!(mock.received_requests().await.len(), 3);

    mock.fail_next(3);
    let error = knot
        .create_session(body(types::SessionCreateBodyType::Vault, "u"))
        .await
        .unwrap_err();
    let Error::Server(e) = error else {
        panic!("{error:?}")
    };
    assert_eq!(e.message().as_deref(), Some("Server Error"));
}

#[tokio::test]
async fn named_examples_and_delays() {
    let mock = MockKnot::start().await;
    mock.respond_next_with_example("NoAccess").unwrap();
    // A misspelt name is an error that lists the names there are.
    let unknown = mock.respond_next_with_example("NoAcess").unwrap_err();
    assert!(MockKnot::example_names().contains(&"NoAccess"));
    let shown = unknown.to_string();
    assert!(shown.contains("`NoAcess`"), "{shown}");
    assert!(shown.contains("NoAccess, "), "{shown}");
    let knot = fast(&mock);
    let body = body(types::SessionCreateBodyType::TransactionLink, "u");
    let error = knot.create_session(body.clone()).await.unwrap_err();
    let Error::Api(api) = error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (api.status().as_u16(), api.error_code()),
        (403, "NO_ACCESS")
    );

    mock.inject(Fault::Delay(Duration::from_secs(5)));
    let impatient = mock
        .client_builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let error = impatient.create_session(body.clone()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(t) if t.is_timeout()),
        "{error:?}"
    );
    // The fault was used once; the next call is answered normally.
    knot.create_session(body.clone()).await.unwrap();
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let mock = MockKnot::start().await;
    let response = reqwest::get(format!("{}/nope", mock.uri())).await.unwrap();
    assert_eq!(response.status(), 404);
}
