//! The verified caller of a REST route, as an extractor: authenticated by API
//! token or session cookie, then admitted by the contract's tenant rule. A
//! handler that takes a `Caller` starts from an `Actor` the contract allows
//! and holds no authentication code of its own.

use axum::extract::{ConnectInfo, FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::ops::Deref;

use super::error::{ErrorShape, RestError};
use crate::domain::AppError;
use crate::server::auth::Actor;
use crate::server::auth::client::rate_limit_address;
use crate::server::auth::credentials::Credentials;
use crate::server::state::AppState;

/// Where a contract names the tenant (and user) a request is for, and what
/// it answers when that is not the caller's.
pub trait TenantRule: ErrorShape {
    /// `Ok` when the request may act as `actor`. `path` holds the route's
    /// decoded path parameters, by name.
    fn admit(actor: &Actor, headers: &HeaderMap, path: &[(String, String)])
    -> Result<(), AppError>;
}

/// The caller, verified and admitted under contract `C`; dereferences to
/// the `Actor` the services take.
pub struct Caller<C> {
    actor: Actor,
    contract: PhantomData<fn() -> C>,
}

impl<C> Deref for Caller<C> {
    type Target = Actor;

    fn deref(&self) -> &Actor {
        &self.actor
    }
}

impl<C: TenantRule> FromRequestParts<AppState> for Caller<C> {
    type Rejection = RestError<C>;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // In the order the handlers once took these as arguments: a request
        // without a peer address, or with a path axum cannot decode, is
        // refused by axum before anyone is authenticated.
        let client = client_of(parts, state).await?;
        let Path(path) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(RestError::rejected)?;
        let actor = Credentials::from_headers(&parts.headers, state.config.secure_cookies)
            .actor(state, &client)
            .await
            .map_err(|e| {
                RestError::unauthenticated(e, parts.headers.contains_key(header::AUTHORIZATION))
            })?;
        C::admit(&actor, &parts.headers, &path)?;
        Ok(Caller {
            actor,
            contract: PhantomData,
        })
    }
}

/// The address failed token attempts count against (the peer, or the
/// client a trusted proxy names); a request without a peer address is
/// refused as axum refuses it.
pub async fn client_of<C>(parts: &mut Parts, state: &AppState) -> Result<String, RestError<C>> {
    let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, state)
        .await
        .map_err(RestError::rejected)?;
    Ok(rate_limit_address(
        peer.ip(),
        &parts.headers,
        &state.trusted_proxies,
    ))
}

/// The value of path parameter `name`, if the route has one.
pub fn path_param<'a>(path: &'a [(String, String)], name: &str) -> Option<&'a str> {
    path.iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}
