//! Backups as staff use them: the recovery kit, a sealed backup, and a
//! restore on a new machine; each on the audit trail (see [`crate::backup`]).

use std::path::Path;

use super::{Result, Terminal};
use crate::audit::{Action, Outcome, Verification};
use crate::auth::{Actor, Permission};
use crate::backup::{self, BackupMade, Restored};
use crate::config::Home;
use crate::vault::recovery::{RecoveryCode, WrappedKey};
use crate::vault::{BuildKind, Keychain, KeychainNamespace};

impl Terminal {
    /// Issues the recovery kit, or a new one: a new code, to be shown once,
    /// wraps the master key. The old code no longer opens this folder's kit
    /// (a backup made before keeps the kit it was made with).
    pub fn issue_recovery_kit(&self, actor: &Actor) -> Result<RecoveryCode> {
        self.require(actor, Permission::ManageKeys)?;
        let replaced = backup::kit(&self.home)?.is_some();
        let code = RecoveryCode::generate();
        let wrapped = WrappedKey::wrap(self.keys.master(), &code, &self.terminal_id, self.clock.now_ms())
            .map_err(backup::BackupError::from)?;
        backup::keep_kit(&self.home, &wrapped)?;
        let detail = if replaced { "reissued" } else { "first" };
        self.record(Some(actor), Action::RecoveryKitIssued, None, Outcome::Ok, Some(detail))?;
        Ok(code)
    }

    /// Whether this folder has a recovery kit (a terminal set up before
    /// kits existed asks its owner for one).
    pub fn has_recovery_kit(&self) -> Result<bool> {
        Ok(backup::kit(&self.home)?.is_some())
    }

    /// Writes a sealed backup to `out`. `progress` hears each step.
    pub fn backup(&self, actor: &Actor, out: &Path, progress: &mut dyn FnMut(&str)) -> Result<BackupMade> {
        self.require(actor, Permission::ManageKeys)?;
        match backup::write(
            &self.home,
            &self.keychain,
            &self.keys,
            out,
            self.clock.now_ms(),
            progress,
        ) {
            Ok(made) => {
                let detail = format!("files={} bytes={}", made.files, made.bytes);
                self.record(Some(actor), Action::BackupMade, None, Outcome::Ok, Some(&detail))?;
                Ok(made)
            }
            Err(e) => {
                self.record(Some(actor), Action::BackupMade, None, Outcome::Failed, None)?;
                Err(e.into())
            }
        }
    }

    /// Writes a sealed backup into `folder`, named by the time it is made.
    pub fn backup_into(&self, actor: &Actor, folder: &Path) -> Result<BackupMade> {
        let name = format!("merchant-terminal-{}.mtbackup", self.clock.now_ms());
        self.backup(actor, &folder.join(name), &mut |step| tracing::info!(step, "backup"))
    }

    /// The recovery kit and the newest backup, for a manager.
    pub fn backup_state(&self, actor: &Actor) -> Result<backup::BackupStateView> {
        self.require(actor, Permission::ManageKeys)?;
        let last_backup_ms = self.last_backup_ms()?;
        let stale_days = self.settings.alerts.backup_stale_days.max(1);
        let age_ms = last_backup_ms.map_or(i64::MAX, |at| self.clock.now_ms() - at);
        Ok(backup::BackupStateView {
            has_kit: self.has_recovery_kit()?,
            last_backup_ms,
            stale_days,
            stale: age_ms > i64::from(stale_days) * 86_400_000,
        })
    }

    /// When the newest backup was made here, from the audit trail.
    pub fn last_backup_ms(&self) -> Result<Option<i64>> {
        let filter = crate::audit::AuditFilter {
            action: Some(Action::BackupMade),
            actor: None,
            outcome: Some(Outcome::Ok),
            since_ms: 0,
            until_ms: i64::MAX,
            limit: 1,
        };
        Ok(self.audit.query(&self.db, &filter)?.first().map(|e| e.at_ms))
    }

    /// Restores the backup `file` into `home` (a new, empty data folder)
    /// with the recovery code, then opens the terminal there: the audit
    /// chain must verify, and the restore is its next entry.
    pub async fn restore(
        home: Home,
        file: &Path,
        code: &RecoveryCode,
        progress: &mut dyn FnMut(&str),
    ) -> Result<(Self, Restored, Verification)> {
        let keychain_of = |id: &str| Keychain::new(KeychainNamespace::new(BuildKind::current(), id));
        let restored = backup::restore(&home, keychain_of, file, code, progress)?;
        let terminal = Self::open(home).await?;
        let verdict = terminal.audit.verify(&terminal.db, None)?;
        terminal
            .setup
            .restored(restored.created_at_ms, terminal.clock.now_ms())?;
        let detail = format!("backup_made_ms={}", restored.created_at_ms);
        terminal.record(None, Action::Restored, None, Outcome::Ok, Some(&detail))?;
        Ok((terminal, restored, verdict))
    }
}
