//! What an owner changes about the terminal: limits, the shop's details, the
//! live gateway's address and CA, and the mode. Checked before anything is
//! saved; audited.

use secrecy::SecretString;

use super::{Result, Terminal};
use crate::audit::{Action, Outcome};
use crate::auth::{Actor, Permission};
use crate::config::{Mode, Settings};
use crate::counter::{CounterError, GATEWAY_KEY};
use crate::shop::ShopDetails;
use crate::vault::GatewayKeys;

/// The owner's limits: refund guardrails, charge rate, idle lock, alerts.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Limits {
    #[ts(type = "number")]
    pub refund_approval_above_major: u64,
    pub refund_limit_count: u32,
    #[ts(type = "number")]
    pub refund_limit_major: u64,
    pub charges_per_minute: u32,
    pub idle_lock_minutes: u32,
    /// Cashiers may take phone orders (managers always may).
    #[serde(default)]
    pub cashier_phone_orders: bool,
    pub alerts: crate::config::AlertSettings,
}

impl Limits {
    pub fn of(s: &Settings) -> Self {
        Self {
            refund_approval_above_major: s.refund_approval_above_major,
            refund_limit_count: s.refund_limit_count,
            refund_limit_major: s.refund_limit_major,
            charges_per_minute: s.charges_per_minute,
            idle_lock_minutes: s.idle_lock_minutes,
            cashier_phone_orders: s.cashier_phone_orders,
            alerts: s.alerts.clone(),
        }
    }
}

/// What an owner may change about the live gateway; `None` keeps a value.
#[derive(Debug, Clone, Default)]
pub struct GatewayChange {
    pub base_url: Option<String>,
    /// An empty path removes the extra CA.
    pub extra_ca: Option<std::path::PathBuf>,
    /// Empty removes the reader.
    pub reader_id: Option<String>,
    pub omit_refund_reason: Option<bool>,
    /// The publishable key for phone orders' card fields; empty removes it.
    pub publishable_key: Option<String>,
    /// Where the card fields' script is loaded from.
    pub card_fields_script: Option<String>,
    /// The account may mark phone orders as MOTO.
    pub moto: Option<bool>,
}

impl Terminal {
    /// The owner's limits and alert thresholds. Audited.
    pub fn update_limits(&self, actor: &Actor, limits: &Limits) -> Result<Settings> {
        self.require(actor, Permission::ManageStaff)?;
        let mut s = self.settings.clone();
        s.refund_approval_above_major = limits.refund_approval_above_major;
        s.refund_limit_count = limits.refund_limit_count;
        s.refund_limit_major = limits.refund_limit_major;
        s.charges_per_minute = limits.charges_per_minute.max(1);
        s.idle_lock_minutes = limits.idle_lock_minutes.clamp(1, 15);
        s.cashier_phone_orders = limits.cashier_phone_orders;
        s.alerts = limits.alerts.clone();
        self.home.save_settings(&s)?;
        let detail = format!(
            "approval_above={} refunds/day={} {} charges/min={} idle_lock={} cashier_phone_orders={}",
            s.refund_approval_above_major,
            s.refund_limit_count,
            s.refund_limit_major,
            s.charges_per_minute,
            s.idle_lock_minutes,
            s.cashier_phone_orders
        );
        self.record(
            Some(actor),
            Action::SettingsChanged,
            Some("limits"),
            Outcome::Ok,
            Some(&detail),
        )?;
        Ok(s)
    }

    /// The shop's details, as receipts and reports print them.
    pub(super) fn shop(&self) -> ShopDetails {
        ShopDetails::of(&self.settings)
    }

    /// The shop's details, for a manager to change.
    pub fn shop_details(&self, actor: &Actor) -> Result<ShopDetails> {
        self.require(actor, Permission::ManageStaff)?;
        Ok(self.shop())
    }

    /// The shop's details (a manager's, like the limits). Checked before
    /// anything is saved; audited with the fields that changed, never their
    /// text. Takes effect on next open.
    pub fn update_shop(&self, actor: &Actor, details: &ShopDetails) -> Result<ShopDetails> {
        self.require(actor, Permission::ManageStaff)?;
        let details = details.checked()?;
        let changed = details.changed_fields(&self.shop());
        let mut s = self.settings.clone();
        details.apply(&mut s);
        self.home.save_settings(&s)?;
        let detail = if changed.is_empty() {
            "nothing changed".to_string()
        } else {
            format!("changed: {}", changed.join(", "))
        };
        self.record(
            Some(actor),
            Action::SettingsChanged,
            Some("shop"),
            Outcome::Ok,
            Some(&detail),
        )?;
        Ok(details)
    }

    /// Sets the shop's language, for every word and format. The owner's old
    /// decimal-mark choice gives way to the language's. Takes effect on
    /// next open.
    pub fn set_language(&self, actor: &Actor, language: crate::locale::Language) -> Result<()> {
        self.require(actor, Permission::ManageStaff)?;
        let mut s = self.settings.clone();
        let before = s.language;
        s.language = Some(language);
        s.decimal_separator = None;
        self.home.save_settings(&s)?;
        let was = before.map_or("unset", crate::locale::Language::code);
        let detail = format!("language: {was} -> {language}");
        self.record(
            Some(actor),
            Action::SettingsChanged,
            Some("language"),
            Outcome::Ok,
            Some(&detail),
        )?;
        Ok(())
    }

