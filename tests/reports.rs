//! Owner's reports through the real parts: `merchantctl` with a real
//! keychain and real SQLite files, in training mode and in live mode
//! against localstripe over real TLS (reconciliation).

use merchant_tests::{
    live_terminal_with, merchantctl, merchantctl_as, pdf_text, shows_card_number, KeyringSession, Localstripe,
    TerminalHome, TestPki, TestResult,
};
use serde_json::Value;

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

fn currency<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["currencies"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["currency"] == code))
        .unwrap_or(&Value::Null)
}

fn line<'a>(lines: &'a Value, label: &str) -> &'a Value {
    lines
        .as_array()
        .and_then(|ls| ls.iter().find(|l| l["label"] == label))
        .unwrap_or(&Value::Null)
}

const EVE_PIN: &str = "731946";

#[test]
fn training_day_view_close_of_day_and_csv() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let s = Some(&session);
    // A shop far from UTC: its day is not the UTC day.
    ok(&merchantctl(s, &home, &["--json", "time-zone", "Pacific/Auckland"])?);
    ok(&merchantctl_as(
        s,
        &home,
        "Owner",
        "424242",
        &["--json", "staff", "add", "--name=-Eve", "--role", "cashier"],
        &format!("{EVE_PIN}\n"),
    )?);
    let charge = |args: &[&str]| -> TestResult<String> {
        let mut full = vec!["--json", "charge"];
        full.extend_from_slice(args);
        let out = merchantctl(s, &home, &full)?;
        Ok(json(&out)["sale"]["id"].as_str().unwrap_or_default().to_string())
    };
    charge(&["12.50", "--description", "canary-report-desc"])?;
    let big = charge(&["30.00"])?;
    charge(&["1250", "--currency", "JPY"])?;
    charge(&["99.99", "--card", "generic-decline"])?;
    let eve = merchantctl_as(s, &home, "-Eve", EVE_PIN, &["--json", "charge", "5.00"], "")?;
    assert_eq!(eve.status.code(), Some(0));
    ok(&merchantctl(
        s,
        &home,
        &["--json", "refund", &big, "--amount", "10.00"],
    )?);

    let day = ok(&merchantctl(s, &home, &["--json", "report", "day"])?)["report"]["figures"].clone();
    assert_eq!(day["training"], true);
    assert_eq!(day["time_zone"], "Pacific/Auckland");
    let usd = currency(&day, "USD");
    assert_eq!(usd["gross"], 1250 + 3000 + 500);
    assert_eq!(usd["sales"], 3);
    assert_eq!(usd["refunds"], 1000);
    assert_eq!(usd["net"], 3750);
    assert_eq!(usd["average_ticket"], 1583, "4750 / 3 = 1583.33");
    assert_eq!(usd["declined_count"], 1);
    assert_eq!(line(&usd["by_staff"], "-Eve")["gross"], 500);
    assert_eq!(line(&usd["by_staff"], "Owner")["refunds"], 1000);
    assert_eq!(line(&usd["by_brand"], "visa")["sales"], 3);
    assert_eq!(currency(&day, "JPY")["gross"], 1250);

    // X: the same figures, nothing closed.
    let x = ok(&merchantctl(s, &home, &["--json", "report", "x"])?)["report"]["figures"].clone();
    assert_eq!(currency(&x, "USD")["net"], 3750);

    // Z: numbered, saved as PDF, reprinted identically.
    let a = home.path().join("z1-a.pdf");
    let b = home.path().join("z1-b.pdf");
    let z = ok(&merchantctl(
        s,
        &home,
        &["--json", "report", "close", "--pdf", &a.display().to_string()],
    )?);
    assert_eq!(z["z_report"]["number"], 1);
    assert_eq!(z["z_report"]["items"], 6);
    let out = merchantctl(s, &home, &["report", "z", "1", "--pdf", &b.display().to_string()])?;
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("TRAINING") && text.contains("Z REPORT No. 0001"),
        "{text}"
    );
    let pdf = std::fs::read(&a)?;
    assert!(pdf.starts_with(b"%PDF-"));
    assert_eq!(pdf, std::fs::read(&b)?, "a reprint is byte-identical");
    let z2 = ok(&merchantctl(s, &home, &["--json", "report", "close"])?);
    assert_eq!(
        (z2["z_report"]["number"].as_i64(), z2["z_report"]["items"].as_i64()),
        (Some(2), Some(0))
    );

    // CSV: one row per sale and refund, formulas neutralised, no card numbers.
    let csv_path = home.path().join("day.csv");
    let out = ok(&merchantctl(
        s,
        &home,
        &["--json", "report", "csv", "--out", &csv_path.display().to_string()],
    )?);
    assert_eq!(out["rows"], 6);
    let csv = std::fs::read_to_string(&csv_path)?;
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 7);
    assert!(rows
        .iter()
        .all(|r| r.iter().all(|c| !c.starts_with(['=', '+', '-', '@']))));
    assert!(rows.iter().any(|r| r.contains(&"'-Eve") && r.contains(&"5.00")));
    assert!(rows.iter().any(|r| r.contains(&"JPY") && r.contains(&"1250")));
    assert!(!csv.contains("canary-report-desc"), "descriptions stay out of exports");
    assert!(!shows_card_number(&csv));
    assert!(!shows_card_number(&String::from_utf8_lossy(&pdf)));
    // A place that cannot be written is named by the system's reason, and
    // the place typed is not repeated: a folder where the file should be, a
    // file where a folder should be, and a folder that holds no new file
    // even for root (the temporary file's error names its path).
    let folder = home.path().join("Jane Doe canary");
    std::fs::create_dir_all(&folder)?;
    let under_a_file = csv_path.join("Jane Doe canary.csv");
    let no_files = home.path().join("Jane Doe canary proc");
    std::os::unix::fs::symlink("/proc/self", &no_files)?;
    let in_proc = no_files.join("day.csv");
    for place in [&folder, &under_a_file, &in_proc] {
        let out = merchantctl(
            s,
            &home,
            &["--json", "report", "csv", "--out", &place.display().to_string()],
        )?;
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_ne!(out.status.code(), Some(0), "{said}");
        assert!(!said.contains("Jane Doe"), "{said}");
    }

    // Audited, and a cashier sees none of it.
    let audit = String::from_utf8_lossy(&merchantctl(s, &home, &["audit", "show"])?.stdout).to_string();
    assert!(
        audit.contains("close_day") && audit.contains("report_export"),
        "{audit}"
    );
    let refused = merchantctl_as(s, &home, "-Eve", EVE_PIN, &["--json", "report", "day"], "")?;
    assert_eq!(refused.status.code(), Some(12));
    assert_eq!(json(&refused)["error"]["code"], "forbidden");
    let refused = merchantctl_as(s, &home, "-Eve", EVE_PIN, &["--json", "report", "close"], "")?;
    assert_eq!(refused.status.code(), Some(12));

    // Bad ranges and zones: a clear error, nothing changed.
    for args in [
        vec!["report", "day", "--from", "2026-11-30", "--to", "2026-11-01"],
        vec!["report", "day", "--from", "yesterday"],
        vec!["report", "csv", "--from", "'; DROP TABLE sales; --", "--out", "x.csv"],
        vec!["time-zone", "Mars/Olympus"],
    ] {
        let mut full = vec!["--json"];
        full.extend(args);
        let out = merchantctl(s, &home, &full)?;
        assert_eq!(out.status.code(), Some(3), "{full:?}");
        assert_eq!(json(&out)["error"]["code"], "invalid_input");
    }
    Ok(())
}

