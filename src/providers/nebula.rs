//! Nebula Block: form sign-in, `ak_` API keys, and the credits check.
//! See `docs/providers.md` § Nebula Block.

use std::fmt;

use serde_json::Value;

use super::answer::{generic_failure, id_field, str_field};
use super::jwt::{decode_claims, expiry_from, expiry_or_fallback};
use super::{
    endpoint, ApiError, ExpiryBasis, HttpRequest, HttpResponse, Method, ProviderId, Secret,
    Session, TokenKind, UserInfo,
};

pub const DEFAULT_BASE_URL: &str = "https://api.nebulablock.com/api/v1";

/// "Access tokens expire after 2 hours", used if a token carries no `exp`.
const DOCUMENTED_LIFETIME_MS: u64 = 2 * 3600 * 1000;

/// `POST {base}/login` as a form (the seed's body is not even valid JSON; the
/// real clients send a form).
pub fn login_request(base_url: &str, username: &str, password: &str) -> HttpRequest {
    HttpRequest::get(ProviderId::Nebula, endpoint(base_url, "login")).with_form(
        Method::Post,
        &[("username", username), ("password", password)],
    )
}

/// Success is `status: "success"` with `data.jwtToken`; anything else is a failure.
pub fn parse_login(
    base_url: &str,
    resp: &HttpResponse,
    received_at_ms: u64,
) -> Result<Session, ApiError> {
    let body = resp.json().ok();
    let said_failed = body
        .as_ref()
        .and_then(|b| b.get("status"))
        .and_then(Value::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("failed"));
    if !resp.is_success() {
        return Err(match resp.status {
            400 | 401 | 403 => ApiError::WrongCredentials {
                message: resp.provider_message(),
            },
            _ if resp.status < 500 && resp.status != 429 && said_failed => {
                ApiError::WrongCredentials {
                    message: resp.provider_message(),
                }
            }
            _ => generic_failure(resp),
        });
    }
    let body = Value::Object(resp.json_object()?);
    if said_failed {
        return Err(ApiError::WrongCredentials {
            message: resp.provider_message(),
        });
    }
    let malformed = |what: &str| ApiError::Malformed {
        status: resp.status,
        what: what.into(),
    };
    if str_field(&body, "status") != Some("success") {
        return Err(malformed("the answer did not say success"));
    }
    let data = body.get("data").unwrap_or(&Value::Null);
    let token =
        str_field(data, "jwtToken").ok_or_else(|| malformed("no data.jwtToken in the answer"))?;
    let claims = decode_claims(token);
    let (expires_at, expiry_basis) = expiry_or_fallback(
        received_at_ms,
        expiry_from(received_at_ms, None, claims.as_ref()),
        DOCUMENTED_LIFETIME_MS,
        resp.status,
    )?;
    Ok(Session {
        provider: ProviderId::Nebula,
        base_url: base_url.to_string(),
        token: Secret::new(token),
        kind: TokenKind::Access,
        received_at_ms,
        expires_at_ms: Some(expires_at),
        expiry_basis,
        user: UserInfo {
            id: id_field(data, "id"),
            name: str_field(data, "name").map(str::to_string),
            email: str_field(data, "email").map(str::to_string),
        },
    })
}

/// A Nebula API key: starts with `ak_` and never expires, so it lives in memory only.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(Secret);

impl ApiKey {
    pub fn parse(text: &str) -> Option<Self> {
        let key = text.trim();
        (key.len() > 3 && key.starts_with("ak_") && key.chars().all(|c| c.is_ascii_graphic()))
            .then(|| Self(Secret::new(key)))
    }

