//! The widget's configuration: which providers, where they are, and options.
//!
//! Endpoints come only from the page owner: the built-in defaults (the real
//! services), then `lab-login.json` beside the bundle, or host script through
//! `mount()`. Element
//! attributes may only choose among the configured providers
//! ([`Config::select`]). The parser is pure; a bad file is an error the widget
//! shows in its place.

use serde_json::Value;

use crate::providers::{nebula, nemo, nomad, ProviderId};

/// Where one provider lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// An absolute `https://` (or loopback `http://`) base URL, or a same-origin
    /// path starting with `/` (for a reverse proxy beside the page).
    pub url: String,
}

/// Siminars needs a client credential and may need another content type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiminarsEndpoint {
    pub url: String,
    /// The `apitoken` client credential sent with every call.
    pub apitoken: String,
    /// The request content type; `None` sends `application/json`.
    pub content_type: Option<String>,
}

/// The whole configuration. `None` means the provider is not offered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub nomad: Option<Endpoint>,
    pub nemo: Option<Endpoint>,
    pub siminars: Option<SiminarsEndpoint>,
    pub nebula: Option<Endpoint>,
    /// Warn this long before a session expires. Defaults to 120 s.
    pub expiry_warning_secs: u64,
    /// Give up on a request after this long. Defaults to 20 s.
    pub request_timeout_secs: u64,
    /// Allow `http://` endpoints that are not loopback. Defaults to `false`; when
    /// set, every form says that its password travels unencrypted.
    pub allow_insecure_http: bool,
    /// The provider's own "forgot your password" page, per provider. Defaults to
    /// NOMAD's account service; the others have none until configured (Siminars
    /// resets only on its web site).
    pub forgot_password: Vec<(ProviderId, String)>,
    /// The host's own wording of any message, per language. Defaults to none.
    pub messages: crate::messages::Overrides,
    /// The provider emulator's base URL (`"demo": {"emulator": …}`): the teaching
    /// bundle then shows its demo controls. Defaults to none: the widget never
    /// probes for an emulator.
    pub demo_emulator: Option<String>,
}

/// NOMAD's accounts live in its Keycloak realm, whose standard reset page this is.
pub const NOMAD_FORGOT_PASSWORD: &str =
    "https://nomad-lab.eu/fairdi/keycloak/auth/realms/fairdi_nomad_prod/login-actions/reset-credentials";

impl Default for Config {
    /// The real services. Siminars publishes no base URL, so it is off until configured.
    fn default() -> Self {
        Self {
            nomad: Some(Endpoint {
                url: nomad::DEFAULT_BASE_URL.into(),
            }),
            nemo: Some(Endpoint {
                url: nemo::DEFAULT_BASE_URL.into(),
            }),
            siminars: None,
            nebula: Some(Endpoint {
                url: nebula::DEFAULT_BASE_URL.into(),
            }),
            expiry_warning_secs: 120,
            request_timeout_secs: 20,
            allow_insecure_http: false,
            forgot_password: vec![(ProviderId::Nomad, NOMAD_FORGOT_PASSWORD.into())],
            messages: Vec::new(),
            demo_emulator: None,
        }
    }
}

/// A configuration the widget cannot use; the text says what to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

struct EndpointFile {
    url: String,
    forgot_password_url: Option<String>,
}

struct SiminarsFile {
    url: String,
    forgot_password_url: Option<String>,
    /// Checked later: a non-empty string or a number.
    apitoken: Value,
    content_type: Option<String>,
}

#[derive(Default)]
struct OptionsFile {
    expiry_warning_secs: Option<u64>,
    request_timeout_secs: Option<u64>,
    allow_insecure_http: Option<bool>,
}

/// `lab-login.json` as written. A provider key: absent (`None`) keeps the
/// default, `null` (`Some(None)`) turns the provider off.
struct ConfigFile {
    nomad: Option<Option<EndpointFile>>,
    nemo: Option<Option<EndpointFile>>,
    siminars: Option<Option<SiminarsFile>>,
    nebula: Option<Option<EndpointFile>>,
    options: OptionsFile,
    /// `{"de": {"form.submit": "Anmelden bei {provider}"}}`
    messages: Vec<(String, Vec<(String, String)>)>,
    /// Only the teaching bundle reads it; the embeddable one accepts and ignores it.
    #[cfg(any(test, feature = "teaching"))]
    demo_emulator: Option<String>,
}

