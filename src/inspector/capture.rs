//! One exchange as the inspector keeps it, redacted **as it is captured**: no
//! unredacted copy exists outside the request itself. Passwords and the Siminars
//! digest become `•••` (not one character of the digest survives: with the email
//! on screen, a few hex digits let anyone test password guesses offline); tokens
//! and keys keep their first and last 4 characters.

use serde_json::Value;

use crate::providers::{ApiError, BodyEncoding, HttpRequest, HttpResponse, Method, ProviderId};

/// What a password or digest shows as.
pub const HIDDEN: &str = "•••";

/// The longest response body kept, in characters (an uploads page can be large).
pub const BODY_LIMIT: usize = 16_000;

/// Field names whose values are tokens or keys wherever they appear. `apitoken`
/// is not one: it is Siminars' client credential, published in `lab-login.json`.
const TOKEN_FIELDS: [&str; 12] = [
    "access_token",
    "refresh_token",
    "id_token",
    "app_token",
    "token",
    "authtoken",
    "jwt",
    "jwtToken",
    "api_key",
    "apikey",
    "secret",
    "client_secret",
];

/// A token or key by its first and last 4 characters (`eyJh…x9Qk`); one shorter
/// than 16 characters would show half of itself, so it is hidden whole.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 16 {
        return HIDDEN.into();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// Whether a value is shaped like a token even under an unknown name: a JWT, an
/// `ak_` key or a NOMAD personal access token.
pub fn looks_like_token(value: &str) -> bool {
    let jwt = value.starts_with("eyJ") && value.split('.').count() == 3 && value.len() > 20;
    jwt || value.starts_with("ak_") || value.starts_with("nomad_pat_")
}

/// One field of a request body, as the inspector may know it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    /// Not a secret: shown and copied as is.
    Plain(String),
    /// The user's password: never shown; a snippet asks for it at run time.
    Password,
    /// The Siminars digest of the password: never shown; a snippet computes it.
    Digest,
    /// A token or key: shown masked; a snippet reads it at run time.
    Token { masked: String },
}

/// Whether a field name holds a token or key: `authToken`, `access-token` and
/// `ACCESS_TOKEN` count as `authtoken` and `access_token`.
fn is_token_field(name: &str) -> bool {
    let plain = |n: &str| {
        n.chars()
            .filter(|c| !matches!(c, '_' | '-'))
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let name = plain(name);
    TOKEN_FIELDS.iter().any(|t| plain(t) == name)
}

impl Field {
    fn classify(provider: ProviderId, name: &str, value: &str) -> Self {
        if name.eq_ignore_ascii_case("password") {
            return if provider == ProviderId::Siminars {
                Self::Digest
            } else {
                Self::Password
            };
        }
        if is_token_field(name) || looks_like_token(value) {
            return Self::Token {
                masked: mask(value),
            };
        }
        Self::Plain(value.to_string())
    }

    /// The text the inspector shows for this field.
    pub fn shown(&self) -> &str {
        match self {
            Self::Plain(v) => v,
            Self::Password | Self::Digest => HIDDEN,
            Self::Token { masked } => masked,
        }
    }

    pub fn is_secret(&self) -> bool {
        !matches!(self, Self::Plain(_))
    }
}

/// A request body: its content type and fields. A body that is not a flat form
/// or JSON object of strings (never one the widget builds) keeps no fields at
/// all and shows as `•••` whole: where its secrets are is unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapturedBody {
    pub content_type: String,
    /// Decided by how the widget encoded it, never by the (configurable) content type.
    pub json: bool,
    pub fields: Option<Vec<(String, Field)>>,
}

impl CapturedBody {
    /// The body as shown: `a=1&password=•••`, or pretty JSON.
    pub fn shown(&self) -> String {
        let Some(fields) = &self.fields else {
            return HIDDEN.into();
        };
        if self.json {
            let object: serde_json::Map<String, Value> = fields
                .iter()
                .map(|(k, f)| (k.clone(), Value::String(f.shown().to_string())))
                .collect();
            crate::json::to_pretty_text(&Value::Object(object))
        } else {
            fields
                .iter()
                .map(|(k, f)| match f {
                    Field::Plain(v) => format!("{}={}", encode(k), encode(v)),
                    secret => format!("{}={}", encode(k), secret.shown()),
                })
                .collect::<Vec<_>>()
                .join("&")
        }
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields
            .as_ref()?
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, f)| f)
    }
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The answer as kept: status, the headers page script could read, the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapturedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Redacted, pretty-printed when JSON, cut at [`BODY_LIMIT`].
    pub body: String,
    pub cut: bool,
}

