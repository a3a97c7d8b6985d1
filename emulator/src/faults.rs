//! Faults for demos and tests, never on by default. A fault is chosen, in this order:
//! 1. per request by the query parameter `fault=…` or the header `X-Emulator-Fault: …`
//!    (for curl and in-process tests: the widget never sends either);
//! 2. armed through the control endpoint `POST /_emulator/faults` for the next
//!    requests under a path prefix (how the widget's browser tests use them);
//! 3. for the whole server with `--fault`.
//!
//! Control endpoints and CORS preflights are never faulted.

use std::sync::OnceLock;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::{Shared, Stats};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally, after this many milliseconds.
    Latency(u64),
    /// 500 with an HTML error page.
    Html500,
    /// 503 with `Retry-After` (NOMAD's rate limit answer).
    Unavailable {
        retry_after: u64,
    },
    /// 429 with `Retry-After`.
    TooMany {
        retry_after: u64,
    },
    /// The real answer cut in the middle of its JSON.
    Truncated,
    /// The real answer labelled `text/html`.
    WrongContentType,
    /// The real status with an empty body.
    Empty,
    /// 200 with a 10 MiB JSON body.
    Large,
    /// 200 with arrays nested 100,000 deep: valid JSON that must not exhaust a stack.
    Nested,
    /// 200 with a number too large for an `f64` (`1e400`) where a token's lifetime goes.
    HugeNumber,
    /// The connection closes in the middle of the answer.
    Drop,
    /// 200 with an HTML page (a captive portal, a misrouted proxy).
    Html200,
    /// 200 with valid JSON of another shape.
    WrongShape,
    /// The real answer with every known field of the wrong type: strings as
    /// numbers, numbers as strings, objects as `null`, arrays as objects.
    WrongTypes,
    /// Headers and a first chunk, then nothing, ever.
    NeverEnds,
    /// This status, with `Retry-After` when given.
    Status {
        code: u16,
        retry_after: Option<u64>,
    },
    /// A 500 without CORS headers, as NOMAD's unhandled errors are.
    NoCors500,
    /// The real answer without CORS headers: the browser refuses it.
    CorsRefused,
    /// 307 to the same path on `127.0.0.1:PORT`, another origin.
    RedirectTo {
        port: u64,
    },
    /// The issued token: already expired / valid for ten years / not a JWT.
    ExpiredToken,
    FarFutureToken,
    NotJwtToken,
    /// An uploads page whose pagination URLs point at `127.0.0.1:PORT`.
    ForeignPageUrls {
        port: u64,
    },
    /// Uploads with nothing but an id, and with a `total` that disagrees with the data.
    UploadsMissingFields,
    UploadsWrongTotal,
}

pub const FAULT_NAMES: &str =
    "latency=MS, html500, html200, 500[=RETRY_AFTER], 502[=RETRY_AFTER], 503[=RETRY_AFTER], 503-bare, 429[=RETRY_AFTER], 429-bare, \
     truncated, wrong-content-type, wrong-shape, wrong-types, empty, large, nested, huge-number, never-ends, drop, no-cors-500, cors-refused, \
     redirect=PORT, expired-token, far-future-token, not-jwt-token, foreign-page-urls=PORT, uploads-missing-fields, uploads-wrong-total";

