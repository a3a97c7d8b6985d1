//! An answer as plain data, the typed error every parser returns, and the helpers
//! the four providers share for reading answers defensively.

use std::fmt;

use serde_json::Value;

/// Answers larger than this are refused rather than parsed (a login answer is
/// a few KiB; a 100-item uploads page well under 1 MiB).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Provider messages are shown to people: cut them to a readable length.
const MAX_MESSAGE_CHARS: usize = 200;

/// A received answer: status, headers (names in any case), body as text.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// Redacted: a sign-in answer's body holds tokens, and a header may too.
impl std::fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &names)
            .field(
                "body",
                &format_args!("[{} bytes, redacted]", self.body.len()),
            )
            .finish()
    }
}

impl HttpResponse {
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `Retry-After` in seconds, when the server sent (and exposed) one.
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.header("retry-after")?
            .trim()
            .parse::<u64>()
            .ok()
            .map(|s| s.min(86_400))
    }

    /// The body as JSON, or a [`ApiError::Malformed`] that says what came instead.
    /// The error never quotes the body: it may hold a token.
    pub fn json(&self) -> Result<Value, ApiError> {
        let malformed = |what: &str| ApiError::Malformed {
            status: self.status,
            what: what.to_string(),
        };
        if self.body.len() > MAX_BODY_BYTES {
            return Err(malformed("the answer was too large"));
        }
        let text = self.body.trim_start_matches('\u{feff}').trim();
        if text.is_empty() {
            return Err(malformed("the answer was empty"));
        }
        if text.starts_with('<') {
            return Err(malformed("the answer was an HTML page, not JSON"));
        }
        crate::json::parse(text).map_err(|e| {
            malformed(if e.cut_short {
                "the answer was cut short"
            } else {
                "the answer was not valid JSON"
            })
        })
    }

    /// The body as a JSON object (`{…}`).
    pub fn json_object(&self) -> Result<serde_json::Map<String, Value>, ApiError> {
        match self.json()? {
            Value::Object(map) => Ok(map),
            _ => Err(ApiError::Malformed {
                status: self.status,
                what: "the answer was not a JSON object".into(),
            }),
        }
    }

    /// The provider's own words from an error body, if it has any we can read.
    pub fn provider_message(&self) -> Option<String> {
        let value = self.json().ok()?;
        message_of(&value)
    }
}

/// What went wrong, in cases the UI can word for people. No variant holds a
/// secret: provider messages come from error bodies, `what` is our own wording.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The provider refused the username, password or key. `message` is its own text.
    WrongCredentials { message: Option<String> },
    /// An authenticated call was refused (token expired, revoked or forged): sign in again.
    SessionRejected { message: Option<String> },
    /// Too many requests (429, or NOMAD's per-IP 503).
    RateLimited { retry_after_secs: Option<u64> },
    /// The server failed (5xx).
    ServerError {
        status: u16,
        retry_after_secs: Option<u64>,
    },
    /// The token is valid but lacks a permission this call needs (NOMAD's 403 "Missing scopes").
    MissingPermission { message: Option<String> },
    /// The credentials were right, but this server does not admit the account
    /// (a NOMAD Oasis answers 403 on the first authenticated call).
    NotAdmitted { message: Option<String> },
    /// The server refused the request for another reason (a 4xx that is not about credentials).
    Refused {
        status: u16,
        message: Option<String>,
    },
    /// No answer: the network is down, the server is down, or the browser blocked
    /// the request (CORS); page script cannot tell these apart.
    Unreachable,
    /// No answer within the time limit.
    Timeout { after_ms: u64 },
    /// An answer that does not follow the provider's protocol; `what` says how.
    Malformed { status: u16, what: String },
    /// The widget refused to send (for example an `http://` endpoint that is not loopback).
    NotSent { reason: String },
    /// The widget withdrew the request (the user moved on); nothing to show.
    Cancelled,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongCredentials { .. } => f.write_str("the credentials were not accepted"),
            Self::SessionRejected { .. } => {
                f.write_str("the session is no longer valid; sign in again")
            }
            Self::RateLimited {
                retry_after_secs: Some(s),
            } => write!(f, "too many attempts; try again in {s} s"),
            Self::RateLimited {
                retry_after_secs: None,
            } => f.write_str("too many attempts; try again later"),
            Self::ServerError { status, .. } => write!(f, "the server failed (HTTP {status})"),
            Self::MissingPermission { .. } => f.write_str("the token lacks a permission"),
            Self::NotAdmitted { .. } => f.write_str("the server does not admit this account"),
            Self::Refused { status, message } => match message {
                Some(m) => write!(f, "the server refused the request (HTTP {status}): {m}"),
                None => write!(f, "the server refused the request (HTTP {status})"),
            },
            Self::Unreachable => f.write_str("could not reach the server"),
            Self::Timeout { after_ms } => write!(f, "no answer within {} s", after_ms / 1000),
            Self::Malformed { status, what } => {
                write!(f, "unexpected answer (HTTP {status}): {what}")
            }
            Self::NotSent { reason } => write!(f, "not sent: {reason}"),
            Self::Cancelled => f.write_str("cancelled"),
        }
    }
}

