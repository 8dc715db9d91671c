//! The `ext` layer against a real HTTP server on loopback (wiremock): auth, validation,
//! retry, timeouts, error mapping, concurrency.

use crate::common;

use std::time::Duration;

use base64::Engine as _;
use knot_api::{Error, KnotClient, RequestOptions, RetryPolicy, types};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ok_session() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "session": "CANARY-SESSION-1a2b" }))
}

fn valid_body() -> types::builder::SessionCreateBody {
    switcher().external_user_id("user-1").card_id("card-1")
}

/// A `link` body for user `u`.
fn link() -> types::builder::SessionCreateBody {
    types::SessionCreateBody::builder()
        .type_(types::SessionCreateBodyType::Link)
        .external_user_id("u")
}

/// A `card_switcher` body for user `u`, without a card.
fn switcher() -> types::builder::SessionCreateBody {
    types::SessionCreateBody::builder()
        .type_(types::SessionCreateBodyType::CardSwitcher)
        .external_user_id("u")
}

/// Options overriding one body field on the wire (what the typed builder cannot express).
fn wire(field: &str, value: Value) -> RequestOptions {
    RequestOptions::new().extra_body(field, value)
}

async fn count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn sends_the_exact_basic_authorization_header() {
    let server = common::server_answering(ok_session()).await;
    let knot = common::client(&server.uri());
    knot.create_session(valid_body()).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            common::CLIENT_ID,
            common::SECRET
        ))
    );
    assert_eq!(requests[0].headers["authorization"], expected.as_str());
    assert_eq!(
        requests[0].headers["user-agent"],
        concat!("knot-api-rust/", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn generated_operations_get_the_same_auth() {
    let server = common::server_answering(ok_session()).await;
    let knot = common::client(&server.uri());
    common::generated_session_create(&knot).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests[0].headers["authorization"]
            .to_str()
            .unwrap()
            .starts_with("Basic ")
    );
}

/// Each rule, with the message Knot would send, and the server receiving nothing: what
/// the typed builder can express through it, the rest as wire overrides
/// (`RequestOptions::extra_body`), which are validated the same way.
#[tokio::test]
async fn every_validation_rule_refuses_before_sending() {
    let long = "x".repeat(501);
    let eleven: serde_json::Map<String, Value> =
        (0..11).map(|i| (format!("k{i}"), json!("v"))).collect();
    let none = RequestOptions::new;
    let cases = [
        (
            types::SessionCreateBody::builder().external_user_id("u"),
            none(),
            "type",
            "The type field is required.",
        ),
        (
            link(),
            wire("type", Value::Null),
            "type",
            "The type field is required.",
        ),
        (
            link(),
            wire("type", json!("rocket")),
            "type",
            "The selected type is invalid.",
        ),
        (
            types::SessionCreateBody::builder().type_(types::SessionCreateBodyType::Link),
            none(),
            "external_user_id",
            "The external user id field is required.",
        ),
        (
            link().external_user_id("   "),
            none(),
            "external_user_id",
            "The external user id field is required.",
        ),
        (
            link().external_user_id(""),
            none(),
            "external_user_id",
            "The external user id field is required.",
        ),
        (
            switcher(),
            none(),
            "card_id",
            "The card_id field is required when type = card_switcher.",
        ),
        (
            switcher(),
            wire("card_id", Value::Null),
            "card_id",
            "The card_id field is required when type = card_switcher.",
        ),
        (
            switcher().card_id(" "),
            none(),
            "card_id",
            "The card_id field is required when type = card_switcher.",
        ),
        (
            link().email("not-an-email"),
            none(),
            "email",
            "The email must be a valid email address.",
        ),
        (
            link().phone_number("555-1234"),
            none(),
            "phone_number",
            "The phone number format is invalid.",
        ),
        (
            link(),
            wire("processor_token", json!(42)),
            "processor_token",
            "The processor token must be a string.",
        ),
        (
            link(),
            wire("metadata", Value::Object(eleven)),
            "metadata",
            "The metadata may not have more than 10 items.",
        ),
        (
            link(),
            wire("metadata", json!({ "k": long })),
            "metadata",
            "The metadata.k may not be greater than 500 characters.",
        ),
        (
            link(),
            wire("metadata", json!({ "k": 1 })),
            "metadata",
            "The metadata.k must be a string.",
        ),
    ];
    let server = common::server_answering(ok_session()).await;
    let knot = common::client(&server.uri());
    for (body, options, field, message) in cases {
        let shown = format!("{body:?} {options:?}");
        let error = knot.create_session_with(body, options).await.unwrap_err();
        let Error::Validation(v) = &error else {
            panic!("{shown}: expected a validation error, got {error:?}")
        };
        assert_eq!((v.field(), v.error_message()), (field, message), "{shown}");
        assert_eq!(v.error_type(), "INVALID_REQUEST");
        assert_eq!(v.error_code(), "INVALID_FIELD");
        assert_eq!(
            v.to_body(),
            json!({ "error_type": "INVALID_REQUEST", "error_code": "INVALID_FIELD", "error_message": message })
        );
    }
    assert_eq!(count(&server).await, 0, "nothing reached the server");
}

#[tokio::test]
async fn generated_operations_are_validated_in_knots_words() {
    let server = common::server_answering(ok_session()).await;
    let knot = common::client(&server.uri());
    for (body, field, message) in [
        (
            knot_api::types::SessionCreateBody::builder().external_user_id("u"),
            "type",
            "The type field is required.",
        ),
        (
            knot_api::types::SessionCreateBody::builder()
                .type_(knot_api::types::SessionCreateBodyType::Link),
            "external_user_id",
            "The external user id field is required.",
        ),
        (
            knot_api::types::SessionCreateBody::builder()
                .type_(knot_api::types::SessionCreateBodyType::CardSwitcher)
                .external_user_id("user-1"),
            "card_id",
            "The card_id field is required when type = card_switcher.",
        ),
    ] {
        let error = knot.session_create().body(body).send().await.unwrap_err();
        let Error::Validation(v) = error else {
            panic!("{error:?}")
        };
        assert_eq!((v.field(), v.error_message()), (field, message));
    }
    assert_eq!(count(&server).await, 0);
}

#[tokio::test]
async fn valid_optional_fields_pass_and_validation_can_be_turned_off() {
    let server = common::server_answering(ok_session()).await;
    let knot = common::client(&server.uri());
    let metadata: std::collections::HashMap<String, String> =
        [("trace_id".to_owned(), "def456".parse().unwrap())].into();
    let body = types::SessionCreateBody::builder()
        .type_(types::SessionCreateBodyType::Vault)
        .external_user_id("u")
        .card_id(None)
        .email("ada.lovelace@gmail.com")
        .phone_number("+11234567890")
        .processor_token(None)
        .metadata(metadata);
    knot.create_session(body).await.unwrap();
    let relaxed = KnotClient::builder()
        .base_url(server.uri())
        .credentials("id", "secret")
        .validation(false)
        .build()
        .unwrap();
    relaxed.create_session(switcher()).await.unwrap();
    assert_eq!(count(&server).await, 2);
}

#[tokio::test]
async fn extra_body_fields_are_sent() {
    let server = common::server_answering(ok_session()).await;
    let knot = common::client(&server.uri());
    let options = RequestOptions::new().extra_body("merchant_id", 45);
    knot.create_session_with(valid_body(), options.clone())
        .await
        .unwrap();
    knot.session_create()
        .body(common::card_switcher_body())
        .options(options)
        .send()
        .await
        .unwrap();
    for request in server.received_requests().await.unwrap() {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["merchant_id"], 45);
        assert_eq!(body["type"], "card_switcher");
    }
}

