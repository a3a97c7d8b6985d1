//! The session store: sessions in `sessionStorage`, keyed by provider and base URL.
//!
//! Encoding and decoding are pure and tested natively; [`SessionStore`] is the
//! thin browser layer over `window.sessionStorage` (wasm32 only). What is stored
//! is the token, its kind, its expiry and the user's display fields: never a
//! password, a digest, a refresh or id token, or an `ak_` API key.

use serde_json::{Map, Value};

use crate::providers::{ExpiryBasis, ProviderId, Secret, Session, TokenKind, UserInfo};

/// Every key this widget writes starts with this, so it never touches the host page's keys.
pub const KEY_PREFIX: &str = "lab-login/v1/";

/// `lab-login/v1/<provider>/<base URL>`: one session per provider *and* endpoint.
pub fn storage_key(provider: ProviderId, base_url: &str) -> String {
    format!("{KEY_PREFIX}{}/{}", provider.key(), base_url)
}

fn parse_key(key: &str) -> Option<(ProviderId, &str)> {
    let (provider, base_url) = key.strip_prefix(KEY_PREFIX)?.split_once('/')?;
    Some((ProviderId::from_key(provider)?, base_url)).filter(|(_, base)| !base.is_empty())
}

/// What is stored, as a JSON object with these keys (`user` holds `id`, `name`
/// and `email`, each only when known). Read and written by hand: serde's derive
/// code would cost the bundle more than these few lines.
struct StoredSession {
    token: String,
    kind: TokenKind,
    received_at_ms: u64,
    expires_at_ms: u64,
    /// Only the inspector reads it, so only the teaching bundle stores it (a
    /// session stored by the embeddable one restores as `Unrecorded`).
    expiry_basis: ExpiryBasis,
    user: UserInfo,
}

/// Whether this build stores the expiry basis (the teaching bundle and the tests).
const STORES_EXPIRY_BASIS: bool = cfg!(any(test, feature = "teaching"));

impl StoredSession {
    fn to_json(&self) -> Value {
        let mut user = Map::new();
        for (key, field) in [
            ("id", &self.user.id),
            ("name", &self.user.name),
            ("email", &self.user.email),
        ] {
            if let Some(text) = field {
                user.insert(key.into(), text.as_str().into());
            }
        }
        let mut out = Map::new();
        out.insert("token".into(), self.token.as_str().into());
        out.insert("kind".into(), self.kind.key().into());
        out.insert("received_at_ms".into(), self.received_at_ms.into());
        out.insert("expires_at_ms".into(), self.expires_at_ms.into());
        if STORES_EXPIRY_BASIS {
            out.insert("expiry_basis".into(), self.expiry_basis.key().into());
        }
        out.insert("user".into(), Value::Object(user));
        Value::Object(out)
    }

    /// The stored entry, or `None` when any field is missing or of the wrong type.
    fn from_json(value: &Value) -> Option<Self> {
        let entry = value.as_object()?;
        let optional_text = |object: &Map<String, Value>, key: &str| match object.get(key) {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(text)) => Some(Some(text.clone())),
            Some(_) => None,
        };
        let user = match entry.get("user") {
            None | Some(Value::Null) => UserInfo::default(),
            Some(Value::Object(user)) => UserInfo {
                id: optional_text(user, "id")?,
                name: optional_text(user, "name")?,
                email: optional_text(user, "email")?,
            },
            Some(_) => return None,
        };
        let expiry_basis = match entry.get("expiry_basis") {
            Some(Value::String(key)) if STORES_EXPIRY_BASIS => ExpiryBasis::from_key(key)?,
            _ => ExpiryBasis::Unrecorded,
        };
        Some(Self {
            token: entry.get("token")?.as_str()?.to_string(),
            kind: TokenKind::from_key(entry.get("kind")?.as_str()?)?,
            received_at_ms: entry.get("received_at_ms")?.as_u64()?,
            expires_at_ms: entry.get("expires_at_ms")?.as_u64()?,
            expiry_basis,
            user,
        })
    }
}