impl std::error::Error for ApiError {}

/// The errors every provider shares for an answer that is not a success:
/// rate limits, server failures, and other refusals with the provider's message.
/// Each provider first handles the statuses that mean something special to it.
pub(crate) fn generic_failure(resp: &HttpResponse) -> ApiError {
    match resp.status {
        429 => ApiError::RateLimited {
            retry_after_secs: resp.retry_after_secs(),
        },
        500..=599 => ApiError::ServerError {
            status: resp.status,
            retry_after_secs: resp.retry_after_secs(),
        },
        401 => ApiError::SessionRejected {
            message: resp.provider_message(),
        },
        400..=499 => ApiError::Refused {
            status: resp.status,
            message: resp.provider_message(),
        },
        _ => ApiError::Malformed {
            status: resp.status,
            what: "an unexpected HTTP status".into(),
        },
    }
}

/// The provider's message from a JSON error body: `detail` (a string, or
/// pydantic's list of `{msg}` objects) or `message`.
pub(crate) fn message_of(value: &Value) -> Option<String> {
    let raw = match value.get("detail") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| item.get("msg").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("; "),
        _ => value.get("message").and_then(Value::as_str)?.to_string(),
    };
    let clean: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_MESSAGE_CHARS)
        .collect();
    let clean = clean.trim().to_string();
    (!clean.is_empty()).then_some(clean)
}

/// A non-empty string field.
pub(crate) fn str_field<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// A whole, non-negative number that fits in a `u64`, whether sent as an
/// integer or a float. Anything else (negative, NaN-like, 1e300) is `None`.
pub(crate) fn whole_number(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0 && *f < 1.8e19)
                .map(|f| f as u64)
        }),
        _ => None,
    }
}

