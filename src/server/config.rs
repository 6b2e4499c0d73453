//! Runtime configuration: environment variables, each also a CLI flag.

use clap::{Args, Parser, Subcommand};
use ipnet::IpNet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "switchboard",
    version,
    about = "A multi-tenant registry and connection broker for MCP servers"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and APIs (the default).
    Serve,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Listen address.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// `sqlite://…` or `postgres://…`. Default: a SQLite file under ./data/.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,

    /// Slug of the tenant created on first start.
    #[arg(long, env = "SWITCHBOARD_DEFAULT_TENANT", default_value = "acme")]
    pub default_tenant: String,

    /// First admin of the default tenant, created when no user exists.
    #[arg(long, env = "SWITCHBOARD_ADMIN_EMAIL")]
    pub admin_email: Option<String>,

    /// Password of that first admin. Without it a random one is printed once.
    #[arg(long, env = "SWITCHBOARD_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// 64 hex characters: the local vault's AES-256 key. Default: a 0600 key file beside the database.
    #[arg(long, env = "SWITCHBOARD_VAULT_KEY", hide_env_values = true)]
    pub vault_key: Option<String>,

    /// Comma-separated CIDRs that outbound calls may reach although private.
    #[arg(
        long,
        env = "SWITCHBOARD_OUTBOUND_ALLOW",
        value_delimiter = ',',
        default_value = ""
    )]
    pub outbound_allow: Vec<String>,

    /// Deadline for one test connection (e.g. `10s`, `1500ms`).
    #[arg(long, env = "SWITCHBOARD_MCP_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub mcp_timeout: Duration,

    /// Mark the session cookie `Secure` (set this when served over HTTPS).
    #[arg(long, env = "SWITCHBOARD_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("SWITCHBOARD_OUTBOUND_ALLOW: {0:?} is not a CIDR (e.g. 127.0.0.0/8)")]
    BadCidr(String),
    #[error("SWITCHBOARD_DEFAULT_TENANT: {0:?} is not a slug (lower-case letters, digits, dashes)")]
    BadTenant(String),
}

impl Config {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| "sqlite://data/switchboard.db".to_owned())
    }

    /// Where the generated local-vault key lives: beside a SQLite file, else under ./data/.
    pub fn vault_key_path(&self) -> PathBuf {
        let url = self.database_url();
        let db_path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .map(|p| p.split('?').next().unwrap_or(p))
            .filter(|p| !p.is_empty() && *p != ":memory:")
            .map(PathBuf::from);
        match db_path.as_deref().and_then(|p| p.parent()) {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join("vault.key"),
            Some(_) => PathBuf::from("vault.key"),
            None => PathBuf::from("data/vault.key"),
        }
    }

    pub fn outbound_allow(&self) -> Result<Vec<IpNet>, ConfigError> {
        self.outbound_allow
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
                    .map_err(|_| ConfigError::BadCidr(s.to_owned()))
            })
            .collect()
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        self.outbound_allow()?;
        let slug = &self.default_tenant;
        let ok = !slug.is_empty()
            && slug.len() <= 63
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok {
            return Err(ConfigError::BadTenant(slug.clone()));
        }
        Ok(())
    }
}
