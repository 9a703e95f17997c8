//! A sale's row as SQLite holds it: which columns are sealed, how a sale
//! and its settlement are sealed into them, and how a row is opened back
//! into a [`Sale`].

use rusqlite::Row;

use super::{NewSale, OpKind, PendingOp, Result, Sale, SaleId, SaleStatus, Settlement, Store, StoreError, TABLE};
use crate::money::{Currency, MinorUnits, Money};
use crate::sale::{CaptureMode, CardSummary, GatewayRef, IdempotencyKey};
use crate::vault::Cell;

/// A settlement's column values, sealed where the column is sealed.
#[derive(Default)]
pub(super) struct SealedSettlement {
    pub(super) description: Option<Vec<u8>>,
    pub(super) gateway_ref: Option<Vec<u8>>,
    pub(super) brand: Option<Vec<u8>>,
    pub(super) last4: Option<Vec<u8>>,
    pub(super) expiry: Option<Vec<u8>>,
    pub(super) last4_bidx: Option<Vec<u8>>,
    pub(super) brand_bidx: Option<Vec<u8>>,
    pub(super) risk: Option<String>,
    pub(super) card_receipt: Option<Vec<u8>>,
}

/// A row as SQLite holds it, sealed columns still sealed.
pub(super) struct RawSale {
    id: String,
    terminal_id: String,
    status: String,
    created_at_ms: i64,
    updated_at_ms: i64,
    amount_minor: i64,
    currency: String,
    idempotency_key: String,
    source: String,
    outcome_code: Option<String>,
    gateway_ref: Option<Vec<u8>>,
    card_brand: Option<Vec<u8>>,
    card_last4: Option<Vec<u8>>,
    card_expiry: Option<Vec<u8>>,
    description: Option<Vec<u8>>,
    capture_method: String,
    captured_minor: Option<i64>,
    op_kind: Option<String>,
    op_key: Option<String>,
    op_amount_minor: Option<i64>,
    risk: Option<String>,
    staff_id: Option<String>,
    capture_before_ms: Option<i64>,
    card_receipt: Option<Vec<u8>>,
}

impl RawSale {
    pub(super) fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            terminal_id: r.get(1)?,
            status: r.get(2)?,
            created_at_ms: r.get(3)?,
            updated_at_ms: r.get(4)?,
            amount_minor: r.get(5)?,
            currency: r.get(6)?,
            idempotency_key: r.get(7)?,
            source: r.get(8)?,
            outcome_code: r.get(9)?,
            gateway_ref: r.get(10)?,
            card_brand: r.get(11)?,
            card_last4: r.get(12)?,
            card_expiry: r.get(13)?,
            description: r.get(14)?,
            capture_method: r.get(15)?,
            captured_minor: r.get(16)?,
            op_kind: r.get(17)?,
            op_key: r.get(18)?,
            op_amount_minor: r.get(19)?,
            risk: r.get(20)?,
            staff_id: r.get(21)?,
            capture_before_ms: r.get(22)?,
            card_receipt: r.get(23)?,
        })
    }
}

/// A sale's last-4 index under `index` (also used when a rotation re-indexes).
pub(crate) fn last4_index(index: &crate::vault::BlindIndex, last4: &str) -> Vec<u8> {
    index.compute(TABLE, "card_last4", last4)
}

/// A sale's brand index under `index`; brands are compared in lower case.
pub(crate) fn brand_index_with(index: &crate::vault::BlindIndex, brand: &str) -> Vec<u8> {
    index.compute(TABLE, "card_brand", &brand.to_ascii_lowercase())
}

impl Store {
    /// Every sealed column and blind index of a sale row.
    pub(super) fn seal_sale(&self, sale: &NewSale, settled: Option<&Settlement>) -> SealedSettlement {
        let id = sale.id.to_string();
        let mut sealed = settled.map(|s| self.seal_settlement(&id, s)).unwrap_or_default();
        sealed.description = sale
            .description
            .as_deref()
            .map(|d| self.sealer.seal_str(Cell::new(TABLE, "description", &id), d));
        sealed
    }

