//! The embedding surface: the entry module (`lab-login.js`, written by
//! `cargo xtask dist`) fetches `lab-login.json` beside itself while the wasm
//! loads; then `main` calls [`boot`], which mounts a widget into every element
//! marked `data-lab-login`. Attributes only choose providers; endpoints come
//! from the file.

mod urls;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::components::App;
use crate::config::{Config, ConfigError};
use crate::providers::ProviderId;

pub use urls::BrowserUrls;

#[wasm_bindgen]
extern "C" {
    /// What the entry module fetched for `lab-login.json`. It is declared in the
    /// entry's own module scope (the glue is folded into it), so it is no global
    /// that another script could replace.
    type ConfigFile;
    #[wasm_bindgen(js_name = __labLoginConfigFile)]
    fn config_file() -> ConfigFile;
    /// The absolute URL, beside the bundle (from `import.meta.url`).
    #[wasm_bindgen(method, getter)]
    fn url(this: &ConfigFile) -> String;
    /// The HTTP status, 0 when nothing answered.
    #[wasm_bindgen(method, getter)]
    fn status(this: &ConfigFile) -> u16;
    #[wasm_bindgen(method, getter)]
    fn text(this: &ConfigFile) -> String;
}

/// Starts every widget on the page with the configuration the entry fetched.
/// (An import rather than an export: the bundle is a bin, whose wasm exports
/// nothing but its start, so no dependency's exported classes are kept.)
pub fn boot() {
    let file = config_file();
    mount_all(config_from_file(&file.url(), file.status(), &file.text()));
}

/// The page owner's file, applied to the built-in defaults. No file is an error,
/// never a silent fall-back to other endpoints.
pub fn config_from_file(config_url: &str, status: u16, text: &str) -> Result<Config, ConfigError> {
    match status {
        200..=299 => Config::default().merge_json(text, &BrowserUrls::against(config_url)),
        0 => Err(ConfigError(format!(
            "its configuration {config_url} could not be read"
        ))),
        404 => Err(ConfigError(format!(
            "its configuration {config_url} does not exist; the page owner deploys lab-login.json beside the bundle"
        ))),
        status => Err(ConfigError(format!(
            "its configuration {config_url} could not be read (HTTP {status})"
        ))),
    }
}

/// Mounts a widget into `element` with `config` (host script calls this to
/// configure endpoints in code). The widget lives as long as the page.
pub fn mount_with(element: web_sys::HtmlElement, config: Config, providers: Vec<ProviderId>) {
    leptos::mount::mount_to(
        element,
        move || view! { <App config=config providers=providers /> },
    )
    .forget();
}

/// Mounts into every `[data-lab-login]` element, or shows in its place why it could not.
pub fn mount_all(config: Result<Config, ConfigError>) {
    let Ok(nodes) = document().query_selector_all("[data-lab-login]") else {
        return;
    };
    for i in 0..nodes.length() {
        let Some(element) = nodes
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            continue;
        };
        let chosen = config.clone().and_then(|c| {
            c.select(element.get_attribute("data-providers").as_deref())
                .map(|p| (c, p))
        });
        match chosen {
            Ok((config, providers)) => mount_with(element, config, providers),
            Err(err) => {
                let message = format!("The login widget could not start: {err}");
                leptos::mount::mount_to(element, move || view! {
                    <p class="lab-login lab-login__config-error" role="alert" data-testid="config-error">{message}</p>
                })
                .forget();
            }
        }
    }
}
