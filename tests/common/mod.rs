//! Shared helpers for the HTTP tests: a client for a loopback server and the spec's
//! example bodies.
#![allow(dead_code)]

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
        .card_id(Some("card-456".to_owned()))
}
