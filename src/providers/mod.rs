//! The protocol of the four providers, as pure Rust with no browser types.
//!
//! Requests are built by pure functions (credentials in, [`HttpRequest`] out) and
//! answers are parsed by pure functions ([`HttpResponse`] in, a [`Session`] or a
//! typed [`ApiError`] out), so every rule in `docs/providers.md` is tested natively.
//! `http.rs` is the only place that actually sends.

pub mod jwt;
pub mod nebula;
pub mod nemo;
pub mod nomad;
pub mod siminars;

mod answer;
mod request;
mod secret;

pub use answer::{ApiError, HttpResponse};
pub use request::{BodyEncoding, HttpRequest, Method};
pub use secret::Secret;

/// The providers the widget can sign in to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProviderId {
    Nomad,
    Nemo,
    Siminars,
    Nebula,
}

impl ProviderId {
    pub const ALL: [ProviderId; 4] = [Self::Nomad, Self::Nemo, Self::Siminars, Self::Nebula];

    /// The stable key used in configuration, storage keys and `data-providers`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Nomad => "nomad",
            Self::Nemo => "nemo",
            Self::Siminars => "siminars",
            Self::Nebula => "nebula",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    /// The name people know the service by.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Nomad => "NOMAD",
            Self::Nemo => "NeMO Archive",
            Self::Siminars => "Siminars",
            Self::Nebula => "Nebula Block",
        }
    }

    /// Whether a token the widget drops must be given back to the server (a
    /// logout), because it would otherwise outlive the widget's own expiry
    /// there: Siminars' live six months. The others' just expire.
    pub fn has_logout(self) -> bool {
        self == Self::Siminars
    }
}

/// What a token is, which decides how long it may live and whether it may be stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A short-lived token from a username/password sign-in.
    Access,
    /// A NOMAD app token with a lifetime the user chose.
    App,
    /// A Nebula `ak_` key: never expires, so it is kept in memory only.
    ApiKey,
    /// A NOMAD personal access token: opaque and long-lived, so it is kept in
    /// memory only, under the widget's own cap.
    PersonalToken,
}

impl TokenKind {
    pub const ALL: [TokenKind; 4] = [Self::Access, Self::App, Self::ApiKey, Self::PersonalToken];

    /// The stable key used in storage.
    pub fn key(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::App => "app",
            Self::ApiKey => "api_key",
            Self::PersonalToken => "personal_token",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// Kinds that are never stored: long-lived, so they stay in this page only.
    pub fn memory_only(self) -> bool {
        matches!(self, Self::ApiKey | Self::PersonalToken)
    }
}

/// Where a session's expiry came from: the inspector explains it, in the order the
/// widget tries them (`docs/security.md`, Expiry).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExpiryBasis {
    /// `received_at + expires_in` from the answer.
    ExpiresIn,
    /// `received_at + (exp − iat)` from the token's claims (immune to clock drift).
    ClaimSpan,
    /// The token's `exp` claim itself.
    ClaimExp,
    /// NeMO's `expireAt` field.
    ExpireAt,
    /// The lifetime the provider documents, as the answer said none.
    Documented,
    /// The widget's own cap, shorter than what the token claims (or than nothing).
    LocalCap,
    /// A key that never expires (kept in memory only).
    Never,
    /// Stored by an older version that did not record it.
    #[default]
    Unrecorded,
}

impl ExpiryBasis {
    pub const ALL: [ExpiryBasis; 8] = [
        Self::ExpiresIn,
        Self::ClaimSpan,
        Self::ClaimExp,
        Self::ExpireAt,
        Self::Documented,
        Self::LocalCap,
        Self::Never,
        Self::Unrecorded,
    ];

    /// The stable key used in storage.
    pub fn key(self) -> &'static str {
        match self {
            Self::ExpiresIn => "expires_in",
            Self::ClaimSpan => "claim_span",
            Self::ClaimExp => "claim_exp",
            Self::ExpireAt => "expire_at",
            Self::Documented => "documented",
            Self::LocalCap => "local_cap",
            Self::Never => "never",
            Self::Unrecorded => "unrecorded",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.key() == key)
    }
}

/// What the provider told us about the signed-in user. Every field is optional:
/// providers differ, and a missing name is not an error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserInfo {
    pub id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
}

