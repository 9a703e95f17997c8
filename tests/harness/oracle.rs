//! The gateway as the oracle: its raw records (JSON as the test gateway
//! serves it, read here without the product's parser) against the local
//! records (read straight from the SQLite file, without the product's store).
//!
//! [`compare`] proves both directions: every PaymentIntent and refund at
//! the gateway matches exactly one local record with the same amount and a
//! status that agrees, and every local sale or refund that says money moved
//! exists at the gateway. Refunds never exceed what the gateway captured.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::{Localstripe, TestPki, TestResult};

/// Everything the gateway holds, raw.
pub struct GatewayRecords {
    pub intents: Vec<Value>,
    pub refunds: Vec<Value>,
}

/// A local row as stored: status and amounts in the clear columns.
#[derive(Debug, Clone)]
pub struct LocalRow {
    pub status: String,
    pub amount: i64,
    pub captured: Option<i64>,
    pub sale_id: String,
}

/// Every sale and refund in a cache file, keyed by id.
pub struct LocalRecords {
    pub sales: HashMap<String, LocalRow>,
    pub refunds: HashMap<String, LocalRow>,
}

impl Localstripe {
    /// Every object of a list endpoint (`v1/payment_intents`,
    /// `v1/refunds`), following `has_more` to the end.
    pub fn list_all(&self, pki: &TestPki, path: &str) -> TestResult<Vec<Value>> {
        let mut all: Vec<Value> = Vec::new();
        loop {
            let mut url = format!("{path}?limit=100");
            if let Some(last) = all.last().and_then(|o| o["id"].as_str()) {
                url.push_str(&format!("&starting_after={last}"));
            }
            let page = self.get(pki, &url)?;
            let data = page["data"].as_array().cloned().unwrap_or_default();
            let more = page["has_more"].as_bool() == Some(true) && !data.is_empty();
            all.extend(data);
            if !more {
                return Ok(all);
            }
        }
    }

    /// Every PaymentIntent and refund the gateway holds.
    pub fn records(&self, pki: &TestPki) -> TestResult<GatewayRecords> {
        Ok(GatewayRecords {
            intents: self.list_all(pki, "v1/payment_intents")?,
            refunds: self.list_all(pki, "v1/refunds")?,
        })
    }

    /// How many faults of each kind the gateway applied so far.
    pub fn faults_fired(&self, pki: &TestPki) -> TestResult<HashMap<String, u64>> {
        let log = self.get(pki, "_faults")?;
        Ok(log["fired"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0))).collect())
            .unwrap_or_default())
    }
}

/// Reads the sales and refunds of a cache file directly.
pub fn local_records(db: &Path) -> TestResult<LocalRecords> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut sales = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, status, amount_minor, captured_minor FROM sales")?;
    let rows = stmt.query_map([], |r| {
        let id: String = r.get(0)?;
        Ok((
            id.clone(),
            LocalRow {
                status: r.get(1)?,
                amount: r.get(2)?,
                captured: r.get(3)?,
                sale_id: id,
            },
        ))
    })?;
    for row in rows {
        let (id, row) = row?;
        sales.insert(id, row);
    }
    let mut refunds = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, status, amount_minor, sale_id FROM refunds")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            LocalRow {
                status: r.get(1)?,
                amount: r.get(2)?,
                captured: None,
                sale_id: r.get(3)?,
            },
        ))
    })?;
    for row in rows {
        let (id, row) = row?;
        refunds.insert(id, row);
    }
    Ok(LocalRecords { sales, refunds })
}

/// What the comparison counted, and every disagreement it found.
#[derive(Debug, Default)]
pub struct Comparison {
    pub intents: usize,
    pub refunds: usize,
    pub charged: usize,
    pub not_charged: usize,
    pub violations: Vec<String>,
}

