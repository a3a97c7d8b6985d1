//! What a host page may set per widget (attributes of `<lab-login>`, `data-`
//! attributes of the div, or the mount API), and what the widget tells the page
//! (event details). Pure: the browser half is `embed/`.
//!
//! Attributes only choose among configured providers and set harmless options;
//! an attribute that looks like an endpoint is ignored (see [`endpoint_like`]).

use serde_json::Value;

use crate::config::ConfigError;
use crate::json::object;
use crate::providers::{ApiError, ProviderId, Session, TokenKind};

/// The colour scheme. Defaults to following the OS.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn key(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }
}

/// One widget's options. Defaults: all configured providers, the page's language,
/// the configured expiry warning, `Theme::Auto`, light DOM.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WidgetOptions {
    /// `providers="nomad,siminars"` as written; resolved by `Config::select`.
    pub providers: Option<String>,
    /// `lang`; `None` follows the page.
    pub lang: Option<String>,
    /// `expiry-warning` in seconds; `None` keeps the configured value.
    pub expiry_warning_secs: Option<u64>,
    pub theme: Theme,
    /// Mount inside an open shadow root. Fixed at mount.
    pub shadow: bool,
    /// `inspector="off"`: no flow inspector (teaching bundle only; the embeddable
    /// bundle has none to hide).
    pub hide_inspector: bool,
}

/// The attribute names a widget reads, without the `data-` of the div form.
pub const ATTRIBUTES: [&str; 6] = [
    "providers",
    "lang",
    "expiry-warning",
    "theme",
    "shadow",
    "inspector",
];

impl WidgetOptions {
    /// Reads the options through `attribute(name)` (which adds `data-` for a div).
    pub fn from_attributes(
        attribute: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let expiry_warning_secs = match attribute("expiry-warning") {
            None => None,
            Some(v) => Some(parse_warning(&v)?),
        };
        let theme = match attribute("theme").as_deref().map(str::trim) {
            None | Some("") | Some("auto") => Theme::Auto,
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            Some(other) => {
                return Err(ConfigError(format!(
                    "theme \"{other}\" is not one of light, dark or auto"
                )))
            }
        };
        let lang = attribute("lang")
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty());
        if let Some(l) = &lang {
            if l.len() > 35 || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(ConfigError(format!("lang \"{l}\" is not a language tag")));
            }
        }
        // Only the teaching bundle has an inspector; the embeddable one ignores the attribute.
        #[cfg(any(test, feature = "teaching"))]
        let hide_inspector = match attribute("inspector").as_deref().map(str::trim) {
            None | Some("") | Some("on") | Some("true") => false,
            Some("off") | Some("false") => true,
            Some(other) => {
                return Err(ConfigError(format!(
                    "inspector \"{other}\" is not one of on or off"
                )))
            }
        };
        #[cfg(not(any(test, feature = "teaching")))]
        let hide_inspector = false;
        Ok(Self {
            hide_inspector,
            providers: attribute("providers"),
            lang,
            expiry_warning_secs,
            theme,
            shadow: attribute("shadow").is_some_and(|v| v != "false"),
        })
    }
}

fn parse_warning(v: &str) -> Result<u64, ConfigError> {
    v.trim()
        .parse::<u64>()
        .ok()
        .filter(|s| *s <= 24 * 3600)
        .ok_or_else(|| {
            ConfigError(format!(
                "expiry-warning \"{v}\" must be a whole number of seconds (0 to 86400)"
            ))
        })
}

/// Whether an attribute name looks like it carries an endpoint. Such attributes
/// are ignored (the console says so once): endpoints never come from markup.
pub fn endpoint_like(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "url", "endpoint", "href", "src", "host", "base", "api", "server", "origin",
    ]
    .iter()
    .any(|word| name.split(['-', '_']).any(|part| part == *word))
}

/// Why a session ended, as `lab-login:signed-out` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignOutReason {
    /// The user pressed "Sign out".
    User,
    /// The token's lifetime ran out.
    Expired,
    /// The provider refused the token (401) or the key.
    Rejected,
    /// Another tab of this site signed out.
    OtherTab,
}

impl SignOutReason {
    pub fn key(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Expired => "expired",
            Self::Rejected => "rejected",
            Self::OtherTab => "other-tab",
        }
    }
}

/// The session kind as the events and the JS API name it.
pub fn kind_key(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Access => "password",
        TokenKind::App => "app-token",
        TokenKind::ApiKey => "api-key",
        TokenKind::PersonalToken => "personal-token",
    }
}

/// The error kind of `lab-login:error`.
pub fn error_kind(err: &ApiError) -> &'static str {
    match err {
        ApiError::WrongCredentials { .. } => "wrong-credentials",
        ApiError::SessionRejected { .. } => "session-rejected",
        ApiError::RateLimited { .. } => "rate-limited",
        ApiError::ServerError { .. } => "server-error",
        ApiError::MissingPermission { .. } => "missing-permission",
        ApiError::NotAdmitted { .. } => "not-admitted",
        ApiError::Refused { .. } => "refused",
        ApiError::Unreachable => "unreachable",
        ApiError::Timeout { .. } => "timeout",
        ApiError::Malformed { .. } => "malformed-answer",
        ApiError::NotSent { .. } => "not-sent",
        ApiError::Cancelled => "cancelled",
    }
}

