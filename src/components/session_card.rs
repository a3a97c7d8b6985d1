//! A signed-in session: who, which token kind, a live countdown with a warning
//! before expiry, sign-out, and what else the provider offers for it (Nebula's
//! balance, NOMAD's app token).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::app_token::NomadAppToken;
use super::state::{this_widget, Widget};
use super::{after_first_paint, after_next_paint, handler};
use crate::client;
use crate::display::{error_message, format_countdown, format_duration_words};
use crate::messages::Messages;
use crate::providers::nomad::PERSONAL_TOKEN_CAP_MS;
use crate::providers::{ApiError, ProviderId, Session, TokenKind};
use crate::widget_options::SignOutReason;

#[component]
pub fn SessionCard(
    /// The session to show; the card reads the live clock from context.
    session: Session,
) -> impl IntoView {
    let Widget {
        sessions,
        config,
        t,
        ..
    } = this_widget();
    let warning_ms = config.with_value(|c| c.expiry_warning_secs * 1000);
    let provider = session.provider;
    let who = session
        .user
        .display()
        .map(str::to_string)
        .unwrap_or_else(|| t.get("session.signed-in"));
    let kind = session.kind;
    let expires_at = session.expires_at_ms;
    let remaining = move || expires_at.map(|at| at.saturating_sub(sessions.now.get()));
    let expiring = move || remaining().is_some_and(|ms| ms <= warning_ms);
    let sign_out = move |_| {
        let Some(session) = sessions.get(provider) else {
            return;
        };
        // Read before the sign-out is announced: a host may unmount the widget in
        // its listener, and the server must still be told.
        let (config, messages) = (config.get_value(), t.0.get_value());
        sessions.remove(provider, SignOutReason::User, None);
        // Forget locally first, so a slow server cannot keep the token alive here.
        // Started at once, not after the next paint, so that a tab closed right
        // after the click has most likely sent it (closing can still abort it).
        spawn_local(async move {
            if let Err(err) = client::sign_out(&config, &session).await {
                // Forgotten here, but still valid on the server: say so (if the widget is still there).
                let why = error_message(&messages, provider, &session.base_url, &err);
                sessions.ended.try_set(Some(messages.fmt(
                    "session.logout-failed",
                    &[("provider", provider.display_name()), ("why", &why)],
                )));
            }
        });
    };

    view! {
        <section part="session" class="lab-login__card" class:lab-login__card--expiring=expiring
            data-testid=format!("session-{}", provider.key()) aria-label=t.fmt("session.label", &[("provider", provider.display_name())])>
            <div class="lab-login__card-head">
                <h3>{provider.display_name()}</h3>
                <button type="button" part="button" class="lab-login__secondary" data-testid=format!("sign-out-{}", provider.key()) on:click=handler(sign_out)>
                    {t.get("session.sign-out")}
                </button>
            </div>
            <p class="lab-login__who" data-testid="session-user">{who}</p>
            <p class="lab-login__meta">
                <span data-testid="session-kind">{t.get(match kind {
                    TokenKind::Access => "session.kind.access",
                    TokenKind::App => "session.kind.app",
                    TokenKind::ApiKey => "session.kind.api-key",
                    TokenKind::PersonalToken => "session.kind.personal",
                })}</span>
                " · "
                <span data-testid="session-countdown">
                    {move || match remaining() {
                        None => t.get("session.no-expiry"),
                        Some(ms) if kind == TokenKind::PersonalToken => t.fmt(
                            "session.personal-cap",
                            &[
                                ("cap", &t.with(|m| format_duration_words(m, PERSONAL_TOKEN_CAP_MS / 1000))),
                                ("left", &t.with(|m| format_countdown(m, ms))),
                            ],
                        ),
                        Some(ms) => t.fmt("session.expires-in", &[("left", &t.with(|m| format_countdown(m, ms)))]),
                    }}
                </span>
            </p>
            {move || expiring().then(|| view! {
                <p class="lab-login__warning" role="alert" data-testid="expiry-warning">
                    {t.get("session.expiring")}
                </p>
            })}
            {(provider == ProviderId::Nebula).then(|| view! { <NebulaBalance session=session.clone() /> })}
            // A frame later, with the uploads: its `<details>` and `<select>` cost a
            // NOMAD sign-in a few milliseconds before the card could show.
            {(provider == ProviderId::Nomad && kind == TokenKind::Access)
                .then(|| after_first_paint(|| view! { <NomadAppToken /> }))}
        </section>
    }
}

/// Nebula's available balance, from `/users/credits` (which also proves a key works).
#[component]
fn NebulaBalance(
    /// The Nebula session (token or API key) to ask with.
    session: Session,
) -> impl IntoView {
    let Widget {
        sessions,
        config,
        t,
        ..
    } = this_widget();
    let host = session.base_url.clone();
    // A signal filled by one task, not a `LocalResource` (whose async machinery
    // costs the bundle kilobytes for this one request).
    let balance = RwSignal::new(None::<Result<f64, ApiError>>);
    let config = config.get_value();
    spawn_local(async move {
        after_next_paint().await; // the card first
        if balance.is_disposed() {
            return; // the card went away meanwhile
        }
        let answer = client::nebula_credits(&config, &session).await;
        // The card may be gone by now; then nobody needs the answer.
        balance.try_set(Some(answer));
    });
    // A refused token or key ends the session, with the reason shown.
    let reject_host = host.clone();
    Effect::new(move |_| {
        if let Some(Err(err @ ApiError::SessionRejected { .. })) = balance.get() {
            let (host, err) = (reject_host.clone(), err.clone());
            sessions.remove(
                ProviderId::Nebula,
                SignOutReason::Rejected,
                Some(std::rc::Rc::new(move |m: &Messages| {
                    error_message(m, ProviderId::Nebula, &host, &err)
                })),
            );
        }
    });
    view! {
        <p class="lab-login__balance" data-testid="nebula-balance">
            {move || match balance.get() {
                None => t.get("balance.loading"),
                Some(Ok(b)) => t.fmt("balance.value", &[("amount", &crate::display::two_decimals(b))]),
                Some(Err(err)) => t.fmt("balance.unavailable", &[("why", &t.with(|m| error_message(m, ProviderId::Nebula, &host, &err)))]),
            }}
        </p>
    }
}
