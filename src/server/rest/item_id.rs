//! The `{id}` of an item route, parsed in one place for every contract.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use std::marker::PhantomData;
use std::ops::Deref;

use super::caller::path_param;
use super::error::{ErrorShape, RestError};
use crate::domain::{AppError, RowId, ServerId};

/// A typed row id from the path (a server's, unless said otherwise).
/// Anything that names no row (`abc`, `0`, `-1`, past `i64`) answers 404
/// exactly as a missing row does. Take it after the `Caller`: a stranger
/// learns nothing from the id.
pub struct ItemId<C, I = ServerId> {
    id: I,
    contract: PhantomData<fn() -> C>,
}

impl<C, I> Deref for ItemId<C, I> {
    type Target = I;

    fn deref(&self) -> &I {
        &self.id
    }
}

impl<C: ErrorShape, I: RowId, S: Send + Sync> FromRequestParts<S> for ItemId<C, I> {
    type Rejection = RestError<C>;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(path) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(RestError::rejected)?;
        path_param(&path, "id")
            .and_then(I::parse)
            .map(|id| ItemId {
                id,
                contract: PhantomData,
            })
            .ok_or_else(|| AppError::NotFound.into())
    }
}
