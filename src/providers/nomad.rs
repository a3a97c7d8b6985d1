//! NOMAD (FAIRmat): password sign-in, app tokens and the uploads list.
//! See `docs/providers.md` § NOMAD for every rule this follows.

use serde_json::{Map, Value};

use super::answer::{generic_failure, id_field, str_field, whole_number};
use super::jwt::{decode_claims, expiry_from, expiry_or_fallback};
use super::{
    endpoint, ApiError, ExpiryBasis, HttpRequest, HttpResponse, Method, ProviderId, Secret,
    Session, TokenKind, UserInfo,
};

pub const DEFAULT_BASE_URL: &str = "https://nomad-lab.eu/prod/v1/api/v1";

/// NOMAD documents no lifetime and deployments differ (300 s in the example
/// realm). Used only if a token carries neither `expires_in` nor `exp`: the
/// shortest known lifetime, so the widget never keeps a dead token for long.
const FALLBACK_LIFETIME_SECS: u64 = 300;

/// An `expires_in` beyond a year is not a NOMAD answer (app tokens stop at 30 days).
const MAX_EXPIRES_IN_SECS: u64 = 366 * 24 * 3600;

/// `POST {base}/auth/token` as a form with `grant_type=password`. This works on
/// every NOMAD version; the seed's GET form puts the password in the URL and is
/// never used.
pub fn login_request(base_url: &str, username: &str, password: &str) -> HttpRequest {
    HttpRequest::get(ProviderId::Nomad, endpoint(base_url, "auth/token")).with_form(
        Method::Post,
        &[
            ("grant_type", "password"),
            ("username", username),
            ("password", password),
        ],
    )
}

/// Reads a token answer: NOMAD ≤ 1.4.2 (`access_token`, `token_type: "bearer"`)
/// and ≥ 1.4.3 (the full OIDC body, `expires_in`, nulls). `refresh_token` and
/// `id_token` are dropped here, so nothing downstream can store them.
pub fn parse_login(
    base_url: &str,
    resp: &HttpResponse,
    received_at_ms: u64,
) -> Result<Session, ApiError> {
    if !resp.is_success() {
        return Err(match resp.status {
            401 => ApiError::WrongCredentials {
                message: resp.provider_message(),
            },
            _ => failure(resp),
        });
    }
    let body = Value::Object(resp.json_object()?);
    let malformed = |what: &str| ApiError::Malformed {
        status: resp.status,
        what: what.into(),
    };
    let token = str_field(&body, "access_token")
        .ok_or_else(|| malformed("no access_token in the answer"))?;
    if let Some(kind) = body.get("token_type").filter(|v| !v.is_null()) {
        if !kind
            .as_str()
            .is_some_and(|k| k.eq_ignore_ascii_case("bearer"))
        {
            return Err(malformed("the token is not a bearer token"));
        }
    }
    let expires_in = match body.get("expires_in") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            whole_number(v)
                .filter(|secs| *secs <= MAX_EXPIRES_IN_SECS)
                .ok_or_else(|| malformed("expires_in is not a plausible number of seconds"))?,
        ),
    };
    session(
        base_url,
        token,
        TokenKind::Access,
        received_at_ms,
        expires_in,
        resp.status,
    )
}

/// NOMAD's errors: its per-IP rate limit answers 503, not 429.
fn failure(resp: &HttpResponse) -> ApiError {
    match resp.status {
        503 => ApiError::RateLimited {
            retry_after_secs: resp.retry_after_secs(),
        },
        // Two different 403s, told apart by NOMAD's own `detail` (wording unconfirmed):
        // a token without a scope, and an Oasis that does not admit the account.
        403 => {
            let message = resp.provider_message();
            if message
                .as_deref()
                .is_some_and(|m| m.to_ascii_lowercase().contains("scope"))
            {
                ApiError::MissingPermission { message }
            } else {
                ApiError::NotAdmitted { message }
            }
        }
        _ => generic_failure(resp),
    }
}

/// The widget's own cap on a personal access token, whose expiry it cannot read.
pub const PERSONAL_TOKEN_CAP_MS: u64 = 8 * 3600 * 1000;

/// A token pasted instead of a password. Deliberately not `Debug`.
#[derive(Clone)]
pub enum PastedToken {
    /// `nomad_pat_…`: opaque, long-lived; kept in memory under the local cap.
    Personal(Secret),
    /// An app token: a JWT, kept like an access token, with its `exp`.
    App(Secret),
}

