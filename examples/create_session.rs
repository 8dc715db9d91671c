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
//! Success: one JSON line `{"session":"..."}` on stdout, exit 0. `--help`: usage on
//! stdout, exit 0. Invalid input (bad flags, an argument that is not UTF-8, a body that
//! breaks a rule): one line on stderr, exit 2, nothing sent. Any other failure: one line
//! on stderr, exit 1. Every message is one line with user and server text escaped.

use std::ffi::OsString;
use std::process::ExitCode;

use std::collections::HashMap;

use knot_api::mock::MockKnot;
use knot_api::{Error, KnotClient, types};

const USAGE: &str = "usage: create_session --type TYPE --external-user-id ID [--card-id ID] \
[--email EMAIL] [--phone-number E164] [--processor-token TOKEN] [--metadata KEY=VALUE]...";

/// What the command line asks for.
enum Command {
    Help,
    Create(Box<types::builder::SessionCreateBody>),
}

#[tokio::main]
async fn main() -> ExitCode {
    let body = match parse_args(std::env::args_os().skip(1)) {
        Ok(Command::Create(body)) => body,
        Ok(Command::Help) => {
            println!("Create a Knot session.\n{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message} ({USAGE})");
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

    match client.create_session(*body).await {
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
            // `{:#}`: one line with the root cause (e.g. "connection refused").
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}

/// An argument as text; one that is not UTF-8 is refused, shown escaped.
fn utf8(arg: OsString) -> Result<String, String> {
    arg.into_string().map_err(|raw| {
        let shown = format!("{raw:?}");
        let cut: String = shown.chars().take(100).collect();
        let more = if shown.chars().count() > 100 {
            "…"
        } else {
            ""
        };
        format!("argument {cut}{more} is not valid UTF-8")
    })
}

/// User text quoted in a message: escaped (one line, no terminal controls) and cut.
fn quoted(text: &str) -> String {
    let escaped: String = text
        .chars()
        .take(100)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().count() > 100 {
        format!("{escaped}…")
    } else {
        escaped
    }
}

/// Flags to the request. Values are sent as given; the client validates them (a missing
/// field is reported by the client, in Knot's words).
fn parse_args(args: impl Iterator<Item = OsString>) -> Result<Command, String> {
    let mut body = types::SessionCreateBody::builder();
    let mut metadata = HashMap::new();
    let mut args = args.map(utf8);
    while let Some(flag) = args.next() {
        let flag = flag?;
        if flag == "--help" || flag == "-h" {
            return Ok(Command::Help);
        }
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (flag.clone(), None),
        };
        const FLAGS: [&str; 7] = [
            "--type",
            "--external-user-id",
            "--card-id",
            "--email",
            "--phone-number",
            "--processor-token",
            "--metadata",
        ];
        if !FLAGS.contains(&name.as_str()) {
            return Err(format!("unknown argument `{}`", quoted(&name)));
        }
        let value = match inline {
            Some(v) => v,
            None => args
                .next()
                .ok_or_else(|| format!("`{name}` needs a value"))??,
        };
        body = match name.as_str() {
            "--type" => body.type_(
                value
                    .parse::<types::SessionCreateBodyType>()
                    .map_err(|_| format!("The selected type `{}` is invalid.", quoted(&value)))?,
            ),
            "--external-user-id" => body.external_user_id(value),
            "--card-id" => body.card_id(value),
            "--email" => body.email(value),
            "--phone-number" => body.phone_number(value),
            "--processor-token" => body.processor_token(value),
            _ => {
                let (key, v) = value.split_once('=').ok_or_else(|| {
                    format!("--metadata takes KEY=VALUE, got `{}`", quoted(&value))
                })?;
                metadata.insert(key.to_owned(), v.to_owned());
                body
            }
        };
    }
    if !metadata.is_empty() {
        body = body.metadata(metadata);
    }
    Ok(Command::Create(Box::new(body)))
}
