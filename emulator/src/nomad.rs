//! NOMAD's API as `docs/providers.md` describes it, in three versions: 1.3 (GET or
//! POST token, `token_type: "bearer"`, no `expires_in`), 1.4.0–1.4.2 (POST only,
//! the 1.3 answer) and 1.4.3+ (POST only, `grant_type=password` required, the
//! full OIDC body).

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Map, Value};

use crate::accounts::{NomadUser, Upload, PERSONAL_TOKENS};
use crate::jwt::Rejected;
use crate::util::{bearer, content_type, form, json, method_not_allowed, random_hex, read_body};
use crate::{NomadVersion, Shared};

const AUDIENCE: &str = "nomad";
const APP_TOKEN_MAX_SECS: u64 = 2_592_000;
const MAX_PAGE_SIZE: u64 = 1000;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/info",
            get(info).fallback(|| async { method_not_allowed() }),
        )
        .route(
            "/auth/token",
            get(token_get)
                .post(token_post)
                .fallback(|| async { method_not_allowed() }),
        )
        .route(
            "/auth/app_token",
            get(app_token).fallback(|| async { method_not_allowed() }),
        )
        .route(
            "/uploads",
            get(uploads).fallback(|| async { method_not_allowed() }),
        )
}

async fn info(State(state): State<Shared>) -> Response {
    json(
        StatusCode::OK,
        json!({"name": "NOMAD (lab-login emulator)", "version": state.config.nomad_version.version_string(),
               "oasis": true, "deployment": "emulator"}),
    )
}

/// A pydantic/FastAPI validation error, as NOMAD sends it.
fn unprocessable(kind: &str, loc: &[&str], msg: &str) -> Response {
    json(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({"detail": [{"type": kind, "loc": loc, "msg": msg, "input": null}]}),
    )
}

fn missing(loc: &[&str]) -> Response {
    unprocessable("missing", loc, "Field required")
}

async fn token_get(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match state.config.nomad_version {
        // Deprecated in 1.3.17 and gone in 1.4.0: the password in the URL.
        NomadVersion::V1_4 | NomadVersion::V1_4_0 => method_not_allowed(),
        NomadVersion::V1_3 => {
            let (Some(username), Some(password)) = (query.get("username"), query.get("password"))
            else {
                return missing(&["query", "username"]);
            };
            issue_token(&state, username, password)
        }
    }
}

async fn token_post(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let bytes = match read_body(body, state.config.body_limit).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    // FastAPI's form parsing: anything but a form has no form fields.
    let fields = if content_type(&headers) == "application/x-www-form-urlencoded" {
        form(&bytes)
    } else {
        HashMap::new()
    };
    // Required from 1.4.3; optional in 1.4.0–1.4.2, but `password` when given;
    // not checked by 1.3.
    let checked = match state.config.nomad_version {
        NomadVersion::V1_4 => true,
        NomadVersion::V1_4_0 => fields.contains_key("grant_type"),
        NomadVersion::V1_3 => false,
    };
    if checked {
        match fields.get("grant_type").map(String::as_str) {
            None => return missing(&["body", "grant_type"]),
            Some("password") => {}
            Some(_) => {
                return unprocessable(
                    "string_pattern_mismatch",
                    &["body", "grant_type"],
                    "String should match pattern '^password$'",
                )
            }
        }
    }
    let Some(username) = fields.get("username") else {
        return missing(&["body", "username"]);
    };
    let Some(password) = fields.get("password") else {
        return missing(&["body", "password"]);
    };
    issue_token(&state, username, password)
}

fn issue_token(state: &Shared, username: &str, password: &str) -> Response {
    let user = state.accounts.nomad.iter().find(|u| {
        (u.username == username || u.email.eq_ignore_ascii_case(username)) && u.password == password
    });
    let Some(user) = user else {
        return json(
            StatusCode::UNAUTHORIZED,
            json!({"detail": "Incorrect username or password"}),
        );
    };
    let lifetime = state.lifetime_for("nomad", &user.user_id, state.lifetimes().nomad);
    let token = state.keys.sign(
        json!({"aud": AUDIENCE, "typ": "Bearer", "sub": user.user_id, "preferred_username": user.username,
               "name": user.name, "email": user.email, "jti": state.next_serial().to_string()}),
        lifetime,
    );
    match state.config.nomad_version {
        NomadVersion::V1_3 | NomadVersion::V1_4_0 => {
            json(StatusCode::OK, json!({"access_token": token, "token_type": "bearer"}))
        }
        NomadVersion::V1_4 => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")],
            json!({"access_token": token, "token_type": "Bearer", "expires_in": lifetime,
                   "refresh_token": random_hex(32), "scope": "openid profile email", "id_token": null,
                   "refresh_expires_in": 1800})
            .to_string(),
        )
            .into_response(),
    }
}