impl Fault {
    pub fn parse(text: &str) -> Option<Self> {
        let (name, arg) = match text.trim().split_once(['=', ':']) {
            Some((n, a)) => (n, Some(a.parse::<u64>().ok()?)),
            None => (text.trim(), None),
        };
        Some(match name {
            "latency" => Self::Latency(arg.unwrap_or(2000).min(120_000)),
            "html500" => Self::Html500,
            "503" => Self::Unavailable {
                retry_after: arg.unwrap_or(10),
            },
            "429" => Self::TooMany {
                retry_after: arg.unwrap_or(10),
            },
            "truncated" => Self::Truncated,
            "wrong-content-type" => Self::WrongContentType,
            "empty" => Self::Empty,
            "large" => Self::Large,
            "nested" => Self::Nested,
            "huge-number" => Self::HugeNumber,
            "drop" => Self::Drop,
            "html200" => Self::Html200,
            "wrong-shape" => Self::WrongShape,
            "wrong-types" => Self::WrongTypes,
            "never-ends" => Self::NeverEnds,
            "500" | "502" => Self::Status {
                code: name.parse().ok()?,
                retry_after: arg,
            },
            "503-bare" => Self::Status {
                code: 503,
                retry_after: None,
            },
            "429-bare" => Self::Status {
                code: 429,
                retry_after: None,
            },
            "no-cors-500" => Self::NoCors500,
            "cors-refused" => Self::CorsRefused,
            "redirect" => Self::RedirectTo { port: arg? },
            "expired-token" => Self::ExpiredToken,
            "far-future-token" => Self::FarFutureToken,
            "not-jwt-token" => Self::NotJwtToken,
            "foreign-page-urls" => Self::ForeignPageUrls { port: arg? },
            "uploads-missing-fields" => Self::UploadsMissingFields,
            "uploads-wrong-total" => Self::UploadsWrongTotal,
            _ => return None,
        })
    }
}

/// A fault armed for the next `remaining` requests whose path starts with `path_prefix`.
#[derive(Clone, Debug)]
pub struct Armed {
    pub fault: Fault,
    pub path_prefix: String,
    pub remaining: u32,
}

fn chosen(state: &Shared, req: &Request) -> Option<Fault> {
    let from_query = req.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "fault")
            .and_then(|(_, v)| Fault::parse(&v))
    });
    let from_header = || {
        req.headers()
            .get("x-emulator-fault")
            .and_then(|v| v.to_str().ok())
            .and_then(Fault::parse)
    };
    let from_armed = || {
        let mut armed = state.armed.lock().unwrap();
        let path = req.uri().path();
        let i = armed
            .iter()
            .position(|a| path.starts_with(&a.path_prefix))?;
        let fault = armed[i].fault;
        armed[i].remaining -= 1;
        if armed[i].remaining == 0 {
            armed.remove(i);
        }
        Some(fault)
    };
    from_query
        .or_else(from_header)
        .or_else(from_armed)
        .or(state.config.fault)
}

