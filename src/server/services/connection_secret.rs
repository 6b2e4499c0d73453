//! What a connection keeps in the vault: one sealed JSON document with its
//! credential and its secret-looking headers, read back whole.

use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::domain::connection::{ConnectionField, SECRET_HEADER_MASK};
use crate::domain::headers::Header;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::store::{ConnectionRecord, StoreError};

/// What a connection keeps in the vault.
#[derive(Serialize, Deserialize, Default)]
pub(crate) struct Sealed {
    pub credentials: Option<String>,
    /// The secret-looking extra headers, in order.
    pub headers: Vec<Header>,
}

impl Sealed {
    pub(super) fn is_empty(&self) -> bool {
        self.credentials.is_none() && self.headers.is_empty()
    }

    pub(super) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Secret headers sent back as they read (masked) keep their stored
/// values: a client that PUTs what it GOT, or a form that left them alone,
/// must not overwrite a secret with its mask. A mask for a header that has
/// no stored value is refused.
pub(super) fn keep_masked(sent: Vec<Header>, stored: &[Header]) -> ServiceResult<Vec<Header>> {
    sent.into_iter()
        .map(|(name, value)| {
            if value != SECRET_HEADER_MASK {
                return Ok((name, value));
            }
            stored
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&name))
                .map(|(_, v)| (name.clone(), v.clone()))
                .ok_or_else(|| {
                    ServiceError::invalid(
                        ConnectionField::EXTRA_HEADERS,
                        format!("Send a value for {name}: “{SECRET_HEADER_MASK}” stands for one already stored."),
                    )
                })
        })
        .collect()
}

/// The connection's sealed document; nothing stored reads as empty, and a
/// secret that is not one is an error, never silently no credential.
pub(crate) async fn read_sealed(ports: &Ports, r: &ConnectionRecord) -> ServiceResult<Sealed> {
    let Some(secret_ref) = &r.secret_ref else {
        return Ok(Sealed::default());
    };
    let value = ports.vault.get(secret_ref.as_str()).await?;
    serde_json::from_str(value.expose_secret()).map_err(|_| {
        ServiceError::Store(StoreError::Corrupt(format!(
            "connection {}: its vault secret is not a sealed document",
            r.id
        )))
    })
}
