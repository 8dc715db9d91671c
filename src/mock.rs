//! An in-process Knot stand-in (feature `mock`), like stripe-mock but started from Rust.
//!
//! [`MockKnot::start`] listens on `127.0.0.1` on a free port and answers every operation
//! of the spec this crate was built from:
//! - wrong or missing credentials get the spec's 401 example;
//! - a body that breaks the client's validation rules gets Knot's exact 400;
//! - `session_create` answers with a fresh session; other operations with their example;
//! - injected faults come first: the next N requests get a 500, a delay, or any named
//!   error example from the spec.
//!
//! [`MockKnot::deliver_webhook`] signs a webhook like Knot and POSTs it to your handler.
//!
//! Every request is recorded for assertions ([`MockKnot::received_requests`]). Built on
//! `wiremock`, so the HTTP side is a real server, not hand-rolled.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate, matchers::any};

use crate::contract::{self, OperationContract};
use crate::ext::validation;
use crate::{Credentials, KnotClient, KnotClientBuilder};

mod webhook_delivery;
pub use webhook_delivery::DeliveryError;

/// The credentials a mock accepts unless told otherwise.
pub const MOCK_CLIENT_ID: &str = "mock-client-id";
/// The secret a mock accepts unless told otherwise.
pub const MOCK_SECRET: &str = "mock-secret";

/// A fault the mock injects into the next request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with the spec's 500 example (`{"message": "Server Error"}` today).
    ServerError,
    /// Wait this long before answering normally.
    Delay(Duration),
    /// Answer with the spec's error example of this name, under its documented status
    /// (the names are [`MockKnot::example_names`]; an unknown one answers normally:
    /// [`MockKnot::respond_next_with_example`] refuses it instead).
    Example(String),
}

/// An error example name the spec does not have; `Display` lists the ones it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownExample {
    /// The name asked for.
    pub name: String,
    /// The names the spec has ([`MockKnot::example_names`]).
    pub known: Vec<&'static str>,
}

impl std::fmt::Display for UnknownExample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the spec has no error example `{}`; it has: {}",
            self.name.escape_debug(),
            self.known.join(", ")
        )
    }
}

impl std::error::Error for UnknownExample {}

#[derive(Default)]
struct State {
    faults: VecDeque<Fault>,
}

/// A running mock Knot server.
pub struct MockKnot {
    server: MockServer,
    state: Arc<Mutex<State>>,
    client_id: String,
    secret: String,
}

impl fmt::Debug for MockKnot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockKnot")
            .field("uri", &self.server.uri())
            .field("client_id", &self.client_id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl MockKnot {
    /// Starts a mock accepting [`MOCK_CLIENT_ID`] / [`MOCK_SECRET`].
    pub async fn start() -> Self {
        Self::start_with_credentials(MOCK_CLIENT_ID, MOCK_SECRET).await
    }

    /// Starts a mock accepting these credentials (panics if they could not form a Basic
    /// header: blank, or a `:` in the client id).
    pub async fn start_with_credentials(client_id: &str, secret: &str) -> Self {
        let server = MockServer::builder().start().await;
        let state = Arc::new(Mutex::new(State::default()));
        // The header the client would send, encoded by the client's own code.
        let expected = Credentials::new(client_id, secret)
            .authorization()
            .expect("a mock needs non-blank credentials without ':' in the client id");
        Mock::given(any())
            .respond_with(Responder {
                state: state.clone(),
                expected_authorization: expected,
            })
            .mount(&server)
            .await;
        Self {
            server,
            state,
            client_id: client_id.to_owned(),
            secret: secret.to_owned(),
        }
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client builder pointed at this mock with its credentials.
    pub fn client_builder(&self) -> KnotClientBuilder {
        KnotClient::builder()
            .base_url(self.uri())
            .credentials(&self.client_id, &self.secret)
    }

    /// A client for this mock with default settings.
    pub fn client(&self) -> KnotClient {
        self.client_builder()
            .build()
            .expect("a mock's own configuration is valid")
    }

    /// Queues `fault` for the next request (after any already queued).
    pub fn inject(&self, fault: Fault) {
        self.state
            .lock()
            .expect("mock state")
            .faults
            .push_back(fault);
    }

    /// The next `n` requests get the spec's 500 example.
    pub fn fail_next(&self, n: usize) {
        for _ in 0..n {
            self.inject(Fault::ServerError);
        }
    }

    /// The next `n` requests are answered after `delay`.
    pub fn delay_next(&self, n: usize, delay: Duration) {
        for _ in 0..n {
            self.inject(Fault::Delay(delay));
        }
    }

    /// The names of the spec's error examples, the names
    /// [`respond_next_with_example`](Self::respond_next_with_example) takes: the keys of
    /// each error response's `examples` in `openapi/openapi.yaml` (for Knot's today:
    /// `CardIdRequired`, `NoAccess`, `AuthFailed`, `InternalServerError`, ...).
    pub fn example_names() -> Vec<&'static str> {
        let mut names: Vec<&'static str> = contract::OPERATIONS
            .iter()
            .flat_map(|op| op.error_examples.iter().map(|e| e.name))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The next request gets the spec's error example `name` (e.g. `NoAccess`), under its
    /// documented status. A name the spec does not have queues nothing and is an error
    /// listing the names it has.
    pub fn respond_next_with_example(&self, name: &str) -> Result<(), UnknownExample> {
        let known = Self::example_names();
        if !known.contains(&name) {
            return Err(UnknownExample {
                name: name.to_owned(),
                known,
            });
        }
        self.inject(Fault::Example(name.to_owned()));
        Ok(())
    }

    /// Every request received so far, in order.
    pub async fn received_requests(&self) -> Vec<RecordedRequest> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|r| RecordedRequest {
                method: r.method.to_string(),
                path: r.url.path().to_owned(),
                authorization: r
                    .headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned),
                headers: r
                    .headers
                    .iter()
                    .filter(|(name, _)| name.as_str() != "authorization")
                    .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_owned()))
                    .collect(),
                body: r.body,
            })
            .collect()
    }
}

