//! The trunk entry point: panic hook, configuration, mount. Nothing else.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        lab_login::mount_all(lab_login::load_config().await);
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("lab-login is a browser widget: build it with `cargo xtask serve` (trunk), not `cargo run`.");
    std::process::exit(2);
}
