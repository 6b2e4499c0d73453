//! Real MCP peers as child processes (npm and PyPI servers, and our own
//! deliberately broken ones), and the ports they listen on.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::repo_root;

/// The test peers' Python (PyPI `mcp` 2.x and moto).
pub fn python() -> PathBuf {
    std::env::var_os("SWITCHBOARD_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/switchboard/venv/bin/python")
        })
}

pub(super) fn require(path: &std::path::Path, what: &str) {
    assert!(
        path.exists(),
        "{what} not found at {}: run `./dev test`, which installs the test peers",
        path.display()
    );
}

/// A peer process, killed when dropped.
pub struct Peer {
    pub(super) _child: Child,
    pub port: u16,
}

impl Peer {
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// npm `@modelcontextprotocol/server-everything`; `mode` is `streamableHttp` or `sse`.
    pub async fn everything(mode: &str) -> Peer {
        let end2end = repo_root().join("end2end");
        let entry =
            end2end.join("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        require(&entry, "server-everything");
        let port = free_port();
        let child = Command::new("node")
            .current_dir(&end2end)
            // It binds every interface by default; this preload pins it to loopback.
            .arg("--require")
            .arg("./peers/loopback-only.cjs")
            .arg(&entry)
            .arg(mode)
            .env("PORT", port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start server-everything");
        wait_for_port(port).await;
        Peer {
            _child: child,
            port,
        }
    }

    /// PyPI `mcp` server that requires one of `keys` as a bearer token.
    pub async fn bearer(keys: &str, sse: bool) -> Peer {
        Self::bearer_with(keys, sse, None).await
    }

    /// [`Peer::bearer`] that also refuses (403) any request without the
    /// header `required` (`Name:value`).
    pub async fn bearer_with(keys: &str, sse: bool, required: Option<&str>) -> Peer {
        let script = repo_root().join("end2end/peers/bearer_peer.py");
        let python = python();
        require(&python, "the test peers' Python venv");
        let mut cmd = Command::new(python);
        cmd.arg(script).args(["--port", "0"]).env("PEER_KEYS", keys);
        if sse {
            cmd.args(["--transport", "sse"]);
        }
        if let Some(header) = required {
            cmd.env("PEER_REQUIRE_HEADER", header);
        }
        spawn_with_ready_line(cmd).await
    }

    /// [`Peer::bearer`] over streamable HTTP whose `echo` tool is described
    /// by the file `description` as it reads at each request, so a test can
    /// change a tool under Switchboard's feet.
    pub async fn bearer_changing(keys: &str, description: &std::path::Path) -> Peer {
        let script = repo_root().join("end2end/peers/bearer_peer.py");
        let python = python();
        require(&python, "the test peers' Python venv");
        let mut cmd = Command::new(python);
        cmd.arg(script)
            .args(["--port", "0"])
            .env("PEER_KEYS", keys)
            .env("PEER_ECHO_DESCRIPTION_FILE", description);
        spawn_with_ready_line(cmd).await
    }

    /// A deliberately broken upstream: `rpc-error` or `http-500`.
    pub async fn faulty(mode: &str) -> Peer {
        let script = repo_root().join("end2end/peers/faulty_peer.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script).args(["--port", "0", "--mode", mode]);
        spawn_with_ready_line(cmd).await
    }
}

/// npm `@modelcontextprotocol/sdk`'s example server with its demo
/// authorization server (`--oauth`: RFC 9728 metadata, RFC 8414, dynamic
/// registration, PKCE; it approves every request without a login page).
/// `--oauth-strict` makes both ends check RFC 8707's `resource`. Its URLs
/// name `localhost`, so the app under test must allow `::1` as well.
pub struct SdkOAuthPeer {
    _child: Child,
    pub mcp_port: u16,
    pub auth_port: u16,
}

impl SdkOAuthPeer {
    pub async fn start() -> SdkOAuthPeer {
        let end2end = repo_root().join("end2end");
        let entry = end2end
            .join("node_modules/@modelcontextprotocol/sdk/dist/esm/examples/server/simpleStreamableHttp.js");
        require(&entry, "@modelcontextprotocol/sdk");
        let (mcp_port, auth_port) = (free_port(), free_port());
        let child = Command::new("node")
            .current_dir(&end2end)
            .arg("--require")
            .arg("./peers/loopback-only.cjs")
            .arg(&entry)
            .arg("--oauth")
            .arg("--oauth-strict")
            .env("MCP_PORT", mcp_port.to_string())
            .env("MCP_AUTH_PORT", auth_port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start the SDK's OAuth example server");
        wait_for_port(mcp_port).await;
        wait_for_port(auth_port).await;
        SdkOAuthPeer {
            _child: child,
            mcp_port,
            auth_port,
        }
    }

    pub fn mcp_url(&self) -> String {
        format!("http://localhost:{}/mcp", self.mcp_port)
    }

    pub fn issuer(&self) -> String {
        format!("http://localhost:{}/", self.auth_port)
    }
}

/// `end2end/peers/oidc_mcp.mjs`: npm `oidc-provider` (login and consent
/// pages, dynamic registration, rotating refresh tokens, 90-second JWT
/// access tokens for the MCP server only) and an MCP server that checks
/// them.
pub struct OidcPeer {
    _child: Child,
    pub as_port: u16,
    pub mcp_port: u16,
}

/// What the provider counted: codes redeemed, refreshes, revocations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub struct OidcStats {
    pub codes: u32,
    pub refreshes: u32,
    pub revocations: u32,
}

impl OidcPeer {
    pub async fn start() -> OidcPeer {
        Self::start_with(&[]).await
    }

    /// With the peer's own settings (`OIDC_LIST_SCOPE`, …).
    pub async fn start_with(env: &[(&str, &str)]) -> OidcPeer {
        let end2end = repo_root().join("end2end");
        require(&end2end.join("node_modules/oidc-provider"), "oidc-provider");
        let (as_port, mcp_port) = (free_port(), free_port());
        let child = Command::new("node")
            .current_dir(&end2end)
            .arg("--require")
            .arg("./peers/loopback-only.cjs")
            .arg("peers/oidc_mcp.mjs")
            .env("OIDC_PORT", as_port.to_string())
            .env("OIDC_MCP_PORT", mcp_port.to_string())
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start the oidc-provider peer");
        wait_for_port(as_port).await;
        wait_for_port(mcp_port).await;
        OidcPeer {
            _child: child,
            as_port,
            mcp_port,
        }
    }

    pub fn mcp_url(&self) -> String {
        format!("http://127.0.0.1:{}/mcp", self.mcp_port)
    }

    pub async fn stats(&self) -> OidcStats {
        reqwest::get(format!("http://127.0.0.1:{}/stats", self.mcp_port))
            .await
            .expect("stats")
            .json()
            .await
            .expect("stats json")
    }

    /// Signs in and consents on the provider's own pages, as a person
    /// would, from the authorization URL to the redirect back: answers
    /// that redirect's URL. Cookies are the provider's (kept here).
    pub async fn sign_in_and_consent(&self, authorize: &str) -> String {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let origin = format!("http://127.0.0.1:{}", self.as_port);
        let mut cookies: Vec<(String, String)> = Vec::new();
        let mut next = authorize.to_owned();
        for _ in 0..12 {
            if !next.starts_with(&origin) {
                return next;
            }
            let jar = cookie_header(&cookies);
            let page = http
                .get(&next)
                .header("cookie", jar)
                .send()
                .await
                .expect("the provider");
            keep_cookies(&mut cookies, &page);
            if let Some(location) = location_of(&page, &origin) {
                next = location;
                continue;
            }
            // A form: the login (any login and password), then the consent.
            let html = page.text().await.expect("page");
            let action = html
                .split("action=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .expect("a form on the provider's page")
                .to_owned();
            let fields: Vec<(&str, &str)> = if html.contains("name=\"login\"") {
                vec![
                    ("prompt", "login"),
                    ("login", "alice"),
                    ("password", "correct horse battery staple"),
                ]
            } else {
                vec![("prompt", "consent")]
            };
            let target = if action.starts_with("http") {
                action
            } else {
                format!("{origin}{action}")
            };
            let posted = http
                .post(target)
                .header("cookie", cookie_header(&cookies))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(
                    url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(&fields)
                        .finish(),
                )
                .send()
                .await
                .expect("post the form");
            keep_cookies(&mut cookies, &posted);
            next = location_of(&posted, &origin).expect("a redirect after the form");
        }
        panic!("the provider never sent the browser back");
    }
}

fn cookie_header(cookies: &[(String, String)]) -> String {
    cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn keep_cookies(cookies: &mut Vec<(String, String)>, answer: &reqwest::Response) {
    for set in answer.headers().get_all("set-cookie") {
        let raw = set.to_str().unwrap_or_default();
        let pair = raw.split(';').next().unwrap_or_default();
        if let Some((name, value)) = pair.split_once('=') {
            cookies.retain(|(k, _)| k != name);
            if !value.is_empty() {
                cookies.push((name.to_owned(), value.to_owned()));
            }
        }
    }
}

fn location_of(answer: &reqwest::Response, origin: &str) -> Option<String> {
    let location = answer.headers().get("location")?.to_str().ok()?;
    Some(if location.starts_with('/') {
        format!("{origin}{location}")
    } else {
        location.to_owned()
    })
}

/// Starts a peer that prints `READY <port>` on stdout once it listens.
pub(super) async fn spawn_with_ready_line(mut cmd: Command) -> Peer {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start peer");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let port = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.expect("read peer stdout") {
            if let Some(port) = line.strip_prefix("READY ") {
                return port.trim().parse::<u16>().expect("READY <port>");
            }
        }
        panic!("peer exited before it was ready");
    })
    .await
    .expect("peer ready within 30s");
    // Keep draining stdout so the peer never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Peer {
        _child: child,
        port,
    }
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind an ephemeral port")
}

pub async fn wait_for_port(port: u16) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "port {port} never opened"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