const ENDPOINT_KEYS: &[&str] = &["url", "forgot_password_url"];
const SIMINARS_KEYS: &[&str] = &["url", "forgot_password_url", "apitoken", "content_type"];

impl ConfigFile {
    /// Reads the file's shape by hand (serde's derive code would cost the bundle
    /// more than this), naming the key at fault in every error.
    fn read(value: &Value) -> Result<Self, ConfigError> {
        let file = Object::new(
            "",
            value,
            &[
                "nomad", "nemo", "siminars", "nebula", "options", "messages", "demo",
            ],
        )?;
        let endpoint = |o: &Object| {
            Ok(EndpointFile {
                url: o.required_text("url")?,
                forgot_password_url: o.text("forgot_password_url")?,
            })
        };
        let siminars = file.provider("siminars", SIMINARS_KEYS, |o| {
            Ok(SiminarsFile {
                url: o.required_text("url")?,
                forgot_password_url: o.text("forgot_password_url")?,
                apitoken: o.get("apitoken").cloned().unwrap_or(Value::Null),
                content_type: o.text("content_type")?,
            })
        })?;
        let options = match file.get("options") {
            None => OptionsFile::default(),
            Some(v) => {
                let o = Object::new(
                    "options",
                    v,
                    &[
                        "expiry_warning_secs",
                        "request_timeout_secs",
                        "allow_insecure_http",
                    ],
                )?;
                OptionsFile {
                    expiry_warning_secs: o.whole("expiry_warning_secs")?,
                    request_timeout_secs: o.whole("request_timeout_secs")?,
                    allow_insecure_http: o.flag("allow_insecure_http")?,
                }
            }
        };
        let mut messages = Vec::new();
        if let Some(v) = file.get("messages") {
            let Value::Object(languages) = v else {
                return Err(ConfigError("messages must be a JSON object".into()));
            };
            for (lang, texts) in languages {
                let Value::Object(texts) = texts else {
                    return Err(ConfigError(format!(
                        "messages.{lang} must be a JSON object"
                    )));
                };
                let texts = texts
                    .iter()
                    .map(|(key, text)| match text {
                        Value::String(text) => Ok((key.clone(), text.clone())),
                        _ => Err(ConfigError(format!(
                            "messages.{lang}.{key} must be a string"
                        ))),
                    })
                    .collect::<Result<_, _>>()?;
                messages.push((lang.clone(), texts));
            }
        }
        #[cfg(any(test, feature = "teaching"))]
        let demo_emulator = file
            .get("demo")
            .map(|v| Object::new("demo", v, &["emulator"])?.required_text("emulator"))
            .transpose()?;
        Ok(Self {
            nomad: file.provider("nomad", ENDPOINT_KEYS, endpoint)?,
            nemo: file.provider("nemo", ENDPOINT_KEYS, endpoint)?,
            siminars,
            nebula: file.provider("nebula", ENDPOINT_KEYS, endpoint)?,
            options,
            messages,
            #[cfg(any(test, feature = "teaching"))]
            demo_emulator,
        })
    }
}

/// One JSON object of the file, with the keys it may hold.
struct Object<'a> {
    /// Where it is in the file (`"options"`), empty for the whole file.
    path: &'static str,
    fields: &'a serde_json::Map<String, Value>,
}

impl<'a> Object<'a> {
    fn new(path: &'static str, value: &'a Value, known: &[&str]) -> Result<Self, ConfigError> {
        let Value::Object(fields) = value else {
            return Err(ConfigError(if path.is_empty() {
                "it must hold a JSON object".into()
            } else {
                format!("{path} must be a JSON object")
            }));
        };
        let object = Self { path, fields };
        if let Some(key) = fields.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(ConfigError(format!(
                "{} is not a setting the widget knows (here it knows {})",
                object.at(key),
                known.join(", ")
            )));
        }
        Ok(object)
    }

    /// The full name of one of its keys, as in `options.request_timeout_secs`.
    fn at(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.into()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// A key's value; `null` counts as absent.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.fields.get(key).filter(|v| !v.is_null())
    }

    /// A provider's entry: absent, `null` (turned off), or what `read` makes of its object.
    fn provider<T>(
        &self,
        key: &'static str,
        known: &[&str],
        read: impl Fn(&Object) -> Result<T, ConfigError>,
    ) -> Result<Option<Option<T>>, ConfigError> {
        match self.fields.get(key) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(v) => read(&Object::new(key, v, known)?).map(|t| Some(Some(t))),
        }
    }

    fn text(&self, key: &str) -> Result<Option<String>, ConfigError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(ConfigError(format!("{} must be a string", self.at(key)))),
        }
    }

    fn required_text(&self, key: &str) -> Result<String, ConfigError> {
        self.text(key)?
            .ok_or_else(|| ConfigError(format!("{} is missing", self.at(key))))
    }

    fn whole(&self, key: &str) -> Result<Option<u64>, ConfigError> {
        self.get(key)
            .map(|v| {
                v.as_u64().ok_or_else(|| {
                    ConfigError(format!(
                        "{} must be a whole number of seconds",
                        self.at(key)
                    ))
                })
            })
            .transpose()
    }

    fn flag(&self, key: &str) -> Result<Option<bool>, ConfigError> {
        self.get(key)
            .map(|v| {
                v.as_bool()
                    .ok_or_else(|| ConfigError(format!("{} must be true or false", self.at(key))))
            })
            .transpose()
    }
}

