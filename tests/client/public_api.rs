//! The first call a Rust developer writes, as a downstream crate sees it: glob imports
//! that do not collide, builders without ceremony, one chain ending in `?`, per-call
//! options that travel with the call (also into a spawned task), typed errors.

use crate::common;

use knot_api::types::*;
use knot_api::*;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

fn ok_session() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "session": "s-1" }))
}

/// With both globs in scope, `Error` and `Result` are the crate's: the spec's `Error`
/// schema is `ErrorBody`, so this compiles (an ambiguous name would not).
fn classify(result: Result<Session>) -> Option<ValidationError> {
    match result {
        Err(Error::Validation(v)) => Some(v),
        _ => None,
    }
}

#[test]
fn the_specs_error_schema_does_not_shadow_the_crates_error() {
    let body: ErrorBody = serde_json::from_value(json!({
        "error_type": "INVALID_REQUEST",
        "error_code": "INVALID_FIELD",
        "error_message": "m",
    }))
    .unwrap();
    assert_eq!(body.error_code, Some(ErrorErrorCode::InvalidField));
    assert!(classify(Ok(common_session())).is_none());
}

fn common_session() -> Session {
    // Sessions only come from Knot; one from the embedded mock stands in.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let mock = knot_api::mock::MockKnot::start().await;
            mock.client()
                .create_session(
                    SessionCreateBody::builder()
                        .type_(SessionCreateBodyType::Link)
                        .external_user_id("u"),
                )
                .await
                .unwrap()
        })
}

#[test]
fn optional_setters_take_the_value_an_option_or_a_str() {
    let base = || {
        SessionCreateBody::builder()
            .type_(SessionCreateBodyType::CardSwitcher)
            .external_user_id("u")
    };
    let json = |b: knot_api::types::builder::SessionCreateBody| {
        serde_json::to_value(SessionCreateBody::try_from(b).unwrap()).unwrap()
    };
    let owned = String::from("c-2");
    assert_eq!(json(base().card_id("c-1"))["card_id"], "c-1");
    assert_eq!(json(base().card_id(&owned))["card_id"], "c-2");
    assert_eq!(json(base().card_id(owned.clone()))["card_id"], "c-2");
    assert_eq!(json(base().card_id(Some(owned)))["card_id"], "c-2");
    assert!(
        json(base().card_id("c-1").card_id(None))
            .get("card_id")
            .is_none()
    );
}

#[tokio::test]
async fn create_session_takes_the_request_or_its_builder() {
    let server = common::server_answering(ok_session()).await;
    let knot = common::client(&server.uri());
    let builder = SessionCreateBody::builder()
        .type_(SessionCreateBodyType::Link)
        .external_user_id("u");
    let typed = SessionCreateBody::try_from(builder.clone()).unwrap();
    assert_eq!(
        knot.create_session(builder).await.unwrap().expose_token(),
        "s-1"
    );
    assert_eq!(
        knot.create_session(typed).await.unwrap().expose_token(),
        "s-1"
    );
    let bodies: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies[0], bodies[1]);
    assert_eq!(
        bodies[0],
        json!({ "type": "link", "external_user_id": "u" })
    );
}

/// The future of a call owns its options: spawned on another task (or thread), it still
/// sends the extra field and header, and keeps the per-call retry count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_call_options_survive_a_spawned_future() {
    let server = common::flaky_server(1, ok_session()).await;
    let knot: &'static KnotClient = Box::leak(Box::new(common::client(&server.uri())));
    let send = knot
        .session_create()
        .body(common::card_switcher_body())
        .options(
            RequestOptions::new()
                .extra_body("merchant_id", 45)
                .header("x-trace", "t-1")
                .max_retries(0),
        )
        .send();
    let outcome = tokio::spawn(send).await.unwrap();
    // max_retries(0) held: the first (500) answer is final.
    let error = outcome.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500), "{error:?}");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].headers["x-trace"], "t-1");
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["merchant_id"], 45);
}

