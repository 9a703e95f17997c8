//! A person signed in at one front end, and the rules that end or narrow it.
//!
//! The idle lock, the re-authentication window for sensitive actions and the
//! check that the person is still an active member with the same role are
//! rules of the terminal, not of one screen: every front end (the app, the
//! CLI, any other) keeps a [`Session`] and has the terminal resume it before
//! each command (`Terminal::resume`). Nothing the staff table could have
//! changed since sign-in is trusted from memory.
//!
//! Guarantees:
//! - a session idle for longer than the owner's `idle_lock_minutes` (at most
//!   15) ends, and the command answers [`SessionError::IdleLocked`];
//! - the role and the active flag are read from the staff table on every
//!   resume: a member a manager disabled is signed out at their next command
//!   ([`SessionError::NoLongerActive`]), a changed role applies at once;
//! - settings, keys, staff changes and exports need the PIN entered within
//!   the last [`RECONFIRM_AFTER_MS`] ([`SessionError::ReauthRequired`]).

use crate::auth::{Actor, Role};
use crate::store::{StoreError, TerminalDb};

/// How long a PIN entry covers settings, keys, staff changes and exports.
pub const RECONFIRM_AFTER_MS: i64 = 5 * 60_000;

/// The longest idle lock an owner can set, in minutes.
pub const MAX_IDLE_MINUTES: u32 = 15;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    #[error("Sign in first.")]
    NotSignedIn,
    #[error("The screen locked after being idle. Sign in again.")]
    IdleLocked,
    #[error("This account is no longer active. Ask a manager.")]
    NoLongerActive,
    #[error("Enter your PIN again to change settings, keys or staff, or to export.")]
    ReauthRequired,
}

/// Who is signed in, since when they last acted, and when they last typed
/// their PIN.
#[derive(Debug, Clone)]
pub struct Session {
    actor: Actor,
    last_active_ms: i64,
    confirmed_ms: i64,
}

/// What a command needs of the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any live session.
    SignedIn,
    /// A live session whose PIN was entered recently.
    RecentPin,
}

impl Session {
    /// A session that starts now, as the PIN was just checked.
    pub fn begin(actor: Actor, now_ms: i64) -> Self {
        Self {
            actor,
            last_active_ms: now_ms,
            confirmed_ms: now_ms,
        }
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The PIN was entered again: sensitive actions are open for a while.
    pub fn confirmed(&mut self, now_ms: i64) {
        self.confirmed_ms = now_ms;
    }

    /// Applies the time rules for one command at `now_ms`; `idle_minutes`
    /// is the owner's setting (clamped to 1..=15). On success the session
    /// counts as active again.
    pub(crate) fn check_time(&mut self, now_ms: i64, idle_minutes: u32, need: Need) -> Result<(), SessionError> {
        let idle_ms = i64::from(idle_minutes.clamp(1, MAX_IDLE_MINUTES)) * 60_000;
        if now_ms.saturating_sub(self.last_active_ms) > idle_ms {
            return Err(SessionError::IdleLocked);
        }
        if need == Need::RecentPin && now_ms.saturating_sub(self.confirmed_ms) > RECONFIRM_AFTER_MS {
            return Err(SessionError::ReauthRequired);
        }
        self.last_active_ms = now_ms;
        Ok(())
    }

    /// Replaces the remembered role and name with the staff table's.
    pub(crate) fn refresh(&mut self, db: &TerminalDb) -> Result<(), SessionRefreshError> {
        let row = db
            .conn()
            .query_row(
                "SELECT name, role, active FROM staff WHERE id = ?1",
                [&self.actor.staff_id],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?)),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(StoreError::from(e)),
            })?;
        match row {
            Some((name, role, true)) => {
                self.actor.role = Role::parse(&role).ok_or(StoreError::Corrupt("staff role"))?;
                self.actor.name = name;
                Ok(())
            }
            _ => Err(SessionRefreshError::Session(SessionError::NoLongerActive)),
        }
    }
}

/// Why a session could not be refreshed: the rule, or the store.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SessionRefreshError {
    #[error(transparent)]
    Session(SessionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor() -> Actor {
        Actor {
            staff_id: "s1".into(),
            name: "Cas".into(),
            role: Role::Cashier,
        }
    }

    #[test]
    fn idle_and_reconfirm_windows() {
        let mut s = Session::begin(actor(), 0);
        assert_eq!(s.check_time(60_000, 1, Need::SignedIn), Ok(()));
        // Acting keeps it alive; a minute and a millisecond of silence ends it.
        assert_eq!(s.check_time(120_001, 1, Need::SignedIn), Err(SessionError::IdleLocked));
        let mut s = Session::begin(actor(), 0);
        assert_eq!(s.check_time(240_000, 15, Need::RecentPin), Ok(()));
        assert_eq!(
            s.check_time(RECONFIRM_AFTER_MS + 1, 15, Need::RecentPin),
            Err(SessionError::ReauthRequired)
        );
        s.confirmed(RECONFIRM_AFTER_MS + 2);
        assert_eq!(s.check_time(RECONFIRM_AFTER_MS + 3, 15, Need::RecentPin), Ok(()));
        // The owner cannot set an idle lock longer than 15 minutes.
        let mut s = Session::begin(actor(), 0);
        assert_eq!(
            s.check_time(16 * 60_000, 60, Need::SignedIn),
            Err(SessionError::IdleLocked)
        );
    }
}
