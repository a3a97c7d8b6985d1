//! `cargo xtask bench`: what the widget costs the page that embeds it, and the
//! emulator's loopback throughput. It builds the release bundle as `dist` does,
//! drives headless Chromium through `e2e/bench/measure.mjs`, and prints one table
//! (medians with min and max, and the machine), which it also writes to
//! `docs/performance.md` and into the README between the bench markers.
//! Nothing here is a test: the bench prints, the README records.

use std::fmt::Write as _;

use serde_json::Value;

use crate::dist::{self, EMBEDDABLE, TEACHING};
use crate::emulator::{self, Emulator};
use crate::run::{cmd, root, status, step};
use crate::setup::setup;
use crate::{site, static_files, wasm_names};

const RUNS: &str = "21";
const README_START: &str = "<!-- bench:start -->";
const README_END: &str = "<!-- bench:end -->";

pub fn bench() -> Result<(), String> {
    setup()?;
    for bundle in [&TEACHING, &EMBEDDABLE] {
        let files = dist::build(bundle)?;
        dist::print_table(bundle, &files);
    }
    step("building the emulator (release)");
    emulator::build("release")?;
    let emu = Emulator::start("release", &["--quiet"], 1800)?;
    let site = site::assemble(&EMBEDDABLE.dir(), &TEACHING.dir(), &emu.url)?;
    std::fs::copy(
        root().join("e2e/bench/static-form.html"),
        site.join("static-form.html"),
    )
    .map_err(|e| format!("cannot copy the static form: {e}"))?;
    let url = static_files::serve(site, 0, vec![])?;

    step("the page in headless Chromium (this takes a few minutes)");
    // Everything on the embeddable bundle's page; the teaching page for its size.
    let mut samples = measure(&format!("{url}embed.html"), RUNS, None)?;
    samples["teachingSizes"] = measure(&url, "1", Some("sizes"))?["sizes"].take();

    let names = wasm_names::largest(
        &root().join("target/bundle-work/embeddable/lab-login_bg.wasm"),
        10,
    )?;
    let table = render(&samples, &names);
    println!("\n{table}");
    write_records(&table)?;

    step("emulator: loopback load, 10,000 requests, 100 at a time, 3 runs");
    status(cmd(
        &emulator::binary("release", "emulator-load"),
        &[&emu.url, "10000", "100", "3"],
    ))
}

