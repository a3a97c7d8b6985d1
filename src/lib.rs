//! lab-login: a login widget for scientific-data APIs.
//!
//! The protocol core ([`providers`], [`config`], [`display`], the pure half of
//! [`session`]) is plain Rust and tested natively; the browser half (transport,
//! storage, components) exists only on wasm32.

pub mod config;
pub mod display;
pub mod inspector;
pub mod json;
pub mod messages;
pub mod providers;
pub mod session;
pub mod text;
pub mod widget_options;

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod embed;
#[cfg(target_arch = "wasm32")]
pub mod http;
