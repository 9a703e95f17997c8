//! The terminal as staff use it: every action signed in, permitted, limited
//! and audited, in that order. The desktop shell and `merchantctl` call only
//! this; neither can reach the counter without passing the checks here.
//!
//! Opening: settings → keychain (fail closed) → key hierarchy → the terminal
//! database (staff, audit) → the counter for the current mode. A live
//! terminal without a gateway key still opens (so an owner can set one), but
//! takes no payments.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use crate::audit::{Action, Anchor, AuditEntry, AuditError, AuditLog, Event, Verification};
use crate::auth::{Actor, AuthError, Clock, Permission, Role, Staff, StaffEntry, SystemClock};
use crate::config::{ConfigError, Home, Mode, Settings};
use crate::counter::{ChargeInput, Counter, CounterError, RefundInput, SalesFilter, GATEWAY_KEY};
use crate::gateway::http::HttpSetupError;
use crate::gateway::stripe::{key_kind, mask_key};
use crate::gateway::TestCard;
use crate::money::{Currency, MinorUnits, Money};
use crate::receipt::{self, ReceiptContext, ReceiptCopy};
use crate::reports::closing::{self, Discrepancy, ZReport};
use crate::reports::reconcile::{self, Reconciliation};
use crate::reports::{DateRange, Figures, ReportError, ShopZone};
use crate::session::{Need, Session, SessionError, SessionRefreshError};
use crate::store::{CapReached, RateKind, RefundCap, StoreError};
use crate::store::{KeyState, Rotation};
use crate::store::{Refund, Sale, SaleId, TerminalDb};
use crate::vault::{BuildKind, GatewayKeys, Keychain, KeychainError, KeychainNamespace, SubKeys};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TerminalError {
    #[error(transparent)]
    Counter(#[from] CounterError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error("This refund is above {0}: a manager must approve it with their PIN.")]
    NeedsApproval(String),
    #[error("{0}")]
    LimitReached(String),
    #[error("Too many PIN attempts on this terminal: wait a minute.")]
    PinRateLimited,
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Setup(#[from] crate::setup::SetupError),
}

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
    #[ts(
        type = "{ decline_burst: number, decline_window_minutes: number, refund_limit_warn_percent: number, failed_pins_per_hour: number, quick_refund_minutes: number }"
    )]
    pub alerts: crate::monitor::AlertSettings,
}

impl Limits {
    pub fn of(s: &Settings) -> Self {
        Self {
            refund_approval_above_major: s.refund_approval_above_major,
            refund_limit_count: s.refund_limit_count,
            refund_limit_major: s.refund_limit_major,
            charges_per_minute: s.charges_per_minute,
            idle_lock_minutes: s.idle_lock_minutes,
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
}

/// A gateway key as anyone may see it: masked, and its kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct KeyView {
    pub masked: String,
    /// A restricted key (`rk_`), as recommended.
    pub restricted: bool,
    pub live: bool,
}

/// Health of the terminal, as support sees it in the bundle.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Diagnostics {
    pub keychain: String,
    pub mode: Mode,
    pub gateway: GatewayHealth,
    pub cache_integrity: Option<String>,
    pub cache_schema_version: Option<i64>,
    pub terminal_db_integrity: String,
    pub in_doubt: Option<i64>,
    pub audit: Option<Verification>,
    pub audit_head: Option<String>,
    pub app_version: String,
    pub webview_version: Option<String>,
    pub os: String,
    /// Settings hold no secrets (the gateway key is in the keychain).
    pub settings: Settings,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct GatewayHealth {
    pub kind: String,
    pub reachable: bool,
    pub tls_ok: bool,
    pub latency_ms: u64,
    pub error: Option<String>,
}

impl From<ConfigError> for TerminalError {
    fn from(e: ConfigError) -> Self {
        Self::Counter(e.into())
    }
}

impl From<crate::vault::KeychainError> for TerminalError {
    fn from(e: crate::vault::KeychainError) -> Self {
        Self::Counter(e.into())
    }
}

impl From<crate::store::StoreError> for TerminalError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Counter(e.into())
    }
}

type Result<T> = std::result::Result<T, TerminalError>;

pub struct Terminal {
    home: Home,
    terminal_id: String,
    settings: Settings,
    keychain: Keychain,
    /// Kept for key rotation, which derives the new cache key.
    keys: SubKeys,
    db: Arc<TerminalDb>,
    staff: Staff,
    audit: AuditLog,
    /// The keychain's record of this terminal's set-up and audit head.
    setup: crate::setup::SetupGuard,
    clock: Arc<dyn Clock>,
    counter: std::result::Result<Counter, CounterError>,
    /// The webview engine's version, when a window hosts the terminal.
    webview_version: Option<String>,
}

impl std::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Terminal")
            .field("terminal_id", &self.terminal_id)
            .finish_non_exhaustive()
    }
}

impl Terminal {
    /// Opens the terminal in `home`. Fails closed without a usable keychain.
    pub async fn open(home: Home) -> Result<Self> {
        home.ensure()?;
        // What a first start creates (the id, the master key, the database)
        // is read again and created under the folder's lock: processes
        // starting together on a fresh folder end up with one of each.
        let folder_lock = home.lock_setup()?;
        let mut settings = home.settings()?;
        let terminal_id = home.terminal_id()?;
        let keychain = Keychain::new(KeychainNamespace::new(BuildKind::current(), &terminal_id));
        let master = keychain.load_or_create_master_key(!home.has_encrypted_data())?;
        let keys = SubKeys::new(master);
        let ca_adopted = home.adopt_extra_ca(&mut settings)?;
        let key_bound = GatewayKeys::new(&keychain, &keys).bind_unbound(&settings.gateway.binding())?;
        let audit = AuditLog::new(keys.audit_mac(), terminal_id.clone());
        let staff = Staff::new(keys.pin_pepper());
        let (db, setup) = crate::setup::SetupGuard::open(&home, &keychain, &terminal_id, &audit, &staff)?;
        drop(folder_lock);
        let counter = Counter::open(&home, &settings, &terminal_id, &keychain, &keys).await;
        if let Err(e) = &counter {
            // A live terminal without a usable key or CA is still opened for
            // its owner to set them again; anything else (disk, keychain)
            // stops here.
            let for_the_owner = matches!(
                e,
                CounterError::LiveNotConfigured
                    | CounterError::Keychain(KeychainError::GatewayKeyUnbound)
                    | CounterError::GatewaySetup(HttpSetupError::CaChanged)
            );
            if !for_the_owner {
                return Err(counter
                    .err()
                    .map(TerminalError::from)
                    .unwrap_or(TerminalError::PinRateLimited));
            }
        }
        let terminal = Self {
            audit,
            staff,
            setup,
            clock: Arc::new(SystemClock),
            home,
            terminal_id,
            settings,
            keychain,
            keys,
            db,
            counter,
            webview_version: None,
        };
        // What start-up recovery settled, each on the trail, and anything a
        // crash left settled but unaudited.
        terminal.record_settled(None)?;
        terminal.audit_unrecorded_money(None)?;
        if ca_adopted {
            terminal.record(
                None,
                Action::GatewayConfigured,
                None,
                "ok",
                Some("extra CA copied into the data folder"),
            )?;
        }
        if key_bound {
            let detail = format!(
                "key from an earlier version bound to {}",
                terminal.settings.gateway.base_url
            );
            terminal.record(None, Action::GatewayKeySet, None, "bound", Some(&detail))?;
        }
        Ok(terminal)
    }

