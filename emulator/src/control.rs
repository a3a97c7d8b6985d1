//! The emulator's own endpoints (`/_emulator/…`): arm faults, change token
//! lifetimes, read counters, list the demo accounts. Never faulted.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;

use crate::accounts::Accounts;
use crate::faults::{Armed, Fault, FAULT_NAMES};
use crate::util::json;
use crate::{Lifetimes, Shared};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/faults", post(arm).delete(clear))
        .route("/lifetimes", post(set_lifetimes).get(get_lifetimes))
        .route("/stats", get(stats))
        .route("/accounts", get(accounts))
}

#[derive(Deserialize)]
struct ArmRequest {
    fault: String,
    /// Defaults to every provider path.
    #[serde(default = "slash")]
    path_prefix: String,
    /// Defaults to 1.
    #[serde(default = "one")]
    count: u32,
}

fn slash() -> String {
    "/".into()
}

fn one() -> u32 {
    1
}

async fn arm(
    State(state): State<Shared>,
    body: Result<Json<ArmRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(req)) = body else {
        return json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"detail": "expected {\"fault\": …, \"path_prefix\": …, \"count\": …}"}),
        );
    };
    let Some(fault) = Fault::parse(&req.fault) else {
        return json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"detail": format!("unknown fault; known: {FAULT_NAMES}")}),
        );
    };
    let count = req.count.clamp(1, 10_000);
    state.armed.lock().unwrap().push(Armed {
        fault,
        path_prefix: req.path_prefix.clone(),
        remaining: count,
    });
    json(
        StatusCode::OK,
        json!({"armed": req.fault, "path_prefix": req.path_prefix, "count": count}),
    )
}

async fn clear(State(state): State<Shared>) -> Response {
    state.armed.lock().unwrap().clear();
    json(StatusCode::OK, json!({"armed": []}))
}

async fn set_lifetimes(
    State(state): State<Shared>,
    body: Result<Json<Value>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(value)) = body else {
        return json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"detail": "expected {\"nomad\": secs, \"nemo\": secs, \"nebula\": secs}"}),
        );
    };
    let mut guard = state.lifetimes.lock().unwrap();
    let lifetimes = &mut *guard;
    for (key, slot) in [
        ("nomad", &mut lifetimes.nomad),
        ("nemo", &mut lifetimes.nemo),
        ("nebula", &mut lifetimes.nebula),
    ] {
        if let Some(v) = value.get(key) {
            match v.as_u64() {
                Some(secs) if secs >= 1 => *slot = secs,
                _ => {
                    return json(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        json!({"detail": format!("{key} must be a whole number of seconds ≥ 1")}),
                    )
                }
            }
        }
    }
    json(StatusCode::OK, json!(*lifetimes))
}

async fn get_lifetimes(State(state): State<Shared>) -> Json<Lifetimes> {
    Json(state.lifetimes())
}

async fn stats(State(state): State<Shared>) -> Response {
    json(
        StatusCode::OK,
        json!({"requests": state.stats.requests.load(Ordering::Relaxed),
               "siminars_non_digest_passwords": state.stats.siminars_non_digest_passwords.load(Ordering::Relaxed),
               "siminars_live_tokens": state.siminars_tokens.lock().unwrap().len()}),
    )
}

async fn accounts() -> Response {
    let list: Vec<Value> = Accounts::describe()
        .into_iter()
        .map(|(provider, user, password, note)| json!({"provider": provider, "username": user, "password": password, "note": note}))
        .collect();
    json(StatusCode::OK, json!({"accounts": list}))
}