fn user(session: &Session) -> Value {
    object([
        ("id", session.user.id.clone().into()),
        ("name", session.user.name.clone().into()),
        ("email", session.user.email.clone().into()),
    ])
}

/// `lab-login:signed-in`'s detail: who and until when, never the token.
pub fn signed_in_detail(session: &Session, restored: bool) -> Value {
    object([
        ("provider", session.provider.key().into()),
        ("kind", kind_key(session.kind).into()),
        ("expiresAt", session.expires_at_ms.into()),
        ("user", user(session)),
        ("restored", restored.into()),
    ])
}

/// What `onSignedIn` receives: the one door through which a host gets a token,
/// because it asked for it in code. Never a password, digest, refresh or id token.
/// It is `signed_in_detail` with the token added.
pub fn host_session(session: &Session, restored: bool) -> Value {
    let mut value = signed_in_detail(session, restored);
    if let Value::Object(members) = &mut value {
        members.insert("token".into(), session.token.expose().into());
    }
    value
}

pub fn signed_out_detail(provider: ProviderId, reason: SignOutReason) -> Value {
    object([
        ("provider", provider.key().into()),
        ("reason", reason.key().into()),
    ])
}

/// `lab-login:error`'s detail. `message` is the sentence the widget showed,
/// which never quotes a secret.
pub fn error_detail(provider: ProviderId, err: &ApiError, message: &str) -> Value {
    object([
        ("provider", provider.key().into()),
        ("kind", error_kind(err).into()),
        ("message", message.into()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{ExpiryBasis, Secret, UserInfo};

    fn attrs<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn defaults_and_each_attribute() {
        assert_eq!(
            WidgetOptions::from_attributes(attrs(&[])).unwrap(),
            WidgetOptions::default()
        );
        let o = WidgetOptions::from_attributes(attrs(&[
            ("providers", "nomad,siminars"),
            ("lang", "de"),
            ("expiry-warning", "30"),
            ("theme", "dark"),
            ("shadow", ""),
        ]))
        .unwrap();
        assert_eq!(o.providers.as_deref(), Some("nomad,siminars"));
        assert_eq!(o.lang.as_deref(), Some("de"));
        assert_eq!(o.expiry_warning_secs, Some(30));
        assert_eq!(o.theme, Theme::Dark);
        assert!(o.shadow);
        assert!(
            !WidgetOptions::from_attributes(attrs(&[("shadow", "false")]))
                .unwrap()
                .shadow
        );
        assert!(!o.hide_inspector);
        for (value, hidden) in [("off", true), ("false", true), ("on", false), ("", false)] {
            let o = WidgetOptions::from_attributes(attrs(&[("inspector", value)])).unwrap();
            assert_eq!(o.hide_inspector, hidden, "{value}");
        }
        assert!(WidgetOptions::from_attributes(attrs(&[("inspector", "maybe")])).is_err());
    }

    #[test]
    fn bad_attributes_say_what_is_wrong() {
        for (name, value) in [
            ("theme", "purple"),
            ("expiry-warning", "soon"),
            ("expiry-warning", "-5"),
            ("expiry-warning", "999999"),
            ("lang", "de\"><script>"),
        ] {
            let err = WidgetOptions::from_attributes(attrs(&[(name, value)])).unwrap_err();
            assert!(err.0.contains(name), "{name}={value}: {err}");
        }
    }

    #[test]
    fn endpoint_looking_attributes_are_recognised() {
        for name in [
            "nomad-url",
            "data-url",
            "api",
            "data-nomad-endpoint",
            "base-href",
            "server",
        ] {
            assert!(endpoint_like(name), "{name}");
        }
        for name in [
            "providers",
            "theme",
            "lang",
            "shadow",
            "expiry-warning",
            "class",
            "id",
            "data-providers",
            "curly",
        ] {
            assert!(!endpoint_like(name), "{name}");
        }
    }

    #[test]
    fn event_details_never_carry_the_token() {
        let session = Session {
            provider: ProviderId::Nebula,
            base_url: "https://api.example".into(),
            token: Secret::new("eyJ-the-secret-token"),
            kind: TokenKind::Access,
            received_at_ms: 1,
            expires_at_ms: Some(7_200_001),
            expiry_basis: ExpiryBasis::ClaimSpan,
            user: UserInfo {
                id: Some("7".into()),
                name: None,
                email: Some("a@b.example".into()),
            },
        };
        let detail = signed_in_detail(&session, true).to_string();
        assert!(!detail.contains("the-secret-token"), "{detail}");
        assert!(detail.contains(r#""kind":"password""#) && detail.contains(r#""restored":true"#));
        assert!(host_session(&session, false)
            .to_string()
            .contains("eyJ-the-secret-token"));
        let out = signed_out_detail(ProviderId::Nomad, SignOutReason::OtherTab).to_string();
        assert_eq!(out, r#"{"provider":"nomad","reason":"other-tab"}"#);
        let err = error_detail(
            ProviderId::Nemo,
            &ApiError::Unreachable,
            "Could not reach x.",
        )
        .to_string();
        assert!(err.contains(r#""kind":"unreachable""#));
    }
}
