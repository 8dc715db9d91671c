//! The client against a misbehaving server (tests/common/hostile.rs, raw sockets on
//! loopback): no panic on any header, bounded bodies, no redirects, nothing printed that
//! carries secrets, control characters or unbounded server text, a deadline per call.

use crate::common;

use std::time::Duration;

use common::hostile::{HostileServer, Reply, response, session_ok};
use knot_api::{Error, KnotClient, RequestOptions, RetryPolicy, types};
use serde_json::json;

fn body() -> types::builder::SessionCreateBody {
    types::SessionCreateBody::builder()
        .type_(types::SessionCreateBodyType::CardSwitcher)
        .external_user_id("u-1")
        .card_id("c-1")
}

fn client(uri: &str) -> KnotClient {
    KnotClient::builder()
        .base_url(uri)
        .credentials(common::CLIENT_ID, common::SECRET)
        .retry_policy(RetryPolicy::default().with_base_delay(Duration::from_millis(1)))
        .build()
        .unwrap()
}

fn basic() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        common::CLIENT_ID,
        common::SECRET
    ))
}

/// Every way of writing a wait, sane or not. None may panic; each call ends within its
/// deadline with the server's 503.
#[tokio::test]
async fn retry_after_of_any_form_never_panics() {
    let values = [
        ("retry-after", "1e30"),
        ("retry-after", "-5"),
        ("retry-after", "18446744073709551616"),
        ("retry-after", "99999999999999999999999999999999999999"),
        ("retry-after", "NaN"),
        ("retry-after", "inf"),
        ("retry-after", "-inf"),
        ("retry-after", "0.000000001"),
        ("retry-after", "soon"),
        ("retry-after", ""),
        ("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT"),
        ("retry-after", "Sunday, 06-Nov-94 08:49:37 GMT"),
        ("retry-after", "Sun Nov  6 08:49:37 1994"),
        ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
        ("retry-after", "Mon, 32 Foo 2026 99:99:99 GMT"),
        ("retry-after-ms", "1e300"),
        ("retry-after-ms", "-1"),
        ("retry-after-ms", "340282366920938463463374607431768211456"),
    ];
    for (name, value) in values {
        let server = HostileServer::always(response(
            "503 Service Unavailable",
            &[(name, value)],
            b"{\"message\":\"busy\"}",
        ))
        .await;
        let knot = client(&server.uri());
        let options = RequestOptions::new().total_timeout(Duration::from_millis(1500));
        let error = knot.create_session_with(body(), options).await.unwrap_err();
        assert_eq!(
            error.status().map(|s| s.as_u16()),
            Some(503),
            "{name}: {value}: {error}"
        );
        // A wait longer than the deadline is not waited for: one or two attempts, never
        // the hot loop a zero wait would make.
        let attempts = server.seen().len();
        assert!((1..=3).contains(&attempts), "{name}: {value}: {attempts}");
    }
}

#[test]
fn retry_after_values_are_capped_or_ignored() {
    use knot_api::__private::{MIN_SERVER_DELAY, retry_after};
    use reqwest::header::{HeaderMap, HeaderValue};
    let parse = |name: &'static str, value: &'static str| {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_static(value));
        retry_after(&headers)
    };
    assert_eq!(parse("retry-after", "1e30"), Some(Duration::MAX));
    assert_eq!(parse("retry-after", "-5"), None);
    assert_eq!(parse("retry-after", "NaN"), None);
    assert_eq!(parse("retry-after", "inf"), Some(Duration::MAX));
    assert_eq!(
        parse("retry-after-ms", "1500"),
        Some(Duration::from_millis(1500))
    );
    for past in [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    ] {
        assert_eq!(parse("retry-after", past), Some(Duration::ZERO), "{past}");
    }
    let far = parse("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT").unwrap();
    assert!(far > Duration::from_secs(86400 * 365 * 7000), "{far:?}");
    let policy = RetryPolicy::default();
    assert_eq!(
        policy.delay(0, Some(Duration::MAX)),
        Duration::from_secs(60)
    );
    assert_eq!(policy.delay(0, Some(Duration::ZERO)), MIN_SERVER_DELAY);
}