/// Why there was no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoAnswer {
    Timeout {
        after_ms: u64,
    },
    /// Down, refused by CORS, or a refused redirect: page script cannot tell.
    Unreachable,
    Cancelled,
    NotSent,
}

/// One request and what came of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    pub provider: ProviderId,
    pub method: Method,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: Option<CapturedBody>,
    pub outcome: Result<CapturedResponse, NoAnswer>,
    /// Client clock, milliseconds since the epoch.
    pub started_at_ms: u64,
    pub elapsed_ms: u64,
}

impl Exchange {
    /// The status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        self.outcome.as_ref().ok().map(|r| r.status)
    }

    /// The bearer token's masked form, if the request carried one.
    pub fn masked_bearer(&self) -> Option<&str> {
        self.request_headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .and_then(|(_, v)| v.strip_prefix("Bearer "))
    }
}

/// Captures `req` and what came of it, redacting every secret on the way in.
pub fn capture(
    req: &HttpRequest,
    result: Result<&HttpResponse, &ApiError>,
    started_at_ms: u64,
    elapsed_ms: u64,
) -> Exchange {
    let provider = req.provider;
    // Every secret this request sent: whatever echoes one is hidden whole.
    let mut sent = Sent::default();
    if let Some(token) = &req.bearer {
        sent.add(token.expose());
    }
    let body = req.body.as_ref().map(|(encoding, secret)| {
        let json = *encoding != BodyEncoding::Form;
        let (pairs, flat) = raw_pairs(json, secret.expose());
        let fields: Vec<(String, Field)> = pairs
            .into_iter()
            .map(|(k, v)| {
                let field = Field::classify(provider, &k, &v);
                if field.is_secret() {
                    sent.add(&v);
                }
                (k, field)
            })
            .collect();
        CapturedBody {
            content_type: encoding.content_type().to_string(),
            json,
            fields: flat.then_some(fields),
        }
    });
    // A backstop: a body whose shown form still holds a secret is hidden whole.
    let body = body.map(|b| match &b.fields {
        Some(_) if sent.echoed_in(&b.shown()) => CapturedBody { fields: None, ..b },
        _ => b,
    });
    let request_headers = req
        .headers()
        .into_iter()
        .map(|(name, value)| {
            let value = match value.strip_prefix("Bearer ") {
                Some(token) if name.eq_ignore_ascii_case("authorization") => {
                    format!("Bearer {}", mask(token))
                }
                _ => value,
            };
            (name.to_string(), value)
        })
        .collect();
    let outcome = match result {
        Ok(resp) => Ok(capture_response(resp, &sent)),
        Err(ApiError::Timeout { after_ms }) => Err(NoAnswer::Timeout {
            after_ms: *after_ms,
        }),
        Err(ApiError::Cancelled) => Err(NoAnswer::Cancelled),
        Err(ApiError::NotSent { .. }) => Err(NoAnswer::NotSent),
        Err(_) => Err(NoAnswer::Unreachable),
    };
    Exchange {
        provider,
        method: req.method,
        url: redact_query(provider, &req.url),
        request_headers,
        request_body: body,
        outcome,
        started_at_ms,
        elapsed_ms,
    }
}

/// A body's pairs as sent: a form's, or a JSON object's string members; and
/// whether that is the whole body (a flat object of strings, as every body the
/// widget builds is). Anything else a snippet could not rebuild faithfully.
fn raw_pairs(json: bool, text: &str) -> (Vec<(String, String)>, bool) {
    if !json {
        let pairs = form_urlencoded::parse(text.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        return (pairs, true);
    }
    let Ok(Value::Object(map)) = crate::json::parse(text) else {
        return (Vec::new(), false);
    };
    let members = map.len();
    let pairs: Vec<(String, String)> = map
        .into_iter()
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k, s)),
            _ => None,
        })
        .collect();
    let flat = pairs.len() == members;
    (pairs, flat)
}

