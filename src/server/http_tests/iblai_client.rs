//! Seed 000 through ibl.ai's own published Python client (PyPI `iblai`
//! 4.202.2): `end2end/clients/iblai_servers.py` drives servers and
//! connections with the client's generated methods and validates every
//! answer with its models.

use std::path::PathBuf;

use crate::domain::Role;
use crate::server::testing::{repo_root, spawn_app, username_of};

pub(super) fn iblai_python() -> PathBuf {
    std::env::var_os("SWITCHBOARD_IBLAI_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/switchboard/venv-iblai/bin/python")
        })
}

#[tokio::test]
async fn the_published_iblai_client_drives_servers_and_connections() {
    let python = iblai_python();
    assert!(
        python.exists(),
        "ibl.ai's client venv not found at {}: run `./dev test`, which installs it",
        python.display()
    );
    let app = spawn_app().await;
    app.user("acme", "ann@acme.test", Role::Admin).await;
    let token = app.token("acme", "ann@acme.test").await;
    let agent = app.agent("acme", "Support").await;

    let out = tokio::process::Command::new(python)
        .arg(repo_root().join("end2end/clients/iblai_servers.py"))
        .env("SB_HOST", &app.base)
        .env("SB_TOKEN", &token)
        .env("SB_ORG", "acme")
        .env("SB_USER", username_of("ann@acme.test"))
        .env("SB_AGENT", agent.to_string())
        .output()
        .await
        .expect("run the iblai client script");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("iblai 9 checks passed"),
        "{stdout}\n{stderr}"
    );
    assert!(!stdout.contains(&token) && !stderr.contains(&token));
}
