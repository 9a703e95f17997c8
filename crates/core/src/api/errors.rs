//! The one conversion of the core's errors into an [`ErrorReport`]: each
//! error is matched variant by variant (no catch-all arm), so a new variant
//! must be given its code here before it compiles.

use crate::auth::AuthError;
use crate::backup::BackupError;
use crate::card_entry::CardEntryError;
use crate::config::ConfigError;
use crate::counter::CounterError;
use crate::error::{ErrorCode, ErrorReport, Said};
use crate::gateway::GatewayError;
use crate::money::MoneyError;
use crate::reports::ReportError;
use crate::setup::SetupError;
use crate::store::StoreError;
use crate::terminal::TerminalError;
use crate::vault::recovery::RecoveryError;
use crate::vault::{KeychainError, SealError};

impl From<&CounterError> for ErrorReport {
    fn from(e: &CounterError) -> Self {
        let code = match e {
            CounterError::Money(MoneyError::UnknownCurrency) => ErrorCode::InvalidInput,
            CounterError::Money(_) => ErrorCode::InvalidAmount,
            CounterError::Input(_) => ErrorCode::InvalidInput,
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
            CounterError::BackOffice | CounterError::NotFresh => ErrorCode::BackOffice,
        };
        worded(code, e, counter_said(e))
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
        ReportError::ShopNeedsLive => ErrorCode::LiveNotConfigured,
        ReportError::Corrupt(_) => ErrorCode::DataTampered,
        ReportError::Write(_) => ErrorCode::ReportError,
        ReportError::Store(st) => store_code(st),
        ReportError::Gateway(g) => gateway_code(g),
    }
}

impl From<ReportError> for ErrorReport {
    fn from(e: ReportError) -> Self {
        worded(report_code(&e), &e, report_said(&e))
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
            TerminalError::CardEntry(c) => card_entry_code(c),
            TerminalError::Backup(b) => backup_code(b),
        };
        worded(code, e, terminal_said(e))
    }
}

impl From<TerminalError> for ErrorReport {
    fn from(e: TerminalError) -> Self {
        Self::from(&e)
    }
}

/// The report of `e`: where the catalog words it, its English message is
/// the English catalog's (so the words exist once), else the error's own.
fn worded(code: ErrorCode, e: &dyn std::fmt::Display, said: Option<Said>) -> ErrorReport {
    let message = said
        .as_ref()
        .map_or_else(|| e.to_string(), |s| crate::messages::english().render(s));
    ErrorReport::new(code, message).said(said)
}

// How the catalog words each error a person at the till meets (the
// counter, money typed, signing in, the card reader, the payment service).
// Errors met in set-up and support tools are in English only: they carry
// details (a path, a D-Bus name) the catalog cannot word.

fn amount(said: Said, name: &str, money: crate::money::Money) -> Said {
    said.amount(name, money.amount.get(), money.currency.code())
}

fn terminal_said(e: &TerminalError) -> Option<Said> {
    match e {
        TerminalError::Auth(a) => auth_said(a),
        TerminalError::Session(s) => Some(session_said(s)),
        TerminalError::NeedsApproval(above) => Some(amount(Said::new("error-needs-approval"), "limit", *above)),
        TerminalError::PinRateLimited => Some(Said::new("error-too-many-attempts")),
        TerminalError::Report(r) => report_said(r),
        TerminalError::Setup(s) => setup_said(s),
        TerminalError::Shop(s) => Some(shop_said(s)),
        TerminalError::CardEntry(c) => Some(card_entry_said(c)),
        TerminalError::Backup(b) => backup_said(b),
        TerminalError::Export(crate::export::ExportError::NoRecipients) => Some(Said::new("error-no-recipients")),
        TerminalError::Export(crate::export::ExportError::BadRecipient(n)) => {
            Some(Said::new("error-bad-recipient").number("number", i64::try_from(*n).unwrap_or(i64::MAX)))
        }
        TerminalError::LimitReached(limit) => Some(limit_said(limit)),
        TerminalError::Counter(_)
        | TerminalError::Audit(_)
        | TerminalError::Export(crate::export::ExportError::Io(_)) => None,
    }
}