    /// Starts a new audit trail on a terminal stopped because its staff and
    /// audit database is missing or was replaced, proven by the gateway key
    /// kept in the keychain (see [`crate::setup::recover`]). Audited as the
    /// new trail's first entry.
    pub fn recover_setup(home: &Home, gateway_key: &SecretString) -> Result<crate::setup::Recovered> {
        home.ensure()?;
        let terminal_id = home.terminal_id()?;
        let keychain = Keychain::new(KeychainNamespace::new(BuildKind::current(), &terminal_id));
        let keys = SubKeys::new(keychain.load_or_create_master_key(false)?);
        let audit = AuditLog::new(keys.audit_mac(), terminal_id.clone());
        let staff = Staff::new(keys.pin_pepper());
        crate::setup::recover(home, &keychain, &terminal_id, &audit, &staff, gateway_key)
    }

    /// Records the webview's version for diagnostics (set by the desktop shell).
    pub fn with_webview_version(mut self, version: Option<String>) -> Self {
        self.webview_version = version;
        self
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn terminal_id(&self) -> &str {
        &self.terminal_id
    }

    /// Where the app writes sealed support bundles.
    pub fn exports_dir(&self) -> std::path::PathBuf {
        self.home.root().join("exports")
    }

    pub fn mode(&self) -> Mode {
        self.settings.mode
    }

    fn counter(&self) -> Result<&Counter> {
        self.counter.as_ref().map_err(|e| {
            TerminalError::Counter(match e {
                CounterError::Keychain(KeychainError::GatewayKeyUnbound) => {
                    CounterError::Keychain(KeychainError::GatewayKeyUnbound)
                }
                CounterError::GatewaySetup(e) => CounterError::GatewaySetup(e.clone()),
                _ => CounterError::LiveNotConfigured,
            })
        })
    }

    fn record(
        &self,
        actor: Option<&Actor>,
        action: Action,
        object: Option<&str>,
        outcome: &str,
        detail: Option<&str>,
    ) -> Result<Anchor> {
        let anchor = self.audit.record(
            &self.db,
            &Event {
                actor: actor.map(|a| a.staff_id.as_str()),
                action,
                object,
                outcome,
                detail,
            },
        )?;
        self.setup.note(&anchor);
        Ok(anchor)
    }

    /// Waits until the keychain holds the newest audit head (the app calls
    /// it as it exits; dropping the terminal does the same).
    pub fn flush(&self) {
        self.setup.flush();
    }

    /// The same check for a caller in front of the terminal (the app's IPC
    /// gate): refused and audited exactly like a refused action.
    pub fn authorize(&self, actor: &Actor, p: Permission) -> Result<()> {
        self.require(actor, p)
    }

    /// The permission check every action starts with; refusals are audited.
    fn require(&self, actor: &Actor, p: Permission) -> Result<()> {
        tracing::info!(command = ?p, staff = %actor.staff_id, role = ?actor.role, "command");
        if let Err(e) = actor.require(p) {
            self.record(
                Some(actor),
                Action::PermissionDenied,
                None,
                "denied",
                Some(&format!("{p:?}")),
            )?;
            return Err(e.into());
        }
        Ok(())
    }

    // --- staff -------------------------------------------------------------

    pub fn has_staff(&self) -> Result<bool> {
        Ok(self.staff.has_staff(&self.db)?)
    }

    /// First run: the owner's account (a manager). Only when there is no staff.
    pub fn create_owner(&self, name: &str, pin: &SecretString) -> Result<Actor> {
        // An owner was set up and the staff table is empty now: emptied
        // behind the terminal's back, never a first run.
        if self.setup.has_owner() && !self.has_staff()? {
            return Err(crate::setup::SetupError::Replaced.into());
        }
        let owner = self.staff.create_owner(&self.db, name, pin)?;
        self.setup.owner_created()?;
        self.record(
            Some(&owner),
            Action::StaffCreated,
            Some(&owner.staff_id),
            "ok",
            Some("role=manager (owner)"),
        )?;
        Ok(owner)
    }

    pub fn add_staff(&self, actor: &Actor, name: &str, role: Role, pin: &SecretString) -> Result<Actor> {
        self.require(actor, Permission::ManageStaff)?;
        let created = self.staff.create(&self.db, name, role, pin)?;
        self.record(
            Some(actor),
            Action::StaffCreated,
            Some(&created.staff_id),
            "ok",
            Some(&format!("role={role:?}")),
        )?;
        Ok(created)
    }

    /// Every account (managers).
    pub fn list_staff(&self, actor: &Actor) -> Result<Vec<StaffEntry>> {
        self.require(actor, Permission::ManageStaff)?;
        Ok(self.staff.list(&self.db, self.clock.now_ms())?)
    }

    /// Disables or enables an account. Audited.
    pub fn set_staff_active(&self, actor: &Actor, name: &str, active: bool) -> Result<()> {
        self.require(actor, Permission::ManageStaff)?;
        self.staff.set_active(&self.db, actor, name, active)?;
        let detail = if active { "enabled" } else { "disabled" };
        self.record(
            Some(actor),
            Action::StaffChanged,
            Some(&self.staff_ref(name)?),
            "ok",
            Some(detail),
        )?;
        Ok(())
    }

    /// Sets a new PIN for a staff member (and lifts a lockout). Audited.
    pub fn reset_staff_pin(&self, actor: &Actor, name: &str, pin: &SecretString) -> Result<()> {
        self.require(actor, Permission::ManageStaff)?;
        self.staff.reset_pin(&self.db, actor, name, pin)?;
        self.record(
            Some(actor),
            Action::StaffChanged,
            Some(&self.staff_ref(name)?),
            "ok",
            Some("pin_reset"),
        )?;
        Ok(())
    }

    /// The owner's limits and alert thresholds. Audited.
    pub fn update_limits(&self, actor: &Actor, limits: &Limits) -> Result<Settings> {
        self.require(actor, Permission::ManageStaff)?;
        let mut s = self.settings.clone();
        s.refund_approval_above_major = limits.refund_approval_above_major;
        s.refund_limit_count = limits.refund_limit_count;
        s.refund_limit_major = limits.refund_limit_major;
        s.charges_per_minute = limits.charges_per_minute.max(1);
        s.idle_lock_minutes = limits.idle_lock_minutes.clamp(1, 15);
        s.alerts = limits.alerts.clone();
        self.home.save_settings(&s)?;
        let detail = format!(
            "approval_above={} refunds/day={} {} charges/min={} idle_lock={}",
            s.refund_approval_above_major,
            s.refund_limit_count,
            s.refund_limit_major,
            s.charges_per_minute,
            s.idle_lock_minutes
        );
        self.record(
            Some(actor),
            Action::SettingsChanged,
            Some("limits"),
            "ok",
            Some(&detail),
        )?;
        Ok(s)
    }

    /// What deserves the owner's attention now. Each alert is also logged.
    pub fn alerts(&self, actor: &Actor) -> Result<Vec<crate::monitor::Alert>> {
        self.require(actor, Permission::ViewAudit)?;
        let store = self.counter.as_ref().ok().map(Counter::store);
        let alerts = crate::monitor::alerts(
            store,
            &self.db,
            &self.settings,
            &self.staff_names()?,
            self.clock.now_ms(),
        )?;
        for a in &alerts {
            tracing::warn!(kind = ?a.kind, "alert: {}", a.message);
        }
        Ok(alerts)
    }

    /// Audit entries by action, staff (name), outcome and time (managers).
    pub fn audit_entries(
        &self,
        actor: &Actor,
        q: &crate::api::AuditQueryRequest,
        now_ms: i64,
    ) -> Result<Vec<AuditEntry>> {
        self.require(actor, Permission::ViewAudit)?;
        let staff_id = self.staff_id_named(q.staff.as_deref())?;
        let blank = |v: &Option<String>| v.clone().filter(|x| !x.trim().is_empty());
        let filter = crate::audit::AuditFilter {
            action: blank(&q.action),
            actor: staff_id,
            outcome: blank(&q.outcome),
            since_ms: q.since_ms.unwrap_or(0),
            until_ms: q.until_ms.unwrap_or(now_ms + 1),
            limit: q.limit.unwrap_or(200).min(5_000),
        };
        Ok(self.audit.query(&self.db, &filter)?)
    }

    pub fn unlock_staff(&self, actor: &Actor, name: &str) -> Result<()> {
        self.require(actor, Permission::ManageStaff)?;
        if let Err(e) = self.staff.unlock(&self.db, actor, name) {
            self.record(
                Some(actor),
                Action::Unlock,
                Some(&self.staff_ref(name)?),
                "failed",
                None,
            )?;
            return Err(e.into());
        }
        self.record(Some(actor), Action::Unlock, Some(&self.staff_ref(name)?), "ok", None)?;
        Ok(())
    }

    /// Checks a PIN. Failures and lockouts are audited; a terminal-wide rate
    /// limit, kept in the database for every process, stops someone cycling
    /// through names.
    pub fn sign_in(&self, name: &str, pin: &SecretString) -> Result<Actor> {
        match self.staff.sign_in(&self.db, &*self.clock, name, pin) {
            Ok(actor) => {
                self.record(Some(&actor), Action::SignIn, Some(&actor.staff_id), "ok", None)?;
                Ok(actor)
            }
            Err(e) => {
                let (action, outcome) = match e {
                    AuthError::LockedOut(_) => (Action::Lockout, "locked"),
                    AuthError::SlowDown(_) => (Action::PinFailed, "slow_down"),
                    AuthError::TooManyAttempts => (Action::PinFailed, "rate_limited"),
                    _ => (Action::PinFailed, "denied"),
                };
                self.record(None, action, Some(&self.staff_ref(name)?), outcome, None)?;
                Err(e.into())
            }
        }
    }

    pub fn sign_out(&self, actor: &Actor) -> Result<()> {
        self.record(Some(actor), Action::SignOut, Some(&actor.staff_id), "ok", None)?;
        Ok(())
    }

    // --- the counter -------------------------------------------------------

    pub async fn charge(&self, actor: &Actor, mut input: ChargeInput) -> Result<Sale> {
        self.require(actor, Permission::Charge)?;
        // The budget is the terminal's, shared with every other process.
        let now = self.clock.now_ms();
        if !self
            .db
            .take_rate_slot(RateKind::Charge, self.settings.charges_per_minute, now)?
        {
            self.record(Some(actor), Action::Charge, None, "rate_limited", None)?;
            return Err(TerminalError::LimitReached(format!(
                "More than {} charges a minute on this terminal: wait a moment.",
                self.settings.charges_per_minute
            )));
        }
        input.staff_id = Some(actor.staff_id.clone());
        input.audit_anchor = self.audit.head(&self.db)?.map(|a| a.encode());
        let result = self.counter()?.charge(input).await;
        crate::crashpoint::reached(crate::crashpoint::CHARGE_RECORDED);
        match &result {
            Ok(sale) => {
                let detail = format!("amount={} {}", sale.money.amount.get(), sale.money.currency);
                self.record(
                    Some(actor),
                    Action::Charge,
                    Some(&sale.id.to_string()),
                    status_word(sale),
                    Some(&detail),
                )?;
            }
            Err(e) => {
                self.record(
                    Some(actor),
                    Action::Charge,
                    None,
                    "refused",
                    Some(&refusal_code(e.into())),
                )?;
            }
        }
        Ok(result?)
    }

    pub fn cancel_charge(&self, actor: &Actor) -> Result<()> {
        self.require(actor, Permission::CancelCharge)?;
        Ok(self.counter()?.cancel_charge()?)
    }

    pub fn list_sales(&self, actor: &Actor, since_ms: i64, until_ms: i64) -> Result<Vec<Sale>> {
        self.require(actor, Permission::ListSales)?;
        Ok(self.counter()?.list_sales(since_ms, until_ms)?)
    }

    /// Searches sales (status, last 4, amount, staff, date range).
    /// `staff_name` is matched case-insensitively to an account.
    pub fn search_sales(&self, actor: &Actor, mut filter: SalesFilter, staff_name: Option<&str>) -> Result<Vec<Sale>> {
        self.require(actor, Permission::ListSales)?;
        filter.staff_id = self.staff_id_named(staff_name)?;
        Ok(self.counter()?.search_sales(&filter)?)
    }

    /// The live gateway's card readers (managers, for set-up).
    pub async fn list_readers(&self, actor: &Actor) -> Result<Vec<crate::gateway::stripe::ReaderInfo>> {
        self.require(actor, Permission::ConfigureGateway)?;
        let key = GatewayKeys::new(&self.keychain, &self.keys)
            .for_gateway(&self.settings.gateway.binding())?
            .ok_or(CounterError::LiveNotConfigured)?;
        let gateway = crate::counter::live_gateway(&self.settings, key)?;
        Ok(gateway.list_readers().await.map_err(CounterError::Gateway)?)
    }

    /// The id of the account called `name` (case-insensitive), for a search.
    /// An unknown name matches nobody rather than everybody.
    fn staff_id_named(&self, name: Option<&str>) -> Result<Option<String>> {
        let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
            return Ok(None);
        };
        let id = self
            .staff
            .names(&self.db)?
            .into_iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map_or_else(|| "no such staff".to_string(), |(id, _)| id);
        Ok(Some(id))
    }

