//! `cargo bench`: figures, not pass/fail.
//!
//! 1. Validation cost per request (and the JSON parse it includes).
//! 2. Per-request overhead of the client over raw reqwest, measured as issue 13 asks:
//!    a bare hyper server on its own OS thread and runtime; the clients on a
//!    `current_thread` runtime; the baseline is raw reqwest with the same timeouts posting
//!    the typed body struct as JSON with a precomputed Basic header and decoding
//!    `session`. Each contender runs [`PAIRS`] pairs with the baseline, the two requests
//!    of a pair in random order (fixed seed); the pairs of all contenders are interleaved
//!    in blocks, so each is compared with the baseline measured at the same time. The
//!    figures are the median of the per-pair differences (µs added per request), the
//!    difference of the medians, and the throughput ratio (baseline time / contender
//!    time). The A/A control (raw against an identical raw client) shows the noise. Raw
//!    reqwest with our headers, then also validating the typed body, then also keeping
//!    a copy of the request for a retry, is the floor: what the crate must do, done by
//!    hand; the crate's lines are shown over it.
//! 3. Build-script generation time for the seed spec and a synthetic 100-operation spec.
//!
//! `cargo test --benches` runs this without `--bench`: a few pairs, to keep it quick.
//!
//! Some lines only: `KNOT_BENCH_SIDES=generated_lean,create_session cargo bench --bench
//! client` (round trips only, same pairing; add `validation` for the validation figures).
//!
//! Profiling one contender: `KNOT_BENCH_ONLY=create_session` (or `raw`, `raw_again`,
//! `raw_headers`, `raw_typed`, `raw_validated`, `raw_required`, `generated`,
//! `generated_lean`) skips the rest and sends `KNOT_BENCH_REQUESTS` (default 20 000)
//! requests of that contender alone after a warm-up, e.g. under
//! `valgrind --tool=cachegrind --cache-sim=no`: two run lengths, the difference of the
//! instruction counts divided by the difference of the lengths is the cost of one request
//! (`.ci/instructions` does this for `create_session` against `raw_typed`).

use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use knot_api::{KnotClient, RetryPolicy, types};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};

const SESSION: &[u8] = br#"{"session":"915efe72-5136-4652-z91q-d9d48003c102"}"#;
const CLIENT_ID: &str = "bench-client";
const SECRET: &str = "bench-secret";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const TIMEOUT: Duration = Duration::from_secs(30);
/// Pairs per contender (issue 13: 20 000).
const PAIRS: usize = 20_000;
/// Pairs per contender before measuring.
const WARMUP_PAIRS: usize = 1_000;
/// Pairs of one contender in a row before the next contender's block.
const BLOCK: usize = 500;
const SEED: u64 = 13;

fn main() {
    // `cargo test --benches` runs this with `--bench`-less args; keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    if let Ok(only) = std::env::var("KNOT_BENCH_ONLY") {
        let requests = std::env::var("KNOT_BENCH_REQUESTS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(PAIRS);
        profile(&only, requests);
        return;
    }
    let sides = std::env::var("KNOT_BENCH_SIDES").ok();
    let only_round_trips = sides.is_some();
    if sides
        .as_deref()
        .is_none_or(|s| s.split(',').any(|s| s.trim() == "validation"))
    {
        validation(quick);
    }
    round_trips(quick);
    if !only_round_trips {
        generation(quick);
    }
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
    let json = match serde_json::from_slice::<serde_json::Value>(&bytes).unwrap() {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("the body is an object"),
    };
    let validate = per_op(n, || {
        knot_api::__private::validate("session_create", black_box(&json)).unwrap();
    });
    let typed = body();
    let validate_typed = per_op(n, || {
        knot_api::__private::validate("session_create", black_box(&typed)).unwrap();
    });
    let serialize = per_op(n, || {
        black_box(serde_json::to_vec(black_box(&typed)).unwrap());
    });
    println!(
        "validation: {validate_typed:.0} ns per request for the typed body (what the generated operations do), {validate:.0} ns for the same as a parsed {}-byte JSON object (for scale: serializing it takes {serialize:.0} ns, parsing it into a serde_json::Value {parse:.0} ns); goal < 1000 ns",
        bytes.len()
    );
}

