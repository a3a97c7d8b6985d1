//! `cargo xtask bench`: a bounded loopback load test of the release emulator:
//! 10,000 requests (sign-ins and 25-item pages of the 10,000-upload account),
//! 100 at a time, every answer checked, three runs, median printed.

use crate::emulator::{self, Emulator};
use crate::run::{cmd, status, step};

pub fn bench() -> Result<(), String> {
    step("building the emulator (release)");
    emulator::build("release")?;
    let emu = Emulator::start("release", &["--quiet"], 600)?;
    step("loopback load: 10,000 requests, 100 at a time, 3 runs");
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    println!(
        "  machine: {} cores, {cpu}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    status(cmd(
        &emulator::binary("release", "emulator-load"),
        &[&emu.url, "10000", "100", "3"],
    ))
}
