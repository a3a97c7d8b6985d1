//! The widget mounted into a fresh element, signing in to the running emulator:
//! every provider's success and failure, busy state, error messages, restore,
//! expiry, sign-out, and the NOMAD uploads view.

use lab_login::providers::{ExpiryBasis, ProviderId, Secret, Session, TokenKind, UserInfo};
use lab_login::session::SessionStore;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::support::*;

/// Nothing secret may be in the page or storage beyond the token itself.
fn assert_nowhere(host: &web_sys::HtmlElement, secret: &str) {
    assert!(
        !host.inner_html().contains(secret),
        "a secret reached the DOM"
    );
    let storage = storage();
    for i in 0..storage.length().unwrap() {
        let key = storage.key(i).unwrap().unwrap();
        assert!(
            !storage.get_item(&key).unwrap().unwrap().contains(secret),
            "a secret reached sessionStorage"
        );
    }
    assert!(
        !web_sys::window()
            .unwrap()
            .location()
            .href()
            .unwrap()
            .contains(secret),
        "a secret reached the URL"
    );
}

#[wasm_bindgen_test]
async fn nomad_sign_in_shows_the_session_and_the_uploads() {
    clear();
    let host = mount_app(emulator_config(10));
    tick().await;
    sign_in(&host, "nomad", "ada", "ada-demo-pw").await;
    assert!(
        until(|| find(&host, "[data-testid=session-nomad]").is_some()).await,
        "no session card"
    );
    assert!(text(&host, "[data-testid=session-nomad]").contains("Ada Lovelace"));
    assert!(text(&host, "[data-testid=session-countdown]").contains("expires in"));
    // The NOMAD tab now holds the session instead of the form, and says so.
    assert!(find(&host, "[data-testid=form-nomad]").is_none());
    assert_eq!(
        text(
            &host,
            "[data-testid=tab-nomad] [data-testid=signed-in-mark]"
        ),
        " (signed in)"
    );
    assert_eq!(storage().length().unwrap(), 1);
    assert_nowhere(&host, "ada-demo-pw");

    // The uploads view opens, and a hostile name stays text.
    assert!(
        until(|| host
            .query_selector_all("[data-testid=upload-row]")
            .unwrap()
            .length()
            == 10)
        .await,
        "no uploads table"
    );
    assert_eq!(text(&host, "[data-testid=page-span]"), "1–10 of 25");
    let select: web_sys::HtmlSelectElement =
        get(&host, "[data-testid=uploads-page-size]").unchecked_into();
    select.set_value("25");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    assert!(until(|| text(&host, "[data-testid=page-span]") == "1–25 of 25").await);
    assert!(
        host.text_content()
            .unwrap()
            .contains("<img src=x onerror=alert(1)>"),
        "hostile name shown as text"
    );
    assert!(
        find(&host, "[data-testid=uploads-table] img").is_none(),
        "no element injected by a name"
    );
    host.remove();
    clear();
}

#[wasm_bindgen_test]
async fn a_wrong_password_says_so_keeps_the_form_usable_and_takes_focus() {
    clear();
    let host = mount_app(emulator_config(10));
    tick().await;
    sign_in(&host, "nomad", "ada", "not-my-password").await;
    assert!(
        until(
            || text(&host, "[data-testid=form-nomad] [data-testid=error]")
                .contains("did not accept")
        )
        .await
    );
    // Our own words only: the server's go to the teaching bundle's inspector.
    assert!(!text(&host, "[data-testid=form-nomad] [data-testid=error]")
        .contains("Incorrect username or password"));
    let error_focused = || {
        let document = web_sys::window().unwrap().document().unwrap();
        document
            .active_element()
            .and_then(|e| e.get_attribute("data-testid"))
            .as_deref()
            == Some("error")
    };
    assert!(until(error_focused).await, "focus moves to the message");
    assert_eq!(
        input(&host, "[data-testid=form-nomad] [data-testid=username]").value(),
        "ada"
    );
    assert_eq!(
        input(&host, "[data-testid=form-nomad] [data-testid=password]").value(),
        ""
    );
    assert_eq!(storage().length().unwrap(), 0);
    assert_nowhere(&host, "not-my-password");
    // Usable again: the right password now works.
    sign_in(&host, "nomad", "ada", "ada-demo-pw").await;
    assert!(until(|| find(&host, "[data-testid=session-nomad]").is_some()).await);
    host.remove();
    clear();
}

