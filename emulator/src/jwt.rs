//! HS256 JWTs signed with a key made fresh for each process (never committed).
//! Verification refuses `alg: none`, any other algorithm, and any other key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::util::now_secs;

type HmacSha256 = Hmac<Sha256>;

pub struct Keys {
    secret: [u8; 32],
}

#[derive(Debug, PartialEq, Eq)]
pub enum Rejected {
    /// Not a JWT, another algorithm, a bad signature, or another audience.
    Invalid,
    /// Well signed, but past `exp`.
    Expired,
}

impl Keys {
    pub fn generate() -> Self {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the OS random source is available");
        Self { secret }
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.secret).expect("HMAC takes any key length")
    }

    /// Signs `claims`, adding `iat` and `exp` from `lifetime_secs`.
    pub fn sign(&self, mut claims: Value, lifetime_secs: u64) -> String {
        let now = now_secs();
        claims["iat"] = json!(now);
        claims["exp"] = json!(now + lifetime_secs);
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{payload}");
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// The claims of a token this process signed for `audience`, if it is still valid.
    pub fn verify(&self, token: &str, audience: &str) -> Result<Value, Rejected> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Rejected::Invalid);
        };
        let header: Value = decode(header).ok_or(Rejected::Invalid)?;
        if header.get("alg").and_then(Value::as_str) != Some("HS256") {
            return Err(Rejected::Invalid);
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| Rejected::Invalid)?;
        let mut mac = self.mac();
        mac.update(format!("{}.{}", token.split('.').next().unwrap(), payload).as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| Rejected::Invalid)?;
        let claims: Value = decode(payload).ok_or(Rejected::Invalid)?;
        if claims.get("aud").and_then(Value::as_str) != Some(audience) {
            return Err(Rejected::Invalid);
        }
        match claims.get("exp").and_then(Value::as_u64) {
            Some(exp) if exp > now_secs() => Ok(claims),
            Some(_) => Err(Rejected::Expired),
            None => Err(Rejected::Invalid),
        }
    }
}

fn decode(part: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_for_one_audience() {
        let keys = Keys::generate();
        let token = keys.sign(json!({"aud": "nomad", "sub": "u1"}), 60);
        assert_eq!(keys.verify(&token, "nomad").unwrap()["sub"], "u1");
        assert_eq!(keys.verify(&token, "nebula"), Err(Rejected::Invalid));
    }

    #[test]
    fn refuses_other_keys_alg_none_and_tampering() {
        let keys = Keys::generate();
        let other = Keys::generate();
        let token = other.sign(json!({"aud": "nomad"}), 60);
        assert_eq!(keys.verify(&token, "nomad"), Err(Rejected::Invalid));

        let good = keys.sign(json!({"aud": "nomad", "sub": "u1"}), 60);
        let payload = good.split('.').nth(1).unwrap();
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert_eq!(
            keys.verify(&format!("{none_header}.{payload}."), "nomad"),
            Err(Rejected::Invalid)
        );

        let forged_payload =
            URL_SAFE_NO_PAD.encode(br#"{"aud":"nomad","sub":"admin","exp":99999999999}"#);
        let sig = good.split('.').nth(2).unwrap();
        let forged = format!("{}.{forged_payload}.{sig}", good.split('.').next().unwrap());
        assert_eq!(keys.verify(&forged, "nomad"), Err(Rejected::Invalid));
        for junk in ["", "a.b", "a.b.c.d", "!!.!!.!!"] {
            assert_eq!(keys.verify(junk, "nomad"), Err(Rejected::Invalid));
        }
    }

    #[test]
    fn expired_tokens_are_told_apart() {
        let keys = Keys::generate();
        let token = keys.sign(json!({"aud": "nomad"}), 0);
        assert_eq!(keys.verify(&token, "nomad"), Err(Rejected::Expired));
    }
}
