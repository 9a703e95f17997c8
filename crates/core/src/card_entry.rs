//! Keyed card entry for phone and mail orders, through the gateway's own
//! hosted card fields, in a window that can do nothing else.
//!
//! A customer on the phone cannot tap a reader, and the card number must
//! still never touch the terminal. So the number, expiry and CVC are typed
//! into the gateway's iframes (Stripe.js Elements) in a small window of
//! their own; the gateway turns them into a payment method, and the window
//! hands back only its id with the brand and last 4 the gateway reports.
//! The payment method then goes through the ordinary charge path.
//!
//! Guarantees:
//! - the card window's page is made here, whole: its only scripts are the
//!   gateway's and the terminal's own file, under a CSP that names the
//!   gateway's script, frame and API hosts and nothing else (no inline
//!   script, no `eval`, no forms, no other host);
//! - the window may only show its own page and the gateway's frames
//!   ([`CardFields::may_load`]);
//! - a card handed back is checked before it is kept ([`PhoneCard::check`]):
//!   a `pm_` id in the gateway's alphabet, a brand the gateway names, four
//!   digits; anything else is refused without being echoed;
//! - no type here has a field for a card number, an expiry or a CVC (a test
//!   of the IPC schema keeps it so).

use reqwest::Url;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::GatewaySettings;
use crate::messages::Catalog;

/// Where the card window's page is served from (a scheme of the app's own).
pub const PAGE_SCHEME: &str = "card";
/// The page's address. Linux's and macOS's web views serve an app's own
/// scheme as itself; Windows' WebView2 serves it as a local host over
/// `http`, as Tauri registers it there.
#[cfg(not(windows))]
pub const PAGE_URL: &str = "card://localhost/";
#[cfg(windows)]
pub const PAGE_URL: &str = "http://card.localhost/";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CardEntryError {
    /// Phone orders need a publishable key and a live gateway.
    #[error("Phone orders are not set up: the gateway's publishable key is missing.")]
    NotConfigured,
    /// `pk_test_` with a live secret key, or `pk_live_` with a test one.
    #[error("The gateway's publishable key and secret key are not of the same mode (test or live).")]
    ModeMismatch,
    /// The key or the script address in the settings is not usable.
    #[error("The gateway's publishable key or card-field address is not valid.")]
    BadSetting,
    /// The card window handed back something that is not a card of the gateway.
    #[error("The card window handed back something that is not a card.")]
    BadHandBack,
    /// The cashier closed the card window.
    #[error("The card window was closed: no card was entered.")]
    Cancelled,
    /// The card window is already open.
    #[error("The card window is already open.")]
    AlreadyOpen,
    /// The card window stayed open longer than the idle lock allows.
    #[error("The card window was closed: it was open longer than the idle lock allows. Nothing was charged.")]
    TimedOut,
    /// The gateway's script host could not be reached to trust its certificate.
    #[error("The gateway's card fields could not be reached.")]
    Unreachable,
}

/// Checks a publishable key's form (`pk_test_…` or `pk_live_…`, the
/// gateway's alphabet); says whether it is a test-mode key.
pub fn check_publishable_key(key: &str) -> Result<bool, CardEntryError> {
    let (test, rest) = if let Some(rest) = key.strip_prefix("pk_test_") {
        (true, rest)
    } else if let Some(rest) = key.strip_prefix("pk_live_") {
        (false, rest)
    } else {
        return Err(CardEntryError::BadSetting);
    };
    if rest.len() < 8 || rest.len() > 200 || !rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(CardEntryError::BadSetting);
    }
    Ok(test)
}

/// An `https://` address with a host and no credentials in it.
pub fn check_script_url(address: &str) -> Result<Url, CardEntryError> {
    Url::parse(address)
        .ok()
        .filter(|u| {
            u.scheme() == "https" && u.host_str().is_some() && u.username().is_empty() && u.password().is_none()
        })
        .ok_or(CardEntryError::BadSetting)
}

/// Whether `url` is the card window's own page.
pub fn is_page(url: &Url) -> bool {
    Url::parse(PAGE_URL).is_ok_and(|page| {
        page.scheme() == url.scheme() && page.host_str() == url.host_str() && page.port() == url.port()
    })
}

