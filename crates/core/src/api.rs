//! The terminal's boundary types: what the desktop UI sends and receives over
//! IPC and what `merchantctl --json` prints. TypeScript bindings for the UI
//! are generated from these (see `ui/src/bindings/`, checked by a test), so
//! the UI and the core cannot drift apart.
//!
//! Errors cross as an [`ErrorReport`]: a stable [`ErrorCode`] the UI branches
//! on and a message safe to show. The conversion from the core's error enums
//! happens here, once.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::auth::{Actor, AuthError, Permission, Role};
use crate::config::{ConfigError, Mode};
use crate::counter::CounterError;
use crate::gateway::training::SimulatedCard;
use crate::gateway::RefundReason;
use crate::gateway::{CardSummary, DeclineReason, GatewayError, RiskSignals};
use crate::money::{format_minor, Currency, DecimalSeparator, MinorUnits, MoneyError};
use crate::reports::ReportError;
use crate::store::{Refund, RefundStatus, Sale, SaleId, SaleStatus, StoreError};
use crate::terminal::TerminalError;
use crate::vault::{KeychainError, SealError};

/// `charge_sale`: take a payment.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ChargeSaleRequest {
    /// The amount as the cashier typed it, e.g. `"12.50"`.
    pub amount: String,
    /// Defaults to the till's currency.
    #[ts(optional)]
    pub currency: Option<Currency>,
    #[ts(optional)]
    pub description: Option<String>,
    /// Training mode: the card presented to the simulated reader.
    #[ts(optional)]
    pub simulated_card: Option<SimulatedCard>,
    /// Live mode with a test-mode key: one of the gateway's test cards.
    #[ts(optional)]
    pub test_card: Option<crate::gateway::TestCard>,
    /// Only authorise (deposits, tabs): capture or void later.
    #[ts(optional)]
    pub authorize_only: Option<bool>,
}

impl From<ChargeSaleRequest> for crate::counter::ChargeInput {
    fn from(r: ChargeSaleRequest) -> Self {
        Self {
            amount: r.amount,
            currency: r.currency,
            description: r.description,
            simulated_card: r.simulated_card,
            payment_method: r.test_card.map(|t| t.payment_method().to_string()),
            capture: if r.authorize_only == Some(true) {
                crate::gateway::CaptureMode::Manual
            } else {
                crate::gateway::CaptureMode::Automatic
            },
            staff_id: None,
            audit_anchor: None,
        }
    }
}

/// `cancel_charge`: stop the charge waiting at the reader.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CancelChargeRequest {}

/// `list_sales`: sales created in `[since_ms, until_ms)` (UTC epoch ms).
/// The UI sends its local day's bounds; both default to "the last 24 hours".
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ListSalesRequest {
    #[ts(optional, type = "number")]
    pub since_ms: Option<i64>,
    #[ts(optional, type = "number")]
    pub until_ms: Option<i64>,
    /// Search: every field that is set must match.
    #[ts(optional)]
    pub status: Option<SaleStatus>,
    /// The card's last 4 digits.
    #[ts(optional)]
    pub last4: Option<String>,
    /// An amount as typed, in `currency` (the till's when omitted).
    #[ts(optional)]
    pub amount: Option<String>,
    #[ts(optional)]
    pub currency: Option<Currency>,
    /// Who took the sale (a staff member's name).
    #[ts(optional)]
    pub staff: Option<String>,
}

/// `capture_sale`: take all or part of an authorisation.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CaptureSaleRequest {
    #[ts(type = "string")]
    pub sale_id: SaleId,
    /// As typed; the whole authorisation when omitted.
    #[ts(optional)]
    pub amount: Option<String>,
}

/// `void_sale`: release an authorisation without taking money.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct VoidSaleRequest {
    #[ts(type = "string")]
    pub sale_id: SaleId,
}

