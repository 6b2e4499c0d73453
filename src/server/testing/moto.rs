//! moto's Secrets Manager, for the aws vault's tests.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::process::{Child, Command};

use super::peers::{python, require};
use super::{free_port, wait_for_port};

/// PyPI `moto[server]`: a real Secrets Manager API on loopback, killed when
/// dropped (or by [`Moto::stop`], to make the vault unreachable).
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    pub async fn start() -> Moto {
        let server = python().with_file_name("moto_server");
        require(&server, "moto_server (PyPI moto[server])");
        let port = free_port();
        let child = Command::new(server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start moto_server");
        wait_for_port(port).await;
        Moto { child, port }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn vault_config(&self) -> crate::server::vault::AwsVaultConfig {
        aws_vault_config(&self.endpoint())
    }

    pub async fn vault(&self) -> Arc<crate::server::vault::AwsVault> {
        Arc::new(
            crate::server::vault::AwsVault::from_env(self.vault_config())
                .await
                .expect("aws vault on moto"),
        )
    }

    pub async fn stop(&mut self) {
        let _ = self.child.kill().await;
    }
}

/// An aws vault config for `endpoint`, with static test credentials and a
/// short deadline.
pub fn aws_vault_config(endpoint: &str) -> crate::server::vault::AwsVaultConfig {
    crate::server::vault::AwsVaultConfig {
        prefix: "switchboard-test".into(),
        kms_key_id: None,
        timeout: Duration::from_secs(3),
        endpoint_url: Some(endpoint.to_owned()),
        region: Some("us-east-1".into()),
        static_credentials: Some(("testing".into(), "testing".into())),
    }
}
