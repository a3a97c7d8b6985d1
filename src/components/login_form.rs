//! The sign-in form for one provider. The password is read from its input at
//! submit time (never held in a signal) and the input is emptied after every
//! attempt; errors appear in a live region that takes focus. After a rate
//! limit, or three wrong passwords in a row, the form waits before it sends again.

use super::{after_next_paint, handler, reactive};
use leptos::either::EitherOf3;
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::{this_widget, Widget};
use crate::client;
use crate::config::Config;
use crate::display::{backoff_after_failures, error_message, format_duration_words, host_of};
use crate::http::now_ms;
use crate::providers::nebula::ApiKey;
use crate::providers::nomad::{PastedToken, PERSONAL_TOKEN_CAP_MS};
use crate::providers::{ApiError, ProviderId};

/// Without a readable `Retry-After` (it is hidden cross-origin unless exposed), wait this long.
const DEFAULT_RATE_LIMIT_SECS: u64 = 30;

/// What one submit asks for. Deliberately not `Debug`: it holds a password.
enum Attempt {
    Password { username: String, password: String },
    Key(ApiKey),
    NomadToken(PastedToken),
}

#[component]
pub fn LoginForm(
    /// The provider this form signs in to.
    provider: ProviderId,
) -> impl IntoView {
    let Widget {
        config,
        sessions,
        id: widget,
        host: host_hooks,
        t,
    } = this_widget();
    let key = provider.key();
    let field_id = move |field: &str| widget.id(&format!("{key}-{field}"));
    let page_host = window().location().host().unwrap_or_default();
    let base_url = config.with_value(|c| c.base_url(provider).unwrap_or_default().to_string());
    let host = host_of(&base_url, &page_host);
    let insecure = Config::is_insecure(&base_url);
    let forgot_password =
        config.with_value(|c| c.forgot_password_url(provider).map(str::to_string));

    let username_ref = NodeRef::<html::Input>::new();
    let password_ref = NodeRef::<html::Input>::new();
    let key_ref = NodeRef::<html::Input>::new();
    let error_ref = NodeRef::<html::Div>::new();
    let show_password = RwSignal::new(false);
    let caps_lock = RwSignal::new(false);
    let use_key = RwSignal::new(false);
    // Our own sentence: the provider's words go to the flow inspector only.
    let error = RwSignal::new(None::<String>);
    // Wrong-credential answers in a row, and when the form may send again (client ms).
    let failures = RwSignal::new(0u32);
    let wait_until = RwSignal::new(None::<u64>);
    let waiting_secs = move || {
        let now = sessions.now.get();
        wait_until
            .get()
            .filter(|until| *until > now)
            .map(|until| (until - now).div_ceil(1000))
    };

    let host_for_errors = host.clone();
    // What a finished attempt changes on screen. Not called once the form is gone.
    let settle = move |result: Result<crate::providers::Session, ApiError>| match result {
        Ok(session) => {
            error.set(None);
            failures.set(0);
            wait_until.set(None);
            sessions.add(session);
        }
        Err(err) => {
            let pasted_token = provider == ProviderId::Nomad && use_key.get_untracked();
            let mut message = match &err {
                ApiError::WrongCredentials { .. } if pasted_token => t.get("form.token-refused"),
                _ => t.with(|m| error_message(m, provider, &host_for_errors, &err)),
            };
            match &err {
                ApiError::WrongCredentials { .. } => {
                    let n = failures.get_untracked() + 1;
                    failures.set(n);
                    if let Some(secs) = backoff_after_failures(n) {
                        wait_until.set(Some(now_ms() + secs * 1000));
                        let wait = t.with(|m| format_duration_words(m, secs));
                        message.push_str(&t.fmt(
                            "form.slow-down",
                            &[
                                ("n", &n.to_string()),
                                ("wait", &wait),
                                ("provider", provider.display_name()),
                            ],
                        ));
                    }
                }
                ApiError::RateLimited { retry_after_secs } => {
                    let secs = retry_after_secs.unwrap_or(DEFAULT_RATE_LIMIT_SECS).max(1);
                    wait_until.set(Some(now_ms() + secs * 1000));
                }
                _ => {}
            }
            error.set(Some(message.clone()));
            // After the message has rendered: an empty region is not displayed and cannot take focus.
            request_animation_frame(move || {
                if let Some(el) = error_ref.try_get_untracked().flatten() {
                    let _ = el.focus();
                }
            });
            // Last: the host's listener may unmount the widget.
            host_hooks.error(provider, &err, &message);
        }
    };
    // One attempt at a time: the form is busy until it has an answer. A plain
    // task and a signal, not a Leptos `Action`: its async machinery cost the
    // bundle 15 KB gzip for this one request.
    let busy = RwSignal::new(false);
    let send = move |attempt: Attempt| {
        busy.set(true);
        let (config, settle) = (config.get_value(), settle.clone());
        spawn_local(async move {
            // Hashing and starting the fetch take milliseconds: show the busy state first.
            after_next_paint().await;
            if busy.is_disposed() {
                return; // the widget went away meanwhile: nothing was sent
            }
            let result = match attempt {
                Attempt::Password { username, password } => {
                    client::sign_in(&config, provider, &username, password).await
                }
                Attempt::Key(key) => client::sign_in_with_key(&config, &key)
                    .await
                    .map(|(session, _)| session),
                Attempt::NomadToken(token) => {
                    client::sign_in_with_nomad_token(&config, &token).await
                }
            };
            // The widget may have been unmounted while the request ran.
            if busy.try_set(false).is_none() {
                settle(result);
            } else if let Ok(session) = result {
                // Nobody will sign it out: tell the server now (a Siminars token
                // lives six months there; for the others this does nothing).
                let _ = client::sign_out(&config, &session).await;
            }
        });
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || waiting_secs().is_some() {
            return;
        }
        let attempt = if use_key.get_untracked() {
            let Some(input) = key_ref.get_untracked() else {
                return;
            };
            let text = input.value();
            input.set_value("");
            if provider == ProviderId::Nomad {
                match PastedToken::parse(&text) {
                    Ok(token) => Attempt::NomadToken(token),
                    Err(_) => {
                        error.set(Some(t.get("form.bad-token")));
                        return;
                    }
                }
            } else {
                match ApiKey::parse(&text) {
                    Some(key) => Attempt::Key(key),
                    None => {
                        error.set(Some(t.get("form.bad-key")));
                        return;
                    }
                }
            }
        } else {
            let Some(input) = password_ref.get_untracked() else {
                return;
            };
            let password = input.value();
            input.set_value("");
            let username = username_ref
                .get_untracked()
                .map(|i| i.value())
                .unwrap_or_default();
            if username.trim().is_empty() || password.is_empty() {
                let what = match provider {
                    ProviderId::Nomad | ProviderId::Nemo => "form.enter-username",
                    ProviderId::Siminars | ProviderId::Nebula => "form.enter-email",
                };
                error.set(Some(t.get(what)));
                return;
            }
            Attempt::Password {
                username: username.trim().to_string(),
                password,
            }
        };
        error.set(None);
        send(attempt);
    };

    let on_key =
        move |ev: leptos::ev::KeyboardEvent| caps_lock.set(ev.get_modifier_state("CapsLock"));
    let blocked = move || busy.get() || waiting_secs().is_some();
    let name = provider.display_name();

    view! {
        <form part="form" class="lab-login__form" data-testid=format!("form-{key}") on:submit=handler(on_submit) novalidate=true
            aria-busy=reactive(move || busy.get().to_string())>
            <p class="lab-login__host" data-testid="form-host">
                {reactive(move || t.get(match (use_key.get(), provider) {
                    (false, _) => "form.sends-password",
                    (true, ProviderId::Nomad) => "form.sends-token",
                    (true, _) => "form.sends-key",
                }))}
                <strong>{host.clone()}</strong>
                {insecure.then(|| view! { <span class="lab-login__insecure" role="note">{t.get("form.insecure")}</span> })}
            </p>
            <div class="lab-login__fields" hidden=reactive(move || use_key.get())>
                <label for=field_id("user")>{t.get(user_label(provider))}</label>
                <input part="input" id=field_id("user") name="username" node_ref=username_ref
                    type=if matches!(provider, ProviderId::Siminars | ProviderId::Nebula) { "email" } else { "text" }
                    autocomplete="username" autocapitalize="none" spellcheck="false" data-testid="username" />
                <label for=field_id("password")>{t.get("form.password")}</label>
                <div class="lab-login__password">
                    <input part="input" id=field_id("password") name="password" node_ref=password_ref
                        type=reactive(move || if show_password.get() { "text" } else { "password" })
                        autocomplete="current-password" data-testid="password" on:keyup=handler(on_key) on:keydown=handler(on_key) />
                    <button type="button" class="lab-login__reveal" aria-pressed=reactive(move || show_password.get().to_string())
                        aria-controls=field_id("password") data-testid="toggle-password"
                        on:click=handler(move |_| show_password.update(|s| *s = !*s))>
                        {reactive(move || t.get(if show_password.get() { "form.hide" } else { "form.show" }))}
                        <span class="lab-login__sr">{t.get("form.password-suffix")}</span>
                    </button>
                </div>
                {move || caps_lock.get().then(|| view! {
                    <p class="lab-login__caps" data-testid="caps-lock">{t.get("form.caps-lock")}</p>
                })}
                {match forgot_password {
                    // The provider's own page, in a new tab that cannot reach back to this one.
                    Some(url) => EitherOf3::A(view! {
                        <p class="lab-login__forgot">
                            <a href=url target="_blank" rel="noopener noreferrer" data-testid="forgot-password">
                                {t.get("form.forgot")}<span class="lab-login__sr">{t.fmt("form.forgot-new-tab", &[("provider", name)])}</span>
                            </a>
                        </p>
                    }),
                    None if provider == ProviderId::Siminars => EitherOf3::B(view! {
                        <p class="lab-login__hint" data-testid="forgot-password">{t.get("form.forgot-siminars")}</p>
                    }),
                    None => EitherOf3::C(()),
                }}
            </div>
            {matches!(provider, ProviderId::Nomad | ProviderId::Nebula).then(|| {
                let (check, label, placeholder, hint) = match provider {
                    ProviderId::Nomad => (
                        t.get("form.use-token"),
                        t.get("form.token"),
                        "nomad_pat_…",
                        t.fmt("form.token-hint", &[("cap", &t.with(|m| format_duration_words(m, PERSONAL_TOKEN_CAP_MS / 1000)))]),
                    ),
                    _ => (t.get("form.use-key"), t.get("form.key"), "ak_…", t.get("form.key-hint")),
                };
                view! {
                    <label class="lab-login__check">
                        <input type="checkbox" data-testid="use-api-key" on:change=handler(move |ev| use_key.set(event_target_checked(&ev))) />
                        {check}
                    </label>
                    <div class="lab-login__fields" hidden=reactive(move || !use_key.get())>
                        <label for=field_id("key")>{label}</label>
                        <input part="input" id=field_id("key") name="api-key" node_ref=key_ref type="password" placeholder=placeholder
                            spellcheck="false" data-testid="api-key" />
                        <p class="lab-login__hint">{hint}</p>
                    </div>
                }
            })}
            <button type="submit" part="button submit" class="lab-login__submit" disabled=reactive(blocked) aria-disabled=reactive(move || blocked().to_string()) data-testid="submit">
                {reactive(move || t.fmt(if busy.get() { "form.submitting" } else { "form.submit" }, &[("provider", name)]))}
            </button>
            <div part="error" class="lab-login__error" role="alert" aria-live="assertive" tabindex="-1" node_ref=error_ref data-testid="error">
                {move || error.get().map(|message| view! { <p>{message}</p> })}
            </div>
            // Outside the live region: a ticking countdown must not be read out every second.
            {move || waiting_secs().map(|s| view! {
                <p class="lab-login__wait" data-testid="retry-countdown">{t.fmt("form.retry-in", &[("secs", &s.to_string())])}</p>
            })}
        </form>
    }
}

/// The message key of the first field's label.
fn user_label(provider: ProviderId) -> &'static str {
    match provider {
        ProviderId::Nomad | ProviderId::Nemo => "form.username",
        ProviderId::Siminars | ProviderId::Nebula => "form.email",
    }
}
