//! A signed-in session: who, which token kind, a live countdown with a warning
//! before expiry, sign-out, and what else the provider offers for it (Nebula's
//! balance, NOMAD's app token).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::app_token::NomadAppToken;
use super::state::{ConfigCtx, Sessions};
use crate::client;
use crate::display::{error_message, format_countdown, format_duration_words};
use crate::providers::nomad::PERSONAL_TOKEN_CAP_MS;
use crate::providers::{ApiError, ProviderId, Session, TokenKind};
use crate::widget_options::SignOutReason;

#[component]
pub fn SessionCard(
    /// The session to show; the card reads the live clock from context.
    session: Session,
) -> impl IntoView {
    let sessions = expect_context::<Sessions>();
    let ConfigCtx(config) = expect_context::<ConfigCtx>();
    let warning_ms = config.with_value(|c| c.expiry_warning_secs * 1000);
    let provider = session.provider;
    let who = session.user.display().unwrap_or("Signed in").to_string();
    let kind = session.kind;
    let expires_at = session.expires_at_ms;
    let remaining = move || expires_at.map(|at| at.saturating_sub(sessions.now.get()));
    let expiring =
        move || provider != ProviderId::Siminars && remaining().is_some_and(|ms| ms <= warning_ms);
    let sign_out = move |_| {
        let Some(session) = sessions.get(provider) else {
            return;
        };
        sessions.remove(provider, SignOutReason::User, None);
        // Forget locally first, so a slow server cannot keep the token alive here.
        spawn_local(async move {
            if let Err(err) = client::sign_out(&config.get_value(), &session).await {
                // Forgotten here, but still valid on the server: say so.
                let why = error_message(provider, &session.base_url, &err);
                sessions.ended.set(Some(format!(
                    "Signed out here, but {} could not be told, so the token may stay valid on its side. {why}",
                    provider.display_name()
                )));
            }
        });
    };

    view! {
        <section part="session" class="lab-login__card" class:lab-login__card--expiring=expiring
            data-testid=format!("session-{}", provider.key()) aria-label=format!("{} session", provider.display_name())>
            <div class="lab-login__card-head">
                <h3>{provider.display_name()}</h3>
                <button type="button" part="button" class="lab-login__secondary" data-testid=format!("sign-out-{}", provider.key()) on:click=sign_out>
                    "Sign out"
                </button>
            </div>
            <p class="lab-login__who" data-testid="session-user">{who}</p>
            <p class="lab-login__meta">
                <span data-testid="session-kind">{kind.label()}</span>
                " · "
                <span data-testid="session-countdown">
                    {move || match remaining() {
                        None => "does not expire; kept in memory only".to_string(),
                        Some(ms) if kind == TokenKind::PersonalToken => format!(
                            "kept in this page only, until you reload it or for at most {} (ends in {})",
                            format_duration_words(PERSONAL_TOKEN_CAP_MS / 1000),
                            format_countdown(ms)
                        ),
                        Some(_) if provider == ProviderId::Siminars => "kept until you sign out or close this tab".to_string(),
                        Some(ms) => format!("expires in {}", format_countdown(ms)),
                    }}
                </span>
            </p>
            <Show when=expiring>
                <p class="lab-login__warning" role="alert" data-testid="expiry-warning">
                    "This session is about to expire. Sign in again to keep working."
                </p>
            </Show>
            {(provider == ProviderId::Nebula).then(|| view! { <NebulaBalance session=session.clone() /> })}
            {(provider == ProviderId::Nomad && kind == TokenKind::Access).then(|| view! { <NomadAppToken /> })}
        </section>
    }
}

/// Nebula's available balance, from `/users/credits` (which also proves a key works).
#[component]
fn NebulaBalance(
    /// The Nebula session (token or API key) to ask with.
    session: Session,
) -> impl IntoView {
    let sessions = expect_context::<Sessions>();
    let ConfigCtx(config) = expect_context::<ConfigCtx>();
    let host = session.base_url.clone();
    let balance = LocalResource::new(move || {
        let session = session.clone();
        let config = config.get_value();
        async move { client::nebula_credits(&config, &session).await }
    });
    // A refused token or key ends the session, with the reason shown.
    let reject_host = host.clone();
    Effect::new(move |_| {
        if let Some(Err(err @ ApiError::SessionRejected { .. })) = balance.get() {
            sessions.remove(
                ProviderId::Nebula,
                SignOutReason::Rejected,
                Some(error_message(ProviderId::Nebula, &reject_host, &err)),
            );
        }
    });
    view! {
        <p class="lab-login__balance" data-testid="nebula-balance">
            {move || match balance.get() {
                None => "Balance: loading…".to_string(),
                Some(Ok(b)) => format!("Balance: {b:.2} credits"),
                Some(Err(err)) => format!("Balance unavailable: {}", error_message(ProviderId::Nebula, &host, &err)),
            }}
        </p>
    }
}