#[test]
fn shop_details_head_receipts_and_reports_and_a_z_keeps_those_it_was_closed_with() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let s = Some(&session);
    let set = |args: &[&str]| -> TestResult<std::process::Output> {
        let mut full = vec!["--json", "shop", "set"];
        full.extend_from_slice(args);
        merchantctl(s, &home, &full)
    };
    let shown = ok(&set(&[
        "--name",
        "Kissa Café",
        "--address",
        "12 Rue des Chats",
        "--address",
        "75011 Paris",
        "--phone",
        "+33 1 23 45 67 89",
        "--tax-id",
        "FR12345678901",
    ])?)["shop"]
        .clone();
    assert_eq!(shown["address"], serde_json::json!(["12 Rue des Chats", "75011 Paris"]));
    let heading = [
        "Kissa Café",
        "12 Rue des Chats",
        "75011 Paris",
        "Tel. +33 1 23 45 67 89",
        "Tax ID FR12345678901",
    ];
    // Printed in that order, straight after the training mark.
    let headed = |text: &str, what: &str| {
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let at = lines.iter().position(|l| *l == heading[0]);
        assert_eq!(
            at.and_then(|i| lines.get(i..i + heading.len())),
            Some(&heading[..]),
            "{what} is headed by the shop's details: {text}"
        );
    };

    let sale = ok(&merchantctl(s, &home, &["--json", "charge", "12.50"])?)["sale"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let receipt_pdf = home.path().join("receipt.pdf");
    ok(&merchantctl(
        s,
        &home,
        &["receipt", &sale, "--pdf", &receipt_pdf.display().to_string()],
    )?);
    headed(&pdf_text(&std::fs::read(&receipt_pdf)?), "the receipt PDF");
    let x = merchantctl(s, &home, &["report", "x"])?;
    headed(&String::from_utf8_lossy(&ok_text(&x)), "the X report");
    let z_pdf = home.path().join("z1.pdf");
    ok(&merchantctl(
        s,
        &home,
        &["--json", "report", "close", "--pdf", &z_pdf.display().to_string()],
    )?);
    let z1 = std::fs::read(&z_pdf)?;
    headed(&pdf_text(&z1), "the Z report PDF");

    // Only what is given changes; an empty phone stops printing one. The
    // Z report closed before keeps the details it was closed with.
    let after = ok(&set(&["--phone", ""])?)["shop"].clone();
    assert_eq!(
        (after["phone"].as_str(), after["name"].as_str()),
        (Some(""), Some("Kissa Café"))
    );
    let again = home.path().join("z1-again.pdf");
    ok(&merchantctl(
        s,
        &home,
        &["report", "z", "1", "--pdf", &again.display().to_string()],
    )?);
    assert_eq!(
        z1,
        std::fs::read(&again)?,
        "a reprint is byte-identical after the details change"
    );
    let receipt = String::from_utf8_lossy(&ok_text(&merchantctl(s, &home, &["receipt", &sale])?)).to_string();
    assert!(
        receipt.contains("Tax ID FR12345678901") && !receipt.contains("Tel."),
        "{receipt}"
    );

    // On a 58 mm roll: every printed line within 32 columns, the same
    // bytes on a reprint; a paper the terminal does not know is refused.
    ok(&set(&["--paper", "58mm"])?);
    let roll = |name: &str| -> TestResult<Vec<u8>> {
        let path = home.path().join(name);
        ok(&merchantctl(
            s,
            &home,
            &["receipt", &sale, "--merchant", "--pdf", &path.display().to_string()],
        )?);
        Ok(std::fs::read(&path)?)
    };
    let (first, second) = (roll("roll-a.pdf")?, roll("roll-b.pdf")?);
    assert_eq!(first, second, "a reprint on the roll is byte-identical");
    assert_ne!(first, std::fs::read(&receipt_pdf)?);
    let printed = pdf_text(&first);
    assert!(printed.lines().all(|l| l.chars().count() <= 32), "{printed}");
    assert!(
        printed.contains("$12.50") && printed.contains("Kissa Café"),
        "{printed}"
    );
    assert_eq!(set(&["--paper", "57mm"])?.status.code(), Some(2));

    let kept = ok(&merchantctl(s, &home, &["--json", "shop", "show"])?)["shop"].clone();

    // Bad details: a clear error naming the field, the text never echoed,
    // nothing saved.
    let card = "4242 4242 4242 4242";
    let long = "Ü".repeat(49);
    let five: Vec<&str> = ["a", "b", "c", "d", "e"]
        .iter()
        .flat_map(|l| ["--address", *l])
        .collect();
    for (args, field) in [
        (vec!["--name", "   "], "name"),
        (vec!["--name", long.as_str()], "name"),
        (vec!["--phone", card], "phone"),
        (vec!["--tax-id", "FR1\u{7}"], "tax id"),
        (vec!["--address", "Line\nbreak"], "address"),
        (five.clone(), "address"),
    ] {
        let out = set(&args)?;
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let e = &json(&out)["error"];
        assert_eq!(e["code"], "invalid_input", "{args:?}");
        let message = e["message"].as_str().unwrap_or_default();
        assert!(message.contains(field), "{message}");
        assert!(
            !message.contains("4242") && !message.contains("ÜÜ"),
            "echoed: {message}"
        );
    }
    assert_eq!(ok(&merchantctl(s, &home, &["--json", "shop", "show"])?)["shop"], kept);

    // Audited by field, never by text; a cashier may not change them.
    let audit = String::from_utf8_lossy(&merchantctl(s, &home, &["--json", "audit", "show"])?.stdout).to_string();
    assert!(
        audit.contains("changed: name, address, phone, tax id") && audit.contains("changed: phone"),
        "{audit}"
    );
    assert!(!audit.contains("Rue des Chats") && !audit.contains("+33"), "{audit}");
    ok(&merchantctl_as(
        s,
        &home,
        "Owner",
        "424242",
        &["--json", "staff", "add", "--name", "Eve", "--role", "cashier"],
        &format!("{EVE_PIN}\n"),
    )?);
    let refused = merchantctl_as(
        s,
        &home,
        "Eve",
        EVE_PIN,
        &["--json", "shop", "set", "--name", "Mine"],
        "",
    )?;
    assert_eq!(json(&refused)["error"]["code"], "forbidden");
    Ok(())
}

