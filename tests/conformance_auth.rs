//! The official MCP conformance suite's OAuth client scenarios (npm
//! `@modelcontextprotocol/conformance`, `client --suite auth`) with
//! `switchboard oauth probe` as the client under test: the suite starts its
//! own MCP and authorization servers per scenario, runs the probe with the
//! server's URL, and checks what the probe did at each endpoint. A scenario
//! still failing is listed, with its reason, in
//! `end2end/conformance/auth-baseline.yml`; the suite fails on a new failure
//! and on a baselined scenario that passes.

#![cfg(feature = "ssr")]

use std::path::Path;
use std::process::Command;

#[test]
fn the_conformance_suites_auth_scenarios_pass_or_are_baselined() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let suite = root.join("end2end/node_modules/@modelcontextprotocol/conformance/dist/index.js");
    assert!(
        suite.exists(),
        "the conformance suite is not installed at {}: run `./dev setup`",
        suite.display()
    );
    let baseline = root.join("end2end/conformance/auth-baseline.yml");
    let dir = std::env::temp_dir().join(format!("switchboard-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = Command::new("node")
        .arg(&suite)
        .args(["client", "--suite", "auth", "--command"])
        // Every scenario's server has `test-tool`, and the step-up one wants
        // more scopes to call it than to list it. The scenario that tests
        // Client ID Metadata Documents expects this
        // URL as the client id (a deployment's own is
        // `https://<its origin>/oauth/client-metadata.json`).
        .arg(format!(
            "{} oauth probe --call test-tool --client-metadata-url \
             https://conformance-test.local/client-metadata.json",
            env!("CARGO_BIN_EXE_switchboard")
        ))
        .arg("--expected-failures")
        .arg(&baseline)
        .current_dir(&dir)
        // The suite's servers are on loopback, which only an operator opens.
        .env("SWITCHBOARD_OUTBOUND_ALLOW", "127.0.0.0/8,::1/128")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/probe.db", dir.display()),
        )
        .env("RUST_LOG", "warn")
        .output()
        .expect("run the conformance suite");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The matrix, for the CI log.
    eprintln!("{stdout}");
    assert!(
        out.status.success(),
        "the auth scenarios regressed, or a baselined one now passes (remove it):\n{stdout}\n{stderr}"
    );
}
