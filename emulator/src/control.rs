//! The emulator's own endpoints (`/_emulator/…`): arm faults, change token
//! lifetimes, read counters, list the demo accounts, and the demo controls'
//! per-account short session and revocation. Never faulted. None of them takes
//! a token: an account is named, never proven.

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
        .route("/short-session", post(short_session))
        .route("/revoke", post(revoke).delete(unrevoke))
}

/// An account, named (never proven: no token is taken).
#[derive(Deserialize)]
struct AccountRequest {
    provider: String,
    /// A username, an email or an id, as the provider's sign-in takes it.
    account: String,
}

#[derive(Deserialize)]
struct ShortSessionRequest {
    #[serde(flatten)]
    account: AccountRequest,
    /// Defaults to 30.
    #[serde(default = "thirty")]
    seconds: u64,
}

fn thirty() -> u64 {
    30
}

/// The provider's key and the account's id (what its tokens carry as `sub`).
fn resolve(state: &Shared, provider: &str, account: &str) -> Option<(&'static str, String)> {
    let a = &state.accounts;
    let same = |x: &str| x.eq_ignore_ascii_case(account.trim());
    match provider {
        "nomad" => a
            .nomad
            .iter()
            .find(|u| same(u.username) || same(u.email) || same(&u.user_id))
            .map(|u| ("nomad", u.user_id.clone())),
        "nemo" => a
            .nemo
            .iter()
            .find(|u| same(u.username) || same(u.email))
            .map(|u| ("nemo", u.username.to_string())),
        "siminars" => a
            .siminars
            .iter()
            .find(|u| same(u.email) || same(u.user_id))
            .map(|u| ("siminars", u.user_id.to_string())),
        "nebula" => a
            .nebula
            .iter()
            .find(|u| same(u.email))
            .map(|u| ("nebula", u.email.to_string())),
        _ => None,
    }
}

fn account_request<T>(
    body: Result<Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, Response> {
    body.map(|Json(req)| req).map_err(|_| {
        json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"detail": "expected {\"provider\": …, \"account\": …}"}),
        )
    })
}

fn resolved(state: &Shared, req: &AccountRequest) -> Result<(&'static str, String), Response> {
    resolve(state, &req.provider, &req.account).ok_or_else(|| {
        json(
            StatusCode::NOT_FOUND,
            json!({"detail": "no such demo account for that provider"}),
        )
    })
}

/// The account's next token lives `seconds` (1 to 3600), once.
async fn short_session(
    State(state): State<Shared>,
    body: Result<Json<ShortSessionRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let req = match account_request(body) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let id = match resolved(&state, &req.account) {
        Ok(id) => id,
        Err(resp) => return resp,
    };
    if !(1..=3600).contains(&req.seconds) || id.0 == "siminars" {
        return json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"detail": "seconds must be 1 to 3600, and Siminars tokens have no lifetime to shorten"}),
        );
    }
    state
        .demo
        .lock()
        .unwrap()
        .next_lifetime
        .insert(id, req.seconds);
    json(
        StatusCode::OK,
        json!({"provider": req.account.provider, "account": req.account.account, "next_token_seconds": req.seconds}),
    )
}

/// Every token the account holds now stops working (keys and personal tokens
/// too, until `DELETE /_emulator/revoke`). NeMO has no call that takes a token,
/// so there is nothing there to revoke.
async fn revoke(
    State(state): State<Shared>,
    body: Result<Json<AccountRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let req = match account_request(body) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let (provider, id) = match resolved(&state, &req) {
        Ok(id) => id,
        Err(resp) => return resp,
    };
    if provider == "nemo" {
        return json(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"detail": "NeMO Archive has no call that takes a token, so there is nothing to revoke"}),
        );
    }
    if provider == "siminars" {
        state
            .siminars_tokens
            .lock()
            .unwrap()
            .retain(|_, user| *user != id);
    }
    let up_to = state.serial.load(Ordering::Relaxed);
    state
        .demo
        .lock()
        .unwrap()
        .revoked_up_to
        .insert((provider, id), up_to);
    json(
        StatusCode::OK,
        json!({"provider": req.provider, "account": req.account, "revoked": true}),
    )
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

/// Forgets every revocation: keys and personal tokens work again.
async fn unrevoke(State(state): State<Shared>) -> Response {
    state.demo.lock().unwrap().revoked_up_to.clear();
    json(StatusCode::OK, json!({"revoked": []}))
}

async fn accounts() -> Response {
    let list: Vec<Value> = Accounts::describe()
        .into_iter()
        .map(|(provider, user, password, note)| {
            let key = match provider {
                "NOMAD" => "nomad",
                "NeMO Archive" => "nemo",
                "Siminars" => "siminars",
                "Nebula Block" => "nebula",
                other => other,
            };
            json!({"provider": provider, "key": key, "username": user, "password": password, "note": note})
        })
        .collect();
    json(StatusCode::OK, json!({"accounts": list}))
}
