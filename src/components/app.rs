//! The widget: a tab per configured provider with its sign-in form, and a card
//! per signed-in session. Owns the shared state and the one-second clock.

use std::sync::atomic::{AtomicUsize, Ordering};

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::login_form::LoginForm;
use super::session_card::SessionCard;
use super::uploads::NomadUploads;
use crate::config::Config;
use crate::http::now_ms;
use crate::providers::{ProviderId, Session, TokenKind};
use crate::session::{SessionStore, StorageError};

/// The configuration, shared with every view.
#[derive(Clone)]
pub struct ConfigCtx(pub StoredValue<Config>);

/// A prefix that keeps element ids unique when a page holds several widgets.
#[derive(Clone)]
pub struct WidgetId(pub String);

impl WidgetId {
    pub fn id(&self, part: &str) -> String {
        format!("{}-{part}", self.0)
    }
}

static INSTANCES: AtomicUsize = AtomicUsize::new(0);

/// The signed-in sessions (several providers at once) and where they are kept.
#[derive(Clone, Copy)]
pub struct Sessions {
    pub list: RwSignal<Vec<Session>>,
    /// Why a session just ended (or why a new one will not survive a reload),
    /// shown until the next sign-in.
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
        // API keys are refused by the store on purpose (memory only, and their card
        // says so); any other refusal means the session will not survive a reload.
        let not_kept = self.store.with_value(|store| match store {
            Some(store) => match store.save(&session) {
                Ok(()) | Err(StorageError::NotStored(_)) => None,
                Err(err) => Some(err),
            },
            None if session.kind != TokenKind::ApiKey => Some(StorageError::Unavailable),
            None => None,
        });
        self.ended.set(not_kept.map(|err| format!("Note: {err}.")));
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

    /// The live session for `provider`. Expiry is checked here, on every read,
    /// because timers are throttled in background tabs.
    pub fn get(&self, provider: ProviderId) -> Option<Session> {
        let session = self
            .list
            .with_untracked(|list| list.iter().find(|s| s.provider == provider).cloned())?;
        if session.is_expired(now_ms()) {
            self.remove(provider, Some(expired_reason(provider)));
            return None;
        }
        Some(session)
    }

    /// Whether `provider` has a session (tracked, for views that appear with it).
    pub fn has(&self, provider: ProviderId) -> bool {
        self.list
            .with(|list| list.iter().any(|s| s.provider == provider))
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
            self.remove(provider, Some(expired_reason(provider)));
        }
    }
}

fn expired_reason(provider: ProviderId) -> String {
    format!(
        "Your {} session expired. Please sign in again.",
        provider.display_name()
    )
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
    let widget = WidgetId(format!(
        "lab-login-{}",
        INSTANCES.fetch_add(1, Ordering::Relaxed)
    ));
    provide_context(widget.clone());
    let sessions = Sessions::new();
    provide_context(sessions);
    // Timers are throttled in background tabs, so expiry is also checked on every
    // read (`Sessions::get`, the store) and before every request (`client`); this
    // tick keeps the countdowns live and signs out sessions nobody is reading.
    let interval = gloo_timers::callback::Interval::new(1000, move || sessions.tick());
    let interval = StoredValue::new_local(Some(interval));
    on_cleanup(move || interval.update_value(|i| drop(i.take())));

    let selected = RwSignal::new(providers.first().copied());
    let tab_id = {
        let widget = widget.clone();
        move |p: ProviderId| widget.id(&format!("tab-{}", p.key()))
    };
    let panel_id = {
        let widget = widget.clone();
        move |p: ProviderId| widget.id(&format!("panel-{}", p.key()))
    };
    // The ARIA tabs pattern: arrows, Home and End move between tabs.
    let on_tab_key = {
        let (providers, tab_id) = (providers.clone(), tab_id.clone());
        move |ev: KeyboardEvent| {
            let Some(current) = selected
                .get_untracked()
                .and_then(|p| providers.iter().position(|q| *q == p))
            else {
                return;
            };
            let n = providers.len();
            let next = match ev.key().as_str() {
                "ArrowRight" => (current + 1) % n,
                "ArrowLeft" => (current + n - 1) % n,
                "Home" => 0,
                "End" => n - 1,
                _ => return,
            };
            ev.prevent_default();
            selected.set(Some(providers[next]));
            if let Some(tab) = document().get_element_by_id(&tab_id(providers[next])) {
                let _ = tab.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }
    };

    view! {
        <div class="lab-login" data-testid="lab-login">
            <div class="lab-login__sessions" data-testid="sessions" aria-live="polite">
                <For each=move || sessions.list.get() key=|s| (s.provider, s.received_at_ms) let:session>
                    <SessionCard session=session />
                </For>
                {move || sessions.ended.get().map(|reason| view! {
                    <p class="lab-login__ended" role="status" data-testid="session-ended">{reason}</p>
                })}
            </div>
            <Show when=move || sessions.has(ProviderId::Nomad)>
                <NomadUploads />
            </Show>
            <div class="lab-login__tabs" role="tablist" aria-label="Sign in to" on:keydown=on_tab_key>
                {providers.iter().map(|&p| view! {
                    <button
                        type="button"
                        role="tab"
                        id=tab_id(p)
                        aria-controls=panel_id(p)
                        aria-selected=move || (selected.get() == Some(p)).to_string()
                        tabindex=move || if selected.get() == Some(p) { "0" } else { "-1" }
                        data-testid=format!("tab-{}", p.key())
                        on:click=move |_| selected.set(Some(p))
                    >
                        {p.display_name()}
                    </button>
                }).collect_view()}
            </div>
            {providers.iter().map(|&p| view! {
                <div
                    role="tabpanel"
                    class="lab-login__panel"
                    id=panel_id(p)
                    aria-labelledby=tab_id(p)
                    hidden=move || selected.get() != Some(p)
                >
                    <LoginForm provider=p />
                </div>
            }).collect_view()}
        </div>
    }
}
