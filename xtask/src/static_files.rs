//! A tiny static file server on 127.0.0.1 for the demo site: a fixed port for
//! `serve`, a free one for tests and the bench. Every answer carries the headers
//! it is given (the strict CSP). Text and `.wasm` go out brotli- or
//! gzip-compressed when the browser accepts it, as any production host sends
//! them, so that the demo and the bench's slow-network figures load what a
//! portal's visitors load. It lives as long as the xtask process.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use crate::dist;

/// Compressed bodies, by file and encoding, kept while the file is unchanged
/// (same modification time and length): brotli at its best quality takes a
/// while on a `.wasm`. A body being compressed is waited for, not compressed twice.
type Compressed = Mutex<HashMap<(PathBuf, Encoding), (Version, Arc<OnceLock<Arc<Vec<u8>>>>)>>;

/// A file's modification time and length.
type Version = (SystemTime, u64);

/// Serves `dir` on `port` (0: any free port) and returns its base URL.
pub fn serve(dir: PathBuf, port: u16, headers: Vec<(String, String)>) -> Result<String, String> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let headers = Arc::new(headers);
    let compressed: Arc<Compressed> = Arc::default();
    // Brotli, what browsers ask for, is compressed ahead (gzip only when asked):
    // a first page load that comes sooner waits for what is under way.
    {
        let (dir, compressed) = (dir.clone(), compressed.clone());
        std::thread::spawn(move || {
            for file in files_under(&dir).into_iter().filter(|f| compressible(f)) {
                let _ = body_of(&file, Some(Encoding::Brotli), &compressed);
            }
        });
    }
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let (dir, headers, compressed) = (dir.clone(), headers.clone(), compressed.clone());
            std::thread::spawn(move || {
                let _ = answer(stream, &dir, &headers, &compressed);
            });
        }
    });
    Ok(url)
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }
}

/// The server's preferred encoding among those an `Accept-Encoding` value
/// accepts (brotli, then gzip; `q=0` refuses one).
fn preferred_encoding(accept: &str) -> Option<Encoding> {
    let accepted = |token: &str| {
        accept.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let named = parts.next().is_some_and(|n| n.eq_ignore_ascii_case(token));
            let weight = parts
                .find_map(|p| p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")))
                .map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
            named && weight > 0.0
        })
    };
    [Encoding::Brotli, Encoding::Gzip]
        .into_iter()
        .find(|e| accepted(e.token()))
}

fn compressible(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("html" | "js" | "mjs" | "wasm" | "css" | "json" | "svg")
    )
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .map_while(Result::ok)
        .flat_map(|e| {
            // The entry's own type: a symbolic link is not followed (nor looped through).
            match e.file_type() {
                Ok(t) if t.is_dir() => files_under(&e.path()),
                Ok(t) if t.is_file() => vec![e.path()],
                _ => Vec::new(),
            }
        })
        .collect()
}

/// The body to send for `file`, and its encoding: compressed with `encoding`
/// when there is one (and the compressor gave something), else as it is.
fn body_of(
    file: &Path,
    encoding: Option<Encoding>,
    compressed: &Compressed,
) -> std::io::Result<(Arc<Vec<u8>>, Option<Encoding>)> {
    let metadata = std::fs::metadata(file)?;
    let version = (metadata.modified()?, metadata.len());
    let Some(encoding) = encoding else {
        return Ok((Arc::new(std::fs::read(file)?), None));
    };
    let cell = {
        let mut cache = compressed.lock().unwrap();
        let key = (file.to_path_buf(), encoding);
        match cache.get(&key) {
            Some((known, cell)) if *known == version => cell.clone(),
            _ => {
                let cell = Arc::new(OnceLock::new());
                cache.insert(key, (version, cell.clone()));
                cell
            }
        }
    };
    let body = cell.get_or_init(|| {
        Arc::new(match std::fs::read(file) {
            // Read as it was when looked at (not half-written): then compressed.
            Ok(raw) if raw.len() as u64 == version.1 => match encoding {
                Encoding::Brotli => dist::brotli(&raw),
                Encoding::Gzip => dist::gzip(&raw),
            },
            _ => Vec::new(),
        })
    });
    if body.is_empty() {
        return Ok((Arc::new(std::fs::read(file)?), None));
    }
    Ok((body.clone(), Some(encoding)))
}