/// One run of `e2e/bench/measure.mjs` on `page`: its JSON result.
fn measure(page: &str, runs: &str, sections: Option<&str>) -> Result<Value, String> {
    let mut args = vec!["bench/measure.mjs", page, runs];
    args.extend(sections);
    let mut node = cmd("node", &args);
    node.current_dir(root().join("e2e"))
        .stderr(std::process::Stdio::inherit());
    let out = node
        .output()
        .map_err(|e| format!("could not run node: {e}"))?;
    if !out.status.success() {
        return Err("the browser measurements failed (see above)".into());
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .ok_or_else(|| "the browser measurements printed no result".into())
}

/// Median, min and max of a list of numbers.
pub fn spread(xs: &[f64]) -> Option<(f64, f64, f64)> {
    if xs.is_empty() {
        return None;
    }
    let mut s = xs.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let mid = s.len() / 2;
    let median = if s.len() % 2 == 1 {
        s[mid]
    } else {
        (s[mid - 1] + s[mid]) / 2.0
    };
    Some((median, s[0], s[s.len() - 1]))
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

fn ms(v: &Value) -> String {
    match spread(&numbers(v)) {
        Some((m, lo, hi)) => format!("{m:.0} ms ({lo:.0}–{hi:.0}, n={})", numbers(v).len()),
        None => "—".into(),
    }
}

fn kb(bytes: f64) -> String {
    format!("{:.1} KB", bytes / 1000.0)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let chromium = crate::run::output_line(crate::setup::CHROMIUM, &["--version"])
        .unwrap_or_else(|| "Chromium".into());
    format!("{cores} cores, {cpu}; {chromium}, headless, loopback")
}

/// A titled table of the fetched files, one row each, and their total.
fn size_table(t: &mut String, title: &str, files: &Value) {
    let _ = writeln!(t, "{title}\n");
    let _ = writeln!(t, "| file | raw | gzip -9 | brotli |\n|---|---:|---:|---:|");
    let mut total = [0.0; 3];
    for f in files.as_array().into_iter().flatten() {
        let n = [&f["raw"], &f["gzip"], &f["brotli"]].map(|v| v.as_f64().unwrap_or(0.0));
        for (sum, v) in total.iter_mut().zip(n) {
            *sum += v;
        }
        let name = f["file"].as_str().unwrap_or("?");
        let _ = writeln!(
            t,
            "| `{}` | {} | {} | {} |",
            name.rsplit('/').next().unwrap_or("?"),
            kb(n[0]),
            kb(n[1]),
            kb(n[2])
        );
    }
    let [raw, gzip, brotli] = total.map(kb);
    let _ = writeln!(t, "| **total** | **{raw}** | **{gzip}** | **{brotli}** |\n");
}

/// The Markdown table of one bench run.
pub fn render(s: &Value, largest: &wasm_names::Largest) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "Measured by `cargo xtask bench` on {}.", machine());
    let _ = writeln!(
        t,
        "Times are medians (min–max, n runs). Sizes are what the browser fetched for a page with one widget.\n"
    );

    size_table(
        &mut t,
        "**1. What the page loads** (embeddable bundle; goal ≤ 100 KB gzip)",
        &s["sizes"],
    );
    size_table(
        &mut t,
        "**The teaching bundle** (adds the flow inspector and the demo controls; goal ≤ 150 KB gzip)",
        &s["teachingSizes"],
    );

    let st = &s["startup"];
    let ratio = match (
        spread(&numbers(&st["widget"])),
        spread(&numbers(&st["form"])),
    ) {
        (Some((w, _, _)), Some((f, _, _))) if f > 0.0 => format!("{:.2}×", w / f),
        _ => "—".into(),
    };
    let _ = writeln!(
        t,
        "**2. Start-up**: navigation → the first password input takes typing (goal: ratio ≤ 1.5). The widget's page preloads the `.wasm`, as README step 4 suggests; the server sends text and the `.wasm` compressed (brotli), as README step 2 asks.\n"
    );
    let _ = writeln!(t, "| | widget | static form | ratio |\n|---|---|---|---:|");
    let _ = writeln!(
        t,
        "| loopback | {} | {} | {ratio} |",
        ms(&st["widget"]),
        ms(&st["form"])
    );
    let _ = writeln!(
        t,
        "| 1.6 Mbit/s, 150 ms RTT | {} | {} | |",
        ms(&st["slowWidget"]),
        ms(&st["slowForm"])
    );
    let _ = writeln!(
        t,
        "| main-thread blocking at start, 4× CPU slow-down | {} | 0 ms (no script) | |\n",
        ms(&st["blocking"])
    );

    let _ = writeln!(t, "**3. Uploads, 10,000-upload account, 4× CPU slow-down** (goal: every interaction painted within 100 ms; memory flat)\n");
    let _ = writeln!(t, "| | |\n|---|---|");
    // The uploads scenario ran several times: one figure from each run.
    let runs = || s["uploads"].as_array().into_iter().flatten();
    let up = |key: &str| -> Vec<f64> { runs().filter_map(|u| u[key].as_f64()).collect() };
    let up_ms = |key: &str| ms(&Value::from(up(key)));
    let _ = writeln!(
        t,
        "| response → table painted, 10 rows | {} |",
        up_ms("paint10")
    );
    let _ = writeln!(
        t,
        "| response → table painted, 100 rows | {} |",
        up_ms("paint100")
    );
    for kind in ["paging", "sorting", "filtering"] {
        let all: Vec<f64> = runs()
            .flat_map(|u| numbers(&u["interactions"][kind]))
            .collect();
        let _ = writeln!(
            t,
            "| interaction → next paint, {kind} | {} |",
            ms(&Value::from(all))
        );
    }
    let growth = |key: &str| match spread(&up(key)) {
        Some((m, lo, hi)) => format!("{} ({}–{})", kb(m), kb(lo), kb(hi)),
        None => "—".into(),
    };
    let _ = writeln!(
        t,
        "| JS heap growth (after GC), pages 1–50, then 51–100 | {}, then {} |",
        growth("heapGrowth"),
        growth("heapGrowthNext")
    );
    let _ = writeln!(
        t,
        "| wasm `memory.buffer` growth, pages 1–50, then 51–100 | {}, then {} |\n",
        growth("wasmGrowth"),
        growth("wasmGrowthNext")
    );

    let _ = writeln!(
        t,
        "**4. Sign-in responsiveness** (goal: within one frame, 16 ms, each). Observed in the page: \
         from the key press's time stamp, and from the response's end, to just after the frame that \
         shows the change. Event Timing is the browser's own figure for the key press (rounded to \
         8 ms; 0 when under 16 ms). The static form's row is the floor on this machine: its submit \
         handler only marks it busy.\n"
    );
    let _ = writeln!(
        t,
        "| | submit → busy painted | same, Event Timing | response → signed-in painted |\n|---|---|---|---|"
    );
    for key in ["staticForm", "nomad", "nemo", "siminars", "nebula"] {
        let p = &s["signIn"][key];
        let name = if key == "staticForm" {
            "static form"
        } else {
            key
        };
        let _ = writeln!(
            t,
            "| {name} | {} | {} | {} |",
            ms(&p["submit"]),
            ms(&p["eventTiming"]),
            ms(&p["signedIn"])
        );
    }

    let _ = writeln!(
        t,
        "\n**5. The largest contributors to the `.wasm`** (code bytes before wasm-opt, from the name section)\n"
    );
    let _ = writeln!(
        t,
        "| by crate | bytes | | by function | bytes |\n|---|---:|---|---|---:|"
    );
    for i in 0..largest.crates.len().max(largest.functions.len()) {
        let c = largest.crates.get(i);
        let f = largest.functions.get(i);
        let _ = writeln!(
            t,
            "| {} | {} | | {} | {} |",
            c.map(|c| format!("`{}`", c.0)).unwrap_or_default(),
            c.map(|c| c.1.to_string()).unwrap_or_default(),
            f.map(|f| format!("`{}`", short(&f.0))).unwrap_or_default(),
            f.map(|f| f.1.to_string()).unwrap_or_default(),
        );
    }
    let _ = writeln!(
        t,
        "\nData (strings, tables, panic locations): {} bytes; code in all: {} bytes.",
        largest.data_bytes, largest.code_bytes
    );
    t
}

