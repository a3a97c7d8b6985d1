//! `cargo xtask serve`: the emulator and the widget together. The bundle is built
//! as `cargo xtask dist` builds it, the demo page boots through its pinned entry,
//! and the page is served on 127.0.0.1:8080 with the strict CSP of the README.
//! The demo `lab-login.json` points every provider at the emulator.

use crate::dist::{self, EMBEDDABLE, TEACHING};
use crate::emulator::{self, Emulator};
use crate::run::step;
use crate::setup::setup;
use crate::{site, static_files};

pub fn serve() -> Result<(), String> {
    setup()?;
    for bundle in [&EMBEDDABLE, &TEACHING] {
        let files = dist::build(bundle)?;
        dist::print_table(bundle, &files);
    }
    step("building the provider emulator");
    emulator::build("dev")?;
    step("starting the emulator and the widget (Ctrl-C stops both)");
    // Serving ends with Ctrl-C; the emulator's own limit is a backstop of a day.
    let emu = Emulator::start("dev", &[], 24 * 3600)?;
    let site = site::assemble(&EMBEDDABLE.dir(), &TEACHING.dir(), &emu.url)?;
    let csp = site::strict_csp(&[&emu.url]);
    let url = static_files::serve(site, 8080, vec![("Content-Security-Policy".into(), csp)])?;
    println!(
        "\n  open {url} — the demo on the teaching bundle (flow inspector, demo controls); the widget talks to the emulator at {}\n  open {url}examples/portal.html — a mock lab portal on the embeddable bundle: three widgets, one in Shadow DOM, and an event log\n",
        emu.url
    );
    // The server threads serve until Ctrl-C ends this process (and the emulator with it).
    loop {
        std::thread::park();
    }
}
