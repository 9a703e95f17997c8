//! A fresh data folder, and the real `merchantctl` run on it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::*;

/// The owner account every test terminal gets on first use.
pub const OWNER: &str = "Owner";

pub const OWNER_PIN: &str = "424242";

/// A fresh terminal data folder.
pub struct TerminalHome {
    dir: tempfile::TempDir,
    owner_created: std::cell::Cell<bool>,
    /// The computer's locale (`LANG`) `merchantctl` runs under.
    os_locale: String,
}

impl TerminalHome {
    pub fn new() -> TestResult<Self> {
        Ok(Self {
            dir: tempfile::tempdir()?,
            owner_created: std::cell::Cell::new(false),
            os_locale: ENGLISH.into(),
        })
    }

    /// The same folder on a computer whose locale is `lang` (`fr_FR.UTF-8`).
    #[must_use]
    pub fn on_computer_in(mut self, lang: &str) -> Self {
        self.os_locale = lang.into();
        self
    }

    /// Creates the owner account (once), as a shop does on first run.
    pub fn ensure_owner(&self, session: Option<&KeyringSession>) -> TestResult {
        if self.owner_created.get() {
            return Ok(());
        }
        let out = run_merchantctl(
            session,
            self,
            &["staff", "init-owner", "--name", OWNER],
            &format!("{OWNER_PIN}\n"),
        )?;
        if out.status.success() {
            self.owner_created.set(true);
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `settings.toml`.
    pub fn settings(&self, toml: &str) -> TestResult {
        std::fs::write(self.dir.path().join("settings.toml"), toml)?;
        Ok(())
    }

    /// Every file of the training cache (database, WAL, shared memory).
    pub fn training_cache_files(&self) -> Vec<PathBuf> {
        self.sqlite_files("training/cache.sqlite3")
    }

    /// Every SQLite file in the folder: caches and the terminal database.
    pub fn all_database_files(&self) -> Vec<PathBuf> {
        ["training/cache.sqlite3", "live/cache.sqlite3", "terminal.sqlite3"]
            .iter()
            .flat_map(|f| self.sqlite_files(f))
            .collect()
    }

    fn sqlite_files(&self, name: &str) -> Vec<PathBuf> {
        let base = self.dir.path().join(name);
        ["", "-wal", "-shm", "-journal"]
            .iter()
            .map(|suffix| PathBuf::from(format!("{}{suffix}", base.display())))
            .filter(|p| p.exists())
            .collect()
    }
}

/// Runs `merchantctl --home <home> --staff Owner <args>` in `session`
/// (none: no bus at all), with the owner's PIN on stdin.
pub fn merchantctl(session: Option<&KeyringSession>, home: &TerminalHome, args: &[&str]) -> TestResult<Output> {
    merchantctl_as(session, home, OWNER, OWNER_PIN, args, "")
}

/// Runs `merchantctl` signed in as `staff`, with `pin` then `more` on stdin.
pub fn merchantctl_as(
    session: Option<&KeyringSession>,
    home: &TerminalHome,
    staff: &str,
    pin: &str,
    args: &[&str],
    more: &str,
) -> TestResult<Output> {
    home.ensure_owner(session)?;
    // `--staff=NAME`: a name may begin with `-`.
    let staff = format!("--staff={staff}");
    let mut full = vec![staff.as_str()];
    full.extend_from_slice(args);
    run_merchantctl(session, home, &full, &format!("{pin}\n{more}"))
}

const ENGLISH: &str = "en_US.UTF-8";

/// The tests' computer speaks US English whatever this machine's locale,
/// so a fresh terminal's default language is known; a test of another
/// language sets it (or the locale) itself.
pub(crate) fn english_locale(cmd: &mut Command) -> &mut Command {
    computer_locale(cmd, ENGLISH)
}

fn computer_locale<'a>(cmd: &'a mut Command, lang: &str) -> &'a mut Command {
    cmd.env("LANG", lang).env_remove("LC_ALL").env_remove("LC_MESSAGES")
}

/// Runs `merchantctl` on `home` as it is (no owner made first), with `stdin`.
pub fn run_merchantctl(
    session: Option<&KeyringSession>,
    home: &TerminalHome,
    args: &[&str],
    stdin: &str,
) -> TestResult<Output> {
    let mut cmd = Command::new(binary("merchantctl")?);
    cmd.arg("--home").arg(home.path()).args(args);
    cmd.env_remove("MERCHANT_TERMINAL_HOME")
        .env_remove("MERCHANT_TERMINAL_STAFF");
    computer_locale(&mut cmd, &home.os_locale);
    match session {
        Some(s) => {
            s.envs(&mut cmd);
        }
        None => {
            cmd.env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/merchant-terminal-test-bus",
            )
            .env("MERCHANT_TERMINAL_BUILD_KIND", "test");
        }
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut i) = child.stdin.take() {
        // The child may exit before reading (a refusal): not an error here.
        let _ = i.write_all(stdin.as_bytes());
    }
    Ok(child.wait_with_output()?)
}

/// Runs `merchantctl` as the owner with `more` on stdin after the PIN.
pub fn merchantctl_stdin(
    session: &KeyringSession,
    home: &TerminalHome,
    args: &[&str],
    more: &str,
) -> TestResult<Output> {
    merchantctl_as(Some(session), home, OWNER, OWNER_PIN, args, more)
}

/// A live terminal pointed at `gateway` (trusting the test CA) with a test
/// key in the keychain, and the given request timeout and retry count.
pub fn live_terminal_with(
    session: &KeyringSession,
    pki: &TestPki,
    gateway: &Localstripe,
    request_timeout_ms: u64,
    max_retries: usize,
) -> TestResult<TerminalHome> {
    let home = TerminalHome::new()?;
    home.settings(&format!(
        "mode = \"live\"\n[gateway]\nbase_url = \"{}\"\nextra_ca = \"{}\"\nomit_refund_reason = true\n\
         request_timeout_ms = {request_timeout_ms}\nmax_retries = {max_retries}\n",
        gateway.url(),
        pki.ca().display()
    ))?;
    let out = merchantctl_stdin(
        session,
        &home,
        &["--json", "gateway", "set-key"],
        "sk_test_merchantterminal01\n",
    )?;
    if out.status.code() != Some(0) {
        return fail(format!("set-key: {}", String::from_utf8_lossy(&out.stdout)));
    }
    Ok(home)
}
