//! The sign-in page's form, posted as a browser does without script.

use crate::domain::Role;
use crate::server::testing::{reply, spawn_app};

/// The sign-in page's form posts without script (as a browser does, asking
/// for HTML): signed in, it is sent on to `next`, when `next` is this site's;
/// turned away, it is sent back to the page, which says why and keeps the
/// email but not the password.
#[tokio::test]
async fn the_sign_in_form_works_without_script() {
    let app = spawn_app().await;
    app.user("acme", "ann@acme.test", Role::Admin).await;
    let post = |password: &'static str, next: &'static str| {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("email", "ann@acme.test")
            .append_pair("password", password)
            .append_pair("next", next)
            .finish();
        app.http
            .post(format!("{}/api/auth/sign-in", app.base))
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", format!("{}/login?next=%2Faudit", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
    };

    let wrong = reply(post("not-it", "/audit").await.expect("post")).await;
    assert_eq!(wrong.status, 302, "{}", wrong.body);
    assert!(
        wrong.set_cookie.is_none(),
        "no session for a wrong password"
    );
    let back = wrong.location.expect("back to the page");
    assert!(
        back.starts_with("/login?next=%2Faudit&email=ann%40acme.test&__path="),
        "{back}"
    );
    assert!(
        !back.contains("not-it"),
        "the password is not carried: {back}"
    );
    let page = app.get(&back, None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Incorrect email or password."),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"value="ann@acme.test""#),
        "{}",
        page.body
    );

    let right = reply(post("pw-ann@acme.test", "/audit").await.expect("post")).await;
    assert_eq!(right.status, 302, "{}", right.body);
    assert_eq!(right.location.as_deref(), Some("/audit"));
    let cookie = right.set_cookie.expect("a session");
    let cookie = cookie.split(';').next().expect("cookie pair");
    assert_eq!(app.get("/audit", Some(cookie)).await.status, 200);

    let elsewhere = reply(
        post("pw-ann@acme.test", "https://evil.example/")
            .await
            .expect("post"),
    )
    .await;
    assert_eq!(
        elsewhere.location.as_deref(),
        Some("/"),
        "next off this site goes home"
    );
}
