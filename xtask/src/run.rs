//! Running commands: each step says what it runs, and a failure says which.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the repository")
        .to_path_buf()
}

/// `PATH` with the project's tools first: the npm `wasm-opt` must win over any
/// older one (Debian's binaryen 108 breaks the release build), then cargo's bin.
pub fn tool_path() -> String {
    let mut dirs = vec![root().join("e2e/node_modules/.bin")];
    if let Some(home) = cargo_home() {
        dirs.push(home.join("bin"));
    }
    let mut path = std::env::join_paths(dirs).unwrap().into_string().unwrap();
    if let Ok(old) = std::env::var("PATH") {
        path = format!("{path}:{old}");
    }
    path
}

/// Where cargo keeps its tools and the crates it downloaded, as an absolute
/// path (cargo, too, ignores an empty `CARGO_HOME`).
pub fn cargo_home() -> Option<PathBuf> {
    let set = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    let home = set("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| set("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    std::path::absolute(home).ok()
}

/// A command run from the repository root with the project's PATH.
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root()).env("PATH", tool_path());
    c
}

pub fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs with inherited output; an error names the command.
pub fn status(mut c: Command) -> Result<(), String> {
    println!("  $ {}", describe(&c));
    let st = c
        .status()
        .map_err(|e| format!("could not start `{}`: {e}", describe(&c)))?;
    if st.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({st})", describe(&c)))
    }
}

/// Runs with inherited stderr and returns stdout; an error names the command.
pub fn stdout_of(mut c: Command) -> Result<String, String> {
    println!("  $ {}", describe(&c));
    let out = c
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start `{}`: {e}", describe(&c)))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!("`{}` failed ({})", describe(&c), out.status))
    }
}

/// Runs and returns stdout+stderr while also echoing it, for counting test results.
pub fn tee(mut c: Command) -> (bool, String) {
    println!("  $ {}", describe(&c));
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let Ok(mut child) = c.spawn() else {
        return (false, format!("could not start `{}`", describe(&c)));
    };
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let err_thread = std::thread::spawn(move || echo_lines(err, true));
    let mut text = echo_lines(out, false);
    text.push_str(&err_thread.join().unwrap_or_default());
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    (ok, text)
}

fn echo_lines(stream: impl std::io::Read, to_stderr: bool) -> String {
    use std::io::BufRead;
    let mut all = String::new();
    for line in std::io::BufReader::new(stream)
        .lines()
        .map_while(Result::ok)
    {
        if to_stderr {
            eprintln!("{line}")
        } else {
            println!("{line}")
        }
        all.push_str(&line);
        all.push('\n');
    }
    all
}

/// The first line a command prints, or `None` if it cannot run.
pub fn output_line(program: &str, args: &[&str]) -> Option<String> {
    let out = cmd(program, args).stderr(Stdio::null()).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(|l| l.trim().to_string())
}

pub fn step(title: &str) {
    println!("\n==> {title}");
}