/// `print_receipt`: a sale's receipt, or one of its refunds'.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRequest {
    #[ts(type = "string")]
    pub sale_id: SaleId,
    #[ts(optional)]
    pub refund_id: Option<String>,
    pub copy: crate::receipt::ReceiptCopy,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReceiptView {
    /// What the print dialog prints.
    pub lines: Vec<String>,
    /// The same receipt saved as a PDF.
    pub pdf_path: String,
}

/// `email_receipt`: the gateway emails its receipt; the address is not kept.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EmailReceiptRequest {
    #[ts(type = "string")]
    pub sale_id: SaleId,
    pub email: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TestCardOption {
    pub card: crate::gateway::TestCard,
    pub label: String,
}

impl TestCardOption {
    pub fn new(card: crate::gateway::TestCard) -> Self {
        Self {
            card,
            label: card.label().into(),
        }
    }
}

impl ListSalesRequest {
    /// The search, defaulting to the last 24 hours.
    pub fn filter(&self, now_ms: i64) -> crate::counter::SalesFilter {
        let until_ms = self.until_ms.unwrap_or(now_ms + 1);
        crate::counter::SalesFilter {
            since_ms: self.since_ms.unwrap_or(until_ms - 24 * 60 * 60 * 1000),
            until_ms,
            status: self.status,
            last4: self.last4.clone().filter(|l| !l.trim().is_empty()),
            amount: self.amount.clone().filter(|a| !a.trim().is_empty()),
            currency: self.currency,
            staff_id: None,
        }
    }
}

/// `get_status`: what the counter screen needs to draw itself.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GetStatusRequest {}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SimulatedCardOption {
    pub card: SimulatedCard,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct StatusView {
    pub mode: Mode,
    /// `Some` when the terminal could not start (keychain locked, say): the
    /// screen shows it and takes no payments.
    pub startup_error: Option<ErrorReport>,
    pub terminal_id: Option<String>,
    /// A fresh terminal: the owner's account must be created first.
    pub needs_owner: bool,
    /// Who is signed in (`None`: the lock screen).
    pub session: Option<SessionView>,
    pub idle_lock_minutes: u32,
    pub currency: Currency,
    pub currencies: Vec<CurrencyOption>,
    pub decimal_separator: DecimalSeparator,
    pub max_description_chars: u32,
    pub simulated_cards: Vec<SimulatedCardOption>,
    /// Live mode with a test-mode key: the gateway's test cards.
    pub test_cards: Vec<TestCardOption>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CurrencyOption {
    pub code: Currency,
    pub decimals: u32,
}

impl CurrencyOption {
    pub fn all() -> Vec<Self> {
        Currency::ALL
            .into_iter()
            .map(|c| Self {
                code: c,
                decimals: c.exponent(),
            })
            .collect()
    }
}

impl SimulatedCardOption {
    pub fn all() -> Vec<Self> {
        SimulatedCard::ALL
            .into_iter()
            .map(|card| Self {
                card,
                label: card.label().into(),
            })
            .collect()
    }
}

/// A sale as the cashier sees it: no gateway ids, card as brand + last 4.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SaleView {
    #[ts(type = "string")]
    pub id: SaleId,
    #[ts(type = "number")]
    pub created_at_ms: i64,
    pub amount_minor: MinorUnits,
    pub currency: Currency,
    /// The amount with the currency's own decimals, e.g. `"12.50"`.
    pub amount_display: String,
    pub status: SaleStatus,
    /// What was actually taken (a partial capture takes less than authorised).
    pub captured_minor: Option<MinorUnits>,
    /// What can still be refunded (set where the caller looked it up).
    pub refundable_minor: Option<MinorUnits>,
    /// Stable outcome code: a decline code or a gateway failure code.
    pub outcome_code: Option<String>,
    /// What to tell the customer, in words a cashier may say out loud.
    pub message: String,
    pub description: Option<String>,
    pub card: Option<CardSummary>,
    pub training: bool,
    /// The gateway's fraud and verification signals.
    pub risk: Option<RiskSignals>,
    /// Said to the cashier before the goods go: elevated risk, CVC or postal code mismatch.
    pub risk_warning: Option<String>,
    /// When an authorisation lapses (Unix ms), where the gateway set one.
    #[ts(type = "number | null")]
    pub capture_before_ms: Option<i64>,
    /// Said about an authorisation whose deadline is near or past.
    pub capture_warning: Option<String>,
}

