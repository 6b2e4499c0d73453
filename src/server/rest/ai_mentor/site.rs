//! Where a request reached us, for the absolute URLs DRF answers file
//! fields with.

use axum::extract::FromRequestParts;
use axum::http::header::HOST;
use axum::http::request::Parts;

use crate::server::services::images::MEDIA_PATH;
use crate::server::state::AppState;

/// The scheme and host a request reached us by, for absolute URLs (DRF
/// answers file fields with them).
pub struct Site(Option<String>);

impl FromRequestParts<AppState> for Site {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let scheme = if state.config.secure_cookies {
            "https"
        } else {
            "http"
        };
        let host = parts
            .headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            // A Host header that is not a plain authority makes no URL.
            .filter(|h| {
                url::Url::parse(&format!("{scheme}://{h}/")).is_ok_and(|u| u.path() == "/")
            });
        Ok(Site(host.map(|h| format!("{scheme}://{h}"))))
    }
}

impl Site {
    pub fn media_url(&self, name: &str) -> String {
        let path = format!("{MEDIA_PATH}/{name}");
        match &self.0 {
            Some(origin) => format!("{origin}{path}"),
            None => path,
        }
    }
}
