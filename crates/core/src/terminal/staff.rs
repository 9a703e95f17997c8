//! Staff and their sessions: the owner's first account, members, PINs,
//! sign-in and sign-out, and the session a front end resumes per command.

use secrecy::SecretString;

use super::{Result, Terminal};
use crate::audit::{Action, Outcome};
use crate::auth::{Actor, AuthError, Permission, Role, StaffEntry};
use crate::session::{Need, Session, SessionError, SessionRefreshError};

impl Terminal {
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
            Outcome::Ok,
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
            Outcome::Ok,
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
            Outcome::Ok,
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
            Outcome::Ok,
            Some("pin_reset"),
        )?;
        Ok(())
    }

    pub fn unlock_staff(&self, actor: &Actor, name: &str) -> Result<()> {
        self.require(actor, Permission::ManageStaff)?;
        if let Err(e) = self.staff.unlock(&self.db, actor, name) {
            self.record(
                Some(actor),
                Action::Unlock,
                Some(&self.staff_ref(name)?),
                Outcome::Failed,
                None,
            )?;
            return Err(e.into());
        }
        self.record(
            Some(actor),
            Action::Unlock,
            Some(&self.staff_ref(name)?),
            Outcome::Ok,
            None,
        )?;
        Ok(())
    }

    /// Checks a PIN. Failures and lockouts are audited; a terminal-wide rate
    /// limit, kept in the database for every process, stops someone cycling
    /// through names.
    pub fn sign_in(&self, name: &str, pin: &SecretString) -> Result<Actor> {
        match self.staff.sign_in(&self.db, &*self.clock, name, pin) {
            Ok(actor) => {
                self.record(Some(&actor), Action::SignIn, Some(&actor.staff_id), Outcome::Ok, None)?;
                Ok(actor)
            }
            Err(e) => {
                let (action, outcome) = match e {
                    AuthError::LockedOut(_) => (Action::Lockout, Outcome::Locked),
                    AuthError::SlowDown(_) => (Action::PinFailed, Outcome::SlowDown),
                    AuthError::TooManyAttempts => (Action::PinFailed, Outcome::RateLimited),
                    _ => (Action::PinFailed, Outcome::Denied),
                };
                self.record(None, action, Some(&self.staff_ref(name)?), outcome, None)?;
                Err(e.into())
            }
        }
    }

    pub fn sign_out(&self, actor: &Actor) -> Result<()> {
        self.record(Some(actor), Action::SignOut, Some(&actor.staff_id), Outcome::Ok, None)?;
        Ok(())
    }

    /// The id of the account called `name` (case-insensitive), for a search.
    /// An unknown name matches nobody rather than everybody.
    pub(super) fn staff_id_named(&self, name: Option<&str>) -> Result<Option<String>> {
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

    /// Staff id → name, falling back to a short id for a deleted account.
    pub(super) fn staff_names(&self) -> Result<impl Fn(&str) -> String + '_> {
        let names = self.staff.names(&self.db)?;
        Ok(move |id: &str| {
            names.get(id).cloned().unwrap_or_else(|| {
                let short = crate::reports::short_id(id);
                self.words.say("report-staff-unknown", &[("id", short.into())])
            })
        })
    }

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
            SessionError::IdleLocked => Outcome::Idle,
            _ => Outcome::NoLongerActive,
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
