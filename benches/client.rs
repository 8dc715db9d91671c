//! `cargo bench`: figures, not pass/fail.
//!
//! 1. Validation cost per request (and the JSON parse it includes).
//! 2. `create_session` through the full client (auth, validation, retry wrapper,
//!    decoding) vs raw reqwest posting the same JSON with the same header, to the same
//!    loopback server, with the same timeouts. Requests are interleaved one by one in
//!    shuffled order, so both sides see the same machine state; the figures are the
//!    throughput ratio and the microseconds the client adds per request.
//! 3. Build-script generation time for the seed spec and a synthetic 100-operation spec.

use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use knot_api::{KnotClient, RetryPolicy, types};

const SESSION: &[u8] = br#"{"session":"915efe72-5136-4652-z91q-d9d48003c102"}"#;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const TIMEOUT: Duration = Duration::from_secs(30);

fn main() {
    // `cargo test --benches` runs this with `--bench`-less args; keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    validation(quick);
    round_trips(quick, Server::MinimalHyper, 40_000);
    round_trips(quick, Server::EmbeddedMock, 20_000);
    generation(quick);
}

fn body() -> types::SessionCreateBody {
    types::SessionCreateBody::builder()
        .type_(types::SessionCreateBodyType::CardSwitcher)
        .external_user_id("user-123")
        .card_id(Some("card-456".to_owned()))
        .email(Some("ada.lovelace@gmail.com".to_owned()))
        .phone_number(Some("+11234567890".to_owned()))
        .try_into()
        .unwrap()
}

fn per_op(iterations: u32, mut f: impl FnMut()) -> f64 {
    for _ in 0..iterations / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed().as_nanos() as f64 / iterations as f64
}

fn validation(quick: bool) {
    let bytes = serde_json::to_vec(&body()).unwrap();
    let n = if quick { 1_000 } else { 500_000 };
    let parse = per_op(n, || {
        black_box(serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).unwrap());
    });
    let validate = per_op(n, || {
        knot_api::__private::validate_body("session_create", black_box(&bytes)).unwrap();
    });
    println!(
        "validation: {validate:.0} ns per request of a {}-byte body (for scale: parsing it into a serde_json::Value takes {parse:.0} ns); goal < 1000 ns",
        bytes.len()
    );
}

async fn serve(listener: tokio::net::TcpListener) {
    loop {
        let (stream, _) = listener.accept().await.unwrap();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(|_req: Request<Incoming>| async {
                Ok::<_, Infallible>(
                    Response::builder()
                        .header("content-type", "application/json")
                        .body(Full::new(Bytes::from_static(SESSION)))
                        .unwrap(),
                )
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The loopback server both sides talk to.
#[derive(Debug, Clone, Copy)]
enum Server {
    /// A bare hyper server answering a fixed body: the harshest ratio (short round trip).
    MinimalHyper,
    /// `knot_api::mock::MockKnot` (wiremock): checks auth, validates, answers a fresh
    /// session, closer to a real server's per-request work.
    EmbeddedMock,
}

fn round_trips(quick: bool, server: Server, rounds: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut _mock = None;
        let base = match server {
            Server::MinimalHyper => {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr: SocketAddr = listener.local_addr().unwrap();
                tokio::spawn(serve(listener));
                format!("http://{addr}")
            }
            Server::EmbeddedMock => {
                let mock = knot_api::mock::MockKnot::start_with_credentials("bench-client", "bench-secret").await;
                let uri = mock.uri();
                _mock = Some(mock);
                uri
            }
        };

        let knot = KnotClient::builder()
            .base_url(&base)
            .credentials("bench-client", "bench-secret")
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .retry_policy(RetryPolicy::default())
            .build()
            .unwrap();
        // Same timeouts and the same headers on the wire, so the server does the same work.
        let raw = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .user_agent(concat!("knot-api-rust/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap();
        let authorization = {
            use base64::Engine as _;
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode("bench-client:bench-secret")
            )
        };
        let url = format!("{base}/session/create");
        let body = body();

        let client_call = || async {
            let session = knot.create_session(body.clone()).await.unwrap();
            black_box(session);
        };
        let raw_call = || async {
            let response = raw
                .post(&url)
                .header("accept", "application/json")
                .header("api-version", "1.0.0")
                .header("authorization", &authorization)
                .json(&body)
                .send()
                .await
                .unwrap();
            let bytes = response.bytes().await.unwrap();
            let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            black_box(value["session"].as_str().unwrap().to_owned());
        };

        let (warmup, rounds) = if quick { (10, 100) } else { (2_000, rounds) };
        for _ in 0..warmup {
            client_call().await;
            raw_call().await;
        }
        let mut client_ns = Vec::with_capacity(rounds);
        let mut raw_ns = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            // Shuffled order within each pair of requests.
            let client_first = fastrand::bool();
            for side in [client_first, !client_first] {
                let start = Instant::now();
                if side {
                    client_call().await;
                    client_ns.push(start.elapsed().as_nanos() as f64);
                } else {
                    raw_call().await;
                    raw_ns.push(start.elapsed().as_nanos() as f64);
                }
            }
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (client_mean, raw_mean) = (mean(&client_ns), mean(&raw_ns));
        let (client_median, raw_median) = (median(&mut client_ns), median(&mut raw_ns));
        println!(
            "[{server:?}] create_session round trip over {rounds} interleaved pairs: client {:.1} µs, raw reqwest {:.1} µs (means; medians {:.1} / {:.1} µs)",
            client_mean / 1000.0,
            raw_mean / 1000.0,
            client_median / 1000.0,
            raw_median / 1000.0
        );
        println!(
            "[{server:?}] throughput ratio client/raw: {:.3} (median-based {:.3}); added per request: {:.2} µs (median {:.2} µs); goals: ratio >= 0.98, added <= 2 µs",
            raw_mean / client_mean,
            raw_median / client_median,
            (client_mean - raw_mean) / 1000.0,
            (client_median - raw_median) / 1000.0
        );
    });
}

fn generation(quick: bool) {
    let dir = std::env::temp_dir().join("knot-api-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let synthetic = dir.join("synthetic-100.json");
    std::fs::write(&synthetic, knot_codegen::synthetic::spec(100)).unwrap();
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.yaml");
    let runs = if quick { 1 } else { 10 };
    for (name, path) in [
        ("seed spec", seed),
        ("synthetic 100-operation spec", synthetic.to_str().unwrap()),
    ] {
        let mut best = Duration::MAX;
        for _ in 0..runs {
            let start = Instant::now();
            let generated = knot_codegen::generate_file(path).unwrap();
            black_box(generated);
            best = best.min(start.elapsed());
        }
        println!(
            "generation ({name}, optimised build, best of {runs}): {:.1} ms",
            best.as_secs_f64() * 1000.0
        );
    }
    println!(
        "(synthetic spec written to {}; time the real build script with KNOT_OPENAPI_SPEC pointing at it)",
        synthetic.display()
    );
}
