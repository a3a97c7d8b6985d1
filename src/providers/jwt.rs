//! Reading a JWT's claims (decoded, never verified: the provider verifies its own
//! tokens; the widget only needs to know when one expires and whose it is), and
//! turning what an answer says about lifetime into a client-clock expiry.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

use super::answer::{str_field, whole_number};
use super::{ApiError, ExpiryBasis, UserInfo};

/// The claims the widget uses. Every one is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Claims {
    /// Expiry, seconds since the epoch (server clock).
    pub exp: Option<u64>,
    /// Issued at, seconds since the epoch (server clock).
    pub iat: Option<u64>,
    pub user: UserInfo,
}

/// A JWT's header and payload, still encoded: `None` unless the token has
/// exactly three parts and a payload of a plausible size.
pub fn split(token: &str) -> Option<(&str, &str)> {
    let mut parts = token.split('.');
    let (header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || payload.len() > 64 * 1024 {
        return None;
    }
    Some((header, payload))
}

/// One part of a JWT (header or payload) decoded: the JSON object it holds.
pub fn decode_part(part: &str) -> Option<serde_json::Map<String, Value>> {
    // Some issuers pad base64url; the spec says they must not, so accept both.
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    match crate::json::parse_bytes(&bytes).ok()? {
        Value::Object(object) => Some(object),
        _ => None,
    }
}

/// The claims of a JWT, or `None` when the token is not a JWT with a JSON payload.
/// Opaque tokens (Siminars) are normal, so this is not an error.
pub fn decode_claims(token: &str) -> Option<Claims> {
    let (_header, payload) = split(token)?;
    let value = Value::Object(decode_part(payload)?);
    let name = str_field(&value, "name").map(str::to_string).or_else(|| {
        let given = str_field(&value, "given_name");
        let family = str_field(&value, "family_name");
        match (given, family) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (g, f) => g.or(f).map(str::to_string),
        }
    });
    Some(Claims {
        exp: value.get("exp").and_then(whole_number),
        iat: value.get("iat").and_then(whole_number),
        user: UserInfo {
            id: str_field(&value, "sub").map(str::to_string),
            name: name.or_else(|| str_field(&value, "preferred_username").map(str::to_string)),
            email: str_field(&value, "email").map(str::to_string),
        },
    })
}

/// When a token expires on the client's clock, in milliseconds, from what the
/// answer says, in this order (`docs/security.md`, Expiry):
/// 1. `received_at + expires_in`;
/// 2. `received_at + (exp − iat)` when both claims exist, so client clock drift does not matter;
/// 3. `exp` itself.
///
/// `None` when none of these is known (the caller applies the provider's fallback).
pub fn expiry_from(
    received_at_ms: u64,
    expires_in_secs: Option<u64>,
    claims: Option<&Claims>,
) -> Option<(u64, ExpiryBasis)> {
    let after = |secs: u64| {
        secs.checked_mul(1000)
            .and_then(|ms| received_at_ms.checked_add(ms))
    };
    if let Some(secs) = expires_in_secs {
        return after(secs).map(|at| (at, ExpiryBasis::ExpiresIn));
    }
    let claims = claims?;
    match (claims.exp, claims.iat) {
        (Some(exp), Some(iat)) if exp > iat => {
            after(exp - iat).map(|at| (at, ExpiryBasis::ClaimSpan))
        }
        (Some(exp), _) => exp.checked_mul(1000).map(|at| (at, ExpiryBasis::ClaimExp)),
        (None, _) => None,
    }
}

/// The longest the widget keeps any session, whatever the token says: a token
/// that claims to live for years is still forgotten after this (30 days, the
/// longest lifetime any of the four providers documents, NOMAD's app tokens).
pub const SESSION_CAP_MS: u64 = 30 * 24 * 3600 * 1000;

