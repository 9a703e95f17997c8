//! What the shell keeps between commands: the open `Terminal` (or the reason
//! it could not be opened, shown on screen), and who is signed in.

use std::sync::{Arc, Mutex};

use merchant_core::api::{ErrorCode, ErrorReport};
use merchant_core::auth::Actor;
use merchant_core::config::{ConfigError, Home, Settings};
use merchant_core::counter::CounterError;
use merchant_core::store::now_ms;
use merchant_core::terminal::{Terminal, TerminalError};

struct Session {
    actor: Actor,
    last_active_ms: i64,
}

pub struct AppState {
    terminal: Result<Arc<Terminal>, ErrorReport>,
    settings: Settings,
    session: Mutex<Option<Session>>,
}

impl AppState {
    pub async fn start(home: Result<Home, ConfigError>) -> Self {
        let opened = match home {
            Ok(home) => Terminal::open(home)
                .await
                .map(|t| t.with_webview_version(tauri::webview_version().ok())),
            Err(e) => Err(TerminalError::Counter(CounterError::Config(e))),
        };
        match opened {
            Ok(terminal) => {
                tracing::info!(mode = ?terminal.mode(), "terminal ready");
                Self {
                    settings: terminal.settings().clone(),
                    terminal: Ok(Arc::new(terminal)),
                    session: Mutex::new(None),
                }
            }
            Err(e) => {
                let report = ErrorReport::from(&e);
                tracing::error!(code = ?report.code, "terminal could not start: {}", report.message);
                Self {
                    terminal: Err(report),
                    settings: Settings::default(),
                    session: Mutex::new(None),
                }
            }
        }
    }

    pub fn terminal(&self) -> Result<Arc<Terminal>, ErrorReport> {
        self.terminal.clone()
    }

    pub fn startup_error(&self) -> Option<ErrorReport> {
        self.terminal.as_ref().err().cloned()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    fn idle_limit_ms(&self) -> i64 {
        i64::from(self.settings.idle_lock_minutes.clamp(1, 15)) * 60_000
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

    pub fn current(&self) -> Option<Actor> {
        self.signed_in().ok().map(|(_, a)| a)
    }

    pub fn begin(&self, actor: Actor) {
        *self.session.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Session {
            actor,
            last_active_ms: now_ms(),
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