impl SaleView {
    pub fn new(sale: &Sale, mode: Mode) -> Self {
        Self {
            id: sale.id,
            created_at_ms: sale.created_at_ms,
            amount_minor: sale.money.amount,
            currency: sale.money.currency,
            amount_display: format_minor(sale.money.amount, sale.money.currency),
            status: sale.status,
            captured_minor: sale.captured,
            refundable_minor: None,
            outcome_code: sale.outcome_code.clone(),
            message: cashier_message(sale),
            description: sale.description.clone(),
            card: sale.card.clone(),
            training: mode == Mode::Training,
            risk: sale.risk.clone(),
            risk_warning: sale.risk.as_ref().and_then(RiskSignals::warning),
            capture_before_ms: sale.capture_before_ms,
            capture_warning: capture_warning(sale, crate::store::now_ms()),
        }
    }
}

/// How long before an authorisation lapses the cashier is warned.
const CAPTURE_WARN_MS: i64 = 24 * 3600 * 1000;

/// A warning for an authorised sale whose capture deadline is within a day,
/// or past.
fn capture_warning(sale: &Sale, now_ms: i64) -> Option<String> {
    let deadline = sale
        .capture_before_ms
        .filter(|_| sale.status == SaleStatus::Authorized)?;
    let at = time::OffsetDateTime::from_unix_timestamp(deadline.div_euclid(1000)).ok()?;
    let when = format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute());
    if now_ms >= deadline {
        Some(format!(
            "The authorisation expired at {when}: it can no longer be captured. Void it and take a new payment."
        ))
    } else if deadline - now_ms <= CAPTURE_WARN_MS {
        Some(format!("Capture before {when}: the authorisation then lapses."))
    } else {
        None
    }
}

fn cashier_message(sale: &Sale) -> String {
    let code = sale.outcome_code.as_deref().unwrap_or("");
    match sale.status {
        SaleStatus::Approved => "Approved.".into(),
        SaleStatus::Authorized => "Authorised: the amount is held on the card. Capture or void it later.".into(),
        SaleStatus::Voided if code == crate::counter::AUTHORISATION_EXPIRED => {
            "Expired: nobody captured it in time, so the payment service released the hold. The card was not charged."
                .into()
        }
        SaleStatus::Voided => "Voided: the hold was released; the card was not charged.".into(),
        SaleStatus::Declined => DeclineReason::from_code(code).cashier_message().into(),
        SaleStatus::Cancelled => "Cancelled: the card was not charged.".into(),
        SaleStatus::Failed => match code {
            "processing_error" => "The payment could not be processed. The card was not charged; try again.".into(),
            "reader_timeout" => "The reader timed out waiting for a card. The card was not charged; try again.".into(),
            "interrupted_not_charged" => "Interrupted before the card was charged. Not charged.".into(),
            _ => "The payment failed. The card was not charged.".into(),
        },
        SaleStatus::InDoubt | SaleStatus::Pending => {
            "In doubt: the payment may have gone through. Do not charge again until it is resolved.".into()
        }
    }
}

/// `refund_sale`: refund part or all of an approved sale.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RefundSaleRequest {
    #[ts(type = "string")]
    pub sale_id: SaleId,
    /// As typed; omitted refunds everything that is left.
    #[ts(optional)]
    pub amount: Option<String>,
    pub reason: RefundReason,
    #[ts(optional)]
    pub note: Option<String>,
    /// A manager approving at the till (refunds above the approval limit).
    #[ts(optional)]
    pub approver: Option<ApprovalRequest>,
}

/// A manager's name and PIN typed at the till to approve one action.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRequest {
    pub name: String,
    #[ts(type = "string")]
    pub pin: SecretString,
}

