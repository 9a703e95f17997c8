//! Staff, roles and PINs.
//!
//! Guarantees:
//! - permissions are decided here, by [`Role::allows`], for every command of
//!   the app and of `merchantctl` alike;
//! - PINs (at least 6 digits) are hashed with Argon2id (19 MiB, 2 passes)
//!   keyed with a pepper derived from the master key, so a copied database
//!   alone cannot be brute-forced offline;
//! - failed PINs are counted per typed name, whether or not it names a staff
//!   member: an increasing delay from the third failure, and a lockout of 30
//!   minutes at the tenth (or until a manager unlocks). Time comes from a
//!   [`Clock`] so tests can move it;
//! - an unknown name, a disabled account and a wrong PIN get the same answer
//!   at the same cost (an Argon2 check runs against a dummy hash when there
//!   is no account), so sign-in does not tell who works here;
//! - counting is race-free across processes: one `BEGIN IMMEDIATE`
//!   transaction checks the delay, lockout and terminal-wide rate and records
//!   the check as running *before* the PIN is hashed; a running check counts
//!   against the name and the terminal until it ends (a wrong PIN then counts
//!   as a failure, a right one clears the name's failures; a check cut off by
//!   a dying process counts as a failure after a minute). Past the free
//!   attempts a sign-in waits for the name's running checks, so parallel
//!   guesses get no more tries than sequential ones, and parallel right PINs
//!   are not held up;
//! - the counters are keyed by an HMAC (a subkey of the PIN pepper) of the
//!   normalised name, so no typed name is stored.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::store::{StoreError, TerminalDb};

mod sign_in;

use sign_in::failures;

pub use sign_in::{ATTEMPTS_PER_MINUTE, FREE_ATTEMPTS, LOCKOUT_AFTER, LOCKOUT_MS};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Role {
    Cashier,
    /// Manager or owner: approves, configures, reviews.
    Manager,
    /// Exports the diagnostics bundle; touches no money.
    Support,
}

impl Role {
    /// The catalog's word for the role.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Cashier => "role-cashier",
            Self::Manager => "role-manager",
            Self::Support => "role-support",
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Cashier => "cashier",
            Self::Manager => "manager",
            Self::Support => "support",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        [Self::Cashier, Self::Manager, Self::Support]
            .into_iter()
            .find(|r| r.as_str() == s)
    }

    /// The permission table. Everything not listed is denied.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Self::Cashier => matches!(p, Charge | CancelCharge | ListSales | Refund | ResolveInDoubt),
            Self::Manager => true,
            Self::Support => matches!(p, ExportBundle | VerifyAudit),
        }
    }
}

/// Everything a signed-in person can ask the terminal to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    Charge,
    CancelCharge,
    ListSales,
    Refund,
    /// Approving a refund above the approval limit.
    ApproveRefund,
    CaptureVoid,
    ResolveInDoubt,
    ConfigureGateway,
    SwitchMode,
    ManageStaff,
    VerifyAudit,
    ViewAudit,
    ExportBundle,
    /// Day view, X report, CSV export, reconciliation.
    ViewReports,
    /// Close of day (Z report) and importing records from the gateway.
    CloseDay,
    /// Rotating the cache key; choosing who support bundles are sealed to.
    ManageKeys,
    /// Taking a phone or mail order (a card read out, not presented).
    /// Managers always may; cashiers when the owner allows it
    /// (`cashier_phone_orders` in the settings).
    PhoneOrder,
}

impl Permission {
    pub const ALL: [Permission; 17] = [
        Self::Charge,
        Self::CancelCharge,
        Self::ListSales,
        Self::Refund,
        Self::ApproveRefund,
        Self::CaptureVoid,
        Self::ResolveInDoubt,
        Self::ConfigureGateway,
        Self::SwitchMode,
        Self::ManageStaff,
        Self::VerifyAudit,
        Self::ViewAudit,
        Self::ExportBundle,
        Self::ViewReports,
        Self::CloseDay,
        Self::ManageKeys,
        Self::PhoneOrder,
    ];
}

/// An account as the owner's staff screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StaffEntry {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub failed_attempts: u32,
    /// Set while a lockout is running.
    #[ts(type = "number | null")]
    pub locked_until_ms: Option<i64>,
    #[ts(type = "number")]
    pub created_at_ms: i64,
}

/// A signed-in staff member. Only [`Staff::sign_in`] makes one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Actor {
    pub staff_id: String,
    pub name: String,
    pub role: Role,
}

