//! Report figures against hand-computed expectations, on a data set with
//! two currencies (one without decimals), partial refunds, a partial
//! capture, a void, a decline, a held authorisation and a day boundary in
//! New York that is not the UTC one.

use jiff::civil::date;
use rusqlite::params;

use super::closing::{self, Change};
use super::*;
use crate::gateway::{CaptureMode, GatewayRef, IdempotencyKey, RefundReason};
use crate::messages::Catalog;
use crate::money::Money;
use crate::store::{NewRefund, NewSale, RefundStatus, SaleStatus, Settlement};
use crate::vault::Sealer;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

const ZONE: &str = "America/New_York";

fn sealer() -> Sealer {
    crate::testing::sealer(5)
}

/// Milliseconds of a New York wall-clock time.
fn ny(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
    date(y, mo, d)
        .at(h, mi, 0, 0)
        .in_tz(ZONE)
        .expect("a New York time")
        .timestamp()
        .as_millisecond()
}

use crate::testing::at;

struct Data {
    store: Store,
    _dir: tempfile::TempDir,
}

impl Data {
    fn new() -> std::result::Result<Self, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        Ok(Self {
            store: Store::open(&dir.path().join("cache.sqlite3"), sealer())?,
            _dir: dir,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn sale(
        &self,
        ms: i64,
        amount: i64,
        currency: Currency,
        status: SaleStatus,
        captured: Option<i64>,
        brand: &str,
        staff: &str,
    ) -> std::result::Result<SaleId, Box<dyn std::error::Error>> {
        let id = SaleId::new();
        self.store.insert_pending(&NewSale {
            id,
            staff_id: Some(staff.into()),
            description: Some("coffee".into()),
            created_at: at(ms),
            ..crate::testing::journaled(Money::new(MinorUnits::new(amount), currency))
        })?;
        self.store.settle(
            id,
            &Settlement {
                status,
                captured: captured.map(MinorUnits::new),
                risk: None,
                outcome_code: None,
                gateway_ref: Some(GatewayRef(format!("pi_{id}"))),
                card: Some(crate::testing::card(brand)),
            },
        )?;
        Ok(id)
    }

    fn refund(
        &self,
        sale: SaleId,
        ms: i64,
        amount: i64,
        currency: Currency,
        staff: &str,
    ) -> std::result::Result<String, Box<dyn std::error::Error>> {
        let id = uuid::Uuid::now_v7().to_string();
        self.store.insert_pending_refund(&NewRefund {
            id: id.clone(),
            sale_id: sale,
            terminal_id: "t1".into(),
            money: Money::new(MinorUnits::new(amount), currency),
            reason: RefundReason::RequestedByCustomer,
            idempotency_key: IdempotencyKey::generate(),
            note: None,
            staff_id: Some(staff.into()),
            created_at: at(ms),
        })?;
        self.store.settle_refund(
            &id,
            RefundStatus::Succeeded,
            None,
            Some(&GatewayRef(format!("re_{id}"))),
        )?;
        Ok(id)
    }
}

/// The report's names: staff by `names`, other words in English.
fn named() -> super::Names<'static> {
    static ENGLISH: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    super::Names {
        staff: &names,
        words: ENGLISH.get_or_init(Catalog::default),
    }
}

fn names(id: &str) -> String {
    match id {
        "a" => "Ana".into(),
        "b" => "=HYPERLINK(\"http://x\")".into(),
        other => other.into(),
    }
}

/// The data set; returns the id of the held authorisation.
fn seed(d: &Data) -> std::result::Result<SaleId, Box<dyn std::error::Error>> {
    use Currency::{Jpy, Usd};
    use SaleStatus::*;
    // Nov 27 local, 04:30 UTC on Nov 28: belongs to Nov 27.
    let s8 = d.sale(ny(2026, 11, 27, 23, 30), 500, Usd, Approved, Some(500), "visa", "a")?;
    d.sale(ny(2026, 11, 28, 0, 15), 1250, Usd, Approved, Some(1250), "visa", "a")?;
    let s2 = d.sale(
        ny(2026, 11, 28, 9, 10),
        3000,
        Usd,
        Approved,
        Some(3000),
        "mastercard",
        "b",
    )?;
    d.refund(s2, ny(2026, 11, 28, 10, 5), 1000, Usd, "a")?;
    d.refund(s2, ny(2026, 11, 28, 10, 20), 500, Usd, "a")?;
    let held = d.sale(ny(2026, 11, 28, 11, 0), 725, Usd, Authorized, None, "visa", "a")?;
    d.sale(ny(2026, 11, 28, 11, 30), 2000, Usd, Voided, None, "visa", "a")?;
    d.sale(ny(2026, 11, 28, 12, 0), 9999, Usd, Declined, None, "visa", "b")?;
    // Partial capture: 50.00 authorised, 45.00 taken.
    d.sale(
        ny(2026, 11, 28, 14, 0),
        5000,
        Usd,
        Approved,
        Some(4500),
        "MasterCard",
        "b",
    )?;
    let s6 = d.sale(ny(2026, 11, 28, 13, 0), 1250, Jpy, Approved, Some(1250), "visa", "a")?;
    d.refund(s6, ny(2026, 11, 28, 13, 30), 250, Jpy, "a")?;
    d.sale(ny(2026, 11, 28, 23, 59), 800, Jpy, Approved, Some(800), "amex", "b")?;
    // Midnight exactly: the next day.
    d.sale(ny(2026, 11, 29, 0, 0), 4000, Usd, Approved, Some(4000), "visa", "a")?;
    // Yesterday's sale refunded today counts in today's refunds.
    d.refund(s8, ny(2026, 11, 28, 8, 0), 500, Usd, "a")?;
    Ok(held)
}

fn line<'a>(lines: &'a [Line], label: &str) -> std::result::Result<&'a Line, String> {
    lines
        .iter()
        .find(|l| l.label == label)
        .ok_or_else(|| format!("no line {label}"))
}