impl Config {
    /// Applies a `lab-login.json` on top of `self`. Every endpoint, relative or
    /// not, is resolved once by `urls` (against the URL the file was read from)
    /// and judged on that parse; from then on the widget only uses the absolute result.
    pub fn merge_json(mut self, text: &str, urls: &dyn UrlParser) -> Result<Self, ConfigError> {
        let value = crate::json::parse(text)
            .map_err(|e| ConfigError(format!("lab-login.json is not valid JSON: {}", e.detail)))?;
        let file = ConfigFile::read(&value)
            .map_err(|e| ConfigError(format!("lab-login.json is not valid: {e}")))?;
        let opts = file.options;
        self.allow_insecure_http = opts.allow_insecure_http.unwrap_or(self.allow_insecure_http);
        self.expiry_warning_secs = opts.expiry_warning_secs.unwrap_or(self.expiry_warning_secs);
        self.request_timeout_secs = opts
            .request_timeout_secs
            .unwrap_or(self.request_timeout_secs);
        if !(1..=300).contains(&self.request_timeout_secs) {
            return Err(ConfigError(
                "options.request_timeout_secs must be between 1 and 300".into(),
            ));
        }
        for (lang, texts) in &file.messages {
            if crate::messages::Lang::from_tag(lang).is_none() {
                return Err(ConfigError(format!(
                    "messages.{lang}: the widget speaks en and de"
                )));
            }
            for (key, text) in texts {
                if !crate::messages::is_key(key) {
                    return Err(ConfigError(format!(
                        "messages.{lang}.{key} is not a message of the widget"
                    )));
                }
                self.messages.retain(|(l, k, _)| !(l == lang && k == key));
                self.messages
                    .push((lang.clone(), key.clone(), text.clone()));
            }
        }
        let insecure = self.allow_insecure_http;
        // Each provider as the file gives it: absent, `null`, or its url and link.
        let given = |e: &Option<Option<EndpointFile>>| {
            e.as_ref().map(|e| {
                e.as_ref()
                    .map(|e| (e.url.clone(), e.forgot_password_url.clone()))
            })
        };
        let siminars = file.siminars.as_ref().map(|e| {
            e.as_ref()
                .map(|e| (e.url.clone(), e.forgot_password_url.clone()))
        });
        for (id, given) in [
            (ProviderId::Nomad, given(&file.nomad)),
            (ProviderId::Nemo, given(&file.nemo)),
            (ProviderId::Siminars, siminars),
            (ProviderId::Nebula, given(&file.nebula)),
        ] {
            match given {
                None => {}
                // A provider turned off has no link.
                Some(None) => self.forgot_password.retain(|(p, _)| *p != id),
                Some(Some((url, None))) => {
                    // Moved elsewhere (an Oasis): the real service's link would be wrong there.
                    let default_url = Config::default().base_url(id).map(str::to_string);
                    if default_url.as_deref() != Some(url.trim_end_matches('/')) {
                        self.forgot_password.retain(|(p, _)| *p != id);
                    }
                }
                Some(Some((_, Some(link)))) => {
                    let link = check_link(id.key(), &link, urls)?;
                    self.forgot_password.retain(|(p, _)| *p != id);
                    self.forgot_password.push((id, link));
                }
            }
        }
        let endpoint = |key: &str, e: EndpointFile| -> Result<Endpoint, ConfigError> {
            Ok(Endpoint {
                url: check_url(key, &e.url, insecure, urls)?,
            })
        };
        if let Some(e) = file.nomad {
            self.nomad = e.map(|e| endpoint("nomad", e)).transpose()?;
        }
        if let Some(e) = file.nemo {
            self.nemo = e.map(|e| endpoint("nemo", e)).transpose()?;
        }
        if let Some(e) = file.nebula {
            self.nebula = e.map(|e| endpoint("nebula", e)).transpose()?;
        }
        if let Some(e) = file.siminars {
            self.siminars = e
                .map(|s| -> Result<SiminarsEndpoint, ConfigError> {
                    let apitoken = match s.apitoken {
                        Value::String(t) if !t.trim().is_empty() => t.trim().to_string(),
                        // Only a whole number that JSON.parse keeps exactly: a longer one
                        // would be sent rounded, as another credential.
                        Value::Number(n) => match n.as_u64().filter(|u| *u < 1 << 53) {
                            Some(u) => u.to_string(),
                            None => return Err(ConfigError(
                                "siminars.apitoken: write a long or fractional number as a string"
                                    .into(),
                            )),
                        },
                        _ => {
                            return Err(ConfigError(
                                "siminars.apitoken must be a non-empty string or a number".into(),
                            ))
                        }
                    };
                    Ok(SiminarsEndpoint {
                        url: check_url("siminars", &s.url, insecure, urls)?,
                        apitoken,
                        content_type: s.content_type,
                    })
                })
                .transpose()?;
        }
        #[cfg(any(test, feature = "teaching"))]
        if let Some(emulator) = file.demo_emulator {
            self.demo_emulator = Some(check_url("demo.emulator", &emulator, insecure, urls)?);
        }
        // Also re-check the defaults against the final insecure setting.
        for (id, url) in self.endpoints() {
            check_url(id.key(), url, self.allow_insecure_http, urls)?;
        }
        Ok(self)
    }