    /// Who a typed staff name refers to, for the audit trail: the account's
    /// id, or [`crate::audit::UNKNOWN_STAFF`] for a name that matches nobody. The typed
    /// text is never recorded: it may be a PIN or a card number typed into
    /// the wrong box.
    fn staff_ref(&self, name: &str) -> Result<String> {
        let name = name.trim();
        Ok(self
            .staff
            .names(&self.db)?
            .into_iter()
            .find(|(_, n)| n == name)
            .map_or_else(|| crate::audit::UNKNOWN_STAFF.to_string(), |(id, _)| id))
    }

    /// The gateway's test cards, when its key is a test-mode key.
    pub fn test_cards(&self) -> Vec<TestCard> {
        match &self.counter {
            Ok(c) if c.gateway().test_mode() => TestCard::ALL.to_vec(),
            _ => Vec::new(),
        }
    }

    /// A receipt for a sale, or for one of its refunds, as print lines.
    pub fn receipt(&self, actor: &Actor, sale: SaleId, refund: Option<&str>, copy: ReceiptCopy) -> Result<Vec<String>> {
        self.require(actor, Permission::ListSales)?;
        let store = self.counter()?.store();
        let sale = store.get(sale)?.ok_or(CounterError::SaleNotFound)?;
        let refund = match refund {
            Some(id) => Some(
                store
                    .refunds_for_sale(sale.id)?
                    .into_iter()
                    .find(|r| r.id == id)
                    .ok_or(CounterError::SaleNotFound)?,
            ),
            None => None,
        };
        let staff = refund
            .as_ref()
            .map_or(sale.staff_id.as_deref(), |r| r.staff_id.as_deref())
            .map(self.staff_names()?);
        let zone = self.zone()?;
        let ctx = ReceiptContext {
            shop_name: &self.settings.shop_name,
            zone: &zone,
            training: self.training(),
            staff: staff.as_deref(),
        };
        Ok(match &refund {
            None => receipt::sale_lines(&sale, copy, &ctx),
            Some(r) => receipt::refund_lines(&sale, r, copy, &ctx),
        })
    }