/// A value that some providers send as a string and others as a whole number
/// (ids). A number that is not whole, or beyond ±2^53 (which JSON.parse only
/// keeps rounded), is no id: printing it would name another id, and would cost
/// the bundle a float formatter.
pub(crate) fn id_field(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => n.as_i64().map(|id| id.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn malformed_what(resp: HttpResponse) -> String {
        match resp.json() {
            Err(ApiError::Malformed { what, .. }) => what,
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn json_errors_say_what_came_and_never_quote_it() {
        assert_eq!(
            malformed_what(HttpResponse::new(200, "")),
            "the answer was empty"
        );
        assert_eq!(
            malformed_what(HttpResponse::new(200, "  \n")),
            "the answer was empty"
        );
        assert_eq!(
            malformed_what(HttpResponse::new(500, "<!DOCTYPE html><h1>Error</h1>")),
            "the answer was an HTML page, not JSON"
        );
        assert_eq!(
            malformed_what(HttpResponse::new(200, r#"{"access_token": "abc"#)),
            "the answer was cut short"
        );
        let what = malformed_what(HttpResponse::new(200, r#"{"access_token": secret-tok}"#));
        assert!(!what.contains("secret-tok"));
        let huge = "x".repeat(MAX_BODY_BYTES + 1);
        assert_eq!(
            malformed_what(HttpResponse::new(200, huge)),
            "the answer was too large"
        );
    }

    #[test]
    fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert!(matches!(
            HttpResponse::new(200, deep).json(),
            Err(ApiError::Malformed { .. })
        ));
    }

    #[test]
    fn debug_shows_neither_the_body_nor_header_values() {
        let resp = HttpResponse::new(200, r#"{"access_token":"tok-secret"}"#)
            .with_header("x-echo", "hdr-secret");
        let shown = format!("{resp:?}");
        assert!(
            !shown.contains("tok-secret") && !shown.contains("hdr-secret"),
            "{shown}"
        );
        assert!(shown.contains("200") && shown.contains("x-echo"), "{shown}");
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_capped() {
        let r = HttpResponse::new(429, "").with_header("Retry-After", " 30 ");
        assert_eq!(r.retry_after_secs(), Some(30));
        let r = HttpResponse::new(429, "").with_header("retry-after", "99999999999");
        assert_eq!(r.retry_after_secs(), Some(86_400));
        let r =
            HttpResponse::new(429, "").with_header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(r.retry_after_secs(), None);
    }

    #[test]
    fn messages_come_from_detail_or_message_and_are_cleaned() {
        let v = serde_json::json!({"detail": "Incorrect username or password"});
        assert_eq!(
            message_of(&v).as_deref(),
            Some("Incorrect username or password")
        );
        let v = serde_json::json!({"detail": [{"msg": "Field required"}, {"msg": "Too short"}]});
        assert_eq!(message_of(&v).as_deref(), Some("Field required; Too short"));
        let v = serde_json::json!({"message": "Login\u{0007} failed.\n"});
        assert_eq!(message_of(&v).as_deref(), Some("Login failed."));
        let v = serde_json::json!({"message": "x".repeat(5000)});
        assert_eq!(message_of(&v).unwrap().chars().count(), MAX_MESSAGE_CHARS);
        assert_eq!(message_of(&serde_json::json!({"message": 42})), None);
        assert_eq!(message_of(&serde_json::json!({"detail": ""})), None);
    }

    #[test]
    fn ids_are_strings_or_whole_numbers() {
        let v = serde_json::json!({"s": "u-1", "n": 42, "neg": -3, "empty": "", "frac": 1.5, "huge": 1e300, "no": true});
        assert_eq!(id_field(&v, "s").as_deref(), Some("u-1"));
        assert_eq!(id_field(&v, "n").as_deref(), Some("42"));
        assert_eq!(id_field(&v, "neg").as_deref(), Some("-3"));
        for key in ["empty", "frac", "huge", "no", "absent"] {
            assert_eq!(id_field(&v, key), None, "{key}");
        }
        // As the page's JSON.parse and json::parse give it: whole, however written.
        let parsed = crate::json::parse(r#"{"id": 7.0}"#).unwrap();
        assert_eq!(id_field(&parsed, "id").as_deref(), Some("7"));
    }

    #[test]
    fn whole_numbers_accept_ints_and_floats_and_refuse_the_rest() {
        assert_eq!(whole_number(&serde_json::json!(300)), Some(300));
        assert_eq!(whole_number(&serde_json::json!(300.0)), Some(300));
        assert_eq!(whole_number(&serde_json::json!(-1)), None);
        assert_eq!(whole_number(&serde_json::json!(1e300)), None);
        assert_eq!(whole_number(&serde_json::json!("300")), None);
    }

    #[test]
    fn generic_failures_are_classified_by_status() {
        let with_retry = HttpResponse::new(429, "").with_header("Retry-After", "7");
        assert_eq!(
            generic_failure(&with_retry),
            ApiError::RateLimited {
                retry_after_secs: Some(7)
            }
        );
        assert_eq!(
            generic_failure(&HttpResponse::new(502, "<html>")),
            ApiError::ServerError {
                status: 502,
                retry_after_secs: None
            }
        );
        assert_eq!(
            generic_failure(&HttpResponse::new(404, r#"{"detail":"Not Found"}"#)),
            ApiError::Refused {
                status: 404,
                message: Some("Not Found".into())
            }
        );
        assert!(matches!(
            generic_failure(&HttpResponse::new(302, "")),
            ApiError::Malformed { .. }
        ));
    }
}