/// A bare hyper HTTP/1 server on its own OS thread and `current_thread` runtime: reads
/// the request body, answers a fixed session. Stops when the returned sender is dropped.
fn start_server() -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let accept = async {
                    loop {
                        let (stream, _) = listener.accept().await.unwrap();
                        stream.set_nodelay(true).unwrap();
                        tokio::spawn(async move {
                            let service = hyper::service::service_fn(answer);
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                                .await;
                        });
                    }
                };
                tokio::select! {
                    _ = accept => {}
                    _ = stopped => {}
                }
            });
        })
        .unwrap();
    (addr, stop)
}

async fn answer(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = request.into_body().collect().await.map(|b| b.to_bytes());
    black_box(body.ok());
    Ok(Response::builder()
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(SESSION)))
        .unwrap())
}

/// What each side of a pair sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The baseline: raw reqwest, typed body, precomputed Basic header, `session` decoded.
    Raw,
    /// The same as `Raw` through a second, identical client: the A/A control.
    RawAgain,
    /// Raw reqwest also sending our `Accept`, `api-version` and `User-Agent`, decoding
    /// into a `serde_json::Value`: what the wire format alone costs.
    RawHeaders,
    /// `RawHeaders` plus validating the typed body, decoding the typed answer: the
    /// validation step of [`Side::RawRequired`] on its own.
    RawValidated,
    /// `RawHeaders` plus, by hand, the rest of what this crate must do per request:
    /// validate the typed body (the crate's validator), keep a copy of the request for a
    /// retry, decode the typed answer. The floor under the crate's own lines.
    RawRequired,
    /// `KnotClient::create_session`.
    CreateSession,
    /// The generated operation, as a user calls it (see [`generated`]).
    Generated,
    /// The generated operation on a client with validation off and no retries (so no
    /// request copy): what the rest of the path costs, for the breakdown.
    GeneratedLean,
    /// Raw reqwest with our headers decoding the answer into the generated struct: the
    /// baseline of the instruction count (`KNOT_BENCH_ONLY=raw_typed`).
    RawTyped,
}

const CONTENDERS: [(Side, &str); 7] = [
    (Side::RawAgain, "A/A control: raw reqwest, second client"),
    (Side::RawHeaders, "raw + our headers + Value decode"),
    (Side::RawValidated, "raw + headers + validation"),
    (Side::RawRequired, "raw + headers + validation + retry copy"),
    (Side::CreateSession, "create_session"),
    (Side::Generated, "generated knot.session_create()"),
    (Side::GeneratedLean, "  same, no validation, no retries"),
];

impl Side {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "raw" => Side::Raw,
            "raw_again" => Side::RawAgain,
            "raw_headers" => Side::RawHeaders,
            "raw_validated" => Side::RawValidated,
            "raw_required" => Side::RawRequired,
            "create_session" => Side::CreateSession,
            "generated" => Side::Generated,
            "generated_lean" => Side::GeneratedLean,
            "raw_typed" => Side::RawTyped,
            _ => return None,
        })
    }
}

#[derive(serde::Deserialize)]
struct SessionAnswer {
    session: String,
}

/// The clients, built once, each with its own connection pool.
struct Sides {
    raw: reqwest::Client,
    raw_again: reqwest::Client,
    raw_headers: reqwest::Client,
    knot: KnotClient,
    lean: KnotClient,
    url: String,
    authorization: HeaderValue,
    body: types::SessionCreateBody,
}

/// The generated operation as a user calls it (the body is cloned: the builder takes it
/// by value, where raw reqwest serializes a reference).
async fn generated(
    knot: &KnotClient,
    body: &types::SessionCreateBody,
) -> Result<types::SessionCreateResponse, knot_api::Error> {
    knot.session_create().body(body.clone()).send().await
}

/// The `api-version` the generated client sends (the spec's `info.version`).
fn api_version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.yaml");
        let doc = knot_codegen::load::load_file(spec).unwrap().doc;
        doc["info"]["version"].as_str().unwrap().to_owned()
    })
}

fn raw_client(user_agent: Option<&str>) -> reqwest::Client {
    let builder = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(TIMEOUT);
    match user_agent {
        Some(agent) => builder.user_agent(agent),
        None => builder,
    }
    .build()
    .unwrap()
}

