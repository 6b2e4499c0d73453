//! Server images through seed 000: a multipart file part, checked by its
//! bytes, kept, and served back at the URL `image` reads.

use serde_json::Value;

use crate::domain::Role;
use crate::server::testing::{TestApp, spawn_app, spawn_app_with, username_of};

const BOUNDARY: &str = "----sbImageBoundary4f9a";

/// A 1x1 PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";
const SVG: &[u8] = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>";

/// Text parts, then one file part named `image`.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((filename, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; \
                 filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn send(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    url: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let r = app
        .http
        .request(method, url)
        .header("authorization", format!("Token {token}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn images_round_trip(app: &TestApp) {
    app.user("acme", "ann@acme.test", Role::Admin).await;
    let token = app.token("acme", "ann@acme.test").await;
    let base = format!(
        "{}/api/ai-mentor/orgs/acme/users/{}/mcp-servers/",
        app.base,
        username_of("ann@acme.test")
    );
    let fields = [
        ("name", "Pictured"),
        ("url", "https://pictured.example/mcp"),
    ];

    // Not an image, an SVG, and too big: refused under `image`, nothing made.
    for (file, want) in [
        (&b"hello"[..], "Upload a valid image."),
        (SVG, "Upload a valid image."),
    ] {
        let (status, errors) = send(
            app,
            &token,
            reqwest::Method::POST,
            &base,
            multipart(&fields, Some(("x.png", file))),
        )
        .await;
        assert_eq!(status, 400, "{errors}");
        assert!(
            errors["image"][0]
                .as_str()
                .is_some_and(|m| m.starts_with(want)),
            "{errors}"
        );
    }
    let mut big = PNG.to_vec();
    big.resize(crate::server::services::images::MAX_IMAGE_BYTES + 1, 0);
    let (status, errors) = send(
        app,
        &token,
        reqwest::Method::POST,
        &base,
        multipart(&fields, Some(("big.png", &big))),
    )
    .await;
    assert_eq!(status, 400, "{errors}");
    assert_eq!(errors["image"][0], "The image must be at most 2 MB.");
    let list: Value = app
        .http
        .get(&base)
        .header("authorization", format!("Token {token}"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list["count"], 0, "nothing was created: {list}");

    // A PNG: kept, and `image` is its absolute URL, served as a PNG.
    let (status, server) = send(
        app,
        &token,
        reqwest::Method::POST,
        &base,
        multipart(&fields, Some(("logo.png", PNG))),
    )
    .await;
    assert_eq!(status, 201, "{server}");
    let url = server["image"].as_str().expect("an image URL").to_owned();
    assert!(
        url.starts_with(&format!("{}/media/server-images/", app.base)) && url.ends_with(".png"),
        "{url}"
    );
    let image = app.http.get(&url).send().await.expect("image");
    assert_eq!(image.status().as_u16(), 200);
    let header = |name: &str| {
        image
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(header("content-type").as_deref(), Some("image/png"));
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    // Its own policy, not the pages' (which would let it run a script).
    assert_eq!(
        header("content-security-policy").as_deref(),
        Some("default-src 'none'; sandbox")
    );
    assert!(header("cache-control").is_some_and(|c| c.contains("immutable")));
    assert_eq!(image.bytes().await.expect("bytes").as_ref(), PNG);

    // A JSON string is not a file; null removes the image.
    let item = format!("{base}{}/", server["id"]);
    let r = app
        .http
        .patch(&item)
        .header("authorization", format!("Token {token}"))
        .json(&serde_json::json!({ "image": "https://elsewhere.example/x.png" }))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status().as_u16(), 400);
    let r = app
        .http
        .patch(&item)
        .header("authorization", format!("Token {token}"))
        .json(&serde_json::json!({ "image": null }))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status().as_u16(), 200);
    let cleared: Value = r.json().await.expect("json");
    assert_eq!(cleared["image"], Value::Null, "{cleared}");
    assert_eq!(
        app.http
            .get(&url)
            .send()
            .await
            .expect("gone")
            .status()
            .as_u16(),
        404
    );
    // A name that is not a digest is not looked up.
    let bad = format!("{}/media/server-images/..%2Fetc.png", app.base);
    assert_eq!(
        app.http
            .get(&bad)
            .send()
            .await
            .expect("bad")
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn images_round_trip_on_sqlite() {
    images_round_trip(&spawn_app().await).await;
}

#[tokio::test]
async fn images_round_trip_on_postgres() {
    let Some(url) = crate::server::testing::postgres_url().await else {
        return;
    };
    images_round_trip(&spawn_app_with(Some(url)).await).await;
}
