//! What the shell keeps between commands: the open `Counter`, or the reason
//! it could not be opened (shown on screen; no payment is possible then).

use std::sync::Arc;

use merchant_core::api::ErrorReport;
use merchant_core::config::{ConfigError, Home, Settings};
use merchant_core::counter::{Counter, CounterError};

pub struct AppState {
    counter: Result<Arc<Counter>, ErrorReport>,
    settings: Settings,
}

impl AppState {
    pub async fn start(home: Result<Home, ConfigError>) -> Self {
        let opened = match home {
            Ok(home) => Counter::open(&home).await,
            Err(e) => Err(CounterError::Config(e)),
        };
        match opened {
            Ok(counter) => {
                tracing::info!(mode = ?counter.mode(), "terminal ready");
                Self {
                    settings: counter.settings().clone(),
                    counter: Ok(Arc::new(counter)),
                }
            }
            Err(e) => {
                let report = ErrorReport::from(&e);
                tracing::error!(code = ?report.code, "terminal could not start: {}", report.message);
                Self {
                    counter: Err(report),
                    settings: Settings::default(),
                }
            }
        }
    }

    pub fn counter(&self) -> Result<Arc<Counter>, ErrorReport> {
        self.counter.clone()
    }

    pub fn startup_error(&self) -> Option<ErrorReport> {
        self.counter.as_ref().err().cloned()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }
}