    /// The configured providers and their base URLs, in display order.
    pub fn endpoints(&self) -> Vec<(ProviderId, &str)> {
        let mut out = Vec::new();
        if let Some(e) = &self.nomad {
            out.push((ProviderId::Nomad, e.url.as_str()));
        }
        if let Some(e) = &self.nemo {
            out.push((ProviderId::Nemo, e.url.as_str()));
        }
        if let Some(e) = &self.siminars {
            out.push((ProviderId::Siminars, e.url.as_str()));
        }
        if let Some(e) = &self.nebula {
            out.push((ProviderId::Nebula, e.url.as_str()));
        }
        out
    }

    /// The provider's own page for a forgotten password, if there is one.
    pub fn forgot_password_url(&self, provider: ProviderId) -> Option<&str> {
        self.forgot_password
            .iter()
            .find(|(p, _)| *p == provider)
            .map(|(_, u)| u.as_str())
    }

    pub fn base_url(&self, provider: ProviderId) -> Option<&str> {
        self.endpoints()
            .into_iter()
            .find(|(p, _)| *p == provider)
            .map(|(_, u)| u)
    }

    /// The providers a `data-providers="nomad,siminars"` attribute asks for: only
    /// configured ones, in the attribute's order. An empty or absent attribute
    /// means all configured providers.
    pub fn select(&self, attribute: Option<&str>) -> Result<Vec<ProviderId>, ConfigError> {
        let configured: Vec<ProviderId> = self.endpoints().into_iter().map(|(p, _)| p).collect();
        let Some(list) = attribute.map(str::trim).filter(|l| !l.is_empty()) else {
            return Ok(configured);
        };
        let mut chosen = Vec::new();
        for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            let id = ProviderId::from_key(&word.to_ascii_lowercase()).ok_or_else(|| {
                ConfigError(format!(
                    "data-providers names an unknown provider \"{word}\""
                ))
            })?;
            if !configured.contains(&id) {
                return Err(ConfigError(format!(
                    "data-providers asks for {} but it is not configured",
                    id.display_name()
                )));
            }
            if !chosen.contains(&id) {
                chosen.push(id);
            }
        }
        Ok(chosen)
    }

    /// Whether a base URL sends passwords without TLS (shown on the form). Base
    /// URLs here are already the browser's own serialisation (see [`check_url`]).
    pub fn is_insecure(url: &str) -> bool {
        url.strip_prefix("http://")
            .is_some_and(|rest| !is_loopback_host(host_without_port(rest)))
    }
}