fn backup_code(e: &BackupError) -> ErrorCode {
    match e {
        BackupError::NoKit => ErrorCode::ConfigError,
        BackupError::Recovery(RecoveryError::Mistyped) => ErrorCode::InvalidInput,
        BackupError::Recovery(RecoveryError::WrongCode | RecoveryError::Damaged)
        | BackupError::Damaged
        | BackupError::OtherTerminal
        | BackupError::NotEmpty
        | BackupError::KeychainHasKey
        | BackupError::InUse
        | BackupError::Interrupted => ErrorCode::RestoreRefused,
        BackupError::Keychain(k) => keychain_code(k),
        BackupError::Config(_) | BackupError::Snapshot => ErrorCode::StoreError,
        BackupError::CannotWrite(_) | BackupError::CannotRead(_) | BackupError::SheetNotWritten(_) => {
            ErrorCode::ExportError
        }
        BackupError::SheetInDataFolder => ErrorCode::InvalidInput,
    }
}

fn backup_said(e: &BackupError) -> Option<Said> {
    Some(Said::new(match e {
        BackupError::NoKit => "error-backup-no-kit",
        BackupError::Recovery(RecoveryError::Mistyped) => "error-backup-mistyped-code",
        BackupError::Recovery(RecoveryError::WrongCode) => "error-backup-wrong-code",
        BackupError::Recovery(RecoveryError::Damaged) | BackupError::Damaged => "error-backup-damaged",
        BackupError::OtherTerminal => "error-backup-other-terminal",
        BackupError::NotEmpty => "error-backup-not-empty",
        BackupError::KeychainHasKey => "error-backup-keychain-has-key",
        BackupError::InUse => "error-backup-in-use",
        BackupError::Interrupted => "error-backup-interrupted",
        BackupError::SheetInDataFolder => "error-backup-sheet-in-data-folder",
        BackupError::Keychain(_)
        | BackupError::Config(_)
        | BackupError::Snapshot
        | BackupError::CannotWrite(_)
        | BackupError::CannotRead(_)
        | BackupError::SheetNotWritten(_) => return None,
    }))
}

fn card_entry_code(e: &CardEntryError) -> ErrorCode {
    match e {
        CardEntryError::NotConfigured | CardEntryError::ModeMismatch | CardEntryError::BadSetting => {
            ErrorCode::ConfigError
        }
        CardEntryError::BadHandBack => ErrorCode::InvalidInput,
        CardEntryError::Cancelled => ErrorCode::Cancelled,
        CardEntryError::AlreadyOpen => ErrorCode::ChargeInProgress,
        CardEntryError::TimedOut => ErrorCode::LimitReached,
        CardEntryError::Unreachable => ErrorCode::GatewayUnreachable,
    }
}

fn card_entry_said(e: &CardEntryError) -> Said {
    Said::new(match e {
        CardEntryError::NotConfigured => "error-card-entry-not-configured",
        CardEntryError::ModeMismatch => "error-card-entry-mode-mismatch",
        CardEntryError::BadSetting => "error-card-entry-bad-setting",
        CardEntryError::BadHandBack => "error-card-entry-bad-hand-back",
        CardEntryError::Cancelled => "error-card-entry-cancelled",
        CardEntryError::AlreadyOpen => "error-card-entry-already-open",
        CardEntryError::TimedOut => "error-card-entry-timed-out",
        CardEntryError::Unreachable => "error-card-entry-unreachable",
    })
}

fn limit_said(limit: &crate::terminal::Limit) -> Said {
    use crate::terminal::Limit;
    match limit {
        Limit::ChargesPerMinute(n) => Said::new("error-charges-per-minute").number("count", i64::from(*n)),
        Limit::RefundCount(n) => Said::new("error-refund-count").number("count", i64::from(*n)),
        Limit::RefundAmount(m) => amount(Said::new("error-refund-amount-limit"), "limit", *m),
    }
}

fn report_said(e: &ReportError) -> Option<Said> {
    Some(match e {
        ReportError::UnknownTimeZone => Said::new("error-unknown-time-zone"),
        ReportError::InDoubtInPeriod(n) => Said::new("error-in-doubt-in-period").number("count", *n),
        ReportError::NoSuchClosing => Said::new("error-no-such-closing"),
        ReportError::ShopNeedsLive => Said::new("error-shop-needs-live"),
        ReportError::Store(st) => return store_said(st),
        ReportError::Gateway(g) => gateway_said(g),
        ReportError::InvalidRange(_) | ReportError::Corrupt(_) | ReportError::Write(_) => return None,
    })
}

