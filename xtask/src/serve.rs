//! `cargo xtask serve`: the emulator and the widget together. trunk serves the
//! widget on 127.0.0.1:8080 and proxies `/emulator/` to the emulator, which the
//! demo `lab-login.json` points at, so the demo is same-origin.

use crate::emulator::{self, Emulator};
use crate::run::{cmd, status, step};
use crate::setup::setup;

pub fn serve() -> Result<(), String> {
    setup()?;
    step("building the provider emulator");
    emulator::build("dev")?;
    step("starting the emulator and the widget (Ctrl-C stops both)");
    // Serving ends with Ctrl-C; the emulator's own limit is a backstop of a day.
    let emu = Emulator::start("dev", &[], 24 * 3600)?;
    println!(
        "\n  open http://127.0.0.1:8080/ — the widget talks to the emulator through /emulator/\n"
    );
    let mut trunk = cmd(
        "trunk",
        &[
            "serve",
            "--address",
            "127.0.0.1",
            "--port",
            "8080",
            "--proxy-backend",
            &format!("{}/", emu.url),
            "--proxy-rewrite",
            "/emulator/",
        ],
    );
    trunk.env("TRUNK_OFFLINE", "true");
    let result = status(trunk);
    drop(emu);
    result
}
