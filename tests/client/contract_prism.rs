//! Contract test against an independent validator: Prism (`@stoplight/prism-cli` 5.14.2)
//! mocks `openapi/openapi.yaml` and validates every request against the 3.1 schemas
//! (type arrays, `maxProperties`, enums, the Basic auth format). Violations come back in
//! the `sl-violations` header (and as a 400, since the spec documents one).
//!
//! `.ci/run` installs Prism under `.ci/node`. Locally the test skips with a notice when
//! Prism is missing; with `CI` set it fails instead, so CI never skips it silently.

use crate::common;

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use knot_api::{Error, KnotClient, RequestOptions, RetryPolicy, types};
use serde_json::{Value, json};

struct Prism {
    child: Child,
    url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn prism_binary() -> Option<PathBuf> {
    std::env::var_os("KNOT_PRISM_BIN")
        .map(PathBuf::from)
        .or_else(|| common::npm_peer("prism"))
}

fn start_prism() -> Option<Prism> {
    let Some(binary) = prism_binary() else {
        common::skip_without("Prism", "run `npm ci --prefix .ci/node`");
        return None;
    };
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.yaml");
    // A free port can be taken between asking for it and Prism binding it (the other
    // test starts a Prism too); then our child exits and another server answers. Only a
    // port that our own, still running child serves counts.
    for _ in 0..5 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&binary)
            .args([
                "mock",
                spec.to_str().unwrap(),
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prism starts");
        let mut prism = Prism {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        // Readiness: Prism takes a few seconds to load the spec; poll its port, bounded.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if prism.child.try_wait().expect("child status").is_some() {
                break; // exited: port taken, try another
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(prism);
            }
            assert!(Instant::now() < deadline, "Prism did not start within 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    panic!("Prism exited on start five times");
}

fn client(url: &str) -> KnotClient {
    KnotClient::builder()
        .base_url(url)
        .credentials("prism-client", "prism-secret")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Every request shape the client can produce.
fn request_shapes() -> Vec<(String, types::builder::SessionCreateBody, RequestOptions)> {
    use types::SessionCreateBodyType as T;
    let mut shapes = Vec::new();
    let full_metadata: std::collections::HashMap<String, String> = (0..10)
        .map(|i| (format!("key{i}"), "v".repeat(500).parse().unwrap()))
        .collect();
    for ty in [T::CardSwitcher, T::TransactionLink, T::Link, T::Vault] {
        let base = || {
            let b = types::SessionCreateBody::builder()
                .type_(ty)
                .external_user_id("user-1");
            if ty == T::CardSwitcher {
                b.card_id(Some("card-1".to_owned()))
            } else {
                b
            }
        };
        shapes.push((format!("{ty} minimal"), base(), RequestOptions::new()));
        shapes.push((
            format!("{ty} every optional field set"),
            base()
                .card_id(Some("card-1".to_owned()))
                .email(Some("ada.lovelace@gmail.com".to_owned()))
                .phone_number(Some("+11234567890".to_owned()))
                .processor_token("processor-sandbox-123")
                .metadata(Some(full_metadata.clone())),
            RequestOptions::new(),
        ));
        shapes.push((
            format!("{ty} extra fields"),
            base(),
            RequestOptions::new().extra_body("merchant_id", 45),
        ));
    }
    shapes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prism_finds_no_violation_and_forced_responses_map_to_the_right_errors() {
    let Some(prism) = tokio::task::spawn_blocking(start_prism).await.unwrap() else {
        return;
    };
    let knot = client(&prism.url);

    let shapes = request_shapes();
    assert_eq!(shapes.len(), 12);
    for (name, body, options) in shapes {
        let response = knot
            .session_create()
            .body(body.clone())
            .options(options.clone())
            .send_with_response()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(response.status(), 200, "{name}");
        assert!(
            response.headers().get("sl-violations").is_none(),
            "{name}: {:?}",
            response.headers().get("sl-violations")
        );
        assert_eq!(
            response
                .into_inner()
                .session
                .as_ref()
                .map(knot_api::Secret::expose),
            Some("915efe72-5136-4652-z91q-d9d48003c102"),
            "{name}"
        );
        // `create_session` is the same operation with a typed result.
        let session = knot
            .create_session_with(body, options)
            .await
            .unwrap_or_else(|e| panic!("{name} via create_session: {e}"));
        assert_eq!(
            session.expose_token(),
            "915efe72-5136-4652-z91q-d9d48003c102"
        );
    }

    // Forced responses come back as the right error variants with their bodies.
    let body = types::SessionCreateBody::builder()
        .type_(types::SessionCreateBodyType::Link)
        .external_user_id("user-1");
    let forced = |prefer: &str| RequestOptions::new().header("Prefer", prefer);
    let error = knot
        .create_session_with(body.clone(), forced("code=500"))
        .await
        .unwrap_err();
    let Error::Server(e) = &error else {
        panic!("500: {error:?}")
    };
    assert_eq!(
        (e.status().as_u16(), e.message().as_deref()),
        (500, Some("Server Error"))
    );

    let spec =
        knot_codegen::load::load_file(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.yaml"))
            .unwrap()
            .doc;
    let responses = &spec["paths"]["/session/create"]["post"]["responses"];
    let mut checked = 0;
    for status in ["400", "401", "403"] {
        for (name, example) in responses[status]["content"]["application/json"]["examples"]
            .as_object()
            .unwrap()
        {
            let prefer = format!("code={status}, example={name}");
            let error = knot
                .create_session_with(body.clone(), forced(&prefer))
                .await
                .unwrap_err();
            let Error::Api(api) = &error else {
                panic!("{prefer}: {error:?}")
            };
            let expected = &example["value"];
            assert_eq!(api.status().as_str(), status, "{prefer}");
            assert_eq!(api.error_type(), expected["error_type"], "{prefer}");
            assert_eq!(api.error_code(), expected["error_code"], "{prefer}");
            assert_eq!(api.error_message(), expected["error_message"], "{prefer}");
            checked += 1;
        }
    }
    assert_eq!(checked, 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prism_agrees_that_what_we_refuse_is_invalid() {
    let Some(prism) = tokio::task::spawn_blocking(start_prism).await.unwrap() else {
        return;
    };
    // With validation off, bodies our rules refuse reach Prism, which must flag them too
    // (where the schema can say so: Prism cannot know the prose rules).
    let relaxed = KnotClient::builder()
        .base_url(&prism.url)
        .credentials("prism-client", "prism-secret")
        .retry_policy(RetryPolicy::none())
        .validation(false)
        .build()
        .unwrap();
    let eleven: serde_json::Map<String, Value> =
        (0..11).map(|i| (format!("k{i}"), json!("v"))).collect();
    // Each: a valid `link` body with one field overridden on the wire.
    let link = || {
        types::SessionCreateBody::builder()
            .type_(types::SessionCreateBodyType::Link)
            .external_user_id("u")
    };
    for (field, value) in [
        ("type", Value::Null),
        ("type", json!("rocket")),
        ("metadata", Value::Object(eleven)),
        ("metadata", json!({ "k": "x".repeat(501) })),
        ("processor_token", json!(42)),
    ] {
        let shown = format!("{field} = {value}");
        let wire = || RequestOptions::new().extra_body(field, value.clone());
        let strict = client(&prism.url)
            .create_session_with(link(), wire())
            .await
            .unwrap_err();
        assert!(strict.is_validation(), "we refuse {shown}");
        let error = relaxed
            .create_session_with(link(), wire())
            .await
            .unwrap_err();
        assert_eq!(
            error.status().map(|s| s.as_u16()),
            Some(400),
            "Prism flags {shown}: {error}"
        );
    }
}
