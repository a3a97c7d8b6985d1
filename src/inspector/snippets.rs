//! "Copy as curl" and "Copy as Python (requests)": an exchange reproduced from
//! its captured (already redacted) form, so a snippet cannot hold a secret.
//! Secrets are supplied when the snippet runs, never through an argument list
//! (which any local user reads with `ps`) or the shell history:
//! - curl reads the password with `IFS= read -rs` (blanks kept) and gets it on standard input
//!   (`--data-urlencode password@-`); a token header comes from a file descriptor
//!   (`-H @<(printf …)`, `printf` being a bash builtin); JSON bodies are built by
//!   `python3` from standard input. Works with Debian's curl 7.88 (no `--variable`).
//! - Python asks with `getpass` and reads tokens from `os.environ`.
//!
//! Both print the body, then `HTTP status <code>`.

use super::capture::{CapturedBody, Exchange, Field};
use crate::providers::{Method, ProviderId};

/// The variable a snippet reads a provider's token or key from.
pub fn token_variable(provider: ProviderId) -> &'static str {
    match provider {
        ProviderId::Nomad => "NOMAD_TOKEN",
        ProviderId::Nemo => "NEMO_TOKEN",
        ProviderId::Siminars => "SIMINARS_TOKEN",
        ProviderId::Nebula => "NEBULA_TOKEN",
    }
}

/// A shell word in single quotes.
fn sq(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A Python string literal (JSON's string syntax is Python's too).
fn py(text: &str) -> String {
    crate::json::to_text(&serde_json::Value::from(text))
}

/// A URL's path without its query: the snippet's first comment, the inspector's summary.
pub fn path_of(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or("/", |i| &after_scheme[i..])
        .split('?')
        .next()
        .unwrap_or("/")
}

/// Where a body's secret is, for a snippet that must supply it at run time.
enum BodySecret<'a> {
    None,
    /// Exactly one secret field, by name.
    One(&'a str, &'a Field),
    /// Hidden whole, or several secrets: a snippet cannot rebuild it.
    Unreproducible,
}

fn body_secret(body: &CapturedBody) -> BodySecret<'_> {
    let Some(fields) = &body.fields else {
        return BodySecret::Unreproducible;
    };
    let mut secrets = fields.iter().filter(|(_, f)| f.is_secret());
    match (secrets.next(), secrets.next()) {
        (None, _) => BodySecret::None,
        (Some((k, f)), None) => BodySecret::One(k, f),
        (Some(_), Some(_)) => BodySecret::Unreproducible,
    }
}

/// The header lines other than `Authorization`, as sent.
fn plain_headers(ex: &Exchange) -> impl Iterator<Item = &(String, String)> {
    ex.request_headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("authorization"))
}

fn unsupported(comment: &str) -> String {
    format!("{comment} This exchange's body cannot be reproduced without writing a secret down, so there is no snippet for it.\n")
}

