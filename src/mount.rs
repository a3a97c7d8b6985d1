//! Mounting: read the page owner's configuration, then put a widget into every
//! element marked `data-lab-login`. Attributes only choose providers.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::App;
use crate::config::{Config, ConfigError};
use crate::http::{send, Cancel};
use crate::providers::{HttpRequest, ProviderId};

/// The same-origin configuration file deployed beside the bundle.
pub const CONFIG_FILE: &str = "lab-login.json";

/// The built-in defaults, with `lab-login.json` applied when the page owner deployed one.
pub async fn load_config() -> Result<Config, ConfigError> {
    let request = HttpRequest::get(CONFIG_FILE.into());
    match send(&request, 10_000, &Cancel::new()).await {
        Ok(resp) if resp.status == 404 => Ok(Config::default()),
        Ok(resp) if resp.is_success() => Config::default().merge_json(&resp.body),
        Ok(resp) => Err(ConfigError(format!(
            "{CONFIG_FILE} could not be loaded (HTTP {})",
            resp.status
        ))),
        Err(err) => Err(ConfigError(format!(
            "{CONFIG_FILE} could not be loaded: {err}"
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
    let document = document();
    let Ok(nodes) = document.query_selector_all("[data-lab-login]") else {
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