fn setup_said(e: &SetupError) -> Option<Said> {
    Some(match e {
        SetupError::Missing => Said::new("error-terminal-data-missing"),
        SetupError::Replaced => Said::new("error-terminal-data-replaced"),
        SetupError::NothingToRecover => Said::new("error-nothing-to-recover"),
        SetupError::NoOwnerProof => Said::new("error-no-owner-proof"),
        SetupError::ProofMismatch => Said::new("error-proof-mismatch"),
        SetupError::NotConfirmed => Said::new("error-not-confirmed"),
        SetupError::Keychain(k) => return keychain_said(k),
        SetupError::Store(st) => return store_said(st),
        SetupError::Staff(a) => return auth_said(a),
        SetupError::Audit(_) => return None,
    })
}

fn shop_said(e: &crate::shop::ShopError) -> Said {
    use crate::shop::ShopError;
    // The field as the catalog words it (the error carries its English name).
    let field = |f: &str| match f {
        "name" => "shop-field-name",
        "address" => "shop-field-address",
        "phone" => "shop-field-phone",
        "till" => "shop-field-till",
        _ => "shop-field-tax-id",
    };
    match e {
        ShopError::NoName => Said::new("error-shop-no-name"),
        ShopError::TooLong(f, max) => Said::new("error-shop-too-long")
            .word("field", field(f))
            .number("max", i64::try_from(*max).unwrap_or(i64::MAX)),
        ShopError::TooManyLines => Said::new("error-shop-too-many-lines")
            .number("max", i64::try_from(crate::shop::MAX_ADDRESS_LINES).unwrap_or(i64::MAX)),
        ShopError::Unprintable(f) => Said::new("error-shop-unprintable").word("field", field(f)),
        ShopError::CardNumber(f) => Said::new("error-shop-card-number").word("field", field(f)),
    }
}

fn counter_said(e: &CounterError) -> Option<Said> {
    Some(match e {
        CounterError::Money(m) => money_said(m),
        CounterError::ChargeInProgress => Said::new("error-charge-in-progress"),
        CounterError::NothingToCancel => Said::new("error-nothing-to-cancel"),
        CounterError::InDoubt(n) => Said::new("error-in-doubt").number("count", i64::try_from(*n).unwrap_or(i64::MAX)),
        CounterError::LiveNotConfigured => Said::new("error-live-not-configured"),
        CounterError::SaleNotFound => Said::new("error-sale-not-found"),
        CounterError::CaptureExpired => Said::new("error-capture-expired"),
        CounterError::Gateway(g) => gateway_said(g),
        CounterError::Keychain(k) => return keychain_said(k),
        CounterError::Store(st) => return store_said(st),
        CounterError::Config(ConfigError::AlreadyOpen) => Said::new("error-already-open"),
        CounterError::BackOffice => Said::new("error-back-office"),
        CounterError::NotFresh => Said::new("error-back-office-not-fresh"),
        CounterError::Config(ConfigError::NoHome) => Said::new("error-no-home"),
        CounterError::Config(ConfigError::CaUnreadable) => Said::new("error-ca-unreadable"),
        CounterError::Input(i) => input_said(i),
        CounterError::GatewaySetup(_) | CounterError::Config(ConfigError::Io { .. } | ConfigError::Settings(_)) => {
            return None
        }
    })
}

fn input_said(e: &crate::counter::InputError) -> Said {
    use crate::counter::InputError;
    match e {
        InputError::NotAnEmail => Said::new("error-not-an-email"),
        InputError::NoReceiptToEmail => Said::new("error-no-receipt-to-email"),
        InputError::AddressHoldsCardNumber => Said::new("error-address-card-number"),
        InputError::TestCardNeedsTestKey => Said::new("error-test-card-needs-test-key"),
        InputError::PhoneOrderNeedsCard => Said::new("error-phone-order-needs-card"),
        InputError::CadOnReader => Said::new("error-cad-on-reader"),
        InputError::LastFour => Said::new("error-last-four"),
        InputError::DescriptionTooLong(max) => {
            Said::new("error-description-too-long").number("max", i64::try_from(*max).unwrap_or(i64::MAX))
        }
        InputError::DescriptionUnprintable => Said::new("error-description-unprintable"),
        InputError::DescriptionCardNumber => Said::new("error-description-card-number"),
        InputError::NotAPaymentMethod => Said::new("error-not-a-payment-method"),
    }
}

