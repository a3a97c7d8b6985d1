//! `cargo xtask test`: formatting, clippy (host and wasm32), native tests,
//! the emulator (in process, and a loopback load check of the binary), browser
//! tests in headless Chromium, and the release build under Playwright.
//! Runs every step even after a failure, then prints one line of counts.

use std::time::Instant;

use crate::dist::{self, EMBEDDABLE, TEACHING};
use crate::emulator::{self, Emulator};
use crate::run::{cmd, root, status, step, tee};
use crate::setup::{setup, CHROMEDRIVER};
use crate::{site, static_files};
use lab_login::display::group_digits;

#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    failed_steps: Vec<String>,
    /// When the step being recorded began (the last record, or the start).
    since: Option<Instant>,
}

impl Tally {
    /// Records a check of one: its error, if any, printed first.
    fn check(&mut self, name: &str, result: Result<(), String>) {
        if let Err(e) = &result {
            eprintln!("  {e}");
        }
        let counts = if result.is_ok() { (1, 0) } else { (0, 1) };
        self.record(name, result.is_ok(), counts);
    }

    /// Records a step: its counted tests, and the step itself if it failed without a counted failure.
    fn record(&mut self, name: &str, ok: bool, counts: (u64, u64)) {
        self.passed += counts.0;
        self.failed += counts.1;
        if !ok {
            self.failed_steps.push(name.to_string());
            if counts.1 == 0 {
                self.failed += 1;
            }
        }
        let verdict = if ok { "ok" } else { "FAILED" };
        let took = self.since.map(|s| s.elapsed().as_secs_f64()).unwrap_or(0.0);
        self.since = Some(Instant::now());
        println!(
            "--> {name}: {verdict} ({} passed, {} failed) in {took:.0} s",
            counts.0, counts.1
        );
    }
}

pub fn test() -> Result<(), String> {
    let started = Instant::now();
    setup()?;
    let mut tally = Tally {
        since: Some(Instant::now()),
        ..Tally::default()
    };

    step("cargo fmt --check");
    let ok = status(cmd("cargo", &["fmt", "--all", "--check"])).is_ok();
    tally.record("format", ok, (0, 0));

    step("clippy, host");
    let host = [
        "clippy",
        "--workspace",
        "--all-targets",
        "--quiet",
        "--",
        "-D",
        "warnings",
    ];
    tally.record("clippy host", status(cmd("cargo", &host)).is_ok(), (0, 0));

    step("clippy, wasm32");
    let wasm = [
        "clippy",
        "-p",
        "lab-login",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--quiet",
        "--",
        "-D",
        "warnings",
    ];
    tally.record("clippy wasm32", status(cmd("cargo", &wasm)).is_ok(), (0, 0));

    step("clippy, wasm32, teaching bundle");
    let teaching = [
        "clippy",
        "-p",
        "lab-login",
        "--target",
        "wasm32-unknown-unknown",
        "--features",
        "teaching",
        "--bin",
        "lab-login",
        "--quiet",
        "--",
        "-D",
        "warnings",
    ];
    tally.record(
        "clippy wasm32 teaching",
        status(cmd("cargo", &teaching)).is_ok(),
        (0, 0),
    );

    step("native tests (protocol core, config, session encoding, emulator in process, xtask)");
    let (ok, out) = tee(cmd("cargo", &["test", "--workspace", "--quiet"]));
    tally.record("native tests", ok, cargo_counts(&out));

    step("starting the provider emulator on a free loopback port");
    // Tests that need it get its URL; it stops by itself after an hour at most.
    let emu = emulator::build("dev").and_then(|_| Emulator::start("dev", &["--quiet"], 3600));
    let emu_url = match &emu {
        Ok(e) => Some(e.url.clone()),
        Err(e) => {
            eprintln!("{e}");
            tally.record("emulator start", false, (0, 0));
            None
        }
    };

    if let Some(url) = &emu_url {
        step("loopback load check of the running emulator (2,000 requests, 50 at a time, every answer checked)");
        let (ok, out) = tee(cmd(
            &emulator::binary("dev", "emulator-load"),
            &[url, "2000", "50"],
        ));
        tally.record(
            "emulator load check",
            ok,
            if ok {
                (1, 0)
            } else {
                (0, out.matches("failure:").count().max(1) as u64)
            },
        );
    }

    step("browser tests (wasm-bindgen-test in headless Chromium, against the emulator)");
    let mut c = cmd(
        "cargo",
        &[
            "test",
            "-p",
            "lab-login",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "browser",
        ],
    );
    c.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    .env("CHROMEDRIVER", CHROMEDRIVER)
    .env("WASM_BINDGEN_TEST_TIMEOUT", "300")
    .env("LAB_LOGIN_EMULATOR", emu_url.as_deref().unwrap_or(""));
    let (ok, out) = tee(c);
    tally.record("browser tests", ok, cargo_counts(&out));

    step("release bundle (as `cargo xtask dist` builds it), then Playwright in headless Chromium: smoke and end-to-end");
    let (ok, counts) = release_e2e(emu_url.as_deref(), &mut tally, &[]);
    tally.record("release build and e2e", ok, counts);
    drop(emu);

    let secs = started.elapsed().as_secs();
    println!("\ntook {}m{:02}s", secs / 60, secs % 60);
    if !tally.failed_steps.is_empty() {
        println!("failed steps: {}", tally.failed_steps.join(", "));
    }
    println!("xtask: {} passed, {} failed", tally.passed, tally.failed);
    if tally.failed_steps.is_empty() {
        Ok(())
    } else {
        Err("some checks failed".into())
    }
}

