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
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::store::{StoreError, TerminalDb};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Cashier,
    /// Manager or owner: approves, configures, reviews.
    Manager,
    /// Exports the diagnostics bundle; touches no money.
    Support,
}

impl Role {
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
}

impl Permission {
    pub const ALL: [Permission; 16] = [
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

/// Failures before the delay starts, the delay cap and the lockout.
pub const FREE_ATTEMPTS: i64 = 3;
pub const LOCKOUT_AFTER: i64 = 10;
pub const LOCKOUT_MS: i64 = 30 * 60 * 1000;
/// Checked PINs (all names together) a terminal takes per minute.
pub const ATTEMPTS_PER_MINUTE: i64 = 20;
/// A name's failures are forgotten a day after its last one (unless locked).
const FORGET_AFTER_MS: i64 = 24 * 60 * 60 * 1000;
/// A check still running after this long was cut off (its process died): it
/// counts as a failure.
const STALE_CHECK_MS: i64 = 60_000;
/// How long a sign-in waits for the same name's running checks to end.
const WAIT_FOR_CHECKS: std::time::Duration = std::time::Duration::from_secs(10);

/// What an unknown name's PIN is checked against: the same Argon2id
/// parameters as every stored hash, so the check costs the same; no PIN
/// matches it (its output is all zeros).
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// A typed name's failure counter: failures, last failure, locked until.
type Failures = (i64, Option<i64>, Option<i64>);

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

    /// Checks a PIN with the delay, lockout and rate rules. The attempt is
    /// recorded before the PIN is hashed; a right PIN on an active account
    /// clears the name's failures, anything else counts as one and answers
    /// [`AuthError::WrongPin`] (or the delay/lockout it led to), whatever
    /// the name.
    pub fn sign_in(
        &self,
        db: &TerminalDb,
        clock: &dyn Clock,
        name: &str,
        pin: &SecretString,
    ) -> Result<Actor, AuthError> {
        let key = self.name_key(name);
        let started = std::time::Instant::now();
        let (row, check) = loop {
            match self.begin_check(db, clock.now_ms(), name, &key)? {
                Gate::Go(row, check) => break (row, check),
                Gate::Refuse(e) => return Err(e),
                Gate::Wait(e) if started.elapsed() >= WAIT_FOR_CHECKS => return Err(e),
                Gate::Wait(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
            }
        };
        let hash = row.as_ref().map_or(DUMMY_HASH, |r| r.3.as_str());
        let right = PasswordHash::new(hash)
            .map(|h| self.argon.verify_password(&self.peppered(pin), &h).is_ok())
            .unwrap_or(false);
        let now = clock.now_ms();
        let mut conn = db.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Gone if it ran so long it was already counted as a crashed check.
        let open = tx.execute("DELETE FROM pin_checks WHERE id = ?1", params![check])? == 1;
        match row {
            Some((id, name, role, _, active, ..)) if right && active != 0 => {
                tx.execute("DELETE FROM pin_failures WHERE name_key = ?1", params![key])?;
                tx.commit()?;
                Ok(Actor {
                    staff_id: id,
                    name,
                    role: Role::parse(&role).ok_or(StoreError::Corrupt("staff role"))?,
                })
            }
            // A disabled account's right PIN is a wrong PIN to the person
            // typing it (and counted like one).
            _ => {
                let locked = if open {
                    record_failure(&tx, &key, now)?
                } else {
                    failures(&tx, &key)?.2.is_some_and(|until| now < until)
                };
                tx.commit()?;
                Err(if locked {
                    AuthError::LockedOut(LOCKOUT_MS / 60_000)
                } else {
                    AuthError::WrongPin
                })
            }
        }
    }

    /// In one `IMMEDIATE` transaction: the account (if any), the lockout,
    /// delay and terminal-wide checks, then the check recorded as running
    /// (it counts against the name and the terminal until it ends).
    fn begin_check(&self, db: &TerminalDb, now: i64, name: &str, key: &[u8; 32]) -> Result<Gate, AuthError> {
        let mut conn = db.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "DELETE FROM pin_failures WHERE last_failure_ms < ?1 AND COALESCE(locked_until_ms, 0) <= ?2",
            params![now - FORGET_AFTER_MS, now],
        )?;
        tx.execute("DELETE FROM pin_attempts WHERE at_ms <= ?1", params![now - 60_000])?;
        // A check that never ended (its process died mid-hash) is a failure.
        let stale: Vec<(i64, Vec<u8>)> = {
            let mut stmt = tx.prepare("SELECT id, name_key FROM pin_checks WHERE at_ms <= ?1")?;
            let rows = stmt
                .query_map(params![now - STALE_CHECK_MS], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            rows
        };
        for (id, stale_key) in stale {
            tx.execute("DELETE FROM pin_checks WHERE id = ?1", params![id])?;
            record_failure(&tx, &stale_key, now)?;
        }
        let row: Option<StaffRow> = tx
            .query_row(
                "SELECT id, name, role, pin_hash, active, failed_attempts, last_failure_ms, locked_until_ms
                 FROM staff WHERE name = ?1",
                params![name.trim()],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ))
                },
            )
            .optional()?;
        // Counts kept in `staff` by an older version join this name's.
        if let Some((id, .., legacy, last, until)) = &row {
            if *legacy > 0 || until.is_some() {
                let (f, l, u) = failures(&tx, key)?;
                tx.execute(
                    "INSERT OR REPLACE INTO pin_failures (name_key, failed_attempts, last_failure_ms, locked_until_ms)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![key, f.max(*legacy), l.max(*last), u.max(*until)],
                )?;
                tx.execute(
                    "UPDATE staff SET failed_attempts = 0, last_failure_ms = NULL, locked_until_ms = NULL
                     WHERE id = ?1",
                    params![id],
                )?;
            }
        }
        let (failed, last_failure, locked_until) = failures(&tx, key)?;
        let running_here: i64 = tx.query_row(
            "SELECT COUNT(*) FROM pin_checks WHERE name_key = ?1",
            params![key],
            |r| r.get(0),
        )?;
        let running: i64 = tx.query_row("SELECT COUNT(*) FROM pin_checks", [], |r| r.get(0))?;
        let recent: i64 = tx.query_row("SELECT COUNT(*) FROM pin_attempts", [], |r| r.get(0))?;
        let gate = if let Some(refusal) = gate(now, failed, last_failure, locked_until) {
            Some(Gate::Refuse(refusal))
        } else if running_here > 0 && failed + running_here >= FREE_ATTEMPTS {
            // Past the free attempts only once the running checks of this
            // name have ended: each may turn out a failure.
            Some(Gate::Wait(AuthError::SlowDown(delay_ms(failed + running_here) / 1000)))
        } else if recent + running >= ATTEMPTS_PER_MINUTE {
            Some(match running {
                0 => Gate::Refuse(AuthError::TooManyAttempts),
                _ => Gate::Wait(AuthError::TooManyAttempts),
            })
        } else {
            None
        };
        if let Some(gate) = gate {
            // Keeps what was folded or settled above.
            tx.commit()?;
            return Ok(gate);
        }
        tx.execute(
            "INSERT INTO pin_checks (name_key, at_ms) VALUES (?1, ?2)",
            params![key, now],
        )?;
        let check = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Gate::Go(row, check))
    }

    /// Clears the counters of the account called `name`: its own and the
    /// ones an older version kept in `staff`.
    fn clear_failures(&self, conn: &rusqlite::Connection, name: &str) -> Result<(), AuthError> {
        let stored: Option<String> = conn
            .query_row("SELECT name FROM staff WHERE name = ?1", params![name.trim()], |r| {
                r.get(0)
            })
            .optional()?;
        let stored = stored.ok_or(AuthError::NoSuchStaff)?;
        conn.execute(
            "DELETE FROM pin_failures WHERE name_key = ?1",
            params![self.name_key(&stored)],
        )?;
        conn.execute(
            "UPDATE staff SET failed_attempts = 0, last_failure_ms = NULL, locked_until_ms = NULL WHERE name = ?1",
            params![stored],
        )?;
        Ok(())
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

/// What a sign-in may do next.
enum Gate {
    /// Check the PIN (the account, if any; the running check's id).
    Go(Option<StaffRow>, i64),
    Refuse(AuthError),
    /// Try again shortly; answer this if the wait runs out.
    Wait(AuthError),
}

/// A name's failures, last failure and lockout (none yet: zeros).
fn failures(conn: &rusqlite::Connection, key: &[u8]) -> Result<Failures, AuthError> {
    Ok(conn
        .query_row(
            "SELECT failed_attempts, last_failure_ms, locked_until_ms FROM pin_failures WHERE name_key = ?1",
            params![key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .unwrap_or((0, None, None)))
}

/// Counts a failure for the name and the terminal; true if the name is now
/// locked out.
fn record_failure(conn: &rusqlite::Connection, key: &[u8], now: i64) -> Result<bool, AuthError> {
    let (failed, _, until) = failures(conn, key)?;
    // A lockout that ran out starts a fresh count.
    let (failed, until) = match until {
        Some(u) if now >= u => (1, None),
        running => (failed + 1, running),
    };
    let lock = until.or((failed >= LOCKOUT_AFTER).then_some(now + LOCKOUT_MS));
    conn.execute(
        "INSERT OR REPLACE INTO pin_failures (name_key, failed_attempts, last_failure_ms, locked_until_ms)
         VALUES (?1, ?2, ?3, ?4)",
        params![key, failed, now, lock],
    )?;
    conn.execute("INSERT INTO pin_attempts (at_ms) VALUES (?1)", params![now])?;
    Ok(lock.is_some_and(|u| now < u))
}

/// The refusal, if any, before a PIN is even checked: a running lockout, or
/// a delay not yet over.
fn gate(now: i64, failures: i64, last_failure: Option<i64>, locked_until: Option<i64>) -> Option<AuthError> {
    if let Some(until) = locked_until {
        if now < until {
            return Some(AuthError::LockedOut((until - now + 59_999) / 60_000));
        }
    }
    if failures >= FREE_ATTEMPTS && locked_until.is_none() {
        let wait = delay_ms(failures);
        let since = now - last_failure.unwrap_or(0);
        if since < wait {
            return Some(AuthError::SlowDown((wait - since + 999) / 1000));
        }
    }
    None
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

/// The wait after `failures` wrong PINs: 2 s, 4 s, 8 s … capped at 5 minutes.
fn delay_ms(failures: i64) -> i64 {
    let steps = (failures - FREE_ATTEMPTS).clamp(0, 20) as u32;
    (2_000_i64 << steps).min(300_000)
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
mod tests {
    use std::sync::atomic::{AtomicI64, Ordering};

    use super::*;

    struct FakeClock(AtomicI64);
    impl Clock for FakeClock {
        fn now_ms(&self) -> i64 {
            self.0.load(Ordering::SeqCst)
        }
    }
    impl FakeClock {
        fn advance(&self, ms: i64) {
            self.0.fetch_add(ms, Ordering::SeqCst);
        }
    }

    fn setup() -> (TerminalDb, tempfile::TempDir, Staff) {
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        let db = match TerminalDb::open(&dir.path().join("t.sqlite3")) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        (db, dir, Staff::new(SecretBox::new(Box::new([5u8; 32]))))
    }

    fn pin(p: &str) -> SecretString {
        SecretString::from(p.to_string())
    }

    #[test]
    fn permission_matrix() {
        use Permission::*;
        for p in Permission::ALL {
            let cashier = matches!(p, Charge | CancelCharge | ListSales | Refund | ResolveInDoubt);
            assert_eq!(Role::Cashier.allows(p), cashier, "cashier {p:?}");
            assert!(Role::Manager.allows(p), "manager {p:?}");
            assert_eq!(
                Role::Support.allows(p),
                matches!(p, ExportBundle | VerifyAudit),
                "support {p:?}"
            );
        }
    }

    #[test]
    fn owner_once_and_pins_checked() -> Result<(), AuthError> {
        let (db, _d, staff) = setup();
        assert!(matches!(
            staff.create_owner(&db, "Ann", &pin("12345")),
            Err(AuthError::WeakPin)
        ));
        assert!(matches!(
            staff.create_owner(&db, "Ann", &pin("12345a")),
            Err(AuthError::WeakPin)
        ));
        assert!(matches!(
            staff.create_owner(&db, "'; DROP TABLE staff; --", &pin("123456")),
            Err(AuthError::BadName)
        ));
        let owner = staff.create_owner(&db, "Ann", &pin("424242"))?;
        assert_eq!(owner.role, Role::Manager);
        assert!(matches!(
            staff.create_owner(&db, "Bob", &pin("123456")),
            Err(AuthError::OwnerExists)
        ));
        assert!(matches!(
            staff.create(&db, "ann", Role::Cashier, &pin("123456")),
            Err(AuthError::NameTaken)
        ));
        let clock = SystemClock;
        assert_eq!(
            staff.sign_in(&db, &clock, "Ann", &pin("424242"))?.staff_id,
            owner.staff_id
        );
        assert!(matches!(
            staff.sign_in(&db, &clock, "Nobody", &pin("424242")),
            Err(AuthError::WrongPin)
        ));
        // The stored hash is Argon2id with the required cost.
        let hash: String = db.conn().query_row("SELECT pin_hash FROM staff", [], |r| r.get(0))?;
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(!hash.contains("424242"));
        Ok(())
    }

    #[test]
    fn lockout_timeline_with_a_fake_clock() -> Result<(), AuthError> {
        let (db, _d, staff) = setup();
        staff.create_owner(&db, "Ann", &pin("424242"))?;
        staff.create(&db, "Cas", Role::Cashier, &pin("111111"))?;
        let clock = FakeClock(AtomicI64::new(1_000_000));
        let mut locked_at = None;
        for attempt in 1..=LOCKOUT_AFTER {
            // Wait out any delay so every attempt is really checked.
            clock.advance(400_000);
            match staff.sign_in(&db, &clock, "Cas", &pin("000000")) {
                Err(AuthError::WrongPin) => assert!(attempt < LOCKOUT_AFTER),
                Err(AuthError::LockedOut(_)) => {
                    locked_at = Some(attempt);
                    break;
                }
                other => panic!("attempt {attempt}: {other:?}"),
            }
        }
        assert_eq!(locked_at, Some(LOCKOUT_AFTER), "locked at the tenth failure");
        // Even the right PIN is refused while locked: at 29:59 still locked.
        clock.advance(LOCKOUT_MS - 1_000);
        assert!(matches!(
            staff.sign_in(&db, &clock, "Cas", &pin("111111")),
            Err(AuthError::LockedOut(1))
        ));
        // At 30:00 it opens.
        clock.advance(1_000);
        assert_eq!(staff.sign_in(&db, &clock, "Cas", &pin("111111"))?.role, Role::Cashier);
        Ok(())
    }

    #[test]
    fn increasing_delay_and_manager_unlock() -> Result<(), AuthError> {
        let (db, _d, staff) = setup();
        let owner = staff.create_owner(&db, "Ann", &pin("424242"))?;
        let cashier = staff.create(&db, "Cas", Role::Cashier, &pin("111111"))?;
        let clock = FakeClock(AtomicI64::new(1_000_000));
        for _ in 0..FREE_ATTEMPTS {
            assert!(matches!(
                staff.sign_in(&db, &clock, "Cas", &pin("000000")),
                Err(AuthError::WrongPin)
            ));
        }
        // The fourth try comes too soon: told to wait, and not even checked.
        assert!(matches!(
            staff.sign_in(&db, &clock, "Cas", &pin("111111")),
            Err(AuthError::SlowDown(2))
        ));
        clock.advance(2_000);
        assert!(matches!(
            staff.sign_in(&db, &clock, "Cas", &pin("000000")),
            Err(AuthError::WrongPin)
        ));
        assert!(matches!(
            staff.sign_in(&db, &clock, "Cas", &pin("111111")),
            Err(AuthError::SlowDown(4))
        ));
        // A cashier cannot unlock; a manager can.
        assert!(matches!(
            staff.unlock(&db, &cashier, "Cas"),
            Err(AuthError::Forbidden(_))
        ));
        staff.unlock(&db, &owner, "Cas")?;
        assert_eq!(staff.sign_in(&db, &clock, "Cas", &pin("111111"))?.name, "Cas");
        Ok(())
    }

    /// Every answer of a sequence of sign-ins, as a comparable word.
    fn answers(staff: &Staff, db: &TerminalDb, clock: &FakeClock, name: &str, p: &str, waits: &[i64]) -> Vec<String> {
        waits
            .iter()
            .map(|w| {
                clock.advance(*w);
                match staff.sign_in(db, clock, name, &pin(p)) {
                    Ok(_) => "ok".to_string(),
                    Err(e) => e.to_string(),
                }
            })
            .collect()
    }

    #[test]
    fn unknown_disabled_and_wrong_answer_alike() -> Result<(), AuthError> {
        let (db, _d, staff) = setup();
        let owner = staff.create_owner(&db, "Ann", &pin("424242"))?;
        staff.create(&db, "Cas", Role::Cashier, &pin("111111"))?;
        staff.create(&db, "Dis", Role::Cashier, &pin("333333"))?;
        staff.set_active(&db, &owner, "Dis", false)?;
        // Three quick failures, a too-early try, then waits long enough for
        // every delay until the lockout, and one more.
        let mut waits = vec![0, 0, 0, 0];
        waits.extend([400_000; 8]);
        let clock = FakeClock(AtomicI64::new(1_000_000));
        let known = answers(&staff, &db, &clock, "Cas", "000000", &waits);
        assert_eq!(known[2], AuthError::WrongPin.to_string());
        assert_eq!(known[3], AuthError::SlowDown(2).to_string());
        assert_eq!(known[9], AuthError::WrongPin.to_string(), "{known:?}");
        assert_eq!(known[10], AuthError::LockedOut(30).to_string(), "{known:?}");
        for (name, p) in [
            ("Nobody", "000000"),
            ("Dis", "000000"),
            ("Dis", "333333"),
            ("  DIS ", "333333"),
        ] {
            let (db, _d, staff2) = setup();
            let owner = staff2.create_owner(&db, "Ann", &pin("424242"))?;
            staff2.create(&db, "Dis", Role::Cashier, &pin("333333"))?;
            staff2.set_active(&db, &owner, "Dis", false)?;
            let clock = FakeClock(AtomicI64::new(1_000_000));
            assert_eq!(answers(&staff2, &db, &clock, name, p, &waits), known, "{name} {p}");
        }
        Ok(())
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() -> Result<(), AuthError> {
        let (_db, _d, staff) = setup();
        let real = staff.hash(&pin("123456"))?;
        let real = PasswordHash::new(&real).map_err(|_| AuthError::WeakPin)?;
        let dummy = PasswordHash::new(DUMMY_HASH).map_err(|_| AuthError::WeakPin)?;
        assert_eq!(real.algorithm, dummy.algorithm);
        assert_eq!(real.version, dummy.version);
        assert_eq!(real.params, dummy.params);
        assert_eq!(real.hash.map(|h| h.len()), dummy.hash.map(|h| h.len()));
        Ok(())
    }

    #[test]
    fn parallel_failures_are_each_counted() -> Result<(), AuthError> {
        let (db, dir, staff) = setup();
        staff.create_owner(&db, "Ann", &pin("424242"))?;
        staff.create(&db, "Cas", Role::Cashier, &pin("111111"))?;
        let path = dir.path().join("t.sqlite3");
        let clock = FakeClock(AtomicI64::new(1_000_000));
        let outcomes: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        // A connection of its own, as another process has.
                        let db = TerminalDb::open(&path).map_err(|e| e.to_string())?;
                        staff
                            .sign_in(&db, &clock, "Cas", &pin("000000"))
                            .map(|_| "ok".to_string())
                            .or_else(|e| Ok::<_, String>(e.to_string()))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("panicked".into()))
                        .unwrap_or_else(|e| e)
                })
                .collect()
        });
        let wrong = outcomes
            .iter()
            .filter(|o| **o == AuthError::WrongPin.to_string())
            .count();
        let slow = outcomes.iter().filter(|o| o.starts_with("Too many wrong PINs")).count();
        assert_eq!((wrong, slow), (3, 5), "{outcomes:?}");
        assert_eq!(staff.list(&db, clock.now_ms())?[1].failed_attempts, 3);
        Ok(())
    }

    #[test]
    fn the_terminal_wide_rate_counts_checked_failures_only() -> Result<(), AuthError> {
        let (db, _d, staff) = setup();
        staff.create_owner(&db, "Ann", &pin("424242"))?;
        let clock = FakeClock(AtomicI64::new(1_000_000));
        // Right PINs do not use up the terminal's budget.
        for _ in 0..30 {
            staff.sign_in(&db, &clock, "Ann", &pin("424242"))?;
        }
        for i in 0..ATTEMPTS_PER_MINUTE {
            assert!(matches!(
                staff.sign_in(&db, &clock, &format!("Nobody {i}"), &pin("000000")),
                Err(AuthError::WrongPin)
            ));
        }
        assert!(matches!(
            staff.sign_in(&db, &clock, "Ann", &pin("424242")),
            Err(AuthError::TooManyAttempts)
        ));
        clock.advance(60_000);
        assert_eq!(staff.sign_in(&db, &clock, "Ann", &pin("424242"))?.name, "Ann");
        Ok(())
    }

    #[test]
    fn counts_kept_by_an_older_version_still_hold() -> Result<(), AuthError> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Database(e.to_string()))?;
        let path = dir.path().join("t.sqlite3");
        let staff = Staff::new(SecretBox::new(Box::new([5u8; 32])));
        {
            // The first schema, with a cashier three failures in.
            let mut conn = rusqlite::Connection::open(&path)?;
            crate::store::terminal_migrations()
                .to_version(&mut conn, 1)
                .map_err(|e| StoreError::Migration(e.to_string()))?;
            conn.execute(
                "INSERT INTO staff (id, name, role, pin_hash, failed_attempts, last_failure_ms, created_at_ms)
                 VALUES ('c', 'Cas', 'cashier', ?1, 3, 1000000, 0)",
                params![staff.hash(&pin("111111"))?],
            )?;
        }
        let db = TerminalDb::open(&path)?;
        let clock = FakeClock(AtomicI64::new(1_000_500));
        assert_eq!(staff.list(&db, clock.now_ms())?[0].failed_attempts, 3);
        assert!(matches!(
            staff.sign_in(&db, &clock, "Cas", &pin("111111")),
            Err(AuthError::SlowDown(2))
        ));
        clock.advance(2_000);
        assert_eq!(staff.sign_in(&db, &clock, "cas", &pin("111111"))?.name, "Cas");
        assert_eq!(staff.list(&db, clock.now_ms())?[0].failed_attempts, 0);
        Ok(())
    }

    #[test]
    fn no_typed_name_is_stored() -> Result<(), AuthError> {
        let (db, dir, staff) = setup();
        let clock = FakeClock(AtomicI64::new(1_000_000));
        let _ = staff.sign_in(&db, &clock, "Zebedee Quux", &pin("000000"));
        drop(db);
        for entry in std::fs::read_dir(dir.path()).map_err(|e| StoreError::Database(e.to_string()))? {
            let bytes = std::fs::read(entry.map_err(|e| StoreError::Database(e.to_string()))?.path())
                .map_err(|e| StoreError::Database(e.to_string()))?;
            assert!(!bytes.windows(7).any(|w| w.eq_ignore_ascii_case(b"zebedee")));
        }
        Ok(())
    }

    #[test]
    fn parallel_right_pins_all_get_in() -> Result<(), AuthError> {
        let (db, dir, staff) = setup();
        staff.create_owner(&db, "Ann", &pin("424242"))?;
        let path = dir.path().join("t.sqlite3");
        let clock = FakeClock(AtomicI64::new(1_000_000));
        let signed_in = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    s.spawn(|| {
                        let db = TerminalDb::open(&path).map_err(|e| e.to_string())?;
                        staff
                            .sign_in(&db, &clock, "Ann", &pin("424242"))
                            .map_err(|e| e.to_string())
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().map_err(|_| "panicked".to_string()).and_then(|r| r))
                .collect::<Vec<_>>()
        });
        assert!(signed_in.iter().all(Result::is_ok), "{signed_in:?}");
        Ok(())
    }

    #[test]
    fn a_check_cut_off_counts_as_a_failure() -> Result<(), AuthError> {
        let (db, _d, staff) = setup();
        staff.create_owner(&db, "Ann", &pin("424242"))?;
        let clock = FakeClock(AtomicI64::new(1_000_000));
        // Three checks begin and their process dies before the hash ends.
        for _ in 0..FREE_ATTEMPTS {
            assert!(matches!(
                staff.begin_check(&db, clock.now_ms(), "Ann", &staff.name_key("Ann"))?,
                Gate::Go(..)
            ));
        }
        clock.advance(STALE_CHECK_MS);
        // Now three failures: the right PIN must wait.
        assert!(matches!(
            staff.sign_in(&db, &clock, "Ann", &pin("424242")),
            Err(AuthError::SlowDown(_))
        ));
        assert_eq!(staff.list(&db, clock.now_ms())?[0].failed_attempts, 3);
        Ok(())
    }
}