impl RefundSaleRequest {
    /// Splits the request into the counter's input and the approval.
    pub fn into_parts(self) -> (crate::counter::RefundInput, Option<ApprovalRequest>) {
        let input = crate::counter::RefundInput {
            sale_id: self.sale_id,
            amount: self.amount,
            reason: self.reason,
            note: self.note,
            staff_id: None,
        };
        (input, self.approver)
    }
}

/// `preview_bundle` / `export_bundle`: the support bundle.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BundleRequest {}

#[derive(Debug, Clone, Serialize, TS)]
pub struct BundleView {
    pub manifest: crate::export::Manifest,
    /// Where the sealed bundle was written (export only).
    pub path: Option<String>,
}

/// A range of the shop's local dates, both included (`YYYY-MM-DD`): the
/// request of `get_day_report`, `export_csv`, `reconcile_day` and
/// `import_missing`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DateRangeRequest {
    pub from: String,
    pub to: String,
}

impl DateRangeRequest {
    pub fn range(&self) -> Result<crate::reports::DateRange, crate::reports::ReportError> {
        crate::reports::DateRange::parse(&self.from, &self.to)
    }
}

/// `get_x_report` and `close_day`: the open period since the last close.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct OpenPeriodRequest {}

/// `get_z_report`: reprint a closed day.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GetZReportRequest {
    #[ts(type = "number")]
    pub number: i64,
}

/// `list_z_reports`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ListZReportsRequest {}

/// Figures and the same figures as print lines.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReportView {
    pub figures: crate::reports::Figures,
    pub lines: Vec<String>,
}

impl ReportView {
    pub fn new(title: &str, figures: crate::reports::Figures) -> Self {
        Self {
            lines: crate::reports::print::figure_lines(title, &figures),
            figures,
        }
    }
}

/// A Z report, its print lines (a reprint is identical), where its PDF is,
/// and what changed since it was closed.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ZReportView {
    pub report: crate::reports::closing::ZReport,
    pub lines: Vec<String>,
    pub pdf_path: String,
    pub discrepancies: Vec<crate::reports::closing::Discrepancy>,
}

impl ZReportView {
    pub fn new(
        report: crate::reports::closing::ZReport,
        discrepancies: Vec<crate::reports::closing::Discrepancy>,
        pdf_path: &std::path::Path,
    ) -> Self {
        Self {
            lines: crate::reports::print::z_lines(&report),
            report,
            pdf_path: pdf_path.display().to_string(),
            discrepancies,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ZSummary {
    #[ts(type = "number")]
    pub number: i64,
    #[ts(type = "number")]
    pub closed_at_ms: i64,
    pub closed_by: String,
}

/// Where an export was written.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExportView {
    pub path: String,
    #[ts(type = "number")]
    pub rows: u64,
}

/// `import_missing`: how many records came in, and the comparison after.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportView {
    #[ts(type = "number")]
    pub imported: u64,
    pub reconciliation: crate::reports::reconcile::Reconciliation,
}

/// `resolve_in_doubt`: settle every sale whose outcome is unknown.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ResolveInDoubtRequest {}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ResolveView {
    /// Still in doubt after trying (the gateway could not be asked).
    pub unresolved: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RefundView {
    pub id: String,
    #[ts(type = "string")]
    pub sale_id: SaleId,
    #[ts(type = "number")]
    pub created_at_ms: i64,
    pub amount_minor: MinorUnits,
    pub currency: Currency,
    pub amount_display: String,
    pub status: RefundStatus,
    pub reason: RefundReason,
    pub outcome_code: Option<String>,
    pub message: String,
    /// What is still refundable on the sale after this refund.
    pub refundable_display: String,
}

impl RefundView {
    pub fn new(r: &Refund, refundable: &crate::money::Money) -> Self {
        let message = match r.status {
            RefundStatus::Succeeded => "Refunded to the original card.".to_string(),
            RefundStatus::Pending | RefundStatus::InDoubt => {
                "In doubt: the refund may have gone through. Do not refund again until it is resolved.".to_string()
            }
            RefundStatus::Failed => "The refund failed; nothing was refunded.".to_string(),
        };
        Self {
            id: r.id.clone(),
            sale_id: r.sale_id,
            created_at_ms: r.created_at_ms,
            amount_minor: r.money.amount,
            currency: r.money.currency,
            amount_display: format_minor(r.money.amount, r.money.currency),
            status: r.status,
            reason: r.reason,
            outcome_code: r.outcome_code.clone(),
            message,
            refundable_display: format_minor(refundable.amount, refundable.currency),
        }
    }
}

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
}

