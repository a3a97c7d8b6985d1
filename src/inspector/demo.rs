//! The demo controls of one provider's tab, only when `lab-login.json` names the
//! emulator: fill the form with a demo account, make its next token short, revoke
//! its sessions on the server, or make the next call fail. Each goes to one of the
//! emulator's control endpoints and names an account; none carries a token.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use wasm_bindgen::JsCast;

use super::capture::{looks_like_token, mask};
use crate::components::state::{this_widget, Widget};
use crate::components::{handler, reactive};
use crate::http::{send_uncaptured, Cancel};
use crate::json::object;
use crate::providers::{endpoint, BodyEncoding, HttpRequest, Method, ProviderId};

/// One demo account the emulator lists. Not `Debug`: it holds a password.
#[derive(Clone, PartialEq)]
pub struct DemoAccount {
    /// The provider's key (`nomad`).
    provider: String,
    username: String,
    password: String,
    note: String,
}

/// The failures a new user can ask for: the emulator's fault name and its label.
const FAILURES: [(&str, &str); 5] = [
    ("429", "demo.fail.429"),
    ("500", "demo.fail.500"),
    ("503", "demo.fail.503"),
    ("never-ends", "demo.fail.timeout"),
    ("html500", "demo.fail.html"),
];

/// Sends one control request; the emulator's `detail` on refusal.
async fn control(
    emulator: &str,
    provider: ProviderId,
    path: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let url = endpoint(emulator, path);
    let request = match body {
        Some(body) => {
            HttpRequest::get(provider, url).with_json(Method::Post, BodyEncoding::Json, &body)
        }
        None => HttpRequest::get(provider, url),
    };
    let response = send_uncaptured(&request, 10_000, &Cancel::new())
        .await
        .map_err(|_| "the emulator did not answer".to_string())?;
    let value = crate::json::parse(&response.body).unwrap_or(Value::Null);
    if response.is_success() {
        Ok(value)
    } else {
        Err(value
            .get("detail")
            .and_then(Value::as_str)
            .unwrap_or("it refused")
            .to_string())
    }
}

/// The emulator's demo accounts, fetched once for a widget's every tab: a signal
/// filled by one task, not a `LocalResource` (its async machinery costs the
/// teaching bundle about 10 KB gzip).
#[derive(Clone, Copy)]
pub struct DemoAccounts(RwSignal<Vec<DemoAccount>>);

impl DemoAccounts {
    pub fn load(emulator: String) -> Self {
        let all = RwSignal::new(Vec::new());
        spawn_local(async move {
            let fetched = accounts(emulator).await;
            // The widget may be gone by now.
            all.try_set(fetched);
        });
        Self(all)
    }

    /// The accounts of `provider`, once they have arrived.
    fn of(&self, provider: ProviderId) -> Vec<DemoAccount> {
        self.0.with(|all| {
            all.iter()
                .filter(|a| a.provider == provider.key())
                .cloned()
                .collect()
        })
    }
}

