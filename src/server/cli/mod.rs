//! Maintenance and administration commands, run by the same binary on the
//! same configuration as the server. Results go to stdout (a created token
//! is the only thing printed, so scripts can capture it); notes to stderr.

mod accounts;
mod agents;
mod oauth;
mod vault;

pub use accounts::{tenants, tokens, users};
pub use agents::agents;
pub use oauth::oauth;
pub use vault::vault;

use crate::server::error::ServiceError;

/// A service error as a command-line user should read it.
fn plain(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid(fields) => anyhow::anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        ),
        other => anyhow::Error::new(other),
    }
}