/// The exchange as a bash script around curl.
pub fn curl(ex: &Exchange) -> String {
    let name = ex.provider.display_name();
    let var = token_variable(ex.provider);
    let mut out = format!(
        "# {name}: {} {}, as the widget sent it. Run it in bash.\n",
        ex.method.as_str(),
        path_of(&ex.url)
    );
    let secret = match ex.request_body.as_ref().map(body_secret) {
        Some(BodySecret::Unreproducible) => return unsupported(&out),
        Some(BodySecret::One(key, field)) => Some((key, field)),
        Some(BodySecret::None) | None => None,
    };
    let needs_password = matches!(secret, Some((_, Field::Password | Field::Digest)));
    let body_token = matches!(secret, Some((_, Field::Token { .. })));
    if needs_password {
        out += "# The password is read without echo and piped in: it is never on a command line.\n";
        out += &format!(
            "IFS= read -rsp {} PW; echo >&2\n",
            sq(&format!("{name} password: "))
        );
    }
    if ex.masked_bearer().is_some() || body_token {
        out += "# The token is read without echo; it reaches curl through a pipe, never an argument.\n";
        out += &format!(
            "IFS= read -rsp {} {var}; echo >&2\n",
            sq(&format!("{name} token: "))
        );
    }
    let stdin_var = if needs_password { "PW" } else { var };
    let mut args: Vec<String> = Vec::new();
    let mut pipe = String::new();
    match (&ex.request_body, secret) {
        (None, _) => {}
        (Some(body), _) if !body.json => {
            for (key, field) in body.fields.iter().flatten() {
                match field {
                    Field::Plain(v) => {
                        args.push(format!("--data-urlencode {}", sq(&format!("{key}={v}"))))
                    }
                    Field::Digest => return unsupported(&out),
                    _ => {
                        pipe = format!("printf '%s' \"${stdin_var}\" | ");
                        args.push(format!("--data-urlencode {}", sq(&format!("{key}@-"))));
                    }
                }
            }
        }
        (Some(body), None) => {
            args.push(format!("--data-binary {}", sq(&body.shown())));
        }
        (Some(body), Some((key, field))) => {
            let plain: serde_json::Map<String, serde_json::Value> = body
                .fields
                .iter()
                .flatten()
                .filter(|(_, f)| !f.is_secret())
                .map(|(k, f)| (k.clone(), serde_json::Value::String(f.shown().into())))
                .collect();
            let key = py(key);
            let program = match field {
                Field::Digest if body.field("email").is_none() => return unsupported(&out),
                Field::Digest => format!(
                    "import hashlib,json,sys; d=json.loads(sys.argv[1]); \
                     d[{key}]=hashlib.md5((d[\"email\"].lower()+sys.stdin.read()).encode()).hexdigest(); \
                     sys.stdout.write(json.dumps(d))"
                ),
                _ => format!(
                    "import json,sys; d=json.loads(sys.argv[1]); d[{key}]=sys.stdin.read(); \
                     sys.stdout.write(json.dumps(d))"
                ),
            };
            if matches!(field, Field::Digest) {
                out += "# python3 computes md5(lowercase(email) + password), as the widget does.\n";
            }
            pipe = format!(
                "printf '%s' \"${stdin_var}\" | python3 -c {} {} | ",
                sq(&program),
                sq(&crate::json::to_text(&serde_json::Value::Object(plain)))
            );
            args.push("--data-binary @-".into());
        }
    }
    // -g: brackets and braces in a URL are characters, not curl patterns.
    let mut command = format!("{pipe}curl -sS -g");
    let implied = match ex.method {
        Method::Get => true,
        Method::Post => ex.request_body.is_some(),
        Method::Delete => false,
    };
    if !implied {
        command += &format!(" -X {}", ex.method.as_str());
    }
    command += &format!(" {}", sq(&ex.url));
    let mut lines = vec![command];
    for (name, value) in plain_headers(ex) {
        lines.push(format!("-H {}", sq(&format!("{name}: {value}"))));
    }
    if ex.masked_bearer().is_some() {
        lines.push(format!(
            "-H @<(printf 'Authorization: Bearer %s' \"${var}\")"
        ));
    }
    lines.extend(args);
    lines.push(r"-w '\nHTTP status %{http_code}\n'".into());
    out + &lines.join(" \\\n  ") + "\n"
}

