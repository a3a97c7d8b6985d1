//! `cargo xtask dist`: the bundle a portal copies, pins and trusts.
//!
//! cargo builds the wasm, wasm-bindgen-cli writes the glue, npm binaryen's
//! wasm-opt shrinks it, and this file folds the glue into one self-starting
//! entry module whose text carries the sha384 of the `.wasm` and the stylesheet
//! (terser minifies it; see `minify.rs`).
//! trunk is not used here: it would inject an inline start-up script (blocked by a
//! strict CSP) and it cannot fold the glue into the entry, so pinning the entry
//! would not pin the rest.

use std::path::{Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha384};

use crate::minify::{drop_glue_classes, minify_entry, Renames};
use crate::run::{cmd, root, status, stdout_of, step};
use crate::wasm_names::{without_custom_section, without_exports};

/// The files of a bundle, with fixed names.
pub const ENTRY: &str = "lab-login.js";
pub const WASM: &str = "lab-login.wasm";
pub const CSS: &str = "lab-login.css";
/// The hand-checked TypeScript declarations of the entry, shipped beside it.
pub const TYPES: &str = "lab-login.d.ts";
const ENTRY_TEMPLATE: &str = include_str!("entry.js");

/// One bundle flavour.
pub struct Bundle {
    pub name: &'static str,
    /// Cargo features of the `lab-login` crate.
    pub features: &'static str,
    /// Where it is written, below the repository's root.
    pub folder: &'static str,
    /// Stylesheet rules added after `style/lab-login.css`.
    pub extra_css: Option<&'static str>,
}

impl Bundle {
    pub fn dir(&self) -> PathBuf {
        root().join(self.folder)
    }
}

/// The embeddable bundle: every feature a portal uses, and no teaching.
pub const EMBEDDABLE: Bundle = Bundle {
    name: "embeddable",
    features: "",
    folder: "dist",
    extra_css: None,
};

/// The teaching bundle: the embeddable one plus the flow inspector and the demo
/// controls. Same file names, in a folder of its own beside `dist/`, so that a
/// portal copying `dist/` never ships it.
pub const TEACHING: Bundle = Bundle {
    name: "teaching",
    features: "teaching",
    folder: "dist-teaching",
    extra_css: Some("style/teaching.css"),
};

/// What the embeddable bundle must not contain: the teaching bundle's text,
/// control paths and style rules. `(file, needle)`.
pub const NOT_IN_EMBEDDABLE: [(&str, &str); 4] = [
    (WASM, "What happened on the wire"),
    (WASM, "_emulator/"),
    (WASM, "inspector.title"),
    (CSS, "lab-login__inspector"),
];

/// Checks that the embeddable bundle in `dir` carries nothing of the teaching one.
pub fn verify_no_teaching(dir: &Path) -> Result<(), String> {
    for (file, needle) in NOT_IN_EMBEDDABLE {
        let bytes = std::fs::read(dir.join(file))
            .map_err(|e| format!("cannot read {}: {e}", dir.join(file).display()))?;
        if contains(&bytes, needle.as_bytes()) {
            return Err(format!(
                "{file} contains \"{needle}\", which belongs to the teaching bundle"
            ));
        }
    }
    Ok(())
}

/// Checks that no file of the bundle in `dir` contains one of `paths`, folders
/// of the machine that built it (see [`machine_paths`]): they would make its
/// integrity values differ from one builder to the next.
pub fn verify_no_machine_paths(dir: &Path, paths: &[String]) -> Result<(), String> {
    for file in [ENTRY, WASM, CSS, TYPES] {
        let bytes = std::fs::read(dir.join(file))
            .map_err(|e| format!("cannot read {}: {e}", dir.join(file).display()))?;
        if let Some(path) = paths.iter().find(|p| contains(&bytes, p.as_bytes())) {
            return Err(format!("{file} names {path}, a folder of this machine"));
        }
    }
    Ok(())
}

