//! The state every view shares, below the views that use it: the configuration,
//! the widget's id, its host element (for DOM events), and the sessions.
//!
//! Sessions are page-wide: widgets that offer the same provider at the same base
//! URL share one session, so a sign-in or sign-out in one shows in all of them.
//! The page-wide list lives in [`Hub`] (plain data, no reactive owner, so it
//! outlives any one widget); each widget mirrors its own providers' sessions
//! into signals of its own, which disappear with the widget.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsValue;

use crate::config::Config;
use crate::http::now_ms;
use crate::messages::Messages;
use crate::providers::{in_provider_order, ApiError, ProviderId, Session};
use crate::session::{SessionStore, StorageError};
use crate::widget_options::{self as events, SignOutReason};

/// What every view of one widget reads. The app provides it once, as one
/// context: each type looked up in Leptos' context costs the bundle its own code.
#[derive(Clone)]
pub struct Widget {
    pub config: StoredValue<Config>,
    pub sessions: Sessions,
    pub host: Host,
    pub t: Tr,
    pub id: WidgetId,
}

/// The widget the calling view belongs to.
pub fn this_widget() -> Widget {
    expect_context::<Widget>()
}

/// A prefix that keeps element ids unique when a page holds several widgets.
#[derive(Clone)]
pub struct WidgetId(pub String);

impl WidgetId {
    pub fn id(&self, part: &str) -> String {
        format!("{}-{part}", self.0)
    }
}

static INSTANCES: AtomicUsize = AtomicUsize::new(0);

pub fn next_instance() -> usize {
    INSTANCES.fetch_add(1, Ordering::Relaxed)
}

/// The widget's texts, in its language (see `messages`).
#[derive(Clone, Copy)]
pub struct Tr(pub StoredValue<Messages>);

impl Tr {
    pub fn get(&self, key: &str) -> String {
        self.0.with_value(|m| m.get(key))
    }

    pub fn fmt(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.0.with_value(|m| m.fmt(key, args))
    }

    /// Runs `f` with the catalog, for the wording functions of `display`.
    pub fn with<R>(&self, f: impl FnOnce(&Messages) -> R) -> R {
        self.0.with_value(f)
    }
}

/// Where a widget tells the host page what happened: DOM events on its element,
/// and the host's `onSignedIn` callback (the one way a host receives a token).
#[derive(Clone, Default)]
pub struct HostHooks {
    pub element: Option<web_sys::HtmlElement>,
    pub on_signed_in: Option<js_sys::Function>,
}

/// The host hooks in context (stored locally: DOM handles are not `Send`).
#[derive(Clone, Copy)]
pub struct Host(StoredValue<HostHooks, LocalStorage>);

impl Host {
    pub fn new(hooks: HostHooks) -> Self {
        Self(StoredValue::new_local(hooks))
    }

    /// A `lab-login:error` for a failure the widget showed as `message`.
    pub fn error(&self, provider: ProviderId, err: &ApiError, message: &str) {
        if matches!(err, ApiError::Cancelled) {
            return;
        }
        self.dispatch(
            "lab-login:error",
            &events::error_detail(provider, err, message),
        );
    }

    fn signed_in(&self, session: &Session, restored: bool) {
        self.dispatch(
            "lab-login:signed-in",
            &events::signed_in_detail(session, restored),
        );
        let hooks = self.0.try_get_value().unwrap_or_default();
        if let Some(callback) = hooks.on_signed_in {
            let value = crate::json::to_js(&events::host_session(session, restored));
            if let Err(err) = callback.call1(&JsValue::NULL, &value) {
                web_sys::console::error_2(&"lab-login: onSignedIn threw".into(), &err);
            }
        }
    }

    fn signed_out(&self, provider: ProviderId, reason: SignOutReason) {
        self.dispatch(
            "lab-login:signed-out",
            &events::signed_out_detail(provider, reason),
        );
    }

    fn dispatch(&self, name: &str, detail: &Value) {
        let Some(element) = self.0.try_get_value().and_then(|h| h.element) else {
            return;
        };
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&crate::json::to_js(detail));
        if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
            let _ = element.dispatch_event(&event);
        }
    }
}

