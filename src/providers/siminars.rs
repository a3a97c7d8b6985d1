//! Siminars: sign-in with an MD5 digest instead of the password, and logout.
//! See `docs/providers.md` § Siminars.

use std::fmt;

use md5::{Digest, Md5};
use serde_json::Value;

use crate::json::object;

use super::answer::{generic_failure, id_field, str_field};
use super::jwt::expiry_or_fallback;
use super::{
    endpoint, ApiError, BodyEncoding, HttpRequest, HttpResponse, Method, ProviderId, Secret,
    Session, TokenKind, UserInfo,
};

/// Tokens are valid 6 months on the server. The widget keeps one for the tab's
/// life (sessionStorage) and at most its own cap, [`super::jwt::SESSION_CAP_MS`], and gives
/// it back (`DELETE /authtoken`) whenever it drops it.
const SERVER_LIFETIME_MS: u64 = 182 * 24 * 3600 * 1000;

/// `md5(lowercase(email) + password)` as lowercase hex: what Siminars takes in
/// place of the password. Whoever holds it can sign in, so it is a secret too:
/// `Debug` is redacted and it is never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct SiminarsPasswordHash(Secret);

impl SiminarsPasswordHash {
    pub fn new(email: &str, password: &str) -> Self {
        let mut md5 = Md5::new();
        md5.update(crate::text::lowercase(email.trim()).as_bytes());
        md5.update(password.as_bytes());
        Self(Secret::new(hex::encode(md5.finalize())))
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for SiminarsPasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SiminarsPasswordHash(<redacted>)")
    }
}

/// Where to send and how: Siminars publishes no base URL, and the `apitoken`
/// client credential and the request content type are deployment settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiminarsClient<'a> {
    pub base_url: &'a str,
    pub apitoken: &'a str,
    /// `None` sends `application/json`.
    pub content_type: Option<&'a str>,
}

impl SiminarsClient<'_> {
    fn encoding(&self) -> BodyEncoding {
        match self.content_type {
            None => BodyEncoding::Json,
            Some(ct) if ct.eq_ignore_ascii_case("application/json") => BodyEncoding::Json,
            Some(ct) => BodyEncoding::JsonAs(ct.to_string()),
        }
    }

    /// `POST {base}/authtoken` with `email`, `apitoken` and the digest as `password`.
    /// The plaintext goes into the digest and nowhere else.
    pub fn login_request(&self, email: &str, password: &str) -> HttpRequest {
        let digest = SiminarsPasswordHash::new(email, password);
        HttpRequest::get(ProviderId::Siminars, endpoint(self.base_url, "authtoken")).with_json(
            Method::Post,
            self.encoding(),
            &object([
                ("email", email.trim().into()),
                ("password", digest.expose().into()),
                ("apitoken", self.apitoken.into()),
            ]),
        )
    }

    /// `DELETE {base}/authtoken` with the token in the body, never in the URL.
    pub fn logout_request(&self, token: &Secret) -> HttpRequest {
        HttpRequest::get(ProviderId::Siminars, endpoint(self.base_url, "authtoken")).with_json(
            Method::Delete,
            self.encoding(),
            &object([
                ("authtoken", token.expose().into()),
                ("apitoken", self.apitoken.into()),
            ]),
        )
    }
}

/// Success is 201 `{"status":201,"data":{"authtoken","user_id"}}`; wrong
/// credentials are 412 "Invalid Username or Password.".
pub fn parse_login(
    base_url: &str,
    email: &str,
    resp: &HttpResponse,
    received_at_ms: u64,
) -> Result<Session, ApiError> {
    if !resp.is_success() {
        return Err(match resp.status {
            412 => ApiError::WrongCredentials {
                message: resp.provider_message(),
            },
            _ => generic_failure(resp),
        });
    }
    let body = Value::Object(resp.json_object()?);
    let data = body.get("data").unwrap_or(&Value::Null);
    let token = str_field(data, "authtoken").ok_or_else(|| ApiError::Malformed {
        status: resp.status,
        what: "no data.authtoken in the answer".into(),
    })?;
    let (expires_at, expiry_basis) =
        expiry_or_fallback(received_at_ms, None, SERVER_LIFETIME_MS, resp.status)?;
    Ok(Session {
        provider: ProviderId::Siminars,
        base_url: base_url.to_string(),
        token: Secret::new(token),
        kind: TokenKind::Access,
        received_at_ms,
        expires_at_ms: Some(expires_at),
        expiry_basis,
        user: UserInfo {
            id: id_field(data, "user_id"),
            name: None,
            email: Some(email.trim().to_string()),
        },
    })
}