fn answer(
    mut stream: TcpStream,
    dir: &Path,
    headers: &[(String, String)],
    compressed: &Compressed,
) -> std::io::Result<()> {
    let mut request_line = String::new();
    let mut reader = BufReader::new(stream.try_clone()?);
    reader.read_line(&mut request_line)?;
    // The headers: only Accept-Encoding matters here.
    let (mut line, mut accept_encoding) = (String::new(), String::new());
    while reader.read_line(&mut line)? > 2 {
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("accept-encoding") {
                accept_encoding = value.trim().to_string();
            }
        }
        line.clear();
    }
    let head_only = request_line.starts_with("HEAD ");
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let relative = path.trim_start_matches('/');
    let mut file = if relative.split('/').any(|part| part == "..") {
        dir.join("missing")
    } else {
        dir.join(relative)
    };
    if file.is_dir() {
        file = file.join("index.html");
    }
    let encoding = preferred_encoding(&accept_encoding).filter(|_| compressible(&file));
    let (status, kind, (body, encoding)) = match body_of(&file, encoding, compressed) {
        Ok(sent) => ("200 OK", content_type(&file), sent),
        Err(_) => (
            "404 Not Found",
            "text/plain",
            (Arc::new(b"not found".to_vec()), None),
        ),
    };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nVary: Accept-Encoding\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(encoding) = encoding {
        head.push_str(&format!("Content-Encoding: {}\r\n", encoding.token()));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if head_only {
        return Ok(());
    }
    stream.write_all(&body)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_is_the_best_one_the_browser_accepts() {
        let cases = [
            ("gzip, deflate, br, zstd", Some(Encoding::Brotli)),
            ("gzip, deflate", Some(Encoding::Gzip)),
            ("GZIP", Some(Encoding::Gzip)),
            ("br;q=0, gzip;q=0.5", Some(Encoding::Gzip)),
            ("br; q=0.0, gzip;q=0", None),
            ("br;q=0.1", Some(Encoding::Brotli)),
            ("identity", None),
            ("", None),
            ("xbr, gzipx", None),
        ];
        for (accept, want) in cases {
            assert_eq!(preferred_encoding(accept), want, "{accept:?}");
        }
    }

    #[test]
    fn a_compressed_body_is_the_file_and_follows_its_changes() {
        use std::io::Read;
        let dir = std::env::temp_dir().join(format!("lab-login-static-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.js");
        let compressed = Compressed::default();
        let gunzip = |body: &[u8]| {
            let mut out = String::new();
            flate2::read::GzDecoder::new(body)
                .read_to_string(&mut out)
                .unwrap();
            out
        };
        let unbrotli = |body: &[u8]| {
            let mut out = String::new();
            brotli::Decompressor::new(body, 4096)
                .read_to_string(&mut out)
                .unwrap();
            out
        };
        std::fs::write(&file, "let a = 1;".repeat(100)).unwrap();
        let (body, encoding) = body_of(&file, Some(Encoding::Gzip), &compressed).unwrap();
        assert_eq!(
            (gunzip(&body), encoding),
            ("let a = 1;".repeat(100), Some(Encoding::Gzip))
        );
        let (body, _) = body_of(&file, Some(Encoding::Brotli), &compressed).unwrap();
        assert_eq!(unbrotli(&body), "let a = 1;".repeat(100));
        // A rebuilt file is compressed again, not served from the cache.
        std::fs::write(&file, "let b = 2;").unwrap();
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(later)
            .unwrap();
        let (body, _) = body_of(&file, Some(Encoding::Gzip), &compressed).unwrap();
        assert_eq!(gunzip(&body), "let b = 2;");
        let (body, encoding) = body_of(&file, None, &compressed).unwrap();
        assert_eq!((body.as_slice(), encoding), (&b"let b = 2;"[..], None));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