/// The gateway's hosted card fields as the settings name them.
#[derive(Debug, Clone)]
pub struct CardFields {
    publishable_key: String,
    script: Url,
    api: Url,
}

impl CardFields {
    /// The card fields of a live gateway; `test_key` says whether its
    /// secret key is a test-mode one (the publishable key must match).
    pub fn from_settings(gateway: &GatewaySettings, test_key: bool) -> Result<Self, CardEntryError> {
        let key = gateway
            .publishable_key
            .as_deref()
            .ok_or(CardEntryError::NotConfigured)?;
        if check_publishable_key(key)? != test_key {
            return Err(CardEntryError::ModeMismatch);
        }
        Ok(Self {
            publishable_key: key.to_string(),
            script: check_script_url(&gateway.card_fields_script)?,
            api: check_script_url(&gateway.base_url)?,
        })
    }

    fn origin(url: &Url) -> String {
        url.origin().ascii_serialization()
    }

    /// The hosts the gateway's iframes come from. Stripe's 3-D Secure and
    /// redirect frames are on `hooks.stripe.com`, next to `js.stripe.com`.
    fn frame_origins(&self) -> Vec<String> {
        let mut origins = vec![Self::origin(&self.script)];
        if self.script.host_str() == Some("js.stripe.com") {
            origins.push("https://hooks.stripe.com".into());
        }
        origins
    }

    /// The card window's Content-Security-Policy: its own files, the
    /// gateway's script, its frames and its API; the IPC channel for the
    /// one command; nothing else.
    pub fn csp(&self) -> String {
        let script = Self::origin(&self.script);
        let frames = self.frame_origins().join(" ");
        let api = Self::origin(&self.api);
        format!(
            "default-src 'none'; script-src 'self' {script}; style-src 'self'; img-src 'self' {script}; \
             frame-src {frames}; connect-src ipc: http://ipc.localhost {api}; font-src 'none'; \
             object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
    }

    /// Whether the card window may load `url`: its own page, or a frame of
    /// the gateway. (WebKit asks for frames and the page alike.)
    pub fn may_load(&self, url: &Url) -> bool {
        let own = is_page(url);
        let blank = url.as_str() == "about:blank" || url.as_str() == "about:srcdoc";
        own || blank || self.frame_origins().contains(&Self::origin(url))
    }

    /// The gateway's script host when it is trusted through the gateway's
    /// extra CA rather than the public roots (a test gateway, an
    /// enterprise proxy): its address, for [`certificate_to_trust`].
    pub fn script_url(&self) -> &Url {
        &self.script
    }

    /// The card window's page. Every word comes from the catalog; the key
    /// and the script address were checked in [`Self::from_settings`] and
    /// are escaped anyway.
    pub fn page(&self, words: &Catalog) -> String {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let w = |id: &str| esc(&words.text(id));
        format!(
            r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="publishable-key" content="{key}">
<meta name="working" content="{working}">
<meta name="unreachable" content="{unreachable}">
<title>{title}</title>
<link rel="stylesheet" href="card.css">
<script src="{script}"></script>
<script src="card.js" defer></script>
</head>
<body>
<main>
<form id="card_form" novalidate>
<h1>{title}</h1>
<p class="hint">{hint}</p>
<div id="card_fields" class="card_fields"></div>
<p id="card_error" class="error" role="alert"></p>
<div class="actions">
<button id="card_use" type="submit" class="use" disabled>{use_card}</button>
<button id="card_cancel" type="button" class="cancel">{cancel}</button>
</div>
</form>
</main>
</body>
</html>
"#,
            lang = esc(words.language().tag()),
            csp = esc(&self.csp()),
            key = esc(&self.publishable_key),
            working = w("card-window-working"),
            unreachable = w("error-card-entry-unreachable"),
            title = w("card-window-title"),
            script = esc(self.script.as_str()),
            hint = w("card-window-hint"),
            use_card = w("card-window-use"),
            cancel = w("card-window-cancel"),
        )
    }
}

/// `hand_back_card`: what the card window gives back, the one thing it can
/// do. `None`: the cashier cancelled.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HandBackCardRequest {
    #[ts(optional)]
    pub card: Option<HandedBackCard>,
}

