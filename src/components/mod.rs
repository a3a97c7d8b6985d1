//! The views, one per file. They read and write the shared state in
//! [`state::Sessions`] and talk to providers only through `client`.

pub mod app;
pub mod app_token;
pub mod login_form;
pub mod session_card;
pub mod state;
pub mod uploads;

pub use app::App;

/// An event handler as one boxed type per kind of event (`on:click=handler(…)`):
/// Leptos' listener code is then compiled once per kind of event rather than
/// once per handler, and elements that differ only in their handler share
/// their view code.
pub fn handler<E>(f: impl FnMut(E) + 'static) -> Box<dyn FnMut(E)> {
    Box::new(f)
}

/// A reactive value (an attribute's, or a text's) as one boxed type per value
/// type (`hidden=reactive(move || …)`): Leptos' update code is then compiled
/// once per value type rather than once per closure.
pub fn reactive<T>(f: impl FnMut() -> T + Send + 'static) -> Box<dyn FnMut() -> T + Send> {
    Box::new(f)
}

/// Resolves after the browser has painted what the DOM shows now (the task after
/// the next animation frame), so that a request's set-up (hashing, building and
/// starting the fetch: milliseconds) does not hold back the frame that shows the
/// user's action took effect. A hidden page does not paint: then it resolves at
/// once, or (hidden meanwhile) after a short wait, which a background tab's
/// timer throttling can stretch to about a second.
pub async fn after_next_paint() {
    use leptos::prelude::{document, request_animation_frame, set_timeout};
    use std::time::Duration;
    use wasm_bindgen::JsValue;
    const HIDDEN_PAGE_WAIT: Duration = Duration::from_millis(100);
    if document().hidden() {
        return;
    }
    let painted = js_sys::Promise::new(&mut |resolve, _| {
        let after_timeout = resolve.clone();
        request_animation_frame(move || {
            set_timeout(
                move || drop(resolve.call0(&JsValue::UNDEFINED)),
                Duration::ZERO,
            )
        });
        set_timeout(
            move || drop(after_timeout.call0(&JsValue::UNDEFINED)),
            HIDDEN_PAGE_WAIT,
        );
    });
    let _ = wasm_bindgen_futures::JsFuture::from(painted).await;
}

/// `view` from the frame after the one that shows the rest (see
/// [`after_next_paint`]): for a part that may show a frame later, so that the
/// rest is not held back by it.
pub fn after_first_paint<V>(
    view: impl Fn() -> V + Send + Sync + 'static,
) -> impl Fn() -> Option<V> + Send + Sync + 'static {
    use leptos::prelude::{Get, RwSignal, Set};
    let painted = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        after_next_paint().await;
        painted.try_set(true);
    });
    move || painted.get().then(&view)
}

/// A plain object of string options for a browser API (`Intl`, `scheduler`),
/// without a prototype: such APIs also read options they were not given, and
/// must not find them on an `Object.prototype` that page script changed.
pub fn browser_options(pairs: &[(&str, &str)]) -> js_sys::Object {
    use js_sys::{Object, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    let options = Object::create(JsValue::NULL.unchecked_ref());
    for (name, value) in pairs {
        // No prototype, so setting defines an own property: no setter can run.
        let _ = Reflect::set(&options, &(*name).into(), &(*value).into());
    }
    options
}
