//! What an admin may know about a server's stored key without seeing it:
//! whether there is one, and its last four characters (seed 002's
//! `key-status`, which its admins use to tell keys apart).

use secrecy::ExposeSecret;

use crate::domain::{AuditAction, AuthType, Role, ServerId};
use crate::server::auth::Actor;
use crate::server::error::ServiceResult;
use crate::server::ports::Ports;
use crate::server::services::audit::{self, server_target};
use crate::server::services::servers;

/// Shorter keys have no tail to show: four characters of a short key are
/// too much of it.
const SHOWN_FROM: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyStatus {
    pub auth_type: AuthType,
    pub has_key: bool,
    /// Admins only, and only for keys of at least 12 characters.
    pub last_four: Option<String>,
}

/// The last four characters of a key long enough to show them.
pub fn last_four(key: &str) -> Option<String> {
    let chars: Vec<char> = key.chars().collect();
    (chars.len() >= SHOWN_FROM).then(|| chars[chars.len() - 4..].iter().collect())
}

/// Members learn whether a key is stored; admins also its tail, which is a
/// read of the secret and audited as one.
pub async fn key_status(ports: &Ports, actor: &Actor, id: ServerId) -> ServiceResult<KeyStatus> {
    let row = servers::row(ports, actor, id).await?;
    let mut status = KeyStatus {
        auth_type: row.auth_type,
        has_key: row.secret_ref.is_some(),
        last_four: None,
    };
    let Some(secret_ref) = row
        .secret_ref
        .as_ref()
        .filter(|_| actor.role == Role::Admin)
    else {
        return Ok(status);
    };
    let read = ports.vault.get(secret_ref.as_str()).await;
    let target = server_target(row.id, &row.name);
    let outcome = match &read {
        Ok(_) => Ok(()),
        Err(e) => Err(format!("for the key's status: {e}")),
    };
    audit::record(ports, actor, AuditAction::SecretRead, &target, outcome).await;
    status.last_four = last_four(read?.expose_secret());
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::last_four;

    #[test]
    fn only_long_keys_show_their_tail() {
        assert_eq!(last_four("sk-live-0123456789"), Some("6789".to_owned()));
        assert_eq!(last_four("short-key"), None);
        assert_eq!(last_four("ééééééééabcdé"), Some("bcdé".to_owned()));
    }
}
