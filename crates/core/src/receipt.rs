//! Receipts: a customer copy and a merchant copy of every sale and refund,
//! as fixed-width lines for the print dialog and the CLI, and as a PDF
//! ([`crate::pdf`]).
//!
//! Guarantees:
//! - the card appears as brand and last 4 only (the terminal has nothing
//!   more); the merchant copy adds who served, the gateway's id and its
//!   fraud warning, never a key or an idempotency key;
//! - training receipts say `TRAINING — NOT A PAYMENT` at the top and bottom;
//! - a receipt is a pure function of the stored sale or refund: no "printed
//!   at" time, so a reprint is identical to the original.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::money::{format_minor, Money};
use crate::reports::print::{row, rule};
use crate::reports::ShopZone;
use crate::store::{Refund, RefundStatus, Sale, SaleStatus};

const TRAINING: &str = "*** TRAINING — NOT A PAYMENT ***";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptCopy {
    Customer,
    Merchant,
}

impl ReceiptCopy {
    fn title(self) -> &'static str {
        match self {
            Self::Customer => "CUSTOMER COPY",
            Self::Merchant => "MERCHANT COPY",
        }
    }

    pub fn file_word(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Merchant => "merchant",
        }
    }
}

/// What the receipt is for, with the context only the terminal knows.
pub struct ReceiptContext<'a> {
    pub shop_name: &'a str,
    pub zone: &'a ShopZone,
    pub training: bool,
    /// The name of who took the sale or made the refund.
    pub staff: Option<&'a str>,
}

fn money(m: Money) -> String {
    format!("{} {}", format_minor(m.amount, m.currency), m.currency)
}

fn card(sale: &Sale) -> String {
    sale.card.as_ref().map_or_else(
        || "—".into(),
        |c| format!("{} •••• {}", c.brand.to_uppercase(), c.last4),
    )
}

fn sale_word(status: SaleStatus) -> &'static str {
    match status {
        SaleStatus::Approved => "APPROVED",
        SaleStatus::Authorized => "AUTHORISED — NOT YET CHARGED",
        SaleStatus::Declined => "DECLINED",
        SaleStatus::Voided => "VOIDED — NOT CHARGED",
        SaleStatus::Failed | SaleStatus::Cancelled => "NOT CHARGED",
        SaleStatus::Pending | SaleStatus::InDoubt => "IN DOUBT — BEING CHECKED",
    }
}

fn head(out: &mut Vec<String>, ctx: &ReceiptContext<'_>, title: &str, copy: ReceiptCopy) {
    if ctx.training {
        out.push(TRAINING.into());
    }
    out.push(ctx.shop_name.chars().take(48).collect());
    out.push(format!("{title} — {}", copy.title()));
    out.push(rule());
}

fn merchant_lines(out: &mut Vec<String>, ctx: &ReceiptContext<'_>, gateway_id: Option<&str>) {
    out.push(row("Served by", ctx.staff.unwrap_or("—")));
    if let Some(g) = gateway_id {
        out.push(row("Gateway ref", g));
    }
}

fn foot(out: &mut Vec<String>, ctx: &ReceiptContext<'_>, note: &str) {
    out.push(rule());
    out.push(note.into());
    if ctx.training {
        out.push(TRAINING.into());
    }
}

/// The receipt for a sale.
pub fn sale_lines(sale: &Sale, copy: ReceiptCopy, ctx: &ReceiptContext<'_>) -> Vec<String> {
    let mut out = Vec::new();
    head(&mut out, ctx, "SALE", copy);
    out.push(row(
        "Date",
        &format!("{} ({})", ctx.zone.format(sale.created_at_ms), ctx.zone.name()),
    ));
    out.push(row("Sale", &sale.id.to_string()));
    out.push(row("Card", &card(sale)));
    if let Some(d) = &sale.description {
        out.push(row("Item", d));
    }
    out.push(row("Amount", &money(sale.money)));
    if let Some(c) = sale.captured.filter(|c| *c != sale.money.amount) {
        out.push(row("Charged", &money(Money::new(c, sale.money.currency))));
    }
    out.push(row("Result", sale_word(sale.status)));
    if copy == ReceiptCopy::Merchant {
        merchant_lines(&mut out, ctx, sale.gateway_ref.as_ref().map(|g| g.0.as_str()));
        if let Some(w) = sale.risk.as_ref().and_then(|r| r.warning()) {
            out.push(format!("RISK: {w}"));
        }
        if let Some(code) = &sale.outcome_code {
            out.push(row("Outcome", code));
        }
    }
    foot(&mut out, ctx, "Thank you. Keep this receipt.");
    out
}

