//! Every sentence a person using the widget reads, per language: one catalog
//! (configuration errors, written for the page owner, stay in English). English is
//! complete; German too (its known gaps are listed in [`DE_MISSING`], which a
//! test keeps honest). A host may override any message, per language, through
//! `lab-login.json` (`"messages": {"de": {"key": "text"}}`) or `mount()`. A
//! missing translation falls back to English, never to a key name.
//!
//! Texts hold `{name}` placeholders; plurals are two keys, `….one` and `….other`.

/// The languages the widget ships.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    De,
}

impl Lang {
    /// The language for a BCP 47 tag (`de`, `de-AT`, `en-GB`); `None` for others.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "de" => Some(Self::De),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
        }
    }

    fn catalog(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::En => EN,
            Self::De => DE,
        }
    }

    /// The inspector's and demo controls' texts, only where they are built in.
    #[cfg(any(test, feature = "teaching"))]
    fn teaching(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::En => crate::inspector::messages::EN,
            Self::De => crate::inspector::messages::DE,
        }
    }

    #[cfg(not(any(test, feature = "teaching")))]
    fn teaching(self) -> &'static [(&'static str, &'static str)] {
        &[]
    }
}

/// Host overrides: `(language tag, key, text)`.
pub type Overrides = Vec<(String, String, String)>;

/// The texts of one widget: its language, and the host's overrides.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Messages {
    lang: Lang,
    overrides: Overrides,
}

impl Messages {
    pub fn new(lang: Lang, overrides: Overrides) -> Self {
        Self { lang, overrides }
    }

