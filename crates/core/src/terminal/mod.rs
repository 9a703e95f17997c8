//! The terminal as staff use it: every action signed in, permitted, limited
//! and audited, in that order. The desktop shell and `merchantctl` call only
//! this; neither can reach the counter without passing the checks here.
//!
//! Opening: settings → keychain (fail closed) → key hierarchy → the terminal
//! database (staff, audit) → the counter for the current mode. A live
//! terminal without a gateway key still opens (so an owner can set one), but
//! takes no payments.
//!
//! One room per concern: `staff` (accounts, sign-in, sessions), `sales`
//! (the counter), `settings`, `keys`, `support`, `reports`, `audit`. This
//! file holds the terminal itself, its opening, and the two steps every
//! action goes through: the permission check and the audit record.

use secrecy::SecretString;
use std::sync::Arc;

use crate::audit::{Action, Anchor, AuditError, AuditLog, Event, Outcome};
use crate::auth::{Actor, AuthError, Clock, Permission, Staff, SystemClock};
use crate::config::{ConfigError, Home, Mode, Settings};
use crate::counter::{Counter, CounterError};
use crate::gateway::http::HttpSetupError;
use crate::reports::ReportError;
use crate::session::SessionError;
use crate::store::TerminalDb;
use crate::vault::{BuildKind, GatewayKeys, Keychain, KeychainError, KeychainNamespace, SubKeys};

mod audit;
mod backup;
mod keys;
mod reports;
mod sales;
mod settings;
mod staff;
mod support;
mod tills;

pub use keys::{KeyView, KeysView};
pub use sales::RefundForm;
pub use settings::{GatewayChange, Limits};
pub use support::{Diagnostics, GatewayHealth};
pub use tills::MAX_SHOP_DAYS;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TerminalError {
    #[error(transparent)]
    Counter(#[from] CounterError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error("This refund is above {}: a manager must approve it with their PIN.", .0.display())]
    NeedsApproval(crate::money::Money),
    #[error(transparent)]
    LimitReached(Limit),
    #[error("Too many PIN attempts on this terminal: wait a minute.")]
    PinRateLimited,
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Session(#[from] SessionError),
    /// A stop or a refused recovery (the parts underneath are converted
    /// as they are anywhere else: see `From<SetupError>`).
    #[error(transparent)]
    Setup(crate::setup::SetupError),
    #[error(transparent)]
    Shop(#[from] crate::shop::ShopError),
    #[error(transparent)]
    CardEntry(#[from] crate::card_entry::CardEntryError),
    #[error(transparent)]
    Backup(crate::backup::BackupError),
}

impl From<crate::backup::BackupError> for TerminalError {
    fn from(e: crate::backup::BackupError) -> Self {
        use crate::backup::BackupError;
        match e {
            BackupError::Keychain(e) => e.into(),
            BackupError::Config(e) => e.into(),
            e => Self::Backup(e),
        }
    }
}

impl From<crate::setup::SetupError> for TerminalError {
    fn from(e: crate::setup::SetupError) -> Self {
        use crate::setup::SetupError;
        match e {
            SetupError::Keychain(e) => e.into(),
            SetupError::Store(e) => e.into(),
            SetupError::Audit(e) => e.into(),
            SetupError::Staff(e) => e.into(),
            e => Self::Setup(e),
        }
    }
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

/// A limit the owner set, reached.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Limit {
    #[error("More than {0} charges a minute on this terminal: wait a moment.")]
    ChargesPerMinute(u32),
    #[error("You have reached your limit of {0} refunds in 24 hours: ask a manager.")]
    RefundCount(u32),
    #[error("This refund would take you over your 24-hour refund limit of {}: ask a manager.", .0.display())]
    RefundAmount(crate::money::Money),
}

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
    /// The shop's language: receipts, reports and views are written in it.
    words: crate::messages::Catalog,
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
        crate::backup::check_not_interrupted(&home)?;
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
        let words = crate::messages::Catalog::new(settings.language(), settings.numbers());
        let terminal = Self {
            words,
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
                Outcome::Ok,
                Some("extra CA copied into the data folder"),
            )?;
        }
        if key_bound {
            let detail = format!(
                "key from an earlier version bound to {}",
                terminal.settings.gateway.for_the_record()
            );
            terminal.record(None, Action::GatewayKeySet, None, Outcome::Bound, Some(&detail))?;
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
        Ok(crate::setup::recover(
            home,
            &keychain,
            &terminal_id,
            &audit,
            &staff,
            gateway_key,
        )?)
    }

    /// Records the webview's version for diagnostics (set by the desktop shell).
    /// The shop's words and formats.
    pub fn words(&self) -> &crate::messages::Catalog {
        &self.words
    }

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
        outcome: Outcome,
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
        if !self.permits(actor, p) {
            self.record(
                Some(actor),
                Action::PermissionDenied,
                None,
                Outcome::Denied,
                Some(&format!("{p:?}")),
            )?;
            return Err(AuthError::Forbidden(p).into());
        }
        Ok(())
    }

    /// Whether `actor` may do `p` here: their role's rights, and phone
    /// orders for cashiers where the owner allows them.
    pub fn permits(&self, actor: &Actor, p: Permission) -> bool {
        actor.role.allows(p)
            || (p == Permission::PhoneOrder
                && self.settings.cashier_phone_orders
                && actor.role == crate::auth::Role::Cashier)
    }
}