#[tokio::test]
async fn retries_have_a_ceiling_and_can_be_off_per_operation() {
    assert_eq!(
        RetryPolicy::default().with_max_retries(1000).max_retries(),
        10
    );
    let server = HostileServer::always(response("500 Internal Server Error", &[], b"{}")).await;
    let knot = common::builder(&server.uri())
        .retry_policy(
            RetryPolicy::default()
                .with_base_delay(Duration::ZERO)
                .with_max_retries(u32::MAX),
        )
        .build()
        .unwrap();
    let error = knot.create_session(body()).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(
        server.seen().len(),
        11,
        "1 attempt + the ceiling of 10 retries"
    );

    let server = HostileServer::always(response("500 Internal Server Error", &[], b"{}")).await;
    let knot = common::builder(&server.uri())
        .retry_policy(RetryPolicy::default().with_operation_max_retries("session_create", 0))
        .build()
        .unwrap();
    knot.create_session(body()).await.unwrap_err();
    assert_eq!(server.seen().len(), 1, "retries off for session_create");
}

#[tokio::test]
async fn an_endless_success_body_ends_the_attempt_with_what_was_read() {
    let server = HostileServer::always(Reply::Endless {
        head: "HTTP/1.1 200 OK\r\ncontent-type: application/json".into(),
        chunk: 64 * 1024,
    })
    .await;
    let knot = common::builder(&server.uri())
        .max_body_size(1_000_000)
        .build()
        .unwrap();
    for error in common::errors_of_both_paths(&knot).await {
        let Error::BodyTooLarge(e) = &error else {
            panic!("{error:?}")
        };
        assert_eq!((e.status().as_u16(), e.limit()), (200, 1_000_000));
        // A success body is decoded as it streams: nothing of it is kept.
        assert!(e.partial_body().is_empty());
        let shown = error.to_string();
        assert!(shown.contains("1000000-byte limit"), "{shown}");
        assert!(!shown.contains("xxxx"), "{shown}");
    }
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_reading() {
    let head = "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 200000000\r\n\r\n";
    let server = HostileServer::always(Reply::Raw(head.as_bytes().to_vec())).await;
    let knot = client(&server.uri());
    let error = knot
        .create_session_with(body(), RequestOptions::new().max_retries(0))
        .await
        .unwrap_err();
    let Error::BodyTooLarge(e) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((e.status().as_u16(), e.limit()), (500, 64 * 1024));
    assert!(e.partial_body().is_empty());
}

/// Redirects are never followed: the other origin receives nothing, and the error says
/// where the server wanted to send us, without any password in that URL.
#[tokio::test]
async fn redirects_are_refused_and_nothing_reaches_the_other_origin() {
    let elsewhere = HostileServer::always(session_ok()).await;
    for status in [
        "301 Moved",
        "302 Found",
        "303 See Other",
        "307 Temporary",
        "308 Permanent",
    ] {
        let location = format!("http://user:hunter2@{}/steal", elsewhere.addr);
        let server = HostileServer::always(response(status, &[("location", &location)], b"")).await;
        let knot = client(&server.uri());
        let error = knot.create_session(body()).await.unwrap_err();
        let Error::Redirect(e) = &error else {
            panic!("{status}: {error:?}")
        };
        assert_eq!(e.status().as_str(), &status[..3]);
        assert_eq!(e.location(), Some(location.as_str()));
        let shown = error.to_string();
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("/steal"), "{shown}");
        assert_eq!(
            server.seen().len(),
            1,
            "{status}: a redirect is not retried"
        );
        let generated = common::generated_session_create(&knot).await.unwrap_err();
        assert!(matches!(generated, Error::Redirect(_)), "{generated:?}");
    }
    assert!(elsewhere.seen().is_empty(), "{:?}", elsewhere.seen());
}

