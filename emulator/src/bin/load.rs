//! `emulator-load URL [REQUESTS] [CONCURRENCY] [RUNS]`: a bounded loopback load
//! test of a running emulator. Prints requests per second for each run and the
//! median; exits non-zero if any answer was wrong.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(base) = args
        .first()
        .filter(|u| u.starts_with("http://127.") || u.starts_with("http://localhost"))
    else {
        eprintln!("usage: emulator-load http://127.0.0.1:PORT [requests=10000] [concurrency=100] [runs=1] (loopback only)");
        return std::process::ExitCode::from(2);
    };
    let number =
        |i: usize, default: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (total, concurrency, runs) = (
        number(1, 10_000).min(1_000_000),
        number(2, 100).min(1000),
        number(3, 1).clamp(1, 20),
    );
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let mut rates = Vec::new();
    let mut failed = 0;
    for run in 1..=runs {
        match runtime.block_on(emulator::load::run(
            base.trim_end_matches('/'),
            total,
            concurrency,
        )) {
            Ok(report) => {
                println!(
                    "run {run}: {} requests, {} at a time, {} failures, {:.2} s, {:.0} requests/s",
                    report.requests,
                    concurrency,
                    report.failures,
                    report.elapsed.as_secs_f64(),
                    report.per_second()
                );
                for e in &report.examples {
                    println!("  failure: {e}");
                }
                failed += report.failures;
                rates.push(report.per_second());
            }
            Err(e) => {
                eprintln!("run {run}: could not run: {e}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    rates.sort_by(|a, b| a.total_cmp(b));
    println!(
        "median: {:.0} requests/s over {runs} run(s); {failed} failed answers",
        rates[rates.len() / 2]
    );
    if failed == 0 {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
