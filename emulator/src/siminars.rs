//! Siminars: `POST /authtoken` with an MD5 digest for a password, `DELETE
//! /authtoken` to log out. The server keeps only digests, so a plaintext
//! password can never match; it also counts passwords that are not digests.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use crate::util::{
    content_type, form, is_md5_hex, json, json_text, method_not_allowed, random_hex, read_body,
};
use crate::{Shared, Stats};

/// The `apitoken` client credential the emulator accepts (`2` works on debug servers).
pub const API_TOKEN: &str = "2";

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/authtoken",
            post(login)
                .delete(logout)
                .fallback(|| async { method_not_allowed() }),
        )
        // Not a documented Siminars URL: lets tests prove a logged-out token stops working.
        .route(
            "/whoami",
            post(whoami).fallback(|| async { method_not_allowed() }),
        )
}

fn error(status: StatusCode, message: &str) -> Response {
    json(
        status,
        json!({"message": message, "code": status.as_u16(), "data": null}),
    )
}

/// Reads the body as JSON (under any of the content types clients use) or a
/// form, and checks the `apitoken` every Siminars call must carry.
async fn fields(state: &Shared, headers: &HeaderMap, body: Body) -> Result<Value, Response> {
    let bytes = read_body(body, state.config.body_limit).await?;
    let value = if content_type(headers) == "application/x-www-form-urlencoded" {
        json!(form(&bytes))
    } else {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) if v.is_object() => v,
            _ => return Err(error(StatusCode::BAD_REQUEST, "Malformed request.")),
        }
    };
    check_apitoken(&value)?;
    Ok(value)
}

fn check_apitoken(value: &Value) -> Result<(), Response> {
    match json_text(value, "apitoken") {
        Some(t) if t == API_TOKEN => Ok(()),
        Some(_) => Err(error(StatusCode::FORBIDDEN, "Invalid apitoken.")),
        None => Err(error(StatusCode::FORBIDDEN, "apitoken is required.")),
    }
}

async fn login(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let value = match fields(&state, &headers, body).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let (Some(email), Some(password)) = (json_text(&value, "email"), json_text(&value, "password"))
    else {
        return error(StatusCode::BAD_REQUEST, "email and password are required.");
    };
    if !is_md5_hex(&password) {
        Stats::bump(&state.stats.siminars_non_digest_passwords);
    }
    let user = state
        .accounts
        .siminars
        .iter()
        .find(|u| u.email.eq_ignore_ascii_case(email.trim()) && u.digest == password);
    let Some(user) = user else {
        return error(
            StatusCode::PRECONDITION_FAILED,
            "Invalid Username or Password.",
        );
    };
    let token = random_hex(12);
    state
        .siminars_tokens
        .lock()
        .unwrap()
        .insert(token.clone(), user.user_id.to_string());
    json(
        StatusCode::CREATED,
        json!({"status": 201, "message": "", "data": {"authtoken": token, "user_id": user.user_id}}),
    )
}

async fn logout(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let value = match fields(&state, &headers, body).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let Some(token) = json_text(&value, "authtoken") else {
        return error(StatusCode::UNAUTHORIZED, "Login required.");
    };
    match state.siminars_tokens.lock().unwrap().remove(&token) {
        Some(_) => json(
            StatusCode::OK,
            json!({"status": 200, "message": "Logged out.", "data": null}),
        ),
        None => error(StatusCode::UNAUTHORIZED, "Login required."),
    }
}

async fn whoami(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let value = match fields(&state, &headers, body).await {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let user_id = json_text(&value, "authtoken")
        .and_then(|t| state.siminars_tokens.lock().unwrap().get(&t).cloned());
    match user_id {
        Some(user_id) => json(
            StatusCode::OK,
            json!({"status": 200, "message": "", "data": {"user_id": user_id}}),
        ),
        None => error(StatusCode::UNAUTHORIZED, "Login required."),
    }
}
