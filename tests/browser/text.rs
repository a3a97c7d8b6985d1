//! The lowercasing the bundle ships (the browser's `toLowerCase`) agrees with
//! Rust's, which the native tests use: Siminars' digest depends on it.

use lab_login::text::{lowercase, TRICKY};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn the_browser_lowercases_as_rust_does() {
    for text in TRICKY {
        assert_eq!(lowercase(text), text.to_lowercase(), "{text:?}");
    }
}
