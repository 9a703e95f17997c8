//! The one conversion of the core's errors into an [`ErrorReport`]: each
//! error is matched variant by variant (no catch-all arm), so a new variant
//! must be given its code here before it compiles.

use crate::auth::AuthError;
use crate::config::ConfigError;
use crate::counter::CounterError;
use crate::error::{ErrorCode, ErrorReport};
use crate::gateway::GatewayError;
use crate::money::MoneyError;
use crate::reports::ReportError;
use crate::setup::SetupError;
use crate::store::StoreError;
use crate::terminal::TerminalError;
use crate::vault::{KeychainError, SealError};

impl From<&CounterError> for ErrorReport {
    fn from(e: &CounterError) -> Self {
        let code = match e {
            CounterError::Money(MoneyError::UnknownCurrency) => ErrorCode::InvalidInput,
            CounterError::Money(_) => ErrorCode::InvalidAmount,
            CounterError::InvalidInput(_) => ErrorCode::InvalidInput,
            CounterError::ChargeInProgress => ErrorCode::ChargeInProgress,
            CounterError::NothingToCancel => ErrorCode::NothingToCancel,
            CounterError::InDoubt(_) => ErrorCode::InDoubt,
            CounterError::LiveNotConfigured => ErrorCode::LiveNotConfigured,
            CounterError::Keychain(k) => keychain_code(k),
            CounterError::SaleNotFound => ErrorCode::NotFound,
            CounterError::CaptureExpired => ErrorCode::CaptureExpired,
            CounterError::GatewaySetup(_) => ErrorCode::ConfigError,
            CounterError::Gateway(g) => gateway_code(g),
            CounterError::Store(st) => store_code(st),
            CounterError::Config(ConfigError::Settings(_) | ConfigError::NoHome | ConfigError::CaUnreadable) => {
                ErrorCode::ConfigError
            }
            CounterError::Config(ConfigError::Io { .. }) => ErrorCode::StoreError,
            CounterError::Config(ConfigError::AlreadyOpen) => ErrorCode::AlreadyOpen,
        };
        Self::new(code, e.to_string())
    }
}

fn gateway_code(e: &GatewayError) -> ErrorCode {
    match e {
        GatewayError::Unreachable => ErrorCode::GatewayUnreachable,
        GatewayError::KeyRejected | GatewayError::PermissionMissing => ErrorCode::GatewayKeyRejected,
        GatewayError::TlsFailure => ErrorCode::GatewayTls,
        GatewayError::RateLimited => ErrorCode::RateLimited,
        GatewayError::ProcessingError
        | GatewayError::ReaderTimeout
        | GatewayError::ReaderOffline
        | GatewayError::ReaderBusy
        | GatewayError::OutcomeUnknown
        | GatewayError::AuthenticationRequired
        | GatewayError::Declined { .. }
        | GatewayError::InvalidRequest
        | GatewayError::NotFound
        | GatewayError::MalformedResponse
        | GatewayError::AnswerTooLarge
        | GatewayError::ListTooLong
        | GatewayError::ListingUnsupported
        | GatewayError::ReceiptEmailUnsupported => ErrorCode::GatewayError,
    }
}

fn keychain_code(e: &KeychainError) -> ErrorCode {
    match e {
        KeychainError::Locked => ErrorCode::KeychainLocked,
        KeychainError::GatewayKeyUnbound => ErrorCode::LiveNotConfigured,
        KeychainError::Missing(_) | KeychainError::Corrupt(_) => ErrorCode::KeyMissing,
        KeychainError::Unavailable(_) => ErrorCode::KeychainUnavailable,
    }
}

fn store_code(e: &StoreError) -> ErrorCode {
    match e {
        StoreError::Keychain(k) => keychain_code(k),
        StoreError::Rekeying | StoreError::OpenElsewhere => ErrorCode::StoreBusy,
        StoreError::Unreadable(_) => ErrorCode::DataTampered,
        StoreError::NotRefundable | StoreError::ExceedsRefundable(_) | StoreError::CurrencyMismatch(_) => {
            ErrorCode::RefundRefused
        }
        StoreError::NotCapturable => ErrorCode::NotCapturable,
        StoreError::RefundLimit(_) => ErrorCode::LimitReached,
        StoreError::DiskFull => ErrorCode::DiskFull,
        StoreError::Busy => ErrorCode::StoreBusy,
        StoreError::Tampered(SealError::Tampered { .. }) => ErrorCode::DataTampered,
        StoreError::Tampered(SealError::UnknownKeyVersion { .. } | SealError::NotText { .. })
        | StoreError::Database(_)
        | StoreError::Migration(_)
        | StoreError::Corrupt(_) => ErrorCode::StoreError,
    }
}

