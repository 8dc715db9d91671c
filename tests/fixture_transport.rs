//! What progenitor cannot send or receive, on the wire: cookie parameters, multipart
//! bodies and a response's other media types, each against a loopback server.
//!
//! Each module compiles only in a crate generated from its fixture spec (build.rs sets
//! `cfg(knot_fixture = "<file stem>")` when `KNOT_OPENAPI_SPEC` names one);
//! `tests/spec_examples_fixtures.rs` builds and runs this file once per fixture. Built
//! from the vendored spec, only the first test runs.

/// A client for a fixture's loopback server (each module below is compiled only with its
/// fixture, so built from the vendored spec nothing calls this).
#[allow(dead_code)]
fn client_for(server: &wiremock::MockServer) -> knot_api::KnotClient {
    knot_api::KnotClient::builder()
        .base_url(server.uri())
        .credentials("id", "secret")
        .build()
        .unwrap()
}

#[test]
fn the_runtime_and_the_generator_agree_on_the_multipart_boundary() {
    assert_eq!(
        knot_api::multipart::BOUNDARY,
        knot_codegen::multipart::BOUNDARY
    );
}

#[cfg(knot_fixture = "cookie-params")]
mod cookies {
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[tokio::test]
    async fn cookie_parameters_travel_in_one_cookie_header() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/items/it_1"))
            .and(header("cookie", "session_token=abc; theme=dark"))
            .and(header("x-trace", "t-1"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({ "id": "it_1" })),
            )
            .expect(1)
            .mount(&server)
            .await;
        let item = super::client_for(&server)
            .get_item()
            .item_id("it_1")
            .session_token("abc")
            .theme(knot_api::types::GetItemTheme::Dark)
            .x_trace("t-1")
            .send()
            .await
            .unwrap();
        assert_eq!(item.id, "it_1");
    }

    /// A path item's cookie belongs to each of its operations, not only the first.
    #[tokio::test]
    async fn a_path_item_cookie_is_sent_by_every_operation_on_the_path() {
        let server = MockServer::start().await;
        for verb in ["GET", "DELETE"] {
            Mock::given(method(verb))
                .and(path("/carts/c_1"))
                .and(header("cookie", "tenant=t1"))
                .respond_with(
                    ResponseTemplate::new(200).set_body_json(serde_json::json!({ "id": "c_1" })),
                )
                .expect(1)
                .mount(&server)
                .await;
        }
        let knot = super::client_for(&server);
        let got = knot.get_cart().cart_id("c_1").tenant("t1").send().await;
        assert_eq!(got.unwrap().id, "c_1");
        let deleted = knot.delete_cart().cart_id("c_1").tenant("t1").send().await;
        assert_eq!(deleted.unwrap().id, "c_1");
    }

    #[tokio::test]
    async fn a_value_that_would_inject_another_cookie_is_refused_before_sending() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200))
            .expect(0)
            .mount(&server)
            .await;
        let error = super::client_for(&server)
            .get_item()
            .item_id("it_1")
            .session_token("abc; admin=1")
            .send()
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("cookie `session_token`"),
            "{error}"
        );
    }
}

#[cfg(knot_fixture = "multipart")]
mod multipart {
    use knot_api::multipart::{BOUNDARY, Form};
    use wiremock::matchers::{body_bytes, header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[tokio::test]
    async fn a_multipart_body_is_sent_with_its_boundary() {
        let server = MockServer::start().await;
        let form = Form::new().text("prompt", "a red lamp").file(
            "image",
            "lamp.png",
            "image/png",
            b"\x89PNG".to_vec(),
        );
        let body = form.encode().unwrap();
        Mock::given(method("POST"))
            .and(path("/images/edits"))
            .and(header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}").as_str(),
            ))
            .and(body_bytes(body.clone()))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({ "created": 1 })),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = super::client_for(&server);
        let response = client.create_image_edit().body(body).send().await.unwrap();
        assert_eq!(response.created, 1);
    }
}

