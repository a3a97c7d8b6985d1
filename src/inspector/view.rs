//! The flow inspector's panel: each exchange this widget's providers made, the
//! tokens it holds explained, and the snippets to repeat each call by hand.
//! Everything it shows was redacted when captured (`capture.rs`); the token
//! cards show a token's mask and decoded claims, never the token.

use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::capture::{mask, Field, NoAnswer};
use super::log::{self, Entry};
use super::{snippets, token_view};
use crate::components::handler;
use crate::components::state::{this_widget, Widget};
use crate::display::format_duration_words;
use crate::providers::{ProviderId, Session};

/// The inspector for the providers one widget offers.
#[component]
pub fn Inspector(
    /// The widget's providers: only their exchanges are listed.
    providers: Vec<ProviderId>,
) -> impl IntoView {
    let Widget { t, sessions, .. } = this_widget();
    let entries = log::entries();

    let shown = {
        let providers = providers.clone();
        let entries = entries.clone();
        move || {
            entries
                .get()
                .into_iter()
                .filter(|e| providers.contains(&e.exchange.provider))
                .collect::<Vec<_>>()
        }
    };
    let count = Memo::new({
        let shown = shown.clone();
        move |_| shown().len()
    });

    view! {
        <details class="lab-login__inspector" part="inspector" data-testid="inspector" open=true>
            <summary class="lab-login__inspector-title">
                {t.get("inspector.title")}
                <span class="lab-login__count" data-testid="inspector-count">{count}</span>
            </summary>
            <p class="lab-login__hint">{t.get("inspector.intro")}</p>
            <Show when=move || sessions.list.with(|l| !l.is_empty())>
                <h4 class="lab-login__inspector-heading">{t.get("inspector.tokens")}</h4>
                <div data-testid="inspector-tokens">
                    {move || sessions.list.get().into_iter().map(|s| view! { <TokenCard session=s /> }).collect_view()}
                </div>
            </Show>
            <h4 class="lab-login__inspector-heading">{t.get("inspector.exchanges")}</h4>
            <Show
                when=move || { count.get() > 0 }
                fallback=move || view! { <p class="lab-login__hint" data-testid="inspector-empty">{t.get("inspector.empty")}</p> }
            >
                <ol class="lab-login__exchanges">
                    <For each=shown.clone() key=|e| e.id let:entry>
                        <ExchangeRow entry=entry />
                    </For>
                </ol>
            </Show>
        </details>
    }
}

/// One exchange: a one-line summary that opens onto the request, the answer and the snippets.
#[component]
fn ExchangeRow(entry: Arc<Entry>) -> impl IntoView {
    let t = this_widget().t;
    let ex = &entry.exchange;
    let status = ex.status().map(|s| s.to_string());
    let outcome_label = status.clone().unwrap_or_else(|| "—".into());

    let mut request = format!("{} {}\n", ex.method.as_str(), ex.url);
    for (name, value) in &ex.request_headers {
        request += &format!("{name}: {value}\n");
    }
    let body = ex.request_body.as_ref();
    let request_body = body.map_or_else(|| t.get("inspector.no-body"), |b| b.shown());
    let digest_note = body
        .and_then(|b| b.field("password"))
        .is_some_and(|f| *f == Field::Digest);
    let apitoken_note = body.and_then(|b| b.field("apitoken")).is_some();

    let (response_head, response_body, cut) = match &ex.outcome {
        Ok(r) => {
            let mut head = format!("HTTP {}\n", r.status);
            for (name, value) in &r.headers {
                head += &format!("{name}: {value}\n");
            }
            (head, r.body.clone(), r.cut)
        }
        Err(why) => {
            let sentence = match why {
                NoAnswer::Timeout { after_ms } => t.fmt(
                    "inspector.no-answer.timeout",
                    &[("secs", &(after_ms / 1000).to_string())],
                ),
                NoAnswer::Unreachable => t.get("inspector.no-answer.unreachable"),
                NoAnswer::Cancelled => t.get("inspector.no-answer.cancelled"),
                NoAnswer::NotSent => t.get("inspector.no-answer.not-sent"),
            };
            (sentence, String::new(), false)
        }
    };
    let answered = ex.outcome.is_ok();
    let curl = snippets::curl(ex);
    let python = snippets::python(ex);
    let copied = RwSignal::new(None::<String>);
    let copy = move |text: String| {
        spawn_local(async move {
            let written = wasm_bindgen_futures::JsFuture::from(
                window().navigator().clipboard().write_text(&text),
            )
            .await;
            copied.try_set(Some(t.get(if written.is_ok() {
                "inspector.copied"
            } else {
                "inspector.copy-failed"
            })));
        });
    };
    let (copy_curl, copy_python) = {
        let (c, p) = (curl.clone(), python.clone());
        (move |_| copy(c.clone()), move |_| copy(p.clone()))
    };
    let path = snippets::path_of(&ex.url).to_string();

    view! {
        <li class="lab-login__exchange" data-testid="exchange" data-provider=ex.provider.key()
            data-status=status.unwrap_or_default()>
            <details>
                <summary>
                    <span class="lab-login__provider-tag">{ex.provider.display_name()}</span>" "
                    <code class="lab-login__method">{ex.method.as_str()}</code>" "
                    <code class="lab-login__path">{path}</code>
                    " → "<strong data-testid="exchange-status">{outcome_label}</strong>
                    " · "{t.fmt("inspector.took", &[("ms", &ex.elapsed_ms.to_string())])}
                </summary>
                <h5>{t.get("inspector.request")}</h5>
                <pre class="lab-login__wire" data-testid="request-head">{request}</pre>
                <pre class="lab-login__wire" data-testid="request-body">{request_body}</pre>
                {digest_note.then(|| view! { <p class="lab-login__hint" data-testid="digest-note">{t.get("inspector.digest")}</p> })}
                {apitoken_note.then(|| view! { <p class="lab-login__hint">{t.get("inspector.apitoken")}</p> })}
                <h5>{t.get("inspector.response")}</h5>
                <pre class="lab-login__wire" data-testid="response-head">{response_head}</pre>
                {answered.then(|| view! {
                    <pre class="lab-login__wire" data-testid="response-body">{response_body}</pre>
                    {cut.then(|| view! { <p class="lab-login__hint">{t.get("inspector.cut")}</p> })}
                    <p class="lab-login__hint">{t.get("inspector.readable-headers")}</p>
                })}
                <h5>{t.get("inspector.snippets")}</h5>
                <p class="lab-login__hint">{t.get("inspector.snippets-note")}</p>
                <div class="lab-login__copy">
                    <button type="button" part="button" class="lab-login__secondary" data-testid="copy-curl" on:click=handler(copy_curl)>
                        {t.get("inspector.copy-curl")}
                    </button>
                    <button type="button" part="button" class="lab-login__secondary" data-testid="copy-python" on:click=handler(copy_python)>
                        {t.get("inspector.copy-python")}
                    </button>
                    <span role="status" data-testid="copied">{move || copied.get()}</span>
                </div>
                <details class="lab-login__snippet">
                    <summary>"curl"</summary>
                    <pre class="lab-login__wire" data-testid="snippet-curl">{curl}</pre>
                </details>
                <details class="lab-login__snippet">
                    <summary>"Python (requests)"</summary>
                    <pre class="lab-login__wire" data-testid="snippet-python">{python}</pre>
                </details>
            </details>
        </li>
    }
}

