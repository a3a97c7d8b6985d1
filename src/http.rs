//! The one place that sends: turns an [`HttpRequest`] into a `fetch` and the
//! answer into an [`HttpResponse`], with the transport rules of `docs/security.md`:
//! no cookies, no cache, no referrer, no redirect for anything secret, and a
//! time limit on every request.

use gloo_net::http::{Method as FetchMethod, RequestBuilder};
use web_sys::{AbortController, ReferrerPolicy, RequestCache, RequestCredentials, RequestRedirect};

use crate::providers::{ApiError, HttpRequest, HttpResponse, Method};

/// A way to cancel a request in flight (the user moved on). Dropping it does not cancel.
#[derive(Clone)]
pub struct Cancel(AbortController);

impl Cancel {
    pub fn new() -> Self {
        Self(
            AbortController::new()
                .expect("AbortController exists in every browser the widget supports"),
        )
    }

    pub fn cancel(&self) {
        self.0.abort();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.signal().aborted()
    }
}

impl Default for Cancel {
    fn default() -> Self {
        Self::new()
    }
}

/// Sends `req` and waits at most `timeout_ms` for the whole answer.
///
/// `Err(ApiError::Unreachable)` covers a down server and a CORS refusal alike
/// (page script cannot tell them apart), and a refused redirect. In the teaching
/// bundle the exchange is captured here, redacted as it is captured.
pub async fn send(
    req: &HttpRequest,
    timeout_ms: u64,
    cancel: &Cancel,
) -> Result<HttpResponse, ApiError> {
    #[cfg(feature = "teaching")]
    let started_at_ms = now_ms();
    let result = send_uncaptured(req, timeout_ms, cancel).await;
    #[cfg(feature = "teaching")]
    crate::inspector::log::record(crate::inspector::capture::capture(
        req,
        result.as_ref(),
        started_at_ms,
        now_ms().saturating_sub(started_at_ms),
    ));
    result
}

/// [`send`] without the inspector: for the demo controls' calls to the emulator,
/// which are not part of any sign-in.
pub async fn send_uncaptured(
    req: &HttpRequest,
    timeout_ms: u64,
    cancel: &Cancel,
) -> Result<HttpResponse, ApiError> {
    let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
    let _timer = {
        let (controller, timed_out) = (cancel.0.clone(), timed_out.clone());
        // Dropping the timer when the answer is in cancels it.
        gloo_timers::callback::Timeout::new(timeout_ms.min(u32::MAX as u64) as u32, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let result = fetch(req, cancel).await;
    match result {
        Err(_) if timed_out.get() => Err(ApiError::Timeout {
            after_ms: timeout_ms,
        }),
        Err(_) if cancel.is_cancelled() => Err(ApiError::Cancelled),
        other => other,
    }
}

async fn fetch(req: &HttpRequest, cancel: &Cancel) -> Result<HttpResponse, ApiError> {
    let method = match req.method {
        Method::Get => FetchMethod::GET,
        Method::Post => FetchMethod::POST,
        Method::Delete => FetchMethod::DELETE,
    };
    let redirect = if req.carries_secret() {
        RequestRedirect::Error
    } else {
        RequestRedirect::Follow
    };
    let mut builder = RequestBuilder::new(&req.url)
        .method(method)
        .credentials(RequestCredentials::Omit)
        .cache(RequestCache::NoStore)
        .referrer_policy(ReferrerPolicy::NoReferrer)
        .redirect(redirect)
        .abort_signal(Some(&cancel.0.signal()));
    for (name, value) in req.headers() {
        builder = builder.header(name, &value);
    }
    // gloo's errors can quote the request; they are dropped here, never shown.
    let request = match &req.body {
        Some((_, body)) => builder.body(body.expose()),
        None => builder.build(),
    }
    .map_err(|_| ApiError::NotSent {
        reason: "the browser refused to build the request".into(),
    })?;
    let response = request.send().await.map_err(|_| ApiError::Unreachable)?;
    let status = response.status();
    let headers = response.headers().entries().collect();
    let body = response.text().await.map_err(|_| ApiError::Unreachable)?;
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// Milliseconds since the epoch on the client clock.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