fn day(d: &Data, from: &str, to: &str) -> Result<Figures> {
    let zone = ShopZone::new(Some(ZONE))?;
    let period = DateRange::parse(from, to)?.period(&zone)?;
    figures(&d.store, period, &zone, false, &named())
}

#[test]
fn day_view_matches_hand_computed_figures() -> TestResult {
    let d = Data::new()?;
    seed(&d)?;
    let f = day(&d, "2026-11-28", "2026-11-28")?;
    assert_eq!(f.from_local, "2026-11-28 00:00");
    assert_eq!(f.period.to_ms - f.period.from_ms, 24 * 3_600_000);
    let codes: Vec<_> = f.currencies.iter().map(|c| c.currency).collect();
    assert_eq!(codes, vec![Currency::Jpy, Currency::Usd]);

    let usd = &f.currencies[1];
    assert_eq!((usd.sales, usd.gross.get()), (3, 1250 + 3000 + 4500));
    assert_eq!((usd.refund_count, usd.refunds.get()), (3, 1000 + 500 + 500));
    assert_eq!(usd.net.get(), 8750 - 2000);
    assert_eq!(usd.average_ticket.get(), 2917, "8750 / 3 = 2916.67, rounded half up");
    assert_eq!((usd.held_count, usd.held.get()), (1, 725));
    assert_eq!((usd.voided_count, usd.declined_count, usd.in_doubt_count), (1, 1, 0));
    assert_eq!(usd.by_hour.len(), 24);
    assert_eq!((usd.by_hour[0].sales, usd.by_hour[0].gross.get()), (1, 1250));
    assert_eq!((usd.by_hour[8].refund_count, usd.by_hour[8].refunds.get()), (1, 500));
    assert_eq!(usd.by_hour[9].gross.get(), 3000);
    assert_eq!((usd.by_hour[10].refund_count, usd.by_hour[10].refunds.get()), (2, 1500));
    assert_eq!(usd.by_hour[14].gross.get(), 4500);
    let hours: i64 = usd.by_hour.iter().map(|h| h.gross.get()).sum();
    assert_eq!(hours, usd.gross.get());
    // Brands are grouped case-insensitively, biggest first.
    let labels: Vec<_> = usd.by_brand.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(labels, vec!["mastercard", "visa"]);
    let mc = line(&usd.by_brand, "mastercard")?;
    assert_eq!((mc.sales, mc.gross.get(), mc.refunds.get()), (2, 7500, 1500));
    let visa = line(&usd.by_brand, "visa")?;
    assert_eq!((visa.sales, visa.gross.get(), visa.refunds.get()), (1, 1250, 500));
    let ana = line(&usd.by_staff, "Ana")?;
    assert_eq!(
        (ana.sales, ana.gross.get(), ana.refund_count, ana.refunds.get()),
        (1, 1250, 3, 2000)
    );
    let b = line(&usd.by_staff, "=HYPERLINK(\"http://x\")")?;
    assert_eq!((b.sales, b.gross.get()), (2, 7500));
    assert_eq!(usd.by_day.len(), 1);
    assert_eq!(usd.by_day[0].label, "2026-11-28");

    let jpy = &f.currencies[0];
    assert_eq!(
        (jpy.sales, jpy.gross.get(), jpy.refunds.get(), jpy.net.get()),
        (2, 2050, 250, 1800)
    );
    assert_eq!(jpy.average_ticket.get(), 1025);
    assert_eq!(
        (jpy.by_hour[13].gross.get(), jpy.by_hour[13].refunds.get()),
        (1250, 250)
    );
    assert_eq!(jpy.by_hour[23].gross.get(), 800);
    assert_eq!(line(&jpy.by_brand, "amex")?.gross.get(), 800);
    Ok(())
}

