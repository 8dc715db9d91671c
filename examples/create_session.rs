//! Create a Knot session from the command line.
//!
//! ```text
//! cargo run --example create_session -- --type card_switcher --external-user-id demo --card-id demo-card
//! ```
//!
//! Configured by `KNOT_CLIENT_ID`, `KNOT_SECRET`, `KNOT_ENVIRONMENT`, `KNOT_BASE_URL` and
//! `KNOT_MAX_RETRIES`. With no credentials and no `KNOT_BASE_URL`, it starts the embedded
//! Knot mock on 127.0.0.1 and says so on stderr, so it runs offline.
//!
//! Success: one JSON line `{"session":"..."}` on stdout, exit 0. Invalid input: the
//! validation error on stderr, exit 2, nothing sent. Any other failure: stderr, exit 1.

use std::process::ExitCode;

use knot_api::mock::MockKnot;
use knot_api::{Error, KnotClient};
use serde_json::{Map, Value};

const USAGE: &str = "usage: create_session --type TYPE --external-user-id ID [--card-id ID] \
[--email EMAIL] [--phone-number E164] [--processor-token TOKEN] [--metadata KEY=VALUE]...";

#[tokio::main]
async fn main() -> ExitCode {
    let body = match parse_args(std::env::args().skip(1)) {
        Ok(body) => body,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let has_env = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    let offline =
        !has_env("KNOT_CLIENT_ID") && !has_env("KNOT_SECRET") && !has_env("KNOT_BASE_URL");
    // Keeps the mock server alive for the whole run.
    let mut _mock = None;
    let client = if offline {
        let mock = MockKnot::start().await;
        eprintln!(
            "No KNOT_CLIENT_ID/KNOT_SECRET set: using the embedded Knot mock at {} (nothing leaves this machine).",
            mock.uri()
        );
        let client = mock.client();
        _mock = Some(mock);
        Ok(client)
    } else {
        KnotClient::from_env()
    };
    let client = match client {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(1);
        }
    };

    match client.create_session(&Value::Object(body)).await {
        Ok(session) => {
            let line = serde_json::json!({ "session": session.expose_token() });
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(Error::Validation(error)) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

/// Flags to the JSON body. Values are sent as given; validation happens in the client.
fn parse_args(args: impl Iterator<Item = String>) -> Result<Map<String, Value>, String> {
    let mut body = Map::new();
    let mut metadata = Map::new();
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err("Create a Knot session.".into());
        }
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (flag.clone(), None),
        };
        let field = match name.as_str() {
            "--type" => "type",
            "--external-user-id" => "external_user_id",
            "--card-id" => "card_id",
            "--email" => "email",
            "--phone-number" => "phone_number",
            "--processor-token" => "processor_token",
            "--metadata" => "metadata",
            other => return Err(format!("unknown argument `{other}`")),
        };
        let value = match inline {
            Some(v) => v,
            None => args
                .next()
                .ok_or_else(|| format!("`{name}` needs a value"))?,
        };
        if field == "metadata" {
            let (key, v) = value
                .split_once('=')
                .ok_or_else(|| format!("--metadata takes KEY=VALUE, got `{value}`"))?;
            metadata.insert(key.to_owned(), Value::String(v.to_owned()));
        } else {
            body.insert(field.to_owned(), Value::String(value));
        }
    }
    if !metadata.is_empty() {
        body.insert("metadata".into(), Value::Object(metadata));
    }
    Ok(body)
}
