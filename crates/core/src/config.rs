//! The terminal's data folder and its settings.
//!
//! One folder holds everything a terminal keeps on disk (the keys are in the
//! OS keychain, never here):
//!
//! ```text
//! <home>/terminal-id            this terminal's id (names its keychain entries)
//! <home>/settings.toml          owner settings (mode, currency, limits)
//! <home>/training/cache.sqlite3 the training mode cache
//! <home>/live/cache.sqlite3     the live cache
//! <home>/gateway-ca-<sha>.pem   the terminal's copy of the gateway's extra CA
//! <home>/gateway-ca.json        which file a CA named in settings was copied from
//! <home>/setup.lock             held while a process sets the folder up
//! ```
//!
//! The extra CA is copied in when it is configured and checked against its
//! SHA-256 (kept in settings) each time the gateway is set up: a file that
//! another local user can write is never re-read, and a copy that changed
//! is refused. Starting processes take `setup.lock` while they create the
//! terminal id and the master key, so two first starts make one of each.
//!
//! The folder is `--home`, else `MERCHANT_TERMINAL_HOME`, else the platform's
//! data folder. The app and `merchantctl` resolve it the same way.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::locale::{DecimalSeparator, Language, NumberStyle};
use crate::money::{Currency, ParseRules};

pub const HOME_ENV: &str = "MERCHANT_TERMINAL_HOME";

/// Training keeps its own cache and can never reach a real gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Mode {
    #[default]
    Training,
    Live,
}

impl Mode {
    /// The mode's name on disk and in the keychain (`live`, `training`).
    pub fn folder(self) -> &'static str {
        match self {
            Self::Training => "training",
            Self::Live => "live",
        }
    }
}

/// Owner settings, read from `settings.toml`. Every field has a safe default
/// so a fresh install runs in training mode with nothing configured.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub mode: Mode,
    pub currency: Currency,
    /// The shop's language: every word the terminal shows and how it
    /// writes amounts and dates. Unset: this computer's locale.
    pub language: Option<Language>,
    /// A decimal mark other than the language's (kept from earlier
    /// versions, where it was the only choice). Unset: the language's.
    /// Setting the language clears it.
    pub decimal_separator: Option<DecimalSeparator>,
    /// Largest single charge, in major units of the currency.
    pub max_charge_major: u64,
    /// Longest description accepted on a sale, in characters.
    pub max_description_chars: usize,
    pub training_reader: ReaderTiming,
    /// Refunds above this (major units) need a manager's PIN at the till.
    pub refund_approval_above_major: u64,
    /// Per cashier, per rolling 24 hours.
    pub refund_limit_count: u32,
    pub refund_limit_major: u64,
    /// Charges per minute on this terminal.
    pub charges_per_minute: u32,
    /// Cashiers may take phone and mail orders (managers always may).
    pub cashier_phone_orders: bool,
    /// Lock the screen after this many idle minutes (at most 15).
    pub idle_lock_minutes: u32,
    /// The live gateway (used in live mode only).
    pub gateway: GatewaySettings,
    /// age X25519 public keys (`age1…`) the support bundle is sealed to.
    pub support_recipients: Vec<String>,
    /// Optionally also the owner's, so the shop can read its own bundle.
    pub owner_recipient: Option<String>,
    /// Where the shop's days begin and end (IANA name, e.g.
    /// `Europe/Paris`); unset means this computer's time zone.
    pub time_zone: Option<String>,
    /// The shop's details at the top of every receipt and report (see
    /// [`crate::shop`]): its name, up to four address lines, a phone and a
    /// tax id (empty: not printed).
    pub shop_name: String,
    pub shop_address: Vec<String>,
    pub shop_phone: String,
    pub shop_tax_id: String,
    /// This till's name ([`crate::shop::ShopDetails::till`]).
    pub till_name: String,
    /// A back office: no counter (it takes no payments), only the shop's
    /// reports and its combined day from the gateway. Set once, on a fresh
    /// data folder (`merchantctl back-office enable`).
    pub back_office: bool,
    /// What receipts are printed on: `a4`, `80mm` or `58mm`.
    pub receipt_paper: crate::pdf::Paper,
    /// A folder (a USB stick, a network share) the app backs up into once a
    /// day, when it starts and the newest backup is a day old.
    pub backup_folder: Option<PathBuf>,
    /// Thresholds of the owner's alerts.
    pub alerts: AlertSettings,
}

