//! Everything a request handler needs, built once at start-up.

use leptos::config::LeptosOptions;
use std::sync::Arc;

use crate::server::config::Config;
use crate::server::mcp::McpClient;
use crate::server::store::Store;
use crate::server::vault::Vault;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub vault: Arc<dyn Vault>,
    pub mcp: McpClient,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
