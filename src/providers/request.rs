//! An outgoing request as plain data, built by the provider modules and sent by `http.rs`.

use std::fmt;

use super::{ProviderId, Secret};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Delete => "DELETE",
        }
    }
}

/// How a body is encoded; decides its `Content-Type`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyEncoding {
    Form,
    Json,
    /// JSON sent under another content type (Siminars' docs name `application/javascript`).
    JsonAs(String),
}

impl BodyEncoding {
    pub fn content_type(&self) -> &str {
        match self {
            Self::Form => "application/x-www-form-urlencoded",
            Self::Json => "application/json",
            Self::JsonAs(ct) => ct,
        }
    }
}

/// A request ready to send. Bodies and bearer tokens are [`Secret`]s: `Debug`
/// shows the method and URL, never a password or a token.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Whose API this is: the inspector groups, explains and clears exchanges by it.
    pub provider: ProviderId,
    pub method: Method,
    /// Never carries a secret: secrets go in the body or the `Authorization` header.
    pub url: String,
    /// A bearer token for `Authorization: Bearer …`.
    pub bearer: Option<Secret>,
    pub body: Option<(BodyEncoding, Secret)>,
}

impl HttpRequest {
    /// A plain GET; the builders below add a token or a body.
    pub(crate) fn get(provider: ProviderId, url: String) -> Self {
        Self {
            provider,
            method: Method::Get,
            url,
            bearer: None,
            body: None,
        }
    }

    pub(crate) fn with_bearer(mut self, token: &Secret) -> Self {
        self.bearer = Some(token.clone());
        self
    }

    pub(crate) fn with_form(mut self, method: Method, pairs: &[(&str, &str)]) -> Self {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.method = method;
        self.body = Some((BodyEncoding::Form, Secret::new(body)));
        self
    }

    pub(crate) fn with_json(
        mut self,
        method: Method,
        encoding: BodyEncoding,
        value: &serde_json::Value,
    ) -> Self {
        self.method = method;
        self.body = Some((encoding, Secret::new(crate::json::to_text(value))));
        self
    }

    /// Whether a redirect must be refused: anything that carries a secret.
    pub fn carries_secret(&self) -> bool {
        self.bearer.is_some() || self.body.is_some()
    }

    /// The headers to send, secrets included. Only `http.rs` calls this.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = vec![("Accept", "application/json".to_string())];
        if let Some((encoding, _)) = &self.body {
            headers.push(("Content-Type", encoding.content_type().to_string()));
        }
        if let Some(token) = &self.bearer {
            headers.push(("Authorization", format!("Bearer {}", token.expose())));
        }
        headers
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("bearer", &self.bearer)
            .field(
                "body",
                &self.body.as_ref().map(|(enc, _)| (enc, "<redacted>")),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_body_and_bearer() {
        let req = HttpRequest::get(ProviderId::Nomad, "https://x/y".into())
            .with_bearer(&Secret::new("tok-123"))
            .with_form(Method::Post, &[("password", "hunter2")]);
        let shown = format!("{req:?}");
        assert!(shown.contains("https://x/y"));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("tok-123"), "{shown}");
        assert!(req.carries_secret());
    }

    #[test]
    fn headers_name_content_type_and_bearer() {
        let req = HttpRequest::get(ProviderId::Nomad, "u".into())
            .with_bearer(&Secret::new("t"))
            .with_json(
                Method::Post,
                BodyEncoding::JsonAs("application/javascript".into()),
                &serde_json::json!({}),
            );
        let headers = req.headers();
        assert!(headers.contains(&("Content-Type", "application/javascript".into())));
        assert!(headers.contains(&("Authorization", "Bearer t".into())));
        assert!(!HttpRequest::get(ProviderId::Nomad, "u".into()).carries_secret());
    }
}