/// The payment method the gateway made from the typed card, and the card
/// as the gateway reports it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HandedBackCard {
    /// `pm_…`
    pub payment_method: String,
    pub brand: String,
    pub last4: String,
}

/// A checked card from the card window, for the phone order that asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneCard {
    pub payment_method: String,
    pub brand: String,
    pub last4: String,
}

/// The brands Stripe names on a card payment method.
const BRANDS: [&str; 9] = [
    "amex",
    "cartes_bancaires",
    "diners",
    "discover",
    "eftpos_au",
    "jcb",
    "mastercard",
    "unionpay",
    "visa",
];

impl PhoneCard {
    /// Checks what the card window handed back. Nothing of it is echoed.
    pub fn check(card: HandedBackCard) -> Result<Self, CardEntryError> {
        // The same rule as the charge's, so a card the window hands back is
        // one the charge takes.
        let id_ok = crate::gateway::is_payment_method_id(&card.payment_method);
        let brand = if BRANDS.contains(&card.brand.as_str()) {
            card.brand
        } else {
            "unknown".into()
        };
        let last4_ok = card.last4.len() == 4 && card.last4.bytes().all(|b| b.is_ascii_digit());
        if !id_ok || !last4_ok {
            return Err(CardEntryError::BadHandBack);
        }
        Ok(Self {
            payment_method: card.payment_method,
            brand,
            last4: card.last4,
        })
    }
}

/// The certificate the gateway's script host shows, when the gateway is
/// trusted through its extra CA: the web view trusts the public roots
/// only, so it is told to accept this one certificate for this one host,
/// after the terminal's own TLS client has checked it against the CA.
#[derive(Debug, Clone)]
pub struct CertificateToTrust {
    pub host: String,
    /// PEM
    pub certificate: String,
}

