//! Seed 002's register: a name whose slug the tenant already has updates that
//! server instead of failing, as ThinkWork's service does (re-registering is
//! how its admins change a server's URL or key). The update goes through the
//! ordinary path, so a new key is staged, and a key never follows a moved URL.

use crate::domain::server::slugify;
use crate::domain::{KeyRule, NewServer, ServerPatch, ServerView};
use crate::server::auth::Actor;
use crate::server::error::ServiceResult;
use crate::server::ports::Ports;
use crate::server::services::servers;

/// Which of the two a register did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Created,
    Updated,
}

pub async fn register_or_update(
    ports: &Ports,
    actor: &Actor,
    mut new: NewServer,
) -> ServiceResult<(ServerView, Upserted)> {
    actor.require_admin()?;
    // Validated first (the slug comes from a trimmed name); each path then
    // applies its own key rule: a new server needs its key, an existing one
    // may keep the key it has.
    new.validate_with(KeyRule::MayFollow)?;
    let existing = ports
        .store
        .server_by_slug(actor.tenant_id, &slugify(&new.name))
        .await?;
    let Some(existing) = existing else {
        let view = servers::register(ports, actor, new).await?;
        return Ok((view, Upserted::Created));
    };
    let patch = ServerPatch {
        name: Some(new.name),
        url: Some(new.url),
        // ThinkWork's client never names a secret part: re-registering
        // keeps the server's, unless one is named.
        url_secret: Some(new.url_secret).filter(|w| *w != crate::domain::UrlSecret::None),
        transport: Some(new.transport),
        auth_type: Some(new.auth_type),
        api_key: new.api_key,
        ..Default::default()
    };
    let view = servers::update(ports, actor, existing.id, patch).await?;
    Ok((view, Upserted::Updated))
}