/// The demo accounts that sign in with a password.
async fn accounts(emulator: String) -> Vec<DemoAccount> {
    // The list covers every provider; a request is tagged with one all the same.
    let Ok(value) = control(&emulator, ProviderId::Nomad, "_emulator/accounts", None).await else {
        return Vec::new();
    };
    let text = |a: &Value, k: &str| {
        a.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    value
        .get("accounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|a| !text(a, "username").starts_with('('))
        .map(|a| DemoAccount {
            provider: text(a, "key"),
            username: text(a, "username"),
            password: text(a, "password"),
            // A note may quote the account's key: shown masked, like everywhere else.
            note: text(a, "note")
                .split(' ')
                .map(|w| {
                    if looks_like_token(w) {
                        mask(w)
                    } else {
                        w.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect()
}

/// The path of a base URL (`/nomad/api/v1`): where a fault is armed.
fn base_path(base_url: &str) -> String {
    web_sys::Url::new(base_url)
        .map(|u| u.pathname())
        .unwrap_or_else(|_| "/".into())
}

/// Sets a form field's value the way typing would, so the form sees it.
fn fill(field: Option<web_sys::Element>, value: &str) {
    if let Some(input) = field.and_then(|f| f.dyn_into::<web_sys::HtmlInputElement>().ok()) {
        input.set_value(value);
        if let Ok(event) = web_sys::Event::new("input") {
            let _ = input.dispatch_event(&event);
        }
    }
}

/// The demo controls for one provider's tab.
#[component]
pub fn DemoControls(
    provider: ProviderId,
    /// The emulator's base URL, from `lab-login.json`.
    emulator: String,
    /// Its demo accounts, shared by the widget's tabs.
    accounts: DemoAccounts,
) -> impl IntoView {
    let Widget {
        t,
        sessions,
        config,
        ..
    } = this_widget();
    let status = RwSignal::new(None::<String>);
    let chosen = RwSignal::new(String::new());
    let failure = RwSignal::new(FAILURES[0].0.to_string());
    let root = NodeRef::<leptos::html::Section>::new();
    let emulator = StoredValue::new(emulator);
    let signed_in = move || sessions.has(provider);

    // Asks the emulator for one thing; the status line says what came of it.
    let ask = move |path: &'static str, body: Value, done: String| {
        spawn_local(async move {
            let result = control(&emulator.get_value(), provider, path, Some(body)).await;
            // The widget may be gone by now: read its wording only if it is not.
            let shown = match result {
                Ok(_) => Some(done),
                Err(why) => {
                    t.0.try_with_value(|m| m.fmt("demo.refused", &[("why", &why)]))
                }
            };
            if let Some(shown) = shown {
                status.try_set(Some(shown));
            }
        });
    };
    let on_fill = move |_| {
        let name = chosen.get_untracked();
        let account = untrack(|| accounts.of(provider))
            .into_iter()
            .find(|a| a.username == name);
        let (Some(account), Some(root)) = (account, root.get_untracked()) else {
            return;
        };
        let panel = root.closest(".lab-login__panel").ok().flatten();
        let find = |sel: &str| {
            panel
                .as_ref()
                .and_then(|p| p.query_selector(sel).ok().flatten())
        };
        fill(find("input[name=username]"), &account.username);
        fill(find("input[name=password]"), &account.password);
        status.set(Some(t.get("demo.filled")));
    };
    let on_short = move |_| {
        let account = chosen.get_untracked();
        let done = t.fmt("demo.short-done", &[("account", &account)]);
        let body = object([
            ("provider", provider.key().into()),
            ("account", account.into()),
            ("seconds", 30.into()),
        ]);
        ask("_emulator/short-session", body, done);
    };
    let on_revoke = move |_| {
        let Some(session) = sessions.get(provider) else {
            return;
        };
        // The account is named, never proven: the token stays in the widget.
        let Some(account) = session.user.email.clone().or(session.user.id.clone()) else {
            status.set(Some(t.get("demo.revoke-none")));
            return;
        };
        let done = t.fmt("demo.revoke-done", &[("account", &account)]);
        ask(
            "_emulator/revoke",
            object([
                ("provider", provider.key().into()),
                ("account", account.into()),
            ]),
            done,
        );
    };
    let on_fail = move |_| {
        let base = config.with_value(|c| c.base_url(provider).map(str::to_string));
        let Some(base) = base else { return };
        let body = object([
            ("fault", failure.get_untracked().into()),
            ("path_prefix", base_path(&base).into()),
            ("count", 1.into()),
        ]);
        let done = t.fmt("demo.fail-done", &[("provider", provider.display_name())]);
        ask("_emulator/faults", body, done);
    };
    // Revoking matters where the widget makes another call with the token.
    let can_revoke = matches!(provider, ProviderId::Nomad | ProviderId::Nebula);
    let can_shorten = provider != ProviderId::Siminars;
    let id = move |part: &str| format!("lab-login-demo-{}-{part}", provider.key());

    view! {
        <section class="lab-login__demo" part="demo" node_ref=root data-testid=format!("demo-{}", provider.key())
            aria-label=t.get("demo.title")>
            <h4>{t.get("demo.title")}</h4>
            <p class="lab-login__hint">{t.get("demo.intro")}</p>
            <Show when=move || !signed_in()>
                <div class="lab-login__demo-row">
                    <label for=id("account")>{t.get("demo.account")}</label>
                    <select id=id("account") data-testid="demo-account"
                        on:change=handler(move |ev| chosen.set(event_target_value(&ev)))>
                        <option value="">{t.get("demo.choose")}</option>
                        {move || accounts.of(provider).into_iter().map(|a| {
                            let label = if a.note.is_empty() { a.username.clone() } else { format!("{} ({})", a.username, a.note) };
                            view! { <option value=a.username.clone()>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="lab-login__demo-row">
                    <button type="button" part="button" class="lab-login__secondary" data-testid="demo-fill"
                        disabled=reactive(move || chosen.get().is_empty()) on:click=handler(on_fill)>{t.get("demo.fill")}</button>
                    {can_shorten.then(|| view! {
                        <button type="button" part="button" class="lab-login__secondary" data-testid="demo-short"
                            disabled=reactive(move || chosen.get().is_empty()) on:click=handler(on_short)>{t.get("demo.short")}</button>
                    })}
                </div>
            </Show>
            {can_revoke.then(|| view! {
                <Show when=signed_in>
                    <div class="lab-login__demo-row">
                        <button type="button" part="button" class="lab-login__secondary" data-testid="demo-revoke"
                            on:click=handler(on_revoke)>{t.get("demo.revoke")}</button>
                    </div>
                </Show>
            })}
            <div class="lab-login__demo-row">
                <label for=id("failure")>{t.get("demo.fail-with")}</label>
                <select id=id("failure") data-testid="demo-failure" on:change=handler(move |ev| failure.set(event_target_value(&ev)))>
                    {FAILURES.iter().map(|(fault, label)| view! { <option value=*fault>{t.get(label)}</option> }).collect_view()}
                </select>
                <button type="button" part="button" class="lab-login__secondary" data-testid="demo-fail" on:click=handler(on_fail)>
                    {t.get("demo.fail")}
                </button>
            </div>
            <p class="lab-login__hint" role="status" data-testid="demo-status">{move || status.get()}</p>
        </section>
    }
}
