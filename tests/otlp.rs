//! OTLP trace export as an operator turns it on: the real binary, serving,
//! with `OTEL_EXPORTER_OTLP_ENDPOINT` pointing at an OTLP/HTTP receiver
//! that decodes what arrives with the OpenTelemetry project's own protobuf
//! definitions (end2end/peers/otlp_receiver.py).

#![cfg(feature = "ssr")]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn python() -> PathBuf {
    std::env::var_os("SWITCHBOARD_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/switchboard/venv/bin/python")
        })
}

/// A child process killed when dropped (a failed assertion must not leave
/// a server behind).
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The receiver, and the spans it prints (one JSON object a line).
fn receiver() -> (Running, u16, mpsc::Receiver<serde_json::Value>) {
    let python = python();
    assert!(
        python.exists(),
        "the test peers' Python venv is missing ({}): run `./dev test`, which installs it",
        python.display()
    );
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("end2end/peers/otlp_receiver.py");
    let mut child = Command::new(python)
        .arg(script)
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the OTLP receiver");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let child = Running(child);
    let ready = lines.next().and_then(Result::ok).unwrap_or_default();
    let port = ready
        .strip_prefix("READY ")
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("the receiver said {ready:?}, not READY <port>"));
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if let Ok(span) = serde_json::from_str(&line)
                && tx.send(span).is_err()
            {
                return;
            }
        }
    });
    (child, port, rx)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One request over a plain socket; returns the status line.
fn get(port: u16, path: &str, request_id: &str) -> String {
    use std::io::{Read, Write};
    let mut socket = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        socket,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Request-Id: {request_id}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    socket.read_to_string(&mut answer).expect("read");
    answer.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn request_spans_reach_an_otlp_collector_and_the_last_ones_are_flushed_on_shutdown() {
    let (_receiver, otlp_port, spans) = receiver();
    let dir = std::env::temp_dir().join(format!("switchboard-otlp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let port = free_port();
    let server = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .current_dir(&dir)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/otlp.db", dir.display()),
        )
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("SWITCHBOARD_ADMIN_PASSWORD", "an-otlp-test-password")
        .env("RUST_LOG", "info")
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{otlp_port}"),
        )
        // Batches wait a minute: only the flush at shutdown can deliver
        // this test's span in time.
        .env("OTEL_BSP_SCHEDULE_DELAY", "60000")
        .env_remove("OTEL_SERVICE_NAME")
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start switchboard");
    let mut server = Running(server);

    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not start listening"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(get(port, "/healthz", "otlp-probe-7").contains("200"));

    // SIGTERM, as an orchestrator stops it.
    let term = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .expect("kill");
    assert!(term.success());
    let stopped = Instant::now();
    loop {
        if let Some(status) = server.0.try_wait().expect("wait") {
            assert!(status.success(), "switchboard exited with {status}");
            break;
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(30),
            "switchboard did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let deadline = Instant::now() + Duration::from_secs(10);
    let span = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let span = spans
            .recv_timeout(left)
            .expect("the request span reached the receiver before the server exited");
        if span["name"] == "request" && span["attributes"]["request_id"] == "otlp-probe-7" {
            break span;
        }
    };
    assert_eq!(span["service"], "switchboard", "{span}");
    assert_eq!(span["attributes"]["method"], "GET", "{span}");
    assert_eq!(span["attributes"]["path"], "/healthz", "{span}");
    assert_eq!(span["trace_id"].as_str().map(str::len), Some(32), "{span}");
    let _ = std::fs::remove_dir_all(&dir);
}
