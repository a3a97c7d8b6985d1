//! Shared helpers: the emulator's address, mounting, typing, waiting.

use lab_login::components::App;
use lab_login::config::Config;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};

pub fn now() -> u64 {
    js_sys::Date::now() as u64
}

pub fn storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

pub fn clear() {
    storage().clear().unwrap();
}

pub async fn tick() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

pub async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Polls until `f` is true or `ms` pass.
pub async fn until_ms(ms: u32, mut f: impl FnMut() -> bool) -> bool {
    for _ in 0..ms / 20 {
        if f() {
            return true;
        }
        sleep(20).await;
    }
    f()
}

pub async fn until(f: impl FnMut() -> bool) -> bool {
    until_ms(5_000, f).await
}

/// The running emulator, from `cargo xtask test` (baked in at build time).
pub fn emulator() -> &'static str {
    match option_env!("LAB_LOGIN_EMULATOR") {
        Some(url) if !url.is_empty() => url,
        _ => panic!("these tests need the provider emulator: run them with `cargo xtask test`"),
    }
}

/// A configuration with every provider at the emulator.
pub fn emulator_config(timeout_secs: u64) -> Config {
    let e = emulator();
    let json = format!(
        r#"{{"nomad": {{"url": "{e}/nomad/api/v1"}}, "nemo": {{"url": "{e}/nemo/v1"}},
            "siminars": {{"url": "{e}/siminars", "apitoken": 2}}, "nebula": {{"url": "{e}/nebula/api/v1"}},
            "options": {{"request_timeout_secs": {timeout_secs}}}}}"#
    );
    Config::default()
        .merge_json(
            &json,
            &lab_login::embed::BrowserUrls::against("http://127.0.0.1/"),
        )
        .expect("the test configuration is valid")
}

thread_local! {
    /// The widget the running test mounted: the next mount unmounts it, so each
    /// test starts as a fresh page would (sessions are shared page-wide).
    static MOUNTED: std::cell::RefCell<Option<Box<dyn std::any::Any>>> = const { std::cell::RefCell::new(None) };
}

pub fn mount_app(config: Config) -> HtmlElement {
    drop(MOUNTED.with(|m| m.borrow_mut().take()));
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), move || view! { <App config=config /> });
    MOUNTED.with(|m| *m.borrow_mut() = Some(Box::new(handle)));
    host
}

/// Unmounts the widget [`mount_app`] mounted, as a host page's `unmount()` does.
pub fn unmount_app() {
    drop(MOUNTED.with(|m| m.borrow_mut().take()));
}

pub fn find(root: &HtmlElement, selector: &str) -> Option<HtmlElement> {
    root.query_selector(selector)
        .unwrap()
        .map(|e| e.unchecked_into())
}

pub fn get(root: &HtmlElement, selector: &str) -> HtmlElement {
    find(root, selector).unwrap_or_else(|| panic!("no element matches {selector}"))
}

pub fn text(root: &HtmlElement, selector: &str) -> String {
    find(root, selector)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

pub fn input(root: &HtmlElement, selector: &str) -> HtmlInputElement {
    get(root, selector).unchecked_into()
}

/// Opens the provider's tab; its form is built the first time it is opened.
pub async fn open_tab(root: &HtmlElement, provider: &str) {
    get(root, &format!("[data-testid=tab-{provider}]")).click();
    let panel = format!("[data-testid=form-{provider}], [data-testid=session-{provider}]");
    assert!(
        until(|| find(root, &panel).is_some()).await,
        "the {provider} tab shows neither a form nor a session"
    );
}

/// Types into the provider's form and presses its submit button.
pub async fn sign_in(root: &HtmlElement, provider: &str, user: &str, password: &str) {
    open_tab(root, provider).await;
    let form = format!("[data-testid=form-{provider}]");
    input(root, &format!("{form} [data-testid=username]")).set_value(user);
    input(root, &format!("{form} [data-testid=password]")).set_value(password);
    get(root, &format!("{form} [data-testid=submit]")).click();
}

async fn control(method: &str, path: &str, body: &str) -> serde_json::Value {
    let url = format!("{}/_emulator/{path}", emulator());
    let builder = gloo_net::http::RequestBuilder::new(&url).method(match method {
        "POST" => gloo_net::http::Method::POST,
        "DELETE" => gloo_net::http::Method::DELETE,
        _ => gloo_net::http::Method::GET,
    });
    let resp = if body.is_empty() {
        builder.send().await
    } else {
        builder
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .unwrap()
            .send()
            .await
    }
    .expect("the emulator answers its control endpoint");
    resp.json().await.expect("control answers are JSON")
}

/// Arms an emulator fault for the next `count` requests under `path_prefix`.
pub async fn arm_fault(fault: &str, path_prefix: &str, count: u32) {
    control(
        "POST",
        "faults",
        &format!(r#"{{"fault":"{fault}","path_prefix":"{path_prefix}","count":{count}}}"#),
    )
    .await;
}

pub async fn clear_faults() {
    control("DELETE", "faults", "").await;
}

pub async fn set_lifetimes(json: &str) {
    control("POST", "lifetimes", json).await;
}

pub async fn stats() -> serde_json::Value {
    control("GET", "stats", "").await
}

/// Signs in like [`sign_in`], then waits until the emulator has received the
/// request and the form has settled (no longer busy), so that the next look at
/// the page sees this attempt's outcome, not the previous one's.
pub async fn attempt(root: &HtmlElement, provider: &str, user: &str, password: &str) {
    let before = stats().await["requests"].as_u64().unwrap_or(0);
    sign_in(root, provider, user, password).await;
    settle(root, provider, before).await;
}

/// Waits for a request beyond `before` to reach the emulator, then for the form to settle.
pub async fn settle(root: &HtmlElement, provider: &str, before: u64) {
    let mut received = false;
    for _ in 0..200 {
        if stats().await["requests"].as_u64().unwrap_or(0) > before {
            received = true;
            break;
        }
        sleep(20).await;
    }
    assert!(
        received,
        "the {provider} request never reached the emulator"
    );
    let form = format!("[data-testid=form-{provider}]");
    let settled = until_ms(10_000, || {
        get(root, &form).get_attribute("aria-busy").as_deref() == Some("false")
    })
    .await;
    assert!(settled, "the {provider} form stayed busy");
}
