//! A bounded loopback load test of a running emulator: sign-ins and uploads
//! pages, `concurrency` at a time, every answer checked. It stops by itself
//! after `total` requests.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

type HttpClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

pub struct LoadReport {
    pub requests: usize,
    pub failures: usize,
    pub elapsed: Duration,
    /// The first few failures, for the log.
    pub examples: Vec<String>,
}

impl LoadReport {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

async fn call(
    client: &HttpClient,
    method: Method,
    url: &str,
    content_type: &str,
    body: &str,
    bearer: Option<&str>,
) -> Result<(u16, Value), String> {
    let mut req = Request::builder().method(method).uri(url);
    if !content_type.is_empty() {
        req = req.header("content-type", content_type);
    }
    if let Some(token) = bearer {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    let req = req
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|e| e.to_string())?;
    let resp = tokio::time::timeout(Duration::from_secs(30), client.request(req))
        .await
        .map_err(|_| "timed out".to_string())?
        .map_err(|e| format!("request failed: {e}"))?;
    let status = resp.status().as_u16();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("body failed: {e}"))?
        .to_bytes();
    let value = serde_json::from_slice(&bytes).map_err(|_| format!("HTTP {status}: not JSON"))?;
    Ok((status, value))
}

/// One request of the mix, chosen by `i`, with its answer checked.
async fn one(client: &HttpClient, base: &str, token: &str, i: usize) -> Result<(), String> {
    let check = |ok: bool, what: &str| if ok { Ok(()) } else { Err(what.to_string()) };
    match i % 4 {
        0 => {
            let (s, v) = call(
                client,
                Method::POST,
                &format!("{base}/nomad/api/v1/auth/token"),
                "application/x-www-form-urlencoded",
                "grant_type=password&username=ada&password=ada-demo-pw",
                None,
            )
            .await?;
            check(s == 200 && v["access_token"].is_string(), "NOMAD sign-in")
        }
        1 => {
            let page = i / 4 % 400 + 1;
            let (s, v) = call(
                client,
                Method::GET,
                &format!("{base}/nomad/api/v1/uploads?page_size=25&page={page}&order=desc"),
                "",
                "",
                Some(token),
            )
            .await?;
            check(
                s == 200
                    && v["data"].as_array().map(Vec::len) == Some(25)
                    && v["pagination"]["total"] == 10_000,
                "NOMAD uploads page",
            )
        }
        2 => {
            let (s, v) = call(client, Method::POST, &format!("{base}/siminars/authtoken"), "application/json",
                r#"{"email":"piyush@siminars.com","password":"9f80d0bd2cdbbb89ac0287643a39bed2","apitoken":"2"}"#, None).await?;
            check(
                s == 201 && v["data"]["authtoken"].is_string(),
                "Siminars sign-in",
            )
        }
        _ => {
            let (s, v) = call(
                client,
                Method::POST,
                &format!("{base}/nebula/api/v1/login"),
                "application/x-www-form-urlencoded",
                "username=demo%40nebula.example&password=wrong",
                None,
            )
            .await?;
            check(s == 401 && v["status"] == "failed", "Nebula wrong password")
        }
    }
}

/// Runs `total` requests against the emulator at `base`, `concurrency` at a time.
pub async fn run(base: &str, total: usize, concurrency: usize) -> Result<LoadReport, String> {
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(concurrency)
        .build_http();
    let (_, login) = call(
        &client,
        Method::POST,
        &format!("{base}/nomad/api/v1/auth/token"),
        "application/x-www-form-urlencoded",
        "grant_type=password&username=bulk&password=bulk-demo-pw",
        None,
    )
    .await?;
    let token = login["access_token"]
        .as_str()
        .ok_or("could not sign in as bulk")?
        .to_string();
    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(std::sync::Mutex::new(Vec::new()));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (client, base, token, next, failures) = (
            client.clone(),
            base.to_string(),
            token.clone(),
            next.clone(),
            failures.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                if let Err(e) = one(&client, &base, &token, i).await {
                    failures.lock().unwrap().push(format!("request {i}: {e}"));
                }
            }
        }));
    }
    for w in workers {
        w.await.map_err(|e| e.to_string())?;
    }
    let elapsed = started.elapsed();
    let failures = failures.lock().unwrap();
    Ok(LoadReport {
        requests: total,
        failures: failures.len(),
        elapsed,
        examples: failures.iter().take(5).cloned().collect(),
    })
}
