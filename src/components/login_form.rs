//! The sign-in form for one provider. The password is read from its input at
//! submit time (never held in a signal) and the input is emptied after every
//! attempt; errors appear in a live region that takes focus.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;

use super::app::{ConfigCtx, Sessions};
use crate::client;
use crate::config::Config;
use crate::display::{error_message, host_of, provider_detail};
use crate::providers::nebula::ApiKey;
use crate::providers::{ApiError, ProviderId};

/// What one submit asks for.
#[derive(Clone)]
enum Attempt {
    Password { username: String, password: String },
    Key(ApiKey),
}

/// A failed attempt as shown: our sentence and the provider's own words.
#[derive(Clone)]
struct Shown {
    message: String,
    detail: Option<String>,
}

#[component]
pub fn LoginForm(
    /// The provider this form signs in to.
    provider: ProviderId,
) -> impl IntoView {
    let ConfigCtx(config) = expect_context::<ConfigCtx>();
    let sessions = expect_context::<Sessions>();
    let key = provider.key();
    let page_host = window().location().host().unwrap_or_default();
    let base_url = config.with_value(|c| c.base_url(provider).unwrap_or_default().to_string());
    let host = host_of(&base_url, &page_host);
    let insecure = Config::is_insecure(&base_url);

    let username_ref = NodeRef::<html::Input>::new();
    let password_ref = NodeRef::<html::Input>::new();
    let error_ref = NodeRef::<html::Div>::new();
    let show_password = RwSignal::new(false);
    let caps_lock = RwSignal::new(false);
    let use_key = RwSignal::new(false);
    let error = RwSignal::new(None::<Shown>);

    let host_for_errors = host.clone();
    let submit = Action::new_local(move |attempt: &Attempt| {
        let attempt = attempt.clone();
        let config = config.get_value();
        let host = host_for_errors.clone();
        async move {
            let result = match attempt {
                Attempt::Password { username, password } => {
                    client::sign_in(&config, provider, &username, password).await
                }
                Attempt::Key(key) => client::sign_in_with_key(&config, &key)
                    .await
                    .map(|(session, _)| session),
            };
            result.map_err(|err: ApiError| Shown {
                message: error_message(provider, &host, &err),
                detail: provider_detail(&err).map(str::to_string),
            })
        }
    });
    let busy = submit.pending();

    Effect::new(move |_| {
        if let Some(result) = submit.value().get() {
            match result {
                Ok(session) => {
                    error.set(None);
                    sessions.add(session);
                }
                Err(shown) => {
                    error.set(Some(shown));
                    if let Some(el) = error_ref.get() {
                        let _ = el.focus();
                    }
                }
            }
        }
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(password_input) = password_ref.get_untracked() else {
            return;
        };
        let secret = password_input.value();
        password_input.set_value("");
        let attempt = if use_key.get_untracked() {
            match ApiKey::parse(&secret) {
                Some(key) => Attempt::Key(key),
                None => {
                    error.set(Some(Shown {
                        message: "An API key starts with ak_.".into(),
                        detail: None,
                    }));
                    return;
                }
            }
        } else {
            let username = username_ref
                .get_untracked()
                .map(|i| i.value())
                .unwrap_or_default();
            if username.trim().is_empty() || secret.is_empty() {
                error.set(Some(Shown {
                    message: format!(
                        "Enter your {} and password.",
                        user_label(provider).to_lowercase()
                    ),
                    detail: None,
                }));
                return;
            }
            Attempt::Password {
                username: username.trim().to_string(),
                password: secret,
            }
        };
        error.set(None);
        submit.dispatch(attempt);
    };

    let on_key =
        move |ev: leptos::ev::KeyboardEvent| caps_lock.set(ev.get_modifier_state("CapsLock"));

    view! {
        <form class="lab-login__form" data-testid=format!("form-{key}") on:submit=on_submit novalidate=true
            aria-busy=move || busy.get().to_string()>
            <p class="lab-login__host" data-testid="form-host">
                "Sends your password to " <strong>{host.clone()}</strong>
                {insecure.then(|| view! { <span class="lab-login__insecure" role="note">" — without encryption (http)"</span> })}
            </p>
            <Show when=move || !use_key.get()>
                <label for=format!("lab-login-{key}-user")>{user_label(provider)}</label>
                <input id=format!("lab-login-{key}-user") name="username" node_ref=username_ref
                    type=if provider == ProviderId::Siminars || provider == ProviderId::Nebula { "email" } else { "text" }
                    autocomplete="username" required=true data-testid="username" />
            </Show>
            <label for=format!("lab-login-{key}-password")>
                {move || if use_key.get() { "API key" } else { "Password" }}
            </label>
            <div class="lab-login__password">
                <input id=format!("lab-login-{key}-password") name="password" node_ref=password_ref
                    type=move || if show_password.get() { "text" } else { "password" }
                    autocomplete=move || if use_key.get() { "off" } else { "current-password" }
                    required=true data-testid="password" on:keyup=on_key on:keydown=on_key />
                <button type="button" class="lab-login__reveal" aria-pressed=move || show_password.get().to_string()
                    data-testid="toggle-password" on:click=move |_| show_password.update(|s| *s = !*s)>
                    {move || if show_password.get() { "Hide" } else { "Show" }}
                </button>
            </div>
            <Show when=move || caps_lock.get()>
                <p class="lab-login__caps" data-testid="caps-lock">"Caps Lock is on."</p>
            </Show>
            {(provider == ProviderId::Nebula).then(|| view! {
                <label class="lab-login__check">
                    <input type="checkbox" data-testid="use-api-key" on:change=move |ev| use_key.set(event_target_checked(&ev)) />
                    " Use an API key instead"
                </label>
            })}
            <button type="submit" class="lab-login__submit" disabled=move || busy.get() data-testid="submit">
                {move || if busy.get() { format!("Signing in to {}…", provider.display_name()) } else { format!("Sign in to {}", provider.display_name()) }}
            </button>
            <div class="lab-login__error" role="alert" aria-live="assertive" tabindex="-1" node_ref=error_ref data-testid="error">
                {move || error.get().map(|shown| view! {
                    <p>{shown.message}</p>
                    {shown.detail.map(|d| view! {
                        <details><summary>"What the server said"</summary><p>{d}</p></details>
                    })}
                })}
            </div>
        </form>
    }
}

fn user_label(provider: ProviderId) -> &'static str {
    match provider {
        ProviderId::Nomad | ProviderId::Nemo => "Username",
        ProviderId::Siminars | ProviderId::Nebula => "Email",
    }
}
