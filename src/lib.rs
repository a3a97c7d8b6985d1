//! lab-login: a login widget for scientific-data APIs.
//!
//! The protocol core ([`providers`], [`config`], the pure half of [`session`]) is
//! plain Rust and tested natively; the browser half (components, transport,
//! storage) exists only on wasm32.

pub mod config;
pub mod providers;
pub mod session;
