//! Test helpers: real peers as child processes, fresh databases, a running app.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::server::store::{self, Store};

mod moto;
mod peers;
mod rest;
mod ws_peers;
pub use moto::{Moto, aws_vault_config};
pub use peers::{
    OidcPeer, OidcStats, Peer, SdkOAuthPeer, free_port, python as peer_python, wait_for_port,
};
pub use rest::username_of;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn random_suffix() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 6];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A fresh SQLite database file in the temp directory.
pub fn sqlite_url() -> String {
    let dir = std::env::temp_dir().join("switchboard-tests");
    std::fs::create_dir_all(&dir).expect("temp dir");
    format!("sqlite://{}/{}.db", dir.display(), random_suffix())
}

pub async fn sqlite_store() -> Arc<dyn Store> {
    store::connect(&sqlite_url()).await.expect("sqlite store")
}

/// A fresh PostgreSQL database, or `None` (said loudly) when none is reachable
/// outside CI. With `CI=true` PostgreSQL is mandatory.
pub async fn postgres_url() -> Option<String> {
    use sqlx::Connection;
    let admin = std::env::var("SWITCHBOARD_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let connected =
        tokio::time::timeout(Duration::from_secs(5), sqlx::PgConnection::connect(&admin)).await;
    let mut conn = match connected {
        Ok(Ok(conn)) => conn,
        Ok(Err(e)) => return skip_postgres(&e.to_string()),
        Err(_) => return skip_postgres("timed out connecting"),
    };
    let name = format!("sb_test_{}", random_suffix());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    Some(format!("{base}/{name}"))
}

fn skip_postgres(reason: &str) -> Option<String> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!ci, "PostgreSQL is required when CI=true, but: {reason}");
    eprintln!(
        "\n!!!!!!!! SKIPPING the PostgreSQL suite: no PostgreSQL at 127.0.0.1:5432 ({reason}). \
         Set SWITCHBOARD_TEST_POSTGRES or run with CI=true to require it. !!!!!!!!\n"
    );
    None
}

pub async fn postgres_store() -> Option<Arc<dyn Store>> {
    let url = postgres_url().await?;
    Some(store::connect(&url).await.expect("postgres store"))
}

/// A running app on a random port with its own SQLite database.
#[derive(Clone)]
pub struct TestApp {
    pub base: String,
    pub state: crate::server::state::AppState,
    pub database_url: String,
    pub http: reqwest::Client,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(None).await
}

/// As [`spawn_app`], on the given database (default: a fresh SQLite file).
pub async fn spawn_app_with(database_url: Option<String>) -> TestApp {
    spawn_app_on(database_url, None).await
}

/// The configuration tests run with: loopback allowed, a fixed local vault key.
pub fn test_config(database_url: &str) -> crate::server::config::Config {
    use crate::server::config::{Config, VaultBackend};
    Config {
        addr: "127.0.0.1:0".parse().expect("addr"),
        database_url: Some(database_url.to_owned()),
        default_tenant: "acme".into(),
        global_tenant: "main".into(),
        admin_email: None,
        admin_password: None,
        vault_key: Some(hex::encode([7u8; 32])),
        vault: VaultBackend::Local,
        vault_prefix: "switchboard".into(),
        vault_kms_key_id: None,
        vault_timeout: Duration::from_secs(5),
        vault_sweep_interval: Duration::ZERO,
        tool_refresh_interval: Duration::ZERO,
        vault_sweep_grace: Duration::from_secs(900),
        outbound_allow: vec!["127.0.0.0/8".into()],
        mcp_timeout: Duration::from_secs(10),
        resolve_cache_ttl: Duration::from_secs(5),
        resolve_audit_window: Duration::from_secs(60),
        token_failure_limit: 1000,
        secure_cookies: false,
        allowed_hosts: Vec::new(),
        trusted_proxies: Vec::new(),
        metrics_token: None,
        request_timeout: Duration::from_secs(60),
        header_read_timeout: Duration::from_secs(10),
        max_in_flight: 512,
        max_tests: 32,
        max_tests_per_tenant: 4,
        shutdown_grace: Duration::from_secs(10),
        public_url: None,
    }
}