/// A request as the mock received it. `Debug` leaves out the `Authorization` value.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: String,
    /// URL path.
    pub path: String,
    authorization: Option<String>,
    /// Headers other than `Authorization`.
    pub headers: Vec<(String, String)>,
    /// Raw body.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The body as JSON (`Value::Null` when it is not JSON).
    pub fn body_json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The `Authorization` header as received. Test assertions only: never print it.
    pub fn expose_authorization(&self) -> Option<&str> {
        self.authorization.as_deref()
    }

    /// A header other than `Authorization`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "[redacted]"),
            )
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

struct Responder {
    state: Arc<Mutex<State>>,
    expected_authorization: reqwest::header::HeaderValue,
}

impl Respond for Responder {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let Some(operation) = route(request.method.as_str(), request.url.path()) else {
            return ResponseTemplate::new(404).set_body_json(json!({ "message": "Not Found" }));
        };
        let fault = self.state.lock().expect("mock state").faults.pop_front();
        let mut delay = None;
        match fault {
            Some(Fault::ServerError) => {
                return example_response(operation, 500, None)
                    .unwrap_or_else(|| json_response(500, json!({ "message": "Server Error" })));
            }
            Some(Fault::Example(name)) => {
                if let Some(response) = named_example(&name) {
                    return response;
                }
            }
            Some(Fault::Delay(d)) => delay = Some(d),
            None => {}
        }
        let response = self.answer(operation, request);
        match delay {
            Some(d) => response.set_delay(d),
            None => response,
        }
    }
}

impl Responder {
    fn answer(
        &self,
        operation: &OperationContract,
        request: &wiremock::Request,
    ) -> ResponseTemplate {
        let authorized = request.headers.get("authorization") == Some(&self.expected_authorization);
        if !authorized {
            return example_response(operation, 401, None).unwrap_or_else(|| {
                json_response(
                    401,
                    json!({
                        "error_type": "INVALID_INPUT",
                        "error_code": "INVALID_API_KEYS",
                        "error_message": "Invalid client_id or secret provided.",
                    }),
                )
            });
        }
        if !operation.body_fields.is_empty() {
            let body = match serde_json::from_slice::<Value>(&request.body) {
                Ok(Value::Object(map)) => map,
                _ => Default::default(),
            };
            if let Err(violation) = validation::validate(operation.operation_id, &body) {
                return json_response(400, violation.to_body());
            }
        }
        if operation.operation_id == "session_create" {
            return json_response(200, json!({ "session": fresh_session() }));
        }
        let body = operation
            .success_example
            .and_then(|e| serde_json::from_str(e).ok())
            .unwrap_or_else(|| json!({}));
        json_response(200, body)
    }
}

fn route(method: &str, path: &str) -> Option<&'static OperationContract> {
    contract::OPERATIONS
        .iter()
        .find(|op| op.method.eq_ignore_ascii_case(method) && template_matches(op.path, path))
}

fn template_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p)
}

fn example_response(
    operation: &OperationContract,
    status: u16,
    name: Option<&str>,
) -> Option<ResponseTemplate> {
    let example = operation
        .error_examples
        .iter()
        .find(|e| e.status == status && name.is_none_or(|n| n == e.name))?;
    Some(json_response(
        status,
        serde_json::from_str(example.body).ok()?,
    ))
}

fn named_example(name: &str) -> Option<ResponseTemplate> {
    contract::OPERATIONS.iter().find_map(|op| {
        let example = op.error_example(name)?;
        example_response(op, example.status, Some(name))
    })
}

fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// A new random session id in the shape Knot uses (8-4-4-4-12 hex).
fn fresh_session() -> String {
    let hex = |n: usize| -> String {
        (0..n)
            .map(|_| char::from_digit(fastrand::u32(0..16), 16).expect("hex digit"))
            .collect()
    };
    format!("{}-{}-{}-{}-{}", hex(8), hex(4), hex(4), hex(4), hex(12))
}