/// What a new user should know about one token; the token itself is not in it.
#[component]
fn TokenCard(session: Session) -> impl IntoView {
    let Widget { t, sessions, .. } = this_widget();
    let jwt = token_view::decode(session.token.expose());
    let masked = mask(session.token.expose());
    let kept = match token_view::storage_place(&session) {
        Some(key) => t.fmt("inspector.token.storage", &[("key", &key)]),
        None => t.get("inspector.token.memory"),
    };
    let basis = t.get(token_view::basis_key(session.expiry_basis));
    let when = move |at_ms: u64| {
        let now = sessions.now.get();
        let secs = at_ms.abs_diff(now) / 1000;
        let span = t.with(|m| format_duration_words(m, secs));
        let relative = match secs {
            0 => t.get("time.just-now"),
            _ if at_ms >= now => t.fmt("time.in", &[("span", &span)]),
            _ => t.fmt("time.ago", &[("span", &span)]),
        };
        format!("{} ({relative})", token_view::utc_date(at_ms))
    };
    let expires = session.expires_at_ms;
    let rows = |claims: Vec<token_view::Claim>| {
        claims
            .into_iter()
            .map(|c| {
                let shown = match c.at_ms {
                    Some(at) => Either::Left(move || format!("{} = {}", c.value, when(at))),
                    None => Either::Right(c.value),
                };
                view! { <dt>{c.name}</dt><dd>{shown}</dd> }
            })
            .collect_view()
    };
    let decoded = match jwt {
        Some(jwt) => Either::Left(view! {
            <p class="lab-login__inspector-sub">{t.get("inspector.token.header")}</p>
            <dl class="lab-login__claims" data-testid="jwt-header">{rows(jwt.header)}</dl>
            <p class="lab-login__inspector-sub">{t.get("inspector.token.claims")}</p>
            <dl class="lab-login__claims" data-testid="jwt-claims">{rows(jwt.claims)}</dl>
        }),
        None => Either::Right(
            view! { <p class="lab-login__hint" data-testid="jwt-opaque">{t.get("inspector.token.opaque")}</p> },
        ),
    };
    view! {
        <section class="lab-login__token" data-testid=format!("token-{}", session.provider.key())>
            <h5>{session.provider.display_name()}</h5>
            <dl class="lab-login__claims">
                <dt>{t.get("inspector.token.shown")}</dt><dd><code>{masked}</code></dd>
                <dt>{t.get("inspector.token.expires")}</dt>
                <dd data-testid="token-expires">{move || match expires {
                    Some(at) => when(at),
                    None => t.get("inspector.token.never"),
                }}</dd>
                <dt>{t.get("inspector.token.why")}</dt><dd data-testid="token-basis">{basis}</dd>
                <dt>{t.get("inspector.token.kept")}</dt><dd data-testid="token-kept">{kept}</dd>
            </dl>
            {decoded}
        </section>
    }
}