/// Compares the gateway's records with the local ones, both ways. Only
/// PaymentIntents made for `terminal_id` are considered (a test may make its
/// own); `pending`/`in_doubt` local rows count as violations: call this once
/// everything should have resolved.
pub fn compare(gateway: &GatewayRecords, local: &LocalRecords, terminal_id: Option<&str>) -> Comparison {
    let mut c = Comparison::default();
    let ours = |pi: &&Value| terminal_id.is_none_or(|t| pi["metadata"]["terminal_id"].as_str() == Some(t));
    let mut per_sale: HashMap<&str, Vec<&Value>> = HashMap::new();
    for pi in gateway.intents.iter().filter(ours) {
        c.intents += 1;
        match pi["metadata"]["sale_id"].as_str() {
            Some(sale) => per_sale.entry(sale).or_default().push(pi),
            None => c.violations.push(format!("{} names no sale", pi["id"])),
        }
    }
    let mut captured_at_gateway: HashMap<&str, i64> = HashMap::new();
    for (sale_id, intents) in &per_sale {
        if intents.len() > 1 {
            c.violations
                .push(format!("sale {sale_id}: {} PaymentIntents", intents.len()));
        }
        let pi = intents[0];
        let Some(local) = local.sales.get(*sale_id) else {
            c.violations
                .push(format!("{} (sale {sale_id}) has no local record", pi["id"]));
            continue;
        };
        if pi["amount"].as_i64() != Some(local.amount) {
            c.violations.push(format!(
                "sale {sale_id}: amount {} at the gateway, {} here",
                pi["amount"], local.amount
            ));
        }
        let status = pi["status"].as_str().unwrap_or("");
        let agrees = match status {
            "succeeded" => {
                let received = pi["amount_received"].as_i64().or(pi["amount"].as_i64());
                if let Some(id) = pi["id"].as_str() {
                    captured_at_gateway.insert(id, received.unwrap_or(0));
                }
                local.status == "approved" && local.captured.or(Some(local.amount)) == received
            }
            "requires_capture" => local.status == "authorized",
            "canceled" => matches!(local.status.as_str(), "voided" | "cancelled" | "failed" | "declined"),
            "requires_payment_method" | "requires_confirmation" | "requires_action" | "processing" => {
                matches!(local.status.as_str(), "declined" | "failed" | "cancelled")
            }
            _ => false,
        };
        if !agrees {
            c.violations.push(format!(
                "sale {sale_id}: {status} at the gateway, {} here",
                local.status
            ));
        }
    }
    for (id, sale) in &local.sales {
        match sale.status.as_str() {
            "approved" | "authorized" | "voided" => {
                c.charged += 1;
                if !per_sale.contains_key(id.as_str()) {
                    c.violations
                        .push(format!("sale {id} is {} here, unknown at the gateway", sale.status));
                }
            }
            "pending" | "in_doubt" => c.violations.push(format!("sale {id} is still {}", sale.status)),
            _ => c.not_charged += 1,
        }
    }

    let our_intents: HashMap<&str, &str> = per_sale
        .iter()
        .flat_map(|(sale, pis)| pis.iter().filter_map(move |pi| pi["id"].as_str().map(|id| (id, *sale))))
        .collect();
    let mut per_refund: HashMap<&str, usize> = HashMap::new();
    let mut refunded: HashMap<&str, i64> = HashMap::new();
    for r in &gateway.refunds {
        let Some(pi) = r["payment_intent"].as_str().filter(|pi| our_intents.contains_key(pi)) else {
            continue;
        };
        c.refunds += 1;
        let Some(refund_id) = r["metadata"]["refund_id"].as_str() else {
            c.violations.push(format!("{} names no refund", r["id"]));
            continue;
        };
        *per_refund.entry(refund_id).or_default() += 1;
        let status = r["status"].as_str().unwrap_or("");
        if status == "succeeded" || status == "pending" {
            *refunded.entry(pi).or_default() += r["amount"].as_i64().unwrap_or(0);
        }
        match local.refunds.get(refund_id) {
            None => c.violations.push(format!("refund {refund_id} has no local record")),
            Some(l) => {
                if r["amount"].as_i64() != Some(l.amount) {
                    c.violations.push(format!("refund {refund_id}: amount differs"));
                }
                let agrees = match status {
                    "succeeded" | "pending" => l.status == "succeeded",
                    "failed" | "canceled" => l.status == "failed",
                    _ => false,
                };
                if !agrees {
                    c.violations.push(format!(
                        "refund {refund_id}: {status} at the gateway, {} here",
                        l.status
                    ));
                }
                if our_intents.get(pi) != Some(&l.sale_id.as_str()) {
                    c.violations.push(format!("refund {refund_id}: for another sale here"));
                }
            }
        }
    }
    for (id, n) in &per_refund {
        if *n > 1 {
            c.violations.push(format!("refund {id} made {n} times"));
        }
    }
    for (pi, sum) in &refunded {
        if *sum > captured_at_gateway.get(pi).copied().unwrap_or(0) {
            c.violations.push(format!("{pi}: refunded {sum}, more than captured"));
        }
    }
    for (id, l) in &local.refunds {
        match l.status.as_str() {
            "succeeded" if !per_refund.contains_key(id.as_str()) => c
                .violations
                .push(format!("refund {id} succeeded here, unknown at the gateway")),
            "pending" | "in_doubt" => c.violations.push(format!("refund {id} is still {}", l.status)),
            _ => {}
        }
    }
    c
}