impl ErrorCode {
    /// The `merchantctl` exit status for this class of failure.
    pub fn exit_status(self) -> u8 {
        match self {
            Self::InvalidAmount | Self::InvalidInput => 3,
            Self::ChargeInProgress | Self::NothingToCancel | Self::InDoubt => 4,
            Self::KeychainLocked | Self::KeychainUnavailable | Self::KeyMissing => 5,
            Self::DiskFull | Self::StoreBusy | Self::StoreError | Self::DataTampered => 6,
            Self::LiveNotConfigured | Self::ConfigError | Self::NotReady => 7,
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
            CounterError::Config(ConfigError::Settings(_) | ConfigError::NoHome) => ErrorCode::ConfigError,
            CounterError::Config(_) => ErrorCode::StoreError,
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
        _ => ErrorCode::GatewayError,
    }
}

fn keychain_code(e: &KeychainError) -> ErrorCode {
    match e {
        KeychainError::Locked => ErrorCode::KeychainLocked,
        KeychainError::GatewayKeyUnbound => ErrorCode::LiveNotConfigured,
        KeychainError::Missing(_) | KeychainError::Corrupt(_) => ErrorCode::KeyMissing,
        _ => ErrorCode::KeychainUnavailable,
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
        _ => ErrorCode::StoreError,
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

impl From<&TerminalError> for ErrorReport {
    fn from(e: &TerminalError) -> Self {
        let code = match e {
            TerminalError::Counter(c) => return Self::from(c),
            TerminalError::Auth(AuthError::WrongPin) => ErrorCode::WrongPin,
            TerminalError::Auth(AuthError::SlowDown(_) | AuthError::TooManyAttempts)
            | TerminalError::PinRateLimited => ErrorCode::SlowDown,
            TerminalError::Auth(AuthError::LockedOut(_) | AuthError::Disabled) => ErrorCode::LockedOut,
            TerminalError::Auth(AuthError::Forbidden(_)) => ErrorCode::Forbidden,
            TerminalError::Auth(AuthError::Store(_)) => ErrorCode::StoreError,
            TerminalError::Auth(_) => ErrorCode::StaffError,
            TerminalError::Audit(_) => ErrorCode::AuditError,
            TerminalError::NeedsApproval(_) => ErrorCode::NeedsApproval,
            TerminalError::LimitReached(_) => ErrorCode::LimitReached,
            TerminalError::Export(crate::export::ExportError::BadRecipient(_)) => ErrorCode::InvalidInput,
            TerminalError::Export(_) => ErrorCode::ExportError,
            TerminalError::Report(r) => report_code(r),
            TerminalError::Session(crate::session::SessionError::ReauthRequired) => ErrorCode::ReauthRequired,
            TerminalError::Session(_) => ErrorCode::NotSignedIn,
            TerminalError::Setup(s) if s.is_stop() => ErrorCode::TerminalDataMissing,
            TerminalError::Setup(
                crate::setup::SetupError::NothingToRecover | crate::setup::SetupError::NotConfirmed,
            ) => ErrorCode::InvalidInput,
            TerminalError::Setup(_) => ErrorCode::Forbidden,
        };
        Self::new(code, e.to_string())
    }
}

impl From<TerminalError> for ErrorReport {
    fn from(e: TerminalError) -> Self {
        Self::from(&e)
    }
}

/// `get_gateway_setup`, `remove_gateway_key`, `list_readers`: no input.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct GatewaySetupRequest {}

/// `configure_gateway`: where the live gateway is; an omitted field is kept,
/// an empty one cleared (CA, reader).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ConfigureGatewayRequest {
    #[ts(optional)]
    pub base_url: Option<String>,
    /// Path of a PEM file with an extra CA to trust.
    #[ts(optional)]
    pub extra_ca: Option<String>,
    #[ts(optional)]
    pub reader_id: Option<String>,
    #[ts(optional)]
    pub omit_refund_reason: Option<bool>,
}

impl From<ConfigureGatewayRequest> for crate::terminal::GatewayChange {
    fn from(r: ConfigureGatewayRequest) -> Self {
        Self {
            base_url: r.base_url,
            extra_ca: r.extra_ca.map(std::path::PathBuf::from),
            reader_id: r.reader_id,
            omit_refund_reason: r.omit_refund_reason,
        }
    }
}

/// `set_gateway_key`: the pasted key, a secret from the moment it is parsed.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SetGatewayKeyRequest {
    #[ts(type = "string")]
    pub key: SecretString,
}

/// `switch_mode`: training or live.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SwitchModeRequest {
    pub mode: Mode,
}

