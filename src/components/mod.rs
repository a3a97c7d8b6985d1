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