#[test]
fn days_are_local_days() -> TestResult {
    let d = Data::new()?;
    seed(&d)?;
    let before = day(&d, "2026-11-27", "2026-11-27")?;
    assert_eq!(before.currencies.len(), 1);
    assert_eq!(
        (before.currencies[0].gross.get(), before.currencies[0].refunds.get()),
        (500, 0)
    );
    let after = day(&d, "2026-11-29", "2026-11-29")?;
    assert_eq!(after.currencies[0].gross.get(), 4000);
    let range = day(&d, "2026-11-27", "2026-11-29")?;
    let usd = range
        .currencies
        .iter()
        .find(|c| c.currency == Currency::Usd)
        .ok_or("usd")?;
    assert_eq!(usd.gross.get(), 500 + 8750 + 4000);
    let days: Vec<_> = usd.by_day.iter().map(|l| (l.label.as_str(), l.gross.get())).collect();
    assert_eq!(
        days,
        vec![("2026-11-27", 500), ("2026-11-28", 8750), ("2026-11-29", 4000)]
    );
    // The day clocks go back in New York has 25 hours.
    let zone = ShopZone::new(Some(ZONE))?;
    let p = DateRange::parse("2026-11-01", "2026-11-01")?.period(&zone)?;
    assert_eq!(p.to_ms - p.from_ms, 25 * 3_600_000);
    Ok(())
}

#[test]
fn bad_ranges_and_zones_are_refused_clearly() {
    for (from, to) in [
        ("2026-11-28", "2026-11-27"),
        ("28/11/2026", "2026-11-28"),
        ("2026-02-30", "2026-03-01"),
        ("2020-01-01", "2026-01-01"),
        ("'; DROP TABLE sales; --", "2026-11-28"),
    ] {
        let e = DateRange::parse(from, to);
        assert!(matches!(e, Err(ReportError::InvalidRange(_))), "{from}..{to}: {e:?}");
    }
    assert!(matches!(
        ShopZone::new(Some("Mars/Olympus")),
        Err(ReportError::UnknownTimeZone)
    ));
}

#[test]
fn z_report_is_numbered_immutable_and_reprints_identically() -> TestResult {
    let d = Data::new()?;
    let held = seed(&d)?;
    let zone = ShopZone::new(Some(ZONE))?;
    let close_at = ny(2026, 11, 29, 1, 0);
    let z1 = closing::close_day(&d.store, &zone, false, &named(), "Ana", &[], close_at)?;
    assert_eq!(z1.number, 1);
    assert_eq!(z1.figures.period.from_ms, ny(2026, 11, 27, 23, 30));
    assert_eq!(z1.items, 10 + 4);
    let usd = z1
        .figures
        .currencies
        .iter()
        .find(|c| c.currency == Currency::Usd)
        .ok_or("usd")?;
    assert_eq!(usd.gross.get(), 500 + 8750 + 4000);

    let pdf = crate::pdf::render(&print::z_lines(&Catalog::default(), &z1));
    assert!(pdf.starts_with(b"%PDF-"));
    let again = closing::load(&d.store, 1, &zone)?;
    assert_eq!(again, z1);
    assert_eq!(
        crate::pdf::render(&print::z_lines(&Catalog::default(), &again)),
        pdf,
        "a reprint is byte-identical"
    );
    assert!(closing::discrepancies(&d.store, 1)?.is_empty());

    // SQLite itself refuses edits, deletes and out-of-order numbers.
    let conn = d.store.conn();
    assert!(conn
        .execute("UPDATE closings SET figures = '{}' WHERE number = 1", [])
        .is_err());
    assert!(conn.execute("DELETE FROM closing_items", []).is_err());
    assert!(conn
        .execute(
            "INSERT INTO closings VALUES (5, 0, ?1, ?2, 'x', 'UTC', '{}', '')",
            params![close_at, close_at + 1]
        )
        .is_err());
    drop(conn);

    // A later capture of a covered authorisation is a discrepancy, not a new figure.
    d.store.settle(
        held,
        &Settlement {
            status: SaleStatus::Approved,
            captured: Some(MinorUnits::new(725)),
            risk: None,
            outcome_code: None,
            gateway_ref: None,
            card: None,
        },
    )?;
    let found = closing::discrepancies(&d.store, 1)?;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].change, Change::Changed);
    assert_eq!(found[0].id, held.to_string());
    assert_eq!(found[0].closed.as_deref(), Some("authorized 725 USD captured 0"));
    assert_eq!(found[0].now.as_deref(), Some("approved 725 USD captured 725"));
    assert_eq!(
        crate::pdf::render(&print::z_lines(
            &Catalog::default(),
            &closing::load(&d.store, 1, &zone)?
        )),
        pdf
    );

    // The next close starts where the last ended.
    let z2 = closing::close_day(&d.store, &zone, false, &named(), "Ana", &[], close_at + 60_000)?;
    assert_eq!((z2.number, z2.figures.period.from_ms, z2.items), (2, close_at, 0));
    Ok(())
}

