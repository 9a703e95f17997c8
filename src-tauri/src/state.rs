//! What the shell keeps between commands: the open `Terminal` (or the reason
//! it could not be opened, shown on screen), and who is signed in. The
//! session's rules (idle lock, PIN re-entry, the member's current role and
//! active flag) are the core's: every command resumes it through `Terminal`.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use merchant_core::api::{
    ConfirmPinRequest, CurrencyOption, ErrorReport, RestoredView, SessionView, SimulatedCardOption, StatusView, Step,
    TestCardOption,
};
use merchant_core::audit::Verification;
use merchant_core::auth::Actor;
use merchant_core::backup::BackupError;
use merchant_core::config::{ConfigError, Home, Settings};
use merchant_core::counter::CounterError;
use merchant_core::messages::Catalog;
use merchant_core::session::{Need, Session, SessionError};
use merchant_core::terminal::{Terminal, TerminalError};
use merchant_core::vault::recovery::RecoveryCode;

/// The open terminal and the settings it was opened with; replaced whole
/// when an owner changes the gateway or the mode.
struct Opened {
    terminal: Result<Arc<Terminal>, ErrorReport>,
    settings: Settings,
}

pub struct AppState {
    home: Result<Home, ConfigError>,
    opened: RwLock<Opened>,
    session: Mutex<Option<Session>>,
    /// The step a restore from a backup has reached, while one runs.
    restoring: Mutex<Option<Step>>,
}

impl AppState {
    pub async fn start(home: Result<Home, ConfigError>) -> Self {
        let opened = Self::open(&home).await;
        Self {
            home,
            opened: RwLock::new(opened),
            session: Mutex::new(None),
            restoring: Mutex::new(None),
        }
    }

    async fn open(home: &Result<Home, ConfigError>) -> Opened {
        let opened = match home {
            Ok(home) => Terminal::open(home.clone())
                .await
                .map(|t| t.with_webview_version(tauri::webview_version().ok())),
            Err(e) => Err(TerminalError::Counter(CounterError::Config(e.clone()))),
        };
        match opened {
            Ok(terminal) => {
                tracing::info!(mode = ?terminal.mode(), "terminal ready");
                Opened {
                    settings: terminal.settings().clone(),
                    terminal: Ok(Arc::new(terminal)),
                }
            }
            Err(e) => {
                let report = ErrorReport::from(&e);
                tracing::error!(code = ?report.code, "terminal could not start: {}", report.message);
                Opened {
                    terminal: Err(report),
                    settings: Settings::default(),
                }
            }
        }
    }

    /// Opens the terminal again with the saved settings (after a gateway
    /// or mode change). Whoever is signed in stays signed in.
    pub async fn reopen(&self) {
        let opened = Self::open(&self.home).await;
        *self.opened.write().unwrap_or_else(std::sync::PoisonError::into_inner) = opened;
    }

    /// "Restore from a backup" on a new installation: the unused terminal
    /// the first start made is replaced by the backup's (the core refuses
    /// any other). Whatever happens, a terminal is open again afterwards.
    pub async fn restore(&self, file: &Path, code: &RecoveryCode) -> Result<RestoredView, ErrorReport> {
        // A terminal in use is refused before it is touched.
        if !self.terminal()?.is_unused()? {
            return Err(ErrorReport::from(&TerminalError::from(BackupError::InUse)));
        }
        let unused = self.take_terminal().await?;
        let mut set_step = |step: &Step| *lock(&self.restoring) = Some(step.clone());
        let result = unused.restore_over(file, code, &mut set_step).await;
        *lock(&self.restoring) = None;
        match result {
            Ok((terminal, restored, audit)) => {
                tracing::info!(files = restored.files, "restored from a backup");
                *self.opened.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Opened {
                    settings: terminal.settings().clone(),
                    terminal: Ok(Arc::new(terminal.with_webview_version(tauri::webview_version().ok()))),
                };
                Ok(RestoredView {
                    backup_made_ms: restored.created_at_ms,
                    files: u32::try_from(restored.files).unwrap_or(u32::MAX),
                    audit_intact: matches!(audit, Verification::Intact { .. }),
                })
            }
            Err(e) => {
                self.reopen().await;
                Err(ErrorReport::from(&e))
            }
        }
    }

