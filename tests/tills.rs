//! Several tills, one shop, through the real parts: two tills and a back
//! office, each its own data folder and keychain entries, against one
//! localstripe over real TLS. The shop's combined day is read by the back
//! office from the gateway alone, and must add up, to the minor unit, to
//! each till's own day view, by till and by staff member. What each till
//! sent is checked in the gateway's raw records (JSON, not the product's
//! parser), and staff ids in each till's own SQLite file.

use std::collections::BTreeMap;

use merchant_tests::{
    live_terminal_with, merchantctl, merchantctl_as, KeyringSession, Localstripe, TerminalHome, TestPki, TestResult,
};
use serde_json::Value;

const CAS_PIN: &str = "583920";

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn ok(out: &std::process::Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {} stderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    json(out)
}

fn usd(report: &Value) -> Value {
    report["currencies"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["currency"] == "USD"))
        .cloned()
        .unwrap_or(Value::Null)
}

/// A till: its data folder, its terminal id (from the gateway's records)
/// and its staff (from its own database file).
struct Till {
    home: TerminalHome,
    terminal_id: String,
    staff: BTreeMap<String, String>,
}

/// Gross and refunds of a line, in minor units.
fn money(line: &Value) -> (i64, i64, i64, i64) {
    (
        line["sales"].as_i64().unwrap_or(-1),
        line["gross"].as_i64().unwrap_or(-1),
        line["refund_count"].as_i64().unwrap_or(-1),
        line["refunds"].as_i64().unwrap_or(-1),
    )
}

