//! Nebula Block: form login, 2-hour JWTs, `ak_` API keys, and the credits check.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::util::{bearer, content_type, form, json, method_not_allowed, read_body};
use crate::Shared;

const AUDIENCE: &str = "nebula";

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/login",
            post(login).fallback(|| async { method_not_allowed() }),
        )
        .route(
            "/users/credits",
            get(credits).fallback(|| async { method_not_allowed() }),
        )
}

/// Nebula's failure shape. Its HTTP status is unconfirmed; the emulator sends `status`.
fn failed(status: StatusCode, message: &str) -> Response {
    json(
        status,
        json!({"data": null, "message": message, "status": "failed"}),
    )
}

async fn login(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    let bytes = match read_body(body, state.config.body_limit).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    if content_type(&headers) != "application/x-www-form-urlencoded" {
        return failed(
            StatusCode::BAD_REQUEST,
            "username and password are required (form-encoded)",
        );
    }
    let fields = form(&bytes);
    let (Some(username), Some(password)) = (fields.get("username"), fields.get("password")) else {
        return failed(
            StatusCode::BAD_REQUEST,
            "username and password are required (form-encoded)",
        );
    };
    let user = state
        .accounts
        .nebula
        .iter()
        .find(|u| u.email.eq_ignore_ascii_case(username) && u.password == password);
    let Some(user) = user else {
        return failed(StatusCode::UNAUTHORIZED, "Invalid email or password");
    };
    let token = state.keys.sign(
        json!({"aud": AUDIENCE, "sub": user.email, "roles": ["USER"], "scopes": ["USER"],
               "jti": state.next_serial().to_string()}),
        state.lifetime_for("nebula", user.email, state.lifetimes().nebula),
    );
    json(
        StatusCode::OK,
        json!({"data": {"id": user.id, "name": user.name, "email": user.email, "is_staff": false,
                        "is_active": true, "jwtToken": token},
               "message": "Login successful", "status": "success"}),
    )
}

async fn credits(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let Some(token) = bearer(&headers) else {
        return failed(StatusCode::UNAUTHORIZED, "Not authenticated");
    };
    let user = if token.starts_with("ak_") {
        // API keys never expire.
        state
            .accounts
            .nebula
            .iter()
            .find(|u| u.api_key == token)
            .filter(|u| !state.is_revoked("nebula", u.email, None))
    } else {
        state.keys.verify(&token, AUDIENCE).ok().and_then(|claims| {
            let sub = claims
                .get("sub")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            state
                .accounts
                .nebula
                .iter()
                .find(|u| u.email == sub)
                .filter(|u| !state.is_revoked("nebula", u.email, claims.get("jti")))
        })
    };
    match user {
        Some(user) => json(
            StatusCode::OK,
            json!({"data": {"available_balance": user.balance}, "status": "success"}),
        ),
        None => failed(StatusCode::UNAUTHORIZED, "Invalid or expired token"),
    }
}
