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
    Unavailable { retry_after: u64 },
    /// 429 with `Retry-After`.
    TooMany { retry_after: u64 },
    /// The real answer cut in the middle of its JSON.
    Truncated,
    /// The real answer labelled `text/html`.
    WrongContentType,
    /// The real status with an empty body.
    Empty,
    /// 200 with a 10 MiB JSON body.
    Large,
    /// The connection closes in the middle of the answer.
    Drop,
}

pub const FAULT_NAMES: &str =
    "latency=MS, html500, 503[=RETRY_AFTER], 429[=RETRY_AFTER], truncated, wrong-content-type, empty, large, drop";

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
            "drop" => Self::Drop,
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
        assert_eq!(Fault::parse("latency=abc"), None);
        assert_eq!(Fault::parse("explode"), None);
    }
}
