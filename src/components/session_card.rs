//! A signed-in session: who, which token kind, a live countdown, and sign-out.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::app::{ConfigCtx, Sessions};
use crate::client;
use crate::display::format_countdown;
use crate::providers::{ProviderId, Session, TokenKind};

#[component]
pub fn SessionCard(
    /// The session to show; the card reads the live clock from context.
    session: Session,
) -> impl IntoView {
    let sessions = expect_context::<Sessions>();
    let ConfigCtx(config) = expect_context::<ConfigCtx>();
    let warning_ms = config.with_value(|c| c.expiry_warning_secs * 1000);
    let provider = session.provider;
    let who = session.user.display().unwrap_or("signed in").to_string();
    let kind = session.kind;
    let remaining = {
        let session = session.clone();
        move || session.remaining_ms(sessions.now.get())
    };
    let expiring = {
        let remaining = remaining.clone();
        move || remaining().is_some_and(|ms| ms <= warning_ms)
    };
    let sign_out = move |_| {
        let Some(session) = sessions.get(provider) else {
            return;
        };
        sessions.remove(provider, None);
        // Forget locally first; the server-side logout (Siminars) follows.
        spawn_local(async move {
            let config = config.get_value();
            let _ = client::sign_out(&config, &session).await;
        });
    };

    view! {
        <section class="lab-login__card" class:lab-login__card--expiring=expiring.clone()
            data-testid=format!("session-{}", provider.key()) aria-label=format!("{} session", provider.display_name())>
            <h3>{provider.display_name()}</h3>
            <p class="lab-login__who" data-testid="session-user">{who}</p>
            <p class="lab-login__kind">{kind.label()}</p>
            <p class="lab-login__countdown" data-testid="session-countdown">
                {move || match remaining() {
                    None => "does not expire (kept in memory only)".to_string(),
                    Some(_) if provider == ProviderId::Siminars && kind == TokenKind::Access => {
                        "until you close this tab".to_string()
                    }
                    Some(ms) => format!("expires in {}", format_countdown(ms)),
                }}
            </p>
            <Show when=expiring.clone()>
                <p class="lab-login__warning" role="alert" data-testid="expiry-warning">
                    "This session is about to expire."
                </p>
            </Show>
            <button type="button" data-testid=format!("sign-out-{}", provider.key()) on:click=sign_out>
                "Sign out"
            </button>
        </section>
    }
}