/// The receipt for one refund of `sale`.
pub fn refund_lines(sale: &Sale, refund: &Refund, copy: ReceiptCopy, ctx: &ReceiptContext<'_>) -> Vec<String> {
    let mut out = Vec::new();
    head(&mut out, ctx, "REFUND", copy);
    out.push(row(
        "Date",
        &format!("{} ({})", ctx.zone.format(refund.created_at_ms), ctx.zone.name()),
    ));
    out.push(row("Refund", &refund.id));
    out.push(row("Of sale", &sale.id.to_string()));
    out.push(row("Card", &card(sale)));
    out.push(row("Refunded", &money(refund.money)));
    out.push(row("Reason", &refund.reason.code().replace('_', " ")));
    out.push(row(
        "Result",
        match refund.status {
            RefundStatus::Succeeded => "REFUNDED TO THE CARD",
            RefundStatus::Failed => "NOT REFUNDED",
            RefundStatus::Pending | RefundStatus::InDoubt => "IN DOUBT — BEING CHECKED",
        },
    ));
    if copy == ReceiptCopy::Merchant {
        merchant_lines(&mut out, ctx, refund.gateway_ref.as_ref().map(|g| g.0.as_str()));
        if let Some(n) = &refund.note {
            out.push(row("Note", n));
        }
    }
    foot(
        &mut out,
        ctx,
        "Refunds go back to the original card only and can take 5-10 days to appear.",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::{CaptureMode, CardSummary, GatewayRef, IdempotencyKey};
    use crate::money::{Currency, MinorUnits};
    use crate::pan::contains_card_number;
    use crate::store::SaleId;

    fn sale(status: SaleStatus) -> Sale {
        Sale {
            id: SaleId::new(),
            terminal_id: "t1".into(),
            money: Money::new(MinorUnits::new(125_000), Currency::Jpy),
            status,
            created_at_ms: 1_795_000_000_000,
            updated_at_ms: 1_795_000_000_000,
            idempotency_key: IdempotencyKey::from_stored("mt-secret-key".into()),
            source: "reader".into(),
            capture: CaptureMode::Automatic,
            captured: Some(MinorUnits::new(125_000)),
            pending_op: None,
            risk: None,
            outcome_code: None,
            gateway_ref: Some(GatewayRef("pi_123".into())),
            card: Some(CardSummary {
                brand: "visa".into(),
                last4: "4242".into(),
                exp_month: 12,
                exp_year: 2030,
            }),
            description: Some("tea set".into()),
            staff_id: Some("s1".into()),
            capture_before_ms: None,
        }
    }

    #[test]
    fn receipts_show_brand_and_last4_only_and_mark_training() -> Result<(), Box<dyn std::error::Error>> {
        let zone = ShopZone::new(Some("Asia/Tokyo"))?;
        let ctx = ReceiptContext {
            shop_name: "Kissa",
            zone: &zone,
            training: true,
            staff: Some("Ana"),
        };
        let s = sale(SaleStatus::Approved);
        let customer = sale_lines(&s, ReceiptCopy::Customer, &ctx).join("\n");
        assert!(customer.contains("VISA •••• 4242"));
        assert!(
            customer.contains("125000 JPY"),
            "the currency's own decimals: {customer}"
        );
        assert!(customer.starts_with(TRAINING) && customer.ends_with(TRAINING));
        assert!(
            !customer.contains("pi_123") && !customer.contains("Ana"),
            "gateway ids and staff: merchant copy only"
        );
        let merchant = sale_lines(&s, ReceiptCopy::Merchant, &ctx).join("\n");
        assert!(merchant.contains("pi_123") && merchant.contains("Ana"));
        for text in [&customer, &merchant] {
            assert!(!text.contains("2030"), "no expiry");
            assert!(!text.contains("mt-secret-key"), "no idempotency key");
            assert!(!contains_card_number(text));
        }
        // A reprint is identical, down to the PDF bytes.
        let again = sale_lines(&s, ReceiptCopy::Customer, &ctx).join("\n");
        assert_eq!(customer, again);
        let lines = sale_lines(&s, ReceiptCopy::Customer, &ctx);
        assert_eq!(crate::pdf::render(&lines), crate::pdf::render(&lines));
        Ok(())
    }
}
