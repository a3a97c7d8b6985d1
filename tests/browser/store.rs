//! The real sessionStorage store, and the widget's behaviour before any request.

use lab_login::config::Config;
use lab_login::providers::{ExpiryBasis, ProviderId, Secret, Session, TokenKind, UserInfo};
use lab_login::session::{storage_key, SessionStore, StorageError, KEY_PREFIX};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use crate::support::{clear, find, mount_app, now, open_tab, storage, tick, until};

fn session(provider: ProviderId, kind: TokenKind, expires_at_ms: Option<u64>) -> Session {
    Session {
        provider,
        base_url: format!("https://{}.example/api", provider.key()),
        token: Secret::new(format!("token-{}", provider.key())),
        kind,
        received_at_ms: now(),
        expires_at_ms,
        // The embeddable build does not store the basis: a reload reads `Unrecorded`.
        expiry_basis: ExpiryBasis::Unrecorded,
        user: UserInfo {
            name: Some("Ada Lovelace".into()),
            ..Default::default()
        },
    }
}

#[wasm_bindgen_test]
fn store_and_reload_from_session_storage() {
    clear();
    let s = session(ProviderId::Nomad, TokenKind::Access, Some(now() + 60_000));
    SessionStore::open().unwrap().save(&s).unwrap();
    // A new store reads what the page stored before: what a reload sees.
    let reloaded = SessionStore::open().unwrap();
    assert_eq!(
        reloaded.load(ProviderId::Nomad, &s.base_url, now()),
        Some(s.clone())
    );
    assert_eq!(reloaded.load_all(now()).live, vec![s.clone()]);
    // Nothing went anywhere but sessionStorage.
    let local = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert_eq!(local.length().unwrap(), 0);
}

#[wasm_bindgen_test]
fn expired_sessions_are_purged_on_load() {
    clear();
    let store = SessionStore::open().unwrap();
    let live = session(ProviderId::Nemo, TokenKind::Access, Some(now() + 60_000));
    let dying = session(ProviderId::Nebula, TokenKind::Access, Some(now() + 50));
    store.save(&live).unwrap();
    store.save(&dying).unwrap();
    storage()
        .set_item(&format!("{KEY_PREFIX}nomad/https://x"), "{not json")
        .unwrap();
    storage().set_item("host-page-key", "left alone").unwrap();
    assert_eq!(storage().length().unwrap(), 4);
    // Later than the second expiry: only the live one survives, and the dead entries are gone.
    let later = now() + 1_000;
    let loaded = store.load_all(later);
    assert_eq!(loaded.live, vec![live.clone()]);
    assert_eq!(loaded.to_give_back, vec![]);
    assert_eq!(
        storage()
            .get_item(&storage_key(ProviderId::Nebula, &dying.base_url))
            .unwrap(),
        None
    );
    assert_eq!(
        storage()
            .get_item(&format!("{KEY_PREFIX}nomad/https://x"))
            .unwrap(),
        None
    );
    assert_eq!(
        storage().get_item("host-page-key").unwrap().as_deref(),
        Some("left alone")
    );
    // Expiry is checked on a single read too.
    assert_eq!(
        store.load(ProviderId::Nemo, &live.base_url, later + 60_000),
        None
    );
    assert_eq!(
        storage()
            .get_item(&storage_key(ProviderId::Nemo, &live.base_url))
            .unwrap(),
        None
    );
}

#[wasm_bindgen_test]
fn an_expired_siminars_entry_stays_until_its_token_is_given_back() {
    clear();
    let store = SessionStore::open().unwrap();
    let dying = session(ProviderId::Siminars, TokenKind::Access, Some(now() + 50));
    store.save(&dying).unwrap();
    let later = now() + 1_000;
    let loaded = store.load_all(later);
    assert_eq!(loaded.live, vec![]);
    assert_eq!(loaded.to_give_back, vec![dying.clone()]);
    // Still there for a page whose widget can tell Siminars; never live again,
    // not even with the clock set back.
    assert_eq!(storage().length().unwrap(), 1);
    let earlier = store.load_all(now() - 60_000);
    assert_eq!(earlier.live, vec![]);
    assert_eq!(earlier.to_give_back.len(), 1);
    assert_eq!(earlier.to_give_back[0].token, dying.token);
    assert_eq!(
        store.load(ProviderId::Siminars, &dying.base_url, now() - 60_000),
        None
    );
    assert_eq!(storage().length().unwrap(), 1);
    store.remove(ProviderId::Siminars, &dying.base_url);
    assert_eq!(storage().length().unwrap(), 0);
}

