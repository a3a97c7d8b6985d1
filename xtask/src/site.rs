//! The demo site that `serve`, `test` and `bench` put in front of a browser:
//! the demo page at `/` on the teaching bundle (`/lab-login/`, whose
//! `lab-login.json` also names the emulator for the demo controls), and the mock
//! portal at `/examples/portal.html` on the embeddable bundle (`/embed/lab-login/`).
//! Each `lab-login.json` points every provider at the running emulator.
//! It is served with the strict Content-Security-Policy the README gives portals.

use std::path::{Path, PathBuf};

use crate::dist;
use crate::run::root;

pub fn site_dir() -> PathBuf {
    root().join("target/site")
}

/// The integrity values a page needs for one bundle: its entry's, and its `.wasm`'s for the preload.
struct PagePins {
    entry: String,
    wasm: String,
}

/// Copies one built bundle to `to` with its `lab-login.json`; returns what a page pins.
fn place(from: &Path, to: &Path, config: &str) -> Result<PagePins, String> {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    for name in [dist::ENTRY, dist::WASM, dist::CSS] {
        std::fs::copy(from.join(name), to.join(name))
            .map_err(|e| format!("cannot copy {name}: {e} (run `cargo xtask dist` first)"))?;
    }
    std::fs::write(to.join("lab-login.json"), config)
        .map_err(|e| format!("cannot write the demo configuration: {e}"))?;
    Ok(PagePins {
        entry: dist::file_integrity(&to.join(dist::ENTRY))?,
        wasm: dist::file_integrity(&to.join(dist::WASM))?,
    })
}

/// `page` with one bundle's integrity values in place.
fn pinned(page: &str, pins: &PagePins) -> String {
    page.replace("__LAB_LOGIN_INTEGRITY__", &pins.entry)
        .replace("__LAB_LOGIN_WASM_INTEGRITY__", &pins.wasm)
}

/// Writes the site from the built bundles; returns its directory.
pub fn assemble(
    embeddable_dir: &Path,
    teaching_dir: &Path,
    emulator_url: &str,
) -> Result<PathBuf, String> {
    let site = site_dir();
    let _ = std::fs::remove_dir_all(&site);
    let teaching = place(
        teaching_dir,
        &site.join("lab-login"),
        &demo_config(emulator_url),
    )?;
    let embeddable = place(
        embeddable_dir,
        &site.join("embed/lab-login"),
        &demo_config(emulator_url),
    )?;
    let page = std::fs::read_to_string(root().join("index.html"))
        .map_err(|e| format!("cannot read index.html: {e}"))?;
    std::fs::write(site.join("index.html"), pinned(&page, &teaching))
        .map_err(|e| format!("cannot write the page: {e}"))?;
    // The same page on the embeddable bundle: what the bench measures.
    std::fs::write(
        site.join("embed.html"),
        pinned(&embeddable_page(&page)?, &embeddable)
            .replace("\"lab-login/lab-login.", "\"embed/lab-login/lab-login."),
    )
    .map_err(|e| format!("cannot write the page: {e}"))?;
    // The mock portal of examples/, on the same pinned bundle.
    let examples = site.join("examples");
    std::fs::create_dir_all(&examples).map_err(|e| e.to_string())?;
    for file in std::fs::read_dir(root().join("examples")).map_err(|e| e.to_string())? {
        let path = file.map_err(|e| e.to_string())?.path();
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        std::fs::write(
            examples.join(path.file_name().unwrap_or_default()),
            pinned(&text, &embeddable),
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
/// the real services are), so CORS is exercised too, and the emulator named for
/// the teaching bundle's demo controls (the embeddable bundle ignores it).
pub fn demo_config(emulator_url: &str) -> String {
    let e = emulator_url.trim_end_matches('/');
    format!(
        r#"{{
  "nomad": {{ "url": "{e}/nomad/api/v1" }},
  "nemo": {{ "url": "{e}/nemo/v1" }},
  "siminars": {{ "url": "{e}/siminars", "apitoken": "2" }},
  "nebula": {{ "url": "{e}/nebula/api/v1" }},
  "options": {{ "expiry_warning_secs": 120 }},
  "demo": {{ "emulator": "{e}" }}
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

/// The demo page's words about its bundle, for the page on the embeddable one.
fn embeddable_page(page: &str) -> Result<String, String> {
    let (Some(start), Some(end)) = (
        page.find("<!-- bundle:start -->"),
        page.find("<!-- bundle:end -->"),
    ) else {
        return Err(
            "index.html has no <!-- bundle:start --> … <!-- bundle:end --> paragraph".into(),
        );
    };
    if end < start {
        return Err("index.html has <!-- bundle:end --> before <!-- bundle:start -->".into());
    }
    Ok(format!(
        "{}<p>This page runs the embeddable bundle, the one a portal ships (no flow inspector, no demo controls), \
         against the local provider emulator. The teaching demo is at <a href=\"./\">the site's root</a>.</p>{}",
        &page[..start],
        &page[end + "<!-- bundle:end -->".len()..]
    ))
}