/// A logout is done when the server says so, or when it says the token was
/// already gone (401/404): either way the token no longer works.
pub fn parse_logout(resp: &HttpResponse) -> Result<(), ApiError> {
    match resp.status {
        200..=299 | 401 | 404 => Ok(()),
        _ => Err(generic_failure(resp)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::jwt::SESSION_CAP_MS;
    use crate::providers::ExpiryBasis;
    use serde_json::json;

    const NOW: u64 = 1_700_000_000_000;
    const CLIENT: SiminarsClient<'static> = SiminarsClient {
        base_url: "https://api.siminars.example/",
        apitoken: "2",
        content_type: None,
    };

    fn body_of(req: &HttpRequest) -> Value {
        serde_json::from_str(req.body.as_ref().unwrap().1.expose()).unwrap()
    }

    #[test]
    fn the_documented_test_vector() {
        let expected = "9f80d0bd2cdbbb89ac0287643a39bed2";
        assert_eq!(
            SiminarsPasswordHash::new("piyush@siminars.com", "Hello").expose(),
            expected
        );
        assert_eq!(
            SiminarsPasswordHash::new("Piyush@Siminars.COM", "Hello").expose(),
            expected
        );
        assert_ne!(
            SiminarsPasswordHash::new("piyush@siminars.com", "hello").expose(),
            expected
        );
    }

    #[test]
    fn non_ascii_passwords_are_hashed_as_utf8() {
        // md5("ada@lab.org" + "pässwörd✓") over UTF-8, computed independently with Python's hashlib.
        assert_eq!(
            SiminarsPasswordHash::new("ADA@lab.org", "pässwörd✓").expose(),
            "35e51cef6f3ce3caa3b8b98ec6e91488"
        );
    }

    #[test]
    fn the_digest_is_redacted_in_debug() {
        let h = SiminarsPasswordHash::new("a@b.c", "pw");
        assert!(!format!("{h:?}").contains(h.expose()));
    }

    #[test]
    fn login_sends_the_digest_never_the_plaintext() {
        let req = CLIENT.login_request("Piyush@Siminars.COM", "Hello");
        assert_eq!(
            (req.method, req.url.as_str()),
            (Method::Post, "https://api.siminars.example/authtoken")
        );
        let raw = req.body.as_ref().unwrap().1.expose().to_string();
        assert!(!raw.contains("Hello"), "{raw}");
        assert_eq!(
            body_of(&req),
            json!({"email": "Piyush@Siminars.COM", "password": "9f80d0bd2cdbbb89ac0287643a39bed2", "apitoken": "2"})
        );
        assert!(req
            .headers()
            .contains(&("Content-Type", "application/json".into())));
    }

    #[test]
    fn the_content_type_is_configurable() {
        let client = SiminarsClient {
            content_type: Some("application/javascript"),
            ..CLIENT
        };
        let req = client.login_request("a@b.c", "x");
        assert!(req
            .headers()
            .contains(&("Content-Type", "application/javascript".into())));
    }

    #[test]
    fn the_seed_success_body() {
        let seed = r#"{"status": 201, "message": "", "data": {"authtoken": "139927583041014080855057", "user_id": "133550072236313429963702"}}"#;
        let s = parse_login(
            CLIENT.base_url,
            " Piyush@Siminars.COM ",
            &HttpResponse::new(201, seed),
            NOW,
        )
        .unwrap();
        assert_eq!(s.token.expose(), "139927583041014080855057");
        assert_eq!(s.user.id.as_deref(), Some("133550072236313429963702"));
        assert_eq!(s.user.email.as_deref(), Some("Piyush@Siminars.COM"));
        // Six months at the server (longer than the cap), the widget's own cap here.
        const { assert!(SERVER_LIFETIME_MS > SESSION_CAP_MS) };
        assert_eq!(s.expires_at_ms, Some(NOW + SESSION_CAP_MS));
        assert_eq!(s.expiry_basis, ExpiryBasis::LocalCap);
    }

    #[test]
    fn documented_errors() {
        let wrong = HttpResponse::new(
            412,
            r#"{"message": "Invalid Username or Password.", "code": 412, "data": null}"#,
        );
        assert_eq!(
            parse_login("b", "e", &wrong, NOW),
            Err(ApiError::WrongCredentials {
                message: Some("Invalid Username or Password.".into())
            })
        );
        for status in [401, 403, 404, 405, 409] {
            let resp = HttpResponse::new(status, r#"{"message":"nope","code":0}"#);
            let err = parse_login("b", "e", &resp, NOW).unwrap_err();
            assert!(
                matches!(
                    err,
                    ApiError::Refused { .. } | ApiError::SessionRejected { .. }
                ),
                "{status}: {err:?}"
            );
        }
        assert!(matches!(
            parse_login("b", "e", &HttpResponse::new(500, "<html>"), NOW),
            Err(ApiError::ServerError { status: 500, .. })
        ));
    }

    #[test]
    fn malformed_answers() {
        for body in [
            "",
            "{}",
            r#"{"data": null}"#,
            r#"{"data": {"authtoken": 5}}"#,
            r#"{"data": "x"}"#,
            "<p>hi</p>",
            "{",
        ] {
            assert!(
                parse_login("b", "e", &HttpResponse::new(201, body), NOW).is_err(),
                "{body}"
            );
        }
    }

    #[test]
    fn logout_is_a_delete_with_the_token_in_the_body() {
        let req = CLIENT.logout_request(&Secret::new("tok-9"));
        assert_eq!(
            (req.method, req.url.as_str()),
            (Method::Delete, "https://api.siminars.example/authtoken")
        );
        assert!(!req.url.contains("tok-9"));
        assert_eq!(
            body_of(&req),
            json!({"authtoken": "tok-9", "apitoken": "2"})
        );
        assert_eq!(parse_logout(&HttpResponse::new(200, "{}")), Ok(()));
        assert_eq!(parse_logout(&HttpResponse::new(401, "")), Ok(()));
        assert!(parse_logout(&HttpResponse::new(500, "")).is_err());
    }
}
