//! A token explained: its JWT header and claims (decoded, never verified: only
//! the provider can do that), times as dates, which expiry the widget used and
//! why, and where the token is kept. The token itself is never part of it.

use serde_json::Value;

use crate::providers::{jwt, ExpiryBasis, Session};
use crate::session::storage_key;

/// Claims that hold seconds since the epoch.
const TIME_CLAIMS: [&str; 4] = ["exp", "iat", "nbf", "auth_time"];

/// One header field or claim, as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub name: String,
    pub value: String,
    /// For time claims: the instant, in milliseconds since the epoch.
    pub at_ms: Option<u64>,
}

/// A JWT's two readable parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedJwt {
    pub header: Vec<Claim>,
    pub claims: Vec<Claim>,
}

fn part(text: &str) -> Option<Vec<Claim>> {
    Some(
        jwt::decode_part(text)?
            .into_iter()
            .map(|(name, value)| {
                let at_ms = TIME_CLAIMS
                    .contains(&name.as_str())
                    .then(|| value.as_u64())
                    .flatten()
                    .and_then(|secs| secs.checked_mul(1000));
                let value = match value {
                    Value::String(s) => s,
                    other => crate::json::to_text(&other),
                };
                Claim { name, value, at_ms }
            })
            .collect(),
    )
}

/// The header and claims of a JWT; `None` for an opaque token (Siminars, a key).
pub fn decode(token: &str) -> Option<DecodedJwt> {
    let (header, payload) = jwt::split(token)?;
    Some(DecodedJwt {
        header: part(header)?,
        claims: part(payload)?,
    })
}

/// `2026-11-23 22:41:07 UTC`.
pub fn utc_date(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// The catalog key of the sentence that says where an expiry came from.
pub fn basis_key(basis: ExpiryBasis) -> &'static str {
    match basis {
        ExpiryBasis::ExpiresIn => "inspector.basis.expires-in",
        ExpiryBasis::ClaimSpan => "inspector.basis.claim-span",
        ExpiryBasis::ClaimExp => "inspector.basis.claim-exp",
        ExpiryBasis::ExpireAt => "inspector.basis.expire-at",
        ExpiryBasis::Documented => "inspector.basis.documented",
        ExpiryBasis::LocalCap => "inspector.basis.local-cap",
        ExpiryBasis::Never => "inspector.basis.never",
        ExpiryBasis::Unrecorded => "inspector.basis.unrecorded",
    }
}

/// Where the widget keeps a session's token: its `sessionStorage` key, or `None`
/// for tokens and keys kept in this page's memory only.
pub fn storage_place(session: &Session) -> Option<String> {
    (!session.kind.memory_only()).then(|| storage_key(session.provider, &session.base_url))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{ProviderId, Secret, TokenKind, UserInfo};
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn b64(v: &Value) -> String {
        URL_SAFE_NO_PAD.encode(v.to_string())
    }

    #[test]
    fn decodes_header_and_claims_with_times() {
        let token = format!(
            "{}.{}.sig",
            b64(&serde_json::json!({"alg": "HS256", "typ": "JWT"})),
            b64(
                &serde_json::json!({"sub": "u1", "exp": 1_800_000_000u64, "iat": 1_799_992_800u64,
                                    "roles": ["USER"], "email": "ada@example.org"})
            )
        );
        let jwt = decode(&token).unwrap();
        assert_eq!(
            jwt.header[0],
            Claim {
                name: "alg".into(),
                value: "HS256".into(),
                at_ms: None
            }
        );
        let exp = jwt.claims.iter().find(|c| c.name == "exp").unwrap();
        assert_eq!(exp.at_ms, Some(1_800_000_000_000));
        assert_eq!(exp.value, "1800000000");
        let roles = jwt.claims.iter().find(|c| c.name == "roles").unwrap();
        assert_eq!((roles.value.as_str(), roles.at_ms), ("[\"USER\"]", None));
        let sub = jwt.claims.iter().find(|c| c.name == "sub").unwrap();
        assert_eq!(sub.at_ms, None);
    }

    #[test]
    fn opaque_tokens_and_junk_are_not_jwts() {
        for token in ["a1b2c3d4e5f6", "ak_123", "a.b.c", "a.b", "", "x.e30.y.z"] {
            assert_eq!(decode(token), None, "{token}");
        }
        // An empty object is a JWT with nothing to say, not junk.
        assert_eq!(
            decode("e30.e30.s"),
            Some(DecodedJwt {
                header: vec![],
                claims: vec![]
            })
        );
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc_date(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_date(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc_date(1_800_000_000_000), "2027-01-15 08:00:00 UTC");
        assert_eq!(utc_date(1_700_000_000_999), "2023-11-14 22:13:20 UTC");
    }

    #[test]
    fn every_basis_has_its_sentence_and_keys_stay_in_memory() {
        for basis in [
            ExpiryBasis::ExpiresIn,
            ExpiryBasis::ClaimSpan,
            ExpiryBasis::ClaimExp,
            ExpiryBasis::ExpireAt,
            ExpiryBasis::Documented,
            ExpiryBasis::LocalCap,
            ExpiryBasis::Never,
            ExpiryBasis::Unrecorded,
        ] {
            assert!(crate::messages::is_key(basis_key(basis)), "{basis:?}");
        }
        let mut session = Session {
            provider: ProviderId::Nebula,
            base_url: "https://neb/api/v1".into(),
            token: Secret::new("ak_x"),
            kind: TokenKind::ApiKey,
            received_at_ms: 0,
            expires_at_ms: None,
            expiry_basis: ExpiryBasis::Never,
            user: UserInfo::default(),
        };
        assert_eq!(storage_place(&session), None);
        session.kind = TokenKind::Access;
        assert_eq!(
            storage_place(&session).as_deref(),
            Some("lab-login/v1/nebula/https://neb/api/v1")
        );
    }
}
