//! The widget: a tab per configured provider with its sign-in form, and a card
//! per signed-in session. Owns the shared state and the one-second clock.

use leptos::prelude::*;

use super::login_form::LoginForm;
use super::session_card::SessionCard;
use crate::config::Config;
use crate::http::now_ms;
use crate::providers::{ProviderId, Session};
use crate::session::SessionStore;

/// The configuration, shared with every view.
#[derive(Clone)]
pub struct ConfigCtx(pub StoredValue<Config>);

/// The signed-in sessions (several providers at once) and where they are kept.
#[derive(Clone, Copy)]
pub struct Sessions {
    pub list: RwSignal<Vec<Session>>,
    /// Why a session just ended, shown until the next sign-in.
    pub ended: RwSignal<Option<String>>,
    /// `None` when the browser offers no sessionStorage: sessions then live in memory.
    store: StoredValue<Option<SessionStore>, LocalStorage>,
    /// Client time in ms, ticking every second; views derive countdowns from it.
    pub now: RwSignal<u64>,
}

impl Sessions {
    fn new() -> Self {
        let store = SessionStore::open().ok();
        let now = now_ms();
        let restored = store.as_ref().map(|s| s.load_all(now)).unwrap_or_default();
        Self {
            list: RwSignal::new(restored),
            ended: RwSignal::new(None),
            store: StoredValue::new_local(store),
            now: RwSignal::new(now),
        }
    }

    /// Adds or replaces the session for its provider and keeps it in sessionStorage.
    pub fn add(&self, session: Session) {
        self.store.with_value(|store| {
            if let Some(store) = store {
                // API keys are refused by the store on purpose: memory only.
                let _ = store.save(&session);
            }
        });
        self.ended.set(None);
        self.list.update(|list| {
            list.retain(|s| s.provider != session.provider);
            list.push(session);
            list.sort_by_key(|s| s.provider);
        });
    }

    /// Forgets the session for `provider`, with the reason to show.
    pub fn remove(&self, provider: ProviderId, reason: Option<String>) {
        let mut removed = None;
        self.list.update(|list| {
            if let Some(i) = list.iter().position(|s| s.provider == provider) {
                removed = Some(list.remove(i));
            }
        });
        if let Some(session) = removed {
            self.store.with_value(|store| {
                if let Some(store) = store {
                    store.remove(session.provider, &session.base_url);
                }
            });
        }
        if reason.is_some() {
            self.ended.set(reason);
        }
    }

    pub fn get(&self, provider: ProviderId) -> Option<Session> {
        self.list
            .with(|list| list.iter().find(|s| s.provider == provider).cloned())
    }

    /// Advances the clock and signs out every session that has expired.
    fn tick(&self) {
        let now = now_ms();
        self.now.set(now);
        let expired: Vec<ProviderId> = self.list.with_untracked(|l| {
            l.iter()
                .filter(|s| s.is_expired(now))
                .map(|s| s.provider)
                .collect()
        });
        for provider in expired {
            self.remove(
                provider,
                Some(format!(
                    "Your {} session expired. Please sign in again.",
                    provider.display_name()
                )),
            );
        }
    }
}

/// The whole widget for the given (already validated) configuration and providers.
#[component]
pub fn App(
    /// Endpoints and options, from the page owner only.
    config: Config,
    /// The providers to offer, in tab order; all configured ones if empty.
    #[prop(optional)]
    providers: Vec<ProviderId>,
) -> impl IntoView {
    let providers = if providers.is_empty() {
        config.endpoints().into_iter().map(|(p, _)| p).collect()
    } else {
        providers
    };
    provide_context(ConfigCtx(StoredValue::new(config)));
    let sessions = Sessions::new();
    provide_context(sessions);
    // Timers are throttled in background tabs, so expiry is also checked on every
    // read (store, client); this tick only keeps the countdowns live.
    let interval = gloo_timers::callback::Interval::new(1000, move || sessions.tick());
    let interval = StoredValue::new_local(Some(interval));
    on_cleanup(move || interval.update_value(|i| drop(i.take())));

    let selected = RwSignal::new(providers.first().copied());
    let tabs = providers.clone();

    view! {
        <div class="lab-login" data-testid="lab-login">
            <div class="lab-login__sessions" data-testid="sessions">
                <For each=move || sessions.list.get() key=|s| (s.provider, s.received_at_ms) let:session>
                    <SessionCard session=session />
                </For>
                {move || sessions.ended.get().map(|reason| view! {
                    <p class="lab-login__ended" role="status" data-testid="session-ended">{reason}</p>
                })}
            </div>
            <div class="lab-login__tabs" role="tablist" aria-label="Sign in to">
                {tabs.into_iter().map(|p| view! {
                    <button
                        type="button"
                        role="tab"
                        id=format!("lab-login-tab-{}", p.key())
                        aria-controls=format!("lab-login-panel-{}", p.key())
                        aria-selected=move || (selected.get() == Some(p)).to_string()
                        tabindex=move || if selected.get() == Some(p) { "0" } else { "-1" }
                        data-testid=format!("tab-{}", p.key())
                        on:click=move |_| selected.set(Some(p))
                    >
                        {p.display_name()}
                    </button>
                }).collect_view()}
            </div>
            {providers.into_iter().map(|p| view! {
                <div
                    role="tabpanel"
                    id=format!("lab-login-panel-{}", p.key())
                    aria-labelledby=format!("lab-login-tab-{}", p.key())
                    hidden=move || selected.get() != Some(p)
                >
                    <LoginForm provider=p />
                </div>
            }).collect_view()}
        </div>
    }
}
