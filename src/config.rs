//! The widget's configuration: which providers, where they are, and options.
//!
//! Endpoints come only from the page owner: the built-in defaults (the real
//! services), then a same-origin `lab-login.json`, then host script. Element
//! attributes may only choose among the configured providers
//! ([`Config::select`]). The parser is pure; a bad file is an error the widget
//! shows in its place.

use serde::Deserialize;
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
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EndpointFile {
    url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SiminarsFile {
    url: String,
    apitoken: Value,
    #[serde(default)]
    content_type: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct OptionsFile {
    expiry_warning_secs: Option<u64>,
    request_timeout_secs: Option<u64>,
    allow_insecure_http: Option<bool>,
}

/// A provider key in the file: absent keeps the default, `null` turns it off.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default, deserialize_with = "present")]
    nomad: Option<Option<EndpointFile>>,
    #[serde(default, deserialize_with = "present")]
    nemo: Option<Option<EndpointFile>>,
    #[serde(default, deserialize_with = "present")]
    siminars: Option<Option<SiminarsFile>>,
    #[serde(default, deserialize_with = "present")]
    nebula: Option<Option<EndpointFile>>,
    #[serde(default)]
    options: OptionsFile,
}

/// Tells a key given as `null` (`Some(None)`) from a missing key (`None`).
fn present<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

impl Config {
    /// Applies a `lab-login.json` on top of `self`.
    pub fn merge_json(mut self, text: &str) -> Result<Self, ConfigError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| ConfigError(format!("lab-login.json is not valid JSON: {e}")))?;
        if !value.is_object() {
            return Err(ConfigError("lab-login.json must hold a JSON object".into()));
        }
        let file = ConfigFile::deserialize(value)
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
        let insecure = self.allow_insecure_http;
        let endpoint = |key: &str, e: EndpointFile| -> Result<Endpoint, ConfigError> {
            Ok(Endpoint {
                url: check_url(key, &e.url, insecure)?,
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
                        Value::Number(n) => n.to_string(),
                        _ => {
                            return Err(ConfigError(
                                "siminars.apitoken must be a non-empty string or a number".into(),
                            ))
                        }
                    };
                    Ok(SiminarsEndpoint {
                        url: check_url("siminars", &s.url, insecure)?,
                        apitoken,
                        content_type: s.content_type,
                    })
                })
                .transpose()?;
        }
        // Also re-check the defaults against the final insecure setting.
        for (id, url) in self.endpoints() {
            check_url(id.key(), url, self.allow_insecure_http)?;
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

    /// Whether a base URL sends passwords without TLS (shown on the form).
    pub fn is_insecure(url: &str) -> bool {
        url.starts_with("http://") && !is_loopback_http(url)
    }
}

fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = if authority.starts_with('[') {
        authority
            .split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or("").to_string()
    };
    host == "localhost"
        || host == "[::1]"
        || host.starts_with("127.") && host.split('.').count() == 4
}

/// Accepts `https://host/…`, loopback `http://`, other `http://` only when
/// allowed, and same-origin paths `/…`. Returns the URL without a trailing `/`.
fn check_url(key: &str, url: &str, allow_insecure_http: bool) -> Result<String, ConfigError> {
    let url = url.trim();
    let bad = |why: &str| Err(ConfigError(format!("{key}.url \"{url}\" {why}")));
    if url.chars().any(|c| c.is_whitespace() || c.is_control())
        || url.contains('@')
        || url.contains('#')
        || url.contains('?')
    {
        return bad("must be a plain base URL (no spaces, credentials, query or fragment)");
    }
    if let Some(path) = url.strip_prefix('/') {
        if path.starts_with('/') {
            return bad("is a protocol-relative URL; write https://");
        }
        return Ok(url.trim_end_matches('/').to_string());
    }
    let host_part = url
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(""));
    if host_part.is_none_or(str::is_empty) {
        return bad("must start with https:// (or be a path on this site starting with /)");
    }
    if url.starts_with("https://")
        || is_loopback_http(url)
        || (url.starts_with("http://") && allow_insecure_http)
    {
        return Ok(url.trim_end_matches('/').to_string());
    }
    if url.starts_with("http://") {
        return bad("is plain http:// to a host that is not this machine; passwords would travel unencrypted (set options.allow_insecure_http to allow it)");
    }
    bad("must start with https://")
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let c = Config::default().merge_json(text).unwrap();
        assert_eq!(
            c.base_url(ProviderId::Nomad),
            Some("http://127.0.0.1:8080/nomad/api/v1")
        );
        assert_eq!(c.siminars.as_ref().unwrap().apitoken, "2");
        assert_eq!(c.base_url(ProviderId::Siminars), Some("/proxy/siminars"));
        assert_eq!(c.expiry_warning_secs, 30);
        assert_eq!(c.endpoints().len(), 4);
    }

    #[test]
    fn null_turns_a_provider_off_and_absent_keeps_it() {
        let c = Config::default().merge_json(r#"{"nemo": null}"#).unwrap();
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
            assert!(Config::default().merge_json(&text).is_err(), "{url}");
        }
    }

    #[test]
    fn insecure_http_needs_the_opt_in_and_is_flagged() {
        let text = r#"{"nomad": {"url": "http://nomad.lab/api"}, "options": {"allow_insecure_http": true}}"#;
        let c = Config::default().merge_json(text).unwrap();
        assert!(Config::is_insecure(c.base_url(ProviderId::Nomad).unwrap()));
        assert!(!Config::is_insecure("http://127.0.0.1:3000/x"));
        assert!(!Config::is_insecure("http://[::1]:3000/x"));
        assert!(!Config::is_insecure("https://nomad.lab"));
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        for text in [
            "",
            "[]",
            "{",
            r#"{"nomad": {"url": 5}}"#,
            r#"{"nomad": {"uri": "https://x"}}"#,
            r#"{"extra": 1}"#,
            r#"{"siminars": {"url": "https://s"}}"#,
            r#"{"siminars": {"url": "https://s", "apitoken": ""}}"#,
            r#"{"options": {"request_timeout_secs": 0}}"#,
        ] {
            let err = Config::default().merge_json(text).unwrap_err();
            assert!(!err.0.is_empty(), "{text}");
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
}