/// How this machine's folders would appear in a bundle: cargo's downloads (in
/// panic locations), and the repository's sources or build output. Each ends in
/// `/` and names a folder below the one given, so a short checkout path (`/app`)
/// does not match the `/rustc/…/src/` paths every bundle carries.
pub fn machine_paths() -> Vec<String> {
    let home = crate::run::cargo_home();
    let below = |folder: &Path, sub: &str| format!("{}/{sub}/", folder.display());
    home.iter()
        .flat_map(|h| [below(h, "registry"), below(h, "git")])
        .chain([below(&root(), "src"), below(&root(), "target")])
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

pub fn dist() -> Result<(), String> {
    crate::setup::setup_build_tools()?;
    for bundle in [&EMBEDDABLE, &TEACHING] {
        let files = build(bundle)?;
        print_table(bundle, &files);
    }
    Ok(())
}

/// The release build's compiler flags: the environment's own (`RUSTFLAGS`;
/// like any flags in the environment, they make cargo ignore `rustflags` in
/// its config files, and this repository sets none there), then one that
/// writes the source paths of downloaded crates (kept in panic locations) as
/// `crate-1.2.3/src/…`, without the cargo home before them. The bundle's bytes,
/// and so its integrity values, then do not depend on where cargo keeps its
/// downloads. (The registry's folder exists by now: cargo unpacked xtask's own
/// crates there. The lock file has no git or vendored sources, whose paths
/// `cargo xtask test` would report.)
fn release_rustflags() -> String {
    let mut flags: Vec<String> = match std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        // As in cargo: set but empty means no flags.
        Ok(encoded) => encoded
            .split('\x1f')
            .filter(|f| !f.is_empty())
            .map(String::from)
            .collect(),
        Err(_) => std::env::var("RUSTFLAGS")
            .unwrap_or_default()
            .split_whitespace()
            .map(String::from)
            .collect(),
    };
    let registry = crate::run::cargo_home().map(|home| home.join("registry/src"));
    // One folder per registry index (crates.io's is `index.crates.io-<hash>`).
    let indexes = registry
        .and_then(|r| std::fs::read_dir(r).ok())
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path());
    for index in indexes {
        flags.push(format!("--remap-path-prefix={}/=", index.display()));
    }
    flags.join("\x1f")
}

/// A built file with its sizes and integrity value.
pub struct BuiltFile {
    pub path: PathBuf,
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
    pub integrity: String,
}