/// With a caller's client that follows redirects, a session from another origin is
/// still never accepted: the call fails as misconfigured.
#[tokio::test]
async fn a_session_from_another_origin_is_never_accepted() {
    let elsewhere = HostileServer::always(session_ok()).await;
    let location = format!("http://{}/session/create", elsewhere.addr);
    let server =
        HostileServer::always(response("302 Found", &[("location", &location)], b"")).await;
    let following = reqwest::Client::builder().build().unwrap();
    let knot = common::builder(&server.uri())
        .http_client(following)
        .build()
        .unwrap();
    let error = knot.create_session(body()).await.unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(error.to_string().contains("another origin"), "{error}");
    // reqwest drops Authorization on a cross-host hop; the 302 became a GET.
    let seen = elsewhere.seen();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].head.starts_with("GET "), "{}", seen[0].head);
    assert_eq!(seen[0].header("authorization"), None);
}

/// A server that echoes our Authorization header, in a Knot error and in a proxy page:
/// nothing printed carries it, the secret or the Basic value.
#[tokio::test]
async fn echoed_credentials_are_scrubbed_from_everything_printed() {
    let server = HostileServer::start(|n, seen| {
        let auth = seen.header("authorization").unwrap_or_default();
        let secretish = format!("{auth} / {} / {}", common::SECRET, basic());
        match n % 3 {
            0 => response(
                "400 Bad Request",
                &[],
                json!({"error_type": auth, "error_code": "X", "error_message": secretish})
                    .to_string()
                    .as_bytes(),
            ),
            1 => response(
                "502 Bad Gateway",
                &[],
                format!("<h1>{secretish}</h1>").as_bytes(),
            ),
            _ => response(
                "500 Internal Server Error",
                &[],
                json!({ "message": secretish }).to_string().as_bytes(),
            ),
        }
    })
    .await;
    let knot = client(&server.uri());
    for _ in 0..3 {
        let options = RequestOptions::new().max_retries(0);
        let error = knot.create_session_with(body(), options).await.unwrap_err();
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(!shown.contains(common::SECRET), "{shown}");
            assert!(!shown.contains(&basic()), "{shown}");
            assert!(shown.contains("[redacted]"), "{shown}");
        }
    }
    assert_eq!(server.seen().len(), 3);
}

/// Long, multi-line, escape-laden server text prints as one bounded line; the whole
/// text stays available through the accessors.
#[tokio::test]
async fn server_text_prints_as_one_bounded_escaped_line() {
    let nasty = format!(
        "first\nsecond\r\n\x1b[2J\x1b]0;pwned\x07\u{202e}reversed{}",
        "y".repeat(60_000)
    );
    let bodies = [
        (
            "400 Bad Request",
            json!({"error_type": "INVALID_REQUEST", "error_code": "X", "error_message": nasty})
                .to_string(),
        ),
        (
            "500 Internal Server Error",
            json!({ "message": nasty }).to_string(),
        ),
        ("502 Bad Gateway", nasty.clone()),
    ];
    for (status, body_text) in bodies {
        let server = HostileServer::always(response(status, &[], body_text.as_bytes())).await;
        let knot = client(&server.uri());
        let options = RequestOptions::new().max_retries(0);
        let error = knot.create_session_with(body(), options).await.unwrap_err();
        for shown in [error.to_string(), format!("{error:?}")] {
            assert_eq!(shown.lines().count(), 1, "{status}: {shown}");
            assert!(shown.len() < 1_000, "{status}: {} chars", shown.len());
            assert!(
                !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
                "{status}: {shown:?}"
            );
            assert!(shown.contains("more characters cut]"), "{status}: {shown}");
        }
        let raw = match &error {
            Error::Api(e) => e.error_message().as_bytes().to_vec(),
            Error::Server(e) => e.body().to_vec(),
            other => panic!("{other:?}"),
        };
        assert!(raw.len() >= 60_000, "{status}: the raw text is kept whole");
    }
}