/// The exchange as a Python script using `requests`.
pub fn python(ex: &Exchange) -> String {
    let name = ex.provider.display_name();
    let var = token_variable(ex.provider);
    let comment = format!(
        "# {name}: {} {}, as the widget sent it.\n",
        ex.method.as_str(),
        path_of(&ex.url)
    );
    let fields: Vec<&(String, Field)> = ex
        .request_body
        .as_ref()
        .map(|b| b.fields.iter().flatten().collect())
        .unwrap_or_default();
    let no_email = !fields.iter().any(|(k, _)| k == "email");
    let digest_needs_email = fields.iter().any(|(_, f)| *f == Field::Digest) && no_email;
    if ex.request_body.as_ref().is_some_and(|b| b.fields.is_none()) || digest_needs_email {
        return unsupported(&comment);
    }
    let has = |want: fn(&Field) -> bool| fields.iter().any(|(_, f)| want(f));
    let password = has(|f| matches!(f, Field::Password | Field::Digest));
    let digest = has(|f| matches!(f, Field::Digest));
    let token = ex.masked_bearer().is_some() || has(|f| matches!(f, Field::Token { .. }));
    let json = ex.request_body.as_ref().is_some_and(|b| b.json);

    let mut out = comment;
    if password {
        out += "# The password is asked for without echo; it is never written here.\n";
    }
    if token {
        out += &format!(
            "# The token is read from the environment. Set it without echo or shell history:\n\
             #   IFS= read -rs {var} && export {var}\n"
        );
    }
    let mut imports = Vec::new();
    if password {
        imports.push("import getpass");
    }
    if digest {
        imports.push("import hashlib");
    }
    if json {
        imports.push("import json");
    }
    if token {
        imports.push("import os");
    }
    if !imports.is_empty() {
        out += &imports.join("\n");
        out += "\n\n";
    }
    out += "import requests\n\n";
    if password {
        out += &format!(
            "password = getpass.getpass({})\n",
            py(&format!("{name} password: "))
        );
    }
    if token {
        out += &format!("token = os.environ[{}]\n", py(var));
    }
    if digest {
        let email = fields
            .iter()
            .find(|(k, _)| k == "email")
            .map(|(_, f)| f.shown())
            .unwrap_or_default();
        out += &format!("email = {}\n", py(email));
        out += "digest = hashlib.md5((email.lower() + password).encode()).hexdigest()\n";
    }
    if password || token || digest {
        out += "\n";
    }
    let mut headers: Vec<String> = plain_headers(ex)
        .map(|(n, v)| format!("{}: {}", py(n), py(v)))
        .collect();
    if ex.masked_bearer().is_some() {
        headers.push("\"Authorization\": \"Bearer \" + token".into());
    }
    let values: Vec<String> = fields
        .iter()
        .map(|(k, f)| {
            let value = match f {
                Field::Plain(v) => py(v),
                Field::Password => "password".into(),
                Field::Digest => "digest".into(),
                Field::Token { .. } => "token".into(),
            };
            format!("{}: {value}", py(k))
        })
        .collect();
    out += "response = requests.request(\n";
    out += &format!("    {},\n    {},\n", py(ex.method.as_str()), py(&ex.url));
    out += &format!("    headers={{{}}},\n", headers.join(", "));
    if ex.request_body.is_some() {
        let dict = format!("{{{}}}", values.join(", "));
        if json {
            out += &format!("    data=json.dumps({dict}),\n");
        } else {
            out += &format!("    data={dict},\n");
        }
    }
    out +=
        "    timeout=30,\n)\nprint(response.text)\nprint(\"HTTP status\", response.status_code)\n";
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspector::capture::capture;
    use crate::inspector::capture::CapturedBody;
    use crate::providers::siminars::SiminarsClient;
    use crate::providers::{nebula, nemo, nomad, ApiError, HttpRequest, HttpResponse, Secret};

    const PASSWORD: &str = "hunter2-'\"$(rm)&=%ü";
    const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQx9Qk";

    fn captured(req: &HttpRequest) -> Exchange {
        let answer = HttpResponse {
            status: 200,
            headers: vec![],
            body: "{}".into(),
        };
        capture(req, Ok::<_, &ApiError>(&answer), 0, 1)
    }

    fn both(req: &HttpRequest) -> (String, String) {
        let ex = captured(req);
        let (c, p) = (curl(&ex), python(&ex));
        for text in [&c, &p] {
            assert!(!text.contains(PASSWORD), "{text}");
            assert!(!text.contains(TOKEN), "{text}");
            // No digest of any email with this password, nor any 32-hex run at all.
            let hex_run = text
                .as_bytes()
                .windows(32)
                .any(|w| w.iter().all(|b| b.is_ascii_hexdigit()));
            assert!(!hex_run, "{text}");
        }
        (c, p)
    }

    #[test]
    fn a_siminars_content_type_that_names_a_form_still_hides_the_digest() {
        // The content type is the page owner's free text; the body is JSON whatever it says.
        let client = SiminarsClient {
            base_url: "http://h/siminars",
            apitoken: "2",
            content_type: Some("application/x-www-form-urlencoded"),
        };
        let ex = captured(&client.login_request("ada@example.org", PASSWORD));
        let body = ex.request_body.as_ref().unwrap();
        assert!(body.json);
        assert_eq!(body.field("password"), Some(&Field::Digest));
        let (c, _) = both(&client.login_request("ada@example.org", PASSWORD));
        assert!(c.contains("hashlib.md5"), "{c}");
    }

    #[test]
    fn a_digest_without_an_email_has_no_snippet_in_either_language() {
        let body = CapturedBody {
            content_type: "application/json".into(),
            json: true,
            fields: Some(vec![("password".into(), Field::Digest)]),
        };
        let mut ex = captured(&nemo::login_request("http://h", "a", "b"));
        ex.provider = ProviderId::Siminars;
        ex.request_body = Some(body);
        assert!(curl(&ex).contains("no snippet"), "{}", curl(&ex));
        assert!(python(&ex).contains("no snippet"), "{}", python(&ex));
    }

    #[test]
    fn nomad_password_reaches_curl_on_stdin_only() {
        let (c, p) = both(&nomad::login_request(
            "http://127.0.0.1:9/nomad/api/v1",
            "alice",
            PASSWORD,
        ));
        assert_eq!(
            c,
            "# NOMAD: POST /nomad/api/v1/auth/token, as the widget sent it. Run it in bash.\n\
             # The password is read without echo and piped in: it is never on a command line.\n\
             IFS= read -rsp 'NOMAD password: ' PW; echo >&2\n\
             printf '%s' \"$PW\" | curl -sS -g 'http://127.0.0.1:9/nomad/api/v1/auth/token' \\\n  \
             -H 'Accept: application/json' \\\n  \
             -H 'Content-Type: application/x-www-form-urlencoded' \\\n  \
             --data-urlencode 'grant_type=password' \\\n  \
             --data-urlencode 'username=alice' \\\n  \
             --data-urlencode 'password@-' \\\n  \
             -w '\\nHTTP status %{http_code}\\n'\n"
        );
        assert!(
            p.contains("password = getpass.getpass(\"NOMAD password: \")"),
            "{p}"
        );
        assert!(p.contains("data={\"grant_type\": \"password\", \"username\": \"alice\", \"password\": password},"), "{p}");
        assert!(!p.contains("import json"));
    }

    #[test]
    fn a_bearer_token_comes_from_a_file_descriptor_and_the_environment() {
        let req = nomad::uploads_request(
            "http://h/nomad/api/v1",
            &Secret::new(TOKEN),
            &nomad::UploadsQuery::default(),
        );
        let (c, p) = both(&req);
        assert!(
            c.contains("IFS= read -rsp 'NOMAD token: ' NOMAD_TOKEN; echo >&2\n"),
            "{c}"
        );
        assert!(
            c.contains("-H @<(printf 'Authorization: Bearer %s' \"$NOMAD_TOKEN\")"),
            "{c}"
        );
        assert!(
            c.contains("curl -sS -g 'http://h/nomad/api/v1/uploads?page_size="),
            "{c}"
        );
        assert!(!c.contains(" -X "), "{c}");
        assert!(p.contains("token = os.environ[\"NOMAD_TOKEN\"]"), "{p}");
        assert!(p.contains("\"Authorization\": \"Bearer \" + token"), "{p}");
        assert!(!p.contains("getpass"), "{p}");
        assert!(!p.contains("data="), "{p}");
        let (c, _) = both(&nebula::credits_request(
            "http://h/nebula/api/v1",
            &Secret::new(TOKEN),
        ));
        assert!(c.contains("\"$NEBULA_TOKEN\""), "{c}");
    }

    #[test]
    fn json_bodies_are_built_by_python_from_stdin() {
        let (c, p) = both(&nemo::login_request(
            "http://h/nemo/v1",
            "o'brien",
            PASSWORD,
        ));
        assert!(
            c.contains("printf '%s' \"$PW\" | python3 -c 'import json,sys;"),
            "{c}"
        );
        assert!(
            c.contains(r#" '{"username":"o'\''brien"}' | curl"#),
            "the username is one shell word, its quote escaped: {c}"
        );
        assert!(c.contains("--data-binary @-"), "{c}");
        assert!(c.contains("-H 'Content-Type: application/json'"), "{c}");
        assert!(
            p.contains("data=json.dumps({\"password\": password, \"username\": \"o'brien\"}),"),
            "{p}"
        );
        assert!(p.contains("import json\n"), "{p}");
    }

    #[test]
    fn siminars_digest_is_computed_the_widgets_way() {
        let client = SiminarsClient {
            base_url: "http://h/siminars",
            apitoken: "2",
            content_type: Some("application/javascript"),
        };
        let (c, p) = both(&client.login_request("Ada@Example.org", PASSWORD));
        assert!(
            c.contains("hashlib.md5((d[\"email\"].lower()+sys.stdin.read()).encode()).hexdigest()"),
            "{c}"
        );
        assert!(
            c.contains("-H 'Content-Type: application/javascript'"),
            "{c}"
        );
        assert!(
            c.contains("{\"apitoken\":\"2\",\"email\":\"Ada@Example.org\"}"),
            "{c}"
        );
        assert!(p.contains("email = \"Ada@Example.org\"\n"), "{p}");
        assert!(
            p.contains("digest = hashlib.md5((email.lower() + password).encode()).hexdigest()"),
            "{p}"
        );
        assert!(p.contains("\"password\": digest"), "{p}");

        let (c, p) = both(&client.logout_request(&Secret::new("a1b2c3d4e5f6a7b8c9d0e1f2")));
        assert!(!c.contains("a1b2c3d4e5f6a7b8c9d0e1f2") && !p.contains("a1b2c3d4e5f6a7b8c9d0e1f2"));
        assert!(c.contains(" -X DELETE "), "{c}");
        assert!(
            c.contains("printf '%s' \"$SIMINARS_TOKEN\" | python3"),
            "{c}"
        );
        assert!(
            c.contains("IFS= read -rsp 'Siminars token: ' SIMINARS_TOKEN"),
            "{c}"
        );
        assert!(p.contains("\"authtoken\": token"), "{p}");
        assert!(p.contains("\"DELETE\""), "{p}");
    }

    #[test]
    fn shell_quoting_survives_every_character() {
        assert_eq!(sq("a'b"), "'a'\\''b'");
        assert_eq!(sq("$HOME `x` \\"), "'$HOME `x` \\'");
        assert_eq!(py("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(path_of("https://h:1/a/b?c=d"), "/a/b");
        assert_eq!(path_of("https://h"), "/");
    }
}