/// The owner's gateway screen. The key is only ever shown masked.
#[derive(Debug, Clone, Serialize, TS)]
pub struct GatewaySetupView {
    pub mode: Mode,
    pub provider: String,
    pub base_url: String,
    pub extra_ca: Option<String>,
    pub reader_id: Option<String>,
    pub omit_refund_reason: bool,
    pub key: Option<crate::terminal::KeyView>,
}

impl GatewaySetupView {
    pub fn new(settings: &crate::config::Settings, key: Option<crate::terminal::KeyView>) -> Self {
        let g = &settings.gateway;
        Self {
            mode: settings.mode,
            provider: "stripe".into(),
            base_url: g.base_url.clone(),
            extra_ca: g.extra_ca.as_ref().map(|p| p.display().to_string()),
            reader_id: g.reader_id.clone(),
            omit_refund_reason: g.omit_refund_reason,
            key,
        }
    }
}

/// `get_keys`, `rotate_cache_key`: no input.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct KeysRequest {}

/// `set_support_recipients`: age X25519 public keys (`age1…`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SetRecipientsRequest {
    pub support: Vec<String>,
    #[ts(optional)]
    pub owner: Option<String>,
}

/// The owner's keys panel: the cache key versions of the current mode and
/// who support bundles are sealed to (public keys only).
#[derive(Debug, Clone, Serialize, TS)]
pub struct KeysView {
    pub cache: Vec<crate::store::KeyState>,
    pub support_recipients: Vec<String>,
    pub owner_recipient: Option<String>,
    /// Set by `rotate_cache_key`: what the rotation did.
    pub rotation: Option<crate::store::Rotation>,
}

/// `list_staff`, `get_limits`, `list_alerts`, `verify_audit`: no input.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct OwnerRequest {}

/// `add_staff`: a new account with its first PIN.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AddStaffRequest {
    pub name: String,
    pub role: Role,
    #[ts(type = "string")]
    pub pin: SecretString,
}

/// `set_staff_active`, `unlock_staff` (active ignored).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StaffChangeRequest {
    pub name: String,
    #[ts(optional)]
    pub active: Option<bool>,
}

/// `reset_staff_pin`: a new PIN for someone who forgot theirs.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ResetPinRequest {
    pub name: String,
    #[ts(type = "string")]
    pub pin: SecretString,
}

/// `confirm_pin`: the signed-in manager's PIN again, before settings, keys,
/// staff changes and exports.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ConfirmPinRequest {
    #[ts(type = "string")]
    pub pin: SecretString,
}