/// A body of declared length reaches the decoder unread by the response guard (the HTTP
/// layer ends it at that length): the timeouts still cover reading it, a body cut short
/// is a transport error, and a chunked body with a small `Content-Length` header is still
/// read within the limit.
#[tokio::test]
async fn a_declared_length_body_is_still_bounded_in_time_size_and_completeness() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n";
    let partial = [head.as_bytes(), br#"{"session":"#].concat();
    let stalled = HostileServer::always(Reply::Stall(partial.clone())).await;
    // The call's deadline binds (set on the request) and the attempt timeout binds (the
    // HTTP client's own).
    for knot in [
        common::builder(&stalled.uri())
            .timeout(Duration::from_secs(3600))
            .total_timeout(Duration::from_millis(300))
            .build()
            .unwrap(),
        common::builder(&stalled.uri())
            .timeout(Duration::from_millis(300))
            .max_retries(0)
            .build()
            .unwrap(),
    ] {
        for error in common::errors_of_both_paths(&knot).await {
            assert!(
                matches!(&error, Error::Transport(e) if e.is_timeout()),
                "{error:?}"
            );
        }
    }
    let cut = HostileServer::always(Reply::Raw(partial)).await;
    let knot = client(&cut.uri());
    for error in common::errors_of_both_paths(&knot).await {
        assert!(
            matches!(&error, Error::Transport(e) if !e.is_timeout()),
            "{error:?}"
        );
    }
    let lying = HostileServer::always(Reply::Endless {
        head: "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10".into(),
        chunk: 64 * 1024,
    })
    .await;
    let knot = common::builder(&lying.uri())
        .max_body_size(100_000)
        .build()
        .unwrap();
    for error in common::errors_of_both_paths(&knot).await {
        let Error::BodyTooLarge(e) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(e.limit(), 100_000);
    }
}

/// One deadline for the whole call, whatever the per-attempt timeout.
#[tokio::test]
async fn a_silent_server_hits_the_call_deadline() {
    let server = HostileServer::always(Reply::Silence).await;
    let knot = common::builder(&server.uri())
        .timeout(Duration::from_secs(3600))
        .total_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = knot.create_session(body()).await.unwrap_err();
    let Error::Transport(e) = &error else {
        panic!("{error:?}")
    };
    assert!(e.is_timeout(), "{error}");
    assert!(error.is_timeout() && !error.is_retryable(), "{error}");
    // Per call, too.
    let knot = client(&server.uri());
    let options = RequestOptions::new().total_timeout(Duration::from_millis(200));
    let error = knot.create_session_with(body(), options).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(e) if e.is_timeout()),
        "{error}"
    );
}

/// Framing, hop-by-hop and auth headers cannot be set per call; invalid ones are errors.
/// Nothing is sent in either case.
#[tokio::test]
async fn per_call_headers_are_checked_before_sending() {
    let server = HostileServer::always(session_ok()).await;
    let knot = client(&server.uri());
    let cases = [
        (
            "Content-Length",
            "1",
            "`content-length` is set by the client",
        ),
        (
            "transfer-encoding",
            "chunked",
            "`transfer-encoding` is set by the client",
        ),
        ("Host", "evil.example", "`host` is set by the client"),
        (
            "Authorization",
            "Basic x",
            "`authorization` is set by the client",
        ),
        ("Connection", "close", "`connection` is set by the client"),
        ("bad name", "v", "`bad name` is not a valid header name"),
        (
            "x-ok",
            "line\nbreak",
            "the value for `x-ok` is not a valid header value",
        ),
    ];
    for (name, value, expected) in cases {
        let options = RequestOptions::new().header(name, value);
        let error = knot
            .create_session_with(body(), options.clone())
            .await
            .unwrap_err();
        let Error::Config(e) = &error else {
            panic!("{name}: {error:?}")
        };
        assert!(e.message().contains(expected), "{name}: {}", e.message());
        let generated = common::generated_session_create_with(&knot, options)
            .await
            .unwrap_err();
        assert!(matches!(generated, Error::Config(_)), "{generated:?}");
    }
    assert!(server.seen().is_empty(), "{:?}", server.seen());
    // A valid custom header goes through.
    let options = RequestOptions::new().header("x-trace-id", "abc");
    knot.create_session_with(body(), options).await.unwrap();
    assert_eq!(
        server.seen()[0].header("x-trace-id").as_deref(),
        Some("abc")
    );
}