impl Actor {
    pub fn require(&self, p: Permission) -> Result<(), AuthError> {
        if self.role.allows(p) {
            Ok(())
        } else {
            Err(AuthError::Forbidden(p))
        }
    }
}

/// Where time comes from (a fake one in tests).
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        crate::clock::now_ms()
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    #[error("Wrong name or PIN.")]
    WrongPin,
    #[error("Too many wrong PINs: wait {0} seconds before trying again.")]
    SlowDown(i64),
    #[error("This account is locked after too many wrong PINs. A manager can unlock it, or try again in {0} minutes.")]
    LockedOut(i64),
    #[error("This account is disabled.")]
    Disabled,
    #[error("Too many PIN attempts on this terminal: wait a minute.")]
    TooManyAttempts,
    #[error("Your role may not do this ({0:?}).")]
    Forbidden(Permission),
    #[error("A PIN is at least 6 digits, digits only.")]
    WeakPin,
    #[error("A staff name is 1 to 40 letters, digits, spaces, dots or dashes.")]
    BadName,
    #[error("That staff name is taken.")]
    NameTaken,
    #[error("The owner account already exists.")]
    OwnerExists,
    #[error("No staff member by that name.")]
    NoSuchStaff,
    #[error("That would leave no active manager (and nobody disables their own account).")]
    LastManager,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for AuthError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Store(e.into())
    }
}

/// id, name, role, pin hash, active, failures, last failure, locked until.
type StaffRow = (String, String, String, String, i64, i64, Option<i64>, Option<i64>);

/// What an unknown name's PIN is checked against: the same Argon2id
/// parameters as every stored hash, so the check costs the same; no PIN
/// matches it (its output is all zeros).
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

pub struct Staff {
    argon: Argon2<'static>,
    pepper: SecretBox<[u8; 32]>,
    /// Keys the per-name counters; derived from the pepper, so the counters
    /// of a copied database cannot be matched to names without the keychain.
    name_mac: SecretBox<[u8; 32]>,
}

impl Staff {
    /// `pepper` is the PIN-pepper subkey. Argon2id, 19 MiB, 2 passes, 1 lane
    /// (OWASP's minimum for Argon2id).
    pub fn new(pepper: SecretBox<[u8; 32]>) -> Self {
        let params = match Params::new(19 * 1024, 2, 1, None) {
            Ok(p) => p,
            Err(_) => unreachable!("constant Argon2 parameters are valid"),
        };
        let name_mac = SecretBox::new(Box::new(hmac_sha256(
            pepper.expose_secret(),
            b"merchant-terminal/sign-in-name/v1",
        )));
        Self {
            argon: Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
            pepper,
            name_mac,
        }
    }

    /// The counter key of a typed name. Normalised as the account lookup
    /// compares (trimmed, case folded), so every spelling that reaches an
    /// account shares its counter.
    fn name_key(&self, name: &str) -> [u8; 32] {
        hmac_sha256(self.name_mac.expose_secret(), name.trim().to_lowercase().as_bytes())
    }