    pub fn secret(&self) -> &Secret {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// `GET {base}/users/credits` with a token or an `ak_` key.
pub fn credits_request(base_url: &str, token_or_key: &Secret) -> HttpRequest {
    HttpRequest::get(ProviderId::Nebula, endpoint(base_url, "users/credits"))
        .with_bearer(token_or_key)
}

/// The available balance from `{"data":{"available_balance":…},"status":"success"}`.
/// A 401 means the token or key is no longer good.
pub fn parse_credits(resp: &HttpResponse) -> Result<f64, ApiError> {
    if !resp.is_success() {
        return Err(match resp.status {
            403 => ApiError::SessionRejected {
                message: resp.provider_message(),
            },
            _ => generic_failure(resp),
        });
    }
    let body = Value::Object(resp.json_object()?);
    let balance = body.get("data").and_then(|d| d.get("available_balance"));
    let balance = match balance {
        Some(Value::Number(n)) => n.as_f64(),
        // Read with the JSON number grammar: the browser already has that parser,
        // and a float parser of our own would cost the bundle kilobytes.
        Some(Value::String(s)) => crate::json::parse(s.trim()).ok().and_then(|v| v.as_f64()),
        _ => None,
    };
    balance
        .filter(|b| b.is_finite())
        .ok_or_else(|| ApiError::Malformed {
            status: resp.status,
            what: "no available_balance in the answer".into(),
        })
}

/// Signs in with an API key: the credits check is the proof that it works.
/// A refused key is wrong credentials, not a lost session.
pub fn parse_key_check(
    base_url: &str,
    key: &ApiKey,
    resp: &HttpResponse,
    received_at_ms: u64,
) -> Result<(Session, f64), ApiError> {
    let balance = parse_credits(resp).map_err(|e| match e {
        ApiError::SessionRejected { message } => ApiError::WrongCredentials { message },
        other => other,
    })?;
    let session = Session {
        provider: ProviderId::Nebula,
        base_url: base_url.to_string(),
        token: key.secret().clone(),
        kind: TokenKind::ApiKey,
        received_at_ms,
        expires_at_ms: None,
        expiry_basis: ExpiryBasis::Never,
        user: UserInfo::default(),
    };
    Ok((session, balance))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::jwt::tests::make_jwt;
    use serde_json::json;

    const BASE: &str = DEFAULT_BASE_URL;
    const NOW: u64 = 1_700_000_000_000;

    #[test]
    fn login_is_a_form_post() {
        let req = login_request(BASE, "testemail@gmail.com", "123456789");
        assert_eq!(
            (req.method, req.url.as_str()),
            (Method::Post, "https://api.nebulablock.com/api/v1/login")
        );
        assert_eq!(
            req.body.as_ref().unwrap().1.expose(),
            "username=testemail%40gmail.com&password=123456789"
        );
        assert!(req
            .headers()
            .contains(&("Content-Type", "application/x-www-form-urlencoded".into())));
    }

    #[test]
    fn the_seed_success_body() {
        // The seed's token expired in 2024: read with a receipt time before that.
        let seed = r#"{"data": {"id": 18, "name": "Test User", "email": "testemail@gmail.com", "is_staff": false,
            "is_active": true, "jwtToken": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbkBnbWFpbC5jb20iLCJyb2xlcyI6WyJBRE1JTiJdLCJleHAiOjE3MzA3NTg2MzYsInNjb3BlcyI6WyJBRE1JTiJdfQ.QwXYFII5y_V_9bIRQ3R-9W-jATjHa2yfklLaTQzVwS8"},
            "message": "Login successful", "status": "success"}"#;
        let s = parse_login(BASE, &HttpResponse::new(200, seed), 1_730_750_000_000).unwrap();
        assert_eq!(s.expires_at_ms, Some(1_730_758_636_000));
        assert_eq!(s.user.id.as_deref(), Some("18"));
        assert_eq!(s.user.name.as_deref(), Some("Test User"));
        // The same answer received today is already dead.
        assert!(parse_login(BASE, &HttpResponse::new(200, seed), 1_800_000_000_000).is_err());
    }

    #[test]
    fn two_hour_token_with_iat() {
        let jwt = make_jwt(&json!({"exp": 7200 + 7200, "iat": 7200}));
        let body = json!({"status": "success", "data": {"jwtToken": jwt}});
        let s = parse_login(BASE, &HttpResponse::new(200, body.to_string()), NOW).unwrap();
        assert_eq!(s.expires_at_ms, Some(NOW + DOCUMENTED_LIFETIME_MS));
    }

    #[test]
    fn failed_status_is_wrong_credentials_under_any_status() {
        let body = r#"{"status": "failed", "message": "Invalid email or password", "data": null}"#;
        for status in [200, 400, 401, 422] {
            assert_eq!(
                parse_login(BASE, &HttpResponse::new(status, body), NOW),
                Err(ApiError::WrongCredentials {
                    message: Some("Invalid email or password".into())
                }),
                "{status}"
            );
        }
        assert!(matches!(
            parse_login(
                BASE,
                &HttpResponse::new(429, body).with_header("Retry-After", "5"),
                NOW
            ),
            Err(ApiError::RateLimited {
                retry_after_secs: Some(5)
            })
        ));
    }

    #[test]
    fn malformed_answers() {
        for body in [
            "",
            "[]",
            "{}",
            r#"{"status":"success"}"#,
            r#"{"status":"success","data":{"jwtToken":null}}"#,
            r#"{"status":"pending","data":{"jwtToken":"x"}}"#,
            "<html>",
            r#"{"status":"success","data":{"jwtToken":"x""#,
        ] {
            assert!(
                parse_login(BASE, &HttpResponse::new(200, body), NOW).is_err(),
                "{body}"
            );
        }
    }

    #[test]
    fn api_keys_need_the_ak_prefix_and_are_redacted() {
        assert!(ApiKey::parse("ak_W4KL0Rw8Rv6Mp7h7fY77dFgHDl_EMAojslklxhMI9-0").is_some());
        assert!(ApiKey::parse("  ak_abc  ").is_some());
        for bad in ["", "ak_", "AK_abc", "eyJhbGciOi", "ak_with space"] {
            assert!(ApiKey::parse(bad).is_none(), "{bad}");
        }
        let key = ApiKey::parse("ak_secret").unwrap();
        assert!(!format!("{key:?}").contains("secret"));
    }

    #[test]
    fn credits_check_with_a_key() {
        let key = ApiKey::parse("ak_abc").unwrap();
        let req = credits_request(BASE, key.secret());
        assert_eq!(req.url, "https://api.nebulablock.com/api/v1/users/credits");
        assert!(req
            .headers()
            .contains(&("Authorization", "Bearer ak_abc".into())));

        let ok = HttpResponse::new(
            200,
            r#"{"data":{"available_balance":12.5},"status":"success"}"#,
        );
        let (session, balance) = parse_key_check(BASE, &key, &ok, NOW).unwrap();
        assert_eq!(
            (session.kind, session.expires_at_ms, balance),
            (TokenKind::ApiKey, None, 12.5)
        );
        let as_text = HttpResponse::new(200, r#"{"data":{"available_balance":"3.25"}}"#);
        assert_eq!(parse_credits(&as_text), Ok(3.25));

        let refused = HttpResponse::new(401, r#"{"status":"failed","message":"Invalid API key"}"#);
        assert_eq!(
            parse_key_check(BASE, &key, &refused, NOW).unwrap_err(),
            ApiError::WrongCredentials {
                message: Some("Invalid API key".into())
            }
        );
        assert!(matches!(
            parse_credits(&refused),
            Err(ApiError::SessionRejected { .. })
        ));
        for body in [
            "{}",
            r#"{"data":{"available_balance":null}}"#,
            r#"{"data":{"available_balance":"lots"}}"#,
            r#"{"data":{"available_balance":"[1]"}}"#,
            r#"{"data":{"available_balance":"1e400"}}"#,
            "",
        ] {
            assert!(
                parse_credits(&HttpResponse::new(200, body)).is_err(),
                "{body}"
            );
        }
    }
}