/// Why a session was not stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotStored {
    /// API keys never expire: kept in memory only.
    ApiKey,
    /// A token with no expiry cannot be forgotten on time.
    NoExpiry,
}

/// The stored form of a session, or why it must not be stored.
pub fn encode(session: &Session) -> Result<String, NotStored> {
    if session.kind.memory_only() {
        return Err(NotStored::ApiKey);
    }
    let expires_at_ms = session.expires_at_ms.ok_or(NotStored::NoExpiry)?;
    let stored = StoredSession {
        token: session.token.expose().to_string(),
        kind: session.kind,
        received_at_ms: session.received_at_ms,
        expires_at_ms,
        expiry_basis: session.expiry_basis,
        user: session.user.clone(),
    };
    Ok(crate::json::to_text(&stored.to_json()))
}

/// What a stored entry turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded {
    Live(Session),
    /// Past its expiry: remove it, unless its token must still go back to its
    /// server ([`Loaded::to_give_back`]).
    Expired(Session),
    /// Not ours, damaged, or of a kind that must never be stored: remove it if it is under our prefix.
    Invalid,
}

pub fn decode(key: &str, value: &str, now_ms: u64) -> Decoded {
    let Some((provider, base_url)) = parse_key(key) else {
        return Decoded::Invalid;
    };
    let Some(stored) = crate::json::parse(value)
        .ok()
        .and_then(|v| StoredSession::from_json(&v))
    else {
        return Decoded::Invalid;
    };
    if stored.kind.memory_only() || stored.token.is_empty() {
        return Decoded::Invalid;
    }
    let session = Session {
        provider,
        base_url: base_url.to_string(),
        token: Secret::new(stored.token),
        kind: stored.kind,
        received_at_ms: stored.received_at_ms,
        expires_at_ms: Some(stored.expires_at_ms),
        expiry_basis: stored.expiry_basis,
        user: stored.user,
    };
    if now_ms >= stored.expires_at_ms {
        return Decoded::Expired(session);
    }
    Decoded::Live(session)
}

/// What [`SessionStore::load_all`] found under the widget's prefix.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    pub live: Vec<Session>,
    /// Past their expiry, of a provider with a logout: still stored, until the
    /// caller has given the token back and removed the entry.
    pub to_give_back: Vec<Session>,
}