    /// Writes the receipt as a PDF under `<home>/receipts/` (the same bytes
    /// every time) and returns the lines and the path.
    pub fn save_receipt(
        &self,
        actor: &Actor,
        sale: SaleId,
        refund: Option<&str>,
        copy: ReceiptCopy,
    ) -> Result<(Vec<String>, std::path::PathBuf)> {
        let lines = self.receipt(actor, sale, refund, copy)?;
        let mode = if self.training() { "training-" } else { "" };
        let what = refund.map_or_else(|| format!("sale-{sale}"), |r| format!("refund-{}", file_safe(r)));
        let path = self
            .home
            .root()
            .join("receipts")
            .join(format!("{mode}{what}-{}.pdf", copy.file_word()));
        write_file(&path, &crate::pdf::render(&lines))?;
        Ok((lines, path))
    }

    /// Asks the gateway to email its receipt for a sale. The address is
    /// checked, used once and not kept; the audit records that it was sent.
    pub async fn email_receipt(&self, actor: &Actor, sale: SaleId, email: &str) -> Result<()> {
        self.require(actor, Permission::ListSales)?;
        let email = email.trim();
        let plausible = email.len() <= 254
            && email.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
            })
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == ',' || c == ';')
            && !crate::pan::contains_card_number(email);
        if !plausible {
            return Err(CounterError::InvalidInput("That does not look like an email address.".into()).into());
        }
        let counter = self.counter()?;
        let found = counter.store().get(sale)?.ok_or(CounterError::SaleNotFound)?;
        let payment = found
            .gateway_ref
            .filter(|_| found.status == crate::store::SaleStatus::Approved)
            .ok_or_else(|| CounterError::InvalidInput("Only an approved sale has a receipt to email.".into()))?;
        let result = counter.gateway().email_receipt(&payment, email).await;
        let outcome = if result.is_ok() { "ok" } else { "failed" };
        self.record(
            Some(actor),
            Action::ReceiptEmailed,
            Some(&sale.to_string()),
            outcome,
            None,
        )?;
        result.map_err(|e| CounterError::Gateway(e).into())
    }

    /// What is left to refund on a sale.
    pub fn refundable(&self, actor: &Actor, sale: SaleId) -> Result<Money> {
        self.require(actor, Permission::ListSales)?;
        Ok(self.counter()?.store().refundable(sale)?)
    }

    /// Refunds part or all of a sale. Above the approval limit a manager's
    /// name and PIN must come with it (unless the actor is a manager);
    /// cashiers are held to their daily count and amount.
    pub async fn refund(
        &self,
        actor: &Actor,
        mut input: RefundInput,
        approver: Option<(&str, &SecretString)>,
    ) -> Result<Refund> {
        self.require(actor, Permission::Refund)?;
        let counter = self.counter()?;
        let sale = counter.store().get(input.sale_id)?.ok_or(CounterError::SaleNotFound)?;
        let currency = sale.money.currency;
        let amount = match &input.amount {
            Some(typed) => {
                crate::money::parse_amount(typed, currency, &self.settings.parse_rules()).map_err(CounterError::from)?
            }
            None => counter.store().refundable(sale.id)?.amount,
        };
        let object = sale.id.to_string();
        let limit = major(self.settings.refund_approval_above_major, currency);
        let mut approved_by = None;
        if amount > limit && !actor.role.allows(Permission::ApproveRefund) {
            let Some((name, pin)) = approver else {
                self.record(Some(actor), Action::Refund, Some(&object), "needs_approval", None)?;
                return Err(TerminalError::NeedsApproval(Money::new(limit, currency).display()));
            };
            let manager = self.sign_in(name, pin)?;
            if let Err(e) = manager.require(Permission::ApproveRefund) {
                self.record(Some(&manager), Action::RefundApproval, Some(&object), "denied", None)?;
                return Err(e.into());
            }
            self.record(
                Some(&manager),
                Action::RefundApproval,
                Some(&object),
                "ok",
                Some(&format!("for={}", actor.staff_id)),
            )?;
            approved_by = Some(manager.staff_id);
        }
        // Cashiers' limits are checked where the refund is journaled, in one
        // transaction, so parallel refunds cannot all pass a stale count.
        let cap = (actor.role == Role::Cashier).then(|| RefundCap {
            staff_id: actor.staff_id.clone(),
            since_ms: crate::store::now_ms() - 24 * 60 * 60 * 1000,
            max_count: i64::from(self.settings.refund_limit_count),
            max_total_minor: major(self.settings.refund_limit_major, currency).get(),
        });
        input.staff_id = Some(actor.staff_id.clone());
        input.amount = Some(crate::money::format_minor(amount, currency));
        counter.set_audit_anchor(self.audit.head(&self.db)?.map(|a| a.encode()));
        let result = counter.refund_within(input, cap).await;
        if let Err(CounterError::Store(StoreError::RefundLimit(reached))) = &result {
            return Err(self.refund_limit_reached(actor, *reached, currency)?);
        }
        let approval = approved_by.map(|m| format!(" approved_by={m}")).unwrap_or_default();
        match &result {
            Ok(r) => {
                let detail = format!("amount={} {} refund={}{approval}", r.money.amount.get(), currency, r.id);
                self.record(
                    Some(actor),
                    Action::Refund,
                    Some(&object),
                    refund_word(r),
                    Some(&detail),
                )?;
            }
            Err(e) => {
                self.record(
                    Some(actor),
                    Action::Refund,
                    Some(&object),
                    "refused",
                    Some(&refusal_code(e.into())),
                )?;
            }
        }
        Ok(result?)
    }

    /// The refusal of a refund over a cashier's limits, audited.
    fn refund_limit_reached(&self, actor: &Actor, reached: CapReached, currency: Currency) -> Result<TerminalError> {
        let msg = match reached {
            CapReached::Count => format!(
                "You have reached your limit of {} refunds in 24 hours: ask a manager.",
                self.settings.refund_limit_count
            ),
            CapReached::Amount => format!(
                "This refund would take you over your 24-hour refund limit of {}: ask a manager.",
                Money::new(major(self.settings.refund_limit_major, currency), currency).display()
            ),
        };
        self.record(Some(actor), Action::Refund, None, "limit_reached", None)?;
        Ok(TerminalError::LimitReached(msg))
    }

    pub async fn capture(&self, actor: &Actor, sale: SaleId, amount: Option<String>) -> Result<Sale> {
        self.require(actor, Permission::CaptureVoid)?;
        let counter = self.counter()?;
        counter.set_audit_anchor(self.audit.head(&self.db)?.map(|a| a.encode()));
        let result = counter.capture(sale, amount).await;
        self.record_op(actor, Action::Capture, sale, &result)?;
        Ok(result?)
    }

    pub async fn void(&self, actor: &Actor, sale: SaleId) -> Result<Sale> {
        self.require(actor, Permission::CaptureVoid)?;
        let result = self.counter()?.void(sale).await;
        self.record_op(actor, Action::Void, sale, &result)?;
        Ok(result?)
    }

    fn record_op(
        &self,
        actor: &Actor,
        action: Action,
        sale: SaleId,
        result: &std::result::Result<Sale, CounterError>,
    ) -> Result<()> {
        let outcome = match result {
            Ok(s) => status_word(s),
            Err(_) => "refused",
        };
        let detail = result
            .as_ref()
            .ok()
            .and_then(|s| s.captured)
            .map(|c| format!("captured={}", c.get()));
        self.record(Some(actor), action, Some(&sale.to_string()), outcome, detail.as_deref())?;
        Ok(())
    }

    pub async fn resolve_in_doubt(&self, actor: &Actor) -> Result<usize> {
        self.require(actor, Permission::ResolveInDoubt)?;
        let unresolved = self.counter()?.resolve_in_doubt().await?;
        self.record_settled(Some(actor))?;
        self.audit_unrecorded_money(Some(actor))?;
        if actor.require(Permission::CloseDay).is_ok() {
            self.audit_unrecorded_closes(actor)?;
        }
        let outcome = if unresolved == 0 { "ok" } else { "in_doubt" };
        self.record(
            Some(actor),
            Action::ResolveInDoubt,
            None,
            outcome,
            Some(&format!("unresolved={unresolved}")),
        )?;
        Ok(unresolved)
    }

    // --- owner settings ----------------------------------------------------

    /// Saves new settings (gateway, limits, mode). Takes effect on next open.
    pub fn save_settings(&self, actor: &Actor, settings: &Settings, action: Action) -> Result<()> {
        let p = if action == Action::ModeSwitch {
            Permission::SwitchMode
        } else {
            Permission::ConfigureGateway
        };
        self.require(actor, p)?;
        self.home.save_settings(settings)?;
        let detail = format!("mode={:?} gateway={}", settings.mode, settings.gateway.base_url);
        self.record(Some(actor), action, None, "ok", Some(&detail))?;
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
        let typed = [change.base_url.as_deref(), change.reader_id.as_deref()];
        if typed.into_iter().flatten().any(url_holds_card_number) {
            return Err(CounterError::InvalidInput(
                "That looks like it holds a card number. Card numbers are never typed into the terminal.".into(),
            )
            .into());
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
        if let Err(e) = crate::counter::live_gateway(&settings, SecretString::from(String::new())) {
            // A copy just made of a file that is not a CA is not kept.
            if let Some(copy) = settings.gateway.extra_ca.as_ref() {
                if self.settings.gateway.extra_ca.as_ref() != Some(copy) {
                    let _ = std::fs::remove_file(copy);
                }
            }
            return Err(e.into());
        }
        if settings.gateway.binding() != self.settings.gateway.binding()
            && GatewayKeys::new(&self.keychain, &self.keys).clear()?
        {
            self.record(
                Some(actor),
                Action::GatewayKeyRemoved,
                None,
                "ok",
                Some("gateway address or CA changed: the key must be entered again"),
            )?;
        }
        self.save_settings(actor, &settings, Action::GatewayConfigured)?;
        Ok(settings)
    }

    /// Checks `key` with the gateway, then keeps it in the OS keychain
    /// (replacing any other). Only the masked form is ever returned, logged
    /// or audited; a rejected key is audited and not kept.
    pub async fn replace_gateway_key(&self, actor: &Actor, key: &SecretString) -> Result<KeyView> {
        self.require(actor, Permission::ConfigureGateway)?;
        let masked = mask_key(key.expose_secret());
        let gateway = crate::counter::live_gateway(&self.settings, key.clone())?;
        let check = match gateway.check_key().await {
            Ok(c) => c,
            Err(e) => {
                self.record(Some(actor), Action::GatewayKeySet, None, "rejected", Some(&masked))?;
                return Err(CounterError::Gateway(e).into());
            }
        };
        GatewayKeys::new(&self.keychain, &self.keys).store(key, &self.settings.gateway.binding())?;
        self.record(Some(actor), Action::GatewayKeySet, None, "ok", Some(&masked))?;
        Ok(KeyView {
            masked,
            restricted: check.restricted,
            live: check.live,
        })
    }

    /// The stored key, masked (`rk_live_…abcd`), if there is one.
    pub fn gateway_key(&self, actor: &Actor) -> Result<Option<KeyView>> {
        self.require(actor, Permission::ConfigureGateway)?;
        Ok(self.keychain.secret(GATEWAY_KEY)?.map(|k| {
            let shape = key_kind(k.expose_secret());
            KeyView {
                masked: mask_key(k.expose_secret()),
                restricted: shape.as_ref().is_some_and(|s| s.restricted),
                live: shape.is_some_and(|s| s.live),
            }
        }))
    }

    pub fn remove_gateway_key(&self, actor: &Actor) -> Result<()> {
        self.require(actor, Permission::ConfigureGateway)?;
        GatewayKeys::new(&self.keychain, &self.keys).clear()?;
        self.record(Some(actor), Action::GatewayKeyRemoved, None, "ok", None)?;
        Ok(())
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

    // --- keys --------------------------------------------------------------

    /// The current mode's cache key versions and the rows on each.
    pub fn key_states(&self, actor: &Actor) -> Result<Vec<KeyState>> {
        self.require(actor, Permission::ManageKeys)?;
        Ok(self.counter()?.store().key_states()?)
    }

    /// The keys panel: cache key versions and support recipients.
    pub fn keys_view(&self, actor: &Actor, rotation: Option<Rotation>) -> Result<crate::api::KeysView> {
        Ok(crate::api::KeysView {
            cache: self.key_states(actor)?,
            support_recipients: self.settings.support_recipients.clone(),
            owner_recipient: self.settings.owner_recipient.clone(),
            rotation,
        })
    }

    /// Rotates the current mode's cache key: every row re-sealed under a new
    /// version in batches of `batch` (charges go on between batches), then
    /// the old version's epoch destroyed in the keychain. Resumes one that
    /// was interrupted. Audited, whatever the outcome.
    pub fn rotate_cache_key(&self, actor: &Actor, batch: u32) -> Result<Rotation> {
        self.require(actor, Permission::ManageKeys)?;
        let epochs = self.keychain.cache_epochs(self.settings.mode.folder());
        let scope = self.settings.mode.folder();
        match self.counter()?.store().rotate_key(&self.keys, &epochs, batch.max(1)) {
            Ok(r) => {
                let detail = format!(
                    "{scope} v{} -> v{}: {} sales, {} refunds re-sealed; v{} destroyed",
                    r.from, r.to, r.sales, r.refunds, r.from
                );
                self.record(Some(actor), Action::CacheKeyRotated, None, "ok", Some(&detail))?;
                Ok(r)
            }
            Err(e) => {
                self.record(
                    Some(actor),
                    Action::CacheKeyRotated,
                    None,
                    "failed",
                    Some(&e.to_string()),
                )?;
                Err(e.into())
            }
        }
    }

    /// Replaces who support bundles are sealed to (age X25519 recipients),
    /// checked before anything is saved. Bundles sealed earlier still open
    /// only with the keys they were sealed to. Audited with short forms.
    pub fn set_support_recipients(
        &self,
        actor: &Actor,
        support: Vec<String>,
        owner: Option<String>,
    ) -> Result<Settings> {
        self.require(actor, Permission::ManageKeys)?;
        let support: Vec<String> = support.iter().map(|k| k.trim().to_string()).collect();
        let owner = owner.map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
        crate::export::parse_recipients(&support)?;
        if let Some(o) = &owner {
            crate::export::parse_recipients(std::slice::from_ref(o))?;
        }
        let mut settings = self.settings.clone();
        settings.support_recipients = support;
        settings.owner_recipient = owner;
        self.home.save_settings(&settings)?;
        let short: Vec<&str> = settings
            .support_recipients
            .iter()
            .chain(&settings.owner_recipient)
            .map(|k| k.get(..16).unwrap_or(k))
            .collect();
        let detail = format!("recipients={}", short.join(","));
        self.record(Some(actor), Action::SupportRecipientsChanged, None, "ok", Some(&detail))?;
        Ok(settings)
    }

    // --- support bundle ----------------------------------------------------

    /// Health checks for support: nothing secret, nothing about customers.
    pub async fn diagnostics(&self) -> Diagnostics {
        let check = |r: std::result::Result<(), crate::store::StoreError>| match r {
            Ok(()) => "ok".to_string(),
            Err(e) => e.to_string(),
        };
        let counter = self.counter.as_ref().ok();
        let gateway = match counter {
            Some(c) => {
                let started = std::time::Instant::now();
                let health = c.gateway().health().await;
                GatewayHealth {
                    kind: format!("{:?}", c.gateway().kind()).to_lowercase(),
                    reachable: health.is_ok(),
                    tls_ok: !matches!(health, Err(crate::gateway::GatewayError::TlsFailure)),
                    latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    error: health.err().map(|e| e.to_string()),
                }
            }
            None => GatewayHealth {
                kind: "not configured".into(),
                reachable: false,
                tls_ok: false,
                latency_ms: 0,
                error: self.counter().err().map(|e| e.to_string()),
            },
        };
        Diagnostics {
            keychain: "reachable (the master key opened)".into(),
            mode: self.settings.mode,
            gateway,
            cache_integrity: counter.map(|c| check(c.store().integrity_check())),
            cache_schema_version: counter.and_then(|c| c.store().schema_version().ok()),
            terminal_db_integrity: check(self.db.integrity_check()),
            in_doubt: counter.and_then(|c| c.store().in_doubt_count().ok()),
            audit: self
                .audit
                .verify_against(&self.db, &self.setup.head().into_iter().collect::<Vec<_>>())
                .ok(),
            audit_head: self.audit.head(&self.db).ok().flatten().map(|a| a.encode()),
            app_version: env!("CARGO_PKG_VERSION").into(),
            webview_version: self.webview_version.clone(),
            os: std::fs::read_to_string("/etc/os-release")
                .ok()
                .and_then(|t| {
                    t.lines()
                        .find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_string()))
                })
                .unwrap_or_else(|| std::env::consts::OS.to_string()),
            settings: self.settings.clone(),
        }
    }

    /// The bundle's files for `actor`: a manager's carries the whole audit
    /// trail, a support member's only what happened and when (no sales data).
    fn bundle_parts(
        &self,
        actor: &Actor,
        diagnostics: &Diagnostics,
    ) -> Result<(crate::export::Manifest, Vec<crate::export::Part>)> {
        use crate::export::{Manifest, Part};
        let json = |v: &Diagnostics| serde_json::to_vec_pretty(v).unwrap_or_default();
        let full_audit = actor.role == Role::Manager;
        let mut audit_lines = Vec::new();
        for e in self.audit.recent(&self.db, u32::MAX)?.iter().rev() {
            let line = if full_audit {
                serde_json::to_vec(e)
            } else {
                serde_json::to_vec(&crate::export::SupportAuditEntry::from(e))
            };
            audit_lines.extend(line.unwrap_or_default());
            audit_lines.push(b'\n');
        }
        let mut parts = vec![
            Part::Bytes {
                path: "diagnostics.json".into(),
                bytes: json(diagnostics),
            },
            Part::Bytes {
                path: "audit.jsonl".into(),
                bytes: audit_lines,
            },
        ];
        let logs = self.home.root().join("logs");
        if let Ok(entries) = std::fs::read_dir(&logs) {
            let mut files: Vec<_> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
            files.sort();
            for source in files {
                let name = source
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let path = format!("logs/{name}");
                parts.push(if full_audit {
                    Part::Log { path, source }
                } else {
                    Part::SupportLog { path, source }
                });
            }
        }
        let manifest = Manifest {
            terminal_id: self.terminal_id.clone(),
            created_at_ms: crate::store::now_ms(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            audit_head: diagnostics.audit_head.clone(),
            recipients: self.recipient_keys(),
            files: Vec::new(),
        };
        Ok((manifest, parts))
    }

    fn recipient_keys(&self) -> Vec<String> {
        let mut keys = self.settings.support_recipients.clone();
        keys.extend(self.settings.owner_recipient.clone());
        keys
    }

    /// What the bundle would contain, for the person exporting to check.
    pub async fn preview_bundle(&self, actor: &Actor) -> Result<crate::export::Manifest> {
        self.require(actor, Permission::ExportBundle)?;
        let diagnostics = self.diagnostics().await;
        let (manifest, parts) = self.bundle_parts(actor, &diagnostics)?;
        Ok(crate::export::preview(manifest, &parts)?)
    }

    /// Seals the bundle to the configured recipients into `out`. Audited.
    pub async fn export_bundle(&self, actor: &Actor, out: &std::path::Path) -> Result<crate::export::Manifest> {
        self.require(actor, Permission::ExportBundle)?;
        let recipients = crate::export::parse_recipients(&self.recipient_keys())?;
        let diagnostics = self.diagnostics().await;
        let (manifest, parts) = self.bundle_parts(actor, &diagnostics)?;
        let file = std::fs::File::create(out).map_err(crate::export::ExportError::from)?;
        let manifest = crate::export::seal(manifest, parts, &recipients, std::io::BufWriter::new(file))?;
        let bytes: u64 = manifest.files.iter().map(|f| f.bytes).sum();
        let detail = format!(
            "files={} bytes={bytes} recipients={}",
            manifest.files.len(),
            recipients.len()
        );
        self.record(Some(actor), Action::Export, None, "ok", Some(&detail))?;
        Ok(manifest)
    }

    // --- reports -----------------------------------------------------------

    /// Where Z report PDFs and CSV exports are written.
    pub fn reports_dir(&self) -> std::path::PathBuf {
        self.home.root().join("reports")
    }

    fn zone(&self) -> Result<ShopZone> {
        Ok(ShopZone::new(self.settings.time_zone.as_deref())?)
    }

    /// Today's date in the shop's time zone.
    pub fn today(&self) -> std::result::Result<jiff::civil::Date, ReportError> {
        let zone = ShopZone::new(self.settings.time_zone.as_deref())?;
        Ok(zone.local(crate::store::now_ms()).0)
    }

    /// Staff id → name, falling back to a short id for a deleted account.
    fn staff_names(&self) -> Result<impl Fn(&str) -> String> {
        let names = self.staff.names(&self.db)?;
        Ok(move |id: &str| {
            names
                .get(id)
                .cloned()
                .unwrap_or_else(|| format!("staff {}", id.chars().take(8).collect::<String>()))
        })
    }

    fn training(&self) -> bool {
        self.mode() == Mode::Training
    }

    /// The day view over local dates `range` (both included).
    pub fn day_report(&self, actor: &Actor, range: &DateRange) -> Result<Figures> {
        self.require(actor, Permission::ViewReports)?;
        let zone = self.zone()?;
        let period = range.period(&zone)?;
        let store = self.counter()?.store();
        Ok(crate::reports::figures(
            store,
            period,
            &zone,
            self.training(),
            &self.staff_names()?,
        )?)
    }

    /// The X report: figures since the last close of day, nothing closed.
    pub fn x_report(&self, actor: &Actor) -> Result<Figures> {
        self.require(actor, Permission::ViewReports)?;
        let store = self.counter()?.store();
        Ok(closing::x_report(
            store,
            &self.zone()?,
            self.training(),
            &self.staff_names()?,
            crate::store::now_ms(),
        )?)
    }

    /// Puts what recovery settled on the trail, one entry per operation
    /// (the sale as object, the refund id in the detail).
    fn record_settled(&self, actor: Option<&Actor>) -> Result<()> {
        let Ok(counter) = &self.counter else {
            return Ok(());
        };
        for s in counter.take_settled() {
            let detail = s.refund.as_ref().map(|r| format!("refund={r}"));
            self.record(
                actor,
                Action::ResolveInDoubt,
                Some(&s.sale.to_string()),
                s.outcome,
                detail.as_deref(),
            )?;
        }
        Ok(())
    }

    /// Every settled sale and refund has its own entry on the trail. One
    /// can be missing when the process died between recording the outcome
    /// and auditing it (or the audit write failed): those are found from
    /// the cache, since shortly before the newest money entry, and recorded
    /// now with the detail `recovered`.
    fn audit_unrecorded_money(&self, actor: Option<&Actor>) -> Result<()> {
        let Ok(counter) = &self.counter else {
            return Ok(());
        };
        const MARGIN_MS: i64 = 10 * 60_000;
        let money = [
            Action::Charge,
            Action::Refund,
            Action::Capture,
            Action::Void,
            Action::ResolveInDoubt,
        ];
        let filter = |action: Option<&Action>, since_ms: i64, limit: u32| crate::audit::AuditFilter {
            action: action.map(|a| a.as_str().to_string()),
            actor: None,
            outcome: None,
            since_ms,
            until_ms: i64::MAX,
            limit,
        };
        let mut newest: Option<i64> = None;
        for a in &money {
            if let Some(e) = self.audit.query(&self.db, &filter(Some(a), 0, 1))?.first() {
                newest = Some(newest.map_or(e.at_ms, |n| n.max(e.at_ms)));
            }
        }
        let since = newest.map_or(0, |n| n - MARGIN_MS);
        let settled = counter.store().settled_since(since)?;
        if settled.is_empty() {
            return Ok(());
        }
        let entries = self.audit.query(&self.db, &filter(None, since - MARGIN_MS, u32::MAX))?;
        for r in settled {
            // An entry for this record written after it was last settled.
            let audited = entries.iter().any(|e| {
                e.at_ms + 1_000 >= r.updated_at_ms
                    && match &r.refund_id {
                        Some(id) => e.detail.as_deref().is_some_and(|d| d.contains(&format!("refund={id}"))),
                        None => e.object.as_deref() == Some(r.sale_id.as_str()),
                    }
            });
            if !audited {
                let (action, detail) = match &r.refund_id {
                    Some(id) => (Action::Refund, format!("refund={id} recovered")),
                    None => (Action::ResolveInDoubt, "recovered".to_string()),
                };
                self.record(actor, action, Some(&r.sale_id), &r.status, Some(&detail))?;
            }
        }
        Ok(())
    }

    /// A Z report committed but cut off before its audit entry (the process
    /// died between the two) is put on the trail now, marked `recovered`,
    /// so every numbered report has its entry. Matched by the covered hash,
    /// which is unique to a report in either mode.
    fn audit_unrecorded_closes(&self, actor: &Actor) -> Result<()> {
        let filter = crate::audit::AuditFilter {
            action: Some(Action::CloseDay.as_str().into()),
            actor: None,
            outcome: None,
            since_ms: 0,
            until_ms: i64::MAX,
            limit: u32::MAX,
        };
        let details: Vec<String> = self
            .audit
            .query(&self.db, &filter)?
            .into_iter()
            .filter_map(|e| e.detail)
            .collect();
        for (number, hash) in closing::hashes(self.counter()?.store())? {
            // The trail keeps fields redacted; compare like with like.
            let mark = crate::logging::redact(&hash);
            if !details.iter().any(|d| d.contains(&mark)) {
                let detail = format!("sha256={hash}");
                self.record(
                    Some(actor),
                    Action::CloseDay,
                    Some(&format!("Z{number}")),
                    "recovered",
                    Some(&detail),
                )?;
            }
        }
        Ok(())
    }

    /// Closes the day: the next Z report. Audited with its hash.
    pub fn close_day(&self, actor: &Actor) -> Result<ZReport> {
        self.require(actor, Permission::CloseDay)?;
        self.audit_unrecorded_closes(actor)?;
        let store = self.counter()?.store();
        let z = closing::close_day(
            store,
            &self.zone()?,
            self.training(),
            &self.staff_names()?,
            &actor.name,
            crate::store::now_ms(),
        );
        let z = match z {
            Ok(z) => z,
            Err(e) => {
                let e = TerminalError::from(e);
                self.record(
                    Some(actor),
                    Action::CloseDay,
                    None,
                    "refused",
                    Some(&refusal_code((&e).into())),
                )?;
                return Err(e);
            }
        };
        let detail = format!("items={} sha256={}", z.items, z.covered_hash);
        self.record(
            Some(actor),
            Action::CloseDay,
            Some(&format!("Z{}", z.number)),
            "ok",
            Some(&detail),
        )?;
        Ok(z)
    }

    /// A stored Z report and what has changed since it was closed.
    pub fn z_report(&self, actor: &Actor, number: i64) -> Result<(ZReport, Vec<Discrepancy>)> {
        self.require(actor, Permission::ViewReports)?;
        let store = self.counter()?.store();
        let z = closing::load(store, number, &self.zone()?)?;
        Ok((z, closing::discrepancies(store, number)?))
    }

    /// Every Z report: (number, closed at ms, closed by), newest first.
    pub fn z_reports(&self, actor: &Actor) -> Result<Vec<(i64, i64, String)>> {
        self.require(actor, Permission::ViewReports)?;
        Ok(closing::list(self.counter()?.store())?)
    }

    /// Writes Z report `number` as a PDF into `out` (identical every time).
    pub fn save_z_pdf(&self, actor: &Actor, number: i64, out: &std::path::Path) -> Result<()> {
        let (z, _) = self.z_report(actor, number)?;
        let pdf = crate::pdf::render(&crate::reports::print::z_lines(&z));
        write_file(out, &pdf)?;
        Ok(())
    }

    /// Where the app keeps Z report `number` as a PDF.
    pub fn z_pdf_path(&self, number: i64) -> std::path::PathBuf {
        let mode = if self.training() { "training-" } else { "" };
        self.reports_dir().join(format!("{mode}z-{number:04}.pdf"))
    }

    /// Exports `range` as CSV into `out`; returns the rows written. Audited.
    pub fn export_csv(&self, actor: &Actor, range: &DateRange, out: &std::path::Path) -> Result<u64> {
        self.require(actor, Permission::ViewReports)?;
        let zone = self.zone()?;
        let period = range.period(&zone)?;
        let store = self.counter()?.store();
        let mut bytes = Vec::new();
        let rows = crate::reports::csv::write(store, period, &zone, &self.staff_names()?, &mut bytes)?;
        write_file(out, &bytes)?;
        let detail = format!("from={} to={} rows={rows}", range.from, range.to);
        self.record(Some(actor), Action::ReportExport, Some("csv"), "ok", Some(&detail))?;
        Ok(rows)
    }

    /// Compares the cache with the gateway's records for `range`.
    pub async fn reconcile(&self, actor: &Actor, range: &DateRange) -> Result<Reconciliation> {
        self.require(actor, Permission::ViewReports)?;
        let period = range.period(&self.zone()?)?;
        let counter = self.counter()?;
        let mut r = reconcile::reconcile(counter.store(), counter.gateway(), &self.terminal_id, period).await?;
        let anchors = self.gateway_anchors().await;
        let checked = self.audit.verify_against(&self.db, &anchors)?;
        r.mismatches.extend(reconcile::anchor_mismatch(&checked));
        Ok(r)
    }

    /// Imports what the gateway has and the cache lacks in `range`. Audited.
    pub async fn import_missing(&self, actor: &Actor, range: &DateRange) -> Result<u64> {
        self.require(actor, Permission::CloseDay)?;
        let period = range.period(&self.zone()?)?;
        let counter = self.counter()?;
        let n = reconcile::import_missing(counter.store(), counter.gateway(), &self.terminal_id, period).await?;
        let detail = format!("from={} to={} imported={n}", range.from, range.to);
        self.record(Some(actor), Action::ReconcileImport, None, "ok", Some(&detail))?;
        Ok(n)
    }

    // --- audit -------------------------------------------------------------

    /// Recomputes the chain and checks it against every anchor there is:
    /// `typed` (one a person kept), the head in the keychain's setup record
    /// (training and live), and the newest heads the live gateway holds in
    /// this terminal's PaymentIntents. A trail that ends before any of them,
    /// or reaches one with another MAC, is reported as truncated.
    pub async fn verify_audit(&self, actor: &Actor, typed: Option<&Anchor>) -> Result<Verification> {
        self.require(actor, Permission::VerifyAudit)?;
        let mut anchors: Vec<Anchor> = typed.into_iter().cloned().collect();
        anchors.extend(self.gateway_anchors().await);
        anchors.extend(self.setup.head());
        Ok(self.audit.verify_against(&self.db, &anchors)?)
    }

    /// The audit heads the gateway holds for this terminal's current trail
    /// (none in training, whose anchors are the keychain's). Unreadable
    /// anchors are logged and skipped: the keychain's head still counts.
    async fn gateway_anchors(&self) -> Vec<Anchor> {
        let Ok(counter) = self.counter.as_ref() else {
            return Vec::new();
        };
        let since = self.setup.trail_since_ms();
        match counter.gateway().recent_anchors(&self.terminal_id).await {
            Ok(found) => found
                .into_iter()
                .filter(|(created_ms, _)| *created_ms >= since)
                .filter_map(|(_, a)| Anchor::decode(&a))
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "the gateway's audit anchors could not be read");
                Vec::new()
            }
        }
    }

    pub fn audit_head(&self) -> Result<Option<Anchor>> {
        Ok(self.audit.head(&self.db)?)
    }

    pub fn recent_audit(&self, actor: &Actor, limit: u32) -> Result<Vec<AuditEntry>> {
        self.require(actor, Permission::ViewAudit)?;
        Ok(self.audit.recent(&self.db, limit)?)
    }
}

