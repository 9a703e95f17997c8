//! Receipts: a customer copy and a merchant copy of every sale and refund,
//! as fixed-width lines for the print dialog and the CLI, and as a PDF
//! ([`crate::pdf`]).
//!
//! Guarantees:
//! - the card appears as brand and last 4 only (the terminal has nothing
//!   more); the merchant copy adds who served, the gateway's id and its
//!   fraud warning, never a key or an idempotency key;
//! - training receipts say `TRAINING — NOT A PAYMENT` at the top and bottom;
//! - a receipt is a pure function of the stored sale or refund and the
//!   shop's details and paper: no "printed at" time, so a reprint is
//!   identical to the original;
//! - every line fits the paper's columns (58 mm: 32, 80 mm and A4: 48), and
//!   nothing is cut to fit: text wraps between words, a value that does not
//!   fit beside its label goes under it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::messages::Catalog;
use crate::money::Money;
use crate::pdf::Paper;
use crate::reports::print::Sheet;
use crate::reports::ShopZone;
use crate::shop::ShopDetails;
use crate::store::{Refund, RefundStatus, Sale, SaleStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptCopy {
    Customer,
    Merchant,
}

impl ReceiptCopy {
    fn title_id(self) -> &'static str {
        match self {
            Self::Customer => "receipt-copy-customer",
            Self::Merchant => "receipt-copy-merchant",
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
    /// Its heading: the shop's details as they are now.
    pub shop: &'a ShopDetails,
    pub zone: &'a ShopZone,
    pub training: bool,
    /// The name of who took the sale or made the refund.
    pub staff: Option<&'a str>,
    pub paper: Paper,
    /// The shop's language: every word, amount and date.
    pub words: &'a Catalog,
}

impl ReceiptContext<'_> {
    fn text(&self, id: &str) -> String {
        self.words.text(id)
    }

    /// An instant in the shop's zone and language, with the zone's name.
    fn when(&self, ms: i64) -> String {
        format!("{} ({})", self.words.date_time(self.zone.civil(ms)), self.zone.name())
    }
}

fn card(sale: &Sale) -> String {
    sale.card.as_ref().map_or_else(
        || "—".into(),
        |c| format!("{} •••• {}", c.brand.to_uppercase(), c.last4),
    )
}

/// The card networks' lines for the payment, those the gateway reported:
/// how the card was read, the chip's application and AID, the account, the
/// issuer's codes and how the cardholder was verified.
fn network_lines(out: &mut Sheet, sale: &Sale, ctx: &ReceiptContext<'_>) {
    let Some(r) = sale.card.as_ref().and_then(|c| c.receipt.as_ref()) else {
        return;
    };
    let rows = [
        ("receipt-entry", r.entry.map(|e| ctx.text(e.message_id()))),
        ("receipt-application", r.application_name.clone()),
        ("receipt-aid", r.aid.clone()),
        ("receipt-account", r.account_type.as_deref().map(capitalised)),
        ("receipt-auth-code", r.authorization_code.clone()),
        ("receipt-arc", r.authorization_response_code.clone()),
        ("receipt-verification", r.verification.map(|v| ctx.text(v.message_id()))),
    ];
    for (label, value) in rows {
        if let Some(v) = value {
            out.row(&ctx.text(label), &v);
        }
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A line to sign on, as wide as the paper.
fn signature(out: &mut Sheet, who: &str) {
    out.text(who);
    out.text("");
    out.text(&format!("X{}", "_".repeat(out.width().saturating_sub(1))));
}

fn sale_word(status: SaleStatus) -> &'static str {
    match status {
        SaleStatus::Approved => "receipt-sale-approved",
        SaleStatus::Authorized => "receipt-sale-authorized",
        SaleStatus::Declined => "receipt-sale-declined",
        SaleStatus::Voided => "receipt-sale-voided",
        SaleStatus::Failed | SaleStatus::Cancelled => "receipt-sale-not-charged",
        SaleStatus::Pending | SaleStatus::InDoubt => "receipt-in-doubt",
    }
}

fn head(ctx: &ReceiptContext<'_>, title: &str, copy: ReceiptCopy) -> Sheet {
    let mut out = Sheet::new(ctx.paper.columns());
    if ctx.training {
        out.text(&ctx.text("receipt-training"));
    }
    for line in ctx.shop.header_lines(ctx.words) {
        out.text(&line);
    }
    let heading = ctx.words.say(
        "receipt-heading",
        &[
            ("title", ctx.text(title).into()),
            ("copy", ctx.text(copy.title_id()).into()),
        ],
    );
    out.text(&heading);
    out.rule();
    out
}

fn merchant_lines(out: &mut Sheet, ctx: &ReceiptContext<'_>, gateway_id: Option<&str>) {
    out.row(&ctx.text("receipt-served-by"), ctx.staff.unwrap_or("—"));
    if let Some(g) = gateway_id {
        out.row(&ctx.text("receipt-gateway-ref"), g);
    }
}

fn foot(mut out: Sheet, ctx: &ReceiptContext<'_>, note: &str) -> Vec<String> {
    out.rule();
    out.text(&ctx.text(note));
    if ctx.training {
        out.text(&ctx.text("receipt-training"));
    }
    out.into_lines()
}

/// The receipt for a sale.
pub fn sale_lines(sale: &Sale, copy: ReceiptCopy, ctx: &ReceiptContext<'_>) -> Vec<String> {
    let w = |id| ctx.text(id);
    let money = |m| ctx.words.money(m);
    let mut out = head(ctx, "receipt-title-sale", copy);
    out.row(&w("receipt-date"), &ctx.when(sale.created_at_ms));
    out.row(&w("receipt-sale"), &sale.id.to_string());
    out.row(&w("receipt-card"), &card(sale));
    // The card was not here: the cardholder's bank may ask for this line
    // in a dispute, and no signature is asked for.
    if sale.is_phone_order() {
        out.row(&w("receipt-entry"), &w("entry-phone"));
    }
    network_lines(&mut out, sale, ctx);
    if let Some(d) = &sale.description {
        out.row(&w("receipt-item"), d);
    }
    out.row(&w("receipt-amount"), &money(sale.money));
    if let Some(c) = sale.captured.filter(|c| *c != sale.money.amount) {
        out.row(&w("receipt-charged"), &money(Money::new(c, sale.money.currency)));
    }
    out.row(&w("receipt-result"), &w(sale_word(sale.status)));
    if sale.status == SaleStatus::Voided {
        out.text(&w("receipt-hold-released"));
    }
    let signed = sale
        .card
        .as_ref()
        .and_then(|c| c.receipt.as_ref())
        .and_then(|r| r.verification)
        .is_some_and(|v| v.needs_signature());
    if copy == ReceiptCopy::Merchant && signed && matches!(sale.status, SaleStatus::Approved | SaleStatus::Authorized) {
        signature(&mut out, &w("receipt-cardholder-signature"));
    }
    if copy == ReceiptCopy::Merchant {
        merchant_lines(&mut out, ctx, sale.gateway_ref.as_ref().map(|g| g.0.as_str()));
        if let Some(warning) = sale.risk.as_ref().and_then(|r| ctx.words.risk_warning(r)) {
            out.text(&ctx.words.say("receipt-risk", &[("warning", warning.into())]));
        }
        if let Some(code) = &sale.outcome_code {
            out.row(&w("receipt-outcome"), code);
        }
    }
    foot(out, ctx, "receipt-thanks")
}

/// The receipt for one refund of `sale`.
pub fn refund_lines(sale: &Sale, refund: &Refund, copy: ReceiptCopy, ctx: &ReceiptContext<'_>) -> Vec<String> {
    let w = |id| ctx.text(id);
    let mut out = head(ctx, "receipt-title-refund", copy);
    out.row(&w("receipt-date"), &ctx.when(refund.created_at_ms));
    out.row(&w("receipt-refund"), &refund.id);
    out.row(&w("receipt-of-sale"), &sale.id.to_string());
    out.row(&w("receipt-sale-date"), &ctx.when(sale.created_at_ms));
    out.row(&w("receipt-card"), &card(sale));
    if let Some(code) = sale
        .card
        .as_ref()
        .and_then(|c| c.receipt.as_ref())
        .and_then(|r| r.authorization_code.as_deref())
    {
        out.row(&w("receipt-sale-auth-code"), code);
    }
    out.row(&w("receipt-refunded"), &ctx.words.money(refund.money));
    out.row(&w("receipt-reason"), &w(refund.reason.message_id()));
    let result = match refund.status {
        RefundStatus::Succeeded => "receipt-refund-succeeded",
        RefundStatus::Failed => "receipt-refund-failed",
        RefundStatus::Pending | RefundStatus::InDoubt => "receipt-in-doubt",
    };
    out.row(&w("receipt-result"), &w(result));
    if copy == ReceiptCopy::Merchant {
        merchant_lines(&mut out, ctx, refund.gateway_ref.as_ref().map(|g| g.0.as_str()));
        if let Some(n) = &refund.note {
            out.row(&w("receipt-note"), n);
        }
        if refund.status == RefundStatus::Succeeded {
            signature(&mut out, &w("receipt-merchant-signature"));
        }
    }
    foot(out, ctx, "receipt-refund-foot")
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
            // Fixed: a random id's hex digits could make a card-like run and
            // trip the scans below by chance.
            id: SaleId::parse("01a2373b-abcd-7def-8abc-defabcdefabc").unwrap_or_default(),
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
                receipt: None,
            }),
            description: Some("tea set".into()),
            staff_id: Some("s1".into()),
            capture_before_ms: None,
        }
    }

    /// The shop's receipt in English, not training, with nobody named.
    fn plain<'a>(shop: &'a ShopDetails, zone: &'a ShopZone, paper: Paper, words: &'a Catalog) -> ReceiptContext<'a> {
        ReceiptContext {
            shop,
            zone,
            training: false,
            staff: None,
            paper,
            words,
        }
    }

    #[test]
    fn receipts_show_brand_and_last4_only_and_mark_training() -> Result<(), Box<dyn std::error::Error>> {
        let zone = ShopZone::new(Some("Asia/Tokyo"))?;
        let shop = ShopDetails {
            name: "Kissa".into(),
            address: vec!["1-2 Neko-dori".into(), "Tokyo".into()],
            phone: "+81 3 1234 5678".into(),
            tax_id: "T-8-0000-0001".into(),
            receipt_paper: Paper::A4,
            till: "Till 2".into(),
        };
        let ctx = ReceiptContext {
            shop: &shop,
            zone: &zone,
            training: true,
            staff: Some("Ana"),
            paper: Paper::A4,
            words: &Catalog::default(),
        };
        let s = sale(SaleStatus::Approved);
        let customer = sale_lines(&s, ReceiptCopy::Customer, &ctx).join("\n");
        assert!(customer.contains("VISA •••• 4242"));
        assert!(customer.contains("¥125,000"), "the currency's own decimals: {customer}");
        let training = Catalog::default().text("receipt-training");
        assert!(customer.starts_with(&training) && customer.ends_with(&training));
        let heading = format!(
            "{training}\n{}\nSALE",
            shop.header_lines(&Catalog::default()).join("\n")
        );
        assert!(customer.starts_with(&heading), "the shop's details head it: {customer}");
        assert!(customer.contains("Tax ID T-8-0000-0001") && customer.contains("Tel. +81 3 1234 5678"));
        assert!(customer.contains("\nTill: Till 2\n"), "the till is named: {customer}");
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

    fn emv_receipt() -> crate::gateway::CardReceipt {
        crate::gateway::CardReceipt {
            entry: Some(crate::gateway::EntryMode::Chip),
            application_name: Some("VISA CREDIT".into()),
            aid: Some("A0000000031010".into()),
            account_type: Some("credit".into()),
            authorization_code: Some("123456".into()),
            authorization_response_code: Some("3030".into()),
            verification: Some(crate::gateway::CardholderVerification::Signature),
        }
    }

    #[test]
    fn card_network_fields_signature_refund_and_void_lines() -> Result<(), Box<dyn std::error::Error>> {
        let zone = ShopZone::new(Some("Europe/Paris"))?;
        let shop = ShopDetails::default();
        let words = Catalog::default();
        let mut s = sale(SaleStatus::Approved);
        if let Some(c) = s.card.as_mut() {
            c.receipt = Some(emv_receipt());
        }
        for paper in [Paper::A4, Paper::Roll58] {
            let ctx = plain(&shop, &zone, paper, &words);
            let customer = sale_lines(&s, ReceiptCopy::Customer, &ctx);
            let merchant = sale_lines(&s, ReceiptCopy::Merchant, &ctx);
            for lines in [&customer, &merchant] {
                let text = lines.join("\n");
                for (label, value) in [
                    ("Entry", "Chip"),
                    ("Application", "VISA CREDIT"),
                    ("AID", "A0000000031010"),
                    ("Account", "Credit"),
                    ("Auth code", "123456"),
                    ("ARC", "3030"),
                    ("Verification", "Signature"),
                ] {
                    assert!(
                        lines.iter().any(|l| l.starts_with(label) && l.ends_with(value)),
                        "{paper:?}: {label} {value}: {text}"
                    );
                }
                assert!(lines.iter().all(|l| l.chars().count() <= paper.columns()));
                assert!(!contains_card_number(&text));
            }
            let signs = |lines: &[String]| lines.iter().any(|l| l == "Cardholder signature");
            assert!(signs(&merchant) && !signs(&customer), "the merchant copy is signed");
        }
        let ctx = plain(&shop, &zone, Paper::Roll80, &words);
        // No signature asked for a PIN, nor on a sale that took nothing.
        if let Some(r) = s.card.as_mut().and_then(|c| c.receipt.as_mut()) {
            r.verification = Some(crate::gateway::CardholderVerification::OnlinePin);
        }
        let pin = sale_lines(&s, ReceiptCopy::Merchant, &ctx);
        assert!(pin.iter().any(|l| l.ends_with("PIN verified")));
        assert!(!pin.iter().any(|l| l.contains("signature")));
        let mut voided = s.clone();
        voided.status = SaleStatus::Voided;
        let text = sale_lines(&voided, ReceiptCopy::Customer, &ctx).join(" ");
        assert!(text.contains("VOIDED — NOT CHARGED") && text.contains("hold on the card is released"));

        let refund = Refund {
            id: "rf-1".into(),
            sale_id: s.id,
            money: Money::new(MinorUnits::new(500), Currency::Jpy),
            status: RefundStatus::Succeeded,
            reason: crate::gateway::RefundReason::RequestedByCustomer,
            created_at_ms: s.created_at_ms + 86_400_000,
            idempotency_key: IdempotencyKey::from_stored("k".into()),
            outcome_code: None,
            gateway_ref: None,
            note: None,
            staff_id: None,
        };
        let customer = refund_lines(&s, &refund, ReceiptCopy::Customer, &ctx);
        let merchant = refund_lines(&s, &refund, ReceiptCopy::Merchant, &ctx);
        for lines in [&customer, &merchant] {
            assert!(lines.iter().any(|l| l.starts_with("Sale date")));
            assert!(lines
                .iter()
                .any(|l| l.starts_with("Sale auth code") && l.ends_with("123456")));
        }
        let signs = |lines: &[String]| lines.iter().any(|l| l == "Merchant signature");
        assert!(signs(&merchant) && !signs(&customer));
        Ok(())
    }

    #[test]
    fn a_phone_order_says_the_card_was_not_present_and_asks_no_signature() -> Result<(), Box<dyn std::error::Error>> {
        let zone = ShopZone::new(Some("Europe/Paris"))?;
        let shop = ShopDetails::default();
        let words = Catalog::default();
        let mut s = sale(SaleStatus::Approved);
        s.source = crate::store::PHONE_ORDER.into();
        for paper in [Paper::A4, Paper::Roll58] {
            let ctx = plain(&shop, &zone, paper, &words);
            for copy in [ReceiptCopy::Customer, ReceiptCopy::Merchant] {
                let lines = sale_lines(&s, copy, &ctx);
                let text = lines.join("\n");
                assert!(text.contains("Phone order (card not present)"), "{paper:?}: {text}");
                assert!(!text.contains("signature"), "{text}");
                assert!(lines.iter().all(|l| l.chars().count() <= paper.columns()), "{text}");
            }
        }
        let ctx = plain(&shop, &zone, Paper::A4, &words);
        let at_the_counter = sale_lines(&sale(SaleStatus::Approved), ReceiptCopy::Customer, &ctx).join("\n");
        assert!(!at_the_counter.contains("Phone order"), "{at_the_counter}");
        Ok(())
    }

    #[test]
    fn every_paper_fits_its_columns_and_cuts_no_word_or_amount() -> Result<(), Box<dyn std::error::Error>> {
        let zone = ShopZone::new(Some("America/Argentina/Buenos_Aires"))?;
        let shop = ShopDetails {
            name: "La Confitería del Gato Negro y Asociados".into(),
            address: vec!["Avenida Presidente Roque Sáenz Peña 1234".into()],
            phone: "+54 11 4321 5678".into(),
            tax_id: "CUIT 30-71234567-8".into(),
            receipt_paper: Paper::Roll58,
            till: "Caja de la terraza del fondo".into(),
        };
        let mut s = sale(SaleStatus::Approved);
        let item = "two extraordinarily long-handled teapots, hand-painted in Kyoto";
        s.description = Some(item.into());
        for paper in [Paper::A4, Paper::Roll80, Paper::Roll58] {
            let ctx = ReceiptContext {
                shop: &shop,
                zone: &zone,
                training: true,
                staff: Some("Ana"),
                paper,
                words: &Catalog::default(),
            };
            for copy in [ReceiptCopy::Customer, ReceiptCopy::Merchant] {
                let lines = sale_lines(&s, copy, &ctx);
                let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
                assert!(widest <= paper.columns(), "{paper:?}: a line of {widest}: {lines:#?}");
                let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
                let flat = words.join(" ");
                for part in [
                    item,
                    shop.name.as_str(),
                    shop.address[0].as_str(),
                    "Tax ID CUIT 30-71234567-8",
                ] {
                    assert!(flat.contains(part), "{paper:?}: {part:?} is cut: {lines:#?}");
                }
                assert!(lines.iter().any(|l| l.contains("¥125,000")), "the amount on one line");
                assert_eq!(
                    lines.first().map(String::as_str),
                    Some("*** TRAINING — NOT A PAYMENT ***")
                );
                assert_eq!(
                    crate::pdf::render_on(paper, &lines),
                    crate::pdf::render_on(paper, &sale_lines(&s, copy, &ctx)),
                    "a reprint is the same bytes"
                );
            }
        }
        Ok(())
    }
}