/// The URL with any secret-looking query parameter masked (the widget never puts
/// one there; this holds should a future request do so).
fn redact_query(provider: ProviderId, url: &str) -> String {
    let Some((path, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !pairs
        .iter()
        .any(|(k, v)| Field::classify(provider, k, v).is_secret())
    {
        return url.to_string();
    }
    let shown: Vec<String> = pairs
        .iter()
        .map(|(k, v)| match Field::classify(provider, k, v) {
            Field::Plain(v) => format!("{}={}", encode(k), encode(&v)),
            secret => format!("{}={}", encode(k), secret.shown()),
        })
        .collect();
    format!("{path}?{}", shown.join("&"))
}

fn capture_response(resp: &HttpResponse, sent: &Sent) -> CapturedResponse {
    let body = match crate::json::parse(&resp.body) {
        Ok(mut value) => {
            redact_json(&mut value, sent);
            crate::json::to_pretty_text(&value)
        }
        // Text that echoes a secret is hidden whole: where the dots would fall
        // in it tells how long, and where, the secret was.
        Err(_) if sent.echoed_in(&resp.body) => HIDDEN.into(),
        Err(_) => resp.body.clone(),
    };
    let cut = body.chars().count() > BODY_LIMIT;
    let body = if cut {
        body.chars().take(BODY_LIMIT).collect()
    } else {
        body
    };
    CapturedResponse {
        status: resp.status,
        headers: resp
            .headers
            .iter()
            .map(|(n, v)| {
                let value = if sent.echoed_in(v) {
                    HIDDEN.into()
                } else if looks_like_token(v) {
                    mask(v)
                } else {
                    v.clone()
                };
                (n.clone(), value)
            })
            .collect(),
        body,
        cut,
    }
}

/// Masks every token-named or token-shaped string, hides every `password`, and
/// hides whole any string that echoes a secret the request sent, at any depth.
fn redact_json(value: &mut Value, sent: &Sent) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(s) if key.eq_ignore_ascii_case("password") => *s = HIDDEN.into(),
                    Value::String(s) if is_token_field(key) && !sent.echoed_in(s) => *s = mask(s),
                    other => redact_json(other, sent),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact_json(v, sent)),
        Value::String(s) if sent.echoed_in(s) => *s = HIDDEN.into(),
        Value::String(s) if looks_like_token(s) => *s = mask(s),
        _ => {}
    }
}

/// The secrets a request sent, each also as a form or JSON would encode it:
/// every form an answer could echo, worked out once per exchange.
#[derive(Default)]
struct Sent(Vec<String>);

impl Sent {
    fn add(&mut self, secret: &str) {
        // Encoded as the widget encodes a JSON body.
        let json = crate::json::to_text(&Value::from(secret));
        for form in [
            secret.to_string(),
            encode(secret),
            json.trim_matches('"').to_string(),
        ] {
            if !form.is_empty() && !self.0.contains(&form) {
                self.0.push(form);
            }
        }
    }