/// Which provider a live terminal uses and how to reach it. The key itself
/// is in the OS keychain, never here.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatewaySettings {
    pub provider: Provider,
    /// Must be https://.
    pub base_url: String,
    /// PEM file of an extra CA to trust (a test or enterprise TLS proxy):
    /// the terminal's own copy in the data folder once configured.
    pub extra_ca: Option<PathBuf>,
    /// SHA-256 (hex) of `extra_ca` when it was configured; a file that no
    /// longer matches is refused.
    pub extra_ca_sha256: Option<String>,
    /// The registered card reader for counter charges.
    pub reader_id: Option<String>,
    /// How long the reader waits for a card before the charge is cancelled.
    pub reader_timeout_ms: u64,
    pub request_timeout_ms: u64,
    /// Retries after the first attempt, for failures Stripe says are safe.
    pub max_retries: usize,
    /// For Stripe-compatible servers that reject the refund `reason` field.
    pub omit_refund_reason: bool,
    /// The account may mark phone and mail orders as such
    /// (`payment_method_options[card][moto]`, which Stripe enables per
    /// account on request): they are then exempt from 3-D Secure. Off: a
    /// phone order goes as an ordinary keyed payment.
    pub moto: bool,
    /// The gateway's publishable key (`pk_test_…` or `pk_live_…`) for the
    /// card window's hosted fields ([`crate::card_entry`]). Public by
    /// design (it can only turn a card into a payment method), so it lives
    /// here and not in the keychain. Unset: the app takes no phone orders.
    pub publishable_key: Option<String>,
    /// Where the gateway's card-field script (Stripe.js) is loaded from.
    pub card_fields_script: String,
}

impl Default for GatewaySettings {
    fn default() -> Self {
        Self {
            provider: Provider::Stripe,
            base_url: "https://api.stripe.com/".into(),
            extra_ca: None,
            extra_ca_sha256: None,
            reader_id: None,
            reader_timeout_ms: 60_000,
            request_timeout_ms: 30_000,
            max_retries: 3,
            omit_refund_reason: false,
            moto: false,
            publishable_key: None,
            card_fields_script: "https://js.stripe.com/v3/".into(),
        }
    }
}

impl GatewaySettings {
    /// The gateway as the audit trail names it, never the address as typed
    /// (it may carry a user, a password or a token): `stripe` for Stripe's
    /// own API, else a fingerprint of the address, so that a change of
    /// gateway still shows in the trail.
    pub fn for_the_record(&self) -> String {
        use sha2::Digest;
        let url = reqwest::Url::parse(self.base_url.trim()).ok();
        if url
            .as_ref()
            .is_some_and(|u| u.host_str() == Some("api.stripe.com") && u.port().is_none())
        {
            return "stripe".into();
        }
        let normalised = url.map_or_else(|| self.base_url.trim().to_string(), |u| u.to_string());
        let digest = hex::encode(sha2::Sha256::digest(normalised.as_bytes()));
        format!("other address #{}", digest.get(..12).unwrap_or_default())
    }

