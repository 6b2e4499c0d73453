//! Calling the REST surfaces as a script would: with an API token or not,
//! any method, any headers.

use super::{Reply, TestApp, reply};
use crate::domain::{NewApiToken, TokenKind};
use crate::server::services::tokens;

impl TestApp {
    /// An API token for a user made by [`TestApp::user`], in that tenant.
    pub async fn token(&self, tenant: &str, email: &str) -> String {
        self.token_of_kind(tenant, email, TokenKind::User).await
    }

    /// A runtime token (resolve only), made by an admin of the tenant.
    pub async fn runtime_token(&self, tenant: &str, email: &str) -> String {
        self.token_of_kind(tenant, email, TokenKind::Runtime).await
    }

    /// A tenant's id by its slug.
    pub async fn tenant_id(&self, slug: &str) -> crate::domain::TenantId {
        self.state
            .ports
            .store
            .tenant_by_slug(slug)
            .await
            .expect("tenant query")
            .expect("tenant")
            .id
    }

    /// A user's id by their email.
    pub async fn user_id(&self, email: &str) -> crate::domain::UserId {
        self.state
            .ports
            .store
            .user_by_email(email)
            .await
            .expect("user query")
            .expect("user")
            .id
    }

    async fn token_of_kind(&self, tenant: &str, email: &str, kind: TokenKind) -> String {
        let (tenant, user) = (self.tenant_id(tenant).await, self.user_id(email).await);
        let name = format!("test {}", &crate::server::auth::session::new_token()[..16]);
        let new = NewApiToken {
            name,
            kind,
            ..Default::default()
        };
        tokens::issue(&self.state.ports, tenant, user, new)
            .await
            .expect("token")
            .secret
    }

    /// An agent of an existing tenant, made as `agents create` makes one.
    pub async fn agent(&self, tenant: &str, name: &str) -> crate::domain::AgentUid {
        crate::server::services::agents::create_in(
            &self.state.ports,
            self.tenant_id(tenant).await,
            crate::domain::NewAgent {
                name: name.into(),
                slug: None,
            },
        )
        .await
        .expect("agent")
        .unique_id
    }

    /// One REST request. `auth` is the whole `Authorization` value.
    pub async fn rest(
        &self,
        method: &str,
        path: &str,
        auth: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        reply(req.send().await.expect("REST request")).await
    }

    /// [`TestApp::rest`], answering the status and the body as JSON (`Null`
    /// when empty).
    pub async fn rest_json(
        &self,
        method: &str,
        path: &str,
        auth: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let r = self.rest(method, path, auth, headers, body).await;
        let json = if r.body.is_empty() {
            serde_json::Value::Null
        } else {
            r.json()
        };
        (r.status, json)
    }
}

/// The username [`TestApp::user`] gives an email.
pub fn username_of(email: &str) -> String {
    email.replace(['@', '.'], "-")
}
