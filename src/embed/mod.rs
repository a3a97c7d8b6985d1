//! The embedding surface. The entry module (`lab-login.js`, written by
//! `cargo xtask dist`) fetches `lab-login.json` beside itself while the wasm
//! loads; then `main` calls [`boot`], which hands the entry the functions behind
//! the `<lab-login>` element, the `[data-lab-login]` divs and `mount()`.
//!
//! Endpoints come only from the file or from host script (`mount`'s `config`);
//! attributes choose among configured providers and set harmless options.

mod urls;

use std::any::Any;
use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::components::state::HostHooks;
use crate::components::{browser_options, App};
use crate::config::{Config, ConfigError};
use crate::providers::ProviderId;
use crate::widget_options::{endpoint_like, WidgetOptions, ATTRIBUTES};

pub use urls::BrowserUrls;

#[wasm_bindgen]
extern "C" {
    /// What the entry module fetched for `lab-login.json`. Declared in the
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
    /// Whether the entry gave up waiting for it (20 s).
    #[wasm_bindgen(method, getter, js_name = timedOut)]
    fn timed_out(this: &ConfigFile) -> bool;

    /// The pinned stylesheet's URL and integrity value, for shadow roots.
    type Stylesheet;
    #[wasm_bindgen(js_name = __labLoginStylesheet)]
    fn stylesheet() -> Stylesheet;
    #[wasm_bindgen(method, getter)]
    fn href(this: &Stylesheet) -> String;
    #[wasm_bindgen(method, getter)]
    fn integrity(this: &Stylesheet) -> String;

    /// Gives the entry the functions behind the element, the divs and `mount()`.
    #[wasm_bindgen(js_name = __labLoginReady)]
    fn ready(api: &js_sys::Object);
}

/// One widget on the page.
struct Mounted {
    element: HtmlElement,
    /// Read from the element's attributes (and re-read when they change), or from `mount()`.
    source: Source,
    shadow: Option<web_sys::ShadowRoot>,
    /// Dropping it unmounts the widget, which stops its timers and requests.
    _view: Box<dyn Any>,
}

#[derive(Clone)]
enum Source {
    /// `<lab-login>`: plain attribute names.
    Element,
    /// `<div data-lab-login>`: the same names with `data-`.
    Div,
    /// `mount(element, options)` from host script.
    Code(CodeOptions),
}

#[derive(Clone)]
struct CodeOptions {
    options: WidgetOptions,
    config: Result<Config, ConfigError>,
    on_signed_in: Option<js_sys::Function>,
}

thread_local! {
    static PAGE_CONFIG: RefCell<Result<Config, ConfigError>> =
        RefCell::new(Err(ConfigError("the bundle has not started".into())));
    static MOUNTED: RefCell<Vec<Mounted>> = const { RefCell::new(Vec::new()) };
    static WARNED_ENDPOINT: Cell<bool> = const { Cell::new(false) };
}

/// Starts the bundle: the page's configuration, then the entry's hooks.
pub fn boot() {
    let file = config_file();
    PAGE_CONFIG.set(if file.timed_out() {
        Err(ConfigError(format!(
            "its configuration {} did not arrive within 20 seconds",
            file.url()
        )))
    } else {
        config_from_file(&file.url(), file.status(), &file.text())
    });
    // The widgets render in a task of their own: start-up is then two shorter
    // tasks, not one that blocks a slow device's input for the whole of it.
    // At user-blocking priority, where the browser has it, so that the page's
    // own rendering does not come first.
    let render = Closure::once_into_js(|| ready(&api()));
    let options = browser_options(&[("priority", "user-blocking")]);
    if post_task(render.unchecked_ref(), &options).is_err() {
        let _ = window().set_timeout_with_callback(render.unchecked_ref());
    }
}

