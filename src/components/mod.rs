//! The views, one per file. They read and write the shared state in
//! [`state::Sessions`] and talk to providers only through `client`.

pub mod app;
pub mod app_token;
pub mod login_form;
pub mod session_card;
pub mod state;
pub mod uploads;

pub use app::App;

/// An event handler as one boxed type per kind of event (`on:click=handler(…)`):
/// Leptos' listener code is then compiled once per kind of event rather than
/// once per handler, and elements that differ only in their handler share
/// their view code.
pub fn handler<E>(f: impl FnMut(E) + 'static) -> Box<dyn FnMut(E)> {
    Box::new(f)
}

/// A reactive value (an attribute's, or a text's) as one boxed type per value
/// type (`hidden=reactive(move || …)`): Leptos' update code is then compiled
/// once per value type rather than once per closure.
pub fn reactive<T>(f: impl FnMut() -> T + Send + 'static) -> Box<dyn FnMut() -> T + Send> {
    Box::new(f)
}
