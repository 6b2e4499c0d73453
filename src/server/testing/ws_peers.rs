//! WebSocket MCP peers: PyPI `mcp` 1.x under uvicorn, and npm `supergateway`
//! bridging server-everything's stdio to a WebSocket.

use std::path::PathBuf;
use std::process::Stdio;
use tokio::process::Command;

use super::peers::{require, spawn_with_ready_line};
use super::{Peer, free_port, repo_root, wait_for_port};

/// The venv with `mcp<2` (see end2end/peers/requirements-ws.txt).
fn ws_python() -> PathBuf {
    std::env::var_os("SWITCHBOARD_WS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/switchboard/venv-ws/bin/python")
        })
}

impl Peer {
    /// `ws://…/ws`, requiring `Bearer <key>` for one of `keys` (none: open).
    pub async fn websocket(keys: &str) -> Peer {
        Self::websocket_on(keys, 0).await
    }

    /// The same on `port` (0: any free one), as when a peer restarts.
    pub async fn websocket_on(keys: &str, port: u16) -> Peer {
        let python = ws_python();
        require(&python, "the WebSocket peer's Python venv (venv-ws)");
        let mut cmd = Command::new(python);
        cmd.arg(repo_root().join("end2end/peers/ws_peer.py"))
            .args(["--port", &port.to_string()])
            .env("PEER_KEYS", keys);
        spawn_with_ready_line(cmd).await
    }

    /// `ws://…/message`: supergateway in front of server-everything (stdio).
    pub async fn supergateway() -> Peer {
        let end2end = repo_root().join("end2end");
        let gateway = end2end.join("node_modules/supergateway/dist/index.js");
        let everything =
            end2end.join("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        require(&gateway, "supergateway");
        require(&everything, "server-everything");
        let port = free_port();
        let child = Command::new("node")
            .current_dir(&end2end)
            .arg("--require")
            .arg("./peers/loopback-only.cjs")
            .arg(&gateway)
            .arg("--stdio")
            .arg(format!("node {} stdio", everything.display()))
            .args(["--outputTransport", "ws", "--port", &port.to_string()])
            .args(["--logLevel", "none"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start supergateway");
        wait_for_port(port).await;
        Peer {
            _child: child,
            port,
        }
    }

    pub fn ws_url(&self, path: &str) -> String {
        format!("ws://127.0.0.1:{}{path}", self.port)
    }
}