#[wasm_bindgen_test]
fn api_keys_are_never_written() {
    clear();
    let key = session(ProviderId::Nebula, TokenKind::ApiKey, None);
    let err = SessionStore::open().unwrap().save(&key).unwrap_err();
    assert!(matches!(err, StorageError::NotStored(_)));
    assert_eq!(storage().length().unwrap(), 0);
}

#[wasm_bindgen_test]
async fn the_widget_renders_a_tab_and_labelled_form_per_provider() {
    clear();
    let host = mount_app(Config::default());
    tick().await;
    let tabs = host.query_selector_all("[role=tab]").unwrap();
    assert_eq!(tabs.length(), 3, "NOMAD, NeMO and Nebula by default");
    assert!(host.text_content().unwrap().contains("nomad-lab.eu"));
    // Each form is built when its tab is first opened.
    assert!(find(&host, "[data-testid=form-nemo]").is_none());
    for (provider, name) in [
        ("nomad", "Sign in to NOMAD"),
        ("nemo", "Sign in to NeMO Archive"),
        ("nebula", "Sign in to Nebula Block"),
    ] {
        open_tab(&host, provider).await;
        let form = format!("[data-testid=form-{provider}]");
        assert!(
            crate::support::text(&host, &form).contains(name),
            "missing {name:?}"
        );
    }
    let password = host
        .query_selector("[data-testid=form-nomad] [data-testid=password]")
        .unwrap()
        .unwrap();
    assert_eq!(
        password.get_attribute("autocomplete").as_deref(),
        Some("current-password")
    );
    let username = host
        .query_selector("[data-testid=form-nomad] [data-testid=username]")
        .unwrap()
        .unwrap();
    assert_eq!(
        username.get_attribute("autocomplete").as_deref(),
        Some("username")
    );
    // Real labels, tied to their inputs by id.
    let label = format!("label[for='{}']", password.id());
    assert!(host.query_selector(&label).unwrap().is_some(), "{label}");
    assert!(!host.inner_html().contains("autocomplete=\"off\""));
    host.remove();
}

#[wasm_bindgen_test]
async fn a_stored_session_is_restored_as_a_card_and_sign_out_forgets_it() {
    clear();
    let config = Config::default();
    let mut s = session(ProviderId::Nomad, TokenKind::Access, Some(now() + 600_000));
    s.base_url = config.nomad.clone().unwrap().url;
    SessionStore::open().unwrap().save(&s).unwrap();
    let host = mount_app(config);
    tick().await;
    let card = host
        .query_selector("[data-testid=session-nomad]")
        .unwrap()
        .expect("restored session card");
    let card_text = card.text_content().unwrap();
    assert!(
        card_text.contains("Ada Lovelace") && card_text.contains("expires in"),
        "{card_text}"
    );
    assert!(
        !host.inner_html().contains("token-nomad"),
        "the token must not reach the DOM"
    );
    let button: web_sys::HtmlElement = host
        .query_selector("[data-testid=sign-out-nomad]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    button.click();
    assert!(
        until(|| host
            .query_selector("[data-testid=session-nomad]")
            .unwrap()
            .is_none())
        .await
    );
    assert_eq!(storage().length().unwrap(), 0);
    host.remove();
}

#[wasm_bindgen_test]
async fn an_empty_submit_explains_itself_and_sends_nothing() {
    clear();
    let host = mount_app(Config::default());
    tick().await;
    let submit: web_sys::HtmlElement = host
        .query_selector("[data-testid=form-nomad] [data-testid=submit]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    submit.click();
    assert!(
        until(|| host
            .text_content()
            .unwrap()
            .contains("Enter your username and password"))
        .await
    );
    host.remove();
}