/// What an Oasis answers an account it does not admit (NOMAD's wording is unconfirmed).
pub const OASIS_REFUSAL: &str = "You are not authorized to access this Oasis.";

/// The user a request's token belongs to, if it may make a call that needs
/// `scope`; else the real 401 (no or bad token) or 403 (valid, but refused) answer.
fn authenticate_for<'a>(
    state: &'a Shared,
    headers: &HeaderMap,
    scope: &str,
) -> Result<&'a NomadUser, Response> {
    let forbidden = |detail: String| json(StatusCode::FORBIDDEN, json!({"detail": detail}));
    let user = authenticate(state, headers)?;
    if user.oasis_refused {
        return Err(forbidden(OASIS_REFUSAL.into()));
    }
    let token = bearer(headers).unwrap_or_default();
    if let Some(pat) = PERSONAL_TOKENS.iter().find(|p| p.token == token) {
        if !pat.scopes.contains(&scope) {
            return Err(forbidden(format!("Missing scopes: {scope}")));
        }
    }
    Ok(user)
}

/// The user a request's bearer token belongs to, or the real 401 answer.
fn authenticate<'a>(state: &'a Shared, headers: &HeaderMap) -> Result<&'a NomadUser, Response> {
    let unauthorized = |detail: &str| json(StatusCode::UNAUTHORIZED, json!({"detail": detail}));
    let Some(token) = bearer(headers) else {
        return Err(unauthorized("Authentication required."));
    };
    // Personal access tokens are opaque: the server looks them up (really, a SHA-256 of them).
    if token.starts_with("nomad_pat_") {
        let pat = PERSONAL_TOKENS.iter().find(|p| p.token == token);
        return pat
            .and_then(|p| {
                state
                    .accounts
                    .nomad
                    .iter()
                    .find(|u| u.username == p.username)
            })
            .filter(|u| !state.is_revoked("nomad", &u.user_id, None))
            .ok_or_else(|| {
                unauthorized("Could not validate credentials. The given token is invalid.")
            });
    }
    let claims = match state.keys.verify(&token, AUDIENCE) {
        Ok(claims) => claims,
        Err(Rejected::Expired) if token_kind(&token) == Some("app") => {
            return Err(unauthorized("Expired token."))
        }
        Err(_) => {
            return Err(unauthorized(
                "Could not validate credentials. The given token is invalid.",
            ))
        }
    };
    let sub = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default();
    state
        .accounts
        .nomad
        .iter()
        .find(|u| u.user_id == sub)
        .filter(|u| !state.is_revoked("nomad", &u.user_id, claims.get("jti")))
        .ok_or_else(|| unauthorized("Could not validate credentials. The given token is invalid."))
}

/// The `typ` claim of a token, read without verifying (only to word an error).
fn token_kind(token: &str) -> Option<&'static str> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    (claims.get("typ")?.as_str()? == "app").then_some("app")
}

async fn app_token(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let user = match authenticate_for(&state, &headers, "tokens:write") {
        Ok(u) => u,
        Err(resp) => return resp,
    };
    let Some(raw) = query.get("expires_in") else {
        return missing(&["query", "expires_in"]);
    };
    let Ok(expires_in) = raw.parse::<u64>() else {
        return unprocessable(
            "int_parsing",
            &["query", "expires_in"],
            "Input should be a valid integer, unable to parse string as an integer",
        );
    };
    if expires_in == 0 || expires_in > APP_TOKEN_MAX_SECS {
        return unprocessable(
            "value_error",
            &["query", "expires_in"],
            "Value error, expires_in must be greater than 0 and at most 2592000 seconds",
        );
    }
    let token = state.keys.sign(
        json!({"aud": AUDIENCE, "typ": "app", "sub": user.user_id, "name": user.name,
               "jti": state.next_serial().to_string()}),
        expires_in,
    );
    json(StatusCode::OK, json!({"app_token": token}))
}

fn parse_bool(query: &HashMap<String, String>, key: &str) -> Result<Option<bool>, Response> {
    match query.get(key).map(|v| v.to_ascii_lowercase()) {
        None => Ok(None),
        Some(v) if v == "true" || v == "1" => Ok(Some(true)),
        Some(v) if v == "false" || v == "0" => Ok(Some(false)),
        Some(_) => Err(unprocessable(
            "bool_parsing",
            &["query", key],
            "Input should be a valid boolean, unable to interpret input",
        )),
    }
}

fn parse_number(query: &HashMap<String, String>, key: &str) -> Result<Option<u64>, Response> {
    match query.get(key) {
        None => Ok(None),
        Some(v) => v.parse::<u64>().map(Some).map_err(|_| {
            unprocessable(
                "int_parsing",
                &["query", key],
                "Input should be a valid integer, unable to parse string as an integer",
            )
        }),
    }
}

