//! The `create_session` example as a user runs it: offline by default, exit codes 0/2/1.

use std::path::PathBuf;
use std::process::Command;

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn example() -> Command {
    // cargo test builds examples next to the test binaries' parent directory.
    let mut dir = std::env::current_exe().unwrap();
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let binary: PathBuf = dir.join("examples").join("create_session");
    let mut command = Command::new(binary);
    for name in [
        "KNOT_CLIENT_ID",
        "KNOT_SECRET",
        "KNOT_BASE_URL",
        "KNOT_ENVIRONMENT",
        "KNOT_MAX_RETRIES",
    ] {
        command.env_remove(name);
    }
    command
}

#[test]
fn offline_run_uses_the_embedded_mock() {
    let output = example()
        .args([
            "--type",
            "card_switcher",
            "--external-user-id",
            "demo",
            "--card-id",
            "demo-card",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(json.as_object().unwrap().len(), 1);
    assert_eq!(json["session"].as_str().unwrap().len(), 36);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("embedded Knot mock"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_exits_2_and_sends_nothing_other_failures_exit_1() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(serde_json::json!({"message": "Server Error"})),
        )
        .mount(&server)
        .await;
    let uri = server.uri();
    let run = move |args: &'static [&'static str]| {
        let uri = uri.clone();
        std::thread::spawn(move || {
            example()
                .env("KNOT_CLIENT_ID", "id")
                .env("KNOT_SECRET", "secret")
                .env("KNOT_BASE_URL", uri)
                .env("KNOT_MAX_RETRIES", "0")
                .args(args)
                .output()
                .unwrap()
        })
        .join()
        .unwrap()
    };
    let invalid = run(&["--type", "card_switcher", "--external-user-id", "demo"]);
    assert_eq!(invalid.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&invalid.stderr)
            .contains("The card_id field is required when type = card_switcher.")
    );
    assert!(invalid.stdout.is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 0);

    let failed = run(&[
        "--type",
        "link",
        "--external-user-id",
        "demo",
        "--metadata",
        "k=v",
    ]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&failed.stderr).contains("Knot returned HTTP 500: Server Error")
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["metadata"], serde_json::json!({ "k": "v" }));
}

#[test]
fn help_goes_to_stdout_and_exits_0() {
    let output = example().arg("--help").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("usage: create_session --type TYPE"),
        "{stdout}"
    );
    assert!(output.stderr.is_empty(), "{:?}", output.stderr);
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_exits_2_with_one_escaped_line() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"--type=\xff\x1b[31m");
    let output = example().arg(bad).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("is not valid UTF-8"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "raw escape printed: {stderr:?}");
}

#[test]
fn user_text_in_messages_is_escaped_on_one_line() {
    let output = example()
        .args(["--metadata", "no-equals\nsecond line\x1b[2J"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("no-equals\\nsecond line\\u{1b}[2J"),
        "{stderr}"
    );
}
