//! The shop's combined day: every till's sales and refunds over a range of
//! local dates, read from the gateway's records ([`crate::gateway::ledger`])
//! and nowhere else, by till, staff member, card brand and hour. Several
//! tills need no sync of their own: the gateway already holds each till's
//! payments, named by the till and staff ids in their metadata.
//!
//! Guarantees:
//! - the figures are counted exactly as a till counts its own day
//!   ([`super::figures`]): gross is what approved sales captured, by when the
//!   sale was made; refunds are the succeeded ones, by when they were made;
//!   money is summed per currency in minor units, never converted;
//! - this till's line is checked against its own cache, and flagged with the
//!   difference when the two disagree (a sale missing from the cache, one
//!   the gateway never had); other tills' caches are on their own machines,
//!   so their lines carry no check here;
//! - staff members are named only where this till's staff list knows them;
//!   elsewhere they are a short id and their till.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Figures, Line, Period, ShopZone, SlotClock};
use crate::gateway::ledger::{Ledger, LedgerState};
use crate::gateway::Attribution;
use crate::messages::Catalog;
use crate::money::{Currency, MinorUnits};

/// A till's line, and what its own cache says where that is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TillLine {
    /// The till's terminal id (empty: payments no till took).
    pub terminal_id: String,
    pub label: String,
    /// The terminal this view was computed on.
    pub this_till: bool,
    pub line: Line,
    /// This till's own cache for the period (only on this till).
    pub cache: Option<Line>,
    /// The cache disagrees with the gateway.
    pub differs: bool,
}

/// A staff member's line, under the till they used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StaffLine {
    pub terminal_id: String,
    /// `None`: a refund made outside the terminal, or a sale with nobody
    /// signed in.
    pub staff_id: Option<String>,
    pub line: Line,
}

/// The shop's figures for one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ShopCurrency {
    pub currency: Currency,
    pub gross: MinorUnits,
    pub refunds: MinorUnits,
    pub net: MinorUnits,
    #[ts(type = "number")]
    pub sales: u64,
    #[ts(type = "number")]
    pub refund_count: u64,
    #[ts(type = "number")]
    pub held_count: u64,
    #[ts(type = "number")]
    pub voided_count: u64,
    #[ts(type = "number")]
    pub declined_count: u64,
    /// Refunds the gateway has not finished.
    #[ts(type = "number")]
    pub pending_refunds: u64,
    pub by_till: Vec<TillLine>,
    pub by_staff: Vec<StaffLine>,
    pub by_brand: Vec<Line>,
    /// 24 lines, `00` to `23`, local time.
    pub by_hour: Vec<Line>,
}

/// The whole shop over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ShopDay {
    pub period: Period,
    pub time_zone: String,
    pub from_local: String,
    pub to_local: String,
    pub currencies: Vec<ShopCurrency>,
    /// A till's cache disagrees with the gateway somewhere in the period.
    pub differs: bool,
    /// Days read from the gateway for this view, and days read from the
    /// copy kept of days that can no longer change.
    pub days_from_gateway: u32,
    pub days_kept: u32,
}

/// How the combined day names its lines.
pub struct ShopNames<'a> {
    /// This till's staff, by id (`None`: not on this till's list).
    pub staff: &'a dyn Fn(&str) -> Option<String>,
    pub words: &'a Catalog,
}

impl ShopNames<'_> {
    /// A till as the shop knows it: its name, else a short form of its id.
    pub fn till(&self, by: &Attribution) -> String {
        if by.terminal_id.is_empty() {
            self.words.text("shop-till-none")
        } else if by.till_name.is_empty() {
            let short = super::short_id(&by.terminal_id);
            self.words.say("shop-till-unnamed", &[("id", short.into())])
        } else {
            by.till_name.clone()
        }
    }

    /// A staff member: their name where known, else a short form of their id.
    pub fn who(&self, staff_id: Option<&str>) -> String {
        match staff_id {
            Some(id) => (self.staff)(id).unwrap_or_else(|| {
                let short = super::short_id(id);
                self.words.say("report-staff-unknown", &[("id", short.into())])
            }),
            None => self.words.text("report-unattributed"),
        }
    }

    /// A staff member's line label: who, at which till.
    pub fn staff(&self, till: &str, staff_id: Option<&str>) -> String {
        let who = self.who(staff_id);
        self.words
            .say("shop-staff-at-till", &[("staff", who.into()), ("till", till.into())])
    }
}