impl PastedToken {
    /// Recognises a personal access token or an app token, or says what it is not.
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        let token = text.trim();
        let base64url = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        if let Some(rest) = token.strip_prefix("nomad_pat_") {
            if rest.len() >= 20 && base64url(rest) {
                return Ok(Self::Personal(Secret::new(token)));
            }
        } else if decode_claims(token).is_some() {
            return Ok(Self::App(Secret::new(token)));
        }
        Err(ApiError::NotSent {
            reason: "this is not a NOMAD personal access token (nomad_pat_…) or app token".into(),
        })
    }

    pub fn secret(&self) -> &Secret {
        match self {
            Self::Personal(s) | Self::App(s) => s,
        }
    }
}

/// The check of a pasted token: one upload, which needs authentication.
pub fn token_check_request(base_url: &str, token: &PastedToken) -> HttpRequest {
    let query = UploadsQuery {
        page_size: 1,
        ..UploadsQuery::default()
    };
    uploads_request(base_url, token.secret(), &query)
}

/// A session from a pasted token the server accepted. A refused token is a
/// wrong credential (401); a valid one without the uploads permission, or an
/// account this server does not admit, is its own 403.
pub fn parse_token_check(
    base_url: &str,
    token: &PastedToken,
    resp: &HttpResponse,
    received_at_ms: u64,
) -> Result<Session, ApiError> {
    let query = UploadsQuery {
        page_size: 1,
        ..UploadsQuery::default()
    };
    parse_uploads(resp, &query).map_err(|e| match e {
        ApiError::SessionRejected { message } => ApiError::WrongCredentials { message },
        other => other,
    })?;
    let (kind, expires_at_ms, expiry_basis, user) = match token {
        PastedToken::Personal(_) => (
            TokenKind::PersonalToken,
            Some(received_at_ms + PERSONAL_TOKEN_CAP_MS),
            ExpiryBasis::LocalCap,
            UserInfo::default(),
        ),
        PastedToken::App(secret) => {
            // Issued some time ago, so its `exp` is the only expiry there is.
            let claims = decode_claims(secret.expose()).unwrap_or_default();
            let exp = claims.exp.and_then(|exp| exp.checked_mul(1000));
            let cap = received_at_ms + super::jwt::SESSION_CAP_MS;
            let (expires, basis) = match exp {
                Some(at) if at > cap => (Some(cap), ExpiryBasis::LocalCap),
                Some(at) => (Some(at), ExpiryBasis::ClaimExp),
                None => (None, ExpiryBasis::Never),
            };
            (TokenKind::App, expires, basis, claims.user)
        }
    };
    if expires_at_ms.is_some_and(|at| at <= received_at_ms) {
        return Err(ApiError::WrongCredentials {
            message: Some("The token has expired.".into()),
        });
    }
    Ok(Session {
        provider: ProviderId::Nomad,
        base_url: base_url.to_string(),
        token: token.secret().clone(),
        kind,
        received_at_ms,
        expires_at_ms,
        expiry_basis,
        user,
    })
}

/// An app-token lifetime, which NOMAD bounds to `0 < s <= 2592000` (30 days).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppTokenLifetime(u64);

impl AppTokenLifetime {
    pub const MAX_SECS: u64 = 30 * 24 * 3600;

    pub fn from_secs(secs: u64) -> Option<Self> {
        (1..=Self::MAX_SECS).contains(&secs).then_some(Self(secs))
    }

    pub fn secs(self) -> u64 {
        self.0
    }
}

/// `GET {base}/auth/app_token?expires_in=…` with the access token.
pub fn app_token_request(
    base_url: &str,
    access_token: &Secret,
    lifetime: AppTokenLifetime,
) -> HttpRequest {
    let url = format!(
        "{}?expires_in={}",
        endpoint(base_url, "auth/app_token"),
        lifetime.secs()
    );
    HttpRequest::get(ProviderId::Nomad, url).with_bearer(access_token)
}

