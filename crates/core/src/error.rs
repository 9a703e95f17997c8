//! The error every boundary returns: a stable [`ErrorCode`] that the UI and
//! scripts branch on, and a message safe to show at the till. A leaf: it
//! names no other module, so every layer can use it. The conversion from
//! each module's errors lives in `api::errors`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The error every IPC command and `merchantctl --json` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ErrorReport {
    pub code: ErrorCode,
    /// In English.
    pub message: String,
    /// The same message as the catalog words it (`locales/`), for a front
    /// that speaks the shop's language; absent where the message exists in
    /// English only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub said: Option<Said>,
}

/// A message by its catalog id, with its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Said {
    pub id: String,
    pub args: BTreeMap<String, SaidArg>,
}

/// A message's argument: a count (plurals select on it), a text, a word
/// of the catalog or an amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum SaidArg {
    Number(#[ts(type = "number")] i64),
    Text(String),
    /// A word of the catalog (its id), said in the language shown.
    Word {
        word: String,
    },
    /// An amount, written as the shop writes amounts where it is shown.
    Amount {
        #[ts(type = "number")]
        minor: i64,
        currency: String,
    },
}

impl Said {
    pub fn new(id: &str) -> Self {
        Self {
            id: id.to_string(),
            args: BTreeMap::new(),
        }
    }

    #[must_use]
    pub fn text(mut self, name: &str, value: impl Into<String>) -> Self {
        self.args.insert(name.to_string(), SaidArg::Text(value.into()));
        self
    }

    #[must_use]
    pub fn word(mut self, name: &str, id: &str) -> Self {
        self.args
            .insert(name.to_string(), SaidArg::Word { word: id.to_string() });
        self
    }

    #[must_use]
    pub fn amount(mut self, name: &str, minor: i64, currency: &str) -> Self {
        let currency = currency.to_string();
        self.args.insert(name.to_string(), SaidArg::Amount { minor, currency });
        self
    }

    #[must_use]
    pub fn number(mut self, name: &str, value: i64) -> Self {
        self.args.insert(name.to_string(), SaidArg::Number(value));
        self
    }
}

/// Stable error codes. Add new ones; never rename or reuse one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidAmount,
    InvalidInput,
    ChargeInProgress,
    NothingToCancel,
    InDoubt,
    LiveNotConfigured,
    KeychainLocked,
    KeychainUnavailable,
    KeyMissing,
    DiskFull,
    StoreBusy,
    StoreError,
    DataTampered,
    ConfigError,
    NotReady,
    GatewayError,
    Internal,
    NotFound,
    RefundRefused,
    GatewayUnreachable,
    GatewayKeyRejected,
    GatewayTls,
    RateLimited,
    NotCapturable,
    WrongPin,
    SlowDown,
    LockedOut,
    Forbidden,
    NeedsApproval,
    LimitReached,
    NotSignedIn,
    StaffError,
    AuditError,
    ExportError,
    ReportError,
    /// A manager's action needs their PIN again (`confirm_pin`).
    ReauthRequired,
    /// The authorisation lapsed: it can no longer be captured.
    CaptureExpired,
    /// The staff and audit database is missing or was replaced: the
    /// terminal stops until it is restored (or the owner recovers).
    TerminalDataMissing,
    /// The data folder is open in another window of the app.
    AlreadyOpen,
    /// This terminal is a back office: it takes no payments.
    BackOffice,
    /// The person stopped it (closed the card window, say): nothing happened.
    Cancelled,
    /// A restore (or a start after an interrupted one) was refused:
    /// wrong code, damaged file, another terminal's folder.
    RestoreRefused,
}

impl ErrorCode {
    /// The `merchantctl` exit status for this class of failure.
    pub fn exit_status(self) -> u8 {
        match self {
            Self::InvalidAmount | Self::InvalidInput => 3,
            Self::ChargeInProgress | Self::NothingToCancel | Self::InDoubt | Self::Cancelled => 4,
            Self::KeychainLocked | Self::KeychainUnavailable | Self::KeyMissing => 5,
            Self::DiskFull | Self::StoreBusy | Self::StoreError | Self::DataTampered => 6,
            Self::LiveNotConfigured | Self::ConfigError | Self::NotReady | Self::AlreadyOpen | Self::BackOffice => 7,
            Self::RestoreRefused => 15,
            Self::GatewayError
            | Self::GatewayUnreachable
            | Self::GatewayKeyRejected
            | Self::GatewayTls
            | Self::RateLimited => 8,
            Self::NotFound => 9,
            Self::RefundRefused
            | Self::NotCapturable
            | Self::NeedsApproval
            | Self::LimitReached
            | Self::CaptureExpired => 4,
            Self::WrongPin | Self::SlowDown | Self::LockedOut | Self::Forbidden | Self::NotSignedIn => 12,
            Self::StaffError => 3,
            Self::AuditError => 6,
            Self::ExportError => 7,
            Self::ReportError => 6,
            Self::ReauthRequired => 12,
            Self::TerminalDataMissing => 14,
            Self::Internal => 10,
        }
    }
}

impl ErrorReport {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            said: None,
        }
    }

    /// The report as the catalog words it.
    #[must_use]
    pub fn said(mut self, said: Option<Said>) -> Self {
        self.said = said;
        self
    }
}