#[wasm_bindgen_test]
async fn three_wrong_passwords_in_a_row_slow_the_form_down() {
    clear();
    let host = mount_app(emulator_config(10));
    tick().await;
    for n in 1..=3 {
        attempt(&host, "nemo", "jdoe", "wrong").await;
        let error = text(&host, "[data-testid=form-nemo] [data-testid=error]");
        assert!(error.contains("did not accept"), "attempt {n}: {error}");
        assert_eq!(
            error.contains("After 3 failed attempts"),
            n == 3,
            "attempt {n}: {error}"
        );
    }
    assert!(text(&host, "[data-testid=form-nemo]").contains("You can try again in"));
    let button: web_sys::HtmlButtonElement =
        get(&host, "[data-testid=form-nemo] [data-testid=submit]").unchecked_into();
    assert!(button.disabled(), "the form holds off");
    host.remove();
}

#[wasm_bindgen_test]
async fn nemo_siminars_and_nebula_sign_in_and_out() {
    clear();
    let host = mount_app(emulator_config(10));
    tick().await;
    sign_in(&host, "nemo", "jdoe", "nemo-demo-pw").await;
    assert!(until(|| text(&host, "[data-testid=session-nemo]").contains("John Doe")).await);

    let before = stats().await;
    sign_in(&host, "siminars", "Piyush@Siminars.COM", "Hello").await;
    assert!(until(|| find(&host, "[data-testid=session-siminars]").is_some()).await);
    let after = stats().await;
    assert_eq!(
        after["siminars_non_digest_passwords"], before["siminars_non_digest_passwords"],
        "only the digest was sent"
    );
    assert_nowhere(&host, "9f80d0bd2cdbbb89ac0287643a39bed2");

    sign_in(&host, "nebula", "demo@nebula.example", "nebula-demo-pw").await;
    assert!(until(|| text(&host, "[data-testid=nebula-balance]").contains("42.50")).await);
    assert!(text(&host, "[data-testid=session-nebula]").contains("Nebula Demo"));
    for provider in ["nemo", "siminars", "nebula"] {
        assert!(
            find(&host, &format!("[data-testid=session-{provider}]")).is_some(),
            "{provider} card"
        );
    }

    // Siminars sign-out tells the server: its live token count drops.
    let live = stats().await["siminars_live_tokens"].as_u64().unwrap();
    get(&host, "[data-testid=sign-out-siminars]").click();
    assert!(until(|| find(&host, "[data-testid=session-siminars]").is_none()).await);
    let mut dropped = false;
    for _ in 0..50 {
        if stats().await["siminars_live_tokens"].as_u64().unwrap() < live {
            dropped = true;
            break;
        }
        sleep(50).await;
    }
    assert!(dropped, "DELETE /authtoken reached the server");
    assert_eq!(storage().length().unwrap(), 2, "NeMO and Nebula remain");
    host.remove();
    clear();
}

#[wasm_bindgen_test]
async fn failures_for_each_provider_use_its_wording() {
    clear();
    let host = mount_app(emulator_config(10));
    tick().await;
    for (provider, user, expected) in [
        ("nemo", "jdoe", "NeMO Archive did not accept"),
        ("siminars", "piyush@siminars.com", "Siminars did not accept"),
        (
            "nebula",
            "demo@nebula.example",
            "Nebula Block did not accept",
        ),
    ] {
        sign_in(&host, provider, user, "wrong-password").await;
        let selector = format!("[data-testid=form-{provider}] [data-testid=error]");
        assert!(
            until(|| text(&host, &selector).contains(expected)).await,
            "{provider}: {}",
            text(&host, &selector)
        );
    }
    assert_eq!(storage().length().unwrap(), 0);
    host.remove();
}