/// A URL as the browser will request it: the parts the widget decides on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedUrl {
    /// The whole URL, serialised by the parser.
    pub href: String,
    /// `https`, `http`, … (no colon).
    pub scheme: String,
    /// The host as serialised: a lowercased domain, dotted-decimal IPv4, or `[v6]`.
    pub host: String,
    /// Whether the URL carries a user name or password.
    pub has_credentials: bool,
    /// Whether it carries a query or a fragment.
    pub has_query_or_fragment: bool,
}

/// Resolves and parses a URL exactly as the browser will use it. On wasm this is
/// the browser's own `URL` (see `http::BrowserUrls`): one parser, the one `fetch`
/// uses, so the widget never judges a URL that the browser reads differently.
pub trait UrlParser {
    fn parse(&self, input: &str) -> Option<ParsedUrl>;
}

fn host_without_port(authority: &str) -> &str {
    let authority = authority.split('/').next().unwrap_or("");
    if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    }
}

/// Loopback as the parser serialises it: `localhost`, `[::1]`, or 127.x.y.z in
/// dotted decimal (the parser has already turned `0x7f.1` or `2130706433` into that;
/// `127.0.0.1.evil.example` stays a domain and is not loopback).
fn is_loopback_host(host: &str) -> bool {
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts[0] == "127"
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Resolves `url` with `urls` and decides on the result: `https://`, loopback
/// `http://`, other `http://` only when allowed; no credentials, query or fragment.
/// Returns the browser's absolute URL without a trailing `/`.
fn check_url(
    key: &str,
    url: &str,
    allow_insecure_http: bool,
    urls: &dyn UrlParser,
) -> Result<String, ConfigError> {
    // `nomad` names `nomad.url`; a dotted key (`demo.emulator`) is the field itself.
    let field = if key.contains('.') {
        key.to_string()
    } else {
        format!("{key}.url")
    };
    let bad = |why: &str| Err(ConfigError(format!("{field} \"{url}\" {why}")));
    // The parser would strip or fold these; a page owner never means them. An empty
    // `?` or `#` would leave `search` and `hash` empty but cut every API path off.
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '\\' | '?' | '#' | '@'))
    {
        return bad("must be a plain base URL (no spaces, control characters, backslashes, credentials, query or fragment)");
    }
    if url.starts_with("//") {
        return bad("is a protocol-relative URL; write https://");
    }
    let has_scheme = url.split_once("://").is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    });
    if !url.starts_with('/') && !has_scheme {
        return bad("must start with https:// (or be a path on the bundle's site starting with /)");
    }
    let Some(parsed) = urls.parse(url) else {
        return bad("is not a URL");
    };
    decide(key, url, &parsed, allow_insecure_http)
}

/// A link the widget opens in a new tab (a provider's reset page): `https://`
/// (or loopback `http://`), no credentials. A query is fine: it carries no secret.
fn check_link(key: &str, url: &str, urls: &dyn UrlParser) -> Result<String, ConfigError> {
    let bad = || {
        ConfigError(format!(
            "{key}.forgot_password_url \"{url}\" must be an https:// address"
        ))
    };
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
        || !url.contains("://")
    {
        return Err(bad());
    }
    let parsed = urls.parse(url).ok_or_else(bad)?;
    let secure =
        parsed.scheme == "https" || (parsed.scheme == "http" && is_loopback_host(&parsed.host));
    if !secure || parsed.has_credentials || parsed.host.is_empty() {
        return Err(bad());
    }
    Ok(parsed.href)
}