struct Acc {
    currency: Currency,
    total: Line,
    held: u64,
    voided: u64,
    declined: u64,
    pending_refunds: u64,
    /// By terminal id: the newest name seen (lines are added oldest
    /// first), the line.
    by_till: BTreeMap<String, (String, Line)>,
    by_staff: BTreeMap<(String, Option<String>), Line>,
    by_brand: BTreeMap<Option<String>, Line>,
    by_hour: Vec<Line>,
}

impl Acc {
    fn new(currency: Currency) -> Self {
        Self {
            currency,
            total: Line::default(),
            held: 0,
            voided: 0,
            declined: 0,
            pending_refunds: 0,
            by_till: BTreeMap::new(),
            by_staff: BTreeMap::new(),
            by_brand: BTreeMap::new(),
            by_hour: (0..24).map(|h| Line::labelled(format!("{h:02}"))).collect(),
        }
    }

    /// Every line a sale or refund by `by` with `brand` at `hour` counts in.
    fn lines(&mut self, by: &Attribution, label: String, brand: Option<&str>, hour: usize) -> [&mut Line; 5] {
        let (named, till) = self.by_till.entry(by.terminal_id.clone()).or_default();
        *named = label;
        [
            &mut self.total,
            till,
            self.by_staff
                .entry((by.terminal_id.clone(), by.staff_id.clone()))
                .or_default(),
            self.by_brand.entry(brand.map(str::to_string)).or_default(),
            &mut self.by_hour[hour],
        ]
    }
}

fn acc(accs: &mut Vec<Acc>, currency: Currency) -> &mut Acc {
    let i = accs.iter().position(|a| a.currency == currency).unwrap_or_else(|| {
        accs.push(Acc::new(currency));
        accs.len() - 1
    });
    &mut accs[i]
}

/// The shop's figures for `period` from the gateway's `ledger`. `own` is this
/// till's terminal id and its own figures for the same period, to check its
/// line against.
pub fn shop_day(
    ledger: &Ledger,
    period: Period,
    zone: &ShopZone,
    names: &ShopNames<'_>,
    own: Option<(&str, &Figures)>,
) -> ShopDay {
    let mut accs: Vec<Acc> = Vec::new();
    let mut clock = SlotClock { zone, last: None };
    let inside = |ms: i64| (period.from_ms..period.to_ms).contains(&ms);
    let mut payments: Vec<_> = ledger.payments.iter().filter(|p| inside(p.created_ms)).collect();
    payments.sort_by_key(|p| p.created_ms);
    for p in payments {
        let a = acc(&mut accs, p.money.currency);
        match p.state {
            LedgerState::Captured(amount) => {
                let (_, hour) = clock.at(p.created_ms);
                for line in a.lines(&p.by, names.till(&p.by), p.brand.as_deref(), hour) {
                    line.add_sale(amount.get());
                }
            }
            LedgerState::Held => a.held += 1,
            LedgerState::Voided => a.voided += 1,
            LedgerState::Declined => a.declined += 1,
            LedgerState::Unfinished => {}
        }
    }
    let mut refunds: Vec<_> = ledger.refunds.iter().filter(|r| inside(r.created_ms)).collect();
    refunds.sort_by_key(|r| r.created_ms);
    for r in refunds {
        let a = acc(&mut accs, r.money.currency);
        if !r.succeeded {
            a.pending_refunds += 1;
            continue;
        }
        let (_, hour) = clock.at(r.created_ms);
        for line in a.lines(&r.by, names.till(&r.by), r.brand.as_deref(), hour) {
            line.add_refund(r.money.amount.get());
        }
    }
    if let Some((_, figures)) = own {
        for c in &figures.currencies {
            acc(&mut accs, c.currency);
        }
    }
    accs.sort_by_key(|a| a.currency.code());
    let currencies: Vec<ShopCurrency> = accs.into_iter().map(|a| finish(a, names, own)).collect();
    ShopDay {
        period,
        time_zone: zone.name().to_string(),
        from_local: zone.format(period.from_ms),
        to_local: zone.format(period.to_ms),
        differs: currencies.iter().any(|c| c.by_till.iter().any(|t| t.differs)),
        currencies,
        days_from_gateway: 0,
        days_kept: 0,
    }
}