/// `list_audit`: filters for the audit viewer; omitted means any.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AuditQueryRequest {
    #[ts(optional)]
    pub action: Option<String>,
    /// A staff member's name.
    #[ts(optional)]
    pub staff: Option<String>,
    #[ts(optional)]
    pub outcome: Option<String>,
    #[ts(optional, type = "number")]
    pub since_ms: Option<i64>,
    #[ts(optional, type = "number")]
    pub until_ms: Option<i64>,
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// `sign_in`: a staff member's name and PIN. The PIN is a secret from the
/// moment it is parsed (no Serialize; Debug prints `[REDACTED]`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub name: String,
    #[ts(type = "string")]
    pub pin: SecretString,
}

/// `create_owner`: the first account, on a fresh terminal.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CreateOwnerRequest {
    pub name: String,
    #[ts(type = "string")]
    pub pin: SecretString,
}

/// `sign_out` / `lock_screen`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SignOutRequest {}

/// Who is signed in at the till.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SessionView {
    pub name: String,
    pub role: Role,
    /// The commands this role may use (the UI hides the rest).
    pub permissions: Vec<Permission>,
}

impl SessionView {
    pub fn new(actor: &Actor) -> Self {
        Self {
            name: actor.name.clone(),
            role: actor.role,
            permissions: Permission::ALL.into_iter().filter(|p| actor.role.allows(*p)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_authorisation_warns_within_a_day_of_its_deadline_and_after_it() {
        use crate::gateway::{CaptureMode, IdempotencyKey};
        let deadline = 1_800_000_000_000;
        let sale = Sale {
            id: crate::store::SaleId::new(),
            terminal_id: "t1".into(),
            money: crate::money::Money::new(MinorUnits::new(1200), Currency::Usd),
            status: SaleStatus::Authorized,
            created_at_ms: 0,
            updated_at_ms: 0,
            idempotency_key: IdempotencyKey::from_stored("k".into()),
            source: "reader".into(),
            capture: CaptureMode::Manual,
            captured: None,
            pending_op: None,
            risk: None,
            outcome_code: None,
            gateway_ref: None,
            card: None,
            description: None,
            staff_id: None,
            capture_before_ms: Some(deadline),
        };
        let day = 24 * 3600 * 1000;
        assert_eq!(capture_warning(&sale, deadline - 2 * day), None);
        let near = capture_warning(&sale, deadline - 3600 * 1000).unwrap_or_default();
        assert!(near.starts_with("Capture before 2027-01-15 08:00 UTC"), "{near}");
        let past = capture_warning(&sale, deadline).unwrap_or_default();
        assert!(past.contains("expired"), "{past}");
        let captured = Sale {
            status: SaleStatus::Approved,
            ..sale
        };
        assert_eq!(
            capture_warning(&captured, deadline + day),
            None,
            "only authorisations lapse"
        );
    }

    /// Regenerates with `UPDATE_BINDINGS=1 cargo test -p merchant-core bindings`.
    #[test]
    fn typescript_bindings_match_the_checked_in_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");
        let update = std::env::var_os("UPDATE_BINDINGS").is_some();
        // Under CI the files are checked, never rewritten to match.
        assert!(
            !(update && std::env::var("CI").as_deref() == Ok("true")),
            "UPDATE_BINDINGS is refused under CI"
        );
        let mut drift = Vec::new();
        for (name, text) in generated() {
            let path = dir.join(format!("{name}.ts"));
            if update {
                if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &text)) {
                    panic!("writing {}: {e}", path.display());
                }
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                drift.push(name);
            }
        }
        assert!(
            drift.is_empty(),
            "TypeScript bindings are out of date for {drift:?}; run UPDATE_BINDINGS=1 cargo test -p merchant-core bindings"
        );
    }

    /// No schema and no IPC type may grow a field for a card number, a CVC
    /// or track data: the terminal never has them, and a field would invite
    /// them. (Brand, last 4 and expiry are allowed.)
    #[test]
    fn no_card_number_or_cvc_field_anywhere() {
        let forbidden = match regex::Regex::new(
            r"(?i)\b(pan|card_?num(ber)?|account_?number|cvc|cvv2?|cvc2|security_?code|track_?[12]?_?data|magstripe)\b",
        ) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        let schema = include_str!("store/migrations.rs");
        for (name, text) in generated()
            .into_iter()
            .chain([("migrations".to_string(), schema.to_string())])
        {
            // Comments may talk about card numbers; fields may not exist.
            let code: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//") && !l.trim_start().starts_with("--"))
                .filter(|l| !l.trim_start().starts_with('*') && !l.trim_start().starts_with("/*"))
                .collect::<Vec<_>>()
                .join("\n");
            assert!(
                !forbidden.is_match(&code),
                "{name} has a card-number field: {:?}",
                forbidden.find(&code)
            );
        }
    }

