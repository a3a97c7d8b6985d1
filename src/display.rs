//! How things are worded for people: error messages and countdowns. Pure, so
//! the wording is tested natively and is the same in every view.

use crate::messages::Messages;
use crate::providers::{ApiError, ProviderId};

/// The sentence shown for an error from `provider` at `host`. Wrong-credential
/// wording is fixed per provider, and the provider's own text is never part of
/// it (it goes to the teaching bundle's flow inspector only, where an echoed
/// secret is hidden); no wording ever holds a secret.
pub fn error_message(m: &Messages, provider: ProviderId, host: &str, err: &ApiError) -> String {
    let name = provider.display_name();
    let with = |key: &str, more: &[(&str, &str)]| {
        let mut args = vec![("provider", name), ("host", host)];
        args.extend_from_slice(more);
        m.fmt(key, &args)
    };
    match err {
        ApiError::WrongCredentials { .. } => m.get(&format!("error.wrong.{}", provider.key())),
        ApiError::SessionRejected { .. } => with("error.session-rejected", &[]),
        ApiError::RateLimited {
            retry_after_secs: Some(s),
        } => with(
            "error.rate-limited-for",
            &[("wait", &format_duration_words(m, *s))],
        ),
        ApiError::RateLimited {
            retry_after_secs: None,
        } => with("error.rate-limited", &[]),
        ApiError::ServerError { status, .. } => {
            with("error.server", &[("status", &status.to_string())])
        }
        ApiError::MissingPermission { .. } => with("error.missing-permission", &[]),
        ApiError::NotAdmitted { .. } => with("error.not-admitted", &[]),
        ApiError::Refused { status, .. } => {
            with("error.refused", &[("status", &status.to_string())])
        }
        ApiError::Unreachable => with("error.unreachable", &[]),
        ApiError::Timeout { after_ms } => with(
            "error.timeout",
            &[("wait", &format_duration_words(m, after_ms / 1000))],
        ),
        ApiError::Malformed { what, .. } => with("error.malformed", &[("what", what)]),
        ApiError::NotSent { reason } => with("error.not-sent", &[("reason", reason)]),
        ApiError::Cancelled => m.get("error.cancelled"),
    }
}

/// A live countdown: `1:05:09`, `4:59`, `0:07`.
pub fn format_countdown(msgs: &Messages, remaining_ms: u64) -> String {
    let secs = remaining_ms.div_ceil(1000);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h >= 48 {
        msgs.plural("unit.day", h / 24)
    } else if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `45 seconds`, `2 minutes`, `1 hour 30 minutes`.
pub fn format_duration_words(m: &Messages, secs: u64) -> String {
    match secs {
        0..=59 => m.plural("unit.second", secs),
        60..=3599 => m.plural("unit.minute", secs.div_ceil(60)),
        _ if secs >= 86_400 && secs.is_multiple_of(86_400) => m.plural("unit.day", secs / 86_400),
        _ if secs % 3600 / 60 == 0 => m.plural("unit.hour", secs / 3600),
        _ => format!(
            "{} {}",
            m.plural("unit.hour", secs / 3600),
            m.plural("unit.minute", secs % 3600 / 60)
        ),
    }
}

/// The host a base URL sends to, shown on each form ("Sends your password to …").
/// A same-origin path shows `page_host`.
pub fn host_of(base_url: &str, page_host: &str) -> String {
    match base_url.split_once("://") {
        Some((_, rest)) => rest.split('/').next().unwrap_or(rest).to_string(),
        None => page_host.to_string(),
    }
}

/// NOMAD's timestamps (`2024-07-16T13:57:53.459000`, UTC, often without a zone
/// suffix) as milliseconds since the epoch. `None` for anything else.
pub fn parse_utc_timestamp(text: &str) -> Option<u64> {
    let text = text.trim().trim_end_matches('Z').trim_end_matches("+00:00");
    let (date, time) = text.split_once('T').or_else(|| text.split_once(' '))?;
    let mut d = date.split('-').map(|p| p.parse::<u64>().ok());
    let (year, month, day) = (d.next()??, d.next()??, d.next()??);
    let (hms, fraction) = time.split_once('.').unwrap_or((time, "0"));
    let mut t = hms.split(':').map(|p| p.parse::<u64>().ok());
    let (hour, minute, second) = (t.next()??, t.next()??, t.next().unwrap_or(Some(0))?);
    if d.next().is_some()
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
        || year < 1970
    {
        return None;
    }
    let millis: u64 = format!("{:0<3}", &fraction[..fraction.len().min(3)])
        .parse()
        .ok()?;
    // Days from the civil date (Howard Hinnant's algorithm), for years from 1970.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis)
}

/// `just now`, `5 minutes ago`, `3 days ago`, `2 years ago` (or `in …` for the future).
pub fn relative_time(m: &Messages, then_ms: u64, now_ms: u64) -> String {
    let (secs, future) = if now_ms >= then_ms {
        ((now_ms - then_ms) / 1000, false)
    } else {
        ((then_ms - now_ms) / 1000, true)
    };
    let span = match secs {
        0..=44 => return m.get("time.just-now"),
        45..=3599 => m.plural("unit.minute", secs.div_ceil(60).max(1)),
        3600..=86_399 => m.plural("unit.hour", secs / 3600),
        86_400..=2_591_999 => m.plural("unit.day", secs / 86_400),
        2_592_000..=31_535_999 => m.plural("unit.month", secs / 2_592_000),
        _ => m.plural("unit.year", secs / 31_536_000),
    };
    m.fmt(
        if future { "time.in" } else { "time.ago" },
        &[("span", &span)],
    )
}

/// Where a page sits in a list: items `first..=last` of `total`, and the last page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageSpan {
    pub first: u64,
    pub last: u64,
    pub total: u64,
    pub last_page: u64,
}