#[tokio::test]
async fn retries_500_then_succeeds_with_three_requests() {
    let server = common::flaky_server(2, ok_session()).await;
    let knot = common::client(&server.uri());
    let session = knot.create_session(valid_body()).await.unwrap();
    assert_eq!(session.expose_token(), "CANARY-SESSION-1a2b");
    assert_eq!(count(&server).await, 3);
}

#[tokio::test]
async fn gives_up_after_three_attempts_keeping_the_last_body() {
    let server = MockServer::start().await;
    for i in 1..=3 {
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(500)
                    .set_body_json(json!({ "message": format!("Server Error {i}") })),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let knot = common::client(&server.uri());
    let error = knot.create_session(valid_body()).await.unwrap_err();
    let Error::Server(e) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(e.status(), 500);
    assert_eq!(e.message().as_deref(), Some("Server Error 3"));
    assert_eq!(count(&server).await, 3);

    // The same through a generated operation.
    let error = common::generated_session_create(&knot).await.unwrap_err();
    assert_eq!(
        error.status().map(|s| s.as_u16()),
        Some(404),
        "wiremock answers 404 once the mocks are used up"
    );
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for (status, name) in [
        (400, "CardIdRequired"),
        (401, "AuthFailed"),
        (403, "NoAccess"),
        (429, "AuthFailed"),
    ] {
        let server = common::server_answering(
            ResponseTemplate::new(status).set_body_json(common::example(name)),
        )
        .await;
        let knot = common::client(&server.uri());
        let error = knot.create_session(valid_body()).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            count(&server).await,
            1,
            "HTTP {status} makes exactly one request"
        );
    }
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() {
    // A port nothing listens on: bind, learn the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (events, _guard) = capture_tracing();
    let knot = common::client(&format!("http://127.0.0.1:{port}"));
    let error = knot.create_session(valid_body()).await.unwrap_err();
    let Error::Transport(t) = &error else {
        panic!("{error:?}")
    };
    assert!(t.is_connect(), "{error}");
    let log = events.text();
    assert_eq!(log.matches("retrying Knot request").count(), 2, "{log}");
    assert!(log.contains("cause=\"connect\""), "{log}");
}

#[tokio::test]
async fn retry_after_is_honoured_and_traced() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("retry-after-ms", "150")
                .set_body_json(json!({ "message": "Server Error" })),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ok_session())
        .mount(&server)
        .await;
    let (events, _guard) = capture_tracing();
    // A one-hour backoff: only the server's 150 ms lets this test finish.
    let knot = common::client_with(
        &server.uri(),
        RetryPolicy::default().with_base_delay(Duration::from_secs(3600)),
    );
    knot.create_session(valid_body()).await.unwrap();
    let log = events.text();
    assert!(log.contains("delay_ms=150"), "{log}");
    assert!(log.contains("attempt=2"), "{log}");
}

