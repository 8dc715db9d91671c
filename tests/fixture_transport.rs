//! Fixture specs whose generated client must still behave on the wire: clashing names,
//! an enum typify cannot name, a 3.2 document; each against a loopback server.
//!
//! Each module compiles only in a crate generated from its fixture spec (build.rs sets
//! `cfg(knot_fixture = "<file stem>")` when `KNOT_OPENAPI_SPEC` names one);
//! `tests/spec_examples_fixtures.rs` builds and runs this file once per fixture. Built
//! from the vendored spec, nothing runs.

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
