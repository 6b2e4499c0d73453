//! Django REST framework's page-number pagination and django-filter's
//! query filters, as seed 000's clients send and read them:
//! `?page=2&page_size=12&transport=sse` in, `{count, next, previous,
//! results}` out, with `next`/`previous` absolute URLs.

use axum::Json;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::StatusCode;
use axum::http::header::HOST;
use axum::http::request::Parts;
use serde::Serialize;
use serde_json::json;
use std::convert::Infallible;
use utoipa::{IntoParams, ToSchema};

use super::model::{AUTH_TYPES, MentorError, MentorServer, SCOPES};
use crate::domain::{AgentUid, AppError, FieldError, Transport};
use crate::server::store::ServerFilter;

/// Without `page_size`, a page holds this many.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// A larger `page_size` is cut to this.
pub const MAX_PAGE_SIZE: u32 = 100;

/// A page of servers (`PaginatedMCPServerList` in ibl.ai's clients): the
/// schema of an [`Envelope`] of servers.
#[derive(ToSchema)]
#[allow(dead_code)] // describes the answer; `Envelope` is what is sent
pub struct PaginatedServers {
    pub count: u64,
    /// The next page's absolute URL, or null on the last page.
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<MentorServer>,
}

/// The list's query. Unknown parameters are ignored, as DRF does.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // describes the query; `parse` reads it
pub(super) struct ServerListParams {
    /// 1-based; past the last page answers 404 `{"detail": "Invalid page."}`.
    page: Option<u32>,
    /// Default 20, at most 100 (more is cut to 100).
    page_size: Option<u32>,
    /// A case-insensitive part of the name or the URL.
    search: Option<String>,
    /// `sse`, `websocket` or `streamable_http`.
    transport: Option<String>,
    /// `none`, `token` or `oauth2`.
    auth_type: Option<String>,
    /// `platform`, `mentor` or `user`.
    auth_scope: Option<String>,
    is_enabled: Option<bool>,
    is_featured: Option<bool>,
    /// The URL, exactly.
    url: Option<String>,
    /// Only that agent's own servers (with `include_global`, the tenant's
    /// shared servers too).
    mentor_unique_id: Option<String>,
    include_global: Option<bool>,
}

/// A list request, checked: which page, and which servers.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ListRequest {
    pub page: u32,
    pub page_size: u32,
    pub filter: ServerFilter,
}

/// Why a list query was refused.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// DRF's 404 `{"detail": "Invalid page."}`.
    InvalidPage,
    /// Filter values that do not parse, each under its own name.
    Fields(Vec<FieldError>),
}

impl From<Refused> for MentorError {
    fn from(r: Refused) -> Self {
        match r {
            // A ready answer: DRF words this 404 unlike any other.
            Refused::InvalidPage => MentorError::rejected((
                StatusCode::NOT_FOUND,
                Json(json!({ "detail": "Invalid page." })),
            )),
            Refused::Fields(fields) => AppError::Invalid(fields).into(),
        }
    }
}

/// Reads a list's query string: the page, and filters in django-filter's
/// spellings, collecting every bad value under its own name.
pub(super) struct QueryReader<'a> {
    pairs: &'a [(String, String)],
    errors: Vec<FieldError>,
}

impl<'a> QueryReader<'a> {
    pub(super) fn new(pairs: &'a [(String, String)]) -> Self {
        Self {
            pairs,
            errors: Vec::new(),
        }
    }

    /// The last value given for `name`, unless empty (django-filter's "no
    /// filter").
    pub(super) fn get(&self, name: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// `page` (1-based; anything else is DRF's 404) and `page_size`
    /// (default, or cut to the maximum).
    pub(super) fn page(&self) -> Result<(u32, u32), Refused> {
        let page = match self.pairs.iter().rev().find(|(k, _)| k == "page") {
            None => 1,
            Some((_, raw)) => match raw.parse::<u32>() {
                Ok(n) if n >= 1 => n,
                _ => return Err(Refused::InvalidPage),
            },
        };
        let page_size = self
            .get("page_size")
            .and_then(|raw| raw.parse::<u32>().ok())
            .filter(|n| *n >= 1)
            .map_or(DEFAULT_PAGE_SIZE, |n| n.min(MAX_PAGE_SIZE));
        Ok((page, page_size))
    }

    fn wrong(&mut self, name: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(name, message));
    }

    pub(super) fn choice<T: Copy>(&mut self, name: &str, options: &[(&str, T)]) -> Option<T> {
        let raw = self.get(name)?;
        match options.iter().find(|(s, _)| *s == raw) {
            Some((_, v)) => Some(*v),
            None => {
                self.wrong(
                    name,
                    format!("Select a valid choice. {raw} is not one of the available choices."),
                );
                None
            }
        }
    }

    pub(super) fn flag(&mut self, name: &str) -> Option<bool> {
        match self.get(name)? {
            "true" | "True" | "1" => Some(true),
            "false" | "False" | "0" => Some(false),
            other => {
                let other = other.to_owned();
                self.wrong(
                    name,
                    format!("Select a valid choice. {other} is not one of the available choices."),
                );
                None
            }
        }
    }