/// A refund id as part of a file name.
fn file_safe(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect()
}

/// Writes a report file whole or not at all (temp file, then rename).
fn write_file(out: &std::path::Path, bytes: &[u8]) -> std::result::Result<(), ReportError> {
    use std::io::Write;
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| ReportError::Write(e.to_string()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| ReportError::Write(e.to_string()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| ReportError::Write(e.to_string()))?;
    tmp.persist(out).map_err(|e| ReportError::Write(e.error.to_string()))?;
    Ok(())
}

fn major(units: u64, currency: Currency) -> MinorUnits {
    MinorUnits::new(
        i64::try_from(units)
            .unwrap_or(i64::MAX)
            .saturating_mul(currency.minor_per_major()),
    )
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

/// What the audit trail keeps of a refusal: its stable error code. The
/// message is for the person at the till and may describe what they typed.
fn refusal_code(report: crate::api::ErrorReport) -> String {
    serde_json::to_value(report.code)
        .ok()
        .and_then(|v| v.as_str().map(|c| format!("error={c}")))
        .unwrap_or_else(|| "error".to_string())
}

fn status_word(sale: &Sale) -> &'static str {
    use crate::store::SaleStatus::*;
    match sale.status {
        Approved => "approved",
        Authorized => "authorized",
        Declined => "declined",
        Failed => "failed",
        Cancelled => "cancelled",
        Voided => "voided",
        InDoubt | Pending => "in_doubt",
    }
}

fn refund_word(r: &Refund) -> &'static str {
    use crate::store::RefundStatus::*;
    match r.status {
        Succeeded => "refunded",
        Failed => "failed",
        Pending | InDoubt => "in_doubt",
    }
}