#[cfg(knot_fixture = "stream-response")]
mod stream {
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    #[tokio::test]
    async fn the_stream_variant_asks_for_the_stream_and_returns_bytes() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/generate"))
            .and(header("accept", "application/x-ndjson"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                "{\"response\":\"H\"}\n{\"done\":true}\n",
                "application/x-ndjson",
            ))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/api/generate"))
            .and(header("accept", "application/json"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({ "response": "Hi", "done": true })),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = super::client_for(&server);
        let body = knot_api::types::GenerateBody::builder().model("llama3");
        // Not JSON, and not decoded as JSON: the bytes arrive as they were sent.
        let streamed = client
            .generate_x_ndjson()
            .body(body.clone())
            .send_with_response()
            .await
            .unwrap();
        assert_eq!(streamed.status(), 200);
        assert_eq!(streamed.headers()["content-type"], "application/x-ndjson");
        let typed = client.generate().body(body).send().await.unwrap();
        assert_eq!(typed.response.as_deref(), Some("Hi"));
    }
}

#[cfg(knot_fixture = "name-clashes")]
mod name_clashes {
    use knot_api::RequestOptions;
    use wiremock::matchers::{header, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// `builder` and `credentials` operations sit beside `KnotClient::builder()` and
    /// `credentials()`; an `options` parameter beside the call's options.
    #[tokio::test]
    async fn clashing_names_each_get_a_method_of_their_own() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/builder"))
            .and(query_param("options", "verbose"))
            .and(header("x-trace", "t-1"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({ "id": "t-1" })),
            )
            .expect(1)
            .mount(&server)
            .await;
        let knot = super::client_for(&server);
        let thing = knot
            .builder_operation()
            .options("verbose")
            .call_options(RequestOptions::new().header("x-trace", "t-1"))
            .send_keeping_response()
            .await
            .unwrap();
        assert_eq!(thing.status(), 200);
        assert_eq!(thing.into_inner().id, "t-1");
        assert!(knot.credentials().is_some());
        let _ = knot.credentials_operation();
    }
}

#[cfg(knot_fixture = "unnameable-enum")]
mod unnameable_enum {
    use knot_api::types;
    use wiremock::matchers::{body_json, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// `enum: [".", "X", "O"]` has no distinct Rust variant names: it is a string, so
    /// every value, `.` included, goes out and comes back as it is.
    #[tokio::test]
    async fn an_enum_without_variant_names_travels_as_a_string() {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .and(path("/board/1/2"))
            .and(body_json(serde_json::json!({ "mark": "." })))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({ "mark": ".", "winner": "O" })),
            )
            .expect(1)
            .mount(&server)
            .await;
        let knot = super::client_for(&server);
        let body = types::PutSquareBody::builder().mark(types::Mark::from(".".to_owned()));
        let square = knot
            .put_square()
            .row(1)
            .column(2)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(square.mark.as_str(), ".");
        assert_eq!(square.winner.as_deref(), Some("O"));
    }
}

#[cfg(knot_fixture = "openapi-3.2")]
mod openapi_3_2 {
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// A 3.2 document generates as 3.1 would: its GET operation works (without the
    /// `querystring` parameter, which 3.1 cannot express).
    #[tokio::test]
    async fn a_3_2_document_generates_its_3_1_operations() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/flights"))
            .and(query_param("limit", "10"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!([{ "id": "fl_1", "status": "delayed" }])),
            )
            .expect(1)
            .mount(&server)
            .await;
        let knot = super::client_for(&server);
        let flights = knot.list_flights().limit(10).send().await.unwrap();
        assert_eq!(flights.len(), 1);
        assert_eq!(flights[0].id, "fl_1");
        // A response typed through a reusable media type, with no description.
        Mock::given(method("GET"))
            .and(path("/flights/fl_1"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({ "id": "fl_1", "status": "on_time" })),
            )
            .expect(1)
            .mount(&server)
            .await;
        let flight = knot.get_flight().id("fl_1").send().await.unwrap();
        assert_eq!(flight.id, "fl_1");
    }
}