/// The expiry to keep: `computed` (from [`expiry_from`] or a provider field), else
/// the provider's `fallback_ms` after receipt, never past [`SESSION_CAP_MS`]. A
/// token already dead on arrival is refused: keeping it would only fail the next request.
pub fn expiry_or_fallback(
    received_at_ms: u64,
    computed: Option<(u64, ExpiryBasis)>,
    fallback_ms: u64,
    status: u16,
) -> Result<(u64, ExpiryBasis), ApiError> {
    let (wanted, basis) = computed.unwrap_or((
        received_at_ms.saturating_add(fallback_ms),
        ExpiryBasis::Documented,
    ));
    let cap = received_at_ms.saturating_add(SESSION_CAP_MS);
    let (expires_at, basis) = if wanted > cap {
        (cap, ExpiryBasis::LocalCap)
    } else {
        (wanted, basis)
    };
    if expires_at <= received_at_ms {
        return Err(ApiError::Malformed {
            status,
            what: "the token had already expired when it arrived (is this computer's clock right?)"
                .into(),
        });
    }
    Ok((expires_at, basis))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::Value;

    /// Builds an unsigned-looking JWT with the given payload, for tests.
    pub(crate) fn make_jwt(payload: &Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(payload.to_string());
        format!("{header}.{body}.c2lnbmF0dXJl")
    }

    #[test]
    fn reads_exp_iat_and_user_claims() {
        let token = make_jwt(&serde_json::json!({
            "exp": 1_700_000_300, "iat": 1_700_000_000, "sub": "u-1",
            "given_name": "Ada", "family_name": "Lovelace", "email": "ada@example.org"
        }));
        let c = decode_claims(&token).unwrap();
        assert_eq!(c.exp, Some(1_700_000_300));
        assert_eq!(c.iat, Some(1_700_000_000));
        assert_eq!(c.user.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(c.user.email.as_deref(), Some("ada@example.org"));
        assert_eq!(c.user.id.as_deref(), Some("u-1"));
    }

    #[test]
    fn the_nebula_seed_token_decodes() {
        // From seeds/004: HS256, exp in seconds, roles but no iat.
        let seed = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiZWJlZXJtaW5nQDEyNi5jb20iLCJyb2xlcyI6WyJHVUVTVCJdLCJleHAiOjE3MzAzOTM5NTMsInNjb3BlcyI6WyJHVUVTVCJdfQ.IVMMITYihqkMszTo_x7uP6gocxgN5RLfLZiJY8VqEyk";
        let c = decode_claims(seed).unwrap();
        assert_eq!(c.exp, Some(1_730_393_953));
        assert_eq!(c.iat, None);
        assert_eq!(c.user.id.as_deref(), Some("bebeerming@126.com"));
    }

    #[test]
    fn jwt_without_exp_has_no_expiry() {
        let c = decode_claims(&make_jwt(&serde_json::json!({"sub": "x"}))).unwrap();
        assert_eq!(c.exp, None);
        assert_eq!(expiry_from(5_000, None, Some(&c)), None);
    }

    #[test]
    fn non_jwts_are_not_errors() {
        for token in [
            "139927583041014080855057",
            "",
            "a.b",
            "a.b.c.d",
            "a.!!!.c",
            "a.bm90IGpzb24.c",
            "a.WzEsMl0.c",
        ] {
            assert_eq!(decode_claims(token), None, "{token}");
        }
    }

    #[test]
    fn padded_payloads_are_accepted() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"exp":10}"#);
        assert_eq!(
            decode_claims(&format!("h.{payload}==.s")).unwrap().exp,
            Some(10)
        );
    }

    #[test]
    fn expiry_prefers_expires_in_then_claim_span_then_exp() {
        let both = Claims {
            exp: Some(1_000_300),
            iat: Some(1_000_000),
            ..Default::default()
        };
        let exp_only = Claims {
            exp: Some(2_000),
            ..Default::default()
        };
        use ExpiryBasis::*;
        assert_eq!(
            expiry_from(10_000, Some(60), Some(&both)),
            Some((70_000, ExpiresIn))
        );
        // The client clock is far from the server's: the span still holds.
        assert_eq!(
            expiry_from(10_000, None, Some(&both)),
            Some((310_000, ClaimSpan))
        );
        assert_eq!(
            expiry_from(10_000, None, Some(&exp_only)),
            Some((2_000_000, ClaimExp))
        );
        assert_eq!(expiry_from(10_000, None, None), None);
    }

    #[test]
    fn absurd_lifetimes_do_not_overflow() {
        assert_eq!(expiry_from(u64::MAX - 5, Some(1), None), None);
        let huge = Claims {
            exp: Some(u64::MAX / 10),
            ..Default::default()
        };
        assert_eq!(expiry_from(0, None, Some(&huge)), None);
    }

    #[test]
    fn no_session_outlives_the_local_cap() {
        let ten_years = Some((1_000 + 10 * 365 * 86_400_000, ExpiryBasis::ClaimExp));
        assert_eq!(
            expiry_or_fallback(1_000, ten_years, 3_600_000, 200),
            Ok((1_000 + SESSION_CAP_MS, ExpiryBasis::LocalCap))
        );
        assert_eq!(
            expiry_or_fallback(1_000, Some((5_000, ExpiryBasis::ExpiresIn)), 3_600_000, 200),
            Ok((5_000, ExpiryBasis::ExpiresIn))
        );
        assert_eq!(
            expiry_or_fallback(1_000, None, 3_600_000, 200),
            Ok((3_601_000, ExpiryBasis::Documented))
        );
    }
}