#[test]
fn the_back_office_reads_the_whole_shop_day_and_it_adds_up_to_each_tills_own() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let s = Some(&session);
    let till_homes = [
        live_terminal_with(&session, &pki, &gateway, 5_000, 2)?,
        live_terminal_with(&session, &pki, &gateway, 5_000, 2)?,
    ];
    let office = live_terminal_with(&session, &pki, &gateway, 5_000, 2)?;
    // The one card localstripe declines on PaymentIntents.
    let declined = gateway.card(&pki, "4000000000000341")?;

    let names = ["Till 1", "Bar"];
    let mut sales: Vec<Vec<(String, &str)>> = Vec::new();
    for (home, name) in till_homes.iter().zip(names) {
        let out = ok(&merchantctl(s, home, &["--json", "till", "name", name])?);
        assert_eq!(out["till"], name);
        ok(&merchantctl_as(
            s,
            home,
            "Owner",
            "424242",
            &["--json", "staff", "add", "--name=Cas", "--role", "cashier"],
            &format!("{CAS_PIN}\n"),
        )?);
        let charge = |staff: &str, pin: &str, args: &[&str]| -> TestResult<String> {
            let mut full = vec!["--json", "charge"];
            full.extend_from_slice(args);
            let out = merchantctl_as(s, home, staff, pin, &full, "")?;
            Ok(json(&out)["sale"]["id"].as_str().unwrap_or_default().to_string())
        };
        let visa = ["--payment-method", "pm_card_visa"];
        let a = charge("Owner", "424242", &["10.00", visa[0], visa[1]])?;
        let b = charge("Cas", CAS_PIN, &["25.50", visa[0], visa[1]])?;
        let held = charge("Owner", "424242", &["15.00", visa[0], visa[1], "--manual-capture"])?;
        charge("Cas", CAS_PIN, &["20.00", "--payment-method", &declined])?;
        ok(&merchantctl(s, home, &["--json", "void", &held])?);
        // A partial refund by the cashier, one by the owner.
        ok(&merchantctl_as(
            s,
            home,
            "Cas",
            CAS_PIN,
            &["--json", "refund", &b, "--amount", "5.25"],
            "",
        )?);
        ok(&merchantctl(s, home, &["--json", "refund", &a, "--amount", "4.00"])?);
        sales.push(vec![(a, "Owner"), (b, "Cas"), (held, "Owner")]);
    }

    // What each till sent, in the gateway's raw records: its name, its id
    // and the staff member's id, never a name.
    let mut tills = Vec::new();
    for ((home, name), sold) in till_homes.into_iter().zip(names).zip(&sales) {
        let db = rusqlite::Connection::open(home.path().join("terminal.sqlite3"))?;
        let staff: BTreeMap<String, String> = db
            .prepare("SELECT name, id FROM staff")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut terminal_id = String::new();
        for (sale, who) in sold {
            let pi = gateway.intents_for_sale(&pki, sale)?;
            let meta = &pi[0]["metadata"];
            assert_eq!(meta["till_name"], name, "{meta}");
            assert_eq!(meta["staff_id"].as_str(), staff.get(*who).map(String::as_str), "{meta}");
            assert!(
                !meta.to_string().contains("Cas\""),
                "no staff name at the gateway: {meta}"
            );
            terminal_id = meta["terminal_id"].as_str().unwrap_or_default().to_string();
        }
        assert!(!terminal_id.is_empty());
        tills.push(Till {
            home,
            terminal_id,
            staff,
        });
    }
    let refunds = gateway.get(&pki, "v1/refunds?limit=100")?;
    let refunds = refunds["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(refunds.len(), 4);
    for r in &refunds {
        let id = r["metadata"]["terminal_id"].as_str().unwrap_or_default();
        let till = tills.iter().find(|t| t.terminal_id == id);
        let staff = r["metadata"]["staff_id"].as_str().unwrap_or_default();
        assert!(till.is_some_and(|t| t.staff.values().any(|s| s == staff)), "{r}");
    }

    // The back office: the gateway key, no counter.
    let on = ok(&merchantctl(s, &office, &["--json", "back-office", "enable"])?);
    assert_eq!(on["back_office"], true);
    let refused = merchantctl(
        s,
        &office,
        &["--json", "charge", "1.00", "--payment-method", "pm_card_visa"],
    )?;
    assert_eq!(
        json(&refused)["error"]["code"],
        "back_office",
        "{}",
        String::from_utf8_lossy(&refused.stdout)
    );
    let intents = gateway.get(&pki, "v1/payment_intents?limit=100")?;
    assert_eq!(
        intents["data"].as_array().map(Vec::len),
        Some(8),
        "the refused charge never reached the gateway"
    );
    // A till that has taken payments cannot become one.
    let not_fresh = merchantctl(s, &tills[0].home, &["--json", "back-office", "enable"])?;
    assert_eq!(json(&not_fresh)["error"]["code"], "back_office");

    let out = merchantctl(s, &office, &["--json", "report", "shop"])?;
    let shop = ok(&out)["shop"].clone();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("day 1 of 1"),
        "progress is shown: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shop_usd = usd(&shop);
    let mut sum = (0, 0, 0, 0);
    for (till, name) in tills.iter().zip(names) {
        let day = ok(&merchantctl(s, &till.home, &["--json", "report", "day"])?);
        let own = usd(&day["report"]["figures"]);
        let m = money(&own);
        sum = (sum.0 + m.0, sum.1 + m.1, sum.2 + m.2, sum.3 + m.3);
        // The till's line at the back office is the till's own day.
        let line = shop_usd["by_till"]
            .as_array()
            .and_then(|l| l.iter().find(|t| t["terminal_id"] == till.terminal_id.as_str()))
            .cloned()
            .unwrap_or(Value::Null);
        assert_eq!(line["label"], name);
        assert_eq!(money(&line["line"]), m, "{name}: {line} vs {own}");
        assert_eq!(line["cache"], Value::Null, "a back office has no till's cache");
        // And each staff member's line is theirs on the till's own view.
        for (person, id) in &till.staff {
            let at_office = shop_usd["by_staff"]
                .as_array()
                .and_then(|l| {
                    l.iter()
                        .find(|x| x["terminal_id"] == till.terminal_id.as_str() && x["staff_id"] == id.as_str())
                })
                .map(|x| money(&x["line"]));
            let at_till = own["by_staff"]
                .as_array()
                .and_then(|l| l.iter().find(|x| x["label"] == person.as_str()))
                .map(money);
            assert_eq!(at_office, at_till, "{name} {person}");
            assert!(at_till.is_some_and(|m| m.0 > 0), "{name} {person} sold");
        }
        assert_eq!(own["voided_count"], 1);
        assert_eq!(own["declined_count"], 1);
    }
    assert_eq!(money(&shop_usd), sum);
    // And to the gateway's raw records, read without the product's parser.
    let raw = gateway.get(&pki, "v1/payment_intents?limit=100")?;
    let raw = raw["data"].as_array().cloned().unwrap_or_default();
    let taken: Vec<i64> = raw
        .iter()
        .filter(|pi| pi["status"] == "succeeded")
        .filter_map(|pi| pi["amount_received"].as_i64())
        .collect();
    let returned: Vec<i64> = refunds
        .iter()
        .filter(|r| r["status"] == "succeeded")
        .filter_map(|r| r["amount"].as_i64())
        .collect();
    assert_eq!(
        (
            taken.len() as i64,
            taken.iter().sum::<i64>(),
            returned.len() as i64,
            returned.iter().sum::<i64>()
        ),
        sum,
        "the gateway's own records"
    );
    assert_eq!(sum, (4, 2 * (1000 + 2550), 4, 2 * (525 + 400)));
    assert_eq!(shop_usd["net"], sum.1 - sum.3);
    assert_eq!(shop_usd["voided_count"], 2);
    assert_eq!(shop_usd["declined_count"], 2);
    assert_eq!(shop["differs"], false);
    let brands: Vec<&str> = shop_usd["by_brand"]
        .as_array()
        .map(|b| b.iter().filter_map(|l| l["label"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(brands, ["visa"]);
    // At the back office, staff are named by a short id and their till.
    let text = String::from_utf8_lossy(&merchantctl(s, &office, &["report", "shop"])?.stdout).into_owned();
    let id = &tills[1].staff["Cas"];
    let short = &id[id.len() - 8..];
    assert!(text.contains(&format!("staff {short} (Bar)")), "{text}");
    assert!(!text.contains("Cas"), "names stay on their till: {text}");

    // On a till, its own line is checked against its cache, and its staff
    // are named.
    let at_till = ok(&merchantctl(s, &tills[0].home, &["--json", "report", "shop"])?)["shop"].clone();
    let mine = usd(&at_till)["by_till"]
        .as_array()
        .and_then(|l| l.iter().find(|t| t["this_till"] == true))
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(
        (mine["label"].as_str(), mine["differs"].as_bool()),
        (Some("Till 1"), Some(false))
    );
    assert_eq!(money(&mine["cache"]), money(&mine["line"]));
    let text = String::from_utf8_lossy(&merchantctl(s, &tills[0].home, &["report", "shop"])?.stdout).into_owned();
    assert!(
        text.contains("Cas (Till 1)") && text.contains("Owner (Till 1)"),
        "{text}"
    );

    // A sale lost from one till's cache is flagged for that till, and only
    // there: the combined figures stay the gateway's.
    let db = rusqlite::Connection::open(tills[0].home.path().join("live/cache.sqlite3"))?;
    let lost = &sales[0][1].0;
    db.execute("DELETE FROM refunds WHERE sale_id = ?1", [lost])?;
    assert_eq!(db.execute("DELETE FROM sales WHERE id = ?1", [lost])?, 1);
    drop(db);
    let out = merchantctl(s, &tills[0].home, &["--json", "report", "shop"])?;
    assert_eq!(out.status.code(), Some(4), "a difference exits 4");
    let flagged = json(&out)["shop"].clone();
    assert_eq!(flagged["differs"], true);
    let mine = usd(&flagged)["by_till"]
        .as_array()
        .and_then(|l| l.iter().find(|t| t["this_till"] == true))
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(mine["differs"], true);
    assert_eq!(money(&mine["cache"]), (1, 1000, 1, 400));
    assert_eq!(money(&mine["line"]), (2, 1000 + 2550, 2, 400 + 525));
    assert_eq!(money(&usd(&flagged)), sum, "the shop's figures are the gateway's");
    let text = String::from_utf8_lossy(&merchantctl(s, &tills[0].home, &["report", "shop"])?.stdout).into_owned();
    assert!(
        text.contains("! Till 1: its own records show 1 sale(s) $10.00"),
        "{text}"
    );

    // The combined rows, formula-safe, every till's.
    let csv = office.path().join("shop.csv");
    let csv_arg = csv.display().to_string();
    let out = ok(&merchantctl(
        s,
        &office,
        &["--json", "report", "shop-csv", "--out", &csv_arg],
    )?);
    assert_eq!(out["rows"], 8 + 4);
    let rows = std::fs::read_to_string(&csv)?;
    assert!(rows.starts_with("record,created_utc,created_local,till,staff,status,amount,captured,currency,card"));
    assert_eq!(rows.lines().filter(|l| l.contains(",Bar,")).count(), 6, "{rows}");
    assert!(!rows.contains("4242"), "no last 4 in the shop's rows");

    // The till's name is on its receipts and its Z report.
    let receipt =
        String::from_utf8_lossy(&merchantctl(s, &tills[1].home, &["receipt", &sales[1][0].0])?.stdout).into_owned();
    assert!(receipt.contains("Till: Bar"), "{receipt}");
    let z = String::from_utf8_lossy(&merchantctl(s, &tills[1].home, &["report", "close"])?.stdout).into_owned();
    assert!(z.contains("Till: Bar"), "{z}");
    Ok(())
}

#[test]
fn the_shop_day_is_read_from_the_live_gateway_only() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let out = merchantctl(Some(&session), &home, &["--json", "report", "shop"])?;
    assert_eq!(json(&out)["error"]["code"], "live_not_configured");
    // A back office needs the gateway key it reads with.
    let out = merchantctl(Some(&session), &home, &["--json", "back-office", "enable"])?;
    assert_eq!(json(&out)["error"]["code"], "live_not_configured");
    // A till's name is checked as the shop's details are.
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "till", "name", "4242 4242 4242 4242"],
    )?;
    assert_eq!(json(&out)["error"]["code"], "invalid_input");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("4242"), "never echoed");
    let long = "x".repeat(40);
    let out = merchantctl(Some(&session), &home, &["--json", "till", "name", &long])?;
    assert!(String::from_utf8_lossy(&out.stdout).contains("till name is too long"));
    Ok(())
}

