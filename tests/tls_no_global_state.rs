//! No process-global TLS state: an application's own `reqwest::Client`, built before or
//! after a `KnotClient`, works, and so does a `KnotClient` on a caller-supplied client.
//!
//! One test in its own binary (its own process), so nothing else has built an HTTP client
//! first: with a global crypto provider required (reqwest's `rustls-no-provider`), the
//! very first `build()` below would panic.

use knot_api::{Environment, KnotClient, types};

#[test]
fn application_clients_work_before_and_after_a_knot_client() {
    let before = reqwest::Client::builder()
        .build()
        .expect("the application's client, built before any KnotClient");
    // An https base URL: the client's TLS configuration is built here.
    let knot = KnotClient::builder()
        .credentials("id", "secret")
        .environment(Environment::Production)
        .build()
        .expect("a KnotClient for https");
    assert!(knot.base_url().starts_with("https://"));
    let after = reqwest::Client::builder()
        .build()
        .expect("the application's client, built after a KnotClient");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mock = knot_api::mock::MockKnot::start().await;
        let supplied = mock
            .client_builder()
            .http_client(
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let session = supplied
            .create_session(
                types::SessionCreateBody::builder()
                    .type_(types::SessionCreateBodyType::Link)
                    .external_user_id("u"),
            )
            .await
            .expect("a call through a caller-supplied client");
        assert!(!session.expose_token().is_empty());
        // The application's own clients still talk HTTP.
        for client in [&before, &after] {
            let status = client.get(mock.uri()).send().await.unwrap().status();
            assert_eq!(status, 404, "the mock knows no `GET /`");
        }
    });
}