#[test]
fn a_day_with_a_sale_in_doubt_cannot_be_closed() -> TestResult {
    let d = Data::new()?;
    d.store.insert_pending(&NewSale {
        id: SaleId::new(),
        terminal_id: "t1".into(),
        money: Money::new(MinorUnits::new(100), Currency::Usd),
        idempotency_key: IdempotencyKey::generate(),
        source: "reader",
        capture: CaptureMode::Automatic,
        staff_id: None,
        description: None,
        created_at: at(ny(2026, 11, 28, 9, 0)),
    })?;
    let zone = ShopZone::new(Some(ZONE))?;
    let r = closing::close_day(&d.store, &zone, false, &named(), "Ana", &[], ny(2026, 11, 28, 22, 0));
    assert!(matches!(r, Err(ReportError::InDoubtInPeriod(1))), "{r:?}");
    assert!(closing::list(&d.store)?.is_empty());
    Ok(())
}

#[test]
fn csv_round_trips_and_neutralises_formulas() -> TestResult {
    let d = Data::new()?;
    seed(&d)?;
    let zone = ShopZone::new(Some(ZONE))?;
    let period = DateRange::parse("2026-11-28", "2026-11-28")?.period(&zone)?;
    let mut out = Vec::new();
    let rows = csv::write(&d.store, period, &zone, &names, &Catalog::default(), &mut out)?;
    assert_eq!(rows, 8 + 4);
    let mut reader = ::csv::Reader::from_reader(out.as_slice());
    let english = [
        "record",
        "id",
        "sale_id",
        "created_utc",
        "created_local",
        "status",
        "amount",
        "captured",
        "currency",
        "card",
        "staff",
        "refund_reason",
    ];
    assert_eq!(reader.headers()?.iter().collect::<Vec<_>>(), english);
    // The headings follow the shop's language; the cells do not.
    let mut german = Vec::new();
    csv::write(
        &d.store,
        period,
        &zone,
        &names,
        &Catalog::of(crate::locale::Language::De),
        &mut german,
    )?;
    let german = String::from_utf8(german)?;
    let mut lines = german.lines();
    assert!(
        lines
            .next()
            .is_some_and(|h| h.starts_with("Vorgang,") && h.contains("Betrag")),
        "{german}"
    );
    let english_body: Vec<&str> = std::str::from_utf8(&out)?.lines().skip(1).collect();
    assert_eq!(lines.count(), english_body.len());
    let records: Vec<::csv::StringRecord> = reader.records().collect::<std::result::Result<_, _>>()?;
    assert_eq!(records.len(), 12);
    for r in &records {
        for cell in r.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell could run as a formula: {cell:?}"
            );
        }
    }
    let jpy = records
        .iter()
        .find(|r| &r[8] == "JPY" && &r[0] == "sale" && &r[6] == "1250")
        .ok_or("jpy sale")?;
    assert_eq!(&jpy[9], "visa ending 4242");
    assert_eq!(&jpy[4], "2026-11-28T13:00:00-05:00");
    assert_eq!(&jpy[3], "2026-11-28T18:00:00Z");
    let partial = records.iter().find(|r| &r[6] == "50.00").ok_or("partial capture")?;
    assert_eq!((&partial[7], &partial[10]), ("45.00", "'=HYPERLINK(\"http://x\")"));
    let refunds: Vec<_> = records.iter().filter(|r| &r[0] == "refund").collect();
    assert_eq!(refunds.len(), 4);
    assert!(refunds
        .iter()
        .all(|r| &r[5] == "succeeded" && &r[11] == "requested_by_customer"));
    // Sums from the file equal the day view's.
    let usd_gross: i64 = records
        .iter()
        .filter(|r| &r[0] == "sale" && &r[8] == "USD" && &r[5] == "approved")
        .map(|r| r[7].replace('.', "").parse::<i64>().unwrap_or(0))
        .sum();
    assert_eq!(usd_gross, 8750);
    Ok(())
}

#[test]
fn neutralise_only_touches_dangerous_first_characters() {
    for (cell, want) in [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("12.50", "12.50"),
        ("a=b", "a=b"),
        ("", ""),
    ] {
        assert_eq!(csv::neutralise(cell), want);
    }
}