/// Reads `{"app_token": …}` (the real server), or `access_token` (what the seed's
/// snippet reads, should a deployment answer that way).
pub fn parse_app_token(
    base_url: &str,
    resp: &HttpResponse,
    received_at_ms: u64,
    lifetime: AppTokenLifetime,
) -> Result<Session, ApiError> {
    if !resp.is_success() {
        return Err(failure(resp));
    }
    let body = Value::Object(resp.json_object()?);
    let token = str_field(&body, "app_token")
        .or_else(|| str_field(&body, "access_token"))
        .ok_or_else(|| ApiError::Malformed {
            status: resp.status,
            what: "no app_token in the answer".into(),
        })?;
    // The token's own claims win over what we asked for (a server may cap it).
    let claims = decode_claims(token);
    let asked = claims
        .as_ref()
        .and_then(|c| c.exp)
        .is_none()
        .then_some(lifetime.secs());
    session(
        base_url,
        token,
        TokenKind::App,
        received_at_ms,
        asked,
        resp.status,
    )
}

fn session(
    base_url: &str,
    token: &str,
    kind: TokenKind,
    received_at_ms: u64,
    expires_in: Option<u64>,
    status: u16,
) -> Result<Session, ApiError> {
    let claims = decode_claims(token);
    let (expires_at, expiry_basis) = expiry_or_fallback(
        received_at_ms,
        expiry_from(received_at_ms, expires_in, claims.as_ref()),
        FALLBACK_LIFETIME_SECS * 1000,
        status,
    )?;
    Ok(Session {
        provider: ProviderId::Nomad,
        base_url: base_url.to_string(),
        token: Secret::new(token),
        kind,
        received_at_ms,
        expires_at_ms: Some(expires_at),
        expiry_basis,
        user: claims.map(|c| c.user).unwrap_or_default(),
    })
}

/// The orders NOMAD's uploads endpoint accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum UploadOrderBy {
    #[default]
    CreateTime,
    PublishTime,
    Name,
    LastStatusMessage,
}

impl UploadOrderBy {
    pub fn as_param(self) -> &'static str {
        match self {
            Self::CreateTime => "upload_create_time",
            Self::PublishTime => "publish_time",
            Self::Name => "upload_name",
            Self::LastStatusMessage => "last_status_message",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SortOrder {
    Asc,
    #[default]
    Desc,
}

impl SortOrder {
    pub fn as_param(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }
}

/// One page of the uploads list. The default is what NOMAD's own GUI asks:
/// 10 a page, page 1, newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadsQuery {
    /// From 1.
    pub page: u64,
    pub page_size: u64,
    pub order_by: UploadOrderBy,
    pub order: SortOrder,
    pub is_published: Option<bool>,
    pub is_processing: Option<bool>,
    pub upload_name: Option<String>,
}

impl Default for UploadsQuery {
    fn default() -> Self {
        Self {
            page: 1,
            page_size: 10,
            order_by: UploadOrderBy::default(),
            order: SortOrder::default(),
            is_published: None,
            is_processing: None,
            upload_name: None,
        }
    }
}

/// `GET {base}/uploads?…` with the token. The next page is always built from the
/// configured base and these parameters, never from a URL in an answer.
pub fn uploads_request(base_url: &str, token: &Secret, query: &UploadsQuery) -> HttpRequest {
    let mut params = form_urlencoded::Serializer::new(String::new());
    params
        .append_pair("page_size", &query.page_size.max(1).to_string())
        .append_pair("page", &query.page.max(1).to_string())
        .append_pair("order_by", query.order_by.as_param())
        .append_pair("order", query.order.as_param());
    if let Some(p) = query.is_published {
        params.append_pair("is_published", if p { "true" } else { "false" });
    }
    if let Some(p) = query.is_processing {
        params.append_pair("is_processing", if p { "true" } else { "false" });
    }
    if let Some(name) = query.upload_name.as_deref().filter(|n| !n.is_empty()) {
        params.append_pair("upload_name", name);
    }
    HttpRequest::get(
        ProviderId::Nomad,
        format!("{}?{}", endpoint(base_url, "uploads"), params.finish()),
    )
    .with_bearer(token)
}

/// Where an upload's processing stands, for its badge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessState {
    Running,
    Success,
    Failure,
    /// Not processed yet, or a status this widget does not know.
    Other,
}

/// One upload, read leniently: any field may be missing or null.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Upload {
    pub upload_id: String,
    pub upload_name: Option<String>,
    /// ISO 8601 as NOMAD sends it (UTC, often without a zone suffix).
    pub upload_create_time: Option<String>,
    pub publish_time: Option<String>,
    pub process_status: Option<String>,
    pub process_running: bool,
    pub last_status_message: Option<String>,
    pub errors: usize,
    pub warnings: usize,
    pub published: bool,
    pub with_embargo: bool,
    /// Months.
    pub embargo_length: Option<u64>,
    pub license: Option<String>,
    pub entries: Option<u64>,
}

