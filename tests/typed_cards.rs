//! A card number typed where it does not belong is never kept in the clear.
//!
//! A canary card number (Luhn-valid, built at run time, in many spellings:
//! grouped, dotted, double-spaced, non-breaking spaces, full-width digits,
//! after a table number, with digits glued on) is typed through `merchantctl`
//! into every text input it has: amounts, description, sign-in name,
//! approver, refund note, staff name, search fields, settings, gateway
//! address, ids and recipients. Then every file the terminal wrote (the
//! databases with their WAL and shared memory, logs, receipt and Z PDFs, the
//! CSV, settings, and the support bundle opened with `age`) and everything
//! `merchantctl` printed are scanned for it: raw, UTF-16LE, hex, base64,
//! URL-encoded, inside deflated PDF streams, and as a digit sequence with any
//! separators. Zero hits.

use std::path::Path;
use std::process::Output;

use merchant_tests::scan::{base64, hits, keygen, needles, open_bundle, pdf_streams, url_encoded, utf16le};
use merchant_tests::{all_files, merchantctl_as, KeyringSession, TerminalHome, TestResult, OWNER, OWNER_PIN};

/// `body` followed by its Luhn check digit.
fn with_check_digit(body: &str) -> String {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

fn grouped(n: &str, sep: &str) -> String {
    n.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(sep)
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0xFF10 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// The ways a person (or a paste) can write the card number.
fn spellings(card: &str) -> Vec<String> {
    let spaced = grouped(card, " ");
    vec![
        card.to_string(),
        spaced.clone(),
        format!("Table 7 {spaced}"),
        grouped(card, "."),
        grouped(card, "  "),
        grouped(card, "\u{a0}"),
        grouped(card, "-"),
        grouped(card, "/"),
        grouped(card, "\u{2009}"),
        full_width(&spaced),
        format!("9{card}12"),
    ]
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

#[test]
fn a_typed_card_number_reaches_no_file_and_no_output() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let outside = tempfile::tempdir()?;
    let support_identity = outside.path().join("support.txt");
    let support_key = keygen(&support_identity)?;
    home.settings(&format!(
        "support_recipients = [\"{support_key}\"]\nrefund_approval_above_major = 10\n\
         [training_reader]\ntap_ms = 10\n"
    ))?;
    // Built at run time: no full card number sits in the source.
    let card = with_check_digit(&format!("5298{}{}", "1437", "0625813"));
    assert_eq!(card.len(), 16);
    let typed = spellings(&card);

    let mut printed: Vec<(String, Output)> = Vec::new();
    let mut run_as = |staff: &str, pin: &str, args: &[&str], more: &str| -> TestResult<Output> {
        let out = merchantctl_as(Some(&session), &home, staff, pin, args, more)?;
        printed.push((args.join(" "), out.clone()));
        Ok(out)
    };

    // Ordinary history for the receipts, reports and bundle to hold.
    let out = run_as(
        OWNER,
        OWNER_PIN,
        &["staff", "add", "--name", "Cas", "--role", "cashier"],
        "111111\n",
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    run_as(
        OWNER,
        OWNER_PIN,
        &["staff", "add", "--name", "Sup", "--role", "support"],
        "222222\n",
    )?;
    let out = run_as(
        OWNER,
        OWNER_PIN,
        &["--json", "charge", "80.00", "--description", "two coffees"],
        "",
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let sale = json(&out)["sale"]["id"].as_str().unwrap_or_default().to_string();
    let out = run_as(OWNER, OWNER_PIN, &["--json", "charge", "20.00", "--manual-capture"], "")?;
    let held = json(&out)["sale"]["id"].as_str().unwrap_or_default().to_string();
    assert!(!sale.is_empty() && !held.is_empty());
    // A connection held open for the whole run keeps the databases' WAL and
    // shared-memory files on disk (the last one to close would fold them
    // back and delete them), so they are scanned too.
    let mut open_dbs = Vec::new();
    for db in ["terminal.sqlite3", "training/cache.sqlite3"] {
        let conn = rusqlite::Connection::open(home.path().join(db))?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
        open_dbs.push(conn);
    }
    let good_key = support_key.clone();

    // Commands that must refuse what was typed (and those that did not).
    let mut accepted: Vec<String> = Vec::new();
    for (i, s) in typed.iter().enumerate() {
        let s = s.as_str();
        let url = format!("https://pay.example.com/{s}");
        let email = format!("{s}@example.com");
        // Every spelling: the free-text and money fields and the names.
        let mut refused: Vec<(&str, &str, Vec<&str>, String)> = vec![
            (OWNER, OWNER_PIN, vec!["charge", s], String::new()),
            (OWNER, OWNER_PIN, vec!["charge", "5", "--description", s], String::new()),
            (OWNER, OWNER_PIN, vec!["refund", &sale, "--amount", s], String::new()),
            (
                OWNER,
                OWNER_PIN,
                vec!["refund", &sale, "--amount", "1", "--note", s],
                String::new(),
            ),
            (
                OWNER,
                OWNER_PIN,
                vec!["staff", "add", "--name", s, "--role", "cashier"],
                "135790\n".into(),
            ),
            (s, OWNER_PIN, vec!["sales", "list"], String::new()),
            (
                "Cas",
                "111111",
                vec!["refund", &sale, "--amount", "30", "--approver", s],
                format!("{OWNER_PIN}\n"),
            ),
        ];
        // Some spellings: every other input.
        if i % 3 == 0 || i == 2 {
            for args in [
                vec!["charge", "5", "--currency", s],
                vec!["charge", "5", "--payment-method", s],
                vec!["capture", &held, "--amount", s],
                vec!["refund", s, "--amount", "1"],
                vec!["void", s],
                vec!["sales", "list", "--amount", s],
                vec!["sales", "list", "--currency", s],
                vec!["staff", "unlock", s],
                vec!["time-zone", s],
                vec!["gateway", "configure", "--base-url", s],
                vec!["gateway", "configure", "--base-url", &url],
                vec!["gateway", "configure", "--reader-id", s],
                vec!["gateway", "configure", "--extra-ca", s],
                vec!["receipt", &sale, "--refund", s],
                vec!["receipt", &sale, "--email", &email],
                vec!["keys", "recipients", s],
                vec!["keys", "recipients", &good_key, "--owner", s],
                vec!["report", "day", "--from", s],
                vec!["audit", "verify", "--anchor", s],
                vec!["audit", "show", "--limit", s],
            ] {
                refused.push((OWNER, OWNER_PIN, args, String::new()));
            }
            // Searches may answer "no sales": only what they keep matters.
            run_as(OWNER, OWNER_PIN, &["sales", "list", "--last4", s], "")?;
            run_as(OWNER, OWNER_PIN, &["sales", "list", "--staff-name", s], "")?;
        }
        for (staff, pin, args, more) in &refused {
            let out = run_as(staff, pin, args, more)?;
            if out.status.code() == Some(0) {
                accepted.push(format!("{args:?}"));
            }
        }
    }
    // Values the command line itself parses (numbers, choices).
    run_as(OWNER, OWNER_PIN, &["report", "z", &card], "")?;
    run_as(
        OWNER,
        OWNER_PIN,
        &["staff", "add", "--name", "Dee", "--role", &card],
        "135790\n",
    )?;
    run_as(OWNER, OWNER_PIN, &["keys", "rotate-cache", "--batch", &typed[1]], "")?;
    run_as(OWNER, OWNER_PIN, &["--staff", &card, "sales", "list"], "")?;
    // A PIN typed into the name box.
    run_as(OWNER_PIN, OWNER_PIN, &["sales", "list"], "")?;
    // So many failed sign-ins trip the terminal-wide PIN rate limit (kept in
    // the database for every process): the owner waits it out, as at a till.
    let started = std::time::Instant::now();
    while run_as(OWNER, OWNER_PIN, &["--json", "sales", "list"], "")?
        .status
        .code()
        != Some(0)
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(90),
            "the rate limit never lifted"
        );
        std::thread::sleep(std::time::Duration::from_secs(5));
    }

    // Everything the terminal writes: receipts, Z report, CSV, the bundle.
    let made = outside.path().join("made");
    std::fs::create_dir_all(&made)?;
    let path = |name: &str| made.join(name).display().to_string();
    let out = run_as(OWNER, OWNER_PIN, &["--json", "sales", "list"], "")?;
    let ids: Vec<String> = json(&out)["sales"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["id"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    assert!(ids.len() >= 2, "{}", String::from_utf8_lossy(&out.stdout));
    for (i, id) in ids.iter().enumerate() {
        for copy in ["--merchant", "--json"] {
            let pdf = path(&format!("receipt-{i}{copy}.pdf"));
            let out = run_as(OWNER, OWNER_PIN, &["receipt", id, copy, "--pdf", &pdf], "")?;
            assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        }
    }
    let out = run_as(OWNER, OWNER_PIN, &["report", "close", "--pdf", &path("z.pdf")], "")?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run_as(OWNER, OWNER_PIN, &["report", "csv", "--out", &path("sales.csv")], "")?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let bundle = path("bundle.age");
    let out = run_as("Sup", "222222", &["support", "export", "--out", &bundle], "")?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let opened = outside.path().join("opened");
    open_bundle(Path::new(&bundle), &support_identity, &opened)?;
    let audit = std::fs::read_to_string(opened.join("audit.jsonl"))?;
    assert!(
        audit.contains("\"outcome\":\"refused\"") && audit.contains("\"action\":\"pin_failed\""),
        "the refusals and failed sign-ins are in the trail (so the scan means something)"
    );
    let db_files = home.all_database_files();
    let wal = db_files
        .iter()
        .filter(|p| p.to_string_lossy().ends_with("-wal") && std::fs::metadata(p).is_ok_and(|m| m.len() > 0))
        .count();
    assert_eq!(wal, 2, "both databases have a WAL to scan: {db_files:?}");

    let forms = needles(
        &std::iter::once(card.clone())
            .chain(typed.iter().cloned())
            .collect::<Vec<_>>(),
    );
    let mut found = Vec::new();
    let mut scanned = 0;
    for dir in [home.path(), made.as_path(), opened.as_path()] {
        for f in all_files(dir) {
            let bytes = std::fs::read(&f)?;
            let what = f.display().to_string();
            found.extend(hits(&what, &bytes, &card, &forms));
            if what.ends_with(".pdf") {
                for s in pdf_streams(&bytes) {
                    found.extend(hits(&format!("{what} (stream)"), &s, &card, &forms));
                }
            }
            scanned += 1;
        }
    }
    assert!(scanned >= 10, "only {scanned} files");
    for (args, out) in &printed {
        found.extend(hits(&format!("stdout of {args:?}"), &out.stdout, &card, &forms));
        found.extend(hits(&format!("stderr of {args:?}"), &out.stderr, &card, &forms));
    }
    drop(open_dbs);
    assert!(
        found.is_empty() && accepted.is_empty(),
        "{} hit(s):\n{}\naccepted:\n{}",
        found.len(),
        found.join("\n"),
        accepted.join("\n")
    );
    Ok(())
}

#[test]
fn the_scanner_sees_every_form() {
    let card = with_check_digit("529814370625813");
    let forms = needles(&spellings(&card));
    for s in spellings(&card) {
        for pre in ["", "a", "ab", "abc"] {
            let blob = base64(format!("{pre}{s}").as_bytes()).into_bytes();
            assert!(!hits("b64", &blob, &card, &forms).is_empty(), "base64 {pre:?} {s:?}");
        }
        let hex: String = format!("<{s}>").bytes().map(|b| format!("{b:02x}")).collect();
        assert!(!hits("hex", hex.as_bytes(), &card, &forms).is_empty());
        assert!(!hits("url", url_encoded(&format!("q={s}"), true).as_bytes(), &card, &forms).is_empty());
        assert!(!hits("utf16", &utf16le(&format!("x {s} y")), &card, &forms).is_empty());
        let mut deflated = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut deflated, format!("BT ({s}) Tj ET").as_bytes()).ok();
        let stream = deflated.finish().unwrap_or_default();
        let mut pdf = b"1 0 obj << /Filter /FlateDecode >> stream\n".to_vec();
        pdf.extend(stream);
        pdf.extend(b"\nendstream endobj");
        assert!(pdf_streams(&pdf)
            .iter()
            .any(|s| !hits("pdf", s, &card, &forms).is_empty()));
    }
    assert!(hits("clean", b"order 12345, table 7, 2026-12-01", &card, &forms).is_empty());
}

/// Clears an element's text, so the next message is known to be new.
async fn clear_text(app: &merchant_tests::AppDriver, id: &str) -> TestResult {
    app.client
        .execute(
            "document.getElementById(arguments[0]).textContent = ''; return true;",
            vec![id.into()],
        )
        .await?;
    Ok(())
}

/// Waits for a refusal message in `id` and returns it.
async fn refusal(app: &merchant_tests::AppDriver, id: &str) -> TestResult<String> {
    app.wait_until(id, std::time::Duration::from_secs(15), || async {
        Ok(!app.text(id).await?.trim().is_empty())
    })
    .await?;
    app.text(id).await
}

async fn type_into(app: &merchant_tests::AppDriver, id: &str, text: &str) -> TestResult {
    let field = app.by_id(id).await?;
    field.clear().await?;
    if !text.is_empty() {
        field.send_keys(text).await?;
    }
    Ok(())
}

/// The same canary through the app's window: the sign-in name box, the
/// amount and the description. Each is refused on screen without showing
/// the number, and no file the app wrote holds it.
#[tokio::test(flavor = "multi_thread")]
async fn a_card_typed_in_the_window_is_refused_and_kept_nowhere() -> TestResult {
    use fantoccini::key::Key;
    use std::time::Duration;
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings("[training_reader]\ntap_ms = 300\n")?;
    home.ensure_owner(Some(&session))?;
    let card = with_check_digit(&format!("5298{}{}", "1437", "0625813"));
    let typed = spellings(&card);
    let enter = String::from(char::from(Key::Enter));

    let app = merchant_tests::AppDriver::launch(&session, &home).await?;
    app.wait_until("the sign-in screen", Duration::from_secs(15), || async {
        app.is_shown("sign-in").await
    })
    .await?;
    type_into(&app, "staff-name", OWNER).await?;
    type_into(&app, "staff-pin", &format!("{OWNER_PIN}{enter}")).await?;
    app.wait_until("the counter", Duration::from_secs(15), || async {
        app.is_shown("counter").await
    })
    .await?;
    let mut shown = Vec::new();
    let mut charged = Vec::new();
    for s in &typed {
        for (amount, description) in [(s.as_str(), ""), ("1.00", s.as_str())] {
            clear_text(&app, "amount-error").await?;
            type_into(&app, "description", description).await?;
            type_into(&app, "amount", &format!("{amount}{enter}")).await?;
            app.wait_until("a refusal or a result", Duration::from_secs(15), || async {
                Ok(!app.text("amount-error").await?.trim().is_empty() || app.is_shown("result").await?)
            })
            .await?;
            if app.is_shown("result").await? {
                charged.push(format!("amount {amount:?} description {description:?}"));
                app.by_id("new-sale-button").await?.send_keys(&enter).await?;
                app.wait_until("the entry screen", Duration::from_secs(5), || async {
                    Ok(!app.is_shown("result").await?)
                })
                .await?;
            } else {
                shown.push(app.text("amount-error").await?);
            }
        }
    }
    // The sign-in name box.
    app.by_id("lock-button").await?.click().await?;
    for s in typed.iter().take(4) {
        app.wait_until("the sign-in screen", Duration::from_secs(15), || async {
            app.is_shown("sign-in").await
        })
        .await?;
        clear_text(&app, "sign-in-error").await?;
        type_into(&app, "staff-name", s).await?;
        type_into(&app, "staff-pin", &format!("{OWNER_PIN}{enter}")).await?;
        shown.push(refusal(&app, "sign-in-error").await?);
    }
    app.close().await?;

    let forms = needles(
        &std::iter::once(card.clone())
            .chain(typed.iter().cloned())
            .collect::<Vec<_>>(),
    );
    let mut found = Vec::new();
    for text in &shown {
        found.extend(hits(&format!("on screen: {text:?}"), text.as_bytes(), &card, &forms));
    }
    let mut files = all_files(home.path());
    assert!(
        files.iter().any(|p| p.to_string_lossy().contains("/logs/")),
        "the app writes logs"
    );
    // WebKit's storage, caches and logs for the app.
    for dir in session.xdg_dirs() {
        files.extend(all_files(&dir));
    }
    for f in files {
        found.extend(hits(&f.display().to_string(), &std::fs::read(&f)?, &card, &forms));
    }
    let out = merchantctl_as(
        Some(&session),
        &home,
        OWNER,
        OWNER_PIN,
        &["--json", "audit", "show", "--limit", "500"],
        "",
    )?;
    let trail = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(trail.contains("\"outcome\":\"refused\""), "the refusals are audited");
    found.extend(hits("the audit viewer", trail.as_bytes(), &card, &forms));
    assert!(
        found.is_empty() && charged.is_empty(),
        "{} hit(s):\n{}\ncharged:\n{}",
        found.len(),
        found.join("\n"),
        charged.join("\n")
    );
    Ok(())
}