fn ok_text(out: &std::process::Output) -> Vec<u8> {
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout.clone()
}

#[test]
fn reconciliation_against_localstripe_finds_and_imports_what_is_missing() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal_with(&session, &pki, &gateway, 5_000, 2)?;
    let s = Some(&session);
    let charge = |amount: &str| -> TestResult<String> {
        let out = merchantctl(
            s,
            &home,
            &["--json", "charge", amount, "--payment-method", "pm_card_visa"],
        )?;
        Ok(ok(&out)["sale"]["id"].as_str().unwrap_or_default().to_string())
    };
    let kept = charge("10.00")?;
    let refunded_at_gateway = charge("20.00")?;
    let deleted = charge("30.00")?;
    let changed = charge("40.00")?;
    ok(&merchantctl(
        s,
        &home,
        &["--json", "refund", &kept, "--amount", "4.00"],
    )?);

    let all_clear = ok(&merchantctl(s, &home, &["--json", "reconcile"])?);
    assert_eq!(all_clear["reconciliation"]["matched"], 4);
    assert_eq!(all_clear["reconciliation"]["mismatches"], Value::Array(vec![]));

    // A refund made at the gateway's dashboard, not at the till.
    let pi = gateway
        .intents_for_sale(&pki, &refunded_at_gateway)?
        .first()
        .and_then(|p| p["id"].as_str().map(String::from))
        .unwrap_or_default();
    gateway.post(
        &pki,
        "v1/refunds",
        &[("payment_intent", pi.as_str()), ("amount", "500")],
    )?;
    // A sale lost from the cache, and one whose amount was altered.
    let db = rusqlite::Connection::open(home.path().join("live/cache.sqlite3"))?;
    assert_eq!(db.execute("DELETE FROM sales WHERE id = ?1", [&deleted])?, 1);
    db.execute(
        "UPDATE sales SET amount_minor = 4100, captured_minor = 4100 WHERE id = ?1",
        [&changed],
    )?;
    drop(db);

    let out = merchantctl(s, &home, &["--json", "reconcile"])?;
    assert_eq!(out.status.code(), Some(4), "differences exit 4");
    let r = json(&out)["reconciliation"].clone();
    let kinds = |r: &Value| -> Vec<(String, String, bool)> {
        let mut k: Vec<_> = r["mismatches"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|m| {
                (
                    m["kind"].as_str().unwrap_or_default().to_string(),
                    m["sale_id"].as_str().unwrap_or_default().to_string(),
                    m["importable"].as_bool().unwrap_or(false),
                )
            })
            .collect();
        k.sort();
        k
    };
    let mut want = vec![
        ("amount_differs".to_string(), changed.clone(), false),
        ("missing_locally".to_string(), deleted.clone(), true),
        ("refund_missing_locally".to_string(), refunded_at_gateway.clone(), true),
    ];
    want.sort();
    assert_eq!(kinds(&r), want);
    assert_eq!(r["matched"], 1);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("sk_test_"), "no key in the answer");

    // One click: import what the gateway has; the rest stays for a person.
    let out = merchantctl(s, &home, &["--json", "reconcile", "--fix"])?;
    assert_eq!(json(&out)["imported"], 2);
    assert_eq!(
        kinds(&json(&out)["reconciliation"]),
        vec![("amount_differs".to_string(), changed.clone(), false)]
    );
    let sales = ok(&merchantctl(s, &home, &["--json", "sales", "list"])?)["sales"].clone();
    let back = sales
        .as_array()
        .and_then(|a| a.iter().find(|x| x["id"] == deleted.as_str()))
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(
        (back["status"].as_str(), back["captured_minor"].as_i64()),
        (Some("approved"), Some(3000))
    );
    assert_eq!(back["card"]["last4"], "4242");
    let day = ok(&merchantctl(s, &home, &["--json", "report", "day"])?)["report"]["figures"].clone();
    let usd = currency(&day, "USD");
    assert_eq!(usd["gross"], 1000 + 2000 + 3000 + 4100);
    assert_eq!(usd["refunds"], 400 + 500);
    assert_eq!(usd["refund_count"], 2);
    // A second import finds nothing new.
    let again = merchantctl(s, &home, &["--json", "reconcile", "--fix"])?;
    assert_eq!(json(&again)["imported"], 0);
    Ok(())
}

