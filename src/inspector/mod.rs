//! The flow inspector and the demo controls: the widget's teaching half.
//!
//! The pure parts (capture with redaction, token explanation, snippets) build
//! everywhere and are tested natively. The views and the log exist only in the
//! teaching bundle (the `teaching` cargo feature), so a portal's embeddable
//! bundle carries none of it.

pub mod capture;
pub mod messages;
pub mod snippets;
pub mod token_view;

#[cfg(all(target_arch = "wasm32", feature = "teaching"))]
pub mod demo;
#[cfg(all(target_arch = "wasm32", feature = "teaching"))]
pub mod log;
#[cfg(all(target_arch = "wasm32", feature = "teaching"))]
pub mod view;
