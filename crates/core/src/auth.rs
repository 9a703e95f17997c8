//! Staff, roles and PINs.
//!
//! Guarantees:
//! - permissions are decided here, by [`Role::allows`], for every command of
//!   the app and of `merchantctl` alike;
//! - PINs (at least 6 digits) are hashed with Argon2id (19 MiB, 2 passes)
//!   keyed with a pepper derived from the master key, so a copied database
//!   alone cannot be brute-forced offline;
//! - failed PINs are counted per staff member: an increasing delay from the
//!   third failure, and a lockout of 30 minutes at the tenth (or until a
//!   manager unlocks). Time comes from a [`Clock`] so tests can move it.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rusqlite::{params, OptionalExtension};
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

    fn parse(s: &str) -> Option<Self> {
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
        crate::store::now_ms()
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

pub struct Staff {
    argon: Argon2<'static>,
    pepper: SecretBox<[u8; 32]>,
}

impl Staff {
    /// `pepper` is the PIN-pepper subkey. Argon2id, 19 MiB, 2 passes, 1 lane
    /// (OWASP's minimum for Argon2id).
    pub fn new(pepper: SecretBox<[u8; 32]>) -> Self {
        let params = match Params::new(19 * 1024, 2, 1, None) {
            Ok(p) => p,
            Err(_) => unreachable!("constant Argon2 parameters are valid"),
        };
        Self {
            argon: Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
            pepper,
        }
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
            params![id, name, role.as_str(), hash, crate::store::now_ms()],
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

    /// Checks a PIN with the delay and lockout rules. Every outcome except
    /// success is counted.
    pub fn sign_in(
        &self,
        db: &TerminalDb,
        clock: &dyn Clock,
        name: &str,
        pin: &SecretString,
    ) -> Result<Actor, AuthError> {
        let now = clock.now_ms();
        let row: Option<StaffRow> = db
            .conn()
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
        // An unknown name costs the same hashing time as a known one.
        let Some((id, name, role, hash, active, failures, last_failure, locked_until)) = row else {
            let _ = self.hash(pin);
            return Err(AuthError::WrongPin);
        };
        if let Some(until) = locked_until {
            if now < until {
                return Err(AuthError::LockedOut((until - now + 59_999) / 60_000));
            }
        }
        if failures >= FREE_ATTEMPTS && locked_until.is_none() {
            let wait = delay_ms(failures);
            let since = now - last_failure.unwrap_or(0);
            if since < wait {
                return Err(AuthError::SlowDown((wait - since + 999) / 1000));
            }
        }
        let ok = PasswordHash::new(&hash)
            .map(|h| self.argon.verify_password(&self.peppered(pin), &h).is_ok())
            .unwrap_or(false);
        if !ok {
            // A lockout that ran out starts a fresh count.
            let failures = if locked_until.is_some() { 1 } else { failures + 1 };
            let lock = (failures >= LOCKOUT_AFTER).then_some(now + LOCKOUT_MS);
            db.conn().execute(
                "UPDATE staff SET failed_attempts = ?2, last_failure_ms = ?3, locked_until_ms = ?4 WHERE id = ?1",
                params![id, failures, now, lock],
            )?;
            return Err(match lock {
                Some(_) => AuthError::LockedOut(LOCKOUT_MS / 60_000),
                None => AuthError::WrongPin,
            });
        }
        if active == 0 {
            return Err(AuthError::Disabled);
        }
        db.conn().execute(
            "UPDATE staff SET failed_attempts = 0, last_failure_ms = NULL, locked_until_ms = NULL WHERE id = ?1",
            params![id],
        )?;
        Ok(Actor {
            staff_id: id,
            name,
            role: Role::parse(&role).ok_or(StoreError::Corrupt("staff role"))?,
        })
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
        let changed = db.conn().execute(
            "UPDATE staff SET pin_hash = ?2, failed_attempts = 0, last_failure_ms = NULL, locked_until_ms = NULL
             WHERE name = ?1",
            params![name.trim(), hash],
        )?;
        if changed == 1 {
            Ok(())
        } else {
            Err(AuthError::NoSuchStaff)
        }
    }

    /// A manager lifts a lockout.
    pub fn unlock(&self, db: &TerminalDb, by: &Actor, name: &str) -> Result<(), AuthError> {
        by.require(Permission::ManageStaff)?;
        let changed = db.conn().execute(
            "UPDATE staff SET failed_attempts = 0, last_failure_ms = NULL, locked_until_ms = NULL WHERE name = ?1",
            params![name.trim()],
        )?;
        if changed == 1 {
            Ok(())
        } else {
            Err(AuthError::NoSuchStaff)
        }
    }
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
}