    pub fn english() -> Self {
        Self::default()
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    fn lookup(&self, lang: Lang, key: &str) -> Option<&str> {
        self.overrides
            .iter()
            .find(|(l, k, _)| Lang::from_tag(l) == Some(lang) && k == key)
            .map(|(_, _, t)| t.as_str())
            .or_else(|| {
                lang.catalog()
                    .iter()
                    .chain(lang.teaching())
                    .find(|(k, _)| *k == key)
                    .map(|(_, t)| *t)
            })
    }

    /// The text for `key`: this language (host first), else English.
    pub fn get(&self, key: &str) -> String {
        debug_assert!(is_key(key), "no message {key}");
        self.lookup(self.lang, key)
            .or_else(|| self.lookup(Lang::En, key))
            .unwrap_or_default()
            .to_string()
    }

    /// The text for `key` with its `{placeholders}` filled in.
    pub fn fmt(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.get(key);
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// `key.one` or `key.other`, with `{n}` filled in.
    pub fn plural(&self, key: &str, n: u64) -> String {
        let form = if n == 1 { "one" } else { "other" };
        self.fmt(&format!("{key}.{form}"), &[("n", &n.to_string())])
    }
}

/// Whether `key` names a message (host overrides of unknown keys are refused).
pub fn is_key(key: &str) -> bool {
    EN.iter().chain(Lang::En.teaching()).any(|(k, _)| *k == key)
}

/// German messages that are knowingly not translated yet (English is shown).
pub const DE_MISSING: &[&str] = &[];

const EN: &[(&str, &str)] = &[
    // The widget and its tabs.
    ("tabs.label", "Sign in to"),
    ("tab.signed-in", " (signed in)"),
    ("config.error", "The login widget could not start: {why}"),
    // The sign-in form.
    ("form.sends-password", "Sends your password to "),
    ("form.sends-token", "Sends your token to "),
    ("form.sends-key", "Sends your key to "),
    ("form.insecure", " — without encryption (http)"),
    ("form.username", "Username"),
    ("form.email", "Email"),
    ("form.password", "Password"),
    ("form.show", "Show"),
    ("form.hide", "Hide"),
    ("form.password-suffix", " password"),
    ("form.caps-lock", "Caps Lock is on."),
    ("form.forgot", "Forgot your password?"),
    ("form.forgot-new-tab", " ({provider}, opens in a new tab)"),
    ("form.forgot-siminars", "Forgot your password? Siminars resets it only on its web site."),
    ("form.use-token", " Use a token instead"),
    ("form.token", "Personal access token or app token"),
    ("form.token-hint", "A personal access token is kept in this page only, until you reload it or for at most {cap}. An app token is kept in this tab until it expires, like a sign-in."),
    ("form.use-key", " Use an API key instead"),
    ("form.key", "API key"),
    ("form.key-hint", "Keys never expire, so this one is kept in memory only: reloading the page forgets it."),
    ("form.submit", "Sign in to {provider}"),
    ("form.submitting", "Signing in to {provider}…"),
    ("form.retry-in", "You can try again in {secs} s."),
    ("form.enter-username", "Enter your username and password."),
    ("form.enter-email", "Enter your email and password."),
    ("form.bad-key", "An API key starts with ak_ and has no spaces."),
    ("form.bad-token", "Paste a NOMAD personal access token (it starts with nomad_pat_) or an app token."),
    ("form.token-refused", "NOMAD did not accept this token: it is wrong, expired or revoked."),
    ("form.slow-down", " After {n} failed attempts, the form waits {wait} before the next one, because {provider} may lock the account."),
    // Errors.
    ("error.wrong.nomad", "NOMAD did not accept this username and password."),
    ("error.wrong.nemo", "NeMO Archive did not accept this username and password."),
    ("error.wrong.siminars", "Siminars did not accept this email and password."),
    ("error.wrong.nebula", "Nebula Block did not accept these credentials."),
    ("error.session-rejected", "{provider} no longer accepts this session. Please sign in again."),
    ("error.rate-limited-for", "{provider} has had too many attempts. You can try again in {wait}."),
    ("error.rate-limited", "{provider} has had too many attempts. Wait a minute before trying again."),
    ("error.server", "{provider} had a problem on its side (HTTP {status}). Try again in a little while."),
    ("error.missing-permission", "Your {provider} token works, but it is missing a permission this needs. Make a token with that permission, or sign in with your password."),
    ("error.not-admitted", "Your password was right, but this {provider} server ({host}) does not admit your account. Ask its administrators for access."),
    ("error.refused", "{provider} refused the request (HTTP {status})."),
    ("error.unreachable", "Could not reach {host}. The server may be down, or it may not allow requests from this page (CORS); a lab portal may need a reverse proxy."),
    ("error.timeout", "{host} did not answer within {wait}. Try again."),
    ("error.malformed", "{provider} sent an answer this widget could not read: {what}."),
    ("error.not-sent", "Nothing was sent: {reason}."),
    ("error.cancelled", "The request was cancelled."),
    // Sessions.
    ("session.label", "{provider} session"),
    ("session.signed-in", "Signed in"),
    ("session.sign-out", "Sign out"),
    ("session.kind.access", "access token"),
    ("session.kind.app", "app token"),
    ("session.kind.api-key", "API key"),
    ("session.kind.personal", "personal access token"),
    ("session.no-expiry", "does not expire; kept in memory only"),
    ("session.personal-cap", "kept in this page only, until you reload it or for at most {cap} (ends in {left})"),
    ("session.expires-in", "expires in {left}"),
    ("session.expiring", "This session is about to expire. Sign in again to keep working."),
    ("session.expired", "Your {provider} session expired. Please sign in again."),
    ("session.other-tab", "You signed out of {provider} in another tab."),
    ("session.logout-failed", "Signed out here, but {provider} could not be told, so the token may stay valid on its side. {why}"),
    ("session.not-kept", "Note: {why}."),
    ("session.uploads-need-sign-in", "{why} Your uploads need a new sign-in."),
    ("balance.loading", "Balance: loading…"),
    ("balance.value", "Balance: {amount} credits"),
    ("balance.unavailable", "Balance unavailable: {why}"),
    // NOMAD app tokens.
    ("app-token.summary", "App token for scripts"),
    ("app-token.valid-for", "Valid for"),
    ("app-token.create", "Create app token"),
    ("app-token.ready", "A token valid for {lifetime} is ready. It is shown only once and is not saved."),
    ("app-token.copy", "Copy to clipboard"),
    ("app-token.copied", "Copied"),
    ("app-token.done", "Done"),
    ("app-token.no-clipboard", "The browser did not allow copying to the clipboard."),
    // NOMAD uploads.
    ("uploads.title", "Your NOMAD uploads"),
    ("uploads.refresh", "Refresh"),
    ("uploads.show", "Show"),
    ("uploads.all", "All uploads"),
    ("uploads.published", "Published"),
    ("uploads.unpublished", "Unpublished"),
    ("uploads.processing", "Processing"),
    ("uploads.per-page", "Per page"),
    ("uploads.loading", "Loading…"),
    ("uploads.loading-first", "Loading your uploads…"),
    ("uploads.first-page", "Go to the first page"),
    ("uploads.try-again", "Try again"),
    ("uploads.none-match", "No uploads match this filter."),
    ("uploads.none", "You have no uploads yet."),
    ("uploads.table", "Uploads table"),
    ("uploads.name", "Name"),
    ("uploads.id", "ID"),
    ("uploads.created", "Created"),
    ("uploads.entries", "Entries"),
    ("uploads.license", "License"),
    ("uploads.skipped", "{n} entries in this page could not be read and are not shown."),
    ("uploads.pages", "Pages of uploads"),
    ("uploads.page-first", "« First"),
    ("uploads.page-prev", "‹ Previous"),
    ("uploads.page-next", "Next ›"),
    ("uploads.page-last", "Last »"),
    ("uploads.span", "{first}–{last} of {total}"),
    ("uploads.span-empty", "0 of 0"),
    ("uploads.embargo", "under embargo ({months} months)"),
    ("uploads.embargo-plain", "under embargo"),
    ("uploads.is-published", "published"),
    ("uploads.no", "no"),
    ("uploads.unnamed", "(unnamed)"),
    ("uploads.status.success", "success"),
    ("uploads.status.failure", "failure"),
    ("uploads.status.running", "running"),
    ("uploads.status.other", "not processed"),
    // Durations and relative times.
    ("unit.second.one", "{n} second"),
    ("unit.second.other", "{n} seconds"),
    ("unit.minute.one", "{n} minute"),
    ("unit.minute.other", "{n} minutes"),
    ("unit.hour.one", "{n} hour"),
    ("unit.hour.other", "{n} hours"),
    ("unit.day.one", "{n} day"),
    ("unit.day.other", "{n} days"),
    ("unit.month.one", "{n} month"),
    ("unit.month.other", "{n} months"),
    ("unit.year.one", "{n} year"),
    ("unit.year.other", "{n} years"),
    ("time.just-now", "just now"),
    ("time.in", "in {span}"),
    ("time.ago", "{span} ago"),
];

const DE: &[(&str, &str)] = &[
    ("tabs.label", "Anmelden bei"),
    ("tab.signed-in", " (angemeldet)"),
    ("config.error", "Das Anmelde-Widget konnte nicht starten: {why}"),
    ("form.sends-password", "Sendet Ihr Passwort an "),
    ("form.sends-token", "Sendet Ihr Token an "),
    ("form.sends-key", "Sendet Ihren Schlüssel an "),
    ("form.insecure", " — unverschlüsselt (http)"),
    ("form.username", "Benutzername"),
    ("form.email", "E-Mail"),
    ("form.password", "Passwort"),
    ("form.show", "Zeigen"),
    ("form.hide", "Verbergen"),
    ("form.password-suffix", " Passwort"),
    ("form.caps-lock", "Die Feststelltaste ist aktiv."),
    ("form.forgot", "Passwort vergessen?"),
    ("form.forgot-new-tab", " ({provider}, öffnet in einem neuen Tab)"),
    ("form.forgot-siminars", "Passwort vergessen? Siminars setzt es nur auf seiner Website zurück."),
    ("form.use-token", " Stattdessen ein Token verwenden"),
    ("form.token", "Persönliches Zugriffstoken oder App-Token"),
    ("form.token-hint", "Ein persönliches Zugriffstoken bleibt nur in dieser Seite, bis Sie sie neu laden, höchstens {cap}. Ein App-Token bleibt in diesem Tab, bis es abläuft, wie eine Anmeldung."),
    ("form.use-key", " Stattdessen einen API-Schlüssel verwenden"),
    ("form.key", "API-Schlüssel"),
    ("form.key-hint", "Schlüssel laufen nie ab, deshalb bleibt dieser nur im Speicher: Neuladen der Seite vergisst ihn."),
    ("form.submit", "Bei {provider} anmelden"),
    ("form.submitting", "Anmeldung bei {provider}…"),
    ("form.retry-in", "Sie können es in {secs} s erneut versuchen."),
    ("form.enter-username", "Geben Sie Benutzername und Passwort ein."),
    ("form.enter-email", "Geben Sie E-Mail und Passwort ein."),
    ("form.bad-key", "Ein API-Schlüssel beginnt mit ak_ und enthält keine Leerzeichen."),
    ("form.bad-token", "Fügen Sie ein persönliches NOMAD-Zugriffstoken (beginnt mit nomad_pat_) oder ein App-Token ein."),
    ("form.token-refused", "NOMAD hat dieses Token nicht akzeptiert: Es ist falsch, abgelaufen oder widerrufen."),
    ("form.slow-down", " Nach {n} fehlgeschlagenen Versuchen wartet das Formular {wait} bis zum nächsten, weil {provider} das Konto sperren könnte."),
    ("error.wrong.nomad", "NOMAD hat diesen Benutzernamen und dieses Passwort nicht akzeptiert."),
    ("error.wrong.nemo", "NeMO Archive hat diesen Benutzernamen und dieses Passwort nicht akzeptiert."),
    ("error.wrong.siminars", "Siminars hat diese E-Mail und dieses Passwort nicht akzeptiert."),
    ("error.wrong.nebula", "Nebula Block hat diese Zugangsdaten nicht akzeptiert."),
    ("error.session-rejected", "{provider} akzeptiert diese Sitzung nicht mehr. Bitte melden Sie sich erneut an."),
    ("error.rate-limited-for", "Bei {provider} gab es zu viele Versuche. Sie können es in {wait} erneut versuchen."),
    ("error.rate-limited", "Bei {provider} gab es zu viele Versuche. Warten Sie eine Minute, bevor Sie es erneut versuchen."),
    ("error.server", "{provider} hatte ein Problem (HTTP {status}). Versuchen Sie es in Kürze erneut."),
    ("error.missing-permission", "Ihr {provider}-Token funktioniert, aber ihm fehlt eine Berechtigung, die dafür nötig ist. Erstellen Sie ein Token mit dieser Berechtigung oder melden Sie sich mit Ihrem Passwort an."),
    ("error.not-admitted", "Ihr Passwort war richtig, aber dieser {provider}-Server ({host}) lässt Ihr Konto nicht zu. Bitten Sie seine Betreiber um Zugang."),
    ("error.refused", "{provider} hat die Anfrage abgelehnt (HTTP {status})."),
    ("error.unreachable", "{host} war nicht erreichbar. Der Server ist vielleicht nicht in Betrieb, oder er erlaubt keine Anfragen von dieser Seite (CORS); ein Laborportal braucht dann vielleicht einen Reverse Proxy."),
    ("error.timeout", "{host} hat nicht innerhalb von {wait} geantwortet. Versuchen Sie es erneut."),
    ("error.malformed", "{provider} hat eine Antwort gesendet, die dieses Widget nicht lesen konnte: {what}."),
    ("error.not-sent", "Es wurde nichts gesendet: {reason}."),
    ("error.cancelled", "Die Anfrage wurde abgebrochen."),
    ("session.label", "{provider}-Sitzung"),
    ("session.signed-in", "Angemeldet"),
    ("session.sign-out", "Abmelden"),
    ("session.kind.access", "Zugriffstoken"),
    ("session.kind.app", "App-Token"),
    ("session.kind.api-key", "API-Schlüssel"),
    ("session.kind.personal", "persönliches Zugriffstoken"),
    ("session.no-expiry", "läuft nicht ab; nur im Speicher"),
    ("session.personal-cap", "nur in dieser Seite, bis Sie sie neu laden, höchstens {cap} (endet in {left})"),
    ("session.expires-in", "läuft ab in {left}"),
    ("session.expiring", "Diese Sitzung läuft gleich ab. Melden Sie sich erneut an, um weiterzuarbeiten."),
    ("session.expired", "Ihre {provider}-Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."),
    ("session.other-tab", "Sie haben sich in einem anderen Tab von {provider} abgemeldet."),
    ("session.logout-failed", "Hier abgemeldet, aber {provider} konnte nicht benachrichtigt werden; das Token bleibt dort vielleicht gültig. {why}"),
    ("session.not-kept", "Hinweis: {why}."),
    ("session.uploads-need-sign-in", "{why} Für Ihre Uploads ist eine neue Anmeldung nötig."),
    ("balance.loading", "Guthaben: wird geladen…"),
    ("balance.value", "Guthaben: {amount} Credits"),
    ("balance.unavailable", "Guthaben nicht verfügbar: {why}"),
    ("app-token.summary", "App-Token für Skripte"),
    ("app-token.valid-for", "Gültig für"),
    ("app-token.create", "App-Token erstellen"),
    ("app-token.ready", "Ein Token, gültig für {lifetime}, ist bereit. Es wird nur einmal gezeigt und nicht gespeichert."),
    ("app-token.copy", "In die Zwischenablage kopieren"),
    ("app-token.copied", "Kopiert"),
    ("app-token.done", "Fertig"),
    ("app-token.no-clipboard", "Der Browser hat das Kopieren in die Zwischenablage nicht erlaubt."),
    ("uploads.title", "Ihre NOMAD-Uploads"),
    ("uploads.refresh", "Aktualisieren"),
    ("uploads.show", "Zeigen"),
    ("uploads.all", "Alle Uploads"),
    ("uploads.published", "Veröffentlicht"),
    ("uploads.unpublished", "Unveröffentlicht"),
    ("uploads.processing", "In Verarbeitung"),
    ("uploads.per-page", "Pro Seite"),
    ("uploads.loading", "Wird geladen…"),
    ("uploads.loading-first", "Ihre Uploads werden geladen…"),
    ("uploads.first-page", "Zur ersten Seite"),
    ("uploads.try-again", "Erneut versuchen"),
    ("uploads.none-match", "Keine Uploads passen zu diesem Filter."),
    ("uploads.none", "Sie haben noch keine Uploads."),
    ("uploads.table", "Tabelle der Uploads"),
    ("uploads.name", "Name"),
    ("uploads.id", "ID"),
    ("uploads.created", "Erstellt"),
    ("uploads.entries", "Einträge"),
    ("uploads.license", "Lizenz"),
    ("uploads.skipped", "{n} Einträge dieser Seite konnten nicht gelesen werden und fehlen."),
    ("uploads.pages", "Seiten der Uploads"),
    ("uploads.page-first", "« Erste"),
    ("uploads.page-prev", "‹ Vorherige"),
    ("uploads.page-next", "Nächste ›"),
    ("uploads.page-last", "Letzte »"),
    ("uploads.span", "{first}–{last} von {total}"),
    ("uploads.span-empty", "0 von 0"),
    ("uploads.embargo", "unter Sperrfrist ({months} Monate)"),
    ("uploads.embargo-plain", "unter Sperrfrist"),
    ("uploads.is-published", "veröffentlicht"),
    ("uploads.no", "nein"),
    ("uploads.unnamed", "(ohne Namen)"),
    ("uploads.status.success", "erfolgreich"),
    ("uploads.status.failure", "fehlgeschlagen"),
    ("uploads.status.running", "läuft"),
    ("uploads.status.other", "nicht verarbeitet"),
    ("unit.second.one", "{n} Sekunde"),
    ("unit.second.other", "{n} Sekunden"),
    ("unit.minute.one", "{n} Minute"),
    ("unit.minute.other", "{n} Minuten"),
    ("unit.hour.one", "{n} Stunde"),
    ("unit.hour.other", "{n} Stunden"),
    ("unit.day.one", "{n} Tag"),
    ("unit.day.other", "{n} Tage"),
    ("unit.month.one", "{n} Monat"),
    ("unit.month.other", "{n} Monate"),
    ("unit.year.one", "{n} Jahr"),
    ("unit.year.other", "{n} Jahre"),
    ("time.just-now", "gerade eben"),
    ("time.in", "in {span}"),
    ("time.ago", "vor {span}"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_every_text_is_set() {
        let (ten, tde) = (Lang::En.teaching(), Lang::De.teaching());
        for catalog in [EN, DE, ten, tde] {
            for (i, (key, text)) in catalog.iter().enumerate() {
                assert!(!text.is_empty(), "{key}");
                assert!(!catalog[..i].iter().any(|(k, _)| k == key), "{key} twice");
            }
        }
    }

    #[test]
    fn german_has_every_message_but_the_known_gaps_and_nothing_english_lacks() {
        for (key, _) in DE {
            assert!(is_key(key), "German {key} has no English");
        }
        let missing: Vec<&str> = EN
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| !DE.iter().any(|(d, _)| d == k))
            .collect();
        assert_eq!(missing, DE_MISSING, "update DE or DE_MISSING");
        let (ten, tde) = (Lang::En.teaching(), Lang::De.teaching());
        assert!(!ten.is_empty());
        for (key, _) in ten {
            assert!(tde.iter().any(|(k, _)| k == key), "German lacks {key}");
        }
        for (key, _) in tde {
            assert!(
                ten.iter().any(|(k, _)| k == key),
                "German {key} has no English"
            );
        }
    }

    #[test]
    fn german_keeps_every_placeholder_of_the_english() {
        for (key, de) in DE.iter().chain(Lang::De.teaching()) {
            let en = EN
                .iter()
                .chain(Lang::En.teaching())
                .find(|(k, _)| k == key)
                .unwrap()
                .1;
            for part in en.split('{').skip(1) {
                let name = part.split('}').next().unwrap();
                assert!(de.contains(&format!("{{{name}}}")), "{key}: {{{name}}}");
            }
        }
    }

    #[test]
    fn every_key_the_code_uses_exists_in_english() {
        let sources = [
            include_str!("components/app.rs"),
            include_str!("components/app_token.rs"),
            include_str!("components/login_form.rs"),
            include_str!("components/session_card.rs"),
            include_str!("components/state.rs"),
            include_str!("components/uploads.rs"),
            include_str!("display.rs"),
            include_str!("embed/mod.rs"),
            include_str!("inspector/view.rs"),
            include_str!("inspector/demo.rs"),
        ];
        let mut seen = 0;
        for source in sources {
            for call in ["m.get(\"", "m.fmt(\"", "t.get(\"", "t.fmt(\"", "with(\""] {
                for part in source.split(call).skip(1) {
                    let key = part.split('"').next().unwrap();
                    assert!(is_key(key), "{key} is used but has no English text");
                    seen += 1;
                }
            }
        }
        assert!(seen > 40, "the scan found only {seen} uses");
    }

    #[test]
    fn lookup_order_host_then_language_then_english() {
        let de = Messages::new(Lang::De, vec![]);
        assert_eq!(
            de.fmt("form.submit", &[("provider", "NOMAD")]),
            "Bei NOMAD anmelden"
        );
        let host = Messages::new(
            Lang::De,
            vec![(
                "de".into(),
                "form.submit".into(),
                "Einloggen: {provider}".into(),
            )],
        );
        assert_eq!(
            host.fmt("form.submit", &[("provider", "NOMAD")]),
            "Einloggen: NOMAD"
        );
        // An English override also applies where the language has its own text? No:
        // the language's own text wins over an English override.
        let en_override = Messages::new(
            Lang::De,
            vec![("en".into(), "form.password".into(), "Passphrase".into())],
        );
        assert_eq!(en_override.get("form.password"), "Passwort");
        assert_eq!(Messages::english().plural("unit.day", 1), "1 day");
        assert_eq!(de.plural("unit.day", 3), "3 Tage");
        assert_eq!(Lang::from_tag("de-AT"), Some(Lang::De));
        assert_eq!(Lang::from_tag("fr"), None);
    }
}