    /// Whether `text` holds any of them.
    fn echoed_in(&self, text: &str) -> bool {
        self.0.iter().any(|form| text.contains(form.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::siminars::{SiminarsClient, SiminarsPasswordHash};
    use crate::providers::{nebula, nemo, nomad, Secret};

    const HOSTILE: &str = "p&a=s%s\"w'o\\rd ünï €";
    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQx9Qk";

    fn ok(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    /// Every way a secret could be written down, which must not appear in `shown`.
    fn assert_absent(shown: &str, secret: &str) {
        let forms = [
            secret.to_string(),
            encode(secret),
            serde_json::to_string(secret).unwrap(),
        ];
        for form in forms {
            assert!(!shown.contains(&form), "{form:?} in {shown}");
        }
    }

    fn everything(ex: &Exchange) -> String {
        format!("{ex:?}")
    }

    #[test]
    fn masks_keep_four_and_four_and_hide_short_secrets() {
        assert_eq!(mask(JWT), "eyJh…x9Qk");
        assert_eq!(mask("ak_0123456789abcdef"), "ak_0…cdef");
        assert_eq!(mask("short-token"), HIDDEN);
        assert_eq!(mask("ünïcödé-tökén-ẞ12"), "ünïc…-ẞ12");
    }

    #[test]
    fn form_password_is_hidden_whatever_it_contains() {
        let req = nomad::login_request("https://n/api/v1", "alice", HOSTILE);
        let ex = capture(&req, Ok(&ok(401, r#"{"detail":"no"}"#)), 0, 5);
        let body = ex.request_body.as_ref().unwrap();
        assert_eq!(body.field("password"), Some(&Field::Password));
        assert_eq!(body.field("username"), Some(&Field::Plain("alice".into())));
        assert_eq!(
            body.shown(),
            "grant_type=password&username=alice&password=•••"
        );
        assert_absent(&everything(&ex), HOSTILE);
        assert_eq!(ex.status(), Some(401));
    }

    #[test]
    fn json_password_and_nebula_form_are_hidden() {
        let req = nemo::login_request("https://nemo/v1", "ada", HOSTILE);
        let ex = capture(&req, Err(&ApiError::Unreachable), 0, 5);
        assert_eq!(
            ex.request_body.as_ref().unwrap().field("password"),
            Some(&Field::Password)
        );
        assert!(ex
            .request_body
            .as_ref()
            .unwrap()
            .shown()
            .contains("\"password\": \"•••\""));
        assert_eq!(ex.outcome, Err(NoAnswer::Unreachable));
        assert_absent(&everything(&ex), HOSTILE);

        let req = nebula::login_request("https://neb/api/v1", "a@b.c", HOSTILE);
        let ex = capture(&req, Err(&ApiError::Timeout { after_ms: 20_000 }), 0, 5);
        assert_absent(&everything(&ex), HOSTILE);
        assert_eq!(ex.outcome, Err(NoAnswer::Timeout { after_ms: 20_000 }));
    }

    #[test]
    fn not_one_character_of_the_siminars_digest_survives() {
        let client = SiminarsClient {
            base_url: "https://sim",
            apitoken: "2",
            content_type: None,
        };
        let email = "Ada@Example.org";
        let digest = SiminarsPasswordHash::new(email, HOSTILE);
        let req = client.login_request(email, HOSTILE);
        // A hostile server echoes what it was sent, in a header and the body.
        let echo = HttpResponse {
            status: 412,
            headers: vec![("x-echo".into(), digest.expose().into())],
            body: format!("<html>bad password {}</html>", digest.expose()),
        };
        let ex = capture(&req, Ok(&echo), 0, 5);
        let body = ex.request_body.as_ref().unwrap();
        assert_eq!(body.field("password"), Some(&Field::Digest));
        assert_eq!(body.field("apitoken"), Some(&Field::Plain("2".into())));
        let all = everything(&ex);
        for piece in digest.expose().as_bytes().windows(6) {
            assert!(!all.contains(std::str::from_utf8(piece).unwrap()), "{all}");
        }
        assert_absent(&all, HOSTILE);
    }

    #[test]
    fn tokens_in_headers_and_answers_are_masked() {
        let token = Secret::new(JWT);
        let req =
            nomad::uploads_request("https://n/api/v1", &token, &nomad::UploadsQuery::default());
        const NEW: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MiJ9.bmV3LXNpZ25hdHVyZS1uZXc2Ab";
        let answer = HttpResponse {
            status: 200,
            headers: vec![
                ("x-token".into(), NEW.into()),
                ("x-echo".into(), format!("was {JWT}")),
            ],
            body: format!(
                r#"{{"data":[{{"note":"{JWT}"}}],"access_token":"{NEW}","accessToken":"{NEW}"}}"#
            ),
        };
        let ex = capture(&req, Ok(&answer), 0, 5);
        assert!(ex
            .request_headers
            .contains(&("Authorization".into(), "Bearer eyJh…x9Qk".into())));
        assert_eq!(ex.masked_bearer(), Some("eyJh…x9Qk"));
        assert_absent(&everything(&ex), JWT);
        assert_absent(&everything(&ex), NEW);
        let resp = ex.outcome.as_ref().unwrap();
        // The echo of the sent token is hidden whole; a new token keeps 4 and 4.
        assert!(resp.body.contains("\"note\": \"•••\""), "{}", resp.body);
        assert!(
            resp.body.contains("\"access_token\": \"eyJh…c2Ab\""),
            "{}",
            resp.body
        );
        assert!(
            resp.body.contains("\"accessToken\": \"eyJh…c2Ab\""),
            "{}",
            resp.body
        );
        assert!(resp
            .headers
            .contains(&("x-token".into(), "eyJh…c2Ab".into())));
        assert!(resp.headers.contains(&("x-echo".into(), HIDDEN.into())));

        // Login answers: every token field, nested or not, under any known name.
        let req = nomad::login_request("https://n/api/v1", "alice", "pw-1234");
        let answer = ok(
            200,
            &format!(
                r#"{{"access_token":"{JWT}","refresh_token":"0123456789abcdef0123","id_token":null,"expires_in":300,"data":{{"jwtToken":"{JWT}","authtoken":"abcdefabcdefabcdefab","password":"pw-1234"}}}}"#
            ),
        );
        let ex = capture(&req, Ok(&answer), 0, 5);
        let all = everything(&ex);
        assert_absent(&all, JWT);
        assert_absent(&all, "0123456789abcdef0123");
        assert_absent(&all, "abcdefabcdefabcdefab");
        assert_absent(&all, "pw-1234");
        assert!(ex
            .outcome
            .as_ref()
            .unwrap()
            .body
            .contains("\"expires_in\": 300"));
    }

    #[test]
    fn an_echoed_secret_hides_the_whole_value_so_no_position_gives_it_away() {
        let req = nomad::login_request("https://n/api/v1", "alice", "password");
        let json = ok(
            401,
            r#"{"detail":"Incorrect username or password","code":7}"#,
        );
        let resp = capture(&req, Ok(&json), 0, 5).outcome.unwrap();
        assert!(resp.body.contains("\"detail\": \"•••\""), "{}", resp.body);
        assert!(resp.body.contains("\"code\": 7"), "{}", resp.body);
        let html = HttpResponse {
            status: 500,
            headers: vec![],
            body: "<p>wrong password for alice</p>".into(),
        };
        assert_eq!(capture(&req, Ok(&html), 0, 5).outcome.unwrap().body, HIDDEN);
        let unrelated = ok(500, "<p>server error</p>");
        assert_eq!(
            capture(&req, Ok(&unrelated), 0, 5).outcome.unwrap().body,
            "<p>server error</p>"
        );
    }

    #[test]
    fn siminars_logout_token_and_query_strings() {
        let client = SiminarsClient {
            base_url: "https://sim",
            apitoken: "2",
            content_type: Some("application/javascript"),
        };
        let req = client.logout_request(&Secret::new("a1b2c3d4e5f6a7b8c9d0e1f2"));
        let ex = capture(&req, Ok(&ok(200, "{}")), 0, 5);
        assert_eq!(
            ex.request_body.as_ref().unwrap().field("authtoken"),
            Some(&Field::Token {
                masked: "a1b2…e1f2".into()
            })
        );
        assert_eq!(
            ex.request_body.as_ref().unwrap().content_type,
            "application/javascript"
        );
        assert_absent(&everything(&ex), "a1b2c3d4e5f6a7b8c9d0e1f2");

        assert_eq!(
            redact_query(
                ProviderId::Nomad,
                "https://n/x?page=1&token=abcdefghijklmnopqrst"
            ),
            "https://n/x?page=1&token=abcd…qrst"
        );
        assert_eq!(
            redact_query(ProviderId::Nomad, "https://n/x?password=p%26w&a=1"),
            "https://n/x?password=•••&a=1"
        );
        assert_eq!(
            redact_query(ProviderId::Nomad, "https://n/x?page=2"),
            "https://n/x?page=2"
        );
    }

    #[test]
    fn long_answers_are_cut_and_unknown_bodies_hidden_whole() {
        let req = nomad::login_request("https://n", "a", "b");
        let long = ok(200, &"x".repeat(BODY_LIMIT * 2));
        let ex = capture(&req, Ok(&long), 0, 5);
        let resp = ex.outcome.unwrap();
        assert!(resp.cut);
        assert_eq!(resp.body.chars().count(), BODY_LIMIT);
        let body = CapturedBody {
            content_type: "application/json".into(),
            json: true,
            fields: None,
        };
        assert_eq!(body.shown(), HIDDEN);
        assert!(
            !raw_pairs(true, r#"{"a":{"b":1}}"#).1,
            "a nested body is not flat"
        );
    }
}