pub async fn apply(State(state): State<Shared>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/_emulator") || req.method() == Method::OPTIONS {
        return next.run(req).await;
    }
    Stats::bump(&state.stats.requests);
    let Some(fault) = chosen(&state, &req) else {
        return next.run(req).await;
    };
    let mut response = match fault {
        Fault::Latency(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(req).await
        }
        Fault::Html500 => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>\
             <body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>",
        )
            .into_response(),
        Fault::Unavailable { retry_after } => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html".to_string()), (header::RETRY_AFTER, retry_after.to_string())],
            "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
        )
            .into_response(),
        Fault::TooMany { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "application/json".to_string()), (header::RETRY_AFTER, retry_after.to_string())],
            r#"{"detail":"Too Many Requests"}"#,
        )
            .into_response(),
        Fault::Truncated => {
            let (parts, body) = next.run(req).await.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
            let cut = bytes.slice(..bytes.len() / 2);
            let mut resp = Response::from_parts(parts, Body::from(cut));
            resp.headers_mut().remove(header::CONTENT_LENGTH);
            resp
        }
        Fault::WrongContentType => {
            let mut resp = next.run(req).await;
            resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            resp
        }
        Fault::Empty => {
            let (mut parts, _) = next.run(req).await.into_parts();
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::empty())
        }
        Fault::Large => ([(header::CONTENT_TYPE, "application/json")], Body::from(large_body())).into_response(),
        Fault::Nested => {
            let depth = 100_000;
            let body = "[".repeat(depth) + &"]".repeat(depth);
            ([(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Fault::HugeNumber => (
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"access_token": "a.b.c", "expires_in": 1e400, "data": {"jwtToken": "a.b.c", "authtoken": "x"}}"#,
        )
            .into_response(),
        Fault::Html200 => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><html><body><h1>Welcome to the guest network</h1><p>Please sign in to continue.</p></body></html>",
        )
            .into_response(),
        Fault::WrongShape => (
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"unexpected": true, "items": [1, 2, 3], "note": "this is not the answer you want"}"#,
        )
            .into_response(),
        Fault::WrongTypes => rewrite_json(next.run(req).await, wrong_types).await,
        Fault::NeverEnds => {
            use futures_util::StreamExt;
            let stalled = futures_util::stream::iter([false, true]).then(|stall| async move {
                if stall {
                    tokio::time::sleep(Duration::from_secs(600)).await;
                }
                Ok::<Bytes, std::io::Error>(Bytes::from_static(b"{\"data\": ["))
            });
            ([(header::CONTENT_TYPE, "application/json")], Body::from_stream(stalled)).into_response()
        }
        Fault::Status { code, retry_after } => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut resp = (
                status,
                [(header::CONTENT_TYPE, "text/html")],
                format!("<html><body><h1>{code}</h1></body></html>"),
            )
                .into_response();
            if let Some(s) = retry_after {
                resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(s));
            }
            resp
        }
        Fault::NoCors500 => {
            let mut resp = (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain")],
                "Internal Server Error",
            )
                .into_response();
            resp.headers_mut().insert(NO_CORS, HeaderValue::from_static("1"));
            resp
        }
        Fault::CorsRefused => {
            let mut resp = next.run(req).await;
            resp.headers_mut().insert(NO_CORS, HeaderValue::from_static("1"));
            resp
        }
        Fault::RedirectTo { port } => {
            let target = format!("http://127.0.0.1:{port}{}", req.uri());
            (
                StatusCode::TEMPORARY_REDIRECT,
                [(header::LOCATION, target)],
                "",
            )
                .into_response()
        }
        Fault::ExpiredToken | Fault::FarFutureToken | Fault::NotJwtToken => {
            rewrite_json(next.run(req).await, move |v| replace_token(v, fault)).await
        }
        Fault::ForeignPageUrls { port } => {
            rewrite_json(next.run(req).await, move |v| {
                if let Some(p) = v.get_mut("pagination").and_then(|p| p.as_object_mut()) {
                    for key in ["page_url", "next_page_url", "prev_page_url", "first_page_url"] {
                        p.insert(key.into(), format!("http://127.0.0.1:{port}/nomad/api/v1/uploads?page=2").into());
                    }
                }
            })
            .await
        }
        Fault::UploadsMissingFields => {
            rewrite_json(next.run(req).await, |v| {
                if let Some(items) = v.get_mut("data").and_then(|d| d.as_array_mut()) {
                    for (i, item) in items.iter_mut().enumerate() {
                        *item = if i == 0 {
                            serde_json::json!({})
                        } else {
                            serde_json::json!({"upload_id": item.get("upload_id").cloned().unwrap_or_default()})
                        };
                    }
                }
            })
            .await
        }
        Fault::UploadsWrongTotal => {
            rewrite_json(next.run(req).await, |v| {
                if let Some(p) = v.get_mut("pagination").and_then(|p| p.as_object_mut()) {
                    p.insert("total".into(), 3.into());
                }
            })
            .await
        }
        Fault::Drop => {
            // Headers and part of the body first, then the connection dies. Dropping
            // before any byte would not do: browsers silently retry a request whose
            // reused keep-alive connection closed without an answer.
            use futures_util::StreamExt;
            let failing = futures_util::stream::iter([false, true]).then(|fail| async move {
                if fail {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "emulated dropped connection"))
                } else {
                    Ok::<Bytes, std::io::Error>(Bytes::from_static(b"{\"access_token\": \""))
                }
            });
            ([(header::CONTENT_TYPE, "application/json")], Body::from_stream(failing)).into_response()
        }
    };
    response
        .headers_mut()
        .insert("x-emulator-fault", HeaderValue::from_static("1"));
    response
}

/// The marker the outer layer reads to send an answer without CORS headers.
pub const NO_CORS: &str = "x-emulator-no-cors";