    /// What the gateway key is bound to: this address and this CA.
    pub fn binding(&self) -> crate::vault::GatewayBinding {
        let ca = self.extra_ca.as_ref().and(self.extra_ca_sha256.as_deref());
        crate::vault::GatewayBinding::new(&self.base_url, ca)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Stripe,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            mode: Mode::Training,
            currency: Currency::Usd,
            language: None,
            decimal_separator: None,
            max_charge_major: 10_000,
            max_description_chars: 200,
            training_reader: ReaderTiming::default(),
            refund_approval_above_major: 100,
            refund_limit_count: 20,
            refund_limit_major: 1_000,
            charges_per_minute: 30,
            cashier_phone_orders: false,
            idle_lock_minutes: 15,
            gateway: GatewaySettings::default(),
            support_recipients: Vec::new(),
            owner_recipient: None,
            time_zone: None,
            shop_name: "Merchant Terminal".into(),
            shop_address: Vec::new(),
            shop_phone: String::new(),
            shop_tax_id: String::new(),
            till_name: String::new(),
            back_office: false,
            receipt_paper: crate::pdf::Paper::A4,
            backup_folder: None,
            alerts: AlertSettings::default(),
        }
    }
}

impl Settings {
    pub fn parse_rules(&self) -> ParseRules {
        ParseRules {
            numbers: self.numbers(),
            max_major_units: self.max_charge_major,
        }
    }

    /// The shop's language, or this computer's when none is set.
    pub fn language(&self) -> Language {
        self.language.unwrap_or_else(Language::from_os)
    }

    /// How amounts are written and typed here: the language's style, with
    /// the owner's decimal mark if one was chosen.
    pub fn numbers(&self) -> NumberStyle {
        let style = self.language().numbers();
        self.decimal_separator.map_or(style, |d| style.with_decimal(d))
    }
}

#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("No data folder: set {HOME_ENV} or pass --home.")]
    NoHome,
    #[error("The data folder {path} cannot be used: {reason}")]
    Io { path: String, reason: String },
    #[error("settings.toml is not valid: {0}")]
    Settings(String),
    #[error("The extra CA file could not be read, or is larger than a CA file can be.")]
    CaUnreadable,
    #[error("This data folder is already open in another Merchant Terminal window that does not answer. Close that window (or end its process) and start again.")]
    AlreadyOpen,
}

