//! The demo site that `serve`, `test` and `bench` put in front of a browser:
//! the demo page at `/`, the bundle at `/lab-login/`, and a `lab-login.json`
//! beside the bundle that points every provider at the running emulator.
//! It is served with the strict Content-Security-Policy the README gives portals.

use std::path::{Path, PathBuf};

use crate::dist::{self, BuiltFile};
use crate::run::root;

pub fn site_dir() -> PathBuf {
    root().join("target/site")
}

/// Writes the site from a built bundle in `bundle_dir`; returns its directory.
pub fn assemble(bundle_dir: &Path, emulator_url: &str) -> Result<PathBuf, String> {
    let site = site_dir();
    let _ = std::fs::remove_dir_all(&site);
    let bundle = site.join("lab-login");
    std::fs::create_dir_all(&bundle)
        .map_err(|e| format!("cannot create {}: {e}", bundle.display()))?;
    for name in [dist::ENTRY, dist::WASM, dist::CSS] {
        std::fs::copy(bundle_dir.join(name), bundle.join(name))
            .map_err(|e| format!("cannot copy {name}: {e} (run `cargo xtask dist` first)"))?;
    }
    std::fs::write(bundle.join("lab-login.json"), demo_config(emulator_url))
        .map_err(|e| format!("cannot write the demo configuration: {e}"))?;
    let entry = BuiltFile::read(bundle.join(dist::ENTRY))?;
    let page = std::fs::read_to_string(root().join("index.html"))
        .map_err(|e| format!("cannot read index.html: {e}"))?
        .replace("__LAB_LOGIN_INTEGRITY__", &entry.integrity);
    std::fs::write(site.join("index.html"), page)
        .map_err(|e| format!("cannot write the page: {e}"))?;
    // The mock portal of examples/, on the same pinned bundle.
    let examples = site.join("examples");
    std::fs::create_dir_all(&examples).map_err(|e| e.to_string())?;
    for file in std::fs::read_dir(root().join("examples")).map_err(|e| e.to_string())? {
        let path = file.map_err(|e| e.to_string())?.path();
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        std::fs::write(
            examples.join(path.file_name().unwrap_or_default()),
            text.replace("__LAB_LOGIN_INTEGRITY__", &entry.integrity),
        )
        .map_err(|e| e.to_string())?;
    }
    for file in ["demo-page.css", "favicon.svg"] {
        std::fs::copy(root().join("style").join(file), site.join(file))
            .map_err(|e| format!("cannot copy {file}: {e}"))?;
    }
    Ok(site)
}

/// The demo's configuration: every provider at the emulator, across origins (as
/// the real services are), so CORS is exercised too.
pub fn demo_config(emulator_url: &str) -> String {
    let e = emulator_url.trim_end_matches('/');
    format!(
        r#"{{
  "nomad": {{ "url": "{e}/nomad/api/v1" }},
  "nemo": {{ "url": "{e}/nemo/v1" }},
  "siminars": {{ "url": "{e}/siminars", "apitoken": "2" }},
  "nebula": {{ "url": "{e}/nebula/api/v1" }},
  "options": {{ "expiry_warning_secs": 120 }}
}}
"#
    )
}

/// The strict policy of the README, with the provider APIs in `connect-src`.
pub fn strict_csp(api_origins: &[&str]) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' {}; frame-ancestors 'self'",
        api_origins.join(" ")
    )
}
