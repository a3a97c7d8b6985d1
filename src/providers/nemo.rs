//! NeMO Archive: JSON sign-in. See `docs/providers.md` § NeMO Archive.

use serde_json::Value;

use crate::json::object;

use super::answer::{generic_failure, str_field, whole_number};
use super::jwt::{decode_claims, expiry_from, expiry_or_fallback};
use super::{
    endpoint, ApiError, BodyEncoding, ExpiryBasis, HttpRequest, HttpResponse, Method, ProviderId,
    Secret, Session, TokenKind, UserInfo,
};

pub const DEFAULT_BASE_URL: &str = "https://api.nemoarchive.org/v1";

/// "Tokens have a lifetime of 24 hours."
const DOCUMENTED_LIFETIME_MS: u64 = 24 * 3600 * 1000;

/// `expireAt` at or above this is milliseconds, below it seconds (1e11 s is the year 5138).
const EXPIRE_AT_MS_THRESHOLD: u64 = 100_000_000_000;

/// `POST {base}/login` with `{"username","password"}` as JSON.
pub fn login_request(base_url: &str, username: &str, password: &str) -> HttpRequest {
    HttpRequest::get(ProviderId::Nemo, endpoint(base_url, "login")).with_json(
        Method::Post,
        BodyEncoding::Json,
        &object([("username", username.into()), ("password", password.into())]),
    )
}

/// Success carries `jwt`; failure is `{"message":"Login failed."}` under a status
/// nobody has documented, so any non-2xx or a body without `jwt` is a failure.
pub fn parse_login(
    base_url: &str,
    resp: &HttpResponse,
    received_at_ms: u64,
) -> Result<Session, ApiError> {
    let failed = |resp: &HttpResponse| ApiError::WrongCredentials {
        message: resp.provider_message(),
    };
    if !resp.is_success() {
        return Err(match resp.status {
            400 | 401 | 403 => failed(resp),
            _ => generic_failure(resp),
        });
    }
    let body = Value::Object(resp.json_object()?);
    let Some(token) = str_field(&body, "jwt") else {
        return Err(if body.get("message").is_some() {
            failed(resp)
        } else {
            ApiError::Malformed {
                status: resp.status,
                what: "no jwt in the answer".into(),
            }
        });
    };
    let claims = decode_claims(token);
    let expire_at = body.get("expireAt").and_then(whole_number).and_then(|at| {
        if at >= EXPIRE_AT_MS_THRESHOLD {
            Some(at)
        } else {
            at.checked_mul(1000)
        }
    });
    let (expires_at, expiry_basis) = expiry_or_fallback(
        received_at_ms,
        expiry_from(received_at_ms, None, claims.as_ref())
            .or(expire_at.map(|at| (at, ExpiryBasis::ExpireAt))),
        DOCUMENTED_LIFETIME_MS,
        resp.status,
    )?;
    let name = match (str_field(&body, "first"), str_field(&body, "last")) {
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (f, l) => f.or(l).map(str::to_string),
    };
    let from_claims = claims.map(|c| c.user).unwrap_or_default();
    Ok(Session {
        provider: ProviderId::Nemo,
        base_url: base_url.to_string(),
        token: Secret::new(token),
        kind: TokenKind::Access,
        received_at_ms,
        expires_at_ms: Some(expires_at),
        expiry_basis,
        user: UserInfo {
            id: from_claims.id,
            name: name.or(from_claims.name),
            email: str_field(&body, "email")
                .map(str::to_string)
                .or(from_claims.email),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::jwt::tests::make_jwt;
    use serde_json::json;

    const BASE: &str = "https://api.nemoarchive.org/v1";
    const NOW: u64 = 1_700_000_000_000;

    #[test]
    fn login_is_json_with_content_type() {
        let req = login_request(BASE, "jdoe", "pa\"ss");
        assert_eq!(
            (req.method, req.url.as_str()),
            (Method::Post, "https://api.nemoarchive.org/v1/login")
        );
        let body: Value = serde_json::from_str(req.body.as_ref().unwrap().1.expose()).unwrap();
        assert_eq!(body, json!({"username": "jdoe", "password": "pa\"ss"}));
        assert!(req
            .headers()
            .contains(&("Content-Type", "application/json".into())));
    }

    #[test]
    fn the_seed_success_body_with_an_opaque_token_uses_expire_at_in_seconds() {
        // The seed's expireAt 12345678901 is below 1e11, so seconds.
        let seed = r#"{"message": "Successful login.", "jwt": "XXXXXXXXXXXXXXXXXXXXXXXX", "email": "jdoe@example.com",
                       "first": "John", "last": "Doe", "expireAt": 12345678901}"#;
        let s = parse_login(BASE, &HttpResponse::new(200, seed), 1_000).unwrap();
        // Read as seconds (year 2361), then held to the widget's local cap.
        assert_eq!(
            s.expires_at_ms,
            Some(1_000 + crate::providers::jwt::SESSION_CAP_MS)
        );
        assert_eq!(s.user.name.as_deref(), Some("John Doe"));
        assert_eq!(s.user.email.as_deref(), Some("jdoe@example.com"));
    }

    #[test]
    fn expire_at_in_milliseconds() {
        let body = json!({"jwt": "opaque", "expireAt": NOW + 86_400_000});
        let s = parse_login(BASE, &HttpResponse::new(200, body.to_string()), NOW).unwrap();
        assert_eq!(s.expires_at_ms, Some(NOW + 86_400_000));
    }

    #[test]
    fn jwt_exp_wins_over_expire_at() {
        let jwt = make_jwt(&json!({"exp": 2000 + 600, "iat": 2000, "sub": "jdoe"}));
        let body = json!({"jwt": jwt, "expireAt": 99_999_999_999_999u64});
        let s = parse_login(BASE, &HttpResponse::new(200, body.to_string()), NOW).unwrap();
        assert_eq!(s.expires_at_ms, Some(NOW + 600_000));
        assert_eq!(s.user.id.as_deref(), Some("jdoe"));
    }

    #[test]
    fn without_any_expiry_the_documented_24_hours() {
        let s = parse_login(
            BASE,
            &HttpResponse::new(200, r#"{"jwt":"opaque","expireAt":"tomorrow"}"#),
            NOW,
        )
        .unwrap();
        assert_eq!(s.expires_at_ms, Some(NOW + DOCUMENTED_LIFETIME_MS));
    }

    #[test]
    fn login_failed_under_any_status() {
        let expected = ApiError::WrongCredentials {
            message: Some("Login failed.".into()),
        };
        for status in [200, 400, 401, 403] {
            let resp = HttpResponse::new(status, r#"{"message":"Login failed."}"#);
            assert_eq!(
                parse_login(BASE, &resp, NOW),
                Err(expected.clone()),
                "status {status}"
            );
        }
        assert!(matches!(
            parse_login(
                BASE,
                &HttpResponse::new(500, r#"{"message":"Login failed."}"#),
                NOW
            ),
            Err(ApiError::ServerError { status: 500, .. })
        ));
    }

    #[test]
    fn malformed_answers() {
        for body in [
            "",
            "<html>",
            "{}",
            r#"{"jwt": 7}"#,
            r#"{"jwt": ""}"#,
            r#"{"jwt": "x""#,
            "true",
        ] {
            assert!(
                parse_login(BASE, &HttpResponse::new(200, body), NOW).is_err(),
                "{body}"
            );
        }
        let stale = json!({"jwt": "opaque", "expireAt": 1});
        assert!(matches!(
            parse_login(BASE, &HttpResponse::new(200, stale.to_string()), NOW),
            Err(ApiError::Malformed { .. })
        ));
    }
}