fn short(name: &str) -> String {
    let name = name.replace('|', "\\|");
    if name.chars().count() > 90 {
        format!("{}…", name.chars().take(90).collect::<String>())
    } else {
        name
    }
}

/// Writes the table to docs/performance.md and between the README's markers.
fn write_records(table: &str) -> Result<(), String> {
    let doc = root().join("docs/performance.md");
    std::fs::create_dir_all(root().join("docs")).map_err(|e| e.to_string())?;
    std::fs::write(
        &doc,
        format!("# Performance\n\nWritten by `cargo xtask bench`; do not edit by hand.\n\n{table}"),
    )
    .map_err(|e| format!("cannot write {}: {e}", doc.display()))?;
    let readme_path = root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).map_err(|e| e.to_string())?;
    if let (Some(a), Some(b)) = (readme.find(README_START), readme.find(README_END)) {
        let updated = format!("{}{README_START}\n{table}{}", &readme[..a], &readme[b..]);
        std::fs::write(&readme_path, updated).map_err(|e| e.to_string())?;
        println!("  wrote docs/performance.md and the README's performance section");
    } else {
        println!("  wrote docs/performance.md (the README has no bench markers)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_is_median_min_max() {
        assert_eq!(spread(&[3.0, 1.0, 2.0]), Some((2.0, 1.0, 3.0)));
        assert_eq!(spread(&[4.0, 1.0, 2.0, 3.0]), Some((2.5, 1.0, 4.0)));
        assert_eq!(spread(&[]), None);
    }
}
