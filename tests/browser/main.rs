//! Browser tests in headless Chromium (wasm-bindgen-test), run by `cargo xtask
//! test`: the real sessionStorage store, and the widget mounted into a fresh
//! element, signing in to the running provider emulator.
#![cfg(target_arch = "wasm32")]

mod json;
mod store;
mod support;
mod text;
mod urls;
mod widget;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