/// As [`spawn_app`], on the given database and vault (default: local).
pub async fn spawn_app_on(
    database_url: Option<String>,
    vault: Option<Arc<dyn crate::server::vault::Vault>>,
) -> TestApp {
    let database_url = database_url.unwrap_or_else(sqlite_url);
    spawn_app_configured(test_config(&database_url), vault).await
}

/// A running app on exactly this configuration.
pub async fn spawn_app_configured(
    config: crate::server::config::Config,
    vault: Option<Arc<dyn crate::server::vault::Vault>>,
) -> TestApp {
    spawn_app_until(config, vault, std::future::pending(), Duration::ZERO)
        .await
        .0
}

/// A running app that shuts down gracefully (within `grace`) when `shutdown`
/// resolves; the handle ends when serving does.
pub async fn spawn_app_until(
    config: crate::server::config::Config,
    vault: Option<Arc<dyn crate::server::vault::Vault>>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> (TestApp, tokio::task::JoinHandle<anyhow::Result<()>>) {
    let database_url = config.database_url();
    let options = leptos::config::LeptosOptions::builder()
        .output_name("switchboard")
        .site_root("target/site")
        .build();
    let mut state = crate::server::startup::build_state(config, options)
        .await
        .expect("state");
    if let Some(vault) = vault {
        state.ports.vault = vault;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let serving = state.clone();
    let served = tokio::spawn(async move {
        crate::server::startup::launch_until(listener, serving, shutdown, grace).await
    });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let app = TestApp {
        base,
        state,
        database_url,
        http,
    };
    (app, served)
}

pub struct Reply {
    pub status: u16,
    pub body: String,
    pub set_cookie: Option<String>,
    pub location: Option<String>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl TestApp {
    /// Creates (if needed) the tenant, and a user in it with that role.
    /// The password is `pw-<email>`.
    pub async fn user(&self, tenant: &str, email: &str, role: crate::domain::Role) {
        let store = self.state.ports.store.as_ref();
        let tenant = match store.tenant_by_slug(tenant).await.expect("q") {
            Some(t) => t,
            None => store.create_tenant(tenant, tenant).await.expect("tenant"),
        };
        let hash = crate::server::auth::password::hash(&format!("pw-{email}")).expect("hash");
        let user = store
            .create_user(&crate::server::store::NewUserRecord {
                username: rest::username_of(email),
                email: email.to_owned(),
                password_hash: hash,
            })
            .await
            .expect("user");
        store
            .add_membership(tenant.id, user.id, role)
            .await
            .expect("membership");
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        reply(req.send().await.expect("GET")).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Reply {
        self.sign_in_with(email, password, &[]).await
    }

    /// [`TestApp::sign_in`] with extra request headers (a cookie, a
    /// forwarded-for).
    pub async fn sign_in_with(
        &self,
        email: &str,
        password: &str,
        headers: &[(&str, &str)],
    ) -> Reply {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("email", email)
            .append_pair("password", password)
            .finish();
        let mut req = self
            .http
            .post(format!("{}/api/auth/sign-in", self.base))
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        reply(req.send().await.expect("sign in")).await
    }

    /// Signs in a user made by [`TestApp::user`]; returns the `Cookie` header value.
    pub async fn session(&self, email: &str) -> String {
        let r = self.sign_in(email, &format!("pw-{email}")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let cookie = r.set_cookie.expect("Set-Cookie");
        cookie.split(';').next().expect("cookie pair").to_owned()
    }

    /// Calls a JSON server function, as the browser does.
    pub async fn call(
        &self,
        endpoint: &str,
        cookie: Option<&str>,
        body: serde_json::Value,
    ) -> Reply {
        let mut req = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("accept", "application/json")
            .json(&body);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        reply(req.send().await.expect("server fn")).await
    }
}

pub(crate) async fn reply(r: reqwest::Response) -> Reply {
    let header = |name| {
        r.headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let set_cookie = header(reqwest::header::SET_COOKIE);
    let location = header(reqwest::header::LOCATION);
    let status = r.status().as_u16();
    let body = r.text().await.unwrap_or_default();
    Reply {
        status,
        body,
        set_cookie,
        location,
    }
}