/// `None` when the gateway needs no extra CA (the public roots suffice).
pub async fn certificate_to_trust(
    gateway: &GatewaySettings,
    fields: &CardFields,
) -> Result<Option<CertificateToTrust>, CardEntryError> {
    if gateway.extra_ca.is_none() {
        return Ok(None);
    }
    let mut cfg = crate::gateway::http::HttpConfig::new(fields.script.as_str());
    cfg.extra_ca = gateway.extra_ca.clone();
    cfg.extra_ca_sha256 = gateway.extra_ca_sha256.clone();
    cfg.request_timeout = std::time::Duration::from_millis(gateway.request_timeout_ms);
    cfg.keep_peer_certificate = true;
    let (client, url) = crate::gateway::http::build_client(&cfg).map_err(|_| CardEntryError::BadSetting)?;
    let answer = client
        .head(url.clone())
        .send()
        .await
        .map_err(|_| CardEntryError::Unreachable)?;
    let der = answer
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|info| info.peer_certificate())
        .ok_or(CardEntryError::Unreachable)?;
    use base64::Engine;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    Ok(Some(CertificateToTrust {
        host: url.host_str().unwrap_or_default().to_string(),
        certificate: format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            lines.join("\n")
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key of `kind` (`pk`, `rk`, …) and `mode` (`test`, `live`): made
    /// here so no line of the source holds what looks like a real key.
    fn key(kind: &str, mode: &str) -> String {
        format!("{kind}_{mode}_abcdefgh12")
    }

    fn gateway(key: &str, script: &str) -> GatewaySettings {
        GatewaySettings {
            publishable_key: Some(key.into()),
            card_fields_script: script.into(),
            ..GatewaySettings::default()
        }
    }

    #[test]
    fn the_key_must_be_a_publishable_key_of_the_secret_keys_mode() {
        let script = "https://js.stripe.com/v3/";
        assert!(CardFields::from_settings(&gateway(&key("pk", "test"), script), true).is_ok());
        assert!(CardFields::from_settings(&gateway(&key("pk", "live"), script), false).is_ok());
        assert_eq!(
            CardFields::from_settings(&gateway(&key("pk", "live"), script), true).err(),
            Some(CardEntryError::ModeMismatch)
        );
        let (secret, restricted) = (key("sk", "test"), key("rk", "live"));
        for bad in [&secret, "pk_test_short", "pk_test_abc\"><script>", &restricted] {
            assert_eq!(
                CardFields::from_settings(&gateway(bad, script), true).err(),
                Some(CardEntryError::BadSetting),
                "{bad}"
            );
        }
        assert_eq!(
            CardFields::from_settings(&gateway(&key("pk", "test"), "http://js.stripe.com/v3/"), true).err(),
            Some(CardEntryError::BadSetting)
        );
        assert_eq!(
            CardFields::from_settings(&GatewaySettings::default(), true).err(),
            Some(CardEntryError::NotConfigured)
        );
    }

    #[test]
    fn the_csp_names_the_gateways_hosts_and_nothing_else() {
        let f = CardFields::from_settings(&gateway(&key("pk", "live"), "https://js.stripe.com/v3/"), false).unwrap();
        let csp = f.csp();
        assert!(
            csp.starts_with("default-src 'none'; script-src 'self' https://js.stripe.com;"),
            "{csp}"
        );
        assert!(
            csp.contains("frame-src https://js.stripe.com https://hooks.stripe.com;"),
            "{csp}"
        );
        assert!(
            csp.contains("connect-src ipc: http://ipc.localhost https://api.stripe.com;"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe") && !csp.contains('*'), "{csp}");
        let page = f.page(&Catalog::of(crate::locale::Language::En));
        assert!(
            page.contains(r#"<script src="https://js.stripe.com/v3/"></script>"#),
            "{page}"
        );
        // No inline script: every <script> loads a file.
        assert_eq!(page.matches("<script").count(), page.matches("<script src=").count());

        let local = gateway(&key("pk", "test"), "https://127.0.0.1:8420/js.stripe.com/v3/");
        let local = GatewaySettings {
            base_url: "https://127.0.0.1:8420/".into(),
            ..local
        };
        let f = CardFields::from_settings(&local, true).unwrap();
        assert!(f.csp().contains("frame-src https://127.0.0.1:8420;"), "{}", f.csp());
    }

    #[test]
    fn the_window_loads_its_page_and_the_gateways_frames_only() {
        let f = CardFields::from_settings(&gateway(&key("pk", "live"), "https://js.stripe.com/v3/"), false).unwrap();
        let ok = |u: &str| f.may_load(&Url::parse(u).unwrap());
        assert!(ok(PAGE_URL));
        assert!(ok("https://js.stripe.com/v3/elements-inner-card.html#x"));
        assert!(ok("https://hooks.stripe.com/3d_secure"));
        assert!(ok("about:blank"));
        for no in [
            "https://example.com/",
            "tauri://localhost/",
            "http://js.stripe.com/",
            "https://js.stripe.com.example.com/",
            "card://elsewhere/",
            "card://localhost:8/",
            "http://card.localhost:8/",
            "http://card.localhost.example.com/",
            "file:///etc/passwd",
        ] {
            assert!(!ok(no), "{no}");
        }
    }

    #[test]
    fn a_handed_back_card_is_checked() {
        let card = |pm: &str, brand: &str, last4: &str| HandedBackCard {
            payment_method: pm.into(),
            brand: brand.into(),
            last4: last4.into(),
        };
        let good = PhoneCard::check(card("pm_1Abc", "visa", "4242")).unwrap();
        assert_eq!((good.payment_method.as_str(), good.last4.as_str()), ("pm_1Abc", "4242"));
        // What the window hands back is what a charge takes: no id the
        // charge would refuse (too long, a card-like digit run) gets in.
        let long = format!("pm_{}", "a".repeat(150));
        assert_eq!(
            PhoneCard::check(card("pm_1Abc", "Visa<b>", "4242")).unwrap().brand,
            "unknown"
        );
        for (pm, last4) in [
            ("pi_1Abc", "4242"),
            ("pm_", "4242"),
            ("pm_1;DROP", "4242"),
            ("pm_1Abc", "424"),
            ("pm_1Abc", "4242424242424242"),
            ("pm_1Abc", "42a2"),
            (long.as_str(), "4242"),
            ("pm_4242424242424242", "4242"),
        ] {
            assert_eq!(
                PhoneCard::check(card(pm, "visa", last4)),
                Err(CardEntryError::BadHandBack),
                "{pm} {last4}"
            );
        }
    }
}
