//! The emulator driven in process (`oneshot`): every endpoint, every documented
//! error, every fault, both NOMAD versions, and bad input of every kind.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use emulator::{router, EmulatorConfig, Lifetimes, NomadVersion};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

const FORM: &str = "application/x-www-form-urlencoded";

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|_| panic!("not JSON: {}", &self.text[..self.text.len().min(200)]))
    }
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    content_type: Option<&str>,
    body: &str,
    bearer: Option<&str>,
) -> Answer {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "127.0.0.1:9");
    if let Some(ct) = content_type {
        req = req.header(header::CONTENT_TYPE, ct);
    }
    if let Some(t) = bearer {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let resp = app
        .clone()
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = match resp.into_body().collect().await {
        Ok(b) => String::from_utf8_lossy(&b.to_bytes()).into_owned(),
        Err(_) => "<connection dropped>".into(),
    };
    Answer {
        status,
        headers,
        text,
    }
}

fn app() -> Router {
    router(EmulatorConfig::default())
}

fn app_v13() -> Router {
    router(EmulatorConfig {
        nomad_version: NomadVersion::V1_3,
        ..Default::default()
    })
}

async fn nomad_token(app: &Router, user: &str, password: &str) -> String {
    let a = call(
        app,
        "POST",
        "/nomad/api/v1/auth/token",
        Some(FORM),
        &format!("grant_type=password&username={user}&password={password}"),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    a.json()["access_token"].as_str().unwrap().to_string()
}

// ---------- NOMAD ----------

/// The deprecated `GET /auth/token?username=&password=` (1.3 only).
async fn token_by_get(app: &Router) -> Answer {
    call(
        app,
        "GET",
        "/nomad/api/v1/auth/token?username=ada&password=ada-demo-pw",
        None,
        "",
        None,
    )
    .await
}

#[tokio::test]
async fn nomad_info_names_the_version() {
    assert_eq!(
        call(&app(), "GET", "/nomad/api/v1/info", None, "", None)
            .await
            .json()["version"],
        "1.4.3"
    );
    assert_eq!(
        call(&app_v13(), "GET", "/nomad/api/v1/info", None, "", None)
            .await
            .json()["version"],
        "1.3.16"
    );
}

#[tokio::test]
async fn nomad_1_4_token_is_post_only_with_grant_type_and_the_oidc_body() {
    let app = app();
    let ok = call(
        &app,
        "POST",
        "/nomad/api/v1/auth/token",
        Some(FORM),
        "grant_type=password&username=ada&password=ada-demo-pw",
        None,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.headers[header::CACHE_CONTROL], "no-store");
    let body = ok.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 300);
    for key in ["refresh_token", "scope", "id_token", "refresh_expires_in"] {
        assert!(body.get(key).is_some(), "{key}");
    }
    assert!(body["id_token"].is_null());

    let missing = call(
        &app,
        "POST",
        "/nomad/api/v1/auth/token",
        Some(FORM),
        "username=ada&password=ada-demo-pw",
        None,
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        missing.json()["detail"][0]["loc"],
        json!(["body", "grant_type"])
    );
    assert_eq!(missing.json()["detail"][0]["type"], "missing");

    let get = token_by_get(&app).await;
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn nomad_1_3_token_by_get_or_post_without_expires_in() {
    let app = app_v13();
    let get = token_by_get(&app).await;
    assert_eq!(get.status, StatusCode::OK);
    assert_eq!(get.json()["token_type"], "bearer");
    assert!(get.json().get("expires_in").is_none());
    let post = call(
        &app,
        "POST",
        "/nomad/api/v1/auth/token",
        Some(FORM),
        "username=ada&password=ada-demo-pw",
        None,
    )
    .await;
    assert_eq!(post.status, StatusCode::OK);
    assert_eq!(post.json().as_object().unwrap().len(), 2);
}

#[tokio::test]
async fn nomad_1_4_0_token_is_post_only_with_the_1_3_answer() {
    let app = router(EmulatorConfig {
        nomad_version: NomadVersion::V1_4_0,
        ..Default::default()
    });
    let info = call(&app, "GET", "/nomad/api/v1/info", None, "", None).await;
    assert_eq!(info.json()["version"], "1.4.2");
    let get = token_by_get(&app).await;
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED);
    // `grant_type` may be left out, or given as `password` (what the widget sends).
    for body in [
        "username=ada&password=ada-demo-pw",
        "grant_type=password&username=ada&password=ada-demo-pw",
    ] {
        let post = call(
            &app,
            "POST",
            "/nomad/api/v1/auth/token",
            Some(FORM),
            body,
            None,
        )
        .await;
        assert_eq!(post.status, StatusCode::OK, "{body}");
        assert_eq!(post.json()["token_type"], "bearer");
        assert_eq!(post.json().as_object().unwrap().len(), 2, "no expires_in");
    }
    let wrong = call(
        &app,
        "POST",
        "/nomad/api/v1/auth/token",
        Some(FORM),
        "grant_type=client_credentials&username=ada&password=ada-demo-pw",
        None,
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn nomad_wrong_credentials_and_missing_fields() {
    let app = app();
    let wrong = call(
        &app,
        "POST",
        "/nomad/api/v1/auth/token",
        Some(FORM),
        "grant_type=password&username=ada&password=nope",
        None,
    )
    .await;
    assert_eq!(
        (wrong.status, wrong.json()),
        (
            StatusCode::UNAUTHORIZED,
            json!({"detail": "Incorrect username or password"})
        )
    );
    let no_password = call(
        &app,
        "POST",
        "/nomad/api/v1/auth/token",
        Some(FORM),
        "grant_type=password&username=ada",
        None,
    )
    .await;
    assert_eq!(no_password.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        no_password.json()["detail"][0]["loc"],
        json!(["body", "password"])
    );
    // JSON instead of a form: FastAPI sees no form fields.
    let as_json = call(
        &app,
        "POST",
        "/nomad/api/v1/auth/token",
        Some("application/json"),
        r#"{"username":"ada"}"#,
        None,
    )
    .await;
    assert_eq!(as_json.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_grant = call(
        &app,
        "POST",
        "/nomad/api/v1/auth/token",
        Some(FORM),
        "grant_type=client_credentials&username=ada&password=x",
        None,
    )
    .await;
    assert_eq!(bad_grant.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn nomad_app_token_bounds_and_auth() {
    let app = app();
    let token = nomad_token(&app, "ada", "ada-demo-pw").await;
    let ok = call(
        &app,
        "GET",
        "/nomad/api/v1/auth/app_token?expires_in=86400",
        None,
        "",
        Some(&token),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    let app_token = ok.json()["app_token"].as_str().unwrap().to_string();
    assert!(
        ok.json().get("access_token").is_none(),
        "the real server answers app_token"
    );
    // The app token works for uploads.
    assert_eq!(
        call(
            &app,
            "GET",
            "/nomad/api/v1/uploads",
            None,
            "",
            Some(&app_token)
        )
        .await
        .status,
        StatusCode::OK
    );
    for bad in ["0", "2592001", "-5", "soon"] {
        let a = call(
            &app,
            "GET",
            &format!("/nomad/api/v1/auth/app_token?expires_in={bad}"),
            None,
            "",
            Some(&token),
        )
        .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    assert_eq!(
        call(
            &app,
            "GET",
            "/nomad/api/v1/auth/app_token",
            None,
            "",
            Some(&token)
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        call(
            &app,
            "GET",
            "/nomad/api/v1/auth/app_token?expires_in=2592000",
            None,
            "",
            Some(&token)
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        call(
            &app,
            "GET",
            "/nomad/api/v1/auth/app_token?expires_in=60",
            None,
            "",
            None
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn nomad_uploads_need_a_valid_token() {
    let app = app();
    let none = call(&app, "GET", "/nomad/api/v1/uploads", None, "", None).await;
    assert_eq!(
        (none.status, none.json()["detail"].clone()),
        (StatusCode::UNAUTHORIZED, json!("Authentication required."))
    );
    let forged = call(
        &app,
        "GET",
        "/nomad/api/v1/uploads",
        None,
        "",
        Some("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."),
    )
    .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        forged.json()["detail"],
        "Could not validate credentials. The given token is invalid."
    );
    // A token from another emulator process (another key) is refused too.
    let other = nomad_token(&self::app(), "ada", "ada-demo-pw").await;
    assert_eq!(
        call(&app, "GET", "/nomad/api/v1/uploads", None, "", Some(&other))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn tokens_expire_with_a_one_second_lifetime() {
    let app = router(EmulatorConfig {
        lifetimes: Lifetimes {
            nomad: 1,
            nemo: 1,
            nebula: 1,
        },
        ..Default::default()
    });
    let token = nomad_token(&app, "ada", "ada-demo-pw").await;
    let app_token = call(
        &app,
        "GET",
        "/nomad/api/v1/auth/app_token?expires_in=1",
        None,
        "",
        Some(&token),
    )
    .await
    .json()["app_token"]
        .as_str()
        .unwrap()
        .to_string();
    let nebula = call(
        &app,
        "POST",
        "/nebula/api/v1/login",
        Some(FORM),
        "username=demo%40nebula.example&password=nebula-demo-pw",
        None,
    )
    .await
    .json()["data"]["jwtToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        call(&app, "GET", "/nomad/api/v1/uploads", None, "", Some(&token))
            .await
            .status,
        StatusCode::OK
    );
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let expired = call(&app, "GET", "/nomad/api/v1/uploads", None, "", Some(&token)).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        expired.json()["detail"],
        "Could not validate credentials. The given token is invalid."
    );
    let expired_app = call(
        &app,
        "GET",
        "/nomad/api/v1/uploads",
        None,
        "",
        Some(&app_token),
    )
    .await;
    assert_eq!(
        (expired_app.status, expired_app.json()["detail"].clone()),
        (StatusCode::UNAUTHORIZED, json!("Expired token."))
    );
    assert_eq!(
        call(
            &app,
            "GET",
            "/nebula/api/v1/users/credits",
            None,
            "",
            Some(&nebula)
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn lifetimes_change_at_run_time() {
    let app = app();
    let set = call(
        &app,
        "POST",
        "/_emulator/lifetimes",
        Some("application/json"),
        r#"{"nomad": 5}"#,
        None,
    )
    .await;
    assert_eq!(set.json()["nomad"], 5);
    let a = call(
        &app,
        "POST",
        "/nomad/api/v1/auth/token",
        Some(FORM),
        "grant_type=password&username=ada&password=ada-demo-pw",
        None,
    )
    .await;
    assert_eq!(a.json()["expires_in"], 5);
    let bad = call(
        &app,
        "POST",
        "/_emulator/lifetimes",
        Some("application/json"),
        r#"{"nomad": 0}"#,
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn uploads(app: &Router, token: &str, query: &str) -> Answer {
    call(
        app,
        "GET",
        &format!("/nomad/api/v1/uploads?{query}"),
        None,
        "",
        Some(token),
    )
    .await
}

#[tokio::test]
async fn pagination_over_ten_thousand_uploads() {
    let app = app();
    let token = nomad_token(&app, "bulk", "bulk-demo-pw").await;
    let first = uploads(
        &app,
        &token,
        "page_size=100&page=1&order_by=upload_create_time&order=desc",
    )
    .await
    .json();
    let p = &first["pagination"];
    assert_eq!(
        (
            p["total"].clone(),
            p["page"].clone(),
            p["page_size"].clone()
        ),
        (json!(10_000), json!(1), json!(100))
    );
    assert!(
        p.get("page_after_value").is_none() && p.get("prev_page_url").is_none(),
        "null keys are left out"
    );
    assert_eq!(p["next_page_after_value"], "99");
    assert!(p["next_page_url"].as_str().unwrap().contains("page=2"));
    assert_eq!(first["data"].as_array().unwrap().len(), 100);

    let middle = uploads(&app, &token, "page_size=100&page=50&order=desc")
        .await
        .json();
    assert_eq!(middle["pagination"]["page_after_value"], "4899");
    assert!(middle["pagination"]["prev_page_url"]
        .as_str()
        .unwrap()
        .contains("page=49"));

    let last = uploads(&app, &token, "page_size=100&page=100&order=desc")
        .await
        .json();
    assert_eq!(last["data"].as_array().unwrap().len(), 100);
    assert!(last["pagination"].get("next_page_url").is_none());

    let uneven = uploads(&app, &token, "page_size=25&page=400").await.json();
    assert_eq!(uneven["data"].as_array().unwrap().len(), 25);
    let partial = uploads(&app, &token, "page_size=3&page=3334").await.json();
    assert_eq!(partial["data"].as_array().unwrap().len(), 1);

    let out = uploads(&app, &token, "page_size=100&page=101").await;
    assert_eq!(
        (out.status, out.json()),
        (
            StatusCode::BAD_REQUEST,
            json!({"detail": "Page out of range requested."})
        )
    );
    let after = uploads(&app, &token, "page_size=10&page_after_value=9989")
        .await
        .json();
    assert_eq!(after["data"].as_array().unwrap().len(), 10);

    // Every page is distinct: no upload seen twice walking in pages of 1000.
    let mut seen = std::collections::HashSet::new();
    for page in 1..=10 {
        for u in uploads(
            &app,
            &token,
            &format!("page_size=1000&page={page}&order_by=upload_name"),
        )
        .await
        .json()["data"]
            .as_array()
            .unwrap()
        {
            assert!(seen.insert(u["upload_id"].as_str().unwrap().to_string()));
        }
    }
    assert_eq!(seen.len(), 10_000);
}

#[tokio::test]
async fn uploads_sort_filter_and_empty_account() {
    let app = app();
    let token = nomad_token(&app, "ada", "ada-demo-pw").await;
    let names: Vec<String> = uploads(&app, &token, "page_size=25&order_by=upload_name&order=asc")
        .await
        .json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["upload_name"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(names.iter().any(|n| n == "<img src=x onerror=alert(1)>"));

    let desc = uploads(
        &app,
        &token,
        "page_size=25&order_by=upload_create_time&order=desc",
    )
    .await
    .json();
    let times: Vec<&str> = desc["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["upload_create_time"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));

    let published = uploads(&app, &token, "page_size=25&is_published=true")
        .await
        .json();
    assert!(published["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["published"] == true));
    assert_eq!(published["query"]["is_published"], "true");
    let processing = uploads(&app, &token, "page_size=25&is_processing=true")
        .await
        .json();
    assert!(!processing["data"].as_array().unwrap().is_empty());
    assert!(processing["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["process_running"] == true && u.get("complete_time").is_none()));

    for bad in [
        "order=sideways",
        "order_by=size",
        "is_published=maybe",
        "page=0",
        "page_size=lots",
        "page_size=5000",
    ] {
        assert_eq!(
            uploads(&app, &token, bad).await.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}"
        );
    }

    let newbie = nomad_token(&app, "newbie", "newbie-demo-pw").await;
    let empty = uploads(&app, &newbie, "page_size=10&page=1").await.json();
    assert_eq!(
        (empty["data"].clone(), empty["pagination"]["total"].clone()),
        (json!([]), json!(0))
    );
}

// ---------- NeMO ----------

#[tokio::test]
async fn nemo_login_success_failure_and_bad_input() {
    let app = app();
    let ok = call(
        &app,
        "POST",
        "/nemo/v1/login",
        Some("application/json"),
        r#"{"username":"jdoe","password":"nemo-demo-pw"}"#,
        None,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    let body = ok.json();
    assert_eq!(
        (
            body["message"].clone(),
            body["first"].clone(),
            body["last"].clone()
        ),
        (json!("Successful login."), json!("John"), json!("Doe"))
    );
    assert!(body["jwt"].as_str().unwrap().split('.').count() == 3);
    let expire_at = body["expireAt"].as_u64().unwrap();
    assert!(expire_at < 100_000_000_000, "seconds by default");
    // The documented curl call sends no content type at all.
    assert_eq!(
        call(
            &app,
            "POST",
            "/nemo/v1/login",
            None,
            r#"{"username":"jdoe","password":"nemo-demo-pw"}"#,
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    let wrong = call(
        &app,
        "POST",
        "/nemo/v1/login",
        Some("application/json"),
        r#"{"username":"jdoe","password":"x"}"#,
        None,
    )
    .await;
    assert_eq!(wrong.json(), json!({"message": "Login failed."}));
    assert!(!wrong.status.is_success());
    for bad in [
        "",
        "{",
        "[]",
        r#"{"username":"jdoe"}"#,
        "username=jdoe&password=nemo-demo-pw",
    ] {
        let a = call(
            &app,
            "POST",
            "/nemo/v1/login",
            Some("application/json"),
            bad,
            None,
        )
        .await;
        assert_eq!(
            (a.status, a.json()),
            (StatusCode::BAD_REQUEST, json!({"message": "Login failed."})),
            "{bad}"
        );
    }
    let ms = router(EmulatorConfig {
        nemo_expire_at_ms: true,
        ..Default::default()
    });
    let a = call(
        &ms,
        "POST",
        "/nemo/v1/login",
        None,
        r#"{"username":"jdoe","password":"nemo-demo-pw"}"#,
        None,
    )
    .await;
    assert!(a.json()["expireAt"].as_u64().unwrap() >= 100_000_000_000);
}

// ---------- Siminars ----------

const DIGEST: &str = "9f80d0bd2cdbbb89ac0287643a39bed2";

async fn stats(app: &Router) -> Value {
    call(app, "GET", "/_emulator/stats", None, "", None)
        .await
        .json()
}

#[tokio::test]
async fn siminars_login_with_digest_logout_and_token_death() {
    let app = app();
    let ok = call(
        &app,
        "POST",
        "/siminars/authtoken",
        Some("application/json"),
        &json!({"email": "Piyush@Siminars.COM", "password": DIGEST, "apitoken": 2}).to_string(),
        None,
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED);
    let body = ok.json();
    assert_eq!(
        (body["status"].clone(), body["data"]["user_id"].clone()),
        (json!(201), json!("133550072236313429963702"))
    );
    let token = body["data"]["authtoken"].as_str().unwrap().to_string();

    let whoami = |t: &str| json!({"authtoken": t, "apitoken": "2"}).to_string();
    assert_eq!(
        call(
            &app,
            "POST",
            "/siminars/whoami",
            Some("application/json"),
            &whoami(&token),
            None
        )
        .await
        .status,
        StatusCode::OK
    );
    let out = call(
        &app,
        "DELETE",
        "/siminars/authtoken",
        Some("application/json"),
        &whoami(&token),
        None,
    )
    .await;
    assert_eq!(out.status, StatusCode::OK);
    assert_eq!(
        call(
            &app,
            "POST",
            "/siminars/whoami",
            Some("application/json"),
            &whoami(&token),
            None
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(
            &app,
            "DELETE",
            "/siminars/authtoken",
            Some("application/json"),
            &whoami(&token),
            None
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(stats(&app).await["siminars_non_digest_passwords"], 0);
}

#[tokio::test]
async fn siminars_rejects_the_plaintext_password_like_any_wrong_one() {
    let app = app();
    let plaintext = call(
        &app,
        "POST",
        "/siminars/authtoken",
        Some("application/json"),
        r#"{"email":"piyush@siminars.com","password":"Hello","apitoken":"2"}"#,
        None,
    )
    .await;
    assert_eq!(plaintext.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(plaintext.json()["message"], "Invalid Username or Password.");
    assert_eq!(stats(&app).await["siminars_non_digest_passwords"], 1);
    let wrong_digest = call(&app, "POST", "/siminars/authtoken", Some("application/json"),
        r#"{"email":"piyush@siminars.com","password":"00000000000000000000000000000000","apitoken":"2"}"#, None).await;
    assert_eq!(wrong_digest.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stats(&app).await["siminars_non_digest_passwords"], 1);
}

#[tokio::test]
async fn siminars_checks_the_apitoken_and_bad_input() {
    let app = app();
    for (body, status) in [
        (
            json!({"email": "piyush@siminars.com", "password": DIGEST, "apitoken": "3"})
                .to_string(),
            StatusCode::FORBIDDEN,
        ),
        (
            json!({"email": "piyush@siminars.com", "password": DIGEST}).to_string(),
            StatusCode::FORBIDDEN,
        ),
        (
            json!({"email": "piyush@siminars.com", "apitoken": "2"}).to_string(),
            StatusCode::BAD_REQUEST,
        ),
        ("{".to_string(), StatusCode::BAD_REQUEST),
        ("[1]".to_string(), StatusCode::BAD_REQUEST),
    ] {
        let a = call(
            &app,
            "POST",
            "/siminars/authtoken",
            Some("application/json"),
            &body,
            None,
        )
        .await;
        assert_eq!(a.status, status, "{body}");
        assert_eq!(a.json()["code"], status.as_u16());
    }
    // The documented content type and a form are accepted too.
    let js = call(
        &app,
        "POST",
        "/siminars/authtoken",
        Some("application/javascript"),
        &json!({"email": "piyush@siminars.com", "password": DIGEST, "apitoken": "2"}).to_string(),
        None,
    )
    .await;
    assert_eq!(js.status, StatusCode::CREATED);
    let form = call(
        &app,
        "POST",
        "/siminars/authtoken",
        Some(FORM),
        &format!("email=piyush%40siminars.com&password={DIGEST}&apitoken=2"),
        None,
    )
    .await;
    assert_eq!(form.status, StatusCode::CREATED);
}

// ---------- Nebula ----------

#[tokio::test]
async fn nebula_login_token_and_api_key_credits() {
    let app = app();
    let ok = call(
        &app,
        "POST",
        "/nebula/api/v1/login",
        Some(FORM),
        "username=demo%40nebula.example&password=nebula-demo-pw",
        None,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    let body = ok.json();
    assert_eq!(
        (body["status"].clone(), body["message"].clone()),
        (json!("success"), json!("Login successful"))
    );
    let token = body["data"]["jwtToken"].as_str().unwrap().to_string();
    let claims: Value = {
        use base64::Engine;
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(token.split('.').nth(1).unwrap())
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        7200
    );

    let credits = call(
        &app,
        "GET",
        "/nebula/api/v1/users/credits",
        None,
        "",
        Some(&token),
    )
    .await;
    assert_eq!(
        credits.json(),
        json!({"data": {"available_balance": 42.5}, "status": "success"})
    );
    let key = call(
        &app,
        "GET",
        "/nebula/api/v1/users/credits",
        None,
        "",
        Some("ak_demoKey_W4KL0Rw8Rv6Mp7h7fY77dFgHDl"),
    )
    .await;
    assert_eq!(key.status, StatusCode::OK);
    for bad in [Some("ak_wrong"), Some("not-a-token"), None] {
        let a = call(&app, "GET", "/nebula/api/v1/users/credits", None, "", bad).await;
        assert_eq!(
            (a.status, a.json()["status"].clone()),
            (StatusCode::UNAUTHORIZED, json!("failed")),
            "{bad:?}"
        );
    }
    let wrong = call(
        &app,
        "POST",
        "/nebula/api/v1/login",
        Some(FORM),
        "username=demo%40nebula.example&password=x",
        None,
    )
    .await;
    assert_eq!(wrong.json()["status"], "failed");
    // The seed's not-even-JSON example body.
    let seed = call(
        &app,
        "POST",
        "/nebula/api/v1/login",
        Some("application/json"),
        r#"{"username": "a", "password": "b",}"#,
        None,
    )
    .await;
    assert_eq!(
        (seed.status, seed.json()["status"].clone()),
        (StatusCode::BAD_REQUEST, json!("failed"))
    );
}

// ---------- faults ----------

#[tokio::test]
async fn every_fault_by_query_header_and_control_endpoint() {
    let app = app();
    let info = "/nomad/api/v1/info";
    let html = call(
        &app,
        "GET",
        &format!("{info}?fault=html500"),
        None,
        "",
        None,
    )
    .await;
    assert_eq!(html.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(html.text.starts_with("<!DOCTYPE html>"));
    let busy = call(&app, "GET", &format!("{info}?fault=503=30"), None, "", None).await;
    assert_eq!(
        (
            busy.status,
            busy.headers[header::RETRY_AFTER].to_str().unwrap()
        ),
        (StatusCode::SERVICE_UNAVAILABLE, "30")
    );
    let many = call(&app, "GET", &format!("{info}?fault=429"), None, "", None).await;
    assert_eq!(
        (
            many.status,
            many.headers[header::RETRY_AFTER].to_str().unwrap()
        ),
        (StatusCode::TOO_MANY_REQUESTS, "10")
    );
    let cut = call(
        &app,
        "GET",
        &format!("{info}?fault=truncated"),
        None,
        "",
        None,
    )
    .await;
    assert_eq!(cut.status, StatusCode::OK);
    assert!(serde_json::from_str::<Value>(&cut.text).is_err() && cut.text.starts_with('{'));
    let wrong_type = call(
        &app,
        "GET",
        &format!("{info}?fault=wrong-content-type"),
        None,
        "",
        None,
    )
    .await;
    assert!(wrong_type.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let empty = call(&app, "GET", &format!("{info}?fault=empty"), None, "", None).await;
    assert_eq!((empty.status, empty.text.as_str()), (StatusCode::OK, ""));
    let large = call(&app, "GET", &format!("{info}?fault=large"), None, "", None).await;
    assert!(
        large.text.len() > 10 * 1024 * 1024 && serde_json::from_str::<Value>(&large.text).is_ok()
    );
    let dropped = call(&app, "GET", &format!("{info}?fault=drop"), None, "", None).await;
    assert_eq!(dropped.text, "<connection dropped>");

    let started = std::time::Instant::now();
    let slow = call(
        &app,
        "GET",
        &format!("{info}?fault=latency=300"),
        None,
        "",
        None,
    )
    .await;
    assert!(started.elapsed().as_millis() >= 300 && slow.status == StatusCode::OK);

    let mut req = Request::builder()
        .uri(info)
        .header("x-emulator-fault", "html500");
    req = req.header(header::HOST, "x");
    let by_header = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(by_header.status(), StatusCode::INTERNAL_SERVER_ERROR);

    // Armed for the next two NOMAD requests only; control endpoints are never faulted.
    let armed = call(
        &app,
        "POST",
        "/_emulator/faults",
        Some("application/json"),
        r#"{"fault":"503","path_prefix":"/nomad/","count":2}"#,
        None,
    )
    .await;
    assert_eq!(armed.status, StatusCode::OK);
    assert_eq!(
        call(&app, "GET", "/nemo/v1/login", None, "", None)
            .await
            .status,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(
        call(&app, "GET", info, None, "", None).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        call(&app, "GET", info, None, "", None).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        call(&app, "GET", info, None, "", None).await.status,
        StatusCode::OK
    );
    let unknown = call(
        &app,
        "POST",
        "/_emulator/faults",
        Some("application/json"),
        r#"{"fault":"explode"}"#,
        None,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    call(
        &app,
        "POST",
        "/_emulator/faults",
        Some("application/json"),
        r#"{"fault":"html500","count":5}"#,
        None,
    )
    .await;
    assert_eq!(
        call(&app, "DELETE", "/_emulator/faults", None, "", None)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        call(&app, "GET", info, None, "", None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_server_wide_fault_from_the_flag() {
    let app = router(EmulatorConfig {
        fault: emulator::Fault::parse("html500"),
        ..Default::default()
    });
    assert_eq!(
        call(&app, "GET", "/nomad/api/v1/info", None, "", None)
            .await
            .status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        call(&app, "GET", "/_emulator/stats", None, "", None)
            .await
            .status,
        StatusCode::OK
    );
}

// ---------- bad input to the emulator itself, and CORS ----------

#[tokio::test]
async fn unknown_paths_methods_and_oversized_bodies() {
    let app = app();
    let unknown = call(&app, "GET", "/nomad/api/v1/nothing-here", None, "", None).await;
    assert_eq!(
        (unknown.status, unknown.json()),
        (StatusCode::NOT_FOUND, json!({"detail": "Not Found"}))
    );
    assert_eq!(
        call(&app, "GET", "/", None, "", None).await.status,
        StatusCode::NOT_FOUND
    );
    for (method, path) in [
        ("DELETE", "/nomad/api/v1/uploads"),
        ("PUT", "/nemo/v1/login"),
        ("GET", "/nebula/api/v1/login"),
        ("PATCH", "/siminars/authtoken"),
    ] {
        let a = call(&app, method, path, None, "", None).await;
        assert_eq!(
            (a.status, a.json()),
            (
                StatusCode::METHOD_NOT_ALLOWED,
                json!({"detail": "Method Not Allowed"})
            ),
            "{method} {path}"
        );
    }
    let huge = "x".repeat(200 * 1024);
    for path in [
        "/nomad/api/v1/auth/token",
        "/nemo/v1/login",
        "/siminars/authtoken",
        "/nebula/api/v1/login",
    ] {
        let a = call(&app, "POST", path, Some(FORM), &huge, None).await;
        assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
    }
}

#[tokio::test]
async fn cors_is_answered_like_nomad_including_errors() {
    let app = app();
    let preflight = Request::builder()
        .method("OPTIONS")
        .uri("/nomad/api/v1/uploads")
        .header(header::ORIGIN, "http://127.0.0.1:8080")
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization")
        .body(Body::empty())
        .unwrap();
    let resp = app.clone().oneshot(preflight).await.unwrap();
    assert!(resp.status().is_success());
    let h = resp.headers();
    assert_eq!(
        h[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "http://127.0.0.1:8080"
    );
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    assert!(h[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .contains("authorization"));

    let error = Request::builder()
        .uri("/nomad/api/v1/uploads")
        .header(header::ORIGIN, "http://lab.example")
        .body(Body::empty())
        .unwrap();
    let resp = app.oneshot(error).await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        resp.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "http://lab.example"
    );
}

#[tokio::test]
async fn accounts_are_listed() {
    let list = call(&app(), "GET", "/_emulator/accounts", None, "", None)
        .await
        .json();
    assert!(list["accounts"].as_array().unwrap().len() >= 7);
}

#[tokio::test]
async fn nomad_personal_access_tokens_scopes_and_oasis_refusals() {
    let app = app();
    let uploads = |token: &'static str| {
        let app = app.clone();
        async move {
            call(
                &app,
                "GET",
                "/nomad/api/v1/uploads?page_size=1",
                None,
                "",
                Some(token),
            )
            .await
        }
    };
    let good = uploads(emulator::accounts::DEMO_PAT).await;
    assert_eq!(good.status, StatusCode::OK);
    assert_eq!(good.json()["pagination"]["total"], 25);
    let scoped = uploads(emulator::accounts::DEMO_PAT_NO_UPLOADS).await;
    assert_eq!(scoped.status, StatusCode::FORBIDDEN);
    assert_eq!(scoped.json()["detail"], "Missing scopes: uploads:read");
    let unknown = uploads("nomad_pat_notARealTokenAtAll_000000000000000000000").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    // The Oasis account signs in, and is refused on its first authenticated call.
    let token = nomad_token(&app, "outsider", "outsider-demo-pw").await;
    let refused = call(&app, "GET", "/nomad/api/v1/uploads", None, "", Some(&token)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        refused.json()["detail"],
        "You are not authorized to access this Oasis."
    );
}

fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// A token's lifetime in seconds, from its claims.
fn lifetime(token: &str) -> u64 {
    let c = claims(token);
    c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap()
}

/// `POST /_emulator/<path>` with a JSON body.
async fn control(app: &Router, path: &str, body: Value) -> Answer {
    let uri = format!("/_emulator/{path}");
    call(
        app,
        "POST",
        &uri,
        Some("application/json"),
        &body.to_string(),
        None,
    )
    .await
}

async fn nebula_token(app: &Router) -> String {
    let body = "username=demo%40nebula.example&password=nebula-demo-pw";
    let login = call(app, "POST", "/nebula/api/v1/login", Some(FORM), body, None).await;
    login.json()["data"]["jwtToken"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn credits(app: &Router, token: &str) -> StatusCode {
    call(
        app,
        "GET",
        "/nebula/api/v1/users/credits",
        None,
        "",
        Some(token),
    )
    .await
    .status
}

#[tokio::test]
async fn a_short_session_applies_to_the_next_token_of_that_account_once() {
    let app = app();
    let short = |provider: &str, account: &str| json!({"provider": provider, "account": account, "seconds": 30});
    let a = control(&app, "short-session", short("nomad", "ada")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(lifetime(&nomad_token(&app, "ada", "ada-demo-pw").await), 30);
    assert_eq!(
        lifetime(&nomad_token(&app, "ada", "ada-demo-pw").await),
        300
    );

    // Named by email too; another account is not affected.
    let a = control(&app, "short-session", short("nomad", "ADA@nomad.example")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        lifetime(&nomad_token(&app, "newbie", "newbie-demo-pw").await),
        300
    );
    assert_eq!(lifetime(&nomad_token(&app, "ada", "ada-demo-pw").await), 30);

    // Nebula's next login answers a 30-second JWT.
    control(
        &app,
        "short-session",
        short("nebula", "demo@nebula.example"),
    )
    .await;
    assert_eq!(lifetime(&nebula_token(&app).await), 30);

    // Bad requests say why.
    for (body, status) in [
        (short("nomad", "nobody"), StatusCode::NOT_FOUND),
        (short("gitlab", "ada"), StatusCode::NOT_FOUND),
        (
            short("siminars", "piyush@siminars.com"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"provider": "nomad", "account": "ada", "seconds": 0}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (json!("not an object"), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let a = control(&app, "short-session", body.clone()).await;
        assert_eq!(a.status, status, "{body}: {}", a.text);
    }
}

#[tokio::test]
async fn revoking_an_account_refuses_its_tokens_issued_so_far_and_only_those() {
    let app = app();
    let revoke = |provider: &str, account: &str| json!({"provider": provider, "account": account});
    let old = nomad_token(&app, "ada", "ada-demo-pw").await;
    let other = nomad_token(&app, "newbie", "newbie-demo-pw").await;
    assert_eq!(uploads(&app, &old, "").await.status, StatusCode::OK);
    let a = control(&app, "revoke", revoke("nomad", "ada")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(
        uploads(&app, &old, "").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(uploads(&app, &other, "").await.status, StatusCode::OK);
    // A new sign-in works again, even within the same second.
    let fresh = nomad_token(&app, "ada", "ada-demo-pw").await;
    assert_eq!(uploads(&app, &fresh, "").await.status, StatusCode::OK);

    // Nebula: the token and the API key both stop working.
    let jwt = nebula_token(&app).await;
    control(&app, "revoke", revoke("nebula", "demo@nebula.example")).await;
    assert_eq!(credits(&app, &jwt).await, StatusCode::UNAUTHORIZED);
    const KEY: &str = "ak_demoKey_W4KL0Rw8Rv6Mp7h7fY77dFgHDl";
    assert_eq!(credits(&app, KEY).await, StatusCode::UNAUTHORIZED);

    let a = control(&app, "revoke", revoke("nomad", "nobody")).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    // NeMO has nothing that takes a token: refused, not pretended.
    let a = control(&app, "revoke", revoke("nemo", "jdoe")).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
    // Forgetting the revocations brings the key back.
    let a = call(&app, "DELETE", "/_emulator/revoke", None, "", None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(credits(&app, KEY).await, StatusCode::OK);
}