    fn generated() -> Vec<(String, String)> {
        use ts_rs::{Config, TS};
        let cfg = Config::default();
        macro_rules! all {
            ($($t:ty),* $(,)?) => {
                vec![$((<$t as TS>::name(&cfg), match <$t as TS>::export_to_string(&cfg) {
                    Ok(s) => s,
                    Err(e) => panic!("{e}"),
                })),*]
            };
        }
        all![
            ChargeSaleRequest,
            CancelChargeRequest,
            KeysRequest,
            SetRecipientsRequest,
            KeysView,
            crate::store::KeyState,
            crate::store::Rotation,
            ListSalesRequest,
            GetStatusRequest,
            StatusView,
            SaleView,
            ErrorReport,
            ErrorCode,
            SimulatedCardOption,
            CurrencyOption,
            Currency,
            DecimalSeparator,
            Mode,
            SaleStatus,
            SimulatedCard,
            CardSummary,
            MinorUnits,
            RefundSaleRequest,
            RefundView,
            RiskSignals,
            RefundStatus,
            RefundReason,
            SignInRequest,
            ApprovalRequest,
            ResolveInDoubtRequest,
            ResolveView,
            BundleRequest,
            BundleView,
            crate::export::Manifest,
            crate::export::ManifestEntry,
            CreateOwnerRequest,
            SignOutRequest,
            SessionView,
            Role,
            Permission,
            DateRangeRequest,
            OpenPeriodRequest,
            GetZReportRequest,
            ListZReportsRequest,
            ReportView,
            ZReportView,
            ZSummary,
            ExportView,
            ImportView,
            crate::reports::Figures,
            crate::reports::CurrencyFigures,
            crate::reports::Line,
            crate::reports::Period,
            crate::reports::closing::ZReport,
            crate::reports::closing::Discrepancy,
            crate::reports::closing::Change,
            crate::reports::reconcile::Reconciliation,
            crate::reports::reconcile::Mismatch,
            crate::reports::reconcile::MismatchKind,
            CaptureSaleRequest,
            VoidSaleRequest,
            ReceiptRequest,
            ReceiptView,
            EmailReceiptRequest,
            TestCardOption,
            crate::gateway::TestCard,
            crate::receipt::ReceiptCopy,
            GatewaySetupRequest,
            ConfigureGatewayRequest,
            SetGatewayKeyRequest,
            SwitchModeRequest,
            GatewaySetupView,
            crate::terminal::KeyView,
            crate::gateway::stripe::ReaderInfo,
            OwnerRequest,
            AddStaffRequest,
            StaffChangeRequest,
            ResetPinRequest,
            ConfirmPinRequest,
            AuditQueryRequest,
            crate::auth::StaffEntry,
            crate::terminal::Limits,
            crate::monitor::Alert,
            crate::monitor::AlertKind,
            crate::audit::AuditEntry,
            crate::audit::Verification,
        ]
    }

    #[test]
    fn error_reports_carry_codes_and_safe_messages() {
        let r = ErrorReport::from(CounterError::Money(MoneyError::Negative));
        assert_eq!(r.code, ErrorCode::InvalidAmount);
        assert!(r.message.contains("negative"));
        let r = ErrorReport::from(CounterError::Keychain(KeychainError::Locked));
        assert_eq!(r.code, ErrorCode::KeychainLocked);
        assert_eq!(r.code.exit_status(), 5);
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert!(json.starts_with(r#"{"code":"keychain_locked","message":"#), "{json}");
    }
}
