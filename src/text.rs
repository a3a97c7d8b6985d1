//! Unicode lowercasing (Siminars' `lowercase(email)`). In the browser it is the
//! page's own `String.prototype.toLowerCase`: its case tables are in every
//! browser already, and Rust's would add about 8 KB gzip to the bundle.
//! Natively it is Rust's `str::to_lowercase`. Both apply Unicode's default case
//! mapping, final sigma included; `tests/browser` checks that they agree.

/// `text` in lowercase.
pub fn lowercase(text: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::JsString::from(text).to_lower_case())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        text.to_lowercase()
    }
}

/// Strings whose lowercase form is easy to get wrong, for the tests on both sides.
#[doc(hidden)]
pub const TRICKY: &[&str] = &[
    "Piyush@Siminars.COM",
    "ÄÖÜ@Üni-Köln.DE",
    "ΟΔΟΣ@ΣΣ.GR",
    "İstanbul@KIZILAY.TR",
    "ẞ@STRASSE.DE",
    "ǅ ǈ ǋ",
    "ＡＢＣ@ＦＵＬＬ.ＷＩＤＴＨ",
    "\u{10400}@deseret",
    "no-change@example.org",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercases_unicode_text() {
        assert_eq!(lowercase("Piyush@Siminars.COM"), "piyush@siminars.com");
        assert_eq!(lowercase("ΟΔΟΣ"), "οδος");
        assert_eq!(lowercase("İ"), "i\u{307}");
        for text in TRICKY {
            assert_eq!(lowercase(text), text.to_lowercase());
        }
    }
}