fn finish(a: Acc, names: &ShopNames<'_>, own: Option<(&str, &Figures)>) -> ShopCurrency {
    let mut by_till: Vec<TillLine> = a
        .by_till
        .into_iter()
        .map(|(terminal_id, (label, mut line))| {
            line.label.clone_from(&label);
            TillLine {
                terminal_id,
                label,
                this_till: false,
                line,
                cache: None,
                differs: false,
            }
        })
        .collect();
    if let Some((id, figures)) = own {
        let cache = figures
            .currencies
            .iter()
            .find(|c| c.currency == a.currency)
            .map(|c| Line {
                label: String::new(),
                sales: c.sales,
                gross: c.gross,
                refund_count: c.refund_count,
                refunds: c.refunds,
            })
            .unwrap_or_default();
        if !by_till.iter().any(|t| t.terminal_id == id) {
            by_till.push(TillLine {
                terminal_id: id.to_string(),
                label: names.till(&Attribution {
                    terminal_id: id.to_string(),
                    ..Attribution::default()
                }),
                this_till: false,
                line: Line::default(),
                cache: None,
                differs: false,
            });
        }
        for t in by_till.iter_mut().filter(|t| t.terminal_id == id) {
            let mut cache = cache.clone();
            cache.label.clone_from(&t.label);
            t.this_till = true;
            t.differs = cache != t.line;
            t.cache = Some(cache);
        }
    }
    by_till.sort_by(|x, y| x.label.cmp(&y.label).then_with(|| x.terminal_id.cmp(&y.terminal_id)));
    let till_label = |id: &str| {
        by_till
            .iter()
            .find(|t| t.terminal_id == id)
            .map(|t| t.label.clone())
            .unwrap_or_default()
    };
    let mut by_staff: Vec<StaffLine> = a
        .by_staff
        .into_iter()
        .map(|((terminal_id, staff_id), mut line)| {
            line.label = names.staff(&till_label(&terminal_id), staff_id.as_deref());
            StaffLine {
                terminal_id,
                staff_id,
                line,
            }
        })
        .collect();
    by_staff.sort_by(|x, y| {
        y.line
            .gross
            .cmp(&x.line.gross)
            .then_with(|| x.line.label.cmp(&y.line.label))
    });
    let mut by_brand: Vec<Line> = a
        .by_brand
        .into_iter()
        .map(|(brand, mut line)| {
            line.label = brand.unwrap_or_else(|| names.words.text("report-no-card"));
            line
        })
        .collect();
    by_brand.sort_by(|x, y| y.gross.cmp(&x.gross).then_with(|| x.label.cmp(&y.label)));
    ShopCurrency {
        currency: a.currency,
        gross: a.total.gross,
        refunds: a.total.refunds,
        net: MinorUnits::new(a.total.gross.get() - a.total.refunds.get()),
        sales: a.total.sales,
        refund_count: a.total.refund_count,
        held_count: a.held,
        voided_count: a.voided,
        declined_count: a.declined,
        pending_refunds: a.pending_refunds,
        by_till,
        by_staff,
        by_brand,
        by_hour: a.by_hour,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::ledger::{LedgerPayment, LedgerRefund};
    use crate::gateway::GatewayRef;
    use crate::money::Money;

    const HOUR: i64 = 3_600_000;

    fn by(till: &str, name: &str, staff: Option<&str>) -> Attribution {
        Attribution {
            terminal_id: till.into(),
            till_name: name.into(),
            staff_id: staff.map(String::from),
        }
    }

    fn pay(at: i64, minor: i64, state: LedgerState, who: Attribution) -> LedgerPayment {
        LedgerPayment {
            gateway_ref: GatewayRef(format!("pi_{at}")),
            by: who,
            money: Money::new(MinorUnits::new(minor), Currency::Usd),
            state,
            created_ms: at,
            brand: Some("visa".into()),
        }
    }

    fn refund(at: i64, minor: i64, succeeded: bool, who: Attribution) -> LedgerRefund {
        LedgerRefund {
            gateway_ref: GatewayRef(format!("re_{at}")),
            payment: GatewayRef("pi_0".into()),
            by: who,
            money: Money::new(MinorUnits::new(minor), Currency::Usd),
            succeeded,
            created_ms: at,
            brand: None,
        }
    }

    fn figures(gross: i64, sales: u64, refunds: i64, refund_count: u64) -> Figures {
        let json = serde_json::json!({
            "period": {"from_ms": 0, "to_ms": 24 * HOUR}, "time_zone": "UTC", "from_local": "", "to_local": "",
            "training": false, "shop": [],
            "currencies": [{
                "currency": "USD", "gross": gross, "refunds": refunds, "net": gross - refunds, "sales": sales,
                "refund_count": refund_count, "average_ticket": 0, "held": 0, "held_count": 0, "voided_count": 0,
                "declined_count": 0, "in_doubt_count": 0, "by_hour": [], "by_day": [], "by_brand": [], "by_staff": []
            }]
        });
        serde_json::from_value(json).expect("figures")
    }

    fn day(ledger: &Ledger, own: Option<(&str, &Figures)>) -> ShopDay {
        let zone = ShopZone::new(Some("UTC")).expect("UTC");
        let known = |id: &str| (id == "ann").then(|| "Ann".to_string());
        let words = Catalog::default();
        let names = ShopNames {
            staff: &known,
            words: &words,
        };
        shop_day(
            ledger,
            Period {
                from_ms: 0,
                to_ms: 24 * HOUR,
            },
            &zone,
            &names,
            own,
        )
    }

    /// Counted as a till counts its own day: captured amounts of sales made
    /// in the period, succeeded refunds made in it, nothing else.
    #[test]
    fn only_money_taken_or_returned_in_the_period_counts() {
        let till = by("t-0000000000000001", "Till 1", Some("ann"));
        let ledger = Ledger {
            payments: vec![
                pay(HOUR, 1000, LedgerState::Captured(MinorUnits::new(1000)), till.clone()),
                pay(
                    2 * HOUR,
                    5000,
                    LedgerState::Captured(MinorUnits::new(3250)),
                    till.clone(),
                ),
                pay(3 * HOUR, 700, LedgerState::Held, till.clone()),
                pay(3 * HOUR, 800, LedgerState::Voided, till.clone()),
                pay(3 * HOUR, 900, LedgerState::Declined, till.clone()),
                pay(3 * HOUR, 600, LedgerState::Unfinished, till.clone()),
                pay(
                    25 * HOUR,
                    9999,
                    LedgerState::Captured(MinorUnits::new(9999)),
                    till.clone(),
                ),
            ],
            refunds: vec![
                refund(4 * HOUR, 250, true, till.clone()),
                refund(5 * HOUR, 100, false, till.clone()),
                refund(-HOUR, 400, true, till.clone()),
            ],
        };
        let d = day(&ledger, None);
        let usd = &d.currencies[0];
        assert_eq!(
            (usd.sales, usd.gross.get(), usd.refund_count, usd.refunds.get()),
            (2, 4250, 1, 250)
        );
        assert_eq!(usd.net.get(), 4000);
        assert_eq!(
            (
                usd.held_count,
                usd.voided_count,
                usd.declined_count,
                usd.pending_refunds
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(usd.by_hour[1].gross.get(), 1000);
        assert_eq!(usd.by_hour[2].gross.get(), 3250);
        assert_eq!(usd.by_hour[4].refunds.get(), 250);
        assert_eq!(usd.by_till.len(), 1);
        assert_eq!(usd.by_till[0].label, "Till 1");
        assert_eq!(usd.by_staff[0].line.label, "Ann (Till 1)");
        assert!(!d.differs, "nothing to check against");
    }

    /// Tills are told apart by id, named by their newest name; staff by
    /// till and id, named only where known.
    #[test]
    fn tills_and_staff_are_labelled_by_what_the_shop_knows() {
        let old = by("t-aaaaaaaa11111111", "Front", Some("0191-x-11111111"));
        let renamed = by("t-aaaaaaaa11111111", "Till 1", Some("0191-x-11111111"));
        let unnamed = by("t-aaaaaaaa22222222", "", None);
        let outside = by("", "", None);
        let captured = |m| LedgerState::Captured(MinorUnits::new(m));
        let ledger = Ledger {
            payments: vec![
                pay(HOUR, 100, captured(100), old),
                pay(2 * HOUR, 200, captured(200), renamed),
                pay(2 * HOUR, 300, captured(300), unnamed),
                pay(2 * HOUR, 400, captured(400), outside),
            ],
            refunds: vec![],
        };
        let d = day(&ledger, None);
        let labels: Vec<&str> = d.currencies[0].by_till.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["Till 1", "not from a till", "till 22222222"]);
        let staff: Vec<&str> = d.currencies[0].by_staff.iter().map(|s| s.line.label.as_str()).collect();
        assert_eq!(
            staff,
            // By gross, largest first; equal ones by name.
            [
                "unattributed (not from a till)",
                "staff 11111111 (Till 1)",
                "unattributed (till 22222222)"
            ]
        );
    }

    /// This till's line carries its own cache, flagged when the two differ
    /// in any count or amount; a till with no line at the gateway still
    /// shows what its cache holds.
    #[test]
    fn this_tills_cache_is_checked_against_the_gateway() {
        let me = by("t-me", "Till 1", None);
        let other = by("t-other", "Bar", None);
        let captured = LedgerState::Captured(MinorUnits::new(1000));
        let ledger = Ledger {
            payments: vec![pay(HOUR, 1000, captured, me.clone()), pay(HOUR, 1000, captured, other)],
            refunds: vec![refund(2 * HOUR, 300, true, me)],
        };
        let same = figures(1000, 1, 300, 1);
        let d = day(&ledger, Some(("t-me", &same)));
        let mine = d.currencies[0].by_till.iter().find(|t| t.this_till).cloned();
        assert!(
            mine.as_ref().is_some_and(|t| !t.differs && t.cache.is_some()),
            "{mine:?}"
        );
        assert!(!d.differs);
        let bar = d.currencies[0].by_till.iter().find(|t| t.label == "Bar");
        assert!(bar.is_some_and(|t| t.cache.is_none() && !t.this_till));
        for wrong in [
            figures(0, 0, 300, 1),
            figures(1000, 1, 0, 0),
            figures(1001, 1, 300, 1),
            figures(1000, 2, 300, 1),
        ] {
            assert!(day(&ledger, Some(("t-me", &wrong))).differs);
        }
        // The gateway has nothing of this till's: its cache still shows.
        let d = day(&ledger, Some(("t-new", &same)));
        let new = d.currencies[0].by_till.iter().find(|t| t.terminal_id == "t-new");
        assert!(new.is_some_and(|t| t.differs && t.line.sales == 0), "{new:?}");
    }

    #[test]
    fn a_ledger_waiting_on_the_gateway_is_not_settled() {
        let who = by("t", "", None);
        let mut ledger = Ledger {
            payments: vec![pay(HOUR, 100, LedgerState::Voided, who.clone())],
            refunds: vec![refund(HOUR, 100, true, who.clone())],
        };
        ledger
            .payments
            .push(pay(HOUR, 100, LedgerState::Unfinished, who.clone()));
        assert!(ledger.settled(), "abandoned a day later");
        ledger.payments.push(pay(HOUR, 100, LedgerState::Held, who.clone()));
        assert!(!ledger.settled());
        ledger.payments.pop();
        ledger.refunds.push(refund(HOUR, 100, false, who));
        assert!(!ledger.settled());
    }
}