#[test]
fn configuration_errors_name_the_setting() {
    let build = |url: &str| {
        KnotClient::builder()
            .base_url(url)
            .credentials("id", "secret")
            .build()
            .unwrap_err()
            .to_string()
    };
    let shown = build("https://development.knotapi.com ");
    assert!(shown.contains("base_url"), "{shown}");
    assert!(shown.contains("spaces or control characters"), "{shown}");
    let shown = build("https://me:hunter2@development.knotapi.com");
    assert!(!shown.contains("hunter2"), "{shown}");
    let shown = KnotClient::builder()
        .credentials("id", "secret")
        .total_timeout(Duration::ZERO)
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        shown.contains("total_timeout must be longer than zero"),
        "{shown}"
    );
}

/// Each cause prints once along the source chain; `{:#}` gives a one-line report with
/// the root cause; connection failures and 5xx answers are retryable, 4xx are not.
#[tokio::test]
async fn errors_chain_their_causes_once_and_say_if_retryable() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let knot = KnotClient::builder()
        .base_url(uri)
        .credentials(common::CLIENT_ID, common::SECRET)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error: knot_api::Result<_> = knot.create_session(body()).await;
    let error = error.unwrap_err();
    assert!(error.is_retryable() && !error.is_timeout(), "{error:?}");
    let mut chain = vec![error.to_string()];
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    let root = chain.last().unwrap().clone();
    let mentions = chain.iter().filter(|line| line.contains(&root)).count();
    assert_eq!(mentions, 1, "{chain:#?}");
    assert!(format!("{error:#}").ends_with(&root), "{error:#}");

    let server = HostileServer::always(response("429 Too Many Requests", &[], b"{}")).await;
    let error = client(&server.uri())
        .create_session(body())
        .await
        .unwrap_err();
    assert!(error.is_retryable(), "{error}");
    let server = HostileServer::always(response(
        "400 Bad Request",
        &[],
        br#"{"error_type":"INVALID_REQUEST","error_code":"INVALID_FIELD","error_message":"x"}"#,
    ))
    .await;
    let error = client(&server.uri())
        .create_session(body())
        .await
        .unwrap_err();
    assert!(!error.is_retryable(), "{error}");
    assert_eq!(error.status(), Some(reqwest::StatusCode::BAD_REQUEST));
}

/// Findings of the hostile-input review, kept as fixtures: extreme configurations meet
/// extreme network values without a panic.
#[tokio::test]
async fn extreme_settings_with_extreme_network_values_never_panic() {
    let huge_length = "HTTP/1.1 200 OK\r\ncontent-length: 18446744073709551613\r\n\r\n{}";
    let server = HostileServer::always(Reply::Raw(huge_length.as_bytes().to_vec())).await;
    let knot = common::builder(&server.uri())
        .max_body_size(usize::MAX)
        .build()
        .unwrap();
    let outcome = tokio::spawn(async move { knot.create_session(body()).await.map(drop) });
    assert!(outcome.await.is_ok(), "declared length vs usize::MAX limit");

    let server = HostileServer::always(session_ok()).await;
    let knot = common::builder(&server.uri())
        .total_timeout(Duration::MAX)
        .build()
        .unwrap();
    knot.create_session(body()).await.unwrap();
    let options = RequestOptions::new().total_timeout(Duration::MAX);
    client(&server.uri())
        .create_session_with(body(), options)
        .await
        .unwrap();

    let busy = response(
        "503 Busy",
        &[("retry-after", "99999999999999999999999")],
        b"{}",
    );
    let server = HostileServer::always(busy).await;
    let knot = common::builder(&server.uri())
        .retry_policy(
            RetryPolicy::default()
                .with_max_retry_after(Duration::MAX)
                .with_base_delay(Duration::MAX)
                .with_max_delay(Duration::MAX),
        )
        .build()
        .unwrap();
    let outcome = tokio::spawn(async move { knot.create_session(body()).await.map(drop) });
    let error = outcome.await.expect("no panic").unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
}