/// Strips CORS headers from answers a fault marked (outside the CORS layer).
pub async fn strip_cors(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    if resp.headers_mut().remove(NO_CORS).is_some() {
        let names: Vec<_> = resp
            .headers()
            .keys()
            .filter(|k| k.as_str().starts_with("access-control-"))
            .cloned()
            .collect();
        for name in names {
            resp.headers_mut().remove(name);
        }
    }
    resp
}

/// The real answer, its JSON changed by `change` (left as it is when it is not JSON).
async fn rewrite_json(resp: Response, change: impl FnOnce(&mut serde_json::Value)) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    change(&mut value);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(value.to_string()))
}

fn wrong_types(value: &mut serde_json::Value) {
    use serde_json::Value;
    let flip = |v: &mut Value| {
        *v = match v.take() {
            Value::String(_) => Value::from(42),
            Value::Number(n) => Value::from(n.to_string()),
            Value::Bool(b) => Value::from(b.to_string()),
            Value::Object(_) => Value::Null,
            Value::Array(_) => serde_json::json!({}),
            Value::Null => Value::from(0),
        }
    };
    if let Some(map) = value.as_object_mut() {
        for v in map.values_mut() {
            flip(v);
        }
    }
}

/// Replaces whatever token a sign-in answer carries.
fn replace_token(value: &mut serde_json::Value, fault: Fault) {
    use base64::Engine;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let jwt = |exp: u64| {
        let enc = |s: String| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!(
            "{}.{}.c2lnbmF0dXJl",
            enc(r#"{"alg":"HS256","typ":"JWT"}"#.into()),
            // Issued now: an `exp` before it is dead on arrival on any clock.
            enc(format!(r#"{{"sub":"emulated","iat":{now},"exp":{exp}}}"#))
        )
    };
    let (token, expires_in): (String, Option<i64>) = match fault {
        // No `expires_in`: the token itself says it is dead (its `exp` is past).
        Fault::ExpiredToken => (jwt(now.saturating_sub(10)), None),
        Fault::FarFutureToken => (jwt(now + 10 * 365 * 86_400), Some(10 * 365 * 86_400)),
        _ => ("not-a-jwt-token-at-all".into(), None),
    };
    fn walk(v: &mut serde_json::Value, token: &str, expires_in: Option<i64>) {
        if let Some(map) = v.as_object_mut() {
            for (key, val) in map.iter_mut() {
                match key.as_str() {
                    "access_token" | "jwt" | "jwtToken" | "authtoken" => *val = token.into(),
                    "expires_in" => {
                        *val = expires_in
                            .map(Into::into)
                            .unwrap_or(serde_json::Value::Null)
                    }
                    "expireAt" => *val = serde_json::Value::Null,
                    _ => walk(val, token, expires_in),
                }
            }
        }
    }
    walk(value, &token, expires_in);
}

/// A valid JSON body of about 10 MiB, made once.
fn large_body() -> Bytes {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    BODY.get_or_init(|| {
        let filler = "x".repeat(10 * 1024 * 1024);
        Bytes::from(format!(r#"{{"data": [], "padding": "{filler}"}}"#))
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse() {
        assert_eq!(Fault::parse("latency=250"), Some(Fault::Latency(250)));
        assert_eq!(
            Fault::parse("503"),
            Some(Fault::Unavailable { retry_after: 10 })
        );
        assert_eq!(
            Fault::parse("429:3"),
            Some(Fault::TooMany { retry_after: 3 })
        );
        assert_eq!(Fault::parse("drop"), Some(Fault::Drop));
        assert_eq!(
            Fault::parse("502"),
            Some(Fault::Status {
                code: 502,
                retry_after: None
            })
        );
        assert_eq!(
            Fault::parse("500=7"),
            Some(Fault::Status {
                code: 500,
                retry_after: Some(7)
            })
        );
        assert_eq!(
            Fault::parse("redirect=4000"),
            Some(Fault::RedirectTo { port: 4000 })
        );
        assert_eq!(Fault::parse("redirect"), None);
        assert_eq!(
            Fault::parse("foreign-page-urls=9"),
            Some(Fault::ForeignPageUrls { port: 9 })
        );
        assert_eq!(Fault::parse("latency=abc"), None);
        assert_eq!(Fault::parse("explode"), None);
    }
}
