//! Starting the provider emulator on a free loopback port, for `serve`, `test` and `bench`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use crate::run::{cmd, root, status};

/// A running emulator; stopped when dropped. It also stops by itself
/// (`--stop-after`) should this process die first.
pub struct Emulator {
    child: Child,
    pub url: String,
}

/// Builds the emulator binaries with `profile` ("dev" or "release").
pub fn build(profile: &str) -> Result<(), String> {
    status(cmd(
        "cargo",
        &[
            "build",
            "--quiet",
            "-p",
            "lab-login-emulator",
            "--bins",
            "--profile",
            profile,
        ],
    ))
}

pub fn binary(profile: &str, name: &str) -> String {
    let dir = if profile == "dev" { "debug" } else { profile };
    root()
        .join("target")
        .join(dir)
        .join(name)
        .to_string_lossy()
        .into_owned()
}

impl Emulator {
    /// Starts the built emulator with `args`, on a port of its choosing, and
    /// echoes its banner (the demo accounts) unless `--quiet` is among `args`.
    pub fn start(profile: &str, args: &[&str], stop_after_secs: u64) -> Result<Self, String> {
        let stop_after = stop_after_secs.to_string();
        let mut all = vec!["--port", "0", "--stop-after", &stop_after];
        all.extend_from_slice(args);
        let mut child = cmd(&binary(profile, "emulator"), &all)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start the emulator: {e}"))?;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let Some(url) = first
            .strip_prefix("lab-login emulator listening on ")
            .map(str::to_string)
        else {
            let _ = child.kill();
            return Err(format!("the emulator did not start (it said {first:?})"));
        };
        println!("  {first}");
        // Keep echoing what it prints (the banner), without blocking anyone.
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                println!("  {line}");
            }
        });
        Ok(Self { child, url })
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