#[wasm_bindgen]
extern "C" {
    /// `scheduler.postTask(callback, options)`; an error where there is no `scheduler`.
    #[wasm_bindgen(catch, js_namespace = scheduler, js_name = postTask)]
    fn post_task(callback: &js_sys::Function, options: &js_sys::Object)
        -> Result<JsValue, JsValue>;
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

fn set(api: &js_sys::Object, name: &str, f: JsValue) {
    let _ = js_sys::Reflect::set(api, &name.into(), &f);
}

/// The functions the entry calls: `connect(el, isDiv)`, `disconnect(el)`,
/// `changed(el, name)`, `mount(el, options)` (throws with the reason),
/// `unmount(el)`, `signOut(el, provider)`; and `attributes`, the names the
/// entry watches, so that every attribute a widget reads is also live.
fn api() -> js_sys::Object {
    let api = js_sys::Object::new();
    // `inspector` only where there is one: elsewhere a change would re-mount for nothing.
    let attributes: js_sys::Array = ATTRIBUTES
        .iter()
        .filter(|a| cfg!(feature = "teaching") || **a != "inspector")
        .map(|a| JsValue::from_str(a))
        .collect();
    set(&api, "attributes", attributes.into());
    let connect = Closure::<dyn Fn(HtmlElement, bool)>::new(|el: HtmlElement, is_div: bool| {
        if !is_mounted(&el) {
            mount(el, if is_div { Source::Div } else { Source::Element });
        }
    });
    set(&api, "connect", connect.into_js_value());
    let disconnect = Closure::<dyn Fn(HtmlElement)>::new(unmount);
    set(&api, "disconnect", disconnect.into_js_value());
    let changed = Closure::<dyn Fn(HtmlElement, String)>::new(attribute_changed);
    set(&api, "changed", changed.into_js_value());
    let mount_from_code =
        Closure::<dyn Fn(HtmlElement, JsValue) -> Result<(), JsValue>>::new(mount_from_code);
    set(&api, "mount", mount_from_code.into_js_value());
    let unmount_fn = Closure::<dyn Fn(HtmlElement)>::new(unmount);
    set(&api, "unmount", unmount_fn.into_js_value());
    let sign_out = Closure::<dyn Fn(HtmlElement, String)>::new(sign_out);
    set(&api, "signOut", sign_out.into_js_value());
    api
}

fn is_mounted(el: &HtmlElement) -> bool {
    MOUNTED.with(|m| m.borrow().iter().any(|w| &w.element == el))
}

fn attribute(el: &HtmlElement, source: &Source, name: &str) -> Option<String> {
    match source {
        Source::Element => el.get_attribute(name),
        Source::Div => el.get_attribute(&format!("data-{name}")),
        Source::Code(_) => None,
    }
}

/// Says once per page that markup tried to name an endpoint, and ignores it.
fn warn_about_endpoint_attributes(el: &HtmlElement, source: &Source) {
    if WARNED_ENDPOINT.get() || matches!(source, Source::Code(_)) {
        return;
    }
    let attrs = el.attributes();
    for i in 0..attrs.length() {
        let Some(name) = attrs.item(i).map(|a| a.name()) else {
            continue;
        };
        let own = match source {
            Source::Div => name.strip_prefix("data-").unwrap_or(""),
            _ => name.as_str(),
        };
        if endpoint_like(own) {
            WARNED_ENDPOINT.set(true);
            web_sys::console::warn_1(
                &format!(
                    "lab-login ignores the attribute \"{name}\": endpoints come only from lab-login.json beside the bundle, or from host script through mount()."
                )
                .into(),
            );
            return;
        }
    }
}

/// Mounts (or re-mounts, after a change) one widget; an error shows in its place.
fn mount(element: HtmlElement, source: Source) {
    warn_about_endpoint_attributes(&element, &source);
    // What was there goes only once the new view is in: the page's sessions
    // must never see this widget gone (memory-only ones would be forgotten).
    // A shadow root, once attached, stays: `shadow` is fixed at the first mount.
    let mut old_view = None;
    let previous = take(&element).map(|Mounted { shadow, _view, .. }| {
        old_view = Some(_view);
        shadow
    });
    let chosen = resolve(&element, &source);
    let shadow = match previous {
        Some(kept) => kept,
        // Re-connected (moved in the page): the element keeps its root.
        None if element.shadow_root().is_some() => element.shadow_root(),
        None if matches!(&chosen, Ok((_, _, options, _)) if options.shadow) => element
            .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
            .ok(),
        None => None,
    };
    let container = container(&element, shadow.as_ref());
    let view: Box<dyn Any> = match chosen {
        Ok((config, providers, options, on_signed_in)) => {
            let hooks = HostHooks {
                element: Some(element.clone()),
                on_signed_in,
            };
            let (theme, lang) = (options.theme, options.lang.clone());
            let inspector = !options.hide_inspector;
            Box::new(leptos::mount::mount_to(container, move || {
                view! { <App config=config providers=providers theme=theme lang=lang host=hooks inspector=inspector /> }
            }))
        }
        Err(err) => {
            // The page's language, as the widget would have used it.
            let lang = document()
                .document_element()
                .and_then(|e| e.get_attribute("lang"))
                .and_then(|l| crate::messages::Lang::from_tag(&l))
                .unwrap_or_default();
            let m = crate::messages::Messages::new(lang, Vec::new());
            let message = m.fmt("config.error", &[("why", &err.to_string())]);
            Box::new(leptos::mount::mount_to(container, move || {
                view! {
                    <p class="lab-login lab-login__config-error" role="alert" data-testid="config-error">{message}</p>
                }
            }))
        }
    };
    MOUNTED.with(|m| {
        m.borrow_mut().push(Mounted {
            element,
            source,
            shadow,
            _view: view,
        })
    });
    drop(old_view);
}

type Chosen = (
    Config,
    Vec<ProviderId>,
    WidgetOptions,
    Option<js_sys::Function>,
);

/// The configuration, providers and options of one widget, or why it cannot start.
fn resolve(element: &HtmlElement, source: &Source) -> Result<Chosen, ConfigError> {
    let (options, config, on_signed_in) = match source {
        Source::Code(code) => (
            code.options.clone(),
            code.config.clone()?,
            code.on_signed_in.clone(),
        ),
        _ => (
            WidgetOptions::from_attributes(|name| attribute(element, source, name))?,
            PAGE_CONFIG.with(|c| c.borrow().clone())?,
            None,
        ),
    };
    let mut config = config;
    if let Some(secs) = options.expiry_warning_secs {
        config.expiry_warning_secs = secs;
    }
    let providers = config.select(options.providers.as_deref())?;
    Ok((config, providers, options, on_signed_in))
}

/// Where the view goes: a fresh element in the shadow root (beside the pinned
/// stylesheet), or the element itself with its fallback content removed.
fn container(element: &HtmlElement, shadow: Option<&web_sys::ShadowRoot>) -> HtmlElement {
    let document = document();
    match shadow {
        Some(root) => {
            root.set_text_content(None);
            let css = stylesheet();
            if let Ok(link) = document.create_element("link") {
                let _ = link.set_attribute("rel", "stylesheet");
                let _ = link.set_attribute("crossorigin", "anonymous");
                let _ = link.set_attribute("integrity", &css.integrity());
                let _ = link.set_attribute("href", &css.href());
                let _ = root.append_child(&link);
            }
            let inner: HtmlElement = document
                .create_element("div")
                .expect("a document can create a div")
                .unchecked_into();
            let _ = root.append_child(&inner);
            inner
        }
        None => {
            element.set_text_content(None);
            element.clone()
        }
    }
}

/// Removes a widget from the registry; dropping what is returned unmounts it.
fn take(element: &HtmlElement) -> Option<Mounted> {
    MOUNTED.with(|m| {
        let mut m = m.borrow_mut();
        let i = m.iter().position(|w| &w.element == element)?;
        Some(m.remove(i))
    })
}

fn unmount(element: HtmlElement) {
    drop(take(&element));
}

fn attribute_changed(element: HtmlElement, name: String) {
    let Some(source) = MOUNTED.with(|m| {
        m.borrow()
            .iter()
            .find(|w| w.element == element)
            .map(|w| w.source.clone())
    }) else {
        return;
    };
    let own = match source {
        Source::Div => name.strip_prefix("data-").unwrap_or("").to_string(),
        Source::Element => name,
        Source::Code(_) => return,
    };
    if own == "shadow" {
        web_sys::console::warn_1(
            &"lab-login: `shadow` cannot change after the widget has mounted; the change is ignored."
                .into(),
        );
        return;
    }
    if ATTRIBUTES.contains(&own.as_str()) {
        mount(element, source);
    }
}

/// `mount(element, options)` from host script. Mounting again replaces the widget.
fn mount_from_code(element: HtmlElement, options: JsValue) -> Result<(), JsValue> {
    let get =
        |name: &str| js_sys::Reflect::get(&options, &name.into()).unwrap_or(JsValue::UNDEFINED);
    let text = |name: &str| -> Result<Option<String>, JsValue> {
        let v = get(name);
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        if let Some(s) = v.as_string() {
            return Ok(Some(s));
        }
        // Whole numbers only (seconds): printed as an integer, which keeps core's
        // float formatting out of the bundle.
        if let Some(n) = v.as_f64().filter(|n| n.fract() == 0.0 && n.abs() < 1e15) {
            return Ok(Some((n as i64).to_string()));
        }
        if js_sys::Array::is_array(&v) {
            let words: Vec<String> = js_sys::Array::from(&v)
                .iter()
                .filter_map(|w| w.as_string())
                .collect();
            return Ok(Some(words.join(",")));
        }
        Err(js_sys::Error::new(&format!("lab-login: option `{name}` has the wrong type")).into())
    };
    let shadow = get("shadow").is_truthy();
    // `inspector: false` hides the flow inspector; anything else keeps it.
    let inspector = match get("inspector").as_bool() {
        Some(false) => Some("off".to_string()),
        _ => None,
    };
    let (providers, lang, warning, theme) = (
        text("providers")?,
        text("lang")?,
        text("expiryWarning")?,
        text("theme")?,
    );
    let widget_options = WidgetOptions::from_attributes(|name| match name {
        "providers" => providers.clone(),
        "lang" => lang.clone(),
        "expiry-warning" => warning.clone(),
        "theme" => theme.clone(),
        "inspector" => inspector.clone(),
        _ => None,
    })
    .map(|o| WidgetOptions { shadow, ..o })
    .map_err(|e| JsValue::from(js_sys::Error::new(&format!("lab-login: {e}"))))?;
    let config = match get("config") {
        v if v.is_undefined() || v.is_null() => PAGE_CONFIG.with(|c| c.borrow().clone()),
        v => {
            let json = js_sys::JSON::stringify(&v)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default();
            let page = window().location().href().unwrap_or_default();
            Config::default().merge_json(&json, &BrowserUrls::against(&page))
        }
    };
    // The host's own wording, checked like the file's `messages`.
    let config = match get("messages") {
        v if v.is_undefined() || v.is_null() => config,
        v => config.and_then(|c| {
            let json = js_sys::JSON::stringify(&v)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default();
            let page = window().location().href().unwrap_or_default();
            c.merge_json(
                &format!(r#"{{"messages": {json}}}"#),
                &BrowserUrls::against(&page),
            )
        }),
    };
    let on_signed_in = get("onSignedIn").dyn_into::<js_sys::Function>().ok();
    mount(
        element,
        Source::Code(CodeOptions {
            options: widget_options,
            config,
            on_signed_in,
        }),
    );
    Ok(())
}

/// `handle.signOut(provider)`: as if the user pressed "Sign out" in that widget
/// (the same path, so Siminars is told too).
fn sign_out(element: HtmlElement, provider: String) {
    let selector = format!(
        "[data-testid=\"sign-out-{}\"]",
        provider.to_ascii_lowercase().replace(['"', '\\'], "")
    );
    let button = MOUNTED.with(|m| {
        let m = m.borrow();
        let widget = m.iter().find(|w| w.element == element)?;
        match &widget.shadow {
            Some(root) => root.query_selector(&selector).ok().flatten(),
            None => element.query_selector(&selector).ok().flatten(),
        }
    });
    if let Some(button) = button {
        button.unchecked_into::<HtmlElement>().click();
    }
}