/// The data folder's set-up lock, released on drop.
#[derive(Debug)]
pub struct SetupLock(#[allow(dead_code)] fs::File);

/// Largest extra CA file accepted (a bundle of a few certificates).
const MAX_CA_BYTES: u64 = 1 << 20;

/// Which source file the terminal's CA copy was made from, and its hash.
#[derive(Serialize, Deserialize)]
struct CaRecord {
    source: PathBuf,
    sha256: String,
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A resolved data folder.
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    /// `explicit`, else `MERCHANT_TERMINAL_HOME`, else the platform data folder.
    pub fn resolve(explicit: Option<PathBuf>) -> Result<Self, ConfigError> {
        let root = explicit
            .or_else(|| std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()).map(PathBuf::from))
            .or_else(platform_data_dir)
            .ok_or(ConfigError::NoHome)?;
        Ok(Self { root })
    }

    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Creates the folder (owner-only on Unix) if it does not exist.
    pub fn ensure(&self) -> Result<(), ConfigError> {
        fs::create_dir_all(&self.root).map_err(|e| self.io(&self.root, &e))?;
        restrict_permissions(&self.root);
        Ok(())
    }

    pub fn cache_path(&self, mode: Mode) -> PathBuf {
        self.root.join(mode.folder()).join("cache.sqlite3")
    }

    /// True when any encrypted cache exists: the master key must then already
    /// be in the keychain, and is never silently replaced.
    pub fn has_encrypted_data(&self) -> bool {
        self.terminal_db_path().exists()
            || [Mode::Training, Mode::Live]
                .iter()
                .any(|m| self.cache_path(*m).exists())
    }

    /// Staff and the audit log (shared by both modes).
    pub fn terminal_db_path(&self) -> PathBuf {
        self.root.join("terminal.sqlite3")
    }

    pub fn prepare_cache_dir(&self, mode: Mode) -> Result<PathBuf, ConfigError> {
        let path = self.cache_path(mode);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| self.io(dir, &e))?;
            restrict_permissions(dir);
        }
        Ok(path)
    }

    /// Takes the folder's set-up lock, waiting for another process that
    /// holds it. Whatever a start creates once (the terminal id, the master
    /// key) is read again and created only under it.
    pub fn lock_setup(&self) -> Result<SetupLock, ConfigError> {
        let path = self.root.join("setup.lock");
        let file = fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| self.io(&path, &e))?;
        file.lock().map_err(|e| self.io(&path, &e))?;
        Ok(SetupLock(file))
    }

    /// Copies the extra CA at `source` into the data folder (owner-only) and
    /// returns the copy's path and SHA-256. The copy is named by its hash, so
    /// a copy settings still name is never overwritten.
    pub fn install_extra_ca(&self, source: &Path) -> Result<(PathBuf, String), ConfigError> {
        use sha2::Digest;
        use std::io::{Read, Write};
        let mut pem = Vec::new();
        fs::File::open(source)
            .and_then(|f| f.take(MAX_CA_BYTES + 1).read_to_end(&mut pem))
            .map_err(|_| ConfigError::CaUnreadable)?;
        if pem.len() as u64 > MAX_CA_BYTES {
            return Err(ConfigError::CaUnreadable);
        }
        let sha = hex::encode(sha2::Sha256::digest(&pem));
        let path = self.ca_copy_path(&sha);
        let mut tmp = tempfile::NamedTempFile::new_in(&self.root).map_err(|e| self.io(&self.root, &e))?;
        tmp.write_all(&pem)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| self.io(tmp.path(), &e))?;
        tmp.persist(&path).map_err(|e| self.io(&path, &e.error))?;
        Ok((path, sha))
    }

    /// Settings that name an extra CA without its hash (written by hand, or
    /// by a version that re-read the file at each start) get the terminal's
    /// own copy: made once per source path, recorded in `gateway-ca.json`,
    /// and never read from the source again. `settings.toml` is left as it
    /// is (it may be hand-written); `settings` then names the copy and its
    /// hash in memory. True when a copy was made now. A gateway key bound to
    /// another CA is still not sent (see `vault::gateway_key`).
    pub fn adopt_extra_ca(&self, settings: &mut Settings) -> Result<bool, ConfigError> {
        let g = &mut settings.gateway;
        let Some(source) = g.extra_ca.clone().filter(|_| g.extra_ca_sha256.is_none()) else {
            return Ok(false);
        };
        let record_path = self.root.join("gateway-ca.json");
        let recorded = fs::read(&record_path)
            .ok()
            .and_then(|b| serde_json::from_slice::<CaRecord>(&b).ok())
            .filter(|r| r.source == source && is_sha256_hex(&r.sha256));
        let (copy, sha, fresh) = match recorded {
            Some(r) => (self.ca_copy_path(&r.sha256), r.sha256, false),
            None => {
                let (copy, sha) = self.install_extra_ca(&source)?;
                let record = CaRecord {
                    source,
                    sha256: sha.clone(),
                };
                let json = serde_json::to_vec(&record).map_err(|e| ConfigError::Settings(e.to_string()))?;
                let mut tmp = tempfile::NamedTempFile::new_in(&self.root).map_err(|e| self.io(&self.root, &e))?;
                std::io::Write::write_all(&mut tmp, &json).map_err(|e| self.io(tmp.path(), &e))?;
                tmp.persist(&record_path).map_err(|e| self.io(&record_path, &e.error))?;
                (copy, sha, true)
            }
        };
        g.extra_ca = Some(copy);
        g.extra_ca_sha256 = Some(sha);
        Ok(fresh)
    }

    /// Where the copy of a CA with SHA-256 `sha` lives.
    fn ca_copy_path(&self, sha: &str) -> PathBuf {
        self.root
            .join(format!("gateway-ca-{}.pem", sha.get(..16).unwrap_or(sha)))
    }

    /// This terminal's id, created on first use.
    pub fn terminal_id(&self) -> Result<String, ConfigError> {
        let path = self.root.join("terminal-id");
        match fs::read_to_string(&path) {
            Ok(s) if Uuid::parse_str(s.trim()).is_ok() => Ok(s.trim().to_string()),
            Ok(_) => Err(ConfigError::Settings("terminal-id is damaged".into())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let id = Uuid::new_v4().to_string();
                fs::write(&path, &id).map_err(|e| self.io(&path, &e))?;
                Ok(id)
            }
            Err(e) => Err(self.io(&path, &e)),
        }
    }

    /// Writes `settings.toml` (owner actions: gateway set-up, mode switch).
    pub fn save_settings(&self, settings: &Settings) -> Result<(), ConfigError> {
        let path = self.root.join("settings.toml");
        let text = toml::to_string_pretty(settings).map_err(|e| ConfigError::Settings(e.to_string()))?;
        // A temporary file of its own: two processes saving at once each
        // rename a whole file into place.
        let mut tmp = tempfile::NamedTempFile::new_in(&self.root).map_err(|e| self.io(&self.root, &e))?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(|e| self.io(tmp.path(), &e))?;
        tmp.persist(&path).map_err(|e| self.io(&path, &e.error))?;
        Ok(())
    }

    pub fn settings(&self) -> Result<Settings, ConfigError> {
        let path = self.root.join("settings.toml");
        match fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| settings_problem(&text, &e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(self.io(&path, &e)),
        }
    }

    fn io(&self, path: &Path, e: &std::io::Error) -> ConfigError {
        ConfigError::Io {
            path: path.display().to_string(),
            reason: e.kind().to_string(),
        }
    }
}