impl BuiltFile {
    pub fn read(path: PathBuf) -> Result<Self, String> {
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Ok(Self {
            raw: bytes.len(),
            gzip: gzip(&bytes).len(),
            brotli: brotli(&bytes).len(),
            integrity: integrity(&bytes),
            path,
        })
    }

    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Builds `bundle` into its `dist/` folder and returns its files, entry first.
pub fn build(bundle: &Bundle) -> Result<Vec<BuiltFile>, String> {
    let out = bundle.dir();
    let work = root().join("target/bundle-work").join(bundle.name);
    step(&format!(
        "building the {} bundle into {}",
        bundle.name,
        out.display()
    ));
    let mut args = vec![
        "build",
        "--quiet",
        "-p",
        "lab-login",
        "--bin",
        "lab-login",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ];
    if !bundle.features.is_empty() {
        args.extend(["--features", bundle.features]);
    }
    let mut cargo = cmd("cargo", &args);
    cargo
        .env("CARGO_ENCODED_RUSTFLAGS", release_rustflags())
        .env_remove("RUSTFLAGS");
    status(cargo)?;
    let _ = std::fs::remove_dir_all(&work);
    // Both flavours link to the same path: each build overwrites the other's.
    let built = root().join("target/wasm32-unknown-unknown/wasm-release/lab-login.wasm");
    status(cmd(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            "lab-login",
            "--out-dir",
            &work.to_string_lossy(),
            &built.to_string_lossy(),
        ],
    ))?;
    if work.join("snippets").exists() {
        return Err("the glue imports snippets; fold them into the entry before shipping".into());
    }
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for stale in [ENTRY, WASM, CSS, TYPES] {
        let _ = std::fs::remove_file(out.join(stale));
    }
    let glue = std::fs::read_to_string(work.join("lab-login.js"))
        .map_err(|e| format!("cannot read the wasm-bindgen glue: {e}"))?;
    let (glue, unused_exports) = drop_glue_classes(&glue)?;
    let bindgen_wasm = std::fs::read(work.join("lab-login_bg.wasm"))
        .map_err(|e| format!("cannot read the wasm-bindgen output: {e}"))?;
    let trimmed = work.join("lab-login_bg.trimmed.wasm");
    // Leptos links in an empty marker for wasm splitting, which this build does not use.
    let trimmed_wasm = without_custom_section(
        &without_exports(&bindgen_wasm, &unused_exports)?,
        "__wasm_split_unstable",
    )?;
    std::fs::write(&trimmed, trimmed_wasm)
        .map_err(|e| format!("cannot write {}: {e}", trimmed.display()))?;
    // -Oz, again after restructuring the control flow (flatten, rereloop) and
    // merging functions that differ only in constants: 0.9 KB gzip less than -Oz
    // alone (teaching 1.7 KB), for about 5 s. Short names for the wasm's
    // imports and exports (applied to the glue below), and none of the custom
    // sections that say which tools and wasm features built it: browsers read
    // neither.
    let renaming = stdout_of(cmd(
        "wasm-opt",
        &[
            "-Oz",
            "--flatten",
            "--rereloop",
            "-Oz",
            "--merge-similar-functions",
            "-Oz",
            "--minify-imports-and-exports-and-modules",
            "--strip-producers",
            "--strip-target-features",
            &trimmed.to_string_lossy(),
            "-o",
            &out.join(WASM).to_string_lossy(),
        ],
    ))?;
    let renames = Renames::parse(
        &renaming,
        &crate::wasm_names::import_modules(&out.join(WASM))?,
    )?;
    // The teaching bundle's stylesheet adds the inspector's rules; a portal's has none of them.
    let mut css = std::fs::read_to_string(root().join("style/lab-login.css"))
        .map_err(|e| format!("cannot read the stylesheet: {e}"))?;
    if let Some(extra) = bundle.extra_css {
        css += &std::fs::read_to_string(root().join(extra))
            .map_err(|e| format!("cannot read {extra}: {e}"))?;
    }
    std::fs::write(out.join(CSS), crate::minify::css(&css)?)
        .map_err(|e| format!("cannot write the stylesheet: {e}"))?;
    std::fs::copy(root().join("src/embed").join(TYPES), out.join(TYPES))
        .map_err(|e| format!("cannot copy the TypeScript declarations: {e}"))?;
    let wasm = BuiltFile::read(out.join(WASM))?;
    let css = BuiltFile::read(out.join(CSS))?;
    let entry = entry_module(&renames.apply(&glue)?, &wasm.integrity, &css.integrity)?;
    let entry = minify_entry(&entry, &work)?;
    std::fs::write(out.join(ENTRY), entry).map_err(|e| format!("cannot write the entry: {e}"))?;
    Ok(vec![BuiltFile::read(out.join(ENTRY))?, wasm, css])
}

