//! The bundle's start: panic hook, then the widgets. Nothing else. The entry
//! module (`lab-login.js`) has already fetched the configuration by now.

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
