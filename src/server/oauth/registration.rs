//! How Switchboard becomes a client of an authorization server, in MCP's
//! order of preference after an admin-entered client: a Client ID Metadata
//! Document (the client id is the URL of a document we serve, so nothing
//! is registered), else RFC 7591 dynamic registration.

use secrecy::SecretString;
use serde::Deserialize;
use serde_json::{Value, json};

use super::discovery::AuthServerMetadata;
use super::fetch;
use super::{OAuthError, OAuthResult};
use crate::server::outbound::Outbound;
use crate::server::store::Registration;

/// Where the deployment serves its Client ID Metadata Document.
pub const METADATA_DOCUMENT_PATH: &str = "/oauth/client-metadata.json";

/// Who Switchboard says it is.
pub struct ClientIdentity<'a> {
    pub client_name: String,
    pub redirect_uri: &'a str,
    /// Our metadata document's URL, when the deployment is served over
    /// HTTPS (an authorization server fetches it, and only over HTTPS).
    pub metadata_document_url: Option<&'a str>,
    pub scope: Option<&'a str>,
}

pub struct Registered {
    pub client_id: String,
    pub client_secret: Option<SecretString>,
    pub via: Registration,
}

#[derive(Deserialize)]
struct RegistrationAnswer {
    client_id: String,
    #[serde(default)]
    client_secret: Option<String>,
}

pub async fn register(
    outbound: &Outbound,
    metadata: &AuthServerMetadata,
    me: &ClientIdentity<'_>,
) -> OAuthResult<Registered> {
    if metadata.client_id_metadata_document_supported
        && let Some(url) = me.metadata_document_url
    {
        return Ok(Registered {
            client_id: url.to_owned(),
            client_secret: None,
            via: Registration::MetadataDocument,
        });
    }
    let Some(endpoint) = metadata.registration_endpoint.as_deref() else {
        return Err(OAuthError::NoRegistration);
    };
    let endpoint = url::Url::parse(endpoint)
        .map_err(|e| OAuthError::Registration(format!("the registration endpoint: {e}")))?;
    let mut body = client_metadata(me.client_name.as_str(), me.redirect_uri);
    if let (Some(scope), Some(object)) = (me.scope, body.as_object_mut()) {
        object.insert("scope".into(), Value::String(scope.to_owned()));
    }
    let request = outbound
        .http_client_no_redirects()
        .post(endpoint)
        .header(reqwest::header::ACCEPT, "application/json")
        .json(&body);
    let answer = fetch::send(outbound, request, false)
        .await
        .map_err(|e| OAuthError::Registration(e.to_string()))?;
    if !(200..300).contains(&answer.status) {
        return Err(OAuthError::Registration(format!(
            "the authorization server answered {}{}",
            answer.status,
            error_words(&answer.body)
        )));
    }
    let registered: RegistrationAnswer = answer
        .json()
        .map_err(|why| OAuthError::Registration(format!("the answer is {why}")))?;
    if registered.client_id.trim().is_empty() {
        return Err(OAuthError::Registration(
            "the answer has an empty client_id".into(),
        ));
    }
    Ok(Registered {
        client_id: registered.client_id,
        client_secret: registered
            .client_secret
            .filter(|s| !s.is_empty())
            .map(SecretString::from),
        via: Registration::Dynamic,
    })
}

/// What Switchboard registers as, and what its metadata document says: a
/// web application with one redirect URI, using the code and refresh
/// grants, with no secret (PKCE protects the code).
pub fn client_metadata(client_name: &str, redirect_uri: &str) -> Value {
    json!({
        "client_name": client_name,
        "redirect_uris": [redirect_uri],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        "application_type": "web",
    })
}

/// The deployment's Client ID Metadata Document, served at
/// [`METADATA_DOCUMENT_PATH`].
pub fn metadata_document(document_url: &str, redirect_uri: &str) -> Value {
    let mut doc = client_metadata("Switchboard", redirect_uri);
    if let Some(object) = doc.as_object_mut() {
        object.insert("client_id".into(), Value::String(document_url.to_owned()));
    }
    doc
}

/// An OAuth error answer's `error` and `error_description`, as a suffix.
pub(super) fn error_words(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct OAuthErrorBody {
        error: Option<String>,
        error_description: Option<String>,
    }
    let Ok(parsed) = serde_json::from_slice::<OAuthErrorBody>(body) else {
        return String::new();
    };
    let words: Vec<String> = [parsed.error, parsed.error_description]
        .into_iter()
        .flatten()
        .map(|w| w.chars().take(200).collect())
        .collect();
    if words.is_empty() {
        String::new()
    } else {
        format!(": {}", words.join(": "))
    }
}