/// The secret echoed `\u`-escaped inside a non-Knot JSON body, or after enough
/// whitespace to push it across the part of the body that is looked at, is not printed.
#[tokio::test]
async fn escaped_or_padded_echoes_of_the_secret_are_not_printed() {
    let escaped: String = common::SECRET
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let json_echo = format!("{{\"echo\":{{\"secret\":\"{escaped}\"}}}}");
    let mut padded = vec![b' '; 64 * 1024 - 6];
    padded.extend_from_slice(basic().as_bytes());
    for page in [json_echo.into_bytes(), padded] {
        let server = HostileServer::always(response("500 Internal Server Error", &[], &page)).await;
        let knot = common::builder(&server.uri())
            .max_error_body_size(1024 * 1024)
            .build()
            .unwrap();
        let options = RequestOptions::new().max_retries(0);
        let error = knot.create_session_with(body(), options).await.unwrap_err();
        assert!(matches!(error, Error::Server(_)), "{error:?}");
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(!shown.contains(common::SECRET), "{shown}");
            assert!(!shown.contains(&escaped[..24]), "{shown}");
            assert!(!shown.contains(&basic()[..12]), "{shown}");
        }
    }
}

/// A protocol-relative `Location` with userinfo prints without it.
#[tokio::test]
async fn a_protocol_relative_location_prints_without_its_password() {
    let location = "//admin:hunter2@evil.example/steal?token=abc";
    let server = HostileServer::always(response("302 Found", &[("location", location)], b"")).await;
    let error = client(&server.uri())
        .create_session(body())
        .await
        .unwrap_err();
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(
            !shown.contains("hunter2") && !shown.contains("token=abc"),
            "{shown}"
        );
        assert!(shown.contains("//evil.example/steal"), "{shown}");
    }
}

/// The caller's own text (a metadata key) in a validation error prints escaped and cut.
#[tokio::test]
async fn user_text_in_validation_errors_prints_escaped_and_cut() {
    let key = format!("k\x1b[2J\nINJECTED\u{202e}{}", "z".repeat(10_000));
    let request = types::SessionCreateBody::builder()
        .type_(types::SessionCreateBodyType::Link)
        .external_user_id("u");
    let options = RequestOptions::new().extra_body("metadata", json!({ key: "v".repeat(501) }));
    let error = client("http://127.0.0.1:9")
        .create_session_with(request, options)
        .await
        .unwrap_err();
    assert!(error.is_validation(), "{error:?}");
    for shown in [error.to_string(), format!("{error:?}")] {
        assert_eq!(shown.lines().count(), 1, "{shown}");
        assert!(shown.len() < 2_000, "{} bytes", shown.len());
        assert!(
            !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{shown:?}"
        );
    }
    let long = format!("\x1b[31m{}", "p".repeat(100_000));
    let error = long.parse::<knot_api::Environment>().unwrap_err();
    assert!(format!("{error:?}").len() < 2_000);
    let options = RequestOptions::new().header("x-api-key", "tok-HEADER-SECRET");
    assert!(!format!("{options:?}").contains("tok-HEADER-SECRET"));
}

/// Headers the client sets itself are refused per call, or replaced rather than sent
/// twice.
#[tokio::test]
async fn per_call_headers_never_duplicate_the_clients_own() {
    let server = HostileServer::always(session_ok()).await;
    let knot = client(&server.uri());
    for name in ["accept", "api-version", "content-encoding"] {
        let options = RequestOptions::new().header(name, "x");
        let error = knot.create_session_with(body(), options).await.unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{name}: {error:?}");
    }
    assert!(server.seen().is_empty());
    let options = RequestOptions::new()
        .header("user-agent", "mine/1.0")
        .header("cookie", "a=b");
    knot.create_session_with(body(), options).await.unwrap();
    let head = &server.seen()[0].head;
    assert_eq!(
        head.to_ascii_lowercase().matches("user-agent:").count(),
        1,
        "{head}"
    );
    assert_eq!(
        server.seen()[0].header("user-agent").as_deref(),
        Some("mine/1.0")
    );
}
