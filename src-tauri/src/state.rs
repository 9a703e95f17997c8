//! What the shell keeps between commands: the open `Terminal` (or the reason
//! it could not be opened, shown on screen), and who is signed in.

use std::sync::{Arc, Mutex, RwLock};

use merchant_core::api::{ErrorCode, ErrorReport};
use merchant_core::auth::Actor;
use merchant_core::config::{ConfigError, Home, Settings};
use merchant_core::counter::CounterError;
use merchant_core::store::now_ms;
use merchant_core::terminal::{Terminal, TerminalError};

struct Session {
    actor: Actor,
    last_active_ms: i64,
    /// When the PIN was last entered (sign-in or `confirm_pin`).
    confirmed_ms: i64,
}

/// How long a PIN entry covers settings, keys, staff changes and exports.
const RECONFIRM_AFTER_MS: i64 = 5 * 60_000;

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
}

impl AppState {
    pub async fn start(home: Result<Home, ConfigError>) -> Self {
        let opened = Self::open(&home).await;
        Self {
            home,
            opened: RwLock::new(opened),
            session: Mutex::new(None),
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

    fn idle_limit_ms(&self) -> i64 {
        i64::from(self.read().settings.idle_lock_minutes.clamp(1, 15)) * 60_000
    }

    /// The signed-in actor, if the session has not gone idle. Every
    /// command but sign-in goes through here; an idle session is ended.
    pub fn signed_in(&self) -> Result<(Arc<Terminal>, Actor), ErrorReport> {
        let terminal = self.terminal()?;
        let mut session = self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = now_ms();
        match session.as_mut() {
            Some(s) if now - s.last_active_ms <= self.idle_limit_ms() => {
                s.last_active_ms = now;
                Ok((terminal, s.actor.clone()))
            }
            Some(s) => {
                let _ = terminal.sign_out(&s.actor);
                *session = None;
                Err(ErrorReport::new(
                    ErrorCode::NotSignedIn,
                    "The screen locked after being idle. Sign in again.",
                ))
            }
            None => Err(ErrorReport::new(ErrorCode::NotSignedIn, "Sign in first.")),
        }
    }

    /// Like `signed_in`, for a manager's sensitive action: the PIN must
    /// have been entered in the last five minutes, else `reauth_required`.
    pub fn signed_in_confirmed(&self) -> Result<(Arc<Terminal>, Actor), ErrorReport> {
        let signed_in = self.signed_in()?;
        let session = self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match session.as_ref() {
            Some(s) if now_ms() - s.confirmed_ms <= RECONFIRM_AFTER_MS => Ok(signed_in),
            _ => Err(ErrorReport::new(
                ErrorCode::ReauthRequired,
                "Enter your PIN again to change settings, keys or staff, or to export.",
            )),
        }
    }

    /// The PIN was entered again: sensitive actions are open for a while.
    pub fn confirmed(&self) {
        if let Some(s) = self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_mut()
        {
            s.confirmed_ms = now_ms();
        }
    }

    pub fn current(&self) -> Option<Actor> {
        self.signed_in().ok().map(|(_, a)| a)
    }

    pub fn begin(&self, actor: Actor) {
        *self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Session {
            actor,
            last_active_ms: now_ms(),
            confirmed_ms: now_ms(),
        });
    }

    pub fn end(&self) -> Option<Actor> {
        self.session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .map(|s| s.actor)
    }
}