    /// A settlement's columns as stored: card and gateway values sealed to
    /// the row, blind indexes computed.
    pub(super) fn seal_settlement(&self, row: &str, s: &Settlement) -> SealedSettlement {
        let seal = |column, value: &str| Some(self.sealer.seal_str(Cell::new(TABLE, column, row), value));
        let mut out = SealedSettlement {
            gateway_ref: s.gateway_ref.as_ref().and_then(|g| seal("gateway_ref", &g.0)),
            risk: s.risk.as_ref().and_then(|r| serde_json::to_string(r).ok()),
            ..SealedSettlement::default()
        };
        if let Some(c) = &s.card {
            out.brand = seal("card_brand", &c.brand);
            out.last4 = seal("card_last4", &c.last4);
            out.expiry = seal("card_expiry", &format!("{:02}/{}", c.exp_month, c.exp_year));
            out.last4_bidx = Some(last4_index(&self.sealer.blind_index(), &c.last4));
            out.brand_bidx = Some(self.brand_index(&c.brand));
            out.card_receipt = c
                .receipt
                .as_ref()
                .and_then(|r| serde_json::to_string(r).ok())
                .and_then(|j| seal("card_receipt", &j));
        }
        out
    }

    pub(super) fn open_sale(&self, r: RawSale) -> Result<Sale> {
        let row = r.id.clone();
        let open = |column, v: Option<Vec<u8>>| -> Result<Option<String>> {
            v.map(|b| self.sealer.open_str(Cell::new(TABLE, column, &row), &b))
                .transpose()
                .map_err(StoreError::from)
        };
        let brand = open("card_brand", r.card_brand)?;
        let last4 = open("card_last4", r.card_last4)?;
        let expiry = open("card_expiry", r.card_expiry)?;
        let card = match (brand, last4) {
            (Some(brand), Some(last4)) => {
                let (exp_month, exp_year) = expiry.as_deref().and_then(parse_expiry).unwrap_or((0, 0));
                // A receipt that no longer parses is left off the reprint,
                // never a reason to lose the sale.
                let receipt = open("card_receipt", r.card_receipt)?.and_then(|j| serde_json::from_str(&j).ok());
                Some(CardSummary {
                    brand,
                    last4,
                    exp_month,
                    exp_year,
                    receipt,
                })
            }
            _ => None,
        };
        Ok(Sale {
            id: SaleId::parse(&r.id).ok_or(StoreError::Corrupt("sale id"))?,
            terminal_id: r.terminal_id,
            money: Money::new(
                MinorUnits::new(r.amount_minor),
                r.currency
                    .parse::<Currency>()
                    .map_err(|_| StoreError::Corrupt("currency"))?,
            ),
            status: SaleStatus::parse(&r.status).ok_or(StoreError::Corrupt("status"))?,
            created_at_ms: r.created_at_ms,
            updated_at_ms: r.updated_at_ms,
            idempotency_key: IdempotencyKey::from_stored(r.idempotency_key),
            source: r.source,
            capture: if r.capture_method == "manual" {
                CaptureMode::Manual
            } else {
                CaptureMode::Automatic
            },
            captured: r.captured_minor.map(MinorUnits::new),
            pending_op: match (r.op_kind.as_deref(), r.op_key) {
                (Some(kind), Some(key)) => Some(PendingOp {
                    kind: if kind == "void" { OpKind::Void } else { OpKind::Capture },
                    key: IdempotencyKey::from_stored(key),
                    amount: MinorUnits::new(r.op_amount_minor.unwrap_or(0)),
                }),
                _ => None,
            },
            risk: r.risk.as_deref().and_then(|j| serde_json::from_str(j).ok()),
            outcome_code: r.outcome_code,
            gateway_ref: open("gateway_ref", r.gateway_ref)?.map(GatewayRef),
            card,
            description: open("description", r.description)?,
            staff_id: r.staff_id,
            capture_before_ms: r.capture_before_ms,
        })
    }
}

fn parse_expiry(s: &str) -> Option<(u8, u16)> {
    let (m, y) = s.split_once('/')?;
    Some((m.parse().ok()?, y.parse().ok()?))
}