    /// HMAC(pepper, PIN): the pepper enters before Argon2, so the stored
    /// hashes are useless without the keychain's master key.
    fn peppered(&self, pin: &SecretString) -> zeroize::Zeroizing<Vec<u8>> {
        use hmac::{Hmac, Mac};
        let mut mac = match <Hmac<sha2::Sha256> as Mac>::new_from_slice(self.pepper.expose_secret()) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC accepts any key length"),
        };
        mac.update(pin.expose_secret().as_bytes());
        zeroize::Zeroizing::new(mac.finalize().into_bytes().to_vec())
    }

    fn hash(&self, pin: &SecretString) -> Result<String, AuthError> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon
            .hash_password(&self.peppered(pin), &salt)
            .map(|h| h.to_string())
            .map_err(|_| AuthError::WeakPin)
    }

    /// Staff id → name, for reports (the cache records ids only).
    pub fn names(&self, db: &TerminalDb) -> Result<std::collections::HashMap<String, String>, AuthError> {
        let conn = db.conn();
        let mut stmt = conn.prepare("SELECT id, name FROM staff")?;
        let names = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(names)
    }

    pub fn has_staff(&self, db: &TerminalDb) -> Result<bool, AuthError> {
        let n: i64 = db.conn().query_row("SELECT COUNT(*) FROM staff", [], |r| r.get(0))?;
        Ok(n > 0)
    }

    /// Creates the first account, a manager (the owner). Only once.
    pub fn create_owner(&self, db: &TerminalDb, name: &str, pin: &SecretString) -> Result<Actor, AuthError> {
        if self.has_staff(db)? {
            return Err(AuthError::OwnerExists);
        }
        self.create(db, name, Role::Manager, pin)
    }

    pub fn create(&self, db: &TerminalDb, name: &str, role: Role, pin: &SecretString) -> Result<Actor, AuthError> {
        let name = check_name(name)?;
        check_pin(pin)?;
        let hash = self.hash(pin)?;
        let id = Uuid::now_v7().to_string();
        let inserted = db.conn().execute(
            "INSERT INTO staff (id, name, role, pin_hash, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, name, role.as_str(), hash, crate::clock::now_ms()],
        );
        match inserted {
            Ok(_) => Ok(Actor {
                staff_id: id,
                name: name.to_string(),
                role,
            }),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                Err(AuthError::NameTaken)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Every account, for the owner's staff screen (no PIN hashes).
    pub fn list(&self, db: &TerminalDb, now_ms: i64) -> Result<Vec<StaffEntry>, AuthError> {
        let conn = db.conn();
        let mut stmt = conn.prepare(
            "SELECT id, name, role, active, failed_attempts, locked_until_ms, created_at_ms
             FROM staff ORDER BY name COLLATE NOCASE",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                    r.get::<_, i64>(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, name, role, active, failed, locked, created)| {
                let (f, _, until) = failures(&conn, &self.name_key(&name))?;
                let (failed, locked) = (f.max(failed), until.max(locked));
                Ok(StaffEntry {
                    id,
                    name,
                    role: Role::parse(&role).ok_or(StoreError::Corrupt("staff role"))?,
                    active,
                    failed_attempts: u32::try_from(failed).unwrap_or(u32::MAX),
                    locked_until_ms: locked.filter(|until| *until > now_ms),
                    created_at_ms: created,
                })
            })
            .collect()
    }

    /// Disables (or enables again) an account. The last active manager
    /// cannot be disabled, nor can anyone disable themselves.
    pub fn set_active(&self, db: &TerminalDb, by: &Actor, name: &str, active: bool) -> Result<(), AuthError> {
        by.require(Permission::ManageStaff)?;
        let conn = db.conn();
        let target: Option<(String, String)> = conn
            .query_row(
                "SELECT id, role FROM staff WHERE name = ?1",
                params![name.trim()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (id, role) = target.ok_or(AuthError::NoSuchStaff)?;
        if !active {
            if id == by.staff_id {
                return Err(AuthError::LastManager);
            }
            let managers: i64 = conn.query_row(
                "SELECT COUNT(*) FROM staff WHERE role = 'manager' AND active = 1 AND id != ?1",
                params![id],
                |r| r.get(0),
            )?;
            if role == "manager" && managers == 0 {
                return Err(AuthError::LastManager);
            }
        }
        conn.execute("UPDATE staff SET active = ?2 WHERE id = ?1", params![id, active])?;
        Ok(())
    }

    /// Sets a new PIN for someone who forgot theirs; lifts any lockout.
    pub fn reset_pin(&self, db: &TerminalDb, by: &Actor, name: &str, pin: &SecretString) -> Result<(), AuthError> {
        by.require(Permission::ManageStaff)?;
        check_pin(pin)?;
        let hash = self.hash(pin)?;
        let mut conn = db.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE staff SET pin_hash = ?2 WHERE name = ?1",
            params![name.trim(), hash],
        )?;
        if changed != 1 {
            return Err(AuthError::NoSuchStaff);
        }
        self.clear_failures(&tx, name)?;
        tx.commit()?;
        Ok(())
    }

    /// A manager lifts a lockout.
    pub fn unlock(&self, db: &TerminalDb, by: &Actor, name: &str) -> Result<(), AuthError> {
        by.require(Permission::ManageStaff)?;
        self.clear_failures(&db.conn(), name)
    }
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = match <Hmac<sha2::Sha256> as Mac>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts any key length"),
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn check_pin(pin: &SecretString) -> Result<(), AuthError> {
    let p = pin.expose_secret();
    if p.len() >= 6 && p.len() <= 64 && p.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(AuthError::WeakPin)
    }
}

fn check_name(name: &str) -> Result<&str, AuthError> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= 40
        && name.chars().all(|c| c.is_alphanumeric() || " .-'".contains(c))
        // A name is printed on receipts and reports: never a card number.
        && !crate::pan::contains_card_number(name);
    if ok {
        Ok(name)
    } else {
        Err(AuthError::BadName)
    }
}

#[cfg(test)]
mod tests;
