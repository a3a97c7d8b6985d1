//! The bundle's start: panic hook, then the widgets. Nothing else, but for the
//! allocator. The entry module (`lab-login.js`) has already fetched the
//! configuration by now.

/// talc rather than Rust's default for wasm, dlmalloc: fewer bytes
/// (`cargo xtask dist`: 0.7 KB gzip less) and no slower in the bench.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    lab_login::embed::boot();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "lab-login is a browser widget: build it with `cargo xtask dist` or `cargo xtask serve`."
    );
    std::process::exit(2);
}
