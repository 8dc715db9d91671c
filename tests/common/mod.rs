//! Shared helpers for the HTTP tests: a client for a loopback server and the spec's
//! example bodies.
#![allow(dead_code)]

pub mod hostile;
pub mod regeneration;

use std::time::Duration;

use knot_api::{KnotClient, RetryPolicy, types};
use serde_json::Value;

pub const CLIENT_ID: &str = "test-client-id";
pub const SECRET: &str = "CANARY-SECRET-9f8e7d";

/// A client for `uri` with tiny backoff delays (the retry counts are what is tested).
pub fn client(uri: &str) -> KnotClient {
    client_with(
        uri,
        RetryPolicy::default().with_base_delay(Duration::from_millis(1)),
    )
}

pub fn client_with(uri: &str, retry: RetryPolicy) -> KnotClient {
    KnotClient::builder()
        .base_url(uri)
        .credentials(CLIENT_ID, SECRET)
        .retry_policy(retry)
        .build()
        .expect("test client builds")
}

/// The spec's example body named `name`, under any status.
pub fn example(name: &str) -> Value {
    let spec =
        knot_codegen::load::load_file(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.yaml"))
            .unwrap()
            .doc;
    for (_, response) in spec["paths"]["/session/create"]["post"]["responses"]
        .as_object()
        .unwrap()
    {
        if let Some(e) = response["content"]["application/json"]["examples"].get(name) {
            return e["value"].clone();
        }
    }
    panic!("no example {name}")
}

/// A valid card-switcher body built with the generated builder.
pub fn card_switcher_body() -> types::builder::SessionCreateBody {
    types::SessionCreateBody::builder()
        .type_(types::SessionCreateBodyType::CardSwitcher)
        .external_user_id("user-123")
        .card_id("card-456")
}

/// `session_create` through the generated client with [`card_switcher_body`].
pub async fn generated_session_create(
    knot: &KnotClient,
) -> Result<types::SessionCreateResponse, knot_api::Error> {
    generated_session_create_with(knot, knot_api::RequestOptions::new()).await
}

/// The error of one call through each path: `create_session` and the generated
/// operation, both with [`card_switcher_body`].
pub async fn errors_of_both_paths(knot: &KnotClient) -> [knot_api::Error; 2] {
    [
        knot.create_session(card_switcher_body()).await.unwrap_err(),
        generated_session_create(knot).await.unwrap_err(),
    ]
}

/// [`generated_session_create`] with per-call options.
pub async fn generated_session_create_with(
    knot: &KnotClient,
    options: knot_api::RequestOptions,
) -> Result<types::SessionCreateResponse, knot_api::Error> {
    knot.session_create()
        .body(card_switcher_body())
        .options(options)
        .send()
        .await
}

/// A builder for `uri` with the test credentials.
pub fn builder(uri: &str) -> knot_api::KnotClientBuilder {
    KnotClient::builder()
        .base_url(uri)
        .credentials(CLIENT_ID, SECRET)
}

/// A loopback server answering `POST /session/create` with `template`.
pub async fn server_answering(template: wiremock::ResponseTemplate) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/session/create"))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// A server whose first `failures` answers are Knot's 500, then `then`.
pub async fn flaky_server(failures: u64, then: wiremock::ResponseTemplate) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(
            wiremock::ResponseTemplate::new(500)
                .set_body_json(serde_json::json!({ "message": "Server Error" })),
        )
        .up_to_n_times(failures)
        .mount(&server)
        .await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(then)
        .mount(&server)
        .await;
    server
}

/// An npm peer installed by `npm ci --prefix .ci/node` (Prism, optic), if present.
pub fn npm_peer(name: &str) -> Option<std::path::PathBuf> {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(".ci/node/node_modules/.bin")
        .join(name);
    path.exists().then_some(path)
}

/// A test cannot run because `what` is missing: under `CI` that is a failure; locally
/// the test returns early and says so where the harness cannot hide it (libtest captures
/// `eprintln!` of passing tests, not writes to the stderr handle).
pub fn skip_without(what: &str, install: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is required in CI: {install} (done by .ci/run)"
    );
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {what} is missing; {install} to run this test"
    );
}
