//! Tricky endpoint URLs, judged by the parser the bundle ships (the browser's own
//! `URL`): each is either refused, or the widget sends to, and its form names,
//! exactly the host the browser will use.

use lab_login::config::Config;
use lab_login::embed::BrowserUrls;
use lab_login::providers::ProviderId;
use wasm_bindgen_test::*;

/// Where `lab-login.json` was read from in these cases.
const CONFIG_URL: &str = "https://portal.example/static/lab-login/0.1.0/lab-login.json";

enum Expect {
    Refused,
    /// The host (with port) the browser will send to.
    Host(&'static str),
}
use Expect::*;

const CASES: &[(&str, Expect)] = &[
    ("https://nomad.example/api/v1", Host("nomad.example")),
    ("/proxy/nomad/api/v1", Host("portal.example")),
    ("HTTPS://NOMAD.Example/api", Host("nomad.example")),
    ("https://nomad.example:443/api", Host("nomad.example")),
    ("https://nomad.example./api", Host("nomad.example.")),
    ("https://nömad.example/api", Host("xn--nmad-5qa.example")),
    ("https://[::ffff:7f00:1]/api", Host("[::ffff:7f00:1]")),
    // Loopback as the browser reads it: decimal, hex and octal IPv4, IPv6.
    ("http://2130706433/api", Host("127.0.0.1")),
    ("http://0x7f.1/api", Host("127.0.0.1")),
    ("http://0177.0.0.1/api", Host("127.0.0.1")),
    ("http://[::1]:8080/api", Host("[::1]:8080")),
    ("http://localhost:3000/api", Host("localhost:3000")),
    // Names that only look like loopback: plain http needs the owner's opt-in.
    ("http://127.0.0.1.evil.example/api", Refused),
    ("http://127.evil.example/api", Refused),
    ("http://localhost./api", Refused),
    ("http://localhost.evil.example/api", Refused),
    ("http://[::ffff:127.0.0.1]/api", Refused),
    // Backslashes, tabs, newlines, credentials, queries, fragments, other schemes.
    ("/\\evil.example/api", Refused),
    ("https://evil.example\\@nomad.example/api", Refused),
    ("https://nomad.ex\tample/api", Refused),
    ("https://nomad.example/a\npi", Refused),
    ("https://user%40x:pw@nomad.example/api", Refused),
    ("https://nomad.example/api?", Refused),
    ("https://nomad.example/api#", Refused),
    ("//evil.example/api", Refused),
    ("https:evil.example/api", Refused),
    ("javascript:alert(1)", Refused),
    ("data:text/plain,x", Refused),
    ("ftp://nomad.example/api", Refused),
];

#[wasm_bindgen_test]
fn tricky_urls_are_refused_or_sent_to_the_host_the_browser_uses() {
    for (input, expect) in CASES {
        let text = format!(
            r#"{{"nomad": {{"url": {}}}}}"#,
            serde_json::to_string(input).unwrap()
        );
        let result = Config::default().merge_json(&text, &BrowserUrls::against(CONFIG_URL));
        match (expect, result) {
            (Refused, Err(_)) => {}
            (Refused, Ok(c)) => panic!(
                "{input:?} was accepted as {:?}",
                c.base_url(ProviderId::Nomad)
            ),
            (Host(_), Err(e)) => panic!("{input:?} was refused: {e}"),
            (Host(host), Ok(c)) => {
                let base = c.base_url(ProviderId::Nomad).unwrap();
                let parsed = web_sys::Url::new(base).unwrap();
                assert_eq!(&parsed.host(), host, "{input:?} became {base}");
                assert!(
                    base.starts_with("https://") || base.starts_with("http://"),
                    "{base}"
                );
            }
        }
    }
    assert!(CASES.len() >= 20);
}