fn platform_data_dir() -> Option<PathBuf> {
    if cfg!(target_os = "windows") {
        std::env::var_os("APPDATA").map(|p| PathBuf::from(p).join("Merchant Terminal"))
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support/Merchant Terminal"))
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .map(|p| p.join("merchant-terminal"))
    }
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // Best effort: a folder we cannot chmod (say, on a mounted share) still
    // only holds sealed data.
    let _ = fs::set_permissions(path, fs::Permissions::from_mode(0o700));
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) {}

/// How long the simulated reader takes. Short in tests, human in training.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(default)]
pub struct ReaderTiming {
    /// Time from "charge" to the card being read.
    pub tap_ms: u64,
    /// Time a slow reader takes (long enough to press cancel).
    pub slow_ms: u64,
    /// Time before a reader with no card gives up.
    pub timeout_ms: u64,
}

impl Default for ReaderTiming {
    fn default() -> Self {
        Self {
            tap_ms: 1_200,
            slow_ms: 8_000,
            timeout_ms: 5_000,
        }
    }
}

/// Thresholds, in `settings.toml` under `[alerts]`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct AlertSettings {
    /// Declines within `decline_window_minutes` that raise an alert.
    pub decline_burst: u32,
    pub decline_window_minutes: u32,
    /// Warn when a cashier has used this share of a refund limit (percent).
    pub refund_limit_warn_percent: u32,
    /// Wrong PINs within an hour that raise an alert.
    pub failed_pins_per_hour: u32,
    /// A refund this soon after its charge is flagged.
    pub quick_refund_minutes: u32,
    /// Warn when the newest backup is older than this many days.
    pub backup_stale_days: u32,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            decline_burst: 5,
            decline_window_minutes: 10,
            refund_limit_warn_percent: 80,
            failed_pins_per_hour: 5,
            quick_refund_minutes: 10,
            backup_stale_days: 7,
        }
    }
}

