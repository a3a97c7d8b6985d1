//! How things are worded for people: error messages and countdowns. Pure, so
//! the wording is tested natively and is the same in every view.

use crate::providers::{ApiError, ProviderId};

/// The sentence shown for an error from `provider` at `host`. Wrong-credential
/// wording is fixed per provider (the provider's own text goes to the
/// "details" disclosure, see [`provider_detail`]); no wording ever holds a secret.
pub fn error_message(provider: ProviderId, host: &str, err: &ApiError) -> String {
    let name = provider.display_name();
    match err {
        ApiError::WrongCredentials { .. } => match provider {
            ProviderId::Nomad => "NOMAD did not accept this username and password.".into(),
            ProviderId::Nemo => "NeMO Archive did not accept this username and password.".into(),
            ProviderId::Siminars => "Siminars did not accept this email and password.".into(),
            ProviderId::Nebula => "Nebula Block did not accept these credentials.".into(),
        },
        ApiError::SessionRejected { .. } => format!("{name} no longer accepts this session. Please sign in again."),
        ApiError::RateLimited { retry_after_secs: Some(s) } => {
            format!("{name} has had too many attempts. You can try again in {}.", format_duration_words(*s))
        }
        ApiError::RateLimited { retry_after_secs: None } => {
            format!("{name} has had too many attempts. Wait a minute before trying again.")
        }
        ApiError::ServerError { status, .. } => {
            format!("{name} had a problem on its side (HTTP {status}). Try again in a little while.")
        }
        ApiError::Refused { status, .. } => format!("{name} refused the request (HTTP {status})."),
        ApiError::Unreachable => format!(
            "Could not reach {host}. The server may be down, or it may not allow requests from this page \
             (CORS); a lab portal may need a reverse proxy."
        ),
        ApiError::Timeout { after_ms } => {
            format!("{host} did not answer within {} seconds. Try again.", after_ms / 1000)
        }
        ApiError::Malformed { what, .. } => format!("{name} sent an answer this widget could not read: {what}."),
        ApiError::NotSent { reason } => format!("Nothing was sent: {reason}."),
    }
}

/// The provider's own words, for the "what the server said" disclosure.
pub fn provider_detail(err: &ApiError) -> Option<&str> {
    match err {
        ApiError::WrongCredentials { message }
        | ApiError::SessionRejected { message }
        | ApiError::Refused { message, .. } => message.as_deref(),
        _ => None,
    }
}

/// A live countdown: `1:05:09`, `4:59`, `0:07`.
pub fn format_countdown(remaining_ms: u64) -> String {
    let secs = remaining_ms.div_ceil(1000);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h >= 48 {
        format!("{} days", h / 24)
    } else if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `45 seconds`, `2 minutes`, `1 hour 30 minutes`.
pub fn format_duration_words(secs: u64) -> String {
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match secs {
        0..=59 => plural(secs, "second"),
        60..=3599 => plural(secs.div_ceil(60), "minute"),
        _ if secs % 3600 / 60 == 0 => plural(secs / 3600, "hour"),
        _ => format!(
            "{} {}",
            plural(secs / 3600, "hour"),
            plural(secs % 3600 / 60, "minute")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countdowns() {
        assert_eq!(format_countdown(0), "0:00");
        assert_eq!(format_countdown(1), "0:01");
        assert_eq!(format_countdown(7_000), "0:07");
        assert_eq!(format_countdown(299_500), "5:00");
        assert_eq!(format_countdown(3_909_000), "1:05:09");
        assert_eq!(format_countdown(182 * 86_400_000), "182 days");
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(format_duration_words(1), "1 second");
        assert_eq!(format_duration_words(45), "45 seconds");
        assert_eq!(format_duration_words(61), "2 minutes");
        assert_eq!(format_duration_words(3600), "1 hour");
        assert_eq!(format_duration_words(5400), "1 hour 30 minutes");
    }

    #[test]
    fn wrong_credentials_have_one_wording_per_provider_without_the_raw_text() {
        let err = ApiError::WrongCredentials {
            message: Some("<b>Invalid Username or Password.</b>".into()),
        };
        let texts: Vec<String> = ProviderId::ALL
            .iter()
            .map(|p| error_message(*p, "h", &err))
            .collect();
        for t in &texts {
            assert!(!t.contains("<b>"), "{t}");
        }
        let mut unique = texts.clone();
        unique.dedup();
        assert_eq!(unique.len(), 4);
        assert_eq!(
            provider_detail(&err),
            Some("<b>Invalid Username or Password.</b>")
        );
    }

    #[test]
    fn unreachable_mentions_cors_and_the_host() {
        let t = error_message(
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
            ProviderId::Nomad,
            "h",
            &ApiError::RateLimited {
                retry_after_secs: Some(90),
            },
        );
        assert!(t.contains("2 minutes"), "{t}");
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
}