#[cfg(target_arch = "wasm32")]
pub use browser::{SessionStore, StorageError};

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::*;

    /// What can go wrong with `sessionStorage`; handed to the caller, never a panic.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum StorageError {
        /// No `sessionStorage` (blocked by the browser's privacy settings, or a sandboxed frame).
        Unavailable,
        /// The browser refused to write (quota exceeded).
        WriteRefused,
        /// The session is of a kind that is never stored.
        NotStored(NotStored),
    }

    impl std::fmt::Display for StorageError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(match self {
                Self::Unavailable => "this browser does not allow session storage here; the sign-in lasts until the page is reloaded",
                Self::WriteRefused => "the browser refused to save the session; it lasts until the page is reloaded",
                Self::NotStored(NotStored::ApiKey) => {
                    "API keys and personal access tokens are kept in memory only"
                }
                Self::NotStored(NotStored::NoExpiry) => "a token without expiry is kept in memory only",
            })
        }
    }

    /// `window.sessionStorage`, holding this widget's sessions.
    #[derive(Clone)]
    pub struct SessionStore {
        storage: web_sys::Storage,
    }

    impl SessionStore {
        pub fn open() -> Result<Self, StorageError> {
            let storage = web_sys::window()
                .and_then(|w| w.session_storage().ok().flatten())
                .ok_or(StorageError::Unavailable)?;
            Ok(Self { storage })
        }

        pub fn save(&self, session: &Session) -> Result<(), StorageError> {
            let value = encode(session).map_err(StorageError::NotStored)?;
            self.storage
                .set_item(&storage_key(session.provider, &session.base_url), &value)
                .map_err(|_| StorageError::WriteRefused)
        }

        pub fn remove(&self, provider: ProviderId, base_url: &str) {
            let _ = self.storage.remove_item(&storage_key(provider, base_url));
        }

        /// The live session for this provider and endpoint; an expired or damaged
        /// entry is removed on the way (expiry is checked on every read, because
        /// timers do not run on time in background tabs).
        pub fn load(&self, provider: ProviderId, base_url: &str, now_ms: u64) -> Option<Session> {
            let key = storage_key(provider, base_url);
            let value = self.storage.get_item(&key).ok().flatten()?;
            match decode(&key, &value, now_ms) {
                Decoded::Live(session) => Some(session),
                Decoded::Expired(session) if session.provider.has_logout() => {
                    self.mark_expired(&session);
                    None
                }
                Decoded::Expired(_) | Decoded::Invalid => {
                    let _ = self.storage.remove_item(&key);
                    None
                }
            }
        }

        /// Keeps an entry only as a token still to give back to its server: its
        /// expiry becomes 0, so that no clock, however it is set, makes it live
        /// again. The caller removes it once the server has it.
        pub fn mark_expired(&self, session: &Session) {
            if session.expires_at_ms == Some(0) {
                return;
            }
            let kept = Session {
                expires_at_ms: Some(0),
                ..session.clone()
            };
            if let Ok(text) = encode(&kept) {
                let key = storage_key(session.provider, &session.base_url);
                let _ = self.storage.set_item(&key, &text);
            }
        }

        /// Every live session of this widget, and the expired ones whose token
        /// must still be given back; other expired and damaged entries under
        /// our prefix are purged.
        pub fn load_all(&self, now_ms: u64) -> Loaded {
            let len = self.storage.length().unwrap_or(0);
            let keys: Vec<String> = (0..len)
                .filter_map(|i| self.storage.key(i).ok().flatten())
                .filter(|k| k.starts_with(KEY_PREFIX))
                .collect();
            let mut loaded = Loaded::default();
            for key in keys {
                let value = self
                    .storage
                    .get_item(&key)
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                match decode(&key, &value, now_ms) {
                    Decoded::Live(session) => loaded.live.push(session),
                    Decoded::Expired(session) if session.provider.has_logout() => {
                        self.mark_expired(&session);
                        loaded.to_give_back.push(session);
                    }
                    Decoded::Expired(_) | Decoded::Invalid => {
                        let _ = self.storage.remove_item(&key);
                    }
                }
            }
            loaded.live = crate::providers::in_provider_order(loaded.live);
            loaded
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(kind: TokenKind, expires_at_ms: Option<u64>) -> Session {
        Session {
            provider: ProviderId::Nomad,
            base_url: "https://nomad.example/api/v1".into(),
            token: Secret::new("tok"),
            kind,
            received_at_ms: 1_000,
            expires_at_ms,
            expiry_basis: ExpiryBasis::ExpiresIn,
            user: UserInfo {
                id: None,
                name: Some("Ada".into()),
                email: None,
            },
        }
    }

    #[test]
    fn keys_name_provider_and_base_url() {
        assert_eq!(
            storage_key(ProviderId::Nomad, "https://nomad.example/api/v1"),
            "lab-login/v1/nomad/https://nomad.example/api/v1"
        );
        assert_ne!(
            storage_key(ProviderId::Nomad, "https://a"),
            storage_key(ProviderId::Nomad, "https://b")
        );
        assert_ne!(
            storage_key(ProviderId::Nomad, "https://a"),
            storage_key(ProviderId::Nemo, "https://a")
        );
    }

    #[test]
    fn round_trip_keeps_everything_needed() {
        let s = session(TokenKind::Access, Some(10_000));
        let key = storage_key(s.provider, &s.base_url);
        let value = encode(&s).unwrap();
        assert_eq!(decode(&key, &value, 9_999), Decoded::Live(s.clone()));
        assert_eq!(decode(&key, &value, 10_000), Decoded::Expired(s));
    }

    #[test]
    fn api_keys_and_endless_tokens_are_never_stored() {
        assert_eq!(
            encode(&session(TokenKind::ApiKey, None)),
            Err(NotStored::ApiKey)
        );
        assert_eq!(
            encode(&session(TokenKind::ApiKey, Some(5))),
            Err(NotStored::ApiKey)
        );
        assert_eq!(
            encode(&session(TokenKind::Access, None)),
            Err(NotStored::NoExpiry)
        );
    }

    #[test]
    fn stored_form_holds_no_other_secret_fields() {
        let value = encode(&session(TokenKind::App, Some(10))).unwrap();
        let v: serde_json::Value = serde_json::from_str(&value).unwrap();
        let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "expires_at_ms",
                "expiry_basis",
                "kind",
                "received_at_ms",
                "token",
                "user"
            ]
        );
    }

    #[test]
    fn entries_written_by_earlier_versions_still_restore() {
        let key = storage_key(ProviderId::Nomad, "https://x");
        let earlier = r#"{"token":"t","kind":"app","received_at_ms":1,"expires_at_ms":99,"expiry_basis":"claim_span","user":{"name":"Ada"}}"#;
        let Decoded::Live(s) = decode(&key, earlier, 0) else {
            panic!("not restored");
        };
        assert_eq!((s.kind, s.expires_at_ms), (TokenKind::App, Some(99)));
        assert_eq!(s.expiry_basis, ExpiryBasis::ClaimSpan);
        assert_eq!(s.user.name.as_deref(), Some("Ada"));
        // Before the expiry basis was recorded, and with no user.
        let older = r#"{"token":"t","kind":"access","received_at_ms":1,"expires_at_ms":99}"#;
        assert!(
            matches!(decode(&key, older, 0), Decoded::Live(s) if s.expiry_basis == ExpiryBasis::Unrecorded)
        );
        for kind in TokenKind::ALL {
            assert_eq!(TokenKind::from_key(kind.key()), Some(kind));
        }
        for basis in ExpiryBasis::ALL {
            assert_eq!(ExpiryBasis::from_key(basis.key()), Some(basis));
        }
    }

    #[test]
    fn damaged_or_foreign_entries_are_invalid() {
        let good = encode(&session(TokenKind::Access, Some(10_000))).unwrap();
        let key = storage_key(ProviderId::Nomad, "https://x");
        for (k, v) in [
            ("other-app/token", good.as_str()),
            ("lab-login/v1/unknown/https://x", good.as_str()),
            ("lab-login/v1/nomad", good.as_str()),
            (key.as_str(), ""),
            (key.as_str(), "{"),
            (
                key.as_str(),
                r#"{"token":"t","kind":"access","received_at_ms":0}"#,
            ),
            (
                key.as_str(),
                r#"{"token":"","kind":"access","received_at_ms":0,"expires_at_ms":99999}"#,
            ),
            (
                key.as_str(),
                r#"{"token":"ak_x","kind":"api_key","received_at_ms":0,"expires_at_ms":99999}"#,
            ),
            (
                key.as_str(),
                r#"{"token":"t","kind":"access","received_at_ms":0,"expires_at_ms":-1}"#,
            ),
            (
                key.as_str(),
                r#"{"token":"t","kind":"access","received_at_ms":0,"expires_at_ms":99,"user":{"name":5}}"#,
            ),
            (
                key.as_str(),
                r#"{"token":"t","kind":"access","received_at_ms":0,"expires_at_ms":99,"user":"Ada"}"#,
            ),
            (
                key.as_str(),
                r#"{"token":"t","kind":"root","received_at_ms":0,"expires_at_ms":99}"#,
            ),
        ] {
            assert_eq!(decode(k, v, 0), Decoded::Invalid, "{k} {v}");
        }
    }
}