#[wasm_bindgen_test]
async fn a_nebula_api_key_is_checked_and_kept_in_memory_only() {
    clear();
    let host = mount_app(emulator_config(10));
    tick().await;
    open_tab(&host, "nebula").await;
    let toggle: web_sys::HtmlInputElement =
        get(&host, "[data-testid=form-nebula] [data-testid=use-api-key]").unchecked_into();
    toggle.click();
    tick().await;
    input(&host, "[data-testid=form-nebula] [data-testid=api-key]").set_value("ak_wrongKey");
    get(&host, "[data-testid=form-nebula] [data-testid=submit]").click();
    assert!(
        until(
            || text(&host, "[data-testid=form-nebula] [data-testid=error]")
                .contains("did not accept")
        )
        .await
    );

    input(&host, "[data-testid=form-nebula] [data-testid=api-key]")
        .set_value("ak_demoKey_W4KL0Rw8Rv6Mp7h7fY77dFgHDl");
    get(&host, "[data-testid=form-nebula] [data-testid=submit]").click();
    assert!(until(|| text(&host, "[data-testid=session-nebula]").contains("42.50")).await);
    assert!(text(&host, "[data-testid=session-nebula]").contains("API key"));
    assert_eq!(storage().length().unwrap(), 0, "API keys are never stored");
    assert!(
        find(&host, "[data-testid=form-nebula]").is_none(),
        "the tab holds the session now"
    );
    assert_nowhere(&host, "ak_demoKey_W4KL0Rw8Rv6Mp7h7fY77dFgHDl");
    host.remove();
}

#[wasm_bindgen_test]
async fn while_a_sign_in_runs_the_button_is_busy_and_a_second_submit_sends_nothing() {
    clear();
    let host = mount_app(emulator_config(10));
    tick().await;
    arm_fault("latency=1500", "/nomad/", 1).await;
    let before = stats().await["requests"].as_u64().unwrap();
    sign_in(&host, "nomad", "ada", "ada-demo-pw").await;
    assert!(
        until(
            || text(&host, "[data-testid=form-nomad] [data-testid=submit]").contains("Signing in")
        )
        .await
    );
    let button: web_sys::HtmlButtonElement =
        get(&host, "[data-testid=form-nomad] [data-testid=submit]").unchecked_into();
    assert!(button.disabled());
    // A second submit (Enter, or a script) while busy.
    let form: web_sys::HtmlFormElement = get(&host, "[data-testid=form-nomad]").unchecked_into();
    input(&host, "[data-testid=form-nomad] [data-testid=password]").set_value("ada-demo-pw");
    form.request_submit().unwrap();
    assert!(until(|| find(&host, "[data-testid=session-nomad]").is_some()).await);
    sleep(300).await;
    let sent = stats().await["requests"].as_u64().unwrap() - before;
    // One sign-in, then the uploads page that opens with the session.
    assert!(sent <= 2, "{sent} requests");
    host.remove();
    clear();
}

#[wasm_bindgen_test]
async fn server_faults_become_clear_messages() {
    clear();
    let host = mount_app(emulator_config(2));
    tick().await;
    let error = "[data-testid=form-nomad] [data-testid=error]";
    for (fault, expected) in [
        ("html500", "had a problem on its side (HTTP 500)"),
        ("truncated", "could not read: the answer was cut short"),
        ("empty", "could not read: the answer was empty"),
        ("wrong-content-type", ""),
        ("large", "the answer was too large"),
        ("drop", "Could not reach"),
        ("latency=4000", "did not answer within 2 seconds"),
    ] {
        arm_fault(fault, "/nomad/", 1).await;
        let password = if fault == "wrong-content-type" {
            "wrong"
        } else {
            "ada-demo-pw"
        };
        attempt(&host, "nomad", "ada", password).await;
        let wanted = if expected.is_empty() {
            "did not accept"
        } else {
            expected
        };
        assert!(
            text(&host, error).contains(wanted),
            "{fault}: {}",
            text(&host, error)
        );
    }
    assert!(find(&host, "[data-testid=session-nomad]").is_none());
    clear_faults().await;
    host.remove();
}

