//! The error every boundary returns: a stable [`ErrorCode`] that the UI and
//! scripts branch on, and a message safe to show at the till. A leaf: it
//! names no other module, so every layer can use it. The conversion from
//! each module's errors lives in `api::errors`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The error every IPC command and `merchantctl --json` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ErrorReport {
    pub code: ErrorCode,
    pub message: String,
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
}

impl ErrorCode {
    /// The `merchantctl` exit status for this class of failure.
    pub fn exit_status(self) -> u8 {
        match self {
            Self::InvalidAmount | Self::InvalidInput => 3,
            Self::ChargeInProgress | Self::NothingToCancel | Self::InDoubt => 4,
            Self::KeychainLocked | Self::KeychainUnavailable | Self::KeyMissing => 5,
            Self::DiskFull | Self::StoreBusy | Self::StoreError | Self::DataTampered => 6,
            Self::LiveNotConfigured | Self::ConfigError | Self::NotReady | Self::AlreadyOpen => 7,
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
        }
    }
}