#[test]
fn sales_search_by_last4_status_amount_and_staff() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let s = Some(&session);
    ok(&merchantctl_as(
        s,
        &home,
        "Owner",
        "424242",
        &["--json", "staff", "add", "--name", "Cas", "--role", "cashier"],
        "111111\n",
    )?);
    merchantctl(s, &home, &["--json", "charge", "12.50"])?;
    merchantctl(s, &home, &["--json", "charge", "30.00"])?;
    merchantctl(s, &home, &["--json", "charge", "12.50", "--card", "insufficient-funds"])?;
    merchantctl_as(s, &home, "Cas", "111111", &["--json", "charge", "7.00"], "")?;
    let search = |args: &[&str]| -> TestResult<Vec<(String, String)>> {
        let mut full = vec!["--json", "sales", "list"];
        full.extend_from_slice(args);
        let v = ok(&merchantctl(s, &home, &full)?);
        Ok(v["sales"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|x| {
                (
                    x["amount_display"].as_str().unwrap_or_default().to_string(),
                    x["status"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect())
    };
    let pair = |a: &str, st: &str| (a.to_string(), st.to_string());
    assert_eq!(search(&[])?.len(), 4);
    assert_eq!(search(&["--last4", "9995"])?, vec![pair("$12.50", "declined")]);
    assert_eq!(
        search(&["--last4", "4242", "--amount", "12.50"])?,
        vec![pair("$12.50", "approved")]
    );
    assert_eq!(search(&["--status", "declined"])?.len(), 1);
    assert_eq!(search(&["--staff-name", "cas"])?, vec![pair("$7.00", "approved")]);
    assert_eq!(search(&["--staff-name", "Nobody"])?, vec![]);
    // The last 4 is matched through its blind index: the plain digits are
    // nowhere in the cache.
    for f in home.training_cache_files() {
        assert!(!merchant_tests::contains_bytes(&std::fs::read(f)?, b"9995"));
    }
    for bad in ["--last4=12a4", "--amount=-1", "--amount=1e9", "--last4=' OR 1=1 --"] {
        let full = vec!["--json", "sales", "list", bad];
        let out = merchantctl(s, &home, &full)?;
        assert_eq!(out.status.code(), Some(3), "{bad:?}");
    }
    Ok(())
}