    /// The open terminal, out of the state and owned (no command holds it),
    /// for a restore; commands meanwhile hear that a restore is under way.
    async fn take_terminal(&self) -> Result<Terminal, ErrorReport> {
        let under_way = || ErrorReport::from(&TerminalError::from(BackupError::Interrupted));
        let mut shared = {
            let mut opened = self.opened.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            let shared = opened.terminal.clone()?;
            opened.terminal = Err(under_way());
            shared
        };
        // A command that began just before may still hold it for a moment.
        for _ in 0..20 {
            match Arc::try_unwrap(shared) {
                Ok(terminal) => return Ok(terminal),
                Err(still_shared) => shared = still_shared,
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        self.opened
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .terminal = Ok(shared);
        Err(ErrorReport::from(&TerminalError::from(BackupError::InUse)))
    }

    /// Before the process exits (the window's event loop never returns):
    /// the newest audit head reaches the keychain.
    pub fn close(&self) {
        if let Ok(terminal) = self.terminal() {
            terminal.flush();
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Opened> {
        self.opened.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn terminal(&self) -> Result<Arc<Terminal>, ErrorReport> {
        self.read().terminal.clone()
    }

    pub fn startup_error(&self) -> Option<ErrorReport> {
        self.read().terminal.as_ref().err().cloned()
    }

    pub fn settings(&self) -> Settings {
        self.read().settings.clone()
    }

    fn resume(&self, need: Need) -> Result<(Arc<Terminal>, Actor), ErrorReport> {
        let terminal = self.terminal()?;
        let mut session = self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let actor = terminal.resume(&mut session, need)?;
        Ok((terminal, actor))
    }

    /// The signed-in member for one command, as the core resumes them.
    pub fn signed_in(&self) -> Result<(Arc<Terminal>, Actor), ErrorReport> {
        self.resume(Need::SignedIn)
    }

    /// `actor` is still the one signed in (after a wait on someone else,
    /// such as a phone order's card window).
    pub fn still_signed_in(&self, actor: &Actor) -> Result<(), ErrorReport> {
        let (_, now) = self.signed_in()?;
        if now.staff_id == actor.staff_id {
            Ok(())
        } else {
            Err(TerminalError::from(SessionError::NotSignedIn).into())
        }
    }

    /// Like `signed_in`, for a manager's sensitive action: the PIN must
    /// have been entered recently, else `reauth_required`.
    pub fn signed_in_confirmed(&self) -> Result<(Arc<Terminal>, Actor), ErrorReport> {
        self.resume(Need::RecentPin)
    }

    /// The member typed their PIN again.
    pub fn confirm_pin(&self, request: &ConfirmPinRequest) -> Result<(), ErrorReport> {
        let terminal = self.terminal()?;
        let mut session = self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(terminal.confirm_pin(&mut session, &request.pin)?)
    }

    pub fn current(&self) -> Option<Actor> {
        self.signed_in().ok().map(|(_, a)| a)
    }

    pub fn begin(&self, terminal: &Terminal, actor: Actor) {
        *self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(terminal.begin_session(actor));
    }

    pub fn end(&self) -> Option<Actor> {
        self.session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .map(|s| s.actor().clone())
    }

    /// What the window shows before and after sign-in: the mode, the
    /// currencies, the cards on offer, who is signed in (`get_status`).
    pub fn status(&self) -> StatusView {
        let settings = self.settings();
        let terminal = self.terminal().ok();
        // A terminal that could not start still speaks the shop's language.
        let own;
        let words = match &terminal {
            Some(t) => t.words(),
            None => {
                own = Catalog::new(settings.language(), settings.numbers());
                &own
            }
        };
        StatusView {
            restoring: lock(&self.restoring).clone(),
            mode: settings.mode,
            back_office: settings.back_office,
            startup_error: self.startup_error(),
            terminal_id: terminal.as_ref().map(|t| t.terminal_id().to_string()),
            needs_owner: terminal.as_ref().is_some_and(|t| !t.has_staff().unwrap_or(true)),
            session: self.current().as_ref().map(SessionView::new),
            idle_lock_minutes: settings.idle_lock_minutes.clamp(1, 15),
            currency: settings.currency,
            currencies: CurrencyOption::all(),
            language: settings.language(),
            language_tag: settings.language().tag().into(),
            numbers: settings.numbers(),
            max_description_chars: u32::try_from(settings.max_description_chars).unwrap_or(u32::MAX),
            simulated_cards: SimulatedCardOption::all(words),
            test_cards: terminal
                .as_ref()
                .map(|t| {
                    t.test_cards()
                        .into_iter()
                        .map(|c| TestCardOption::new(c, words))
                        .collect()
                })
                .unwrap_or_default(),
            phone_orders: match (&terminal, self.current()) {
                (Some(t), Some(actor)) => t.offers_phone_orders(&actor),
                _ => false,
            },
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