// --- sessions ----------------------------------------------------------------

impl Terminal {
    /// A front end's session for `actor`, who has just entered their PIN.
    pub fn begin_session(&self, actor: Actor) -> Session {
        Session::begin(actor, self.clock.now_ms())
    }

    /// Resumes a front end's session for one command (see
    /// [`crate::session`]). A session that went idle, or whose member was
    /// disabled or removed, is ended here (audited as a sign-out with the
    /// reason); otherwise the member comes back as the staff table has them
    /// now.
    pub fn resume(&self, slot: &mut Option<Session>, need: Need) -> Result<Actor> {
        let Some(session) = slot.as_mut() else {
            return Err(SessionError::NotSignedIn.into());
        };
        let ended = match session.check_time(self.clock.now_ms(), self.settings().idle_lock_minutes, need) {
            Err(SessionError::ReauthRequired) => return Err(SessionError::ReauthRequired.into()),
            Err(e) => e,
            Ok(()) => match session.refresh(&self.db) {
                Ok(()) => return Ok(session.actor().clone()),
                Err(SessionRefreshError::Store(e)) => return Err(e.into()),
                Err(SessionRefreshError::Session(e)) => e,
            },
        };
        let actor = session.actor().clone();
        *slot = None;
        let outcome = match ended {
            SessionError::IdleLocked => "idle",
            _ => "no_longer_active",
        };
        self.record(Some(&actor), Action::SignOut, Some(&actor.staff_id), outcome, None)?;
        Err(ended.into())
    }

    /// The signed-in member typed their PIN again (before a sensitive
    /// action). A wrong PIN counts like any failed sign-in.
    pub fn confirm_pin(&self, slot: &mut Option<Session>, pin: &SecretString) -> Result<()> {
        let actor = self.resume(slot, Need::SignedIn)?;
        let again = self.sign_in(&actor.name, pin)?;
        if again.staff_id != actor.staff_id {
            return Err(AuthError::WrongPin.into());
        }
        if let Some(session) = slot.as_mut() {
            session.confirmed(self.clock.now_ms());
        }
        Ok(())
    }
}
