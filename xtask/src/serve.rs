//! `cargo xtask serve`: the widget with `trunk serve` on 127.0.0.1.

use crate::run::{cmd, status, step};
use crate::setup::setup;

pub fn serve() -> Result<(), String> {
    setup()?;
    step("serving the widget (Ctrl-C stops it)");
    println!("  open http://127.0.0.1:8080/ — endpoints come from lab-login.json (the real services by default)");
    let mut c = cmd(
        "trunk",
        &["serve", "--address", "127.0.0.1", "--port", "8080"],
    );
    c.env("TRUNK_OFFLINE", "true");
    status(c)
}
