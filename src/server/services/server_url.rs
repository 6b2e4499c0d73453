//! A server's URL when its path or query is a secret (see
//! `domain::url_secret`): the row keeps the public part, the vault the
//! secret part, and only a connection (a test, a rotation's test, a
//! runtime's resolution) ever puts the two together again.

use secrecy::{ExposeSecret, SecretString};

use crate::domain::SecretRef;
use crate::domain::url_secret::{self, UrlSecret};
use crate::server::auth::Actor;
use crate::server::error::{ServiceError, ServiceResult};
use crate::server::ports::Ports;
use crate::server::services::secrets::{Owner, SecretChange};
use crate::server::store::ServerRecord;
use crate::server::vault::SecretKind;

/// The vault owner of a server's secret URL part.
fn owner<'a>(actor: &'a Actor, server_slug: &str) -> Owner<'a> {
    Owner {
        actor,
        kind: SecretKind::ServerUrl,
        name: format!("mcp-server/{server_slug}/url"),
    }
}

/// The URL as every reader sees it: the secret part masked.
pub(super) fn shown(row: &ServerRecord) -> String {
    url_secret::masked(&row.url, row.url_secret)
}

/// The URL to connect to, and its secret part (for scrubbing errors).
pub(super) struct FullUrl {
    pub url: String,
    pub secret: Option<SecretString>,
}

/// Reads the secret part back from the vault, if the row has one.
pub(super) async fn full(ports: &Ports, row: &ServerRecord) -> ServiceResult<FullUrl> {
    let Some(secret_ref) = &row.url_secret_ref else {
        return Ok(FullUrl {
            url: row.url.clone(),
            secret: None,
        });
    };
    let secret = ports.vault.get(secret_ref.as_str()).await?;
    Ok(FullUrl {
        url: url_secret::join(&row.url, Some(secret.expose_secret())),
        secret: Some(secret),
    })
}

fn invalid(e: crate::domain::FieldError) -> ServiceError {
    ServiceError::Invalid(vec![e])
}

/// A new server's URL: the public part for its row, and the secret part
/// written to the vault first (the caller discards it if the row fails).
pub(super) async fn create(
    ports: &Ports,
    actor: &Actor,
    slug: &str,
    url: &str,
    which: UrlSecret,
) -> ServiceResult<(String, Option<SecretRef>)> {
    let split = url_secret::split(url, which).map_err(invalid)?;
    let secret_ref = match split.secret {
        Some(secret) => Some(super::secrets::create(ports, &owner(actor, slug), secret).await?),
        None => None,
    };
    Ok((split.public, secret_ref))
}

/// What an update does to the URL.
pub(super) struct UrlChange {
    /// The whole URL after the update (for validation and the origin check).
    pub full: String,
    /// The row's new public part and mode; `None` leaves both alone.
    pub columns: Option<(String, UrlSecret)>,
    /// The vault side, finished or reverted with the row write.
    pub secret: SecretChange,
    /// `old → new`, masked, for the audit row.
    pub audit: Option<String>,
}

impl UrlChange {
    /// The row's new secret reference, if it changes.
    pub fn secret_ref(&self, current: &ServerRecord) -> Option<Option<SecretRef>> {
        self.secret
            .ref_change(current.url_secret_ref.as_ref())
            .map(|c| c.to)
    }
}

/// Plans an update of the URL (`url`, the whole new URL) or of which part is
/// secret (`which`). The masked URL as read back means "unchanged", so a
/// form or client that sends back what it read keeps the stored secret. A
/// new secret part is a new secret: the old one is deleted once the row is
/// written, never kept as a previous version.
pub(super) async fn change(
    ports: &Ports,
    actor: &Actor,
    current: &ServerRecord,
    url: Option<&str>,
    which: Option<UrlSecret>,
) -> ServiceResult<UrlChange> {
    let which = which.unwrap_or(current.url_secret);
    let old_shown = shown(current);
    let given = url.filter(|u| *u != old_shown);
    let full = match given {
        Some(url) => url.to_owned(),
        None if which == current.url_secret => {
            return Ok(UrlChange {
                full: current.url.clone(),
                columns: None,
                secret: SecretChange::Unchanged,
                audit: None,
            });
        }
        // Only the mode changes: the stored URL, cut anew.
        None => full(ports, current).await?.url,
    };
    let split = url_secret::split(&full, which).map_err(invalid)?;
    let new_shown = url_secret::masked(&split.public, which);
    let secret = SecretChange::prepare(
        ports,
        &owner(actor, &current.slug),
        current.url_secret_ref.as_ref(),
        split.secret,
        which != UrlSecret::None,
        true,
    )
    .await?;
    let audit = if new_shown == old_shown {
        format!("url: {old_shown} (its secret part changed)")
    } else {
        format!("url: {old_shown} → {new_shown}")
    };
    Ok(UrlChange {
        full,
        columns: Some((split.public, which)),
        secret,
        audit: Some(audit),
    })
}