impl UserInfo {
    /// The best single line to show for this user.
    pub fn display(&self) -> Option<&str> {
        self.name
            .as_deref()
            .or(self.email.as_deref())
            .or(self.id.as_deref())
    }
}

/// A signed-in session: the token and everything needed to use and expire it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub provider: ProviderId,
    /// The configured base URL the token belongs to (tokens are never sent elsewhere).
    pub base_url: String,
    pub token: Secret,
    pub kind: TokenKind,
    /// When the client received the token, in milliseconds since the Unix epoch.
    pub received_at_ms: u64,
    /// When the token stops working, in client milliseconds; `None` never expires.
    pub expires_at_ms: Option<u64>,
    /// Why `expires_at_ms` is what it is.
    pub expiry_basis: ExpiryBasis,
    pub user: UserInfo,
}

impl Session {
    pub fn is_expired(&self, now_ms: u64) -> bool {
        self.expires_at_ms.is_some_and(|at| now_ms >= at)
    }

    /// Milliseconds left, `None` for a token that never expires.
    pub fn remaining_ms(&self, now_ms: u64) -> Option<u64> {
        self.expires_at_ms.map(|at| at.saturating_sub(now_ms))
    }
}

/// `sessions` in the order of [`ProviderId::ALL`], each provider's in the order
/// given. (A handful of sessions: no sort, whose code costs the bundle 2 KB gzip.)
pub fn in_provider_order(mut sessions: Vec<Session>) -> Vec<Session> {
    let mut ordered = Vec::with_capacity(sessions.len());
    for provider in ProviderId::ALL {
        ordered.extend(sessions.extract_if(.., |s| s.provider == provider));
    }
    ordered.append(&mut sessions); // none, while ALL lists every provider
    ordered
}

/// Joins a configured base URL and an API path without doubling or losing a `/`.
pub(crate) fn endpoint(base_url: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base_url.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_come_in_the_providers_order_and_keep_their_own_order_within_a_provider() {
        let session = |provider, base_url: &str| Session {
            provider,
            base_url: base_url.into(),
            token: Secret::new("t"),
            kind: TokenKind::Access,
            received_at_ms: 0,
            expires_at_ms: None,
            expiry_basis: ExpiryBasis::ExpiresIn,
            user: UserInfo::default(),
        };
        let given = vec![
            session(ProviderId::Nebula, "n"),
            session(ProviderId::Nomad, "b"),
            session(ProviderId::Siminars, "s"),
            session(ProviderId::Nomad, "a"),
        ];
        let order: Vec<(ProviderId, String)> = in_provider_order(given)
            .into_iter()
            .map(|s| (s.provider, s.base_url))
            .collect();
        assert_eq!(
            order,
            [
                (ProviderId::Nomad, "b".into()),
                (ProviderId::Nomad, "a".into()),
                (ProviderId::Siminars, "s".into()),
                (ProviderId::Nebula, "n".into()),
            ]
        );
        assert!(in_provider_order(Vec::new()).is_empty());
    }

    #[test]
    fn provider_keys_round_trip() {
        for p in ProviderId::ALL {
            assert_eq!(ProviderId::from_key(p.key()), Some(p));
        }
        assert_eq!(ProviderId::from_key("NOMAD"), None);
        assert_eq!(ProviderId::from_key(""), None);
    }

    #[test]
    fn endpoint_joins_with_one_slash() {
        assert_eq!(
            endpoint("https://a/api/v1", "uploads"),
            "https://a/api/v1/uploads"
        );
        assert_eq!(
            endpoint("https://a/api/v1/", "/uploads"),
            "https://a/api/v1/uploads"
        );
    }

    #[test]
    fn session_expiry_is_inclusive_and_api_keys_never_expire() {
        let mut s = Session {
            provider: ProviderId::Nebula,
            base_url: "https://x".into(),
            token: Secret::new("t"),
            kind: TokenKind::Access,
            received_at_ms: 0,
            expires_at_ms: Some(1000),
            expiry_basis: ExpiryBasis::ExpiresIn,
            user: UserInfo::default(),
        };
        assert!(!s.is_expired(999));
        assert!(s.is_expired(1000));
        assert_eq!(s.remaining_ms(400), Some(600));
        assert_eq!(s.remaining_ms(5000), Some(0));
        s.expires_at_ms = None;
        assert!(!s.is_expired(u64::MAX));
        assert_eq!(s.remaining_ms(1), None);
    }
}