#[test]
fn retry_after_parses_seconds_and_http_dates_and_is_capped() {
    use knot_api::__private::retry_after;
    use reqwest::header::{HeaderMap, HeaderValue};
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", HeaderValue::from_static("3"));
    assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
    let in_ten = (chrono::Utc::now() + chrono::Duration::seconds(10)).to_rfc2822();
    headers.insert("retry-after", HeaderValue::from_str(&in_ten).unwrap());
    let wait = retry_after(&headers).unwrap();
    assert!(
        wait > Duration::from_secs(8) && wait <= Duration::from_secs(10),
        "{wait:?}"
    );
    headers.insert(
        "retry-after",
        HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
    );
    assert_eq!(
        retry_after(&headers),
        Some(Duration::ZERO),
        "a past date means now"
    );
    headers.insert("retry-after", HeaderValue::from_static("soon"));
    assert_eq!(retry_after(&headers), None);
    let policy = RetryPolicy::default().with_max_retry_after(Duration::from_secs(5));
    assert_eq!(
        policy.delay(0, Some(Duration::from_secs(600))),
        Duration::from_secs(5)
    );
}

#[test]
fn backoff_doubles_with_jitter_up_to_the_cap() {
    let policy = RetryPolicy::default();
    for retry in 0..8 {
        let nominal = Duration::from_millis(500 * (1 << retry)).min(Duration::from_secs(8));
        for _ in 0..50 {
            let d = policy.delay(retry, None);
            assert!(
                d <= nominal && d >= nominal.mul_f64(0.75),
                "retry {retry}: {d:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_slow_server_hits_the_timeout_without_retry() {
    let server = common::server_answering(ok_session().set_delay(Duration::from_secs(5))).await;
    let knot = KnotClient::builder()
        .base_url(server.uri())
        .credentials("id", "secret")
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = knot.create_session(valid_body()).await.unwrap_err();
    let Error::Transport(t) = &error else {
        panic!("{error:?}")
    };
    assert!(t.is_timeout(), "{error}");
    assert_eq!(
        count(&server).await,
        1,
        "a request that may have arrived is not retried"
    );
}

#[tokio::test]
async fn unknown_error_codes_and_non_json_bodies_are_kept() {
    let server = common::server_answering(ResponseTemplate::new(400).set_body_json(json!({
        "error_type": "INVALID_REQUEST", "error_code": "PRODUCT_NOT_VALID", "error_message": "Nope."
    })))
    .await;
    let error = common::client(&server.uri())
        .create_session(valid_body())
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.error_code(), "PRODUCT_NOT_VALID");
    assert_eq!(
        error.to_string(),
        "Knot API error (HTTP 400 INVALID_REQUEST/PRODUCT_NOT_VALID): Nope."
    );

    let server = common::server_answering(
        ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>"),
    )
    .await;
    let knot = common::client_with(&server.uri(), RetryPolicy::none());
    let error = knot.create_session(valid_body()).await.unwrap_err();
    let Error::Server(e) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (e.status().as_u16(), e.body()),
        (502, &b"<html>Bad Gateway</html>"[..])
    );

    let server =
        common::server_answering(ResponseTemplate::new(200).set_body_string("not json")).await;
    let error = common::client(&server.uri())
        .create_session(valid_body())
        .await
        .unwrap_err();
    let Error::Decode(d) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((d.status().as_u16(), d.body()), (200, &b"not json"[..]));
}

#[tokio::test]
async fn extra_response_fields_do_not_matter() {
    let server = common::server_answering(ResponseTemplate::new(200).set_body_json(json!({
        "session": "s-2", "created": 1, "links": { "sdk": "x" }
    })))
    .await;
    let session = common::client(&server.uri())
        .create_session(valid_body())
        .await
        .unwrap();
    assert_eq!(session.expose_token(), "s-2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_calls_through_one_client() {
    let server = common::server_answering(ok_session()).await;
    let knot = common::client(&server.uri());
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..200 {
        let knot = knot.clone();
        tasks.spawn(async move {
            let body = link().external_user_id(format!("user-{i}"));
            knot.create_session(body).await.map(|s| s.into_token())
        });
    }
    let mut ok = 0;
    while let Some(result) = tasks.join_next().await {
        assert_eq!(result.unwrap().unwrap(), "CANARY-SESSION-1a2b");
        ok += 1;
    }
    assert_eq!(ok, 200);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 200);
    let mut users: Vec<String> = requests
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["external_user_id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    users.sort();
    users.dedup();
    assert_eq!(users.len(), 200, "each call sent its own body");
}

#[test]
fn missing_or_blank_credentials_fail_at_build_time() {
    for (id, secret, message) in [
        ("", "s", "the Knot client_id is empty"),
        ("id", "  ", "the Knot secret is empty"),
    ] {
        let error = KnotClient::builder()
            .credentials(id, secret)
            .build()
            .unwrap_err();
        let Error::Config(c) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(c.message(), message);
    }
    let error = KnotClient::builder().build().unwrap_err();
    assert!(matches!(error, Error::Config(_)));
    let error = KnotClient::builder()
        .credentials("id", "s")
        .base_url("https://id:s@example.com")
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("must not contain credentials"),
        "{error}"
    );
}

/// Secrets never appear in Debug/Display of anything, nor in tracing output.
#[tokio::test]
async fn canaries_never_leak() {
    let server = common::flaky_server(1, ok_session()).await;
    let (events, _guard) = capture_tracing();
    let knot = common::client(&server.uri());
    let session = knot.create_session(valid_body()).await.unwrap();
    let credentials = knot.credentials().unwrap().clone();
    let decode_error = {
        let s = common::server_answering(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "session": 7, "token": "CANARY-SESSION-1a2b" })),
        )
        .await;
        common::client(&s.uri())
            .create_session(valid_body())
            .await
            .unwrap_err()
    };
    let validation_error = knot.create_session(switcher()).await.unwrap_err();
    let mut shown = vec![
        format!("{knot:?}"),
        format!("{credentials:?}"),
        format!("{session:?}"),
        format!("{session}"),
        format!("{decode_error:?}"),
        format!("{decode_error}"),
        format!("{validation_error:?}"),
        format!("{validation_error}"),
        format!("{:?}", knot.session_create().body(valid_body())),
        events.text(),
    ];
    let auth = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        common::CLIENT_ID,
        common::SECRET
    ));
    let config_error = KnotClient::builder()
        .credentials("id", common::SECRET)
        .base_url("ftp://x")
        .build()
        .unwrap_err();
    shown.push(format!("{config_error:?}"));
    shown.push(format!("{config_error}"));
    for text in &shown {
        assert!(!text.contains(common::SECRET), "secret leaked: {text}");
        assert!(!text.contains(&auth), "authorization leaked: {text}");
        assert!(!text.contains("CANARY-SESSION"), "session leaked: {text}");
    }
    assert!(
        events.text().contains("retrying Knot request"),
        "the retry was traced"
    );
    let log = events.text();
    assert!(log.contains("attempt=1 status=500"), "{log}");
    assert!(log.contains("attempt=2 status=200"), "{log}");
    assert_eq!(session.expose_token(), "CANARY-SESSION-1a2b");
}

#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

thread_local! {
    static CAPTURE: std::cell::RefCell<Option<Captured>> = const { std::cell::RefCell::new(None) };
}

/// Writes an event into the capture buffer of the thread that emitted it, if any.
struct ThreadWriter;

impl std::io::Write for ThreadWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|c| {
            if let Some(captured) = &*c.borrow() {
                captured.0.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct CaptureGuard;

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURE.with(|c| *c.borrow_mut() = None);
    }
}

/// Captures every tracing event (all levels, all targets) emitted on this thread.
///
/// One global subscriber for the whole test binary: per-thread scoped subscribers race
/// with tracing's process-wide callsite cache when tests run in parallel, and events go
/// missing.
fn capture_tracing() -> (Captured, CaptureGuard) {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(|| ThreadWriter)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("first subscriber");
    });
    let captured = Captured::default();
    CAPTURE.with(|c| *c.borrow_mut() = Some(captured.clone()));
    (captured, CaptureGuard)
}