/// The decision on an already parsed URL (pure, tested natively).
fn decide(
    key: &str,
    raw: &str,
    parsed: &ParsedUrl,
    allow_insecure_http: bool,
) -> Result<String, ConfigError> {
    let bad = |why: &str| Err(ConfigError(format!("{key}.url \"{raw}\" {why}")));
    if parsed.has_credentials || parsed.has_query_or_fragment {
        return bad("must be a plain base URL (no credentials, query or fragment)");
    }
    if parsed.host.is_empty() {
        return bad("has no host");
    }
    let ok = match parsed.scheme.as_str() {
        "https" => true,
        "http" if is_loopback_host(&parsed.host) || allow_insecure_http => true,
        "http" => {
            return bad(&format!("is plain http:// to {}, which is not this machine; passwords would travel unencrypted (set options.allow_insecure_http to allow it)", parsed.host));
        }
        _ => false,
    };
    if !ok {
        return bad("must start with https:// (or be a path on the bundle's site starting with /)");
    }
    Ok(parsed.href.trim_end_matches('/').to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A stand-in for the browser's `URL` in native tests: just enough to resolve
    /// the test inputs against a config file at `https://portal.example/static/`.
    /// The tricky inputs run in the browser tests (`tests/browser/urls.rs`),
    /// against the real parser.
    pub(crate) struct TestUrls;

    impl UrlParser for TestUrls {
        fn parse(&self, input: &str) -> Option<ParsedUrl> {
            let absolute = match input.strip_prefix('/') {
                Some(path) => format!("https://portal.example/{path}"),
                None => input.to_string(),
            };
            let (scheme, rest) = absolute.split_once("://")?;
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let (userinfo, hostport) = match authority.rsplit_once('@') {
                Some((u, h)) => (Some(u), h),
                None => (None, authority),
            };
            let host = host_without_port(hostport).to_ascii_lowercase();
            Some(ParsedUrl {
                href: format!(
                    "{}://{}{}",
                    scheme.to_ascii_lowercase(),
                    hostport.to_ascii_lowercase(),
                    if path.is_empty() { "/" } else { path }
                ),
                scheme: scheme.to_ascii_lowercase(),
                host,
                has_credentials: userinfo.is_some(),
                has_query_or_fragment: path.contains(['?', '#']),
            })
        }
    }

    #[test]
    fn defaults_are_the_real_services_without_siminars() {
        let c = Config::default();
        assert_eq!(
            c.endpoints(),
            vec![
                (ProviderId::Nomad, "https://nomad-lab.eu/prod/v1/api/v1"),
                (ProviderId::Nemo, "https://api.nemoarchive.org/v1"),
                (ProviderId::Nebula, "https://api.nebulablock.com/api/v1"),
            ]
        );
        assert_eq!(c.expiry_warning_secs, 120);
    }

    #[test]
    fn the_documented_file_shape() {
        let text = r#"{"nomad": {"url": "http://127.0.0.1:8080/nomad/api/v1/"}, "nemo": {"url": "https://nemo.lab/v1"},
            "siminars": {"url": "/proxy/siminars", "apitoken": 2}, "nebula": {"url": "http://localhost:9/nebula/api/v1"},
            "options": {"expiry_warning_secs": 30}}"#;
        let c = Config::default().merge_json(text, &TestUrls).unwrap();
        assert_eq!(
            c.base_url(ProviderId::Nomad),
            Some("http://127.0.0.1:8080/nomad/api/v1")
        );
        assert_eq!(c.siminars.as_ref().unwrap().apitoken, "2");
        // A path is resolved once, against where the file was read from.
        assert_eq!(
            c.base_url(ProviderId::Siminars),
            Some("https://portal.example/proxy/siminars")
        );
        assert_eq!(c.expiry_warning_secs, 30);
        assert_eq!(c.endpoints().len(), 4);
    }

    #[test]
    fn demo_mode_only_where_the_file_names_the_emulator() {
        assert_eq!(Config::default().demo_emulator, None);
        let c = Config::default()
            .merge_json(r#"{"demo": {"emulator": "/emulator"}}"#, &TestUrls)
            .unwrap();
        assert_eq!(
            c.demo_emulator.as_deref(),
            Some("https://portal.example/emulator")
        );
        for bad in [
            r#"{"demo": {"emulator": "javascript:alert(1)"}}"#,
            r#"{"demo": {"emulator": "http://emulator.example"}}"#,
            r#"{"demo": {"emulatr": "/e"}}"#,
            r#"{"demo": true}"#,
        ] {
            assert!(
                Config::default().merge_json(bad, &TestUrls).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn null_turns_a_provider_off_and_absent_keeps_it() {
        let c = Config::default()
            .merge_json(r#"{"nemo": null}"#, &TestUrls)
            .unwrap();
        assert_eq!(c.nemo, None);
        assert!(c.nomad.is_some());
    }

    #[test]
    fn unsafe_or_odd_urls_are_refused() {
        for url in [
            "http://nomad.example/api",
            "ftp://x/y",
            "javascript:alert(1)",
            "//evil.example/x",
            "https://user:pw@x/y",
            "https://x/y?token=1",
            "https:// x",
            "https://",
            "nomad.example/api",
            "http://127.0.0.1.evil.example/x",
        ] {
            let text = format!(r#"{{"nomad": {{"url": "{url}"}}}}"#);
            assert!(
                Config::default().merge_json(&text, &TestUrls).is_err(),
                "{url}"
            );
        }
    }

    #[test]
    fn insecure_http_needs_the_opt_in_and_is_flagged() {
        let text = r#"{"nomad": {"url": "http://nomad.lab/api"}, "options": {"allow_insecure_http": true}}"#;
        let c = Config::default().merge_json(text, &TestUrls).unwrap();
        assert!(Config::is_insecure(c.base_url(ProviderId::Nomad).unwrap()));
        assert!(!Config::is_insecure("http://127.0.0.1:3000/x"));
        assert!(!Config::is_insecure("http://[::1]:3000/x"));
        assert!(!Config::is_insecure("https://nomad.lab"));
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        // Each bad file, and what its message must name.
        for (text, names) in [
            ("", "not valid JSON"),
            ("[]", "must hold a JSON object"),
            ("{", "not valid JSON"),
            (r#"{"nomad": {"url": 5}}"#, "nomad.url must be a string"),
            (r#"{"nomad": {}}"#, "nomad.url is missing"),
            (
                r#"{"nomad": {"uri": "https://x"}}"#,
                "nomad.uri is not a setting",
            ),
            (r#"{"nomad": "https://x"}"#, "nomad must be a JSON object"),
            (r#"{"extra": 1}"#, "extra is not a setting"),
            (r#"{"siminars": {"url": "https://s"}}"#, "siminars.apitoken"),
            (
                r#"{"siminars": {"url": "https://s", "apitoken": ""}}"#,
                "siminars.apitoken",
            ),
            (
                r#"{"siminars": {"url": "https://s", "apitoken": 12345678901234567890}}"#,
                "siminars.apitoken: write a long",
            ),
            (
                r#"{"siminars": {"url": "https://s", "apitoken": 2.5}}"#,
                "siminars.apitoken: write a long",
            ),
            (
                r#"{"options": {"request_timeout_secs": 0}}"#,
                "options.request_timeout_secs",
            ),
            (
                r#"{"options": {"request_timeout_secs": "20"}}"#,
                "options.request_timeout_secs must be a whole number",
            ),
            (
                r#"{"options": {"allow_insecure_http": 1}}"#,
                "options.allow_insecure_http must be true or false",
            ),
            (r#"{"options": []}"#, "options must be a JSON object"),
            (
                r#"{"messages": {"de": {"form.submit": 1}}}"#,
                "messages.de.form.submit must be a string",
            ),
            (
                r#"{"messages": {"de": "Anmelden"}}"#,
                "messages.de must be a JSON object",
            ),
        ] {
            let err = Config::default().merge_json(text, &TestUrls).unwrap_err();
            assert!(err.0.contains(names), "{text}: {err}");
        }
    }

    #[test]
    fn attributes_only_choose_among_configured_providers() {
        let c = Config::default();
        assert_eq!(c.select(None).unwrap().len(), 3);
        assert_eq!(c.select(Some(" ")).unwrap().len(), 3);
        assert_eq!(
            c.select(Some("nebula, NOMAD,nebula")).unwrap(),
            vec![ProviderId::Nebula, ProviderId::Nomad]
        );
        assert!(c.select(Some("siminars")).is_err(), "not configured");
        assert!(c.select(Some("https://evil.example")).is_err());
    }

    fn parsed(scheme: &str, host: &str) -> ParsedUrl {
        ParsedUrl {
            href: format!("{scheme}://{host}/api/"),
            scheme: scheme.into(),
            host: host.into(),
            has_credentials: false,
            has_query_or_fragment: false,
        }
    }

    #[test]
    fn the_decision_is_made_on_the_parsed_scheme_and_host() {
        let ok = |p: &ParsedUrl, insecure| decide("nomad", "raw", p, insecure);
        assert_eq!(
            ok(&parsed("https", "nomad.lab"), false).unwrap(),
            "https://nomad.lab/api"
        );
        for loopback in ["127.0.0.1", "127.1.2.3", "localhost", "[::1]"] {
            assert!(ok(&parsed("http", loopback), false).is_ok(), "{loopback}");
        }
        // What the parser leaves as a domain is not loopback, however it begins.
        for remote in [
            "127.0.0.1.evil.example",
            "127.evil.example",
            "localhost.evil.example",
            "localhost.",
            "[::2]",
            "1270.0.0.1",
        ] {
            let err = ok(&parsed("http", remote), false).unwrap_err();
            assert!(err.0.contains("unencrypted"), "{remote}: {err}");
            assert!(
                ok(&parsed("http", remote), true).is_ok(),
                "{remote} with the opt-in"
            );
        }
        for scheme in ["ftp", "javascript", "data", "ws"] {
            assert!(ok(&parsed(scheme, "x.example"), true).is_err(), "{scheme}");
        }
        let mut with_user = parsed("https", "x.example");
        with_user.has_credentials = true;
        assert!(ok(&with_user, false).is_err());
        let mut with_query = parsed("https", "x.example");
        with_query.has_query_or_fragment = true;
        assert!(ok(&with_query, false).is_err());
        assert!(ok(&parsed("https", ""), false).is_err());
    }

    #[test]
    fn insecure_is_judged_on_the_serialised_url() {
        assert!(Config::is_insecure("http://127.0.0.1.evil.example/x"));
        assert!(Config::is_insecure("http://nomad.lab:8080/x"));
        assert!(!Config::is_insecure("http://127.0.0.1:8080/x"));
        assert!(!Config::is_insecure("http://localhost/x"));
    }

    #[test]
    fn backslashes_and_schemeless_hosts_are_refused_before_parsing() {
        // A parser that accepts anything: only the checks before parsing can refuse.
        struct AcceptsAnything;
        impl UrlParser for AcceptsAnything {
            fn parse(&self, _: &str) -> Option<ParsedUrl> {
                Some(ParsedUrl {
                    href: "https://portal.example/api".into(),
                    scheme: "https".into(),
                    host: "portal.example".into(),
                    has_credentials: false,
                    has_query_or_fragment: false,
                })
            }
        }
        for url in [
            "/\\evil.example/x",
            "https:evil.example/x",
            "evil.example/x",
            "https://x\\y",
            "https://x/api?",
            "https://x/api#",
            "https://u@x/api",
            "https://x/a pi",
            "//evil.example/x",
        ] {
            let text = format!(
                r#"{{"nomad": {{"url": {}}}}}"#,
                serde_json::to_string(url).unwrap()
            );
            assert!(
                Config::default()
                    .merge_json(&text, &AcceptsAnything)
                    .is_err(),
                "{url}"
            );
        }
    }

    #[test]
    fn forgot_password_links_come_from_configuration() {
        let c = Config::default();
        assert_eq!(
            c.forgot_password_url(ProviderId::Nomad),
            Some(NOMAD_FORGOT_PASSWORD)
        );
        assert_eq!(c.forgot_password_url(ProviderId::Nemo), None);
        let text = r#"{"nemo": {"url": "https://n.example/v1", "forgot_password_url": "https://n.example/reset?from=lab"},
            "nomad": {"url": "https://nomad.example/api"}}"#;
        let c = Config::default().merge_json(text, &TestUrls).unwrap();
        assert_eq!(
            c.forgot_password_url(ProviderId::Nemo),
            Some("https://n.example/reset?from=lab")
        );
        // NOMAD moved to an Oasis: the central service's link would be wrong there.
        assert_eq!(c.forgot_password_url(ProviderId::Nomad), None);
        let same = Config::default()
            .merge_json(
                r#"{"nomad": {"url": "https://nomad-lab.eu/prod/v1/api/v1/"}}"#,
                &TestUrls,
            )
            .unwrap();
        assert_eq!(
            same.forgot_password_url(ProviderId::Nomad),
            Some(NOMAD_FORGOT_PASSWORD)
        );
        let off = Config::default()
            .merge_json(r#"{"nomad": null}"#, &TestUrls)
            .unwrap();
        assert_eq!(off.forgot_password_url(ProviderId::Nomad), None);
        for bad in [
            "javascript:alert(1)",
            "http://evil.example/reset",
            "https://u:p@x.example/",
            "/reset",
        ] {
            let text = format!(
                r#"{{"nemo": {{"url": "https://n.example", "forgot_password_url": "{bad}"}}}}"#
            );
            assert!(
                Config::default().merge_json(&text, &TestUrls).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn hosts_may_reword_known_messages_in_known_languages() {
        let c = Config::default()
            .merge_json(
                r#"{"messages": {"de": {"form.submit": "Einloggen: {provider}"}}}"#,
                &TestUrls,
            )
            .unwrap();
        assert_eq!(
            c.messages,
            vec![(
                "de".into(),
                "form.submit".into(),
                "Einloggen: {provider}".into()
            )]
        );
        assert!(Config::default()
            .merge_json(r#"{"messages": {"de": {"no.such.key": "x"}}}"#, &TestUrls)
            .is_err());
        assert!(Config::default()
            .merge_json(r#"{"messages": {"xx": {"form.submit": "x"}}}"#, &TestUrls)
            .is_err());
    }
}
