//! `cargo xtask <command>`: set-up, serving and testing of lab-login, so that a
//! fresh machine needs nothing but `cargo xtask serve` and `cargo xtask test`.

mod bench;
mod dist;
mod emulator;
mod minify;
mod run;
mod serve;
mod setup;
mod site;
mod static_files;
mod test;
mod wasm_names;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup   install what is missing: wasm target, wasm-bindgen-cli, wasm-opt, Chromium, npm packages
  dist    build the embeddable bundle into dist/ (fixed names) and print sizes and integrity values
  serve   serve the widget at http://127.0.0.1:8080 against the provider emulator
  test    run every check and test suite, ending with a line of counts
  e2e     only the release bundle and Playwright; arguments go to Playwright (a spec file, --grep …)
  bench   what the widget costs a page (sizes, start-up, uploads, sign-in, largest code) and the emulator's throughput";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::setup(),
        Some("serve") => serve::serve(),
        Some("dist") => dist::dist(),
        Some("test") => test::test(),
        Some("e2e") => test::e2e(&args[1..]),
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