fn sort_key<'a>(upload: &'a Upload, order_by: &str) -> Option<&'a str> {
    match order_by {
        "upload_create_time" => Some(&upload.upload_create_time),
        "publish_time" => upload.publish_time.as_deref(),
        "upload_name" => Some(&upload.upload_name),
        _ => Some(&upload.last_status_message),
    }
}

async fn uploads(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let user = match authenticate_for(&state, &headers, "uploads:read") {
        Ok(u) => u,
        Err(resp) => return resp,
    };
    let page_size = match parse_number(&query, "page_size") {
        Ok(v) => v.unwrap_or(10),
        Err(resp) => return resp,
    };
    if page_size > MAX_PAGE_SIZE {
        return unprocessable(
            "less_than_equal",
            &["query", "page_size"],
            "Input should be less than or equal to 1000",
        );
    }
    let order_by = query
        .get("order_by")
        .map(String::as_str)
        .unwrap_or("upload_create_time");
    if ![
        "upload_create_time",
        "publish_time",
        "upload_name",
        "last_status_message",
    ]
    .contains(&order_by)
    {
        return unprocessable("enum", &["query", "order_by"], "Input should be 'upload_create_time', 'publish_time', 'upload_name' or 'last_status_message'");
    }
    let order = query.get("order").map(String::as_str).unwrap_or("asc");
    if order != "asc" && order != "desc" {
        return unprocessable(
            "enum",
            &["query", "order"],
            "Input should be 'asc' or 'desc'",
        );
    }
    let (is_processing, is_published) = match (
        parse_bool(&query, "is_processing"),
        parse_bool(&query, "is_published"),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(resp), _) | (_, Err(resp)) => return resp,
    };
    let (page, after) = match (
        parse_number(&query, "page"),
        parse_number(&query, "page_after_value"),
    ) {
        (Ok(p), Ok(a)) => (p, a),
        (Err(resp), _) | (_, Err(resp)) => return resp,
    };
    if page == Some(0) {
        return unprocessable(
            "greater_than_equal",
            &["query", "page"],
            "Input should be greater than or equal to 1",
        );
    }

    let mut matching: Vec<&Upload> = user
        .uploads
        .iter()
        .filter(|u| is_processing.is_none_or(|p| u.process_running == p))
        .filter(|u| is_published.is_none_or(|p| u.published == p))
        .filter(|u| query.get("upload_name").is_none_or(|n| &u.upload_name == n))
        .filter(|u| query.get("upload_id").is_none_or(|id| &u.upload_id == id))
        .collect();
    matching.sort_by(|a, b| {
        let ord = sort_key(a, order_by)
            .cmp(&sort_key(b, order_by))
            .then_with(|| a.upload_id.cmp(&b.upload_id));
        if order == "desc" {
            ord.reverse()
        } else {
            ord
        }
    });
    let total = matching.len() as u64;
    let start = match (page, after) {
        (_, Some(after)) => after + 1,
        (Some(p), None) => (p - 1).saturating_mul(page_size),
        (None, None) => 0,
    };
    let page = page.unwrap_or(if page_size == 0 {
        1
    } else {
        start / page_size.max(1) + 1
    });
    if start >= total && start > 0 {
        return json(
            StatusCode::BAD_REQUEST,
            json!({"detail": "Page out of range requested."}),
        );
    }
    let end = (start + page_size).min(total);
    let data: Vec<&Upload> = matching[start as usize..end as usize].to_vec();

    // Absolute URLs, as NOMAD sends them; a client must not follow them with a token.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let url_for = |p: u64| {
        let mut q: Vec<(String, String)> = query
            .iter()
            .filter(|(k, _)| *k != "page" && *k != "page_after_value")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        q.sort();
        q.push(("page".into(), p.to_string()));
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(q)
            .finish();
        format!("http://{host}/nomad/api/v1/uploads?{encoded}")
    };
    let mut pagination = Map::new();
    pagination.insert("page_size".into(), json!(page_size));
    pagination.insert("order_by".into(), json!(order_by));
    pagination.insert("order".into(), json!(order));
    pagination.insert("page".into(), json!(page));
    pagination.insert("total".into(), json!(total));
    if start > 0 {
        pagination.insert("page_after_value".into(), json!((start - 1).to_string()));
        pagination.insert(
            "prev_page_url".into(),
            json!(url_for(page.saturating_sub(1).max(1))),
        );
    }
    if end < total {
        pagination.insert("next_page_after_value".into(), json!((end - 1).to_string()));
        pagination.insert("next_page_url".into(), json!(url_for(page + 1)));
    }
    pagination.insert("page_url".into(), json!(url_for(page)));
    pagination.insert("first_page_url".into(), json!(url_for(1)));

    let mut echoed = Map::new();
    for key in ["is_processing", "is_published", "upload_name", "upload_id"] {
        if let Some(v) = query.get(key) {
            echoed.insert(key.into(), json!(v));
        }
    }
    json(
        StatusCode::OK,
        json!({"query": echoed, "pagination": pagination, "data": data}),
    )
}
