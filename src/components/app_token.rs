//! A NOMAD app token with a lifetime the user picks. It is shown once, as a
//! copy button: the token goes to the clipboard only when asked, never into the
//! page, and is never stored.

use super::{after_next_paint, handler, reactive};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::{this_widget, Widget};
use crate::client;
use crate::display::{error_message, format_duration_words};
use crate::providers::nomad::AppTokenLifetime;
use crate::providers::{ProviderId, Secret};

/// Lifetimes offered, in seconds: 1 hour to NOMAD's 30-day maximum.
const PRESETS: [u64; 5] = [3600, 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400];

#[derive(Clone)]
enum State {
    Idle,
    Working,
    /// The token, until it is copied or dismissed.
    Ready {
        token: Secret,
        lifetime: u64,
        copied: bool,
    },
    Failed(String),
}

#[component]
pub fn NomadAppToken() -> impl IntoView {
    let Widget {
        sessions,
        config,
        t,
        id,
        ..
    } = this_widget();
    let select_id = id.id("app-token-lifetime");
    let lifetime = RwSignal::new(86_400u64);
    let state = RwSignal::new(State::Idle);

    let create = move |_| {
        let Some(session) = sessions.get(ProviderId::Nomad) else {
            return;
        };
        let Some(chosen) = AppTokenLifetime::from_secs(lifetime.get_untracked()) else {
            return;
        };
        state.set(State::Working);
        spawn_local(async move {
            after_next_paint().await;
            if state.is_disposed() {
                return; // the widget went away meanwhile: no token is made
            }
            let result = client::nomad_app_token(&config.get_value(), &session, chosen).await;
            state.set(match result {
                Ok(app) => State::Ready {
                    token: app.token,
                    lifetime: chosen.secs(),
                    copied: false,
                },
                Err(err) => State::Failed(
                    t.with(|m| error_message(m, ProviderId::Nomad, &session.base_url, &err)),
                ),
            });
        });
    };
    let copy = move |_| {
        let State::Ready {
            token, lifetime, ..
        } = state.get_untracked()
        else {
            return;
        };
        let promise = window().navigator().clipboard().write_text(token.expose());
        spawn_local(async move {
            let copied = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            state.set(if copied {
                State::Ready {
                    token,
                    lifetime,
                    copied: true,
                }
            } else {
                State::Failed(t.get("app-token.no-clipboard"))
            });
        });
    };

    view! {
        <details class="lab-login__app-token" data-testid="app-token">
            <summary>{t.get("app-token.summary")}</summary>
            <div class="lab-login__row">
                <label for=select_id.clone()>{t.get("app-token.valid-for")}</label>
                <select id=select_id on:change=handler(move |ev| lifetime.set(event_target_value(&ev).parse().unwrap_or(86_400)))
                    data-testid="app-token-lifetime">
                    {PRESETS.iter().map(|secs| view! {
                        <option value=secs.to_string() selected=*secs == 86_400>{t.with(|m| format_duration_words(m, *secs))}</option>
                    }).collect_view()}
                </select>
                <button type="button" class="lab-login__secondary" data-testid="app-token-create"
                    disabled=reactive(move || matches!(state.get(), State::Working)) on:click=handler(create)>
                    {t.get("app-token.create")}
                </button>
            </div>
            <div aria-live="polite" data-testid="app-token-result">
                {move || match state.get() {
                    State::Idle | State::Working => None,
                    State::Failed(message) => Some(Either::Left(view! { <p class="lab-login__error-text">{message}</p> })),
                    State::Ready { lifetime, copied, .. } => Some(Either::Right(view! {
                        <p>{t.fmt("app-token.ready", &[("lifetime", &t.with(|m| format_duration_words(m, lifetime)))])}</p>
                        <div class="lab-login__row">
                            <button type="button" class="lab-login__secondary" data-testid="app-token-copy" on:click=handler(copy)>
                                {t.get(if copied { "app-token.copied" } else { "app-token.copy" })}
                            </button>
                            <button type="button" class="lab-login__secondary" data-testid="app-token-dismiss"
                                on:click=handler(move |_| state.set(State::Idle))>{t.get("app-token.done")}</button>
                        </div>
                    })),
                }}
            </div>
        </details>
    }
}