fn money_said(e: &MoneyError) -> Said {
    match e {
        MoneyError::Empty => Said::new("error-amount-empty"),
        MoneyError::Negative => Said::new("error-amount-negative"),
        MoneyError::Zero => Said::new("error-amount-zero"),
        MoneyError::InvalidCharacter => Said::new("error-amount-character"),
        MoneyError::TooManyDecimals { currency, allowed } => Said::new("error-amount-decimals")
            .text("currency", currency.code())
            .number("allowed", i64::from(*allowed)),
        MoneyError::SeveralDecimalSeparators => Said::new("error-amount-several-marks"),
        MoneyError::BadGrouping => Said::new("error-amount-grouping"),
        MoneyError::DecimalMarkIs { decimal } => {
            Said::new("error-amount-decimal-mark").text("mark", decimal.to_string())
        }
        MoneyError::CurrencyMismatch { expected } => {
            Said::new("error-amount-other-currency").text("currency", expected.code())
        }
        MoneyError::AboveCeiling { limit } => amount(Said::new("error-amount-above-limit"), "limit", *limit),
        MoneyError::UnknownCurrency => Said::new("error-unknown-currency"),
        MoneyError::LooksLikeCardNumber => Said::new("error-amount-card-number"),
    }
}

fn auth_said(e: &AuthError) -> Option<Said> {
    Some(match e {
        AuthError::WrongPin => Said::new("error-wrong-pin"),
        AuthError::SlowDown(seconds) => Said::new("error-slow-down").number("seconds", *seconds),
        AuthError::LockedOut(minutes) => Said::new("error-locked-out").number("minutes", *minutes),
        AuthError::Disabled => Said::new("error-disabled"),
        AuthError::TooManyAttempts => Said::new("error-too-many-attempts"),
        AuthError::Forbidden(p) => Said::new("error-forbidden").text("permission", format!("{p:?}")),
        AuthError::WeakPin => Said::new("error-weak-pin"),
        AuthError::BadName => Said::new("error-bad-name"),
        AuthError::NameTaken => Said::new("error-name-taken"),
        AuthError::OwnerExists => Said::new("error-owner-exists"),
        AuthError::NoSuchStaff => Said::new("error-no-such-staff"),
        AuthError::LastManager => Said::new("error-last-manager"),
        AuthError::Store(st) => return store_said(st),
    })
}

fn session_said(e: &crate::session::SessionError) -> Said {
    use crate::session::SessionError;
    match e {
        SessionError::NotSignedIn => Said::new("error-not-signed-in"),
        SessionError::IdleLocked => Said::new("error-idle-locked"),
        SessionError::NoLongerActive => Said::new("error-no-longer-active"),
        SessionError::ReauthRequired => Said::new("error-reauth-required"),
    }
}

fn gateway_said(e: &GatewayError) -> Said {
    match e {
        GatewayError::ProcessingError => Said::new("error-gateway-processing"),
        GatewayError::ReaderTimeout => Said::new("error-reader-timeout"),
        GatewayError::ReaderOffline => Said::new("error-reader-offline"),
        GatewayError::ReaderBusy => Said::new("error-reader-busy"),
        GatewayError::Unreachable => Said::new("error-gateway-unreachable"),
        GatewayError::OutcomeUnknown => Said::new("error-gateway-outcome-unknown"),
        GatewayError::RateLimited => Said::new("error-gateway-rate-limited"),
        GatewayError::KeyRejected => Said::new("error-gateway-key-rejected"),
        GatewayError::PermissionMissing => Said::new("error-gateway-permission-missing"),
        GatewayError::TlsFailure => Said::new("error-gateway-tls"),
        GatewayError::AuthenticationRequired => Said::new("error-authentication-required"),
        GatewayError::Declined { reason, .. } => Said::new(reason.message_id()),
        GatewayError::InvalidRequest => Said::new("error-gateway-invalid-request"),
        GatewayError::NotFound => Said::new("error-gateway-not-found"),
        GatewayError::MalformedResponse => Said::new("error-gateway-malformed"),
        GatewayError::AnswerTooLarge => Said::new("error-gateway-too-large"),
        GatewayError::ListTooLong => Said::new("error-gateway-list-too-long"),
        GatewayError::ListingUnsupported => Said::new("error-gateway-no-listing"),
        GatewayError::ReceiptEmailUnsupported => Said::new("error-gateway-no-email"),
    }
}