fn report_code(e: &ReportError) -> ErrorCode {
    match e {
        ReportError::UnknownTimeZone | ReportError::InvalidRange(_) => ErrorCode::InvalidInput,
        ReportError::InDoubtInPeriod(_) => ErrorCode::InDoubt,
        ReportError::NoSuchClosing => ErrorCode::NotFound,
        ReportError::Corrupt(_) => ErrorCode::DataTampered,
        ReportError::Write(_) => ErrorCode::ReportError,
        ReportError::Store(st) => store_code(st),
        ReportError::Gateway(g) => gateway_code(g),
    }
}

impl From<ReportError> for ErrorReport {
    fn from(e: ReportError) -> Self {
        Self::new(report_code(&e), e.to_string())
    }
}

impl From<CounterError> for ErrorReport {
    fn from(e: CounterError) -> Self {
        Self::from(&e)
    }
}

fn auth_code(e: &AuthError) -> ErrorCode {
    match e {
        AuthError::WrongPin => ErrorCode::WrongPin,
        AuthError::SlowDown(_) | AuthError::TooManyAttempts => ErrorCode::SlowDown,
        AuthError::LockedOut(_) | AuthError::Disabled => ErrorCode::LockedOut,
        AuthError::Forbidden(_) => ErrorCode::Forbidden,
        AuthError::Store(_) => ErrorCode::StoreError,
        AuthError::WeakPin
        | AuthError::BadName
        | AuthError::NameTaken
        | AuthError::OwnerExists
        | AuthError::NoSuchStaff
        | AuthError::LastManager => ErrorCode::StaffError,
    }
}

fn setup_code(e: &SetupError) -> ErrorCode {
    match e {
        SetupError::Missing | SetupError::Replaced => ErrorCode::TerminalDataMissing,
        SetupError::NothingToRecover | SetupError::NotConfirmed => ErrorCode::InvalidInput,
        SetupError::NoOwnerProof | SetupError::ProofMismatch => ErrorCode::Forbidden,
        // Converted to the terminal's own variants on the way up (see
        // `From<SetupError> for TerminalError`); coded the same here.
        SetupError::Keychain(k) => keychain_code(k),
        SetupError::Store(st) => store_code(st),
        SetupError::Audit(_) => ErrorCode::AuditError,
        SetupError::Staff(a) => auth_code(a),
    }
}

impl From<&TerminalError> for ErrorReport {
    fn from(e: &TerminalError) -> Self {
        let code = match e {
            TerminalError::Counter(c) => return Self::from(c),
            TerminalError::Auth(a) => auth_code(a),
            TerminalError::PinRateLimited => ErrorCode::SlowDown,
            TerminalError::Audit(_) => ErrorCode::AuditError,
            TerminalError::NeedsApproval(_) => ErrorCode::NeedsApproval,
            TerminalError::LimitReached(_) => ErrorCode::LimitReached,
            TerminalError::Export(crate::export::ExportError::BadRecipient(_)) => ErrorCode::InvalidInput,
            TerminalError::Export(crate::export::ExportError::NoRecipients | crate::export::ExportError::Io(_)) => {
                ErrorCode::ExportError
            }
            TerminalError::Report(r) => report_code(r),
            TerminalError::Session(crate::session::SessionError::ReauthRequired) => ErrorCode::ReauthRequired,
            TerminalError::Session(
                crate::session::SessionError::NotSignedIn
                | crate::session::SessionError::IdleLocked
                | crate::session::SessionError::NoLongerActive,
            ) => ErrorCode::NotSignedIn,
            TerminalError::Setup(s) => setup_code(s),
            TerminalError::Shop(_) => ErrorCode::InvalidInput,
        };
        Self::new(code, e.to_string())
    }
}

impl From<TerminalError> for ErrorReport {
    fn from(e: TerminalError) -> Self {
        Self::from(&e)
    }
}
