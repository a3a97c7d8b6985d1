//! `cargo xtask setup`: installs what is missing, and only that, so it is fast
//! the second time. Every tool comes from a package registry; nothing downloads
//! a prebuilt binary or a browser at run time.

use std::path::PathBuf;

use crate::run::{cmd, output_line, root, status, step};

/// binaryen before 110 rebinds wasm-bindgen's externref table and the release page dies at start.
const MIN_WASM_OPT: u32 = 110;
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn setup() -> Result<(), String> {
    setup_build_tools()?;
    chromium()
}

/// What `cargo xtask dist` needs: the wasm target, wasm-bindgen-cli, npm's wasm-opt.
pub fn setup_build_tools() -> Result<(), String> {
    step("set-up: checking tools (installs only what is missing)");
    wasm_target()?;
    wasm_bindgen_cli()?;
    npm_packages()?;
    wasm_opt()
}

fn wasm_target() -> Result<(), String> {
    let installed = cmd("rustup", &["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed to add the wasm target: {e}"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("  ok  wasm32-unknown-unknown target");
        return Ok(());
    }
    println!("  ..  adding the wasm32-unknown-unknown target");
    status(cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]))
        .map_err(|e| format!("{e}\n  fix: run `rustup target add wasm32-unknown-unknown`"))
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
fn locked_wasm_bindgen() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
            {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

fn wasm_bindgen_cli() -> Result<(), String> {
    let version = locked_wasm_bindgen()?;
    let want = format!("wasm-bindgen {version}");
    let runner_ok = output_line("wasm-bindgen-test-runner", &["--version"])
        .is_some_and(|l| l.ends_with(&version));
    if output_line("wasm-bindgen", &["--version"]).as_deref() == Some(want.as_str()) && runner_ok {
        println!("  ok  wasm-bindgen-cli {version} (matches Cargo.lock)");
        return Ok(());
    }
    println!("  ..  installing wasm-bindgen-cli {version} to match Cargo.lock");
    // Not --locked: one locked dependency is missing from the registry mirror.
    // The fallback resolver keeps a new dependency release that needs a newer rustc out.
    let mut c = cmd(
        "cargo",
        &[
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
            "--force",
        ],
    );
    c.env("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", "fallback");
    status(c).map_err(|e| {
        format!("{e}\n  fix: run `cargo install wasm-bindgen-cli --version {version}`")
    })
}

fn npm_packages() -> Result<(), String> {
    let e2e = root().join("e2e");
    let installed = e2e.join("node_modules/.package-lock.json");
    let fresh = match (
        modified(&installed),
        modified(&e2e.join("package-lock.json")),
    ) {
        (Some(i), Some(l)) => i >= l,
        _ => false,
    };
    if fresh
        && e2e.join("node_modules/.bin/wasm-opt").exists()
        && e2e.join("node_modules/.bin/playwright").exists()
        && e2e.join("node_modules/.bin/tsc").exists()
        && e2e.join("node_modules/.bin/terser").exists()
        && e2e.join("node_modules/axe-core/axe.min.js").exists()
    {
        println!("  ok  npm packages (binaryen, terser, @playwright/test, typescript) from e2e/package-lock.json");
        return Ok(());
    }
    if output_line("npm", &["--version"]).is_none() {
        return Err("npm is not installed\n  fix: install Node.js 20 and npm (Debian: `apt-get install nodejs npm`)".into());
    }
    println!("  ..  installing npm packages from e2e/package-lock.json");
    let mut c = cmd("npm", &["ci", "--no-audit", "--no-fund"]);
    // Playwright drives Debian's Chromium; it must never download a browser.
    c.current_dir(&e2e)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    status(c).map_err(|e| {
        format!("{e}\n  fix: run `npm ci` in e2e/ with PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
    })
}

fn modified(path: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The wasm-opt first on the project's PATH must be binaryen ≥ 110.
fn wasm_opt() -> Result<(), String> {
    let line = output_line("wasm-opt", &["--version"])
        .ok_or("wasm-opt is not on PATH after the npm install")?;
    let version: u32 = line
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .ok_or_else(|| format!("cannot read the wasm-opt version from `{line}`"))?;
    if version < MIN_WASM_OPT {
        return Err(format!(
            "wasm-opt {version} is first on PATH, but {MIN_WASM_OPT}+ is needed (older binaryen breaks the release build)\n  \
             fix: run `npm ci` in e2e/ so that e2e/node_modules/.bin/wasm-opt (binaryen 132) is used"
        ));
    }
    println!("  ok  wasm-opt {version} (binaryen from npm)");
    Ok(())
}

/// Debian packages the browser tests need: Chromium and ChromeDriver, and curl
/// and python3 with `requests` for the inspector's snippets, run for real.
fn chromium() -> Result<(), String> {
    let has_requests = || {
        cmd("python3", &["-c", "import requests"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let curl = output_line("curl", &["--version"]);
    if PathBuf::from(CHROMIUM).exists()
        && PathBuf::from(CHROMEDRIVER).exists()
        && curl.is_some()
        && has_requests()
    {
        println!(
            "  ok  {}; {}; python3 with requests",
            output_line(CHROMIUM, &["--version"]).unwrap_or_else(|| "Chromium".into()),
            curl.unwrap_or_default()
                .split(" (")
                .next()
                .unwrap_or("curl")
        );
        return Ok(());
    }
    const PACKAGES: [&str; 5] = [
        "chromium",
        "chromium-driver",
        "curl",
        "python3",
        "python3-requests",
    ];
    let is_root = output_line("id", &["-u"]).as_deref() == Some("0");
    if !is_root {
        return Err(format!(
            "some of Chromium, ChromeDriver, curl, python3 and python3-requests are missing\n  \
             fix: as root, `apt-get update && apt-get install -y {}`",
            PACKAGES.join(" ")
        ));
    }
    println!("  ..  installing Debian's {}", PACKAGES.join(", "));
    status(cmd("apt-get", &["update"]))?;
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(PACKAGES);
    let mut c = cmd("apt-get", &args);
    c.env("DEBIAN_FRONTEND", "noninteractive");
    status(c).map_err(|e| format!("{e}\n  fix: `apt-get install -y {}`", PACKAGES.join(" ")))
}
