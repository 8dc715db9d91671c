//! The generated `session_create` against a real HTTP server on loopback: each status
//! the spec documents comes back as the right result, with nothing lost.

use crate::common;

use knot_api::Error;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answer(status: u16, body: serde_json::Value) -> (MockServer, knot_api::KnotClient) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/session/create"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    let client = common::client_with(&server.uri(), knot_api::RetryPolicy::none());
    (server, client)
}

#[tokio::test]
async fn status_200_decodes_the_session() {
    let (server, knot) = answer(
        200,
        json!({ "session": "915efe72-5136-4652-z91q-d9d48003c102" }),
    )
    .await;
    let response = common::generated_session_create(&knot).await.unwrap();
    assert_eq!(
        response.session.as_ref().map(knot_api::Secret::expose),
        Some("915efe72-5136-4652-z91q-d9d48003c102")
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].headers["api-version"], "1.0.0");
}

#[tokio::test]
async fn documented_error_examples_come_back_as_api_errors_with_every_field() {
    for (status, name) in [
        (400, "CardIdRequired"),
        (400, "InvalidEmail"),
        (401, "AuthFailed"),
        (403, "NoAccess"),
    ] {
        let body = common::example(name);
        let (server, knot) = answer(status, body.clone()).await;
        let error = common::generated_session_create(&knot).await.unwrap_err();
        let Error::Api(api) = &error else {
            panic!("{name}: expected Error::Api, got {error:?}")
        };
        assert_eq!(api.status(), status);
        assert_eq!(api.error_type(), body["error_type"]);
        assert_eq!(api.error_code(), body["error_code"]);
        assert_eq!(api.error_message(), body["error_message"]);
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(api.body()).unwrap(),
            body
        );
        let typed: knot_api::types::ErrorBody = api.decode().unwrap();
        assert_eq!(
            typed.error_message.as_deref(),
            body["error_message"].as_str()
        );
        assert_eq!(server.received_requests().await.unwrap().len(), 1, "{name}");
    }
}

#[tokio::test]
async fn the_500_example_keeps_its_message() {
    let body = common::example("InternalServerError");
    let (_server, knot) = answer(500, body.clone()).await;
    let error = common::generated_session_create(&knot).await.unwrap_err();
    let Error::Server(server_error) = &error else {
        panic!("expected Error::Server, got {error:?}")
    };
    assert_eq!(server_error.status(), 500);
    assert_eq!(server_error.message().as_deref(), Some("Server Error"));
    assert_eq!(error.to_string(), "Knot returned HTTP 500: Server Error");
}

#[tokio::test]
async fn extra_response_fields_are_tolerated() {
    let (_server, knot) = answer(
        200,
        json!({ "session": "s-1", "expires_at": "2026-01-01T00:00:00Z", "nested": { "x": [1] } }),
    )
    .await;
    let response = common::generated_session_create(&knot).await.unwrap();
    assert_eq!(
        response.session.as_ref().map(knot_api::Secret::expose),
        Some("s-1")
    );
}

#[tokio::test]
async fn an_undecodable_success_reports_status_and_body() {
    let server =
        common::server_answering(ResponseTemplate::new(200).set_body_string("<html>oops</html>"))
            .await;
    let knot = common::client(&server.uri());
    let error = common::generated_session_create(&knot).await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}")
    };
    assert_eq!(decode.status(), 200);
    assert_eq!(decode.body(), b"<html>oops</html>");
    assert!(error.to_string().contains("HTTP 200"), "{error}");
}
