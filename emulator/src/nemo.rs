//! NeMO Archive: `POST /v1/login` with a JSON body.

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use crate::util::{json, json_text, method_not_allowed, now_secs, read_body};
use crate::Shared;

pub fn routes() -> Router<Shared> {
    Router::new().route(
        "/login",
        post(login).fallback(|| async { method_not_allowed() }),
    )
}

/// The one failure answer NeMO documents. Its HTTP status is unconfirmed; the
/// emulator sends 401.
fn failed() -> Response {
    json(
        StatusCode::UNAUTHORIZED,
        json!({"message": "Login failed."}),
    )
}

async fn login(State(state): State<Shared>, _headers: HeaderMap, body: Body) -> Response {
    let bytes = match read_body(body, state.config.body_limit).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    // The documented curl call sends JSON without a content type: accept any.
    let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
        return json(StatusCode::BAD_REQUEST, json!({"message": "Login failed."}));
    };
    let fields: HashMap<&str, String> = ["username", "password"]
        .into_iter()
        .filter_map(|k| json_text(&value, k).map(|v| (k, v)))
        .collect();
    let (Some(username), Some(password)) = (fields.get("username"), fields.get("password")) else {
        return json(StatusCode::BAD_REQUEST, json!({"message": "Login failed."}));
    };
    let Some(user) = state
        .accounts
        .nemo
        .iter()
        .find(|u| u.username == username && u.password == password)
    else {
        return failed();
    };
    let lifetime = state.lifetime_for("nemo", user.username, state.lifetimes().nemo);
    let token = state
        .keys
        .sign(json!({"aud": "nemo", "sub": user.username, "email": user.email, "name": format!("{} {}", user.first, user.last),
                     "jti": state.next_serial().to_string()}), lifetime);
    let expire_at_secs = now_secs() + lifetime;
    let expire_at = if state.config.nemo_expire_at_ms {
        expire_at_secs * 1000
    } else {
        expire_at_secs
    };
    json(
        StatusCode::OK,
        json!({"message": "Successful login.", "jwt": token, "email": user.email, "first": user.first,
               "last": user.last, "expireAt": expire_at}),
    )
}
