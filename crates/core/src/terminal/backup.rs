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

/// `text` in lines of at most `width` characters, broken between words.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines
            .last_mut()
            .filter(|l| l.chars().count() + 1 + word.chars().count() <= width || l.is_empty());
        match line {
            Some(line) if !line.is_empty() => {
                line.push(' ');
                line.push_str(word);
            }
            Some(line) => line.push_str(word),
            None => lines.push(word.to_string()),
        }
    }
    lines
}

/// A backup file's name in `folder`: the time it was made.
fn backup_name(folder: &Path, now_ms: i64) -> std::path::PathBuf {
    folder.join(format!("merchant-terminal-{now_ms}.mtbackup"))
}

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

    /// The recovery sheet to print: the shop, this terminal, the code and
    /// what to do with it, as a PDF. The terminal keeps no copy.
    pub fn recovery_sheet(&self, code: &RecoveryCode) -> Vec<u8> {
        let w = &self.words;
        let mut lines = vec![
            w.text("recovery-sheet-title"),
            String::new(),
            self.shop().name,
            w.say("recovery-sheet-terminal", &[("id", self.terminal_id.as_str().into())]),
            String::new(),
            w.text("recovery-sheet-code"),
            String::new(),
            format!("    {}", code.expose()),
            String::new(),
        ];
        for id in ["recovery-sheet-keep", "recovery-sheet-restore"] {
            lines.extend(wrap(&w.text(id), 72));
            lines.push(String::new());
        }
        crate::pdf::render(&lines)
    }

    /// Writes the recovery sheet for `code` to `file` (print it, then
    /// delete it). The code must open this folder's kit: a sheet with a
    /// slip in it would be worse than none.
    pub fn save_recovery_sheet(&self, actor: &Actor, code: &RecoveryCode, file: &Path) -> Result<()> {
        self.require(actor, Permission::ManageKeys)?;
        let kit = backup::kit(&self.home)?.ok_or(backup::BackupError::NoKit)?;
        kit.unwrap(code).map_err(backup::BackupError::from)?;
        Ok(backup::write_sheet(&self.home, file, &self.recovery_sheet(code))?)
    }

    /// Checks, before a kit is issued, that its sheet can go to `file`.
    pub fn check_sheet_place(&self, file: &Path) -> Result<()> {
        backup::sheet_place(&self.home, file)?;
        Ok(())
    }

    /// Whether this folder has a recovery kit (a terminal set up before
    /// kits existed asks its owner for one).
    pub fn has_recovery_kit(&self) -> Result<bool> {
        Ok(backup::kit(&self.home)?.is_some())
    }

    /// Writes a sealed backup to `out`. `progress` hears each step.
    pub fn backup(&self, actor: &Actor, out: &Path, progress: &mut dyn FnMut(&backup::Step)) -> Result<BackupMade> {
        self.require(actor, Permission::ManageKeys)?;
        self.write_backup(Some(actor), out, progress)
    }

    /// Writes it and puts it on the trail (`actor` `None`: the daily one).
    fn write_backup(
        &self,
        actor: Option<&Actor>,
        out: &Path,
        progress: &mut dyn FnMut(&backup::Step),
    ) -> Result<BackupMade> {
        let now = self.clock.now_ms();
        match backup::write(&self.home, &self.keychain, &self.keys, out, now, progress) {
            Ok(made) => {
                let how = if actor.is_some() { "" } else { "automatic " };
                let detail = format!("{how}files={} bytes={}", made.files, made.bytes);
                self.record(actor, Action::BackupMade, None, Outcome::Ok, Some(&detail))?;
                Ok(made)
            }
            Err(e) => {
                self.record(actor, Action::BackupMade, None, Outcome::Failed, None)?;
                Err(e.into())
            }
        }
    }

    /// Writes a sealed backup into `folder`, named by the time it is made.
    /// `daily`: also back up there once a day from now on (or no longer).
    /// Says whether the settings changed (the caller opens them again).
    pub fn backup_into(&self, actor: &Actor, folder: &Path, daily: Option<bool>) -> Result<(BackupMade, bool)> {
        self.require(actor, Permission::ManageKeys)?;
        let out = backup_name(folder, self.clock.now_ms());
        let made = self.write_backup(Some(actor), &out, &mut |step| tracing::info!(%step, "backup"))?;
        let wanted = daily.map(|on| on.then(|| folder.to_path_buf()));
        let changed = wanted.as_ref().is_some_and(|w| *w != self.settings.backup_folder);
        if let (true, Some(daily)) = (changed, daily) {
            let mut settings = self.settings.clone();
            settings.backup_folder = daily.then(|| folder.to_path_buf());
            // The folder was typed: the trail says that it changed, not what it is.
            self.home.save_settings(&settings)?;
            let detail = if daily { "daily_backup=on" } else { "daily_backup=off" };
            self.record(
                Some(actor),
                Action::SettingsChanged,
                Some("backups"),
                Outcome::Ok,
                Some(detail),
            )?;
        }
        Ok((made, changed))
    }

    /// The daily backup into the owner's folder, when the newest backup is
    /// a day old (or there is none) and a recovery kit exists. `None`: not due.
    pub fn backup_if_due(&self) -> Result<Option<BackupMade>> {
        let Some(folder) = self.settings.backup_folder.as_deref() else {
            return Ok(None);
        };
        let day_old = self
            .last_backup_ms()?
            .is_none_or(|at| self.clock.now_ms() - at >= 86_400_000);
        if !day_old || !self.has_recovery_kit()? {
            return Ok(None);
        }
        let out = backup_name(folder, self.clock.now_ms());
        Ok(Some(self.write_backup(
            None,
            &out,
            &mut |step| tracing::info!(%step, "daily backup"),
        )?))
    }

    /// The recovery kit and the newest backup, for a manager.
    pub fn backup_state(&self, actor: &Actor) -> Result<backup::BackupStateView> {
        self.require(actor, Permission::ManageKeys)?;
        let last_backup_ms = self.last_backup_ms()?;
        let stale_days = self.settings.alerts.backup_stale_days.max(1);
        let age_ms = last_backup_ms.map_or(i64::MAX, |at| self.clock.now_ms() - at);
        Ok(backup::BackupStateView {
            daily_folder: self.settings.backup_folder.as_ref().map(|p| p.display().to_string()),
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
        progress: &mut (dyn FnMut(&backup::Step) + Send),
    ) -> Result<(Self, Restored, Verification)> {
        let restored = backup::restore(&home, keychain_of, file, code, progress)?;
        Self::open_restored(home, restored).await
    }

    /// Whether nobody has used this terminal yet: no owner was ever
    /// created, and no sale is on it. Only such a terminal (what a first
    /// start of the app leaves) may be replaced by a restore.
    pub fn is_unused(&self) -> Result<bool> {
        if self.setup.has_owner() || self.has_staff()? {
            return Ok(false);
        }
        match self.counter.as_ref() {
            Ok(counter) => Ok(counter.store().sales_page(0, i64::MAX, None, 1)?.is_empty()),
            Err(_) => Ok(false),
        }
    }

    /// "Restore from a backup" on a new installation: replaces this unused
    /// terminal with the one in `file`. The backup is opened with the code
    /// and checked whole, and the new keychain checked, before the unused
    /// terminal is removed: a wrong code or a damaged file leaves it as it
    /// was.
    pub async fn restore_over(
        self,
        file: &Path,
        code: &RecoveryCode,
        progress: &mut (dyn FnMut(&backup::Step) + Send),
    ) -> Result<(Self, Restored, Verification)> {
        if !self.is_unused()? {
            return Err(backup::BackupError::InUse.into());
        }
        progress(&backup::Step::new(1, 4, "opening with the recovery code"));
        let unsealed = backup::unseal(file, code)?;
        let keychain = keychain_of(unsealed.terminal_id());
        backup::check_keychain(&keychain, &unsealed)?;
        let home = self.home.clone();
        let unused = self.keychain.clone();
        // Closes its databases and writes its last audit head first.
        drop(self);
        backup::discard_unused(&home, &unused)?;
        let restored = backup::put_in_place(&home, &keychain, unsealed, progress)?;
        Self::open_restored(home, restored).await
    }

    async fn open_restored(home: Home, restored: Restored) -> Result<(Self, Restored, Verification)> {
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

fn keychain_of(terminal_id: &str) -> Keychain {
    Keychain::new(KeychainNamespace::new(BuildKind::current(), terminal_id))
}