    pub(super) fn uuid(&mut self, name: &str) -> Option<AgentUid> {
        let raw = self.get(name)?;
        let parsed = AgentUid::parse(raw);
        if parsed.is_none() {
            self.wrong(name, "Enter a valid UUID.");
        }
        parsed
    }

    pub(super) fn number(&mut self, name: &str) -> Option<i64> {
        let raw = self.get(name)?;
        let parsed = raw.trim().parse::<i64>().ok();
        if parsed.is_none() {
            self.wrong(name, "Enter a number.");
        }
        parsed
    }

    /// Free text, trimmed and cut to 200 characters.
    pub(super) fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.chars().take(200).collect())
    }

    pub(super) fn finish(self) -> Result<(), Refused> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Refused::Fields(self.errors))
        }
    }
}

const TRANSPORT_CHOICES: [(&str, Transport); 3] = [
    ("sse", Transport::Sse),
    ("websocket", Transport::WebSocket),
    ("streamable_http", Transport::StreamableHttp),
];

/// Reads the server list's page and filters.
pub(super) fn parse(pairs: &[(String, String)]) -> Result<ListRequest, Refused> {
    let mut q = QueryReader::new(pairs);
    let (page, page_size) = q.page()?;
    let filter = ServerFilter {
        search: q.text("search"),
        transport: q.choice("transport", &TRANSPORT_CHOICES),
        auth_type: q.choice("auth_type", &AUTH_TYPES),
        enabled: q.flag("is_enabled"),
        featured: q.flag("is_featured"),
        url: q.get("url").map(str::to_owned),
        auth_scope: q.choice("auth_scope", &SCOPES),
        agent: q.uuid("mentor_unique_id"),
        include_shared: q.flag("include_global").unwrap_or(false),
    };
    q.finish()?;
    Ok(ListRequest {
        page,
        page_size,
        filter,
    })
}

/// What a list request brings for its page: the query's pairs, and the
/// host and path its `next`/`previous` links are built from.
pub(super) struct PageRequest {
    pairs: Vec<(String, String)>,
    host: Option<String>,
    path: String,
}

impl<S: Send + Sync> FromRequestParts<S> for PageRequest {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        let pairs = url::form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
        // Nested routers see a shortened URI; the links need the whole path.
        let path = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.path(), |o| o.0.path())
            .to_owned();
        let host = parts
            .headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned);
        Ok(Self { pairs, host, path })
    }
}

impl PageRequest {
    pub(super) fn reader(&self) -> QueryReader<'_> {
        QueryReader::new(&self.pairs)
    }

    pub(super) fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// DRF's envelope for page `page` of `count` items; past the last page
    /// (but never the first) is DRF's 404. `secure` picks the links' scheme.
    pub(super) fn envelope<T>(
        &self,
        secure: bool,
        results: Vec<T>,
        count: u64,
        page: u32,
        page_size: u32,
    ) -> Result<Envelope<T>, Refused> {
        if results.is_empty() && page > 1 {
            return Err(Refused::InvalidPage);
        }
        let (next, previous) = neighbours(
            self.host.as_deref(),
            secure,
            &self.path,
            &self.pairs,
            page,
            page_size,
            count,
        );
        Ok(Envelope {
            count,
            next,
            previous,
            results,
        })
    }
}

/// DRF's page envelope. Each list names its own schema for the OpenAPI
/// document (`PaginatedServers`, `PaginatedConnections`) with these fields.
#[derive(Debug, Serialize)]
pub struct Envelope<T> {
    pub count: u64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub results: Vec<T>,
}

/// `next` and `previous` for page `page` of `count` items: the request's own
/// URL with `page` replaced (or, for the first page, removed), as DRF builds
/// them. `None` if the request named no host.
pub(super) fn neighbours(
    host: Option<&str>,
    secure: bool,
    path: &str,
    pairs: &[(String, String)],
    page: u32,
    page_size: u32,
    count: u64,
) -> (Option<String>, Option<String>) {
    let Some(host) = host else {
        return (None, None);
    };
    let scheme = if secure { "https" } else { "http" };
    let link = |target: u32| {
        let mut url = url::Url::parse(&format!("{scheme}://{host}{path}")).ok()?;
        {
            let mut query = url.query_pairs_mut();
            query.clear();
            for (k, v) in pairs.iter().filter(|(k, _)| k != "page") {
                query.append_pair(k, v);
            }
            if target > 1 {
                query.append_pair("page", &target.to_string());
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        Some(url.to_string())
    };
    let last = count.div_ceil(u64::from(page_size.max(1))).max(1);
    let next = (u64::from(page) < last).then(|| link(page + 1)).flatten();
    let previous = (page > 1).then(|| link(page - 1)).flatten();
    (next, previous)
}

#[cfg(test)]
#[path = "page_tests.rs"]
mod tests;