/// What is wrong with settings.toml, by line, without repeating its text:
/// a value there is whatever the owner typed (a phone number, a tax id, a
/// card number by mistake), and the parser's own message quotes it.
fn settings_problem(text: &str, e: &toml::de::Error) -> ConfigError {
    let message = e.message();
    let problem = [
        ("invalid type", "a value has the wrong type"),
        ("invalid value", "a value is out of range"),
        ("unknown field", "a setting this version does not know"),
        ("unknown variant", "a value is not one of those allowed"),
        ("missing field", "a required setting is missing"),
        ("duplicate", "a setting is given twice"),
    ]
    .iter()
    .find(|(start, _)| message.starts_with(start))
    .map_or("a line cannot be read as TOML", |(_, problem)| problem);
    let line = e
        .span()
        .and_then(|span| text.as_bytes().get(..span.start))
        .map(|before| before.iter().filter(|&&b| b == b'\n').count() + 1);
    ConfigError::Settings(match line {
        Some(n) => format!("line {n}: {problem}"),
        None => problem.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_training_and_settings_are_strict() -> Result<(), ConfigError> {
        let dir = tempfile::tempdir().map_err(|_| ConfigError::NoHome)?;
        let home = Home::at(dir.path());
        assert_eq!(home.settings()?.mode, Mode::Training);
        let id = home.terminal_id()?;
        assert_eq!(home.terminal_id()?, id, "terminal id is stable");
        fs::write(
            dir.path().join("settings.toml"),
            "currency = \"JPY\"\nmax_charge_major = 50000\n",
        )
        .map_err(|_| ConfigError::NoHome)?;
        let s = home.settings()?;
        assert_eq!((s.currency, s.max_charge_major), (Currency::Jpy, 50_000));
        fs::write(dir.path().join("settings.toml"), "curency = \"JPY\"\n").map_err(|_| ConfigError::NoHome)?;
        assert!(
            matches!(home.settings(), Err(ConfigError::Settings(_))),
            "a typo is an error, not a default"
        );
        Ok(())
    }

    /// The audit trail names Stripe as such and any other gateway by a
    /// fingerprint of its address, never by what was typed.
    #[test]
    fn the_gateway_is_recorded_without_its_address() {
        let named = |url: &str| {
            let mut g = Settings::default().gateway;
            g.base_url = url.into();
            g.for_the_record()
        };
        assert_eq!(named("https://api.stripe.com/"), "stripe");
        let proxy = named("https://svc:Hunter2@proxy.corp:8443/v1?token=abc");
        for typed in ["svc", "Hunter2", "proxy", "8443", "token", "abc"] {
            assert!(!proxy.contains(typed), "{proxy}");
        }
        assert_eq!(
            proxy,
            named("https://svc:Hunter2@PROXY.corp:8443/v1?token=abc"),
            "same address, same name"
        );
        assert_ne!(proxy, named("https://other.corp/"), "another address shows as a change");
    }

    /// A bad settings file is named by line and kind of problem, never by
    /// what the line holds: the toml parser quotes the value it refused.
    #[test]
    fn a_bad_setting_is_named_by_line_without_its_value() -> Result<(), ConfigError> {
        let dir = tempfile::tempdir().map_err(|_| ConfigError::NoHome)?;
        let home = Home::at(dir.path());
        for (file, said, value) in [
            (
                "mode = \"training\"\nshop_tax_id = 4242424242424242\n",
                "line 2: a value has the wrong type",
                "4242",
            ),
            (
                "currency = \"eur\"\n",
                "line 1: a value is not one of those allowed",
                "eur",
            ),
            // A leading zero is not a TOML number at all.
            (
                "\n\nshop_phone = 0612345678\n",
                "line 3: a line cannot be read",
                "0612345678",
            ),
            (
                "pin_secret_word = \"Hunter2\"\n",
                "a setting this version does not know",
                "Hunter2",
            ),
            ("max_charge_major = -5\n", "line 1: a value is out of range", "-5"),
            ("shop_name = \"Kissa Neko\n", "cannot be read as TOML", "Kissa"),
        ] {
            fs::write(dir.path().join("settings.toml"), file).map_err(|_| ConfigError::NoHome)?;
            let shown = match home.settings() {
                Err(e @ ConfigError::Settings(_)) => e.to_string(),
                other => panic!("{file:?}: {other:?}"),
            };
            assert!(shown.contains(said), "{file:?}: {shown}");
            assert!(!shown.contains(value), "{file:?}: {shown}");
        }
        Ok(())
    }
}