/// The glue without its exports, then the start-up code with the pinned values.
pub fn entry_module(
    glue: &str,
    wasm_integrity: &str,
    css_integrity: &str,
) -> Result<String, String> {
    let mut kept = String::with_capacity(glue.len() + ENTRY_TEMPLATE.len());
    let mut saw_init = false;
    for line in glue.lines() {
        let trimmed = line.trim();
        // The glue's own exports: the entry starts itself and exports nothing of them.
        if trimmed.starts_with("export {") || trimmed.starts_with("export default") {
            saw_init |= trimmed.contains("__wbg_init");
            continue;
        }
        if trimmed.starts_with("import ") {
            return Err(format!(
                "the glue imports another module ({trimmed}); it cannot be pinned"
            ));
        }
        kept.push_str(line.strip_prefix("export ").unwrap_or(line));
        kept.push('\n');
    }
    if !saw_init || !kept.contains("__labLoginConfigFile()") {
        return Err("the wasm-bindgen glue does not look as expected (no __wbg_init, or no call of __labLoginConfigFile)".into());
    }
    Ok(kept
        + &ENTRY_TEMPLATE
            .replace("__WASM_INTEGRITY__", wasm_integrity)
            .replace("__CSS_INTEGRITY__", css_integrity))
}

/// The Subresource Integrity value of the file at `path` (no sizes: they take
/// far longer than the hash).
pub fn file_integrity(path: &Path) -> Result<String, String> {
    std::fs::read(path)
        .map(|bytes| integrity(&bytes))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The Subresource Integrity value of `bytes`.
pub fn integrity(bytes: &[u8]) -> String {
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes))
    )
}

/// `bytes` compressed as `gzip -9` does (the size table; the demo server).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes)
        .and_then(|_| e.finish())
        .unwrap_or_default()
}

/// `bytes` compressed by brotli at its best quality (the size table; the demo server).
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .map(|_| out)
        .unwrap_or_default()
}

/// The integrity values the entry file carries, by file name.
pub fn pinned_in_entry(entry: &str) -> Vec<(String, String)> {
    let mut pinned = Vec::new();
    for line in entry.lines() {
        let line = line.trim();
        let Some(rest) = line.split("name: '").nth(1) else {
            continue;
        };
        let name = rest.split('\'').next().unwrap_or("");
        if let Some(value) = line.split("integrity: '").nth(1) {
            pinned.push((
                name.to_string(),
                value.split('\'').next().unwrap_or("").to_string(),
            ));
        }
    }
    pinned
}

/// Checks a built bundle: every value pinned in the entry matches its file.
pub fn verify(dir: &Path) -> Result<usize, String> {
    let entry = std::fs::read_to_string(dir.join(ENTRY))
        .map_err(|e| format!("cannot read {}: {e}", dir.join(ENTRY).display()))?;
    let pinned = pinned_in_entry(&entry);
    if pinned.len() != 2 {
        return Err(format!("the entry pins {} files, not 2", pinned.len()));
    }
    for (name, value) in &pinned {
        let actual = file_integrity(&dir.join(name))?;
        if &actual != value {
            return Err(format!(
                "{name}: the entry pins {value}, the file is {actual}"
            ));
        }
    }
    Ok(pinned.len())
}

