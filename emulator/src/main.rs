//! The emulator binary: parse flags, bind 127.0.0.1, print the demo accounts, serve.

use std::time::Duration;

use emulator::accounts::Accounts;
use emulator::faults::FAULT_NAMES;
use emulator::{router, EmulatorConfig, Fault, NomadVersion};

const USAGE: &str = "usage: emulator [options]
  --port N                 port on 127.0.0.1 (0 = any free port; default 8787)
  --nomad-version V        1.3, 1.4.0 (1.4.0 to 1.4.2) or 1.4 (default, 1.4.3+)
  --nomad-token-secs S     NOMAD access token lifetime (default 300)
  --nemo-token-secs S      NeMO token lifetime (default 86400)
  --nebula-token-secs S    Nebula token lifetime (default 7200)
  --token-secs S           all three lifetimes at once
  --nemo-expire-at-ms      send NeMO's expireAt in milliseconds (default seconds)
  --fault F                apply a fault to every provider request
  --stop-after S           exit by itself after S seconds
  --quiet                  print only the listening line";

fn parse() -> Result<(EmulatorConfig, u16, Option<u64>, bool), String> {
    let mut config = EmulatorConfig::default();
    let (mut port, mut stop_after, mut quiet) = (8787u16, None, false);
    let mut args = std::env::args().skip(1);
    let secs = |v: Option<String>, flag: &str| -> Result<u64, String> {
        v.and_then(|v| v.parse().ok())
            .filter(|s| *s >= 1)
            .ok_or_else(|| format!("{flag} needs a whole number of seconds ≥ 1"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                port = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--port needs a number from 0 to 65535")?
            }
            "--nomad-version" => {
                config.nomad_version = args
                    .next()
                    .as_deref()
                    .and_then(NomadVersion::parse)
                    .ok_or("--nomad-version is 1.3, 1.4.0 or 1.4")?
            }
            "--nomad-token-secs" => config.lifetimes.nomad = secs(args.next(), &arg)?,
            "--nemo-token-secs" => config.lifetimes.nemo = secs(args.next(), &arg)?,
            "--nebula-token-secs" => config.lifetimes.nebula = secs(args.next(), &arg)?,
            "--token-secs" => {
                let s = secs(args.next(), &arg)?;
                config.lifetimes = emulator::Lifetimes {
                    nomad: s,
                    nemo: s,
                    nebula: s,
                };
            }
            "--nemo-expire-at-ms" => config.nemo_expire_at_ms = true,
            "--fault" => {
                config.fault = Some(
                    args.next()
                        .as_deref()
                        .and_then(Fault::parse)
                        .ok_or(format!("--fault is one of: {FAULT_NAMES}"))?,
                )
            }
            "--stop-after" => stop_after = Some(secs(args.next(), &arg)?),
            "--quiet" => quiet = true,
            "--help" | "-h" => return Err(USAGE.into()),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    Ok((config, port, stop_after, quiet))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let (config, port, stop_after, quiet) = match parse() {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return std::process::ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e} (try --port 0 for any free port)");
            return std::process::ExitCode::FAILURE;
        }
    };
    let addr = listener
        .local_addr()
        .expect("a bound socket has an address");
    // The first line is read by `cargo xtask`: keep its shape.
    println!("lab-login emulator listening on http://{addr}");
    if !quiet {
        println!(
            "  NOMAD {} at /nomad/api/v1, NeMO at /nemo/v1, Siminars at /siminars (apitoken 2), Nebula at /nebula/api/v1",
            config.nomad_version.version_string()
        );
        if let Some(fault) = config.fault {
            println!("  every request gets the fault {fault:?}");
        }
        println!("  demo accounts:");
        for (provider, user, password, note) in Accounts::describe() {
            println!("    {provider:<13} {user:<24} {password:<16} {note}");
        }
    }
    let shutdown = async move {
        let stop = async {
            match stop_after {
                Some(s) => tokio::time::sleep(Duration::from_secs(s)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = stop => {}
        }
    };
    match axum::serve(listener, router(config))
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("the server stopped: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