fn keychain_said(e: &KeychainError) -> Option<Said> {
    match e {
        KeychainError::Locked => Some(Said::new("error-keychain-locked")),
        KeychainError::GatewayKeyUnbound => Some(Said::new("error-gateway-key-unbound")),
        KeychainError::Missing(_) | KeychainError::Corrupt(_) | KeychainError::Unavailable(_) => None,
    }
}

fn store_said(e: &StoreError) -> Option<Said> {
    Some(match e {
        StoreError::DiskFull => Said::new("error-disk-full"),
        StoreError::NotRefundable => Said::new("error-not-refundable"),
        StoreError::NotCapturable => Said::new("error-not-capturable"),
        StoreError::ExceedsRefundable(left) => amount(Said::new("error-exceeds-refundable"), "left", *left),
        StoreError::CurrencyMismatch(c) => Said::new("error-refund-currency").text("currency", c.code()),
        StoreError::RefundLimit(_) => Said::new("error-refund-limit"),
        StoreError::Keychain(k) => return keychain_said(k),
        StoreError::Busy => Said::new("error-store-busy"),
        StoreError::Rekeying => Said::new("error-store-rekeying"),
        StoreError::OpenElsewhere => Said::new("error-store-open-elsewhere"),
        StoreError::Unreadable(_)
        | StoreError::Database(_)
        | StoreError::Migration(_)
        | StoreError::Tampered(_)
        | StoreError::Corrupt(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, MinorUnits, Money};

    /// Where the catalog words an error, its English is the error's own
    /// (logs keep the `Display`; the window and the CLI the catalog's), and
    /// every other language has it (the catalogs' own test).
    #[test]
    fn the_catalogs_english_is_each_errors_own() {
        let eur = Money::new(MinorUnits::new(1250), Currency::Eur);
        let errors: Vec<TerminalError> = vec![
            CounterError::Money(MoneyError::TooManyDecimals {
                currency: Currency::Jpy,
                allowed: 0,
            })
            .into(),
            CounterError::Money(MoneyError::DecimalMarkIs { decimal: ',' }).into(),
            CounterError::Money(MoneyError::AboveCeiling { limit: eur }).into(),
            CounterError::Money(MoneyError::LooksLikeCardNumber).into(),
            CounterError::ChargeInProgress.into(),
            CounterError::CaptureExpired.into(),
            CounterError::Config(ConfigError::AlreadyOpen).into(),
            CounterError::Store(StoreError::ExceedsRefundable(eur)).into(),
            CounterError::Store(StoreError::OpenElsewhere).into(),
            CounterError::Keychain(KeychainError::GatewayKeyUnbound).into(),
            CounterError::Gateway(GatewayError::Declined {
                reason: crate::gateway::DeclineReason::ExpiredCard,
                payment_intent: None,
            })
            .into(),
            AuthError::SlowDown(30).into(),
            AuthError::LockedOut(15).into(),
            AuthError::Forbidden(crate::auth::Permission::Refund).into(),
            TerminalError::NeedsApproval(eur),
            TerminalError::Session(crate::session::SessionError::ReauthRequired),
            TerminalError::Setup(SetupError::Missing),
            TerminalError::Setup(SetupError::Replaced),
            TerminalError::Shop(crate::shop::ShopError::TooLong("tax id", 40)),
            TerminalError::Shop(crate::shop::ShopError::TooManyLines),
            TerminalError::Report(ReportError::InDoubtInPeriod(2)),
            TerminalError::Export(crate::export::ExportError::BadRecipient(2)),
            TerminalError::LimitReached(crate::terminal::Limit::RefundAmount(eur)),
            TerminalError::LimitReached(crate::terminal::Limit::ChargesPerMinute(30)),
            CounterError::Input(crate::counter::InputError::DescriptionTooLong(200)).into(),
            CounterError::Input(crate::counter::InputError::CadOnReader).into(),
        ];
        for e in &errors {
            let report = ErrorReport::from(e);
            assert!(report.said.is_some(), "{e}");
            // The English catalog writes amounts the English way.
            let own = e.to_string().replace("12.50 EUR", "€12.50");
            assert_eq!(report.message, own);
        }
    }
}
