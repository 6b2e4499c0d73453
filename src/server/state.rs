//! Everything a request handler needs, built once at start-up: the ports the
//! services take, plus what only the edges read.

use leptos::config::LeptosOptions;
use std::sync::Arc;

use crate::server::config::Config;
use crate::server::ports::Ports;

#[derive(Clone)]
pub struct AppState {
    pub ports: Ports,
    /// For the edges (cookie flags, rate limits they pass on); services
    /// never see it.
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
    /// `SWITCHBOARD_TRUSTED_PROXIES`, parsed once: every request's client
    /// address is worked out against it.
    pub trusted_proxies: Arc<Vec<ipnet::IpNet>>,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
