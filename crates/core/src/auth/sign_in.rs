//! Signing in: the PIN check with its delays, lockout and terminal-wide
//! rate, counted per typed name and race-free across processes (see the
//! module above for the rules).

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use secrecy::SecretString;

use super::{Actor, AuthError, Clock, Role, Staff, StaffRow, DUMMY_HASH};
use crate::store::{StoreError, TerminalDb};

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
pub(super) const STALE_CHECK_MS: i64 = 60_000;
/// How long a sign-in waits for the same name's running checks to end.
const WAIT_FOR_CHECKS: std::time::Duration = std::time::Duration::from_secs(10);

/// A typed name's failure counter: failures, last failure, locked until.
type Failures = (i64, Option<i64>, Option<i64>);

impl Staff {
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
    pub(super) fn begin_check(&self, db: &TerminalDb, now: i64, name: &str, key: &[u8; 32]) -> Result<Gate, AuthError> {
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
    pub(super) fn clear_failures(&self, conn: &rusqlite::Connection, name: &str) -> Result<(), AuthError> {
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
}

/// What a sign-in may do next.
pub(super) enum Gate {
    /// Check the PIN (the account, if any; the running check's id).
    Go(Option<StaffRow>, i64),
    Refuse(AuthError),
    /// Try again shortly; answer this if the wait runs out.
    Wait(AuthError),
}

/// A name's failures, last failure and lockout (none yet: zeros).
pub(super) fn failures(conn: &rusqlite::Connection, key: &[u8]) -> Result<Failures, AuthError> {
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

/// The wait after `failures` wrong PINs: 2 s, 4 s, 8 s … capped at 5 minutes.
fn delay_ms(failures: i64) -> i64 {
    let steps = (failures - FREE_ATTEMPTS).clamp(0, 20) as u32;
    (2_000_i64 << steps).min(300_000)
}