pub fn print_table(bundle: &Bundle, files: &[BuiltFile]) {
    let out = bundle.dir();
    println!("\n  the {} bundle, in {}:", bundle.name, out.display());
    println!(
        "  {:<16} {:>9} {:>9} {:>9}  integrity",
        "file", "raw", "gzip -9", "brotli"
    );
    let mut total = (0, 0, 0);
    for f in files {
        println!(
            "  {:<16} {:>9} {:>9} {:>9}  {}",
            f.name(),
            f.raw,
            f.gzip,
            f.brotli,
            f.integrity
        );
        total = (total.0 + f.raw, total.1 + f.gzip, total.2 + f.brotli);
    }
    println!(
        "  {:<16} {:>9} {:>9} {:>9}",
        "total", total.0, total.1, total.2
    );
    if let Some(entry) = files.first() {
        println!(
            "\n  <script type=\"module\" src=\".../{}\" integrity=\"{}\" crossorigin=\"anonymous\"></script>",
            entry.name(),
            entry.integrity
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLUE: &str = "let wasm;\nexport function x() { const ret = __labLoginConfigFile(); }\nasync function __wbg_init(m) {}\nexport { initSync };\nexport default __wbg_init;\n";

    #[test]
    fn the_entry_folds_the_glue_and_pins_both_files() {
        let entry = entry_module(GLUE, "sha384-W", "sha384-C").unwrap();
        assert!(
            !entry.contains("export default") && !entry.contains("export {"),
            "the glue's exports are gone"
        );
        let exports: Vec<&str> = entry.lines().filter(|l| l.starts_with("export ")).collect();
        assert_eq!(exports, ["export function mount(element, options = {}) {"]);
        assert!(entry.contains("function __labLoginConfigFile"));
        assert_eq!(
            pinned_in_entry(&entry),
            vec![
                (WASM.to_string(), "sha384-W".to_string()),
                (CSS.to_string(), "sha384-C".to_string())
            ]
        );
    }

    #[test]
    fn a_glue_that_imports_cannot_be_pinned() {
        let glue = format!("import * as s from './snippets/x.js';\n{GLUE}");
        assert!(entry_module(&glue, "a", "b").is_err());
        assert!(entry_module("let wasm;", "a", "b").is_err());
    }

    #[test]
    fn integrity_is_the_sri_sha384() {
        // The empty input's digest, as browsers compute it.
        assert_eq!(
            integrity(b""),
            "sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb"
        );
    }

    /// An empty folder of this test run's own.
    fn scratch_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("lab-login-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn teaching_text_in_the_embeddable_bundle_is_caught() {
        let dir = scratch_dir("noteach");
        std::fs::write(dir.join(WASM), b"\0asm ... sign in ...").unwrap();
        std::fs::write(dir.join(CSS), b".lab-login { }").unwrap();
        assert_eq!(verify_no_teaching(&dir), Ok(()));
        std::fs::write(dir.join(CSS), b".lab-login__inspector { }").unwrap();
        assert!(verify_no_teaching(&dir).unwrap_err().contains(CSS));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_folder_of_the_building_machine_in_the_bundle_is_caught() {
        let dir = scratch_dir("paths");
        let home = "/home/someone/.cargo/registry/".to_string();
        std::fs::write(dir.join(ENTRY), b"import").unwrap();
        std::fs::write(dir.join(CSS), b".lab-login { }").unwrap();
        std::fs::write(dir.join(TYPES), b"export {}").unwrap();
        std::fs::write(dir.join(WASM), b"\0asm tachys-0.8.1/src/view/mod.rs").unwrap();
        assert_eq!(
            verify_no_machine_paths(&dir, std::slice::from_ref(&home)),
            Ok(())
        );
        std::fs::write(
            dir.join(WASM),
            b"\0asm /home/someone/.cargo/registry/src/index/tachys-0.8.1/src/view/mod.rs",
        )
        .unwrap();
        let err = verify_no_machine_paths(&dir, &[home]).unwrap_err();
        assert!(
            err.contains(WASM) && err.contains("/home/someone/.cargo"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn machine_paths_are_folders_below_the_checkout_and_the_cargo_home() {
        let paths = machine_paths();
        let root = root().display().to_string();
        assert!(paths.contains(&format!("{root}/src/")), "{paths:?}");
        assert!(paths.contains(&format!("{root}/target/")), "{paths:?}");
        // Never a bare folder: `/app` must not match `/rustc/…/src/`-style paths.
        assert!(paths
            .iter()
            .all(|p| p.ends_with('/') && p.matches('/').count() >= 3));
    }

    #[test]
    fn verify_catches_a_changed_file() {
        let dir = scratch_dir("verify");
        std::fs::write(dir.join(WASM), b"wasm").unwrap();
        std::fs::write(dir.join(CSS), b"css").unwrap();
        let entry = entry_module(GLUE, &integrity(b"wasm"), &integrity(b"css")).unwrap();
        std::fs::write(dir.join(ENTRY), entry).unwrap();
        assert_eq!(verify(&dir), Ok(2));
        std::fs::write(dir.join(CSS), b"css changed").unwrap();
        assert!(verify(&dir).unwrap_err().contains(CSS));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