/// What one widget sees of the page's sessions, and how it changes them.
#[derive(Clone, Copy)]
pub struct Sessions {
    /// This widget's signed-in sessions (several providers at once).
    pub list: RwSignal<Vec<Session>>,
    /// Why a session just ended (or why a new one will not survive a reload),
    /// shown until the next sign-in.
    pub ended: RwSignal<Option<String>>,
    /// Client time in ms, ticking every second; views derive countdowns from it.
    pub now: RwSignal<u64>,
    /// The providers and base URLs this widget offers.
    offers: StoredValue<Vec<(ProviderId, String)>>,
    /// The widget's configuration: another tab's sign-out uses it to tell the
    /// server (Siminars), after this widget may be gone.
    config: StoredValue<Config>,
}

impl Sessions {
    /// Joins the page's sessions for the providers this widget offers; leaves
    /// them when the widget is unmounted. Sessions that already exist (restored
    /// after a reload, or signed in by another widget) are announced as restored.
    pub fn join(
        offers: Vec<(ProviderId, String)>,
        host: Host,
        config: StoredValue<Config>,
        tr: Tr,
    ) -> Self {
        let id = next_instance();
        let now = now_ms();
        let this = Self {
            list: RwSignal::new(Vec::new()),
            ended: RwSignal::new(None),
            now: RwSignal::new(now),
            offers: StoredValue::new(offers.clone()),
            config,
        };
        other_tabs::listen();
        let (existing, owed) = HUB.with(|hub| {
            let mut hub = hub.borrow_mut();
            hub.reload(now);
            hub.widgets.push(Member {
                id,
                offers,
                list: this.list,
                ended: this.ended,
                host,
                tr,
                config,
            });
            hub.publish();
            (this.list.get_untracked(), hub.take_owed())
        });
        // Expired before a widget could say so (a tab restored long after its
        // sign-in, a timer throttled in a background tab): tell the server.
        for (session, config) in owed {
            give_back(session, config);
        }
        // After mounting, so that the host's listeners see the widget's element in place.
        if !existing.is_empty() {
            let list = this.list;
            request_animation_frame(move || {
                // Only those still there: the host may have signed out in between.
                let still: Vec<Session> = list
                    .try_with_untracked(|l| {
                        existing
                            .iter()
                            .filter(|s| l.iter().any(|x| x.token == s.token))
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                for session in &still {
                    host.signed_in(session, true);
                }
            });
        }
        // A re-mount (after an attribute change) joins before the old view leaves,
        // so its memory-only sessions survive it (see `embed::mount`).
        on_cleanup(move || {
            // Memory-only sessions that no widget shows any more go: give theirs back.
            for (session, config) in HUB.with(|hub| hub.borrow_mut().leave(id)) {
                give_back(session, config);
            }
        });
        this
    }

    /// The base URL this widget uses for `provider`.
    fn base(&self, provider: ProviderId) -> Option<String> {
        // `try_`: a host may unmount the widget in an event listener mid-flow.
        self.offers
            .try_with_value(|o| {
                o.iter()
                    .find(|(p, _)| *p == provider)
                    .map(|(_, b)| b.clone())
            })
            .flatten()
    }

    /// Adds or replaces the session for its provider and base URL, in every widget
    /// that offers them, and keeps it in sessionStorage.
    pub fn add(&self, session: Session) {
        let config = self.config.try_get_value();
        let (replaced, notices) = HUB.with(|hub| {
            let mut hub = hub.borrow_mut();
            let key = (session.provider, session.base_url.clone());
            // With the configuration it was signed in with, before this one's
            // replaces it; and any owed token whose stored entry this one overwrites.
            let old = hub
                .session(key.0, &key.1)
                .filter(|old| old.token != session.token);
            let owed = hub.take_owed_at(key.0, &key.1);
            let replaced: Vec<_> = old
                .into_iter()
                .chain(owed)
                .map(|s| hub.with_config(s))
                .collect();
            if let Some(config) = config {
                hub.logout_config.retain(|(k, _)| *k != key);
                hub.logout_config.push((key, config));
            }
            (replaced, hub.add(session))
        });
        deliver(notices);
        for (old, config) in replaced {
            give_back(old, config);
        }
    }

    /// Forgets the session for `provider`, in every widget that offers it, with
    /// the reason to report and the sentence to show.
    pub fn remove(&self, provider: ProviderId, reason: SignOutReason, message: Option<Wording>) {
        let Some(base) = self.base(provider) else {
            return;
        };
        if reason == SignOutReason::User {
            other_tabs::tell(provider, &base);
        }
        // A session that ran out here is still valid at Siminars. (A user's
        // sign-out tells the server itself, and reports a failure; another
        // tab's sign-out is told there; a rejected token is already dead.)
        // Read before the host hears of it: its listener may unmount this widget.
        let mut ran_out = None;
        deliver(HUB.with(|hub| {
            let mut hub = hub.borrow_mut();
            if reason == SignOutReason::Expired {
                ran_out = hub.session(provider, &base).map(|s| hub.with_config(s));
            }
            hub.remove(provider, &base, reason, message)
        }));
        if let Some((session, config)) = ran_out {
            give_back(session, config);
        }
    }

    /// The live session for `provider`. Expiry is checked here, on every read,
    /// because timers are throttled in background tabs.
    pub fn get(&self, provider: ProviderId) -> Option<Session> {
        let session = self
            .list
            .with_untracked(|list| list.iter().find(|s| s.provider == provider).cloned())?;
        if session.is_expired(now_ms()) {
            self.remove(
                provider,
                SignOutReason::Expired,
                Some(expired_reason(provider)),
            );
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
    pub fn tick(&self) {
        let now = now_ms();
        self.now.try_set(now);
        let expired: Vec<ProviderId> = self
            .list
            .try_with_untracked(|l| {
                l.iter()
                    .filter(|s| s.is_expired(now))
                    .map(|s| s.provider)
                    .collect()
            })
            .unwrap_or_default();
        for provider in expired {
            self.remove(
                provider,
                SignOutReason::Expired,
                Some(expired_reason(provider)),
            );
        }
    }
}

/// A sentence for every widget that shows a change, each in its own language.
pub type Wording = std::rc::Rc<dyn Fn(&Messages) -> String>;

/// Tells the server that a token this tab drops is done with, where the
/// provider has a logout (Siminars' tokens live six months there, whatever the
/// widget keeps). `config` is the one it was signed in with, where known. Its
/// stored entry (kept, expired, until now) goes once the server has it; if the
/// server cannot be reached, a later page of the site tries again.
fn give_back(session: Session, config: Option<Config>) {
    if !session.provider.has_logout() {
        return;
    }
    if let Some(config) = config {
        leptos::task::spawn_local(async move {
            if crate::client::sign_out(&config, &session).await.is_ok() {
                HUB.with(|hub| hub.borrow().forget_given_back(&session));
            }
        });
    }
}

pub fn expired_reason(provider: ProviderId) -> Wording {
    std::rc::Rc::new(move |m: &Messages| {
        m.fmt("session.expired", &[("provider", provider.display_name())])
    })
}

/// What a widget tells its host after a change. Delivered once the hub is no
/// longer borrowed: a host's listener may well call back into the widget.
enum Notice {
    SignedIn(Session),
    SignedOut(ProviderId, SignOutReason),
}

fn deliver(notices: Vec<(Host, Notice)>) {
    for (host, notice) in notices {
        match notice {
            Notice::SignedIn(session) => host.signed_in(&session, false),
            Notice::SignedOut(provider, reason) => host.signed_out(provider, reason),
        }
    }
}

/// One mounted widget, as the hub knows it.
struct Member {
    id: usize,
    offers: Vec<(ProviderId, String)>,
    list: RwSignal<Vec<Session>>,
    ended: RwSignal<Option<String>>,
    host: Host,
    tr: Tr,
    /// Where to give a token back when this page never signed it in (restored).
    config: StoredValue<Config>,
}

impl Member {
    fn offers(&self, provider: ProviderId, base: &str) -> bool {
        self.offers.iter().any(|(p, b)| *p == provider && b == base)
    }
}

/// The page's sessions and the widgets that show them.
struct Hub {
    sessions: Vec<Session>,
    /// Sessions that live in memory only (API keys, or ones the browser would
    /// not store): sessionStorage is the truth for all the others.
    memory_only: Vec<(ProviderId, String)>,
    /// The configuration each session was signed in with, so that a Siminars token
    /// can be given back even when no widget that offers it is left.
    logout_config: Vec<((ProviderId, String), Config)>,
    /// Expired sessions whose token is still to be given back: found so by
    /// [`Hub::reload`], until a widget that offers their provider and base URL,
    /// and so knows how to reach it, joins. Those read from sessionStorage stay
    /// there until then, so that another page of the site can do it.
    owed: Vec<Session>,
    /// `None` when the browser offers no sessionStorage: sessions then live in memory.
    store: Option<SessionStore>,
    widgets: Vec<Member>,
}

thread_local! {
    static HUB: RefCell<Hub> = RefCell::new(Hub::open());
}

impl Hub {
    /// Empty: the first widget to join reads sessionStorage ([`Hub::reload`]).
    fn open() -> Self {
        Self {
            sessions: Vec::new(),
            memory_only: Vec::new(),
            logout_config: Vec::new(),
            owed: Vec::new(),
            store: SessionStore::open().ok(),
            widgets: Vec::new(),
        }
    }

    /// Re-reads sessionStorage (the truth for every stored session, whoever
    /// changed it) and drops what has expired, keeping what is owed to a
    /// server; memory-only sessions stay.
    fn reload(&mut self, now: u64) {
        let mut to_give_back = Vec::new();
        if let Some(store) = &self.store {
            let memory_only = &self.memory_only;
            self.sessions.retain(|s| {
                memory_only
                    .iter()
                    .any(|(p, b)| *p == s.provider && *b == s.base_url)
            });
            let loaded = store.load_all(now);
            self.sessions.extend(loaded.live);
            to_give_back = loaded.to_give_back;
        }
        let (expired, live): (Vec<Session>, Vec<Session>) = std::mem::take(&mut self.sessions)
            .into_iter()
            .partition(|s| s.is_expired(now));
        self.sessions = live;
        to_give_back.extend(expired.into_iter().filter(|s| s.provider.has_logout()));
        for session in to_give_back {
            if !self.owed.iter().any(|o| o.token == session.token) {
                self.owed.push(session);
            }
        }
    }

    /// The owed sessions that this page can give back now, each with the
    /// configuration to do it with: those a mounted widget offers.
    fn take_owed(&mut self) -> Vec<(Session, Option<Config>)> {
        let (now, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.owed)
            .into_iter()
            .map(|s| self.with_config(s))
            .partition(|(_, config)| config.is_some());
        self.owed = later.into_iter().map(|(s, _)| s).collect();
        now
    }

    /// The owed sessions of `provider` at `base`, taken out.
    fn take_owed_at(&mut self, provider: ProviderId, base: &str) -> Vec<Session> {
        let (at, others) = std::mem::take(&mut self.owed)
            .into_iter()
            .partition(|o| o.provider == provider && o.base_url == base);
        self.owed = others;
        at
    }

    /// `session` with the configuration to reach its server: the one it was
    /// signed in with on this page, else that of a widget that offers it.
    fn with_config(&self, session: Session) -> (Session, Option<Config>) {
        let (provider, base) = (session.provider, session.base_url.as_str());
        let config = self
            .logout_config
            .iter()
            .find(|((p, b), _)| *p == provider && b == base)
            .map(|(_, c)| c.clone())
            .or_else(|| {
                self.widgets
                    .iter()
                    .filter(|m| m.offers(provider, base))
                    .find_map(|m| m.config.try_get_value())
            });
        (session, config)
    }

    /// A token the server now has back: its stored entry goes, unless a newer
    /// session of the same provider and URL has replaced it there.
    fn forget_given_back(&self, session: &Session) {
        if self.session(session.provider, &session.base_url).is_none() {
            if let Some(store) = &self.store {
                store.remove(session.provider, &session.base_url);
            }
        }
    }

    /// The session for `provider` at `base`, expired or not.
    fn session(&self, provider: ProviderId, base: &str) -> Option<Session> {
        self.sessions
            .iter()
            .find(|s| s.provider == provider && s.base_url == base)
            .cloned()
    }

    /// A widget unmounts. With none left on the page, memory-only sessions go
    /// too: nothing shows them, and nothing can sign them out.
    fn leave(&mut self, id: usize) -> Vec<(Session, Option<Config>)> {
        self.widgets.retain(|m| m.id != id);
        self.forget_unshown_memory_only()
    }

    /// Memory-only sessions that no mounted widget offers are forgotten: nothing
    /// shows them, and nothing could sign them out.
    fn forget_unshown_memory_only(&mut self) -> Vec<(Session, Option<Config>)> {
        let widgets = &self.widgets;
        let shown = |p: ProviderId, b: &str| widgets.iter().any(|m| m.offers(p, b));
        let gone: Vec<(ProviderId, String)> = self
            .memory_only
            .iter()
            .filter(|(p, b)| !shown(*p, b))
            .cloned()
            .collect();
        self.memory_only.retain(|k| !gone.contains(k));
        let (dropped, kept): (Vec<Session>, Vec<Session>) = std::mem::take(&mut self.sessions)
            .into_iter()
            .partition(|s| {
                gone.iter()
                    .any(|(p, b)| *p == s.provider && *b == s.base_url)
            });
        self.sessions = kept;
        // A Siminars token kept in memory (the browser would not store it) goes
        // back to the server, with the configuration it was signed in with.
        let to_give_back = dropped
            .into_iter()
            .filter(|s| s.provider.has_logout())
            .map(|s| self.with_config(s))
            .collect();
        self.logout_config.retain(|(k, _)| !gone.contains(k));
        to_give_back
    }

    /// Copies each widget's sessions into its own signal.
    fn publish(&self) {
        for member in &self.widgets {
            let mine: Vec<Session> = self
                .sessions
                .iter()
                .filter(|s| member.offers(s.provider, &s.base_url))
                .cloned()
                .collect();
            member.list.try_set(in_provider_order(mine));
        }
    }

    fn members_offering(
        &self,
        provider: ProviderId,
        base: &str,
    ) -> Vec<(RwSignal<Option<String>>, Host, Tr)> {
        self.widgets
            .iter()
            .filter(|m| m.offers(provider, base))
            .map(|m| (m.ended, m.host, m.tr))
            .collect()
    }

    fn add(&mut self, session: Session) -> Vec<(Host, Notice)> {
        // API keys are refused by the store on purpose (memory only, and their card
        // says so); any other refusal means the session will not survive a reload.
        let saved = match &self.store {
            Some(store) => store.save(&session),
            None => Err(StorageError::Unavailable),
        };
        let key = (session.provider, session.base_url.clone());
        self.memory_only.retain(|k| *k != key);
        if saved.is_err() {
            // An older stored session for the same place must not come back on reload.
            if let Some(store) = &self.store {
                store.remove(session.provider, &session.base_url);
            }
            self.memory_only.push(key);
        }
        let not_kept = match saved {
            Ok(()) | Err(StorageError::NotStored(_)) => None,
            Err(StorageError::Unavailable) if session.kind.memory_only() => None,
            Err(err) => Some(err),
        };
        self.sessions
            .retain(|s| !(s.provider == session.provider && s.base_url == session.base_url));
        self.sessions.push(session.clone());
        self.publish();
        let members = self.members_offering(session.provider, &session.base_url);
        members
            .into_iter()
            .map(|(ended, host, tr)| {
                let why = not_kept.as_ref().map(|err| err.to_string());
                ended.try_set(why.map(|why| tr.fmt("session.not-kept", &[("why", &why)])));
                (host, Notice::SignedIn(session.clone()))
            })
            .collect()
    }

    fn remove(
        &mut self,
        provider: ProviderId,
        base: &str,
        reason: SignOutReason,
        message: Option<Wording>,
    ) -> Vec<(Host, Notice)> {
        let Some(at) = self
            .sessions
            .iter()
            .position(|s| s.provider == provider && s.base_url == base)
        else {
            return Vec::new();
        };
        let gone = self.sessions.remove(at);
        if let Some(store) = &self.store {
            // An expired token that must go back to its server keeps its stored
            // entry (never live again) until it has: see `give_back`.
            if reason == SignOutReason::Expired && provider.has_logout() {
                store.mark_expired(&gone);
            } else {
                store.remove(provider, base);
            }
        }
        self.memory_only
            .retain(|(p, b)| !(*p == provider && b == base));
        // The inspector's log of this session goes with it (teaching bundle only).
        #[cfg(feature = "teaching")]
        crate::inspector::log::forget(provider, base);
        self.publish();
        self.members_offering(provider, base)
            .into_iter()
            .map(|(ended, host, tr)| {
                if let Some(wording) = &message {
                    ended.try_set(Some(tr.with(|m| wording(m))));
                }
                (host, Notice::SignedOut(provider, reason))
            })
            .collect()
    }
}

/// Signing out in one tab signs the same provider out in the other tabs of this
/// site. The message names the provider and base URL, never a token.
mod other_tabs {
    use std::cell::OnceCell;

    use wasm_bindgen::prelude::*;

    use super::{deliver, HUB};
    use crate::providers::ProviderId;
    use crate::widget_options::SignOutReason;

    const CHANNEL: &str = "lab-login";

    thread_local! {
        static CHANNEL_: OnceCell<Option<web_sys::BroadcastChannel>> = const { OnceCell::new() };
    }

    fn with_channel(f: impl FnOnce(&web_sys::BroadcastChannel)) {
        CHANNEL_.with(|cell| {
            if let Some(channel) = cell.get_or_init(open) {
                f(channel);
            }
        });
    }

    /// Opens the channel and listens for other tabs' sign-outs.
    fn open() -> Option<web_sys::BroadcastChannel> {
        let channel = web_sys::BroadcastChannel::new(CHANNEL).ok()?;
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| {
                let data = event.data();
                let get = |k: &str| {
                    js_sys::Reflect::get(&data, &k.into())
                        .ok()
                        .and_then(|v| v.as_string())
                };
                let (Some(provider), Some(base)) = (
                    get("provider").and_then(|p| ProviderId::from_key(&p)),
                    get("base_url"),
                ) else {
                    return;
                };
                let message: super::Wording =
                    std::rc::Rc::new(move |m: &crate::messages::Messages| {
                        m.fmt(
                            "session.other-tab",
                            &[("provider", provider.display_name())],
                        )
                    });
                // This tab's Siminars token is its own, and lives six months unless the server is told.
                // With the configuration it was signed in with, or, for a session
                // restored after a reload, that of a widget that offers it.
                let logout = HUB.with(|hub| {
                    let hub = hub.borrow();
                    hub.session(provider, &base).map(|s| hub.with_config(s))
                });
                deliver(HUB.with(|hub| {
                    hub.borrow_mut()
                        .remove(provider, &base, SignOutReason::OtherTab, Some(message))
                }));
                if let Some((session, config)) = logout {
                    super::give_back(session, config);
                }
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        Some(channel)
    }

    /// Starts listening (a widget has mounted).
    pub fn listen() {
        with_channel(|_| {});
    }

    pub fn tell(provider: ProviderId, base: &str) {
        with_channel(|channel| {
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"provider".into(), &provider.key().into());
            let _ = js_sys::Reflect::set(&message, &"base_url".into(), &base.into());
            let _ = channel.post_message(&message);
        });
    }
}
