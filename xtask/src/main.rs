//! `cargo xtask <command>`: set-up, serving and testing of lab-login, so that a
//! fresh machine needs nothing but `cargo xtask serve` and `cargo xtask test`.

mod bench;
mod emulator;
mod run;
mod serve;
mod setup;
mod static_files;
mod test;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup   install what is missing: wasm target, trunk, wasm-bindgen-cli, wasm-opt, Chromium, npm packages
  serve   serve the widget at http://127.0.0.1:8080 against the provider emulator
  test    run every check and test suite, ending with a line of counts
  bench   load-test the emulator on loopback (release build) and print requests per second";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::setup(),
        Some("serve") => serve::serve(),
        Some("test") => test::test(),
        Some("bench") => bench::bench(),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}