/// Options on one call do not leak into the next call of the same client.
#[tokio::test]
async fn options_belong_to_one_call() {
    let server = common::server_answering(ok_session()).await;
    let knot = common::client(&server.uri());
    let body = common::card_switcher_body;
    knot.session_create()
        .body(body())
        .options(RequestOptions::new().extra_body("merchant_id", 45))
        .send()
        .await
        .unwrap();
    knot.session_create().body(body()).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let second: Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert!(second.get("merchant_id").is_none(), "{second}");
}

/// A refusal in the hooks reaches the caller as the typed error it was, and invalid
/// options are refused before anything is sent.
#[tokio::test]
async fn refusals_are_typed_and_nothing_is_sent() {
    let server = common::server_answering(ok_session()).await;
    let knot = common::client(&server.uri());
    let error = knot
        .session_create()
        .body(
            SessionCreateBody::builder()
                .type_(SessionCreateBodyType::Link)
                .external_user_id("u")
                .email("not-an-email"),
        )
        .send()
        .await
        .unwrap_err();
    let Error::Validation(v) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(v.field(), "email");
    // No placeholder text from the hand-over shows anywhere.
    assert!(!format!("{error} {error:?}").contains("refused before sending"));

    let error = knot
        .session_create()
        .body(common::card_switcher_body())
        .options(RequestOptions::new().header("Authorization", "x"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    // A body never set at all is a missing required field, in Knot's words: the first
    // in the spec's order.
    let error = knot.session_create().send().await.unwrap_err();
    let Error::Validation(v) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (v.field(), v.error_message()),
        ("type", "The type field is required.")
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

/// Knot's error code as the generated open enum, through one accessor.
#[tokio::test]
async fn error_codes_are_typed() {
    let server = common::server_answering(ResponseTemplate::new(401).set_body_json(json!({
        "error_type": "INVALID_INPUT",
        "error_code": "INVALID_API_KEYS",
        "error_message": "Invalid client_id or secret provided.",
    })))
    .await;
    let knot = common::client(&server.uri());
    let error = common::generated_session_create(&knot).await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.code::<ErrorErrorCode>(), ErrorErrorCode::InvalidApiKeys);
    assert_eq!(api.status(), reqwest::StatusCode::UNAUTHORIZED);
    assert!(!error.is_retryable());
    assert!(!error.is_timeout());
}

/// Every error payload is a `std::error::Error`, and a transport failure's root cause
/// appears once along the source chain.
#[tokio::test]
async fn the_root_cause_prints_once_along_the_chain() {
    fn is_error<E: std::error::Error>() {}
    is_error::<Error>();
    is_error::<ApiError>();
    is_error::<ServerError>();
    is_error::<TransportError>();
    is_error::<DecodeError>();
    is_error::<RedirectError>();
    is_error::<BodyTooLargeError>();
    is_error::<ConfigError>();
    is_error::<ValidationError>();

    // A port nothing listens on: connection refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let knot = common::client_with(&uri, RetryPolicy::none());
    let error = common::generated_session_create(&knot).await.unwrap_err();
    assert!(error.is_retryable(), "a refused connection may work later");
    let mut chain = vec![error.to_string()];
    let mut source = std::error::Error::source(&error);
    while let Some(e) = source {
        chain.push(e.to_string());
        source = e.source();
    }
    let root = chain.last().unwrap().clone();
    let mentions = chain.iter().filter(|m| m.contains(&root)).count();
    assert_eq!(mentions, 1, "root cause repeated along {chain:#?}");
}

/// A session token never prints, whichever way the answer is read: the generated
/// response type's `Debug` redacts it (as `Session` does), `Serialize` keeps it.
#[tokio::test]
async fn raw_answers_never_print_the_session_token() {
    let server = common::server_answering(
        ResponseTemplate::new(200).set_body_json(json!({ "session": "CANARY-SESSION-77" })),
    )
    .await;
    let knot = common::client(&server.uri());
    let op = || knot.session_create().body(common::card_switcher_body());
    let answer = op().send().await.unwrap();
    let with_response = op().send_with_response().await.unwrap();
    let built: SessionCreateResponse =
        serde_json::from_value(json!({ "session": "CANARY-SESSION-77" })).unwrap();
    for shown in [
        format!("{answer:?}"),
        format!("{with_response:?}"),
        format!("{built:?}"),
    ] {
        assert!(!shown.contains("CANARY-SESSION"), "token printed: {shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }
    assert_eq!(
        answer.session.as_ref().map(knot_api::Secret::expose),
        Some("CANARY-SESSION-77")
    );
    assert_eq!(
        serde_json::to_value(&answer).unwrap()["session"],
        "CANARY-SESSION-77"
    );
}

/// `send_with_response` keeps the answer's status and headers beside the decoded body.
#[tokio::test]
async fn the_response_keeps_its_status_and_headers() {
    let server = common::server_answering(
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "req-42")
            .set_body_json(json!({ "session": "s-1" })),
    )
    .await;
    let knot = common::client(&server.uri());
    let answer = knot
        .session_create()
        .body(common::card_switcher_body())
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(answer.status(), reqwest::StatusCode::OK);
    assert_eq!(answer.headers()["x-request-id"], "req-42");
    assert_eq!(answer.headers()["content-type"], "application/json");
    assert_eq!(
        answer
            .into_inner()
            .session
            .as_ref()
            .map(knot_api::Secret::expose),
        Some("s-1")
    );
}

/// A builder cloned and sent twice makes two independent calls.
#[tokio::test]
async fn a_cloned_builder_sends_two_independent_calls() {
    let server = common::flaky_server(1, ok_session()).await;
    let knot = common::client_with(&server.uri(), RetryPolicy::none());
    let builder = knot
        .session_create()
        .body(common::card_switcher_body())
        .options(RequestOptions::new().header("x-trace", "t"));
    let first = builder.clone().send().await.unwrap_err();
    assert_eq!(first.status().map(|s| s.as_u16()), Some(500));
    let second = builder.send().await.unwrap();
    assert_eq!(
        second.session.as_ref().map(knot_api::Secret::expose),
        Some("s-1")
    );
    for request in server.received_requests().await.unwrap() {
        assert_eq!(request.headers["x-trace"], "t");
    }
}

/// Whose fault, and what to tell the user: one classification, by HTTP status (Knot's
/// 403 `NO_ACCESS` says `INVALID_REQUEST` in its `error_type`), and one message fit to
/// show, in Knot's words where it gave some.
#[tokio::test]
async fn errors_say_their_kind_and_a_message_fit_for_a_user() {
    let no_access = common::server_answering(ResponseTemplate::new(403).set_body_json(json!({
        "error_type": "INVALID_REQUEST",
        "error_code": "NO_ACCESS",
        "error_message": "The type is not enabled.\u{1b}[2J Please contact Knot."
    })))
    .await;
    let error = common::client(&no_access.uri())
        .create_session(common::card_switcher_body())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Forbidden);
    assert!(!error.is_temporary());
    assert_eq!(
        error.user_message(),
        "The type is not enabled.\\u{1b}[2J Please contact Knot."
    );

    let invalid = common::client("http://127.0.0.1:9")
        .create_session(SessionCreateBody::builder().type_(SessionCreateBodyType::Link))
        .await
        .unwrap_err();
    assert_eq!(invalid.kind(), ErrorKind::InvalidRequest);
    assert_eq!(
        invalid.user_message(),
        "The external user id field is required."
    );

    let down = common::server_answering(
        ResponseTemplate::new(500).set_body_json(json!({ "message": "Server Error" })),
    )
    .await;
    let knot = common::client_with(&down.uri(), RetryPolicy::none());
    let error = knot
        .create_session(common::card_switcher_body())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Temporary);
    assert!(error.is_temporary() && error.is_retryable());
    assert_eq!(
        error.user_message(),
        "Knot cannot be reached right now; please try again later."
    );

    // A timeout after sending: not retried by the crate, but "try later" for the user.
    let slow = common::server_answering(
        ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(5)),
    )
    .await;
    let knot = KnotClient::builder()
        .base_url(slow.uri())
        .credentials("id", "secret")
        .total_timeout(std::time::Duration::from_millis(200))
        .build()
        .unwrap();
    let error = knot
        .create_session(common::card_switcher_body())
        .await
        .unwrap_err();
    assert!(error.is_timeout() && !error.is_retryable() && error.is_temporary());
}