    /// Saves new settings (gateway, limits, mode). Takes effect on next open.
    pub fn save_settings(&self, actor: &Actor, settings: &Settings, action: Action) -> Result<()> {
        let p = if action == Action::ModeSwitch {
            Permission::SwitchMode
        } else {
            Permission::ConfigureGateway
        };
        self.require(actor, p)?;
        self.home.save_settings(settings)?;
        let detail = format!("mode={:?} gateway={}", settings.mode, settings.gateway.for_the_record());
        self.record(Some(actor), action, None, Outcome::Ok, Some(&detail))?;
        Ok(())
    }

    /// Stores a gateway key that the gateway has already accepted.
    /// Changes where the live gateway is. The new settings are checked
    /// (https only, a readable CA) before anything is saved. Audited.
    ///
    /// The extra CA is copied into the data folder and its SHA-256 kept;
    /// the original file is not read again. A new address or CA clears the
    /// stored gateway key (audited): it was checked against the old one and
    /// is never sent to another, so a manager enters it again.
    pub fn configure_gateway(&self, actor: &Actor, change: GatewayChange) -> Result<Settings> {
        self.require(actor, Permission::ConfigureGateway)?;
        let mut settings = self.settings.clone();
        let g = &mut settings.gateway;
        let typed = [
            change.base_url.as_deref(),
            change.reader_id.as_deref(),
            change.publishable_key.as_deref(),
            change.card_fields_script.as_deref(),
        ];
        if typed.into_iter().flatten().any(url_holds_card_number) {
            return Err(CounterError::from(crate::counter::InputError::AddressHoldsCardNumber).into());
        }
        if let Some(url) = change.base_url.filter(|u| !u.trim().is_empty()) {
            g.base_url = url.trim().to_string();
        }
        if let Some(ca) = change.extra_ca {
            if ca.as_os_str().is_empty() {
                g.extra_ca = None;
                g.extra_ca_sha256 = None;
            } else {
                let (copy, sha) = self.home.install_extra_ca(&ca)?;
                g.extra_ca = Some(copy);
                g.extra_ca_sha256 = Some(sha);
            }
        }
        if let Some(reader) = change.reader_id {
            g.reader_id = Some(reader.trim().to_string()).filter(|r| !r.is_empty());
        }
        if let Some(v) = change.omit_refund_reason {
            g.omit_refund_reason = v;
        }
        if let Some(key) = change.publishable_key {
            let key = key.trim();
            g.publishable_key = if key.is_empty() {
                None
            } else {
                crate::card_entry::check_publishable_key(key)?;
                Some(key.to_string())
            };
        }
        if let Some(script) = change.card_fields_script {
            crate::card_entry::check_script_url(script.trim())?;
            g.card_fields_script = script.trim().to_string();
        }
        if let Some(v) = change.moto {
            g.moto = v;
        }
        if let Err(e) = crate::gateway::connect(&settings.gateway, SecretString::from(String::new())) {
            // A copy just made of a file that is not a CA is not kept.
            if let Some(copy) = settings.gateway.extra_ca.as_ref() {
                if self.settings.gateway.extra_ca.as_ref() != Some(copy) {
                    let _ = std::fs::remove_file(copy);
                }
            }
            return Err(CounterError::from(e).into());
        }
        if settings.gateway.binding() != self.settings.gateway.binding()
            && GatewayKeys::new(&self.keychain, &self.keys).clear()?
        {
            self.record(
                Some(actor),
                Action::GatewayKeyRemoved,
                None,
                Outcome::Ok,
                Some("gateway address or CA changed: the key must be entered again"),
            )?;
        }
        self.save_settings(actor, &settings, Action::GatewayConfigured)?;
        Ok(settings)
    }

    /// Switches between training and live. Live needs a gateway key.
    pub fn switch_mode(&self, actor: &Actor, mode: Mode) -> Result<()> {
        self.require(actor, Permission::SwitchMode)?;
        if mode == Mode::Live && self.keychain.secret(GATEWAY_KEY)?.is_none() {
            return Err(CounterError::LiveNotConfigured.into());
        }
        let mut settings = self.settings.clone();
        settings.mode = mode;
        self.save_settings(actor, &settings, Action::ModeSwitch)
    }
}

/// True if a typed address (or id) holds a card number. An IP address and
/// port are digits by nature and are not read as one: the rest of the
/// address (user, path, query, fragment) is.
fn url_holds_card_number(text: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(text.trim()) else {
        return crate::pan::contains_card_number(text);
    };
    let ip_host = url
        .host_str()
        .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
        .is_some_and(|h| h.parse::<std::net::IpAddr>().is_ok());
    if !ip_host {
        return crate::pan::contains_card_number(text);
    }
    let parts = [
        url.username(),
        url.password().unwrap_or_default(),
        url.path(),
        url.query().unwrap_or_default(),
        url.fragment().unwrap_or_default(),
    ];
    parts.iter().any(|p| crate::pan::contains_card_number(p))
}