/// Sums cargo's `test result: ok. N passed; M failed;` lines.
fn cargo_counts(out: &str) -> (u64, u64) {
    let mut counts = (0, 0);
    for line in out
        .lines()
        .filter(|l| l.trim_start().starts_with("test result:"))
    {
        counts.0 += number_before(line, " passed");
        counts.1 += number_before(line, " failed");
    }
    counts
}

/// Sums Playwright's `N passed` / `N failed` summary lines.
fn playwright_counts(out: &str) -> (u64, u64) {
    let mut counts = (0, 0);
    for line in out.lines().map(str::trim) {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.parse::<u64>().is_ok() {
            if line.contains(" passed") && !line.contains(';') {
                counts.0 += number_before(line, " passed");
            } else if line.contains(" failed") || line.contains(" flaky") {
                counts.1 += number_before(line, " failed") + number_before(line, " flaky");
            }
        }
    }
    counts
}

fn number_before(line: &str, word: &str) -> u64 {
    line.find(word)
        .and_then(|i| line[..i].rsplit(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// `cargo xtask e2e [playwright args]`: only the release bundle and Playwright,
/// for working on one spec (`cargo xtask e2e portal.spec.mjs`).
pub fn e2e(args: &[String]) -> Result<(), String> {
    setup()?;
    emulator::build("dev")?;
    let emu = Emulator::start("dev", &["--quiet"], 3600)?;
    let mut tally = Tally {
        since: Some(Instant::now()),
        ..Tally::default()
    };
    let (ok, counts) = release_e2e(Some(&emu.url), &mut tally, args);
    tally.record("release build and e2e", ok, counts);
    println!("xtask: {} passed, {} failed", tally.passed, tally.failed);
    if ok {
        Ok(())
    } else {
        Err("end-to-end tests failed".into())
    }
}

fn release_e2e(
    emulator_url: Option<&str>,
    tally: &mut Tally,
    args: &[String],
) -> (bool, (u64, u64)) {
    for b in [&EMBEDDABLE, &TEACHING] {
        let files = match dist::build(b) {
            Ok(files) => files,
            Err(e) => {
                eprintln!("{e}");
                return (false, (0, 0));
            }
        };
        dist::print_table(b, &files);
        tally.check(
            &format!(
                "integrity values embedded in the {} entry match the files",
                b.name
            ),
            dist::verify(&b.dir())
                .map(drop)
                .map_err(|e| format!("integrity check: {e}")),
        );
        tally.check(
            &format!(
                "the {} bundle names no folder of the machine that built it",
                b.name
            ),
            dist::verify_no_machine_paths(&b.dir(), &dist::machine_paths()),
        );
    }
    let bundle = EMBEDDABLE.dir();
    let teaching = TEACHING.dir();
    tally.check(
        "the embeddable bundle carries no teaching text, path or style",
        dist::verify_no_teaching(&bundle),
    );
    step("a TypeScript host compiled against the shipped lab-login.d.ts (tsc --noEmit)");
    let mut tsc = cmd("tsc", &["-p", "types"]);
    tsc.current_dir(root().join("e2e"));
    let typed = status(tsc).is_ok();
    tally.record(
        "TypeScript host compiles against lab-login.d.ts",
        typed,
        if typed { (1, 0) } else { (0, 1) },
    );
    let emulator_url = emulator_url.unwrap_or("");
    let site = match site::assemble(&bundle, &teaching, emulator_url) {
        Ok(site) => site,
        Err(e) => {
            eprintln!("{e}");
            return (false, (0, 0));
        }
    };
    // No CSP here: some tests point a provider at other origins on purpose. The
    // strict-CSP page is its own test (e2e/portal.spec.mjs).
    let url = match static_files::serve(site, 0, vec![]) {
        Ok(url) => url,
        Err(e) => {
            eprintln!("{e}");
            return (false, (0, 0));
        }
    };
    let mut c = cmd("playwright", &["test", "--config", "playwright.config.mjs"]);
    c.args(args)
        .current_dir(root().join("e2e"))
        .env("LAB_LOGIN_URL", &url)
        .env("LAB_LOGIN_DIST", &bundle)
        .env("LAB_LOGIN_TEACHING_DIST", &teaching)
        .env(
            "LAB_LOGIN_EMULATOR_BIN",
            emulator::binary("dev", "emulator"),
        )
        .env("LAB_LOGIN_EMULATOR", emulator_url);
    let (ok, out) = tee(c);
    let counts = playwright_counts(&out);
    let summed = |file: &str| -> u64 {
        std::fs::read_to_string(root().join("e2e/test-results").join(file))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse::<u64>().ok())
            .sum()
    };
    println!(
        "e2e: {} passed, {} failed; {} requests inspected for secrets out of place; {} hostile cases; {} axe audits, {} with serious or critical violations",
        counts.0,
        counts.1,
        group_digits(summed("inspected.txt")),
        summed("hostile.txt"),
        summed("axe.txt"),
        summed("axe.txt") - summed("axe-clean.txt")
    );
    (ok, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cargo_and_playwright_summaries() {
        let cargo = "test result: ok. 74 passed; 0 failed; 0 ignored\nrunning 3 tests\ntest result: FAILED. 2 passed; 1 failed; 0 ignored";
        assert_eq!(cargo_counts(cargo), (76, 1));
        let pw = "Running 4 tests using 2 workers\n  ✓  1 smoke\n\n  1 failed\n    [chromium] › smoke\n  3 passed (5.1s)\n";
        assert_eq!(playwright_counts(pw), (3, 1));
    }
}
