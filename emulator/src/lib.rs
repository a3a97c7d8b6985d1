//! A local server that behaves like the four providers' login APIs, for demos
//! and tests with no internet. [`router`] builds the whole server from an
//! [`EmulatorConfig`], so tests drive it in process; `main.rs` only binds.
//!
//! Paths mirror the real base paths under one prefix per provider:
//! `/nomad/api/v1/…`, `/nemo/v1/…`, `/siminars/…`, `/nebula/api/v1/…`, and the
//! emulator's own control endpoints under `/_emulator/…`.

// Helpers hand back a ready error answer (`Result<_, Response>`), the usual axum
// shape; boxing each one would only add noise to a test server.
#![allow(clippy::result_large_err)]

pub mod accounts;
pub mod control;
pub mod faults;
pub mod jwt;
pub mod load;
pub mod nebula;
pub mod nemo;
pub mod nomad;
pub mod siminars;
mod util;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, Method};
use axum::Router;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

pub use faults::Fault;

/// Which NOMAD release to behave like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NomadVersion {
    /// 1.3.x: GET and POST token, `token_type: "bearer"`, no `expires_in`.
    V1_3,
    /// 1.4.0 to 1.4.2: POST only (GET is 405), `grant_type` optional, and still
    /// the 1.3 answer.
    V1_4_0,
    /// 1.4.3 and later: POST only with `grant_type=password`, the full OIDC body.
    V1_4,
}

impl NomadVersion {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "1.3" | "1.3.16" => Some(Self::V1_3),
            "1.4.0" | "1.4.1" | "1.4.2" => Some(Self::V1_4_0),
            "1.4" | "1.4.3" => Some(Self::V1_4),
            _ => None,
        }
    }

    pub fn version_string(self) -> &'static str {
        match self {
            Self::V1_3 => "1.3.16",
            Self::V1_4_0 => "1.4.2",
            Self::V1_4 => "1.4.3",
        }
    }
}

/// Token lifetimes in seconds, changeable at run time through `/_emulator/lifetimes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Lifetimes {
    /// NOMAD access tokens. Defaults to 300 s, like the example Oasis realm.
    pub nomad: u64,
    /// NeMO tokens. Defaults to 24 h.
    pub nemo: u64,
    /// Nebula access tokens. Defaults to 2 h.
    pub nebula: u64,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            nomad: 300,
            nemo: 24 * 3600,
            nebula: 2 * 3600,
        }
    }
}

/// How the emulator behaves.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    pub nomad_version: NomadVersion,
    pub lifetimes: Lifetimes,
    /// NeMO's `expireAt` in milliseconds (`true`) or seconds. Defaults to seconds.
    pub nemo_expire_at_ms: bool,
    /// A fault applied to every provider request (the `--fault` flag). Defaults to none.
    pub fault: Option<Fault>,
    /// Larger request bodies get 413. Defaults to 64 KiB.
    pub body_limit: usize,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            nomad_version: NomadVersion::V1_4,
            lifetimes: Lifetimes::default(),
            nemo_expire_at_ms: false,
            fault: None,
            body_limit: 64 * 1024,
        }
    }
}

/// Everything the handlers share.
pub struct State {
    pub config: EmulatorConfig,
    pub lifetimes: Mutex<Lifetimes>,
    pub keys: jwt::Keys,
    pub accounts: accounts::Accounts,
    /// Live Siminars tokens (opaque; deleted on logout).
    pub siminars_tokens: Mutex<HashMap<String, String>>,
    pub armed: Mutex<Vec<faults::Armed>>,
    pub stats: Stats,
    /// What the demo controls asked for (`/_emulator/short-session`, `/_emulator/revoke`).
    pub demo: Mutex<DemoState>,
    /// The serial of the last token issued (each JWT carries its own as `jti`).
    pub serial: AtomicU64,
}

/// Per-account demo settings, keyed by provider and the account's id (its `sub`).
#[derive(Default)]
pub struct DemoState {
    /// The next token issued to the account lives this many seconds, once.
    pub next_lifetime: HashMap<(&'static str, String), u64>,
    /// Tokens of the account with a serial at or below this are refused; so are
    /// its keys and personal tokens, which have no serial.
    pub revoked_up_to: HashMap<(&'static str, String), u64>,
}

/// Counters the tests read from `/_emulator/stats`.
#[derive(Default)]
pub struct Stats {
    pub requests: AtomicU64,
    /// Siminars sign-ins whose `password` was not a 32-digit lowercase hex digest:
    /// proof, seen from the server, of a client sending a plaintext password.
    pub siminars_non_digest_passwords: AtomicU64,
}

impl Stats {
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

pub type Shared = Arc<State>;

impl State {
    pub fn new(config: EmulatorConfig) -> Shared {
        Arc::new(State {
            lifetimes: Mutex::new(config.lifetimes),
            keys: jwt::Keys::generate(),
            accounts: accounts::Accounts::demo(),
            siminars_tokens: Mutex::new(HashMap::new()),
            armed: Mutex::new(Vec::new()),
            stats: Stats::default(),
            demo: Mutex::new(DemoState::default()),
            serial: AtomicU64::new(0),
            config,
        })
    }

    pub fn lifetimes(&self) -> Lifetimes {
        *self.lifetimes.lock().unwrap()
    }

    /// The lifetime for the next token of `account`: a demo's short session once, else `default`.
    pub fn lifetime_for(&self, provider: &'static str, account: &str, default: u64) -> u64 {
        let mut demo = self.demo.lock().unwrap();
        demo.next_lifetime
            .remove(&(provider, account.to_string()))
            .unwrap_or(default)
    }

    /// A new token serial, for the `jti` claim.
    pub fn next_serial(&self) -> u64 {
        self.serial.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Whether the demo revoked this token of `account`. `jti` is the token's
    /// serial claim; `None` (a key, a personal token) is revoked with the account.
    pub fn is_revoked(
        &self,
        provider: &'static str,
        account: &str,
        jti: Option<&serde_json::Value>,
    ) -> bool {
        let demo = self.demo.lock().unwrap();
        let Some(cut) = demo.revoked_up_to.get(&(provider, account.to_string())) else {
            return false;
        };
        let serial = jti
            .and_then(|v| v.as_str())
            .and_then(|s| s.parse::<u64>().ok());
        serial.is_none_or(|s| s <= *cut)
    }
}

/// The whole emulator: the four providers, the control endpoints, faults and CORS.
pub fn router(config: EmulatorConfig) -> Router {
    router_with_state(State::new(config))
}

pub fn router_with_state(state: Shared) -> Router {
    let limit = state.config.body_limit;
    // Like NOMAD's API: any origin, any header, with credentials; errors carry CORS too.
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_credentials(true)
        .allow_headers(AllowHeaders::mirror_request())
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .expose_headers([
            header::RETRY_AFTER,
            HeaderName::from_static("x-emulator-fault"),
        ]);
    Router::new()
        .nest("/nomad/api/v1", nomad::routes())
        .nest("/nemo/v1", nemo::routes())
        .nest("/siminars", siminars::routes())
        .nest("/nebula/api/v1", nebula::routes())
        .nest("/_emulator", control::routes())
        .fallback(util::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::apply,
        ))
        .layer(DefaultBodyLimit::max(limit))
        .layer(cors)
        .layer(axum::middleware::from_fn(faults::strip_cors))
        .with_state(state)
}
