//! The `{id}` of an item route, parsed in one place for every contract.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use std::marker::PhantomData;
use std::ops::Deref;

use super::caller::path_param;
use super::error::{ErrorShape, RestError};
use crate::domain::AppError;

/// A positive row id from the path. Anything else (`abc`, `0`, `-1`, past
/// `i64`) matches no row, so it answers 404 exactly as a missing row does.
/// Take it after the `Caller`: a stranger learns nothing from the id.
pub struct ItemId<C> {
    id: i64,
    contract: PhantomData<fn() -> C>,
}

impl<C> Deref for ItemId<C> {
    type Target = i64;

    fn deref(&self) -> &i64 {
        &self.id
    }
}

impl<C: ErrorShape, S: Send + Sync> FromRequestParts<S> for ItemId<C> {
    type Rejection = RestError<C>;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(path) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(RestError::rejected)?;
        path_param(&path, "id")
            .and_then(|raw| raw.parse::<i64>().ok())
            .filter(|id| *id > 0)
            .map(|id| ItemId {
                id,
                contract: PhantomData,
            })
            .ok_or_else(|| AppError::NotFound.into())
    }
}