impl Sides {
    fn new(addr: SocketAddr) -> Self {
        let base = format!("http://{addr}");
        let knot = KnotClient::builder()
            .base_url(&base)
            .credentials(CLIENT_ID, SECRET)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .retry_policy(RetryPolicy::default())
            .build()
            .unwrap();
        let lean = KnotClient::builder()
            .base_url(&base)
            .credentials(CLIENT_ID, SECRET)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            .retry_policy(RetryPolicy::none())
            .validation(false)
            .build()
            .unwrap();
        let authorization = {
            use base64::Engine as _;
            let encoded =
                base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{SECRET}"));
            HeaderValue::from_str(&format!("Basic {encoded}")).unwrap()
        };
        Sides {
            raw: raw_client(None),
            raw_again: raw_client(None),
            raw_headers: raw_client(Some(concat!("knot-api-rust/", env!("CARGO_PKG_VERSION")))),
            knot,
            lean,
            url: format!("{base}/session/create"),
            authorization,
            body: body(),
        }
    }

    async fn raw(&self, client: &reqwest::Client) {
        let answer: SessionAnswer = client
            .post(&self.url)
            .header(AUTHORIZATION, self.authorization.clone())
            .json(&self.body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        black_box(answer.session);
    }

    /// The raw request with the headers this crate sends (`User-Agent` is the client's).
    fn with_our_headers(&self) -> reqwest::RequestBuilder {
        self.raw_headers
            .post(&self.url)
            .header(ACCEPT, "application/json")
            .header("api-version", api_version())
            .header(AUTHORIZATION, self.authorization.clone())
            .json(&self.body)
    }

    /// Raw reqwest doing by hand what this crate must: our headers, the typed body
    /// validated, (`copy`) a copy of the request kept for a retry, the typed answer.
    async fn required(&self, copy: bool) {
        let request = self.with_our_headers().build().unwrap();
        knot_api::__private::validate("session_create", &self.body).unwrap();
        let copy = if copy { request.try_clone() } else { None };
        let response = self.raw_headers.execute(request).await.unwrap();
        assert!(response.status().is_success());
        let answer: types::SessionCreateResponse = response.json().await.unwrap();
        black_box((answer, copy));
    }

    async fn run(&self, side: Side) {
        match side {
            Side::Raw => self.raw(&self.raw).await,
            Side::RawAgain => self.raw(&self.raw_again).await,
            Side::RawHeaders => {
                let value: serde_json::Value = self
                    .with_our_headers()
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                black_box(value["session"].as_str().unwrap().to_owned());
            }
            Side::RawTyped => {
                let response = self.with_our_headers().send().await.unwrap();
                let answer: types::SessionCreateResponse = response.json().await.unwrap();
                black_box(answer);
            }
            Side::RawValidated => self.required(false).await,
            Side::RawRequired => self.required(true).await,
            Side::CreateSession => {
                black_box(self.knot.create_session(self.body.clone()).await.unwrap());
            }
            Side::Generated => {
                black_box(generated(&self.knot, &self.body).await.unwrap());
            }
            Side::GeneratedLean => {
                black_box(generated(&self.lean, &self.body).await.unwrap());
            }
        }
    }

    /// One request, timed.
    async fn timed(&self, side: Side) -> f64 {
        let start = Instant::now();
        self.run(side).await;
        start.elapsed().as_nanos() as f64
    }
}

/// The lines to measure: all, or those named in `KNOT_BENCH_SIDES` (comma-separated:
/// `raw_again`, `raw_headers`, `raw_validated`, `raw_required`, `create_session`, `generated`,
/// `generated_lean`).
fn contenders() -> Vec<(Side, &'static str)> {
    let Ok(names) = std::env::var("KNOT_BENCH_SIDES") else {
        return CONTENDERS.to_vec();
    };
    let wanted: Vec<Side> = names
        .split(',')
        .filter(|name| name.trim() != "validation")
        .map(|name| {
            Side::from_name(name.trim())
                .unwrap_or_else(|| panic!("KNOT_BENCH_SIDES: unknown `{name}`"))
        })
        .collect();
    CONTENDERS
        .into_iter()
        .filter(|(side, _)| wanted.contains(side))
        .collect()
}

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The times of one contender's pairs: (baseline, contender) per pair.
#[derive(Default)]
struct Pairs {
    base: Vec<f64>,
    side: Vec<f64>,
}

fn round_trips(quick: bool) {
    let (pairs, warmup, block) = if quick {
        (100, 10, 20)
    } else {
        (PAIRS, WARMUP_PAIRS, BLOCK)
    };
    let (addr, _stop) = start_server();
    let sides = Sides::new(addr);
    let mut rng = fastrand::Rng::with_seed(SEED);
    let contenders = contenders();
    let mut results: Vec<Pairs> = contenders.iter().map(|_| Pairs::default()).collect();
    client_runtime().block_on(async {
        for &(side, _) in &contenders {
            for _ in 0..warmup {
                sides.run(Side::Raw).await;
                sides.run(side).await;
            }
        }
        let mut done = 0;
        while done < pairs {
            let n = block.min(pairs - done);
            for (i, (side, _)) in contenders.iter().enumerate() {
                for _ in 0..n {
                    let (base, other) = if rng.bool() {
                        let base = sides.timed(Side::Raw).await;
                        (base, sides.timed(*side).await)
                    } else {
                        let other = sides.timed(*side).await;
                        (sides.timed(Side::Raw).await, other)
                    };
                    results[i].base.push(base);
                    results[i].side.push(other);
                }
            }
            done += n;
        }
    });
    println!(
        "round trips: {pairs} pairs per line, each against raw reqwest measured in the same pairs \
         (bare hyper server on its own thread and runtime, clients on a current_thread runtime, \
         random order within pairs, seed {SEED}); median of per-pair differences, [difference of medians], throughput ratio"
    );
    // (added per request, difference of medians, contender median, baseline median, ratio)
    let stats: Vec<(f64, f64, f64, f64, f64)> = results
        .into_iter()
        .map(|mut r| {
            let mut diffs: Vec<f64> = r.side.iter().zip(&r.base).map(|(s, b)| s - b).collect();
            let ratio = r.base.iter().sum::<f64>() / r.side.iter().sum::<f64>();
            let added = median(&mut diffs);
            let (side_median, base_median) = (median(&mut r.side), median(&mut r.base));
            (
                added,
                side_median - base_median,
                side_median,
                base_median,
                ratio,
            )
        })
        .collect();
    // What the same bytes on the wire cost (`raw + our headers`), and what the required
    // work costs done by hand (`raw + headers + validation + retry copy`).
    let added_by = |wanted: Side| {
        contenders
            .iter()
            .position(|(side, _)| *side == wanted)
            .map(|i| stats[i].0)
    };
    let (wire, floor) = (added_by(Side::RawHeaders), added_by(Side::RawRequired));
    for ((side, name), (added, of_medians, side_median, base_median, ratio)) in
        contenders.iter().zip(&stats)
    {
        let ours = matches!(
            side,
            Side::CreateSession | Side::Generated | Side::GeneratedLean
        );
        let over = |what: &str, line: Option<f64>| match line {
            Some(line) if ours => format!(" ({:+.2} µs over {what})", (added - line) / 1000.0),
            _ => String::new(),
        };
        let over_wire = format!(
            "{}{}",
            over("raw + our headers", wire),
            over("the hand-made floor", floor)
        );
        println!(
            "  {name:<40} {:+6.2} µs [{:+6.2} µs: {:.1} vs {:.1} µs], ratio {ratio:.3}{over_wire}",
            added / 1000.0,
            of_medians / 1000.0,
            side_median / 1000.0,
            base_median / 1000.0,
        );
    }
    println!("  goal (issue 13): create_session and the generated operation add <= 1 µs");
}

/// One contender alone, for a profiler.
fn profile(name: &str, requests: usize) {
    let side = Side::from_name(name).unwrap_or_else(|| {
        panic!("KNOT_BENCH_ONLY: unknown `{name}` (raw, raw_again, raw_headers, raw_typed, raw_validated, raw_required, create_session, generated, generated_lean)")
    });
    let (addr, _stop) = start_server();
    let sides = Sides::new(addr);
    client_runtime().block_on(async {
        for _ in 0..WARMUP_PAIRS {
            sides.run(side).await;
        }
        let start = Instant::now();
        for _ in 0..requests {
            sides.run(side).await;
        }
        println!(
            "{name}: {requests} requests, {:.1} µs each",
            start.elapsed().as_nanos() as f64 / requests as f64 / 1000.0
        );
    });
}

fn generation(quick: bool) {
    let dir = std::env::temp_dir().join("knot-api-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let synthetic = dir.join("synthetic-100.json");
    std::fs::write(&synthetic, knot_codegen::report::synthetic::spec(100)).unwrap();
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
