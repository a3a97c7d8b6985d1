//! The widget: a tab per configured provider with its sign-in form, and a card
//! per signed-in session. Owns the shared state and the one-second clock.

use leptos::either::EitherOf3;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::login_form::LoginForm;
use super::session_card::SessionCard;
use super::state::{next_instance, Host, HostHooks, Sessions, Tr, Widget, WidgetId};
use super::uploads::NomadUploads;
use super::{after_first_paint, handler, reactive};
use crate::config::Config;
use crate::messages::{Lang, Messages};
use crate::providers::ProviderId;
use crate::widget_options::Theme;

/// The whole widget for the given (already validated) configuration and providers.
#[component]
pub fn App(
    /// Endpoints and options, from the page owner only.
    config: Config,
    /// The providers to offer, in tab order; all configured ones if empty.
    #[prop(optional)]
    providers: Vec<ProviderId>,
    /// The colour scheme. Defaults to following the OS.
    #[prop(optional)]
    theme: Theme,
    /// The language of the widget's text, set on its root. Defaults to the page's.
    #[prop(default = None)]
    lang: Option<String>,
    /// Where DOM events and `onSignedIn` go. Defaults to nowhere (a widget in a test).
    #[prop(optional)]
    host: HostHooks,
    /// Show the flow inspector (teaching bundle only). Defaults to `true`.
    #[prop(default = true)]
    inspector: bool,
) -> impl IntoView {
    let providers = if providers.is_empty() {
        config.endpoints().into_iter().map(|(p, _)| p).collect()
    } else {
        providers
    };
    let offers = providers
        .iter()
        .filter_map(|&p| config.base_url(p).map(|b| (p, b.to_string())))
        .collect();
    // The widget's language: its own `lang`, else the page's `<html lang>`, else English.
    let page_lang = document()
        .document_element()
        .and_then(|e| e.get_attribute("lang"));
    let language = lang
        .as_deref()
        .or(page_lang.as_deref())
        .and_then(Lang::from_tag)
        .unwrap_or_default();
    let t = Tr(StoredValue::new(Messages::new(
        language,
        config.messages.clone(),
    )));
    // The teaching bundle's demo controls exist only where the page owner named the emulator.
    #[cfg(feature = "teaching")]
    let demo = {
        use crate::inspector::demo::{DemoAccounts, DemoControls};
        let emulator = config.demo_emulator.clone();
        let accounts = emulator.clone().map(DemoAccounts::load);
        move |p: ProviderId| {
            emulator
                .clone()
                .zip(accounts)
                .map(|(e, a)| view! { <DemoControls provider=p emulator=e accounts=a /> })
        }
    };
    #[cfg(not(feature = "teaching"))]
    let demo = |_: ProviderId| ();
    let config = StoredValue::new(config);
    let widget = WidgetId(format!("lab-login-{}", next_instance()));
    let host = Host::new(host);
    let sessions = Sessions::join(offers, host, config, t);
    provide_context(Widget {
        config,
        sessions,
        host,
        t,
        id: widget.clone(),
    });
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
            // Looked up from the tab list itself: `document` cannot see into a shadow root.
            let tab = ev
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|list| {
                    list.query_selector(&format!("#{}", tab_id(providers[next])))
                        .ok()
                        .flatten()
                });
            if let Some(tab) = tab {
                let _ = tab.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }
    };

    #[cfg(feature = "teaching")]
    let inspector = inspector
        .then(|| view! { <crate::inspector::view::Inspector providers=providers.clone() /> });
    // The embeddable bundle has no inspector to show: the option is read and ignored.
    #[cfg(not(feature = "teaching"))]
    #[allow(clippy::let_unit_value)]
    let inspector = {
        let _ = inspector;
    };

    // A provider's tab holds its whole story: the form, or once signed in, who,
    // until when, sign-out, and (NOMAD) the uploads.
    let session_of = move |p: ProviderId| {
        sessions
            .list
            .with_untracked(|list| list.iter().find(|s| s.provider == p).cloned())
    };

    view! {
        <div class="lab-login" data-testid="lab-login" data-theme=theme.key() lang=language.key()>
            <div class="lab-login__notices" aria-live="polite">
                {move || sessions.ended.get().map(|reason| view! {
                    <p class="lab-login__ended" role="status" data-testid="session-ended">{reason}</p>
                })}
            </div>
            <div class="lab-login__tabs" role="tablist" aria-label=t.get("tabs.label") on:keydown=handler(on_tab_key)>
                {providers.iter().map(|&p| view! {
                    <button
                        type="button"
                        role="tab"
                        part="tab"
                        id=tab_id(p)
                        aria-controls=panel_id(p)
                        aria-selected=reactive(move || (selected.get() == Some(p)).to_string())
                        tabindex=reactive(move || if selected.get() == Some(p) { "0" } else { "-1" })
                        data-testid=format!("tab-{}", p.key())
                        on:click=handler(move |_| selected.set(Some(p)))
                    >
                        {p.display_name()}
                        // A mark that is not colour alone, and a name for screen readers.
                        {move || sessions.has(p).then(|| view! {
                            <span class="lab-login__mark" aria-hidden="true">" ✓"</span>
                            <span class="lab-login__sr" data-testid="signed-in-mark">{t.get("tab.signed-in")}</span>
                        })}
                    </button>
                }).collect_view()}
            </div>
            {providers.iter().map(|&p| {
                // Re-render the panel only when this provider's session changes.
                let signed_in = Memo::new(move |_| {
                    sessions.list.with(|l| l.iter().find(|s| s.provider == p).map(|s| s.received_at_ms))
                });
                // A form is built when its tab is first opened, then kept (with what
                // was typed): start-up builds one form, not one per provider.
                let opened = Memo::new(move |before: Option<&bool>| {
                    before == Some(&true) || selected.get() == Some(p)
                });
                view! {
                <div
                    role="tabpanel"
                    class="lab-login__panel"
                    id=panel_id(p)
                    aria-labelledby=tab_id(p)
                    hidden=reactive(move || selected.get() != Some(p))
                >
                    {move || match signed_in.get().and_then(|_| session_of(p)) {
                        Some(session) => EitherOf3::A(view! {
                            <SessionCard session=session />
                            // A frame later: the card shows first (the table is the larger part).
                            {(p == ProviderId::Nomad).then(|| after_first_paint(|| view! { <NomadUploads /> }))}
                        }),
                        None if opened.get() => EitherOf3::B(view! { <LoginForm provider=p /> }),
                        None => EitherOf3::C(()),
                    }}
                    {demo(p)}
                </div>
                }
            }).collect_view()}
            {inspector}
        </div>
    }
}
