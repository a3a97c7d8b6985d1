//! The browser's own URL parser, so that an endpoint is judged exactly as
//! `fetch` will read it (one parser; see `config::UrlParser`).

use crate::config::{ParsedUrl, UrlParser};

/// Resolves URLs against a fixed absolute base (where `lab-login.json` was read
/// from, or the page at mount time), never `document.baseURI`: an injected
/// `<base href>` must not move an endpoint.
pub struct BrowserUrls {
    base: String,
}

impl BrowserUrls {
    pub fn against(base: &str) -> Self {
        Self { base: base.into() }
    }
}

impl UrlParser for BrowserUrls {
    fn parse(&self, input: &str) -> Option<ParsedUrl> {
        let url = web_sys::Url::new_with_base(input, &self.base).ok()?;
        Some(ParsedUrl {
            href: url.href(),
            scheme: url.protocol().trim_end_matches(':').to_string(),
            host: url.hostname(),
            has_credentials: !url.username().is_empty() || !url.password().is_empty(),
            has_query_or_fragment: !url.search().is_empty() || !url.hash().is_empty(),
        })
    }
}
