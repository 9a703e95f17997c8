//! Counter requests and views: charges, sales, captures and voids,
//! receipts, refunds and the recovery of what is in doubt.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::SessionView;
use crate::config::Mode;
use crate::error::ErrorReport;
use crate::gateway::training::SimulatedCard;
use crate::gateway::RefundReason;
use crate::gateway::{CardSummary, DeclineReason, RiskSignals};
use crate::locale::{Language, NumberStyle};
use crate::messages::Catalog;
use crate::money::{Currency, MinorUnits};
use crate::store::{Refund, RefundStatus, Sale, SaleId, SaleStatus};

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
    /// A phone or mail order: the card window opens for the card, which is
    /// typed into the gateway's fields there, and the payment method it
    /// hands back is charged; the card itself never passes through here.
    #[ts(optional)]
    pub phone_order: Option<bool>,
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
            // The card is the one the card window handed back: the shell
            // puts its payment method in.
            phone_order: r.phone_order == Some(true),
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
    pub fn new(card: crate::gateway::TestCard, words: &Catalog) -> Self {
        Self {
            card,
            label: words.text(card.message_id()),
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
    /// A back office: reports and the shop day, no counter.
    /// `Some` while a backup is being restored: the step it has reached.
    pub restoring: Option<crate::backup::Step>,
    pub back_office: bool,
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
    /// The shop's language (its words and formats) and its BCP 47 tag, for
    /// the window's own date and number formats.
    pub language: Language,
    pub language_tag: String,
    /// How amounts are written and typed at this till.
    pub numbers: NumberStyle,
    pub max_description_chars: u32,
    pub simulated_cards: Vec<SimulatedCardOption>,
    /// Live mode with a test-mode key: the gateway's test cards.
    pub test_cards: Vec<TestCardOption>,
    /// The person signed in may take phone orders here (a live gateway
    /// with its publishable key): the counter offers the card window.
    pub phone_orders: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CurrencyOption {
    pub code: Currency,
    pub decimals: u32,
    /// What amounts are written with, if not the code (`€`, `$`).
    pub symbol: Option<String>,
}

impl CurrencyOption {
    pub fn all() -> Vec<Self> {
        Currency::ALL
            .into_iter()
            .map(|c| Self {
                code: c,
                decimals: c.exponent(),
                symbol: c.display_symbol().map(String::from),
            })
            .collect()
    }
}

impl SimulatedCardOption {
    pub fn all(words: &Catalog) -> Vec<Self> {
        SimulatedCard::ALL
            .into_iter()
            .map(|card| Self {
                card,
                label: words.text(card.message_id()),
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
    /// The sale in the shop's words (`words`).
    pub fn new(sale: &Sale, mode: Mode, words: &Catalog) -> Self {
        Self {
            id: sale.id,
            created_at_ms: sale.created_at_ms,
            amount_minor: sale.money.amount,
            currency: sale.money.currency,
            amount_display: words.money(sale.money),
            status: sale.status,
            captured_minor: sale.captured,
            refundable_minor: None,
            outcome_code: sale.outcome_code.clone(),
            message: words.text(cashier_message(sale)),
            description: sale.description.clone(),
            card: sale.card.clone(),
            training: mode == Mode::Training,
            risk: sale.risk.clone(),
            risk_warning: sale.risk.as_ref().and_then(|r| words.risk_warning(r)),
            capture_before_ms: sale.capture_before_ms,
            capture_warning: capture_warning(sale, crate::clock::now_ms(), words),
        }
    }
}

/// How long before an authorisation lapses the cashier is warned.
const CAPTURE_WARN_MS: i64 = 24 * 3600 * 1000;

/// A warning for an authorised sale whose capture deadline is within a day,
/// or past.
fn capture_warning(sale: &Sale, now_ms: i64, words: &Catalog) -> Option<String> {
    let deadline = sale
        .capture_before_ms
        .filter(|_| sale.status == SaleStatus::Authorized)?;
    let at = jiff::Timestamp::from_millisecond(deadline).ok()?;
    let when = format!(
        "{} UTC",
        words.date_time(at.to_zoned(jiff::tz::TimeZone::UTC).datetime())
    );
    let id = if now_ms >= deadline {
        "capture-expired"
    } else if deadline - now_ms <= CAPTURE_WARN_MS {
        "capture-soon"
    } else {
        return None;
    };
    Some(words.say(id, &[("when", when.into())]))
}

/// The catalog's words for what happened to a sale.
fn cashier_message(sale: &Sale) -> &'static str {
    let code = sale.outcome_code.as_deref().unwrap_or("");
    match sale.status {
        SaleStatus::Approved => "sale-approved",
        SaleStatus::Authorized => "sale-authorized",
        SaleStatus::Voided if code == crate::counter::AUTHORISATION_EXPIRED => "sale-expired",
        SaleStatus::Voided => "sale-voided",
        SaleStatus::Declined => DeclineReason::from_code(code).message_id(),
        SaleStatus::Cancelled => "sale-cancelled",
        SaleStatus::Failed => match code {
            // 3-D Secure needs the customer at their bank's screen.
            "authentication_required" if sale.is_phone_order() => "sale-phone-needs-authentication",
            "authentication_required" => "sale-needs-authentication",
            "processing_error" => "sale-processing-error",
            "reader_timeout" => "sale-reader-timeout",
            "interrupted_not_charged" => "sale-interrupted",
            _ => "sale-failed",
        },
        SaleStatus::InDoubt | SaleStatus::Pending => "sale-in-doubt",
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
    /// Splits the request into the refund asked for and the approval.
    pub fn into_parts(self) -> (crate::terminal::RefundForm, Option<ApprovalRequest>) {
        let input = crate::terminal::RefundForm {
            sale_id: self.sale_id,
            amount: self.amount,
            reason: self.reason,
            note: self.note,
        };
        (input, self.approver)
    }
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
    pub fn new(r: &Refund, refundable: &crate::money::Money, words: &Catalog) -> Self {
        let message = words.text(match r.status {
            RefundStatus::Succeeded => "refund-succeeded",
            RefundStatus::Pending | RefundStatus::InDoubt => "refund-in-doubt",
            RefundStatus::Failed => "refund-failed",
        });
        Self {
            id: r.id.clone(),
            sale_id: r.sale_id,
            created_at_ms: r.created_at_ms,
            amount_minor: r.money.amount,
            currency: r.money.currency,
            amount_display: words.money(r.money),
            status: r.status,
            reason: r.reason,
            outcome_code: r.outcome_code.clone(),
            message,
            refundable_display: words.money(*refundable),
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
        let words = Catalog::default();
        assert_eq!(capture_warning(&sale, deadline - 2 * day, &words), None);
        let near = capture_warning(&sale, deadline - 3600 * 1000, &words).unwrap_or_default();
        assert!(near.starts_with("Capture before 1/15/2027, 8:00\u{a0}AM UTC"), "{near}");
        let german = capture_warning(&sale, deadline - 3600 * 1000, &Catalog::of(crate::locale::Language::De));
        assert!(german.is_some_and(|g| g.contains("15.01.2027, 08:00 UTC")));
        let past = capture_warning(&sale, deadline, &words).unwrap_or_default();
        assert!(past.contains("expired"), "{past}");
        let captured = Sale {
            status: SaleStatus::Approved,
            ..sale
        };
        assert_eq!(
            capture_warning(&captured, deadline + day, &words),
            None,
            "only authorisations lapse"
        );
    }
}