/// `YYYY-MM-DD` of the UTC day `days` before today (Hinnant's civil date
/// from a day count).
fn utc_date(days_ago: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let z = now.div_euclid(86_400) - days_ago + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A day that can no longer change is read from the gateway once, then
/// from the sealed copy kept in the cache; today is read every time.
#[test]
fn a_settled_day_is_read_from_the_gateway_once() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let s = Some(&session);
    let till = live_terminal_with(&session, &pki, &gateway, 5_000, 0)?;
    ok(&merchantctl(s, &till, &["--json", "time-zone", "UTC"])?);
    ok(&merchantctl(
        s,
        &till,
        &["--json", "charge", "9.00", "--payment-method", "pm_card_visa"],
    )?);
    let (from, to, today) = (utc_date(6), utc_date(2), utc_date(0));
    // At most 92 days a look; a reversed range is refused too.
    let long = merchantctl(
        s,
        &till,
        &["--json", "report", "shop", "--from", &utc_date(92), "--to", &today],
    )?;
    assert_eq!(json(&long)["error"]["code"], "invalid_input");
    assert!(String::from_utf8_lossy(&long.stdout).contains("at most 92 days"));
    let reversed = merchantctl(s, &till, &["--json", "report", "shop", "--from", &today, "--to", &from])?;
    assert_eq!(json(&reversed)["error"]["code"], "invalid_input");
    let past = ["--json", "report", "shop", "--from", &from, "--to", &to];
    let first = ok(&merchantctl(s, &till, &past)?)["shop"].clone();
    assert_eq!(
        (first["days_from_gateway"].as_i64(), first["days_kept"].as_i64()),
        (Some(5), Some(0))
    );

    // Every listing at the gateway now fails: the past days come from the
    // copy, and no request was made for them.
    let fail = |path: &str| serde_json::json!({"path": path, "method": "GET", "kind": "status_before", "status": 500, "repeat": true});
    gateway.faults(
        &pki,
        serde_json::json!([fail("/v1/payment_intents"), fail("/v1/refunds")]),
    )?;
    let again = ok(&merchantctl(s, &till, &past)?)["shop"].clone();
    assert_eq!(
        (again["days_from_gateway"].as_i64(), again["days_kept"].as_i64()),
        (Some(0), Some(5))
    );
    assert_eq!(again["currencies"], first["currencies"]);
    let fired = gateway.get(&pki, "_faults")?;
    assert_eq!(
        fired["fired"]
            .as_object()
            .map(|f| f.values().filter_map(Value::as_u64).sum::<u64>()),
        Some(0),
        "{fired}"
    );

    // Today can still change: read from the gateway each time (and here
    // refused, as the gateway is failing).
    let now = merchantctl(s, &till, &["--json", "report", "shop", "--from", &today])?;
    assert_eq!(
        json(&now)["error"]["code"],
        "gateway_unreachable",
        "{}",
        String::from_utf8_lossy(&now.stdout)
    );
    gateway.clear_faults(&pki)?;
    let now = ok(&merchantctl(s, &till, &["--json", "report", "shop", "--from", &today])?)["shop"].clone();
    assert_eq!(
        (now["days_from_gateway"].as_i64(), now["days_kept"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(usd(&now)["gross"], 900);
    Ok(())
}