impl Upload {
    pub fn process_state(&self) -> ProcessState {
        match self.process_status.as_deref() {
            _ if self.process_running => ProcessState::Running,
            Some("SUCCESS") => ProcessState::Success,
            Some("FAILURE") => ProcessState::Failure,
            Some("PENDING" | "RUNNING" | "WAITING_FOR_RESULT") => ProcessState::Running,
            _ => ProcessState::Other,
        }
    }

    fn from_json(item: &Map<String, Value>) -> Self {
        let v = Value::Object(item.clone());
        let text = |key: &str| str_field(&v, key).map(str::to_string);
        let flag = |key: &str| v.get(key).and_then(Value::as_bool).unwrap_or(false);
        let count = |key: &str| v.get(key).and_then(Value::as_array).map_or(0, Vec::len);
        Self {
            upload_id: id_field(&v, "upload_id").unwrap_or_default(),
            upload_name: text("upload_name"),
            upload_create_time: text("upload_create_time"),
            publish_time: text("publish_time"),
            process_status: text("process_status"),
            process_running: flag("process_running"),
            last_status_message: text("last_status_message"),
            errors: count("errors"),
            warnings: count("warnings"),
            published: flag("published"),
            with_embargo: flag("with_embargo"),
            embargo_length: v.get("embargo_length").and_then(whole_number),
            license: text("license"),
            entries: v.get("entries").and_then(whole_number),
        }
    }
}

/// A page of uploads and where it sits in the whole list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UploadsPage {
    pub uploads: Vec<Upload>,
    /// All uploads matching the query, when the server says.
    pub total: Option<u64>,
    pub page: u64,
    pub page_size: u64,
    /// Whether the server announces a next page.
    pub has_next_page: bool,
    /// Items in `data` that were not objects and so could not be shown.
    pub skipped: usize,
}