impl PageSpan {
    /// `page` counts from 1; `shown` is how many items the page really holds.
    pub fn new(page: u64, page_size: u64, shown: u64, total: u64) -> Self {
        let page_size = page_size.max(1);
        let first = if shown == 0 {
            0
        } else {
            (page.max(1) - 1) * page_size + 1
        };
        let last = if shown == 0 { 0 } else { first + shown - 1 };
        Self {
            first,
            last,
            total,
            last_page: total.div_ceil(page_size).max(1),
        }
    }

    /// `1–25 of 10,000`.
    pub fn label(&self, m: &Messages) -> String {
        if self.total == 0 {
            return m.get("uploads.span-empty");
        }
        m.fmt(
            "uploads.span",
            &[
                ("first", &group_digits(self.first)),
                ("last", &group_digits(self.last)),
                ("total", &group_digits(self.total)),
            ],
        )
    }
}

/// `42.5` → `42.50`, in integer arithmetic: float formatting would add kilobytes
/// to the bundle for one number (Nebula's balance).
pub fn two_decimals(amount: f64) -> String {
    let cents = (amount * 100.0).round() as i64;
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", (cents / 100).abs(), (cents % 100).abs())
}

/// `10000` → `10,000`.
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How long to hold the form after `failures` wrong-credential answers in a row:
/// nothing for the first three, then 5 s, 10 s, 20 s … up to a minute, because the
/// provider may be about to lock the account.
pub fn backoff_after_failures(failures: u32) -> Option<u64> {
    (failures >= 3).then(|| (5u64 << (failures - 3).min(4)).min(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> Messages {
        Messages::english()
    }

    #[test]
    fn countdowns() {
        assert_eq!(format_countdown(&en(), 0), "0:00");
        assert_eq!(format_countdown(&en(), 1), "0:01");
        assert_eq!(format_countdown(&en(), 7_000), "0:07");
        assert_eq!(format_countdown(&en(), 299_500), "5:00");
        assert_eq!(format_countdown(&en(), 3_909_000), "1:05:09");
        assert_eq!(format_countdown(&en(), 182 * 86_400_000), "182 days");
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(format_duration_words(&en(), 1), "1 second");
        assert_eq!(format_duration_words(&en(), 45), "45 seconds");
        assert_eq!(format_duration_words(&en(), 61), "2 minutes");
        assert_eq!(format_duration_words(&en(), 3600), "1 hour");
        assert_eq!(format_duration_words(&en(), 5400), "1 hour 30 minutes");
        assert_eq!(format_duration_words(&en(), 86_400), "1 day");
        assert_eq!(format_duration_words(&en(), 30 * 86_400), "30 days");
        assert_eq!(format_duration_words(&en(), 90_000), "25 hours");
    }

    #[test]
    fn wrong_credentials_have_one_wording_per_provider_without_the_raw_text() {
        let err = ApiError::WrongCredentials {
            message: Some("<b>Invalid Username or Password.</b>".into()),
        };
        let texts: Vec<String> = ProviderId::ALL
            .iter()
            .map(|p| error_message(&en(), *p, "h", &err))
            .collect();
        for t in &texts {
            assert!(!t.contains("<b>"), "{t}");
        }
        let mut unique = texts.clone();
        unique.dedup();
        assert_eq!(unique.len(), 4);
    }

    #[test]
    fn unreachable_mentions_cors_and_the_host() {
        let t = error_message(
            &en(),
            ProviderId::Nemo,
            "api.nemoarchive.org",
            &ApiError::Unreachable,
        );
        assert!(
            t.contains("api.nemoarchive.org") && t.contains("CORS"),
            "{t}"
        );
    }

    #[test]
    fn rate_limits_say_how_long() {
        let t = error_message(
            &en(),
            ProviderId::Nomad,
            "h",
            &ApiError::RateLimited {
                retry_after_secs: Some(90),
            },
        );
        assert!(t.contains("2 minutes"), "{t}");
    }

    #[test]
    fn nomad_timestamps_parse_as_utc() {
        assert_eq!(parse_utc_timestamp("1970-01-01T00:00:00"), Some(0));
        assert_eq!(
            parse_utc_timestamp("2024-07-16T13:57:53.459000"),
            Some(1_721_138_273_459)
        );
        assert_eq!(
            parse_utc_timestamp("2024-07-16T13:57:53.4Z"),
            Some(1_721_138_273_400)
        );
        assert_eq!(
            parse_utc_timestamp("2024-02-29T00:00:00+00:00"),
            Some(1_709_164_800_000)
        );
        for bad in [
            "",
            "yesterday",
            "2024-13-01T00:00:00",
            "2024-07-16",
            "2024-07-16T25:00:00",
            "1969-12-31T23:59:59",
            "2024-07-16-01T00:00:00",
        ] {
            assert_eq!(parse_utc_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn relative_times() {
        let now = 1_000_000_000_000;
        assert_eq!(relative_time(&en(), now - 10_000, now), "just now");
        assert_eq!(relative_time(&en(), now - 60_000, now), "1 minute ago");
        assert_eq!(
            relative_time(&en(), now - 5 * 3_600_000, now),
            "5 hours ago"
        );
        assert_eq!(
            relative_time(&en(), now - 3 * 86_400_000, now),
            "3 days ago"
        );
        assert_eq!(
            relative_time(&en(), now - 400 * 86_400_000, now),
            "1 year ago"
        );
        assert_eq!(relative_time(&en(), now + 2 * 86_400_000, now), "in 2 days");
    }

    #[test]
    fn page_spans() {
        let s = PageSpan::new(1, 25, 25, 10_000);
        assert_eq!(
            (s.label(&en()), s.last_page),
            ("1–25 of 10,000".to_string(), 400)
        );
        let s = PageSpan::new(3, 10, 5, 25);
        assert_eq!((s.first, s.last, s.last_page), (21, 25, 3));
        let s = PageSpan::new(1, 10, 0, 0);
        assert_eq!((s.label(&en()), s.last_page), ("0 of 0".to_string(), 1));
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_234_567), "1,234,567");
    }

    #[test]
    fn backoff_grows_after_three_failures_and_caps() {
        assert_eq!(backoff_after_failures(2), None);
        assert_eq!(backoff_after_failures(3), Some(5));
        assert_eq!(backoff_after_failures(4), Some(10));
        assert_eq!(backoff_after_failures(6), Some(40));
        assert_eq!(backoff_after_failures(50), Some(60));
    }

    #[test]
    fn hosts_shown_on_forms() {
        assert_eq!(
            host_of("https://nomad-lab.eu/prod/v1/api/v1", "p"),
            "nomad-lab.eu"
        );
        assert_eq!(
            host_of("http://127.0.0.1:8787/nomad/api/v1", "p"),
            "127.0.0.1:8787"
        );
        assert_eq!(
            host_of("/emulator/nomad/api/v1", "lab.example:8080"),
            "lab.example:8080"
        );
    }

    #[test]
    fn balances_have_two_decimals() {
        assert_eq!(two_decimals(42.5), "42.50");
        assert_eq!(two_decimals(0.0), "0.00");
        assert_eq!(two_decimals(1234.567), "1234.57");
        assert_eq!(two_decimals(-0.5), "-0.50");
        assert_eq!(two_decimals(0.004), "0.00");
    }
}