#[wasm_bindgen_test]
async fn a_rate_limit_counts_down_and_holds_the_form() {
    clear();
    let host = mount_app(emulator_config(10));
    tick().await;
    arm_fault("429=2", "/nemo/", 1).await;
    sign_in(&host, "nemo", "jdoe", "nemo-demo-pw").await;
    assert!(
        until(
            || text(&host, "[data-testid=form-nemo] [data-testid=error]")
                .contains("too many attempts")
        )
        .await
    );
    assert!(until(|| text(&host, "[data-testid=retry-countdown]").contains("try again in")).await);
    let button: web_sys::HtmlButtonElement =
        get(&host, "[data-testid=form-nemo] [data-testid=submit]").unchecked_into();
    assert!(button.disabled());
    assert!(until(|| !button.disabled()).await, "the wait ends");
    sign_in(&host, "nemo", "jdoe", "nemo-demo-pw").await;
    assert!(until(|| find(&host, "[data-testid=session-nemo]").is_some()).await);
    host.remove();
    clear();
}

#[wasm_bindgen_test]
async fn a_session_survives_a_remount_and_expires_on_time() {
    clear();
    set_lifetimes(r#"{"nomad": 3}"#).await;
    let host = mount_app(emulator_config(10));
    tick().await;
    sign_in(&host, "nomad", "newbie", "newbie-demo-pw").await;
    assert!(until(|| find(&host, "[data-testid=session-nomad]").is_some()).await);
    set_lifetimes(r#"{"nomad": 300}"#).await;
    // Inside the warning window at once (3 s < 120 s).
    assert!(find(&host, "[data-testid=expiry-warning]").is_some());
    assert!(
        until(|| find(&host, "[data-testid=uploads-empty]").is_some()).await,
        "the empty state"
    );
    host.remove();

    // A reload: a new widget restores the session from sessionStorage.
    let again = mount_app(emulator_config(10));
    tick().await;
    assert!(
        find(&again, "[data-testid=session-nomad]").is_some(),
        "restored"
    );
    // Then it expires: signed out, with the reason, and purged.
    assert!(
        until_ms(6_000, || find(&again, "[data-testid=session-nomad]")
            .is_none())
        .await
    );
    assert!(text(&again, "[data-testid=session-ended]").contains("expired"));
    assert_eq!(storage().length().unwrap(), 0);
    again.remove();
}

#[wasm_bindgen_test]
async fn a_refused_token_signs_nomad_out_with_the_reason() {
    clear();
    let config = emulator_config(10);
    let forged = Session {
        provider: ProviderId::Nomad,
        base_url: config.nomad.clone().unwrap().url,
        token: Secret::new("forged.token.value"),
        kind: TokenKind::Access,
        received_at_ms: now(),
        expires_at_ms: Some(now() + 600_000),
        expiry_basis: ExpiryBasis::ExpiresIn,
        user: UserInfo::default(),
    };
    SessionStore::open().unwrap().save(&forged).unwrap();
    let host = mount_app(config);
    assert!(until(|| find(&host, "[data-testid=session-nomad]").is_none()).await);
    assert!(text(&host, "[data-testid=session-ended]").contains("no longer accepts"));
    assert_eq!(storage().length().unwrap(), 0);
    host.remove();
}

#[wasm_bindgen_test]
async fn ten_thousand_uploads_page_and_sort_on_the_server() {
    clear();
    let host = mount_app(emulator_config(10));
    tick().await;
    sign_in(&host, "nomad", "bulk", "bulk-demo-pw").await;
    let span = || text(&host, "[data-testid=page-span]");
    assert!(until(|| span() == "1–10 of 10,000").await, "{}", span());
    get(&host, "[data-testid=page-next]").click();
    assert!(until(|| span() == "11–20 of 10,000").await);
    get(&host, "[data-testid=page-last]").click();
    assert!(until(|| span() == "9,991–10,000 of 10,000").await);
    let next: web_sys::HtmlButtonElement = get(&host, "[data-testid=page-next]").unchecked_into();
    assert!(next.disabled());
    get(&host, "[data-testid=page-prev]").click();
    assert!(until(|| span() == "9,981–9,990 of 10,000").await);
    get(&host, "[data-testid=page-first]").click();
    assert!(until(|| span() == "1–10 of 10,000").await);

    get(&host, "[data-testid=sort-name]").click();
    assert!(
        until(|| find(&host, "th[aria-sort=descending] [data-testid=sort-name]").is_some()).await
    );
    get(&host, "[data-testid=sort-name]").click();
    assert!(
        until(|| find(&host, "th[aria-sort=ascending] [data-testid=sort-name]").is_some()).await
    );
    sleep(300).await;
    let names: Vec<String> = {
        let rows = host
            .query_selector_all("[data-testid=upload-name]")
            .unwrap();
        (0..rows.length())
            .map(|i| rows.item(i).unwrap().text_content().unwrap())
            .collect()
    };
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sorted by name, ascending");

    let filter: web_sys::HtmlSelectElement =
        get(&host, "[data-testid=uploads-filter]").unchecked_into();
    filter.set_value("processing");
    filter
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    assert!(until(|| span() == "1–10 of 2,000").await, "{}", span());
    let statuses = host
        .query_selector_all("[data-testid=upload-status]")
        .unwrap();
    for i in 0..statuses.length() {
        assert_eq!(statuses.item(i).unwrap().text_content().unwrap(), "running");
    }
    host.remove();
    clear();
}

#[wasm_bindgen_test]
async fn a_failed_siminars_logout_is_reported() {
    clear();
    let host = mount_app(emulator_config(10));
    tick().await;
    sign_in(&host, "siminars", "piyush@siminars.com", "Hello").await;
    assert!(until(|| find(&host, "[data-testid=session-siminars]").is_some()).await);
    arm_fault("html500", "/siminars/authtoken", 1).await;
    get(&host, "[data-testid=sign-out-siminars]").click();
    assert!(until(|| find(&host, "[data-testid=session-siminars]").is_none()).await);
    assert_eq!(storage().length().unwrap(), 0, "forgotten locally at once");
    assert!(
        until(|| text(&host, "[data-testid=session-ended]").contains("could not be told")).await
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn a_session_the_browser_will_not_store_is_kept_in_memory_and_said_so() {
    clear();
    // Fill sessionStorage to the last byte of its quota (halving the chunk when
    // it no longer fits), so that the widget's write is refused.
    let (mut size, mut i) = (256 * 1024, 0);
    while size >= 1 {
        if storage()
            .set_item(&format!("f{i}"), &"x".repeat(size))
            .is_ok()
        {
            i += 1;
            assert!(i < 2_000, "sessionStorage has no quota?");
        } else {
            size /= 2;
        }
    }
    let host = mount_app(emulator_config(10));
    tick().await;
    sign_in(&host, "nemo", "jdoe", "nemo-demo-pw").await;
    assert!(
        until(|| find(&host, "[data-testid=session-nemo]").is_some()).await,
        "still signed in, in memory"
    );
    assert!(text(&host, "[data-testid=session-ended]").contains("refused to save the session"));
    clear();
    host.remove();
}

#[wasm_bindgen_test]
async fn a_siminars_sign_in_that_lands_after_unmount_is_signed_out_on_the_server() {
    clear();
    let host = mount_app(emulator_config(10));
    tick().await;
    let before = stats().await;
    let count = |s: &serde_json::Value, key: &str| s[key].as_u64().unwrap_or(0);
    arm_fault("latency=600", "/siminars/authtoken", 1).await;
    sign_in(&host, "siminars", "piyush@siminars.com", "Hello").await;
    sleep(100).await;
    // The host unmounts the widget while the answer is on its way.
    unmount_app();
    host.remove();
    let mut after = stats().await;
    for _ in 0..50 {
        if count(&after, "requests") >= count(&before, "requests") + 2 {
            break;
        }
        sleep(100).await;
        after = stats().await;
    }
    assert_eq!(
        count(&after, "requests"),
        count(&before, "requests") + 2,
        "the sign-in, then its sign-out"
    );
    assert_eq!(
        count(&after, "siminars_live_tokens"),
        count(&before, "siminars_live_tokens"),
        "no token of a widget that is gone stays live on the server"
    );
}

#[wasm_bindgen_test]
async fn a_sign_in_submitted_just_before_unmount_sends_nothing() {
    clear();
    let host = mount_app(emulator_config(10));
    tick().await;
    let before = stats().await["requests"].as_u64().unwrap();
    sign_in(&host, "siminars", "piyush@siminars.com", "Hello").await;
    // Still in the submit's task: the request waits for the busy state to paint,
    // and the widget is gone by then.
    unmount_app();
    host.remove();
    sleep(500).await;
    assert_eq!(
        stats().await["requests"].as_u64().unwrap(),
        before,
        "no sign-in (and so no sign-out) for a widget that is gone"
    );
}