/// Reads `{"pagination": {...}, "data": [...]}`. 401 means the token is no longer
/// good (the caller signs out); 400 is NOMAD's "Page out of range requested.".
pub fn parse_uploads(resp: &HttpResponse, query: &UploadsQuery) -> Result<UploadsPage, ApiError> {
    if !resp.is_success() {
        return Err(failure(resp));
    }
    let body = resp.json_object()?;
    let Some(Value::Array(items)) = body.get("data") else {
        return Err(ApiError::Malformed {
            status: resp.status,
            what: "no list of uploads in the answer".into(),
        });
    };
    let uploads: Vec<Upload> = items
        .iter()
        .filter_map(Value::as_object)
        .map(Upload::from_json)
        .collect();
    let pagination = body.get("pagination").cloned().unwrap_or(Value::Null);
    let number = |key: &str| pagination.get(key).and_then(whole_number);
    let page = number("page").filter(|p| *p >= 1).unwrap_or(query.page);
    let page_size = number("page_size")
        .filter(|s| *s >= 1)
        .unwrap_or(query.page_size);
    let total = number("total");
    let announced_next = ["next_page_after_value", "next_page_url"]
        .iter()
        .any(|key| pagination.get(*key).is_some_and(|v| !v.is_null()));
    let has_next_page = match total {
        Some(total) => page.saturating_mul(page_size) < total,
        None => announced_next,
    };
    Ok(UploadsPage {
        skipped: items.len() - uploads.len(),
        uploads,
        total,
        page,
        page_size,
        has_next_page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::jwt::tests::make_jwt;
    use serde_json::json;

    const BASE: &str = "https://nomad.example/api/v1";
    const NOW: u64 = 1_700_000_000_000;

    fn body_of(req: &HttpRequest) -> String {
        req.body.as_ref().unwrap().1.expose().to_string()
    }

    #[test]
    fn login_is_a_post_form_with_grant_type_and_no_password_in_the_url() {
        let req = login_request(BASE, "ada@lab.org", "p&ss=wörd");
        assert_eq!(req.method, Method::Post);
        assert_eq!(req.url, "https://nomad.example/api/v1/auth/token");
        assert!(!req.url.contains("wörd") && !req.url.contains('?'));
        assert_eq!(
            body_of(&req),
            "grant_type=password&username=ada%40lab.org&password=p%26ss%3Dw%C3%B6rd"
        );
        assert!(req
            .headers()
            .contains(&("Content-Type", "application/x-www-form-urlencoded".into())));
        assert!(req.carries_secret());
    }

    #[test]
    fn nomad_1_3_answer_without_expires_in_uses_the_jwt_span() {
        let jwt = make_jwt(&json!({"exp": 1000 + 300, "iat": 1000, "sub": "u1", "name": "Ada L"}));
        let resp = HttpResponse::new(
            200,
            json!({"access_token": jwt, "token_type": "bearer"}).to_string(),
        );
        let s = parse_login(BASE, &resp, NOW).unwrap();
        assert_eq!(s.expires_at_ms, Some(NOW + 300_000));
        assert_eq!(s.kind, TokenKind::Access);
        assert_eq!(s.user.name.as_deref(), Some("Ada L"));
        assert_eq!(s.base_url, BASE);
    }

    #[test]
    fn nomad_1_4_answer_with_nulls_and_expires_in() {
        let jwt = make_jwt(&json!({"exp": 9_999_999_999u64, "sub": "u1"}));
        let resp = HttpResponse::new(
            200,
            json!({"access_token": jwt, "token_type": "Bearer", "expires_in": 86400,
                   "refresh_token": "rt-secret", "scope": null, "id_token": null, "refresh_expires_in": null})
            .to_string(),
        )
        .with_header("Cache-Control", "no-store");
        let s = parse_login(BASE, &resp, NOW).unwrap();
        assert_eq!(s.expires_at_ms, Some(NOW + 86_400_000));
        assert!(!format!("{s:?}").contains("rt-secret"));
    }

    #[test]
    fn exp_only_token_and_opaque_token_fallbacks() {
        let jwt = make_jwt(&json!({"exp": NOW / 1000 + 60}));
        let s = parse_login(
            BASE,
            &HttpResponse::new(200, json!({"access_token": jwt}).to_string()),
            NOW,
        )
        .unwrap();
        assert_eq!(s.expires_at_ms, Some(NOW + 60_000));
        let s = parse_login(
            BASE,
            &HttpResponse::new(200, r#"{"access_token":"opaque"}"#),
            NOW,
        )
        .unwrap();
        assert_eq!(s.expires_at_ms, Some(NOW + FALLBACK_LIFETIME_SECS * 1000));
    }

    #[test]
    fn token_expired_on_arrival_is_refused() {
        let jwt = make_jwt(&json!({"exp": NOW / 1000 - 10}));
        let err = parse_login(
            BASE,
            &HttpResponse::new(200, json!({"access_token": jwt}).to_string()),
            NOW,
        );
        assert!(matches!(err, Err(ApiError::Malformed { .. })));
    }

    #[test]
    fn documented_errors() {
        let wrong = HttpResponse::new(401, r#"{"detail":"Incorrect username or password"}"#);
        assert_eq!(
            parse_login(BASE, &wrong, NOW),
            Err(ApiError::WrongCredentials {
                message: Some("Incorrect username or password".into())
            })
        );
        let missing = HttpResponse::new(
            422,
            r#"{"detail":[{"type":"missing","loc":["body","grant_type"],"msg":"Field required","input":null}]}"#,
        );
        assert_eq!(
            parse_login(BASE, &missing, NOW),
            Err(ApiError::Refused {
                status: 422,
                message: Some("Field required".into())
            })
        );
        let limited = HttpResponse::new(503, "").with_header("Retry-After", "12");
        assert_eq!(
            parse_login(BASE, &limited, NOW),
            Err(ApiError::RateLimited {
                retry_after_secs: Some(12)
            })
        );
        let gone = HttpResponse::new(405, r#"{"detail":"Method Not Allowed"}"#);
        assert!(matches!(
            parse_login(BASE, &gone, NOW),
            Err(ApiError::Refused { status: 405, .. })
        ));
    }

    #[test]
    fn malformed_login_answers_are_typed_errors() {
        let cases: &[(u16, &str)] = &[
            (200, "<html><body>Bad Gateway</body></html>"),
            (200, r#"{"access_token": "ab"#),
            (200, ""),
            (200, "[]"),
            (200, "null"),
            (200, r#"{"access_token": 12345}"#),
            (200, r#"{"access_token": ""}"#),
            (200, r#"{"token_type": "bearer"}"#),
            (200, r#"{"access_token": "t", "token_type": "mac"}"#),
            (200, r#"{"access_token": "t", "expires_in": "soon"}"#),
            (200, r#"{"access_token": "t", "expires_in": -5}"#),
            (200, r#"{"access_token": "t", "expires_in": 1e400}"#),
            (
                200,
                r#"{"access_token": "t", "expires_in": 18446744073709551615}"#,
            ),
            (204, ""),
            (500, "<!DOCTYPE html><title>500</title>"),
        ];
        for (status, body) in cases {
            let result = parse_login(BASE, &HttpResponse::new(*status, *body), NOW);
            assert!(result.is_err(), "{status} {body} gave {result:?}");
        }
    }

    #[test]
    fn app_token_lifetime_bounds() {
        assert_eq!(AppTokenLifetime::from_secs(0), None);
        assert!(AppTokenLifetime::from_secs(1).is_some());
        assert!(AppTokenLifetime::from_secs(2_592_000).is_some());
        assert_eq!(AppTokenLifetime::from_secs(2_592_001), None);
    }

    #[test]
    fn app_token_request_and_both_answer_shapes() {
        let life = AppTokenLifetime::from_secs(86_400).unwrap();
        let req = app_token_request(BASE, &Secret::new("acc"), life);
        assert_eq!(req.method, Method::Get);
        assert_eq!(
            req.url,
            "https://nomad.example/api/v1/auth/app_token?expires_in=86400"
        );
        assert!(req
            .headers()
            .contains(&("Authorization", "Bearer acc".into())));

        let real = HttpResponse::new(200, r#"{"app_token":"opaque-app"}"#);
        let s = parse_app_token(BASE, &real, NOW, life).unwrap();
        assert_eq!((s.kind, s.token.expose()), (TokenKind::App, "opaque-app"));
        assert_eq!(s.expires_at_ms, Some(NOW + 86_400_000));

        let seed_shape = HttpResponse::new(200, r#"{"access_token":"from-seed"}"#);
        assert_eq!(
            parse_app_token(BASE, &seed_shape, NOW, life)
                .unwrap()
                .token
                .expose(),
            "from-seed"
        );

        let capped = make_jwt(&json!({"exp": 5000 + 3600, "iat": 5000}));
        let s = parse_app_token(
            BASE,
            &HttpResponse::new(200, json!({"app_token": capped}).to_string()),
            NOW,
            life,
        );
        assert_eq!(s.unwrap().expires_at_ms, Some(NOW + 3_600_000));

        let no_token = HttpResponse::new(401, r#"{"detail":"Authentication required."}"#);
        assert!(matches!(
            parse_app_token(BASE, &no_token, NOW, life),
            Err(ApiError::SessionRejected { .. })
        ));
        let bad_range = HttpResponse::new(
            422,
            r#"{"detail":[{"msg":"Input should be less than or equal to 2592000"}]}"#,
        );
        assert!(matches!(
            parse_app_token(BASE, &bad_range, NOW, life),
            Err(ApiError::Refused { status: 422, .. })
        ));
        assert!(parse_app_token(BASE, &HttpResponse::new(200, "{}"), NOW, life).is_err());
    }

    #[test]
    fn uploads_request_carries_paging_sorting_and_filters() {
        let q = UploadsQuery::default();
        let req = uploads_request(BASE, &Secret::new("t"), &q);
        assert_eq!(
            req.url,
            "https://nomad.example/api/v1/uploads?page_size=10&page=1&order_by=upload_create_time&order=desc"
        );
        let q = UploadsQuery {
            page: 3,
            page_size: 50,
            order_by: UploadOrderBy::Name,
            order: SortOrder::Asc,
            is_published: Some(false),
            is_processing: Some(true),
            upload_name: Some("a b&c".into()),
        };
        let req = uploads_request(BASE, &Secret::new("tok"), &q);
        assert_eq!(
            req.url,
            "https://nomad.example/api/v1/uploads?page_size=50&page=3&order_by=upload_name&order=asc\
             &is_published=false&is_processing=true&upload_name=a+b%26c"
        );
        assert!(!req.url.contains("tok"));
    }

    #[test]
    fn the_seed_upload_parses() {
        let seed = r#"{"pagination":{"page_size":10,"order_by":"upload_create_time","order":"desc","page":1,"total":1},
        "data":[{"process_running": false, "current_process": "process_upload", "process_status": "SUCCESS",
        "last_status_message": "Process process_upload completed successfully", "errors": [], "warnings": [],
        "complete_time": "2024-07-16T13:57:53.459000", "upload_id": "VWGLXmy4S2-cdeteN2Xxaw",
        "upload_name": "FAIRmat_logo.png", "upload_create_time": "2024-07-16T13:57:53.308000",
        "main_author": "ebb26223-0cec-4d81-98f5-3b25db945b54", "coauthors": [], "coauthor_groups": [],
        "reviewers": [], "reviewer_groups": [], "writers": ["ebb26223-0cec-4d81-98f5-3b25db945b54"],
        "writer_groups": [], "viewers": ["ebb26223-0cec-4d81-98f5-3b25db945b54"], "viewer_groups": [],
        "published": false, "published_to": [], "with_embargo": false, "embargo_length": 0,
        "license": "CC BY 4.0", "entries": 0, "upload_files_server_path": "/nomad/prod/fs/staging/V/VWGLXmy4S2-cdeteN2Xxaw"}]}"#;
        let page = parse_uploads(&HttpResponse::new(200, seed), &UploadsQuery::default()).unwrap();
        assert_eq!(page.total, Some(1));
        assert!(!page.has_next_page);
        let u = &page.uploads[0];
        assert_eq!(u.upload_id, "VWGLXmy4S2-cdeteN2Xxaw");
        assert_eq!(u.upload_name.as_deref(), Some("FAIRmat_logo.png"));
        assert_eq!(u.process_state(), ProcessState::Success);
        assert_eq!(u.license.as_deref(), Some("CC BY 4.0"));
        assert_eq!(
            (u.entries, u.embargo_length, u.published),
            (Some(0), Some(0), false)
        );
    }

    #[test]
    fn uploads_parse_leniently() {
        let body = json!({
            "pagination": {"page": 2, "page_size": 25, "total": 10000, "next_page_after_value": "x"},
            "data": [
                {"upload_id": "a", "process_running": true, "process_status": "SUCCESS", "surprise": {"x": 1}},
                {"upload_id": 42, "upload_name": null, "entries": "many", "errors": ["e1", "e2"], "published": "yes"},
                {},
                "not an object",
                null
            ]
        });
        let page = parse_uploads(
            &HttpResponse::new(200, body.to_string()),
            &UploadsQuery::default(),
        )
        .unwrap();
        assert_eq!(page.uploads.len(), 3);
        assert_eq!(page.skipped, 2);
        assert_eq!(
            (page.page, page.page_size, page.total),
            (2, 25, Some(10_000))
        );
        assert!(page.has_next_page);
        assert_eq!(page.uploads[0].process_state(), ProcessState::Running);
        assert_eq!(page.uploads[1].upload_id, "42");
        assert_eq!(page.uploads[1].upload_name, None);
        assert_eq!(page.uploads[1].entries, None);
        assert_eq!(page.uploads[1].errors, 2);
        assert!(!page.uploads[1].published);
        assert_eq!(page.uploads[2], Upload::default());
    }

    #[test]
    fn uploads_without_pagination_fall_back_to_the_query() {
        let q = UploadsQuery {
            page: 4,
            page_size: 25,
            ..Default::default()
        };
        let page = parse_uploads(&HttpResponse::new(200, r#"{"data":[]}"#), &q).unwrap();
        assert_eq!(
            (page.page, page.page_size, page.total, page.has_next_page),
            (4, 25, None, false)
        );
    }

    #[test]
    fn uploads_errors() {
        let q = UploadsQuery::default();
        let invalid = HttpResponse::new(
            401,
            r#"{"detail":"Could not validate credentials. The given token is invalid."}"#,
        );
        assert!(matches!(
            parse_uploads(&invalid, &q),
            Err(ApiError::SessionRejected { message: Some(_) })
        ));
        let expired = HttpResponse::new(401, r#"{"detail":"Expired token."}"#);
        assert_eq!(
            parse_uploads(&expired, &q),
            Err(ApiError::SessionRejected {
                message: Some("Expired token.".into())
            })
        );
        let range = HttpResponse::new(400, r#"{"detail":"Page out of range requested."}"#);
        assert!(matches!(
            parse_uploads(&range, &q),
            Err(ApiError::Refused { status: 400, .. })
        ));
        for body in [
            r#"{"data": {}}"#,
            r#"{"pagination": {}}"#,
            "[]",
            "<html>",
            r#"{"data":[{"#,
        ] {
            assert!(
                matches!(
                    parse_uploads(&HttpResponse::new(200, body), &q),
                    Err(ApiError::Malformed { .. })
                ),
                "{body}"
            );
        }
    }

    const PAT: &str = "nomad_pat_demoReadAll_x7Qm2Lr9Tc4Vb8Np1Hs6Kd3Fg5Jw0Ya";

    fn one_upload() -> HttpResponse {
        HttpResponse::new(
            200,
            r#"{"pagination": {"total": 25, "page": 1, "page_size": 1}, "data": [{"upload_id": "u1"}]}"#,
        )
    }

    #[test]
    fn pasted_tokens_are_recognised_or_refused() {
        assert!(matches!(
            PastedToken::parse(&format!("  {PAT}\n")),
            Ok(PastedToken::Personal(_))
        ));
        let app = make_jwt(&json!({"typ": "app", "exp": 1_700_003_600, "sub": "u"}));
        assert!(matches!(PastedToken::parse(&app), Ok(PastedToken::App(_))));
        for bad in [
            "",
            "nomad_pat_",
            "nomad_pat_short",
            "nomad_pat_has spaces in it somewhere",
            "ak_key",
            "hello",
            "a.b.c",
        ] {
            assert!(PastedToken::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_token_is_checked_with_one_authenticated_call() {
        let token = PastedToken::parse(PAT).ok().unwrap();
        let req = token_check_request(BASE, &token);
        assert_eq!(req.url, "https://nomad.example/api/v1/uploads?page_size=1&page=1&order_by=upload_create_time&order=desc");
        assert_eq!(req.bearer.as_ref().map(|b| b.expose()), Some(PAT));
    }

    #[test]
    fn a_personal_token_gets_the_local_cap_and_is_never_stored() {
        let token = PastedToken::parse(PAT).ok().unwrap();
        let s = parse_token_check(BASE, &token, &one_upload(), NOW).unwrap();
        assert_eq!(s.kind, TokenKind::PersonalToken);
        assert_eq!(s.expires_at_ms, Some(NOW + PERSONAL_TOKEN_CAP_MS));
        assert!(s.kind.memory_only());
        assert_eq!(
            crate::session::encode(&s),
            Err(crate::session::NotStored::ApiKey)
        );
    }

    #[test]
    fn an_app_token_keeps_its_exp_and_an_expired_one_is_refused() {
        let app =
            make_jwt(&json!({"typ": "app", "exp": NOW / 1000 + 3600, "sub": "u1", "name": "Ada"}));
        let token = PastedToken::parse(&app).ok().unwrap();
        let s = parse_token_check(BASE, &token, &one_upload(), NOW).unwrap();
        assert_eq!(
            (s.kind, s.expires_at_ms),
            (TokenKind::App, Some(NOW + 3_600_000))
        );
        assert_eq!(s.user.name.as_deref(), Some("Ada"));
        let old = make_jwt(&json!({"typ": "app", "exp": NOW / 1000 - 1}));
        let token = PastedToken::parse(&old).ok().unwrap();
        assert!(matches!(
            parse_token_check(BASE, &token, &one_upload(), NOW),
            Err(ApiError::WrongCredentials { .. })
        ));
    }

    #[test]
    fn refusals_of_a_token_each_have_their_own_error() {
        let token = PastedToken::parse(PAT).ok().unwrap();
        let check = |status, body: &str| {
            parse_token_check(BASE, &token, &HttpResponse::new(status, body), NOW)
                .err()
                .unwrap()
        };
        assert!(matches!(
            check(401, r#"{"detail": "Could not validate credentials."}"#),
            ApiError::WrongCredentials { .. }
        ));
        assert_eq!(
            check(403, r#"{"detail": "Missing scopes: uploads:read"}"#),
            ApiError::MissingPermission {
                message: Some("Missing scopes: uploads:read".into())
            }
        );
        assert_eq!(
            check(
                403,
                r#"{"detail": "You are not authorized to access this Oasis."}"#
            ),
            ApiError::NotAdmitted {
                message: Some("You are not authorized to access this Oasis.".into())
            }
        );
    }
}
