//! The signed-in user's NOMAD uploads: a table paged, sorted and filtered on the
//! server. A new request cancels the one in flight; leaving the view cancels
//! too. A 401 ends the NOMAD session with the reason. Names are rendered as
//! text, so a hostile upload name stays a name.

use super::{after_next_paint, browser_options, handler, reactive};
use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::{this_widget, Widget};
use crate::client;
use crate::display::{error_message, group_digits, parse_utc_timestamp, relative_time, PageSpan};
use crate::http::Cancel;
use crate::messages::{Lang, Messages};
use crate::providers::nomad::{
    ProcessState, SortOrder, Upload, UploadOrderBy, UploadsPage, UploadsQuery,
};
use crate::providers::{ApiError, ProviderId};
use crate::widget_options::SignOutReason;
use std::rc::Rc;

const PAGE_SIZES: [u64; 4] = [10, 25, 50, 100];

#[derive(Clone)]
enum Loaded {
    Nothing,
    Page(UploadsPage),
    Failed { message: String, out_of_range: bool },
}

#[component]
pub fn NomadUploads() -> impl IntoView {
    let Widget {
        sessions,
        config,
        id: widget,
        host,
        t,
    } = this_widget();
    let query = RwSignal::new(UploadsQuery::default());
    let refresh = RwSignal::new(0u32);
    let loaded = RwSignal::new(Loaded::Nothing);
    let loading = RwSignal::new(false);
    let in_flight = StoredValue::new_local(None::<Cancel>);
    let generation = StoredValue::new(0u64);

    let local_time = LocalTime::new(t.with(Messages::lang));
    let load = move |q: UploadsQuery| {
        let Some(session) = sessions.get(ProviderId::Nomad) else {
            return;
        };
        // Only the newest request may land: cancel the one before it.
        in_flight.update_value(|c| {
            if let Some(previous) = c.take() {
                previous.cancel();
            }
        });
        let cancel = Cancel::new();
        in_flight.set_value(Some(cancel.clone()));
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        loading.set(true);
        spawn_local(async move {
            // The table shows it is loading first; a newer query may replace this one meanwhile.
            after_next_paint().await;
            if generation.try_get_value() != Some(mine) {
                return;
            }
            local_time.build_soon(); // while the request is on its way
            let result = client::nomad_uploads(&config.get_value(), &session, &q, &cancel).await;
            if generation.try_get_value() != Some(mine) {
                return;
            }
            loading.set(false);
            match result {
                Ok(page) => loaded.set(Loaded::Page(page)),
                Err(ApiError::Cancelled) => {}
                // An Oasis that does not admit the account: the session is of no use here.
                Err(err @ ApiError::NotAdmitted { .. }) => {
                    let reason =
                        t.with(|m| error_message(m, ProviderId::Nomad, &session.base_url, &err));
                    host.error(ProviderId::Nomad, &err, &reason);
                    let base = session.base_url.clone();
                    sessions.remove(
                        ProviderId::Nomad,
                        SignOutReason::Rejected,
                        Some(Rc::new(move |m: &Messages| {
                            error_message(m, ProviderId::Nomad, &base, &err)
                        })),
                    );
                }
                Err(err @ ApiError::SessionRejected { .. }) => {
                    let base = session.base_url.clone();
                    sessions.remove(
                        ProviderId::Nomad,
                        SignOutReason::Rejected,
                        Some(Rc::new(move |m: &Messages| {
                            let why = error_message(m, ProviderId::Nomad, &base, &err);
                            m.fmt("session.uploads-need-sign-in", &[("why", &why)])
                        })),
                    );
                }
                Err(err) => {
                    let message =
                        t.with(|m| error_message(m, ProviderId::Nomad, &session.base_url, &err));
                    loaded.set(Loaded::Failed {
                        out_of_range: matches!(err, ApiError::Refused { status: 400, .. }),
                        message: message.clone(),
                    });
                    // Last: the host's listener may unmount the widget.
                    host.error(ProviderId::Nomad, &err, &message);
                }
            }
        });
    };
    Effect::new(move |_| {
        refresh.track();
        load(query.get());
    });
    on_cleanup(move || {
        in_flight.update_value(|c| {
            if let Some(c) = c.take() {
                c.cancel();
            }
        })
    });

    // Changing what is shown starts again at page 1.
    let set_query = move |f: &dyn Fn(&mut UploadsQuery)| {
        query.update(|q| {
            f(q);
            q.page = 1;
        })
    };
    let sort_by = move |by: UploadOrderBy| {
        set_query(&|q| {
            q.order = if q.order_by == by && q.order == SortOrder::Desc {
                SortOrder::Asc
            } else {
                SortOrder::Desc
            };
            q.order_by = by;
        })
    };
    let aria_sort = move |by: UploadOrderBy| {
        let q = query.get();
        if q.order_by != by {
            "none"
        } else if q.order == SortOrder::Asc {
            "ascending"
        } else {
            "descending"
        }
    };
    // Read in place: cloning the page (100 uploads) only to count it is waste.
    let page_span = move || {
        loaded.with(|l| match l {
            // Nothing to page through: no pager.
            Loaded::Page(p) if p.uploads.is_empty() => None,
            Loaded::Page(p) => Some(PageSpan::new(
                p.page,
                p.page_size,
                p.uploads.len() as u64,
                p.total.unwrap_or(0),
            )),
            _ => None,
        })
    };
    let go = move |page: u64| query.update(|q| q.page = page.max(1));
    let filter_id = widget.id("uploads-filter");
    let size_id = widget.id("uploads-size");

    view! {
        <section part="uploads" class="lab-login__uploads" data-testid="uploads" aria-label=t.get("uploads.title") aria-busy=reactive(move || loading.get().to_string())>
            <div class="lab-login__uploads-head">
                <h3>{t.get("uploads.title")}</h3>
                <button type="button" class="lab-login__secondary" data-testid="uploads-refresh" on:click=handler(move |_| refresh.update(|n| *n += 1))>
                    {t.get("uploads.refresh")}
                </button>
            </div>
            <div class="lab-login__row lab-login__controls">
                <label for=filter_id.clone()>{t.get("uploads.show")}</label>
                <select id=filter_id data-testid="uploads-filter" on:change=handler(move |ev| {
                    let value = event_target_value(&ev);
                    set_query(&|q| {
                        (q.is_published, q.is_processing) = match value.as_str() {
                            "published" => (Some(true), None),
                            "unpublished" => (Some(false), None),
                            "processing" => (None, Some(true)),
                            _ => (None, None),
                        };
                    });
                })>
                    <option value="all">{t.get("uploads.all")}</option>
                    <option value="published">{t.get("uploads.published")}</option>
                    <option value="unpublished">{t.get("uploads.unpublished")}</option>
                    <option value="processing">{t.get("uploads.processing")}</option>
                </select>
                <label for=size_id.clone()>{t.get("uploads.per-page")}</label>
                <select id=size_id data-testid="uploads-page-size" on:change=handler(move |ev| {
                    let size = event_target_value(&ev).parse().unwrap_or(10);
                    set_query(&|q| q.page_size = size);
                })>
                    {PAGE_SIZES.iter().map(|n| view! { <option value=n.to_string() selected=*n == 10>{n.to_string()}</option> }).collect_view()}
                </select>
                <span class="lab-login__loading" aria-live="polite" data-testid="uploads-loading">
                    {move || loading.get().then(|| t.get("uploads.loading"))}
                </span>
            </div>
            {move || match loaded.get() {
                Loaded::Nothing => EitherOf4::A(view! { <p data-testid="uploads-state">{t.get("uploads.loading-first")}</p> }),
                Loaded::Failed { message, out_of_range } => EitherOf4::B(view! {
                    <div class="lab-login__error" role="alert" data-testid="uploads-error">
                        <p>{message}</p>
                        <button type="button" class="lab-login__secondary" on:click=handler(move |_| if out_of_range { go(1) } else { refresh.update(|n| *n += 1) })>
                            {t.get(if out_of_range { "uploads.first-page" } else { "uploads.try-again" })}
                        </button>
                    </div>
                }),
                Loaded::Page(page) if page.uploads.is_empty() => EitherOf4::C(view! {
                    <p class="lab-login__empty" data-testid="uploads-empty">
                        {if query.with(|q| q.is_published.is_some() || q.is_processing.is_some()) {
                            {t.get("uploads.none-match")}
                        } else {
                            {t.get("uploads.none")}
                        }}
                    </p>
                }),
                Loaded::Page(page) => EitherOf4::D(view! {
                    <div class="lab-login__table-wrap" tabindex="0" role="region" aria-label=t.get("uploads.table")>
                        <table class="lab-login__table" data-testid="uploads-table">
                            <thead><tr>
                                <th scope="col" aria-sort=reactive(move || aria_sort(UploadOrderBy::Name))>
                                    <button type="button" data-testid="sort-name" on:click=handler(move |_| sort_by(UploadOrderBy::Name))>{t.get("uploads.name")}</button>
                                </th>
                                <th scope="col">{t.get("uploads.id")}</th>
                                <th scope="col" aria-sort=reactive(move || aria_sort(UploadOrderBy::CreateTime))>
                                    <button type="button" data-testid="sort-created" on:click=handler(move |_| sort_by(UploadOrderBy::CreateTime))>{t.get("uploads.created")}</button>
                                </th>
                                <th scope="col">{t.get("uploads.processing")}</th>
                                <th scope="col">{t.get("uploads.published")}</th>
                                <th scope="col">{t.get("uploads.entries")}</th>
                                <th scope="col">{t.get("uploads.license")}</th>
                            </tr></thead>
                            <tbody>
                                {page.uploads.into_iter().map(|u| view! { <UploadRow upload=u local_time=local_time /> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    {(page.skipped > 0).then(|| view! {
                        <p class="lab-login__hint">{t.fmt("uploads.skipped", &[("n", &page.skipped.to_string())])}</p>
                    })}
                }),
            }}
            {move || page_span().map(|span| {
                let page = query.with(|q| q.page);
                view! {
                    <nav class="lab-login__pager" aria-label=t.get("uploads.pages")>
                        <button type="button" data-testid="page-first" disabled={page <= 1} on:click=handler(move |_| go(1))>{t.get("uploads.page-first")}</button>
                        <button type="button" data-testid="page-prev" disabled={page <= 1} on:click=handler(move |_| go(page - 1))>{t.get("uploads.page-prev")}</button>
                        <span data-testid="page-span" dir="auto">{t.with(|m| span.label(m))}</span>
                        <button type="button" data-testid="page-next" disabled={page >= span.last_page} on:click=handler(move |_| go(page + 1))>{t.get("uploads.page-next")}</button>
                        <button type="button" data-testid="page-last" disabled={page >= span.last_page} on:click=handler(move |_| go(span.last_page))>{t.get("uploads.page-last")}</button>
                    </nav>
                }
            })}
        </section>
    }
}

/// Dates and times in the widget's language, as the browser writes them there:
/// in the visitor's own variant of it (`en-GB`) when the browser uses one.
/// A page's first date formatter loads the browser's date data, which takes
/// 12–25 ms here: [`LocalTime::build_soon`] has that happen while the first
/// page of uploads is on its way, not while its rows render.
#[derive(Clone, Copy)]
struct LocalTime {
    lang: Lang,
    /// The formatter, once built (`Some(None)`: the browser would not build one).
    format: StoredValue<Option<Option<js_sys::Function>>, LocalStorage>,
}

impl LocalTime {
    fn new(lang: Lang) -> Self {
        Self {
            lang,
            format: StoredValue::new_local(None),
        }
    }

    /// Builds the formatter in a task of its own, unless it exists.
    fn build_soon(self) {
        if self.format.try_with_value(Option::is_none) == Some(true) {
            set_timeout(move || drop(self.formatter()), std::time::Duration::ZERO);
        }
    }

    /// The formatter; `None` when the browser would not build one, or the table is gone.
    fn formatter(self) -> Option<js_sys::Function> {
        if let Some(built) = self.format.try_with_value(Option::clone)? {
            return built;
        }
        let built = build_formatter(self.lang);
        self.format
            .try_update_value(|format| *format = Some(built.clone()));
        built
    }

    fn format(self, ms: u64) -> String {
        use wasm_bindgen::JsValue;
        let ms = JsValue::from_f64(ms as f64);
        match self.formatter() {
            Some(format) => format.call1(&JsValue::UNDEFINED, &ms).ok(),
            // Without options the browser's defaults apply, which a page cannot change.
            None => Some(
                js_sys::Date::new(&ms)
                    .to_locale_string(self.lang.key(), &JsValue::UNDEFINED)
                    .into(),
            ),
        }
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| String::from("—"))
    }
}

/// `Intl.DateTimeFormat(…).format` for `lang`, bound to its formatter.
fn build_formatter(lang: Lang) -> Option<js_sys::Function> {
    use js_sys::Array;
    use wasm_bindgen::JsValue;
    let own = Array::of1(&JsValue::from_str(lang.key()));
    let browser = window().navigator().language().unwrap_or_default();
    let preferred = if Lang::from_tag(&browser) == Some(lang) {
        Array::of2(&JsValue::from_str(&browser), &JsValue::from_str(lang.key()))
    } else {
        own.clone()
    };
    // Intl reads every option it knows (`timeZone`, `weekday`, …), given or not.
    let options = browser_options(&[("dateStyle", "medium"), ("timeStyle", "short")]);
    // A page can make `navigator.language` anything; a tag Intl refuses leaves the widget's own.
    DateTimeFormat::new(&preferred, &options)
        .or_else(|_| DateTimeFormat::new(&own, &options))
        .ok()
        .map(|f| f.format())
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `Intl.DateTimeFormat`, whose constructor throws on a malformed language tag
    /// (js-sys' binding does not catch).
    #[wasm_bindgen(js_namespace = Intl)]
    type DateTimeFormat;
    #[wasm_bindgen(catch, constructor, js_namespace = Intl)]
    fn new(
        locales: &js_sys::Array,
        options: &js_sys::Object,
    ) -> Result<DateTimeFormat, wasm_bindgen::JsValue>;
    /// The formatter's `format`, bound to it.
    #[wasm_bindgen(method, getter)]
    fn format(this: &DateTimeFormat) -> js_sys::Function;
}

/// One upload. Every value is rendered as text.
#[component]
fn UploadRow(
    /// The upload to show.
    upload: Upload,
    /// How the creation time is written.
    local_time: LocalTime,
) -> impl IntoView {
    let Widget { sessions, t, .. } = this_widget();
    let created_ms = upload
        .upload_create_time
        .as_deref()
        .and_then(parse_utc_timestamp);
    let created_local = created_ms
        .map(|ms| local_time.format(ms))
        .unwrap_or_else(|| String::from("—"));
    let (badge, badge_class) = match upload.process_state() {
        ProcessState::Running => (t.get("uploads.status.running"), "lab-login__badge--running"),
        ProcessState::Success => (t.get("uploads.status.success"), "lab-login__badge--success"),
        ProcessState::Failure => (t.get("uploads.status.failure"), "lab-login__badge--failure"),
        ProcessState::Other => (t.get("uploads.status.other"), ""),
    };
    let published = match (upload.published, upload.with_embargo) {
        (true, true) => match upload.embargo_length {
            Some(months) if months > 0 => {
                t.fmt("uploads.embargo", &[("months", &months.to_string())])
            }
            _ => t.get("uploads.embargo-plain"),
        },
        (true, false) => t.get("uploads.is-published"),
        (false, _) => t.get("uploads.no"),
    };
    let name = upload
        .upload_name
        .clone()
        .unwrap_or_else(|| t.get("uploads.unnamed"));
    // "(2 years ago)" as of when the page is shown. Not ticking with the clock:
    // a clock subscription per row kept each replaced row's memory (wasm memory
    // grew 13 KB per page of 100 rows, measured over 300 pages; flat without it).
    let relative = created_ms.map(|ms| {
        let now = sessions.now.get_untracked();
        format!(" ({})", t.with(|m| relative_time(m, ms, now)))
    });
    view! {
        <tr data-testid="upload-row">
            <td class="lab-login__name" data-testid="upload-name" dir="auto" title=name.clone()>{name.clone()}</td>
            <td data-label=t.get("uploads.id")><code>{upload.upload_id.clone()}</code></td>
            <td data-label=t.get("uploads.created") class="lab-login__created">
                {created_local}
                {relative.map(|r| view! { <span class="lab-login__muted">{r}</span> })}
            </td>
            <td data-label=t.get("uploads.processing")>
                <span class=format!("lab-login__badge {badge_class}") data-testid="upload-status">{badge}</span>
                {upload.last_status_message.clone().map(|m| view! { <span class="lab-login__status-message">{m}</span> })}
            </td>
            <td data-label=t.get("uploads.published")>{published}</td>
            <td data-label=t.get("uploads.entries")>{upload.entries.map(group_digits).unwrap_or_else(|| "—".into())}</td>
            <td data-label=t.get("uploads.license")>{upload.license.clone().unwrap_or_else(|| "—".into())}</td>
        </tr>
    }
}
