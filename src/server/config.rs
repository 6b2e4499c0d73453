//! Runtime configuration: environment variables, each also a CLI flag.

use clap::{Args, Parser};
use ipnet::IpNet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

mod commands;

pub use commands::{
    AgentsCommand, Command, OauthCommand, RoleArg, TenantsCommand, TokensCommand, TransportArg,
    UsersCommand, VaultCommand,
};

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

/// A secret setting, read from the environment only: a command-line flag
/// would show it to anyone who can list processes, and land in shell history.
/// Empty counts as unset.
fn env_secret(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Where secrets live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum VaultBackend {
    /// AES-256-GCM in the application database.
    #[default]
    Local,
    /// AWS Secrets Manager.
    Aws,
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

    /// Slug of the global platform: its featured servers are offered to
    /// every tenant (read-only), and its admins alone may feature a server.
    #[arg(long, env = "SWITCHBOARD_GLOBAL_TENANT", default_value = "main")]
    pub global_tenant: String,

    /// First admin of the default tenant, created when no user exists.
    #[arg(long, env = "SWITCHBOARD_ADMIN_EMAIL")]
    pub admin_email: Option<String>,

    /// Password of that first admin (`SWITCHBOARD_ADMIN_PASSWORD` only).
    /// Without it a random one is printed once.
    #[arg(skip = env_secret("SWITCHBOARD_ADMIN_PASSWORD"))]
    pub admin_password: Option<String>,

    /// 64 hex characters: the local vault's AES-256 key
    /// (`SWITCHBOARD_VAULT_KEY` only). Default: a 0600 key file beside the database.
    #[arg(skip = env_secret("SWITCHBOARD_VAULT_KEY"))]
    pub vault_key: Option<String>,

    /// The credential vault backend.
    #[arg(long, env = "SWITCHBOARD_VAULT", value_enum, default_value_t = VaultBackend::Local)]
    pub vault: VaultBackend,

    /// aws vault: first segment of every secret name (one per deployment).
    #[arg(long, env = "SWITCHBOARD_VAULT_PREFIX", default_value = "switchboard")]
    pub vault_prefix: String,

    /// aws vault: KMS key for new secrets. Default: the account's aws/secretsmanager key.
    #[arg(long, env = "SWITCHBOARD_VAULT_KMS_KEY_ID")]
    pub vault_kms_key_id: Option<String>,

    /// Deadline of one vault call, retries included.
    #[arg(long, env = "SWITCHBOARD_VAULT_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub vault_timeout: Duration,

    /// How often the sweeper looks for orphaned secrets (`0s` turns it off).
    #[arg(long, env = "SWITCHBOARD_VAULT_SWEEP_INTERVAL", default_value = "1h", value_parser = humantime::parse_duration)]
    pub vault_sweep_interval: Duration,

    /// How often each server's tools are refreshed (a health check that
    /// also catches changed tools; `0s` turns it off). A list not
    /// refreshed for twice this long is marked stale.
    #[arg(long, env = "SWITCHBOARD_TOOL_REFRESH_INTERVAL", default_value = "1h", value_parser = humantime::parse_duration)]
    pub tool_refresh_interval: Duration,

    /// How old an orphaned secret must be before the sweeper deletes it.
    #[arg(long, env = "SWITCHBOARD_VAULT_SWEEP_GRACE", default_value = "15m", value_parser = humantime::parse_duration)]
    pub vault_sweep_grace: Duration,

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

    /// How long this replica may answer runtime resolutions from memory
    /// (`0s` turns the cache off). Another replica's change shows after at
    /// most this long; this replica's own changes show at once.
    #[arg(long, env = "SWITCHBOARD_RESOLVE_CACHE_TTL", default_value = "5s", value_parser = humantime::parse_duration)]
    pub resolve_cache_ttl: Duration,

    /// How often counted runtime resolutions are written to the audit log
    /// (the first of each kind in a window is written at once).
    #[arg(long, env = "SWITCHBOARD_RESOLVE_AUDIT_WINDOW", default_value = "60s", value_parser = humantime::parse_duration)]
    pub resolve_audit_window: Duration,

    /// Failed API-token attempts allowed per client address in 15 minutes.
    #[arg(long, env = "SWITCHBOARD_TOKEN_FAILURE_LIMIT", default_value_t = 30)]
    pub token_failure_limit: i64,

    /// Mark the session cookie `Secure` (set this when served over HTTPS).
    #[arg(long, env = "SWITCHBOARD_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// The bearer token that opens `GET /metrics` (from the environment
    /// only, as `SWITCHBOARD_METRICS_TOKEN`); unset, the endpoint is absent.
    #[arg(skip = env_secret("SWITCHBOARD_METRICS_TOKEN"))]
    pub metrics_token: Option<String>,

    /// Comma-separated host names (no port) the site answers to, checked
    /// against each request's `Host`. Empty: when listening on loopback,
    /// `localhost`, `127.0.0.1` and `::1`; otherwise no check.
    #[arg(
        long,
        env = "SWITCHBOARD_ALLOWED_HOSTS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub allowed_hosts: Vec<String>,

    /// Comma-separated CIDRs of the reverse proxies in front of the app:
    /// only from these is `X-Forwarded-For` believed (for rate limits).
    #[arg(
        long,
        env = "SWITCHBOARD_TRUSTED_PROXIES",
        value_delimiter = ',',
        default_value = ""
    )]
    pub trusted_proxies: Vec<String>,

    /// Longest any one request may take before it is answered 408. Must
    /// exceed the MCP timeout: a test connection runs inside a request.
    #[arg(long, env = "SWITCHBOARD_REQUEST_TIMEOUT", default_value = "60s", value_parser = humantime::parse_duration)]
    pub request_timeout: Duration,

    /// How long a client may take to send a request's headers once it has
    /// connected (or between requests on a kept-alive connection): past it
    /// the connection is closed, so slow senders cannot hold connections.
    #[arg(long, env = "SWITCHBOARD_HEADER_READ_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub header_read_timeout: Duration,

    /// Test connections (and key rotations) running at once, in all; past
    /// it a test is answered 429 at once.
    #[arg(long, env = "SWITCHBOARD_MAX_TESTS", default_value_t = 32)]
    pub max_tests: usize,

    /// Test connections running at once for any one tenant.
    #[arg(long, env = "SWITCHBOARD_MAX_TESTS_PER_TENANT", default_value_t = 4)]
    pub max_tests_per_tenant: usize,

    /// Requests served at once; past it, 503 with `Retry-After` rather
    /// than a queue that grows until memory runs out.
    #[arg(long, env = "SWITCHBOARD_MAX_IN_FLIGHT", default_value_t = 512)]
    pub max_in_flight: usize,

    /// On SIGTERM or Ctrl-C, how long requests in flight may take to finish
    /// before the process exits anyway.
    #[arg(long, env = "SWITCHBOARD_SHUTDOWN_GRACE", default_value = "10s", value_parser = humantime::parse_duration)]
    pub shutdown_grace: Duration,

    /// The site's public origin (`https://switchboard.example.com`), as a
    /// browser and an authorization server reach it: OAuth redirect URIs
    /// and the Client ID Metadata Document are built from it. Unset, each
    /// request's own `Host` (already checked against the allowed hosts) is
    /// used, over https when cookies are secure.
    #[arg(long, env = "SWITCHBOARD_PUBLIC_URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{setting}: {value:?} is not a CIDR (e.g. 127.0.0.0/8)")]
    BadCidr {
        setting: &'static str,
        value: String,
    },
    #[error("SWITCHBOARD_DEFAULT_TENANT: {0:?} is not a slug (lower-case letters, digits, dashes)")]
    BadTenant(String),
    #[error(
        "SWITCHBOARD_REQUEST_TIMEOUT ({request:?}) must be longer than SWITCHBOARD_MCP_TIMEOUT ({mcp:?}): a test connection runs inside a request"
    )]
    RequestTimeoutTooShort { request: Duration, mcp: Duration },
    #[error("SWITCHBOARD_MAX_IN_FLIGHT must be at least 1")]
    NoRequestsAllowed,
    #[error("SWITCHBOARD_MAX_TESTS and SWITCHBOARD_MAX_TESTS_PER_TENANT must be at least 1")]
    NoTestsAllowed,
    #[error(
        "SWITCHBOARD_PUBLIC_URL: {0:?} is not an http(s) origin (e.g. https://switchboard.example.com, no path)"
    )]
    BadPublicUrl(String),
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
        parse_cidrs(&self.outbound_allow, "SWITCHBOARD_OUTBOUND_ALLOW")
    }

    /// The host names a request's `Host` may name, lower-case; `None` means
    /// any (a non-loopback listener with no list configured).
    pub fn allowed_hosts(&self) -> Option<Vec<String>> {
        let listed: Vec<String> = self
            .allowed_hosts
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        if !listed.is_empty() {
            return Some(listed);
        }
        self.addr.ip().is_loopback().then(|| {
            ["localhost", "127.0.0.1", "[::1]"]
                .map(str::to_owned)
                .to_vec()
        })
    }

    /// The trusted proxies ([`Config::validate`] has refused a bad entry).
    pub fn trusted_proxies(&self) -> Vec<IpNet> {
        parse_cidrs(&self.trusted_proxies, "SWITCHBOARD_TRUSTED_PROXIES").unwrap_or_default()
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        self.outbound_allow()?;
        parse_cidrs(&self.trusted_proxies, "SWITCHBOARD_TRUSTED_PROXIES")?;
        if !crate::domain::validation::is_tenant_slug(&self.default_tenant) {
            return Err(ConfigError::BadTenant(self.default_tenant.clone()));
        }
        if self.request_timeout <= self.mcp_timeout {
            return Err(ConfigError::RequestTimeoutTooShort {
                request: self.request_timeout,
                mcp: self.mcp_timeout,
            });
        }
        if self.max_in_flight == 0 {
            return Err(ConfigError::NoRequestsAllowed);
        }
        if self.max_tests == 0 || self.max_tests_per_tenant == 0 {
            return Err(ConfigError::NoTestsAllowed);
        }
        self.public_origin()?;
        Ok(())
    }

    /// [`Config::public_url`] as an origin (no trailing slash), if set.
    pub fn public_origin(&self) -> Result<Option<String>, ConfigError> {
        let Some(raw) = self
            .public_url
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            return Ok(None);
        };
        let bad = || ConfigError::BadPublicUrl(raw.to_owned());
        let url = url::Url::parse(raw).map_err(|_| bad())?;
        let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() || !bare {
            return Err(bad());
        }
        Ok(Some(url.origin().ascii_serialization()))
    }
}

/// A comma-separated list of CIDRs (a bare address is its own /32 or /128).
fn parse_cidrs(list: &[String], setting: &'static str) -> Result<Vec<IpNet>, ConfigError> {
    list.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| ConfigError::BadCidr {
                    setting,
                    value: s.to_owned(),
                })
        })
        .collect()
}
