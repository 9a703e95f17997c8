//! End to end in a real window: the desktop app under Xvfb, driven through
//! tauri-driver + WebKitWebDriver, with a real keychain and a real SQLite
//! file. Screenshots of each final screen land in `target/screenshots/`.

use std::time::Duration;

use fantoccini::key::Key;
use merchant_tests::{
    contains_bytes, fail, merchantctl, AppDriver, KeyringSession, TerminalHome, TestResult, OWNER, OWNER_PIN,
};

/// Reader timings short enough for a test, long enough to press Cancel.
const FAST_READER: &str = "[training_reader]\ntap_ms = 300\nslow_ms = 20000\ntimeout_ms = 500\n";

/// Signs in on the lock screen with the keyboard.
async fn sign_in(app: &AppDriver, name: &str, pin: &str) -> TestResult {
    app.wait_until("the sign-in screen", Duration::from_secs(10), || async {
        app.is_shown("sign-in").await
    })
    .await?;
    let field = app.by_id("staff-name").await?;
    field.clear().await?;
    field.send_keys(name).await?;
    app.by_id("staff-pin")
        .await?
        .send_keys(&format!("{pin}{}", char::from(Key::Enter)))
        .await?;
    Ok(())
}

/// Signs in with the lock screen's PIN pad (no keyboard for the PIN).
async fn sign_in_with_pad(app: &AppDriver, name: &str, pin: &str) -> TestResult {
    app.wait_until("the sign-in screen", Duration::from_secs(10), || async {
        app.is_shown("sign-in").await
    })
    .await?;
    let field = app.by_id("staff-name").await?;
    field.clear().await?;
    field.send_keys(name).await?;
    for digit in pin.chars() {
        app.client
            .find(fantoccini::Locator::Css(&format!(
                "#pin-pad button[data-pin=\"{digit}\"]"
            )))
            .await?
            .click()
            .await?;
    }
    app.by_id("sign-in-button").await?.click().await?;
    Ok(())
}

async fn sign_in_as_owner(app: &AppDriver) -> TestResult {
    sign_in(app, OWNER, OWNER_PIN).await?;
    app.wait_until("the counter", Duration::from_secs(10), || async {
        app.is_shown("counter").await
    })
    .await
}

async fn wait_result(app: &AppDriver) -> TestResult<String> {
    app.wait_until("the result screen", Duration::from_secs(30), || async {
        app.is_shown("result").await
    })
    .await?;
    app.text("result-status").await
}

async fn type_amount(app: &AppDriver, amount: &str) -> TestResult {
    let input = app.by_id("amount").await?;
    input.clear().await?;
    input.send_keys(amount).await?;
    Ok(())
}

async fn new_sale(app: &AppDriver) -> TestResult {
    app.by_id("new-sale-button")
        .await?
        .send_keys(&String::from(char::from(Key::Enter)))
        .await?;
    app.wait_until("the entry screen", Duration::from_secs(5), || async {
        Ok(!app.is_shown("result").await?)
    })
    .await
}

async fn sales_statuses(app: &AppDriver) -> TestResult<Vec<String>> {
    let v = app
        .client
        .execute(
            "return [...document.querySelectorAll('#sales-list li')].map(li => li.dataset.status);",
            vec![],
        )
        .await?;
    Ok(v.as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
        .unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread")]
async fn cashier_charges_declines_cancels_and_sales_survive_a_restart() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings(FAST_READER)?;
    let canary = format!("CANARY-{}", std::process::id()) + "-latte-for-table-7";
    home.ensure_owner(Some(&session))?;

    let app = AppDriver::launch(&session, &home).await?;
    // A wrong PIN is refused on screen; the right one opens the counter.
    sign_in(&app, OWNER, "000000").await?;
    app.wait_until("the PIN refusal", Duration::from_secs(10), || async {
        Ok(app.text("sign-in-error").await?.contains("Wrong name or PIN"))
    })
    .await?;
    app.screenshot("00-sign-in-refused").await?;
    sign_in_as_owner(&app).await?;
    assert!(
        app.is_shown("training-band").await?,
        "training mode must be unmistakable"
    );
    assert!(app.text("training-band").await?.contains("TRAINING"));

    // 1. 12.50 approved, typed and charged with the keyboard only.
    type_amount(&app, "12.50").await?;
    app.by_id("description").await?.send_keys(&canary).await?;
    app.select("simulated-card", "approve").await?;
    app.by_id("amount")
        .await?
        .send_keys(&String::from(char::from(Key::Enter)))
        .await?;
    assert_eq!(wait_result(&app).await?, "APPROVED");
    assert_eq!(app.text("result-amount").await?, "12.50 USD");
    assert!(app.text("result-card").await?.contains("4242"));
    assert!(
        app.is_shown("result-training").await?,
        "training results say they are not payments"
    );
    app.screenshot("01-charge-approved").await?;
    new_sale(&app).await?;

    // 2. A declined card shows the decline in words.
    type_amount(&app, "7").await?;
    app.select("simulated-card", "insufficient_funds").await?;
    app.by_id("charge-button").await?.click().await?;
    assert_eq!(wait_result(&app).await?, "DECLINED");
    assert!(app.text("result-message").await?.contains("insufficient funds"));
    app.screenshot("02-charge-declined").await?;
    new_sale(&app).await?;

    // 3. Cancel while the reader waits.
    type_amount(&app, "3.00").await?;
    app.select("simulated-card", "slow_reader").await?;
    app.by_id("charge-button").await?.click().await?;
    app.wait_until("the reader wait", Duration::from_secs(10), || async {
        app.is_shown("reader-wait").await
    })
    .await?;
    app.screenshot("03-reader-waiting").await?;
    app.by_id("cancel-button").await?.click().await?;
    assert_eq!(wait_result(&app).await?, "CANCELLED");
    assert!(app.text("result-message").await?.contains("not charged"));
    app.screenshot("04-charge-cancelled").await?;
    new_sale(&app).await?;

    // 4. Bad amounts are refused with a clear message and charge nothing.
    for (typed, expect) in [("-1", "negative"), ("12.345", "decimal"), ("1e9", "not allowed")] {
        type_amount(&app, typed).await?;
        app.by_id("charge-button").await?.click().await?;
        app.wait_until("the amount error", Duration::from_secs(5), || async {
            Ok(app.text("amount-error").await?.contains(expect))
        })
        .await?;
        assert!(!app.is_shown("result").await?);
    }
    app.screenshot("05-bad-amount").await?;

    let before = sales_statuses(&app).await?;
    assert_eq!(before, vec!["cancelled", "declined", "approved"], "newest first");
    app.close().await?;

    // 5. Restart: the day's sales are still there.
    let app = AppDriver::launch(&session, &home).await?;
    sign_in_as_owner(&app).await?;
    app.wait_until("today's sales", Duration::from_secs(10), || async {
        Ok(sales_statuses(&app).await?.len() == 3)
    })
    .await?;
    assert_eq!(sales_statuses(&app).await?, before);
    let listed = app
        .client
        .execute("return document.getElementById('sales-list').textContent;", vec![])
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string();
    if !listed.contains(&canary) {
        return fail(format!(
            "the approved sale's description is not listed after restart: {listed}"
        ));
    }
    app.screenshot("06-after-restart").await?;
    app.close().await?;

    // 6. The canary is stored (it opens through the core)…
    let out = merchantctl(Some(&session), &home, &["--json", "sales", "list"])?;
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(listed["sales"][2]["description"], canary.as_str());
    // …and never in clear in any file the app wrote: every database, WAL
    // and shared memory, the logs, and WebKit's own storage, cache and log
    // folders (under the session's XDG folders), in any encoding.
    let files = home.all_database_files();
    assert!(!files.is_empty());
    let mut scanned = merchant_tests::all_files(home.path());
    for dir in session.xdg_dirs() {
        scanned.extend(merchant_tests::all_files(&dir));
    }
    assert!(
        scanned
            .iter()
            .any(|p| p.to_string_lossy().contains("merchant-terminal")),
        "WebKit's folders for the app are among the scanned: {scanned:?}"
    );
    let needles: Vec<String> = [canary.as_str(), "CANARY-", "pi_training_", "latte-for-table", OWNER_PIN]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let found: Vec<String> = scanned
        .iter()
        .flat_map(|f| merchant_tests::scan::scan_file(f, &needles, None))
        .collect();
    assert!(found.is_empty(), "found in the clear:\n{}", found.join("\n"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_keychain_shows_a_clear_stop_screen() -> TestResult {
    let session = KeyringSession::locked()?;
    let home = TerminalHome::new()?;
    let app = AppDriver::launch(&session, &home).await?;
    assert!(app.is_shown("startup-error").await?);
    assert!(!app.is_shown("counter").await?, "no payments without the keychain");
    assert!(app.text("startup-error-message").await?.contains("locked"));
    assert_eq!(app.text("startup-error-code").await?, "code: keychain_locked");
    app.screenshot("07-keychain-locked").await?;
    app.close().await?;
    assert!(home.training_cache_files().is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn cashier_refunds_in_parts_with_a_managers_approval_then_locks() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings(&format!("refund_approval_above_major = 20\n{FAST_READER}"))?;
    home.ensure_owner(Some(&session))?;
    let out = merchant_tests::merchantctl_stdin(
        &session,
        &home,
        &["staff", "add", "--name", "Cas", "--role", "cashier"],
        "111111\n",
    )?;
    assert_eq!(out.status.code(), Some(0));

    let app = AppDriver::launch(&session, &home).await?;
    sign_in(&app, "Cas", "111111").await?;
    app.wait_until("the counter", Duration::from_secs(10), || async {
        app.is_shown("counter").await
    })
    .await?;
    type_amount(&app, "50").await?;
    app.by_id("charge-button").await?.click().await?;
    assert_eq!(wait_result(&app).await?, "APPROVED");
    new_sale(&app).await?;

    let open_refund = || async {
        app.wait_until("the refund button", Duration::from_secs(10), || async {
            Ok(app
                .client
                .find_all(fantoccini::Locator::Css("#sales-list .row-action.refund"))
                .await?
                .len()
                == 1)
        })
        .await?;
        app.client
            .find(fantoccini::Locator::Css("#sales-list .row-action.refund"))
            .await?
            .click()
            .await?;
        app.wait_until("the refund dialog", Duration::from_secs(5), || async {
            app.is_shown("refund").await
        })
        .await
    };
    let refund_message = |expect: &'static str| {
        let app = &app;
        async move {
            app.wait_until(expect, Duration::from_secs(10), || async {
                Ok(app.text("refund-message").await?.contains(expect))
            })
            .await
        }
    };

    // A part within the cashier's own limit.
    open_refund().await?;
    let amount = app.by_id("refund-amount").await?;
    amount.clear().await?;
    amount.send_keys("10").await?;
    app.by_id("refund-submit").await?.click().await?;
    refund_message("40.00 USD left").await?;

    // The rest is above the approval limit: a manager's PIN is asked for.
    app.by_id("refund-submit").await?.click().await?;
    refund_message("manager must approve").await?;
    assert!(app.is_shown("approval").await?);
    app.by_id("approver-name").await?.send_keys(OWNER).await?;
    app.by_id("approver-pin").await?.send_keys(OWNER_PIN).await?;
    app.screenshot("08-refund-approval").await?;
    app.by_id("refund-submit").await?.click().await?;
    refund_message("0.00 USD left").await?;

    // One cent more is refused by the terminal itself.
    let amount = app.by_id("refund-amount").await?;
    amount.clear().await?;
    amount.send_keys("0.01").await?;
    app.by_id("refund-submit").await?.click().await?;
    refund_message("more than can be refunded").await?;
    app.screenshot("09-over-refund-refused").await?;
    app.by_id("refund-close").await?.click().await?;

    // Lock the till: back to the PIN screen, and the core refuses commands.
    app.client
        .execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'F2'}));",
            vec![],
        )
        .await?;
    app.wait_until("the lock screen", Duration::from_secs(5), || async {
        app.is_shown("sign-in").await
    })
    .await?;
    assert!(!app.is_shown("counter").await?);
    app.screenshot("10-locked").await?;
    app.close().await?;

    // The approval is on the audit trail with the approver.
    let out = merchantctl(Some(&session), &home, &["--json", "audit", "show"])?;
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let approvals = entries["entries"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|e| e["action"] == "refund_approval" && e["outcome"] == "ok")
                .count()
        })
        .unwrap_or(0);
    assert_eq!(approvals, 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn support_previews_and_exports_a_bundle_and_a_cashier_cannot() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let keys = tempfile::tempdir()?;
    let out = std::process::Command::new("age-keygen")
        .arg("-o")
        .arg(keys.path().join("support.txt"))
        .output()?;
    let support_key = String::from_utf8_lossy(&out.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("Public key: ").map(str::to_string))
        .unwrap_or_default();
    home.settings(&format!("support_recipients = [\"{support_key}\"]\n{FAST_READER}"))?;
    home.ensure_owner(Some(&session))?;
    for (name, role, pin) in [("Sup", "support", "222222"), ("Cas", "cashier", "111111")] {
        let out = merchant_tests::merchantctl_stdin(
            &session,
            &home,
            &["staff", "add", "--name", name, "--role", role],
            &format!("{pin}\n"),
        )?;
        assert_eq!(out.status.code(), Some(0));
    }

    let app = AppDriver::launch(&session, &home).await?;
    // The cashier sees no support button, and the core refuses the command anyway.
    sign_in(&app, "Cas", "111111").await?;
    app.wait_until("the counter", Duration::from_secs(10), || async {
        app.is_shown("counter").await
    })
    .await?;
    assert!(!app.is_shown("support-button").await?);
    let refused = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('export_bundle', { request: {} })
               .then(() => done('exported'), (e) => done(e.code));",
            vec![],
        )
        .await?;
    assert_eq!(refused.as_str(), Some("forbidden"));
    app.client
        .execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'F2'}));",
            vec![],
        )
        .await?;

    // Support lands on the bundle screen: preview, then seal.
    sign_in(&app, "Sup", "222222").await?;
    app.wait_until("the support screen", Duration::from_secs(10), || async {
        app.is_shown("support").await
    })
    .await?;
    assert!(!app.is_shown("counter").await?, "support takes no payments");
    let refused = app
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const calls = [["charge_sale", {amount: "1.00"}], ["list_sales", {}], ["list_staff", {}],
                 ["get_x_report", {}], ["get_gateway_setup", {}], ["list_audit", {}], ["switch_mode", {mode: "live"}]];
               Promise.all(calls.map(([cmd, request]) => window.__TAURI_INTERNALS__.invoke(cmd, { request })
                 .then(() => cmd + ":allowed", (e) => cmd + ":" + (e.code ?? e)))).then(done);"#,
            vec![],
        )
        .await?;
    for r in refused.as_array().cloned().unwrap_or_default() {
        let r = r.as_str().unwrap_or_default();
        assert!(r.ends_with(":forbidden"), "support was not refused: {r}");
    }
    app.by_id("bundle-preview").await?.click().await?;
    app.wait_until("the preview", Duration::from_secs(20), || async {
        Ok(app.text("bundle-message").await?.contains("files will be sealed"))
    })
    .await?;
    assert!(app.text("bundle-files").await?.contains("audit.jsonl"));
    app.screenshot("11-support-preview").await?;
    app.by_id("bundle-export").await?.click().await?;
    app.wait_until("the sealed bundle", Duration::from_secs(20), || async {
        Ok(app.text("bundle-message").await?.contains("Sealed and saved"))
    })
    .await?;
    app.screenshot("12-support-exported").await?;
    app.close().await?;

    let exports: Vec<_> = std::fs::read_dir(home.path().join("exports"))?
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(exports.len(), 1);
    let out = std::process::Command::new("age")
        .args(["-d", "-i"])
        .arg(keys.path().join("support.txt"))
        .arg(&exports[0])
        .output()?;
    assert!(out.status.success(), "support opens it with age");
    assert!(contains_bytes(&out.stdout, b"manifest.json"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn owner_reviews_the_day_with_a_chart_and_closes_it() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings(FAST_READER)?;
    let s = Some(&session);
    let sale_id = |out: std::process::Output| -> String {
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap_or_default()["sale"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    merchantctl(s, &home, &["--json", "charge", "12.50"])?;
    let big = sale_id(merchantctl(s, &home, &["--json", "charge", "30.00"])?);
    merchantctl(s, &home, &["--json", "charge", "1250", "--currency", "JPY"])?;
    let refund = merchantctl(s, &home, &["--json", "refund", &big, "--amount", "10.00"])?;
    assert_eq!(refund.status.code(), Some(0));

    let app = AppDriver::launch(&session, &home).await?;
    sign_in_as_owner(&app).await?;
    app.by_id("reports-button").await?.click().await?;
    app.wait_until("the day view", Duration::from_secs(10), || async {
        Ok(app.text("report-message").await?.contains("Figures for"))
    })
    .await?;
    let figure = |currency: &str, key: &str| {
        format!(
            "return document.querySelector('.figure-card[data-currency={currency}] [data-figure={key}]')?.textContent;"
        )
    };
    let gross = app.client.execute(&figure("USD", "gross"), vec![]).await?;
    assert_eq!(gross.as_str(), Some("42.50 (2)"));
    let net = app.client.execute(&figure("USD", "net"), vec![]).await?;
    assert_eq!(net.as_str(), Some("32.50"));
    let yen = app.client.execute(&figure("JPY", "gross"), vec![]).await?;
    assert_eq!(yen.as_str(), Some("1250 (1)"));
    // A chart per currency: 24 hourly bars whose net adds up to the day's.
    let bars = app
        .client
        .execute(
            "const bars = [...document.querySelectorAll('#report-charts figure[data-currency=USD] rect.bar')];
             return [bars.length, bars.reduce((t, b) => t + Number(b.dataset.net), 0)];",
            vec![],
        )
        .await?;
    assert_eq!(bars, serde_json::json!([24, 3250]));
    assert!(app.text("report-breakdowns").await?.contains("visa"));
    app.screenshot("13-reports-day-view").await?;

    // Closing the day asks for a second press, then numbers and saves it.
    app.by_id("report-close-day").await?.click().await?;
    assert!(app.text("report-message").await?.contains("Press again"));
    app.by_id("report-close-day").await?.click().await?;
    app.wait_until("the Z report", Duration::from_secs(10), || async {
        Ok(app.text("report-message").await?.contains("Z report No. 1"))
    })
    .await?;
    let printout = app
        .client
        .execute("return document.getElementById('report-printout').textContent;", vec![])
        .await?;
    let printout = printout.as_str().unwrap_or_default();
    assert!(
        printout.contains("Z REPORT No. 0001") && printout.contains("TRAINING"),
        "{printout}"
    );
    app.screenshot("14-reports-z-report").await?;
    app.close().await?;
    let pdf = std::fs::read(home.path().join("reports/training-z-0001.pdf"))?;
    assert!(pdf.starts_with(b"%PDF-"));
    Ok(())
}

/// A live terminal against localstripe over TLS, with a cashier and a low
/// approval limit, and the app open on the sign-in screen.
async fn live_app(
    session: &KeyringSession,
    pki: &merchant_tests::TestPki,
    gateway: &merchant_tests::Localstripe,
    request_timeout_ms: u64,
) -> TestResult<(TerminalHome, AppDriver)> {
    let home = merchant_tests::live_terminal_with(session, pki, gateway, request_timeout_ms, 0)?;
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    home.settings(&format!("refund_approval_above_major = 10\n{settings}"))?;
    let out = merchant_tests::merchantctl_stdin(
        session,
        &home,
        &["staff", "add", "--name", "Cas", "--role", "cashier"],
        "111111\n",
    )?;
    assert_eq!(out.status.code(), Some(0));
    let app = AppDriver::launch(session, &home).await?;
    Ok((home, app))
}

/// The text shown by a PDF's content streams: its literal `(…)` and hex
/// `<…>` strings, decoded from Windows-1252 (enough for the terminal's own
/// uncompressed PDFs).
fn pdf_text(pdf: &[u8]) -> String {
    let cp1252 = |b: u8| match b {
        0x95 => '•',
        0x97 => '—',
        0x96 => '–',
        0x80 => '€',
        _ => char::from(b),
    };
    let mut out = String::new();
    let mut i = 0;
    while i < pdf.len() {
        match pdf[i] {
            b'(' => {
                let mut j = i + 1;
                while j < pdf.len() && pdf[j] != b')' {
                    if pdf[j] == b'\\' {
                        j += 1;
                    }
                    if let Some(&b) = pdf.get(j) {
                        out.push(cp1252(b));
                    }
                    j += 1;
                }
                out.push('\n');
                i = j;
            }
            b'<' if pdf.get(i + 1).is_some_and(u8::is_ascii_hexdigit) => {
                let end = pdf[i..].iter().position(|&b| b == b'>').map_or(pdf.len(), |p| i + p);
                let hex: Vec<u8> = pdf[i + 1..end].iter().copied().filter(u8::is_ascii_hexdigit).collect();
                for pair in hex.chunks(2) {
                    if let Some(b) = std::str::from_utf8(pair)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                    {
                        out.push(cp1252(b));
                    }
                }
                out.push('\n');
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The gateway helpers use a blocking HTTP client: run them off the async
/// workers.
fn blocking<T>(f: impl FnOnce() -> TestResult<T>) -> TestResult<T> {
    tokio::task::block_in_place(f)
}

async fn js(app: &AppDriver, script: &str) -> TestResult<serde_json::Value> {
    Ok(app.client.execute(script, vec![]).await?)
}

/// Clicks the row action `kind` (refund, capture, receipt) of sale `id`.
async fn row_action(app: &AppDriver, id: &str, kind: &str) -> TestResult {
    let selector = format!("#sales-list li[data-sale-id=\"{id}\"] .row-action.{kind}");
    app.wait_until(&format!("the {kind} button"), Duration::from_secs(10), || async {
        Ok(!app
            .client
            .find_all(fantoccini::Locator::Css(&selector))
            .await?
            .is_empty())
    })
    .await?;
    app.client
        .find(fantoccini::Locator::Css(&selector))
        .await?
        .click()
        .await?;
    Ok(())
}

async fn wait_text(app: &AppDriver, id: &str, needle: &str) -> TestResult {
    app.wait_until(&format!("{id} to say {needle:?}"), Duration::from_secs(15), || async {
        Ok(app.text(id).await?.contains(needle))
    })
    .await
}

async fn sale_status(app: &AppDriver, id: &str) -> TestResult<String> {
    let v = js(
        app,
        &format!("return document.querySelector('#sales-list li[data-sale-id=\"{id}\"]')?.dataset.status ?? '';"),
    )
    .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shop_day_against_localstripe_charge_receipt_refund_capture_void_approval() -> TestResult {
    let pki = merchant_tests::TestPki::new()?;
    let gateway = blocking(|| merchant_tests::Localstripe::start(&pki, "server"))?;
    let session = KeyringSession::unlocked()?;
    let (home, app) = live_app(&session, &pki, &gateway, 10_000).await?;
    sign_in_as_owner(&app).await?;
    assert!(
        app.is_shown("test-card-row").await?,
        "a test-mode key offers the gateway's test cards"
    );
    assert!(!app.is_shown("simulated-card-row").await?);

    // A double click sends one charge; so do two requests at once.
    type_amount(&app, "25.00").await?;
    js(
        &app,
        "const b = document.getElementById('charge-button'); b.click(); b.click(); return 0;",
    )
    .await?;
    assert_eq!(wait_result(&app).await?, "APPROVED");
    let sale = js(
        &app,
        "return document.querySelector('#sales-list li')?.dataset.saleId ?? '';",
    )
    .await?;
    let sale = sale.as_str().unwrap_or_default().to_string();
    let all = blocking(|| gateway.get(&pki, "v1/payment_intents?limit=100"))?;
    assert_eq!(
        all["data"].as_array().map(Vec::len),
        Some(1),
        "one PaymentIntent for a double click"
    );
    app.screenshot("20-live-approved").await?;

    // The receipt: brand and last 4 only, as PDF, and emailed by the gateway.
    app.by_id("result-receipt").await?.click().await?;
    wait_text(&app, "receipt-message", "Saved as").await?;
    let lines = app.text("receipt-lines").await?;
    assert!(
        lines.contains("VISA •••• 4242") && lines.contains("25.00 USD"),
        "{lines}"
    );
    assert!(!lines.contains("TRAINING"));
    let pdf = std::fs::read(home.path().join(format!("receipts/sale-{sale}-customer.pdf")))?;
    assert!(pdf.starts_with(b"%PDF-"));
    let printed = pdf_text(&pdf);
    assert!(
        printed.contains("VISA •••• 4242") && printed.contains("25.00 USD"),
        "{printed}"
    );
    assert!(!merchant_tests::shows_card_number(&printed), "{printed}");
    assert!(!printed.contains("424242"), "no other card digits");
    app.select("receipt-copy", "merchant").await?;
    wait_text(&app, "receipt-lines", "Gateway ref").await?;
    app.by_id("receipt-email")
        .await?
        .send_keys("customer@example.com")
        .await?;
    app.by_id("receipt-send").await?.click().await?;
    wait_text(&app, "receipt-message", "will email").await?;
    let pi = blocking(|| gateway.intents_for_sale(&pki, &sale))?;
    assert_eq!(
        pi.first().map(|p| p["receipt_email"].clone()),
        Some(serde_json::json!("customer@example.com"))
    );
    app.screenshot("21-live-receipt").await?;
    app.by_id("receipt-close").await?.click().await?;

    // A partial refund, then more than is left: refused, nothing sent.
    row_action(&app, &sale, "refund").await?;
    let amount = app.by_id("refund-amount").await?;
    amount.clear().await?;
    amount.send_keys("10.00").await?;
    app.by_id("refund-submit").await?.click().await?;
    wait_text(&app, "refund-message", "15.00 USD left").await?;
    let amount = app.by_id("refund-amount").await?;
    amount.clear().await?;
    amount.send_keys("20.00").await?;
    app.by_id("refund-submit").await?.click().await?;
    wait_text(&app, "refund-message", "at most 15.00 USD").await?;
    let refunds = blocking(|| {
        gateway.get(
            &pki,
            &format!("v1/refunds?payment_intent={}", pi[0]["id"].as_str().unwrap_or("")),
        )
    })?;
    assert_eq!(refunds["data"].as_array().map(Vec::len), Some(1));
    app.screenshot("22-live-over-refund-refused").await?;
    app.by_id("refund-close").await?.click().await?;

    // Authorise, then capture part; authorise, then void.
    let authorise = |amount: &'static str| {
        let app = &app;
        async move {
            type_amount(app, amount).await?;
            app.by_id("authorize-only").await?.click().await?;
            app.by_id("charge-button").await?.click().await?;
            let word = wait_result(app).await?;
            let id = js(
                app,
                "return document.querySelector('#sales-list li')?.dataset.saleId ?? '';",
            )
            .await?;
            new_sale(app).await?;
            TestResult::Ok((word, id.as_str().unwrap_or_default().to_string()))
        }
    };
    let (word, held) = authorise("40.00").await?;
    assert_eq!(word, "AUTHORISED");
    wait_text(&app, "holds", "waiting to be captured").await?;
    row_action(&app, &held, "capture").await?;
    let amount = app.by_id("capture-amount").await?;
    amount.clear().await?;
    amount.send_keys("30.00").await?;
    app.screenshot("23-live-capture").await?;
    app.by_id("capture-submit").await?.click().await?;
    app.wait_until("the capture", Duration::from_secs(15), || async {
        Ok(sale_status(&app, &held).await? == "approved")
    })
    .await?;
    let captured = &blocking(|| gateway.intents_for_sale(&pki, &held))?[0];
    assert_eq!(
        (captured["status"].as_str(), captured["amount_received"].as_i64()),
        (Some("succeeded"), Some(3000))
    );
    app.by_id("capture-close").await?.click().await?;

    let (_, released) = authorise("15.00").await?;
    row_action(&app, &released, "capture").await?;
    app.by_id("capture-void").await?.click().await?;
    app.wait_until("the void", Duration::from_secs(15), || async {
        Ok(sale_status(&app, &released).await? == "voided")
    })
    .await?;
    assert_eq!(
        blocking(|| gateway.intents_for_sale(&pki, &released))?[0]["status"],
        "canceled"
    );
    app.by_id("capture-close").await?.click().await?;

    // A cashier's refund above the limit needs a manager's PIN.
    app.client
        .execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'F2'}));",
            vec![],
        )
        .await?;
    sign_in(&app, "Cas", "111111").await?;
    app.wait_until("the counter", Duration::from_secs(10), || async {
        app.is_shown("counter").await
    })
    .await?;
    row_action(&app, &held, "refund").await?;
    let amount = app.by_id("refund-amount").await?;
    amount.clear().await?;
    amount.send_keys("12.00").await?;
    app.by_id("refund-submit").await?.click().await?;
    app.wait_until("the approval fields", Duration::from_secs(10), || async {
        app.is_shown("approval").await
    })
    .await?;
    app.by_id("approver-name").await?.send_keys(OWNER).await?;
    app.by_id("approver-pin").await?.send_keys(OWNER_PIN).await?;
    app.by_id("refund-submit").await?.click().await?;
    wait_text(&app, "refund-message", "18.00 USD left").await?;
    app.screenshot("24-live-approved-refund").await?;
    app.close().await?;
    let audit = merchantctl(Some(&session), &home, &["audit", "show", "--limit", "200"])?;
    let audit = String::from_utf8_lossy(&audit.stdout);
    assert!(audit.contains("refund_approval") && audit.contains("capture") && audit.contains("void"));
    assert!(
        audit.contains("receipt_emailed") && !audit.contains("customer@example.com"),
        "the address is not kept"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_gateway_shows_in_doubt_and_the_resolve_button_settles_it() -> TestResult {
    let pki = merchant_tests::TestPki::new()?;
    let gateway = blocking(|| merchant_tests::Localstripe::start(&pki, "server"))?;
    let session = KeyringSession::unlocked()?;
    let (_home, app) = live_app(&session, &pki, &gateway, 1_500).await?;
    sign_in_as_owner(&app).await?;
    // The gateway takes the charge, then stalls past the terminal's timeout.
    blocking(|| {
        gateway.faults(
            &pki,
            serde_json::json!([{ "path": "/v1/payment_intents", "kind": "delay_after", "ms": 4000 }]),
        )
    })?;
    type_amount(&app, "18.00").await?;
    app.by_id("charge-button").await?.click().await?;
    assert_eq!(wait_result(&app).await?, "IN DOUBT");
    assert!(app.is_shown("resolve-button").await?);
    assert!(!app.is_shown("retry-button").await?, "no retry offered while in doubt");
    assert!(app.text("result-message").await?.contains("Do not charge again"));
    assert!(app.text("result-action").await?.contains("Resolve now"));
    app.screenshot("25-live-in-doubt").await?;

    // Another charge is refused until it is resolved.
    let refused = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('charge_sale', { request: { amount: '1.00', test_card: 'visa' } })
               .then(() => done('charged'), (e) => done(e.code));",
            vec![],
        )
        .await?;
    assert_eq!(refused.as_str(), Some("in_doubt"));

    tokio::time::sleep(Duration::from_millis(3000)).await;
    app.by_id("resolve-button").await?.click().await?;
    wait_text(&app, "result-message", "Resolved").await?;
    new_sale(&app).await?;
    app.wait_until("the resolved sale", Duration::from_secs(10), || async {
        let v = js(
            &app,
            "return document.querySelector('#sales-list li')?.dataset.status ?? '';",
        )
        .await?;
        Ok(v.as_str() == Some("approved"))
    })
    .await?;
    assert_eq!(
        blocking(|| gateway.get(&pki, "v1/payment_intents?limit=100"))?["data"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    app.screenshot("26-live-resolved").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn owner_sets_up_stripe_in_the_window_then_charges_and_refunds() -> TestResult {
    let pki = blocking(merchant_tests::TestPki::new)?;
    let gateway = blocking(|| merchant_tests::Localstripe::start(&pki, "server"))?;
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.ensure_owner(Some(&session))?;
    let app = AppDriver::launch(&session, &home).await?;
    sign_in_as_owner(&app).await?;
    app.by_id("setup-button").await?.click().await?;
    app.wait_until("the gateway screen", Duration::from_secs(10), || async {
        app.is_shown("setup").await
    })
    .await?;

    // Where the gateway is: localstripe over TLS, trusting the test CA.
    let base = app.by_id("setup-base-url").await?;
    base.clear().await?;
    base.send_keys(&gateway.url()).await?;
    app.by_id("setup-extra-ca")
        .await?
        .send_keys(&pki.ca().display().to_string())
        .await?;
    app.by_id("setup-omit-reason").await?.click().await?;
    app.by_id("setup-find-readers").await?.click().await?;
    wait_text(&app, "setup-message", "No key").await.ok();
    app.by_id("setup-save").await?.click().await?;
    wait_text(&app, "setup-message", "saved").await?;

    // A plain http address is refused before anything is saved.
    let base = app.by_id("setup-base-url").await?;
    base.clear().await?;
    base.send_keys("http://127.0.0.1:9/").await?;
    app.by_id("setup-save").await?.click().await?;
    wait_text(&app, "setup-message", "https").await?;
    let base = app.by_id("setup-base-url").await?;
    base.clear().await?;
    base.send_keys(&gateway.url()).await?;
    app.by_id("setup-save").await?.click().await?;
    wait_text(&app, "setup-message", "saved").await?;

    // The key: checked, kept in the keychain, shown masked only.
    app.by_id("setup-key")
        .await?
        .send_keys("sk_test_merchantterminal01")
        .await?;
    app.by_id("setup-save-key").await?.click().await?;
    wait_text(&app, "setup-key-state", "sk_test_…al01").await?;
    assert!(
        app.text("setup-key-state").await?.contains("restricted key"),
        "a full key gets the advice"
    );
    let page = js(
        &app,
        "return document.body.innerText + [...document.querySelectorAll('input')].map(i => i.value).join(' ');",
    )
    .await?;
    assert!(
        !page.as_str().unwrap_or_default().contains("merchantterminal01"),
        "the key is never shown again"
    );

    // The reader from the gateway's list.
    app.by_id("setup-find-readers").await?.click().await?;
    app.wait_until("the reader list", Duration::from_secs(10), || async {
        Ok(!app
            .client
            .find_all(fantoccini::Locator::Css("#setup-readers button"))
            .await?
            .is_empty())
    })
    .await?;
    app.client
        .find(fantoccini::Locator::Css("#setup-readers button"))
        .await?
        .click()
        .await?;
    app.by_id("setup-save").await?.click().await?;
    wait_text(&app, "setup-message", "saved").await?;
    app.by_id("setup-mode-switch").await?.click().await?;
    app.by_id("setup-mode-switch").await?.click().await?;
    wait_text(&app, "setup-message", "live mode").await?;
    app.screenshot("27-setup-live").await?;
    app.by_id("setup-back").await?.click().await?;

    // Live, against localstripe: charge, refund part, the rest, then more.
    app.wait_until("the counter", Duration::from_secs(10), || async {
        app.is_shown("counter").await
    })
    .await?;
    assert!(!app.is_shown("training-band").await?);
    assert!(app.is_shown("test-card-row").await?);
    type_amount(&app, "20.00").await?;
    app.by_id("charge-button").await?.click().await?;
    assert_eq!(wait_result(&app).await?, "APPROVED");
    new_sale(&app).await?;
    let sale = js(
        &app,
        "return document.querySelector('#sales-list li')?.dataset.saleId ?? '';",
    )
    .await?;
    let sale = sale.as_str().unwrap_or_default().to_string();
    for (amount, left) in [("5.00", "15.00 USD left"), ("15.00", "0.00 USD left")] {
        if !app.is_shown("refund").await? {
            row_action(&app, &sale, "refund").await?;
        }
        let field = app.by_id("refund-amount").await?;
        field.clear().await?;
        field.send_keys(amount).await?;
        app.by_id("refund-submit").await?.click().await?;
        wait_text(&app, "refund-message", left).await?;
    }
    let field = app.by_id("refund-amount").await?;
    field.clear().await?;
    field.send_keys("1.00").await?;
    app.by_id("refund-submit").await?.click().await?;
    app.wait_until("the refusal", Duration::from_secs(10), || async {
        let code = js(
            &app,
            "return document.getElementById('refund-message').dataset.code ?? '';",
        )
        .await?;
        Ok(code.as_str() == Some("refund_refused"))
    })
    .await?;
    let refusal = app.text("refund-message").await?;
    assert!(refusal.contains("refund"), "a clear message: {refusal}");
    app.screenshot("28-live-refunded-in-full").await?;
    app.by_id("refund-close").await?.click().await?;
    let pi = blocking(|| gateway.intents_for_sale(&pki, &sale))?;
    let refunds = blocking(|| {
        gateway.get(
            &pki,
            &format!("v1/refunds?payment_intent={}", pi[0]["id"].as_str().unwrap_or("")),
        )
    })?;
    assert_eq!(refunds["data"].as_array().map(Vec::len), Some(2));

    // The keys: the live cache's key is rotated while the app has it open
    // (every value in the file moves to v2 and the sales still read), and
    // support's age key is replaced (a bad one refused first).
    app.by_id("setup-button").await?.click().await?;
    wait_text(&app, "setup-cache-keys", "Cache key v1 seals").await?;
    app.by_id("setup-rotate-cache").await?.click().await?;
    wait_text(&app, "setup-message", "rotated to v2").await?;
    wait_text(&app, "setup-cache-keys", "v1 destroyed").await?;
    let versions = blocking(|| {
        let db = rusqlite::Connection::open(home.path().join("live/cache.sqlite3"))?;
        let v: Vec<Vec<u8>> = db
            .prepare(
                "SELECT substr(description, 1, 4) FROM sales WHERE description IS NOT NULL
                 UNION SELECT substr(gateway_ref, 1, 4) FROM sales WHERE gateway_ref IS NOT NULL
                 UNION SELECT substr(gateway_ref, 1, 4) FROM refunds WHERE gateway_ref IS NOT NULL",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    })?;
    assert_eq!(
        versions,
        vec![2u32.to_le_bytes().to_vec()],
        "every value re-sealed with v2"
    );
    let recipients = app.by_id("setup-recipients").await?;
    recipients.clear().await?;
    recipients.send_keys("age1notakey").await?;
    app.by_id("setup-save-recipients").await?.click().await?;
    wait_text(&app, "setup-message", "is not an age").await?;
    let support_key = "age1jpar9mltr77y999d5n6khqvy309zpdk0qvkczrq05nk02h0yue0qva296z";
    recipients.clear().await?;
    recipients.send_keys(support_key).await?;
    app.by_id("setup-save-recipients").await?.click().await?;
    wait_text(&app, "setup-message", "sealed to 1 key").await?;
    app.screenshot("29-setup-keys-rotated").await?;
    assert!(std::fs::read_to_string(home.path().join("settings.toml"))?.contains(support_key));

    // The key can be removed; live mode then takes no payments.
    app.by_id("setup-remove-key").await?.click().await?;
    wait_text(&app, "setup-key-state", "No key").await?;
    app.close().await?;
    let audit = merchantctl(Some(&session), &home, &["audit", "show", "--limit", "100"])?;
    let audit = String::from_utf8_lossy(&audit.stdout);
    assert!(audit.contains("gateway_key_set") && audit.contains("sk_test_…al01"));
    assert!(audit.contains("gateway_key_removed") && audit.contains("mode_switch"));
    assert!(audit.contains("cache_key_rotated") && audit.contains("support_recipients_changed"));
    assert!(!audit.contains("merchantterminal01"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn owner_manages_staff_limits_and_audit_then_a_cashier_is_held_to_their_role_and_locked_when_idle() -> TestResult
{
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings(&format!("idle_lock_minutes = 1\n{FAST_READER}"))?;
    home.ensure_owner(Some(&session))?;
    // Someone guessing PINs before the owner arrives: an alert at sign-in.
    for _ in 0..5 {
        merchant_tests::merchantctl_as(Some(&session), &home, "Mallory", "999999", &["sales", "list"], "")?;
    }
    let app = AppDriver::launch(&session, &home).await?;
    sign_in_as_owner(&app).await?;
    wait_text(&app, "alerts-banner", "wrong PINs").await?;

    app.by_id("staff-button").await?.click().await?;
    app.wait_until("the staff screen", Duration::from_secs(10), || async {
        app.is_shown("staff").await
    })
    .await?;
    app.by_id("staff-add-name").await?.send_keys("Cas").await?;
    app.by_id("staff-add-pin").await?.send_keys("111111").await?;
    app.by_id("staff-add-button").await?.click().await?;
    wait_text(&app, "staff-message", "Cas added").await?;
    let row = "#staff-list tr[data-name=\"Cas\"]";
    app.client
        .find(fantoccini::Locator::Css(&format!("{row} input.pin")))
        .await?
        .send_keys("222222")
        .await?;
    app.client
        .find(fantoccini::Locator::Css(&format!(
            "{row} button[aria-label=\"Reset PIN Cas\"]"
        )))
        .await?
        .click()
        .await?;
    wait_text(&app, "staff-message", "PIN was reset").await?;
    app.client
        .find(fantoccini::Locator::Css(&format!(
            "{row} button[aria-label=\"Disable Cas\"]"
        )))
        .await?
        .click()
        .await?;
    wait_text(&app, "staff-message", "Cas disabled").await?;
    // The last manager cannot disable themselves.
    app.client
        .find(fantoccini::Locator::Css(
            "#staff-list tr[data-name=\"Owner\"] button[aria-label=\"Disable Owner\"]",
        ))
        .await?
        .click()
        .await?;
    wait_text(&app, "staff-message", "no active manager").await?;

    // Limits are saved to the settings; the audit trail shows every change.
    let field = app
        .client
        .find(fantoccini::Locator::Css(
            "#staff-limits input[name=refund_approval_above_major]",
        ))
        .await?;
    field.clear().await?;
    field.send_keys("25").await?;
    app.by_id("staff-limits-save").await?.click().await?;
    wait_text(&app, "staff-message", "Limits saved").await?;
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    assert!(settings.contains("refund_approval_above_major = 25"), "{settings}");
    app.by_id("audit-action").await?.send_keys("staff_changed").await?;
    app.by_id("audit-action")
        .await?
        .send_keys(&String::from(char::from(Key::Enter)))
        .await?;
    app.wait_until("the filtered audit", Duration::from_secs(10), || async {
        let actions = js(
            &app,
            "return [...document.querySelectorAll('#audit-rows tr')].map(r => r.dataset.action);",
        )
        .await?;
        let actions = actions.as_array().cloned().unwrap_or_default();
        Ok(actions.len() >= 2 && actions.iter().all(|a| a == "staff_changed"))
    })
    .await?;
    app.by_id("audit-verify").await?.click().await?;
    wait_text(&app, "staff-message", "intact").await?;
    app.screenshot("29-staff-and-audit").await?;

    // Enabled again, the cashier signs in with the new PIN and sees only the till.
    app.client
        .find(fantoccini::Locator::Css(&format!(
            "{row} button[aria-label=\"Enable Cas\"]"
        )))
        .await?
        .click()
        .await?;
    wait_text(&app, "staff-message", "Cas enabled").await?;
    js(
        &app,
        "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'F2'})); return 0;",
    )
    .await?;
    sign_in_with_pad(&app, "Cas", "222222").await?;
    app.wait_until("the counter", Duration::from_secs(10), || async {
        app.is_shown("counter").await
    })
    .await?;
    for hidden in ["staff-button", "setup-button", "reports-button", "support-button"] {
        assert!(!app.is_shown(hidden).await?, "{hidden} is hidden from a cashier");
    }
    // And the core refuses every manager command, whatever the window sends.
    let matrix = app
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const sale = "01a22336-0000-7000-8000-000000000000";
               const day = new Date().toISOString().slice(0, 10);
               const calls = [
                 ["list_staff", {}], ["get_limits", {}], ["list_alerts", {}], ["list_audit", {}],
                 ["verify_audit", {}], ["get_gateway_setup", {}], ["list_readers", {}],
                 ["get_day_report", {from: day, to: day}], ["get_x_report", {}], ["close_day", {}],
                 ["export_csv", {from: day, to: day}], ["reconcile_day", {from: day, to: day}],
                 ["import_missing", {from: day, to: day}], ["capture_sale", {sale_id: sale}],
                 ["void_sale", {sale_id: sale}], ["switch_mode", {mode: "live"}],
                 ["configure_gateway", {base_url: "https://example.com/"}], ["remove_gateway_key", {}],
                 ["set_staff_active", {name: "Owner", active: false}], ["unlock_staff", {name: "Owner"}],
                 ["reset_staff_pin", {name: "Owner", pin: "123456"}],
                 ["add_staff", {name: "Eve", role: "manager", pin: "123456"}],
                 ["export_bundle", {}], ["preview_bundle", {}], ["get_keys", {}], ["rotate_cache_key", {}],
                 ["set_support_recipients", {support: ["age1jpar9mltr77y999d5n6khqvy309zpdk0qvkczrq05nk02h0yue0qva296z"]}]];
               Promise.all(calls.map(([cmd, request]) =>
                 window.__TAURI_INTERNALS__.invoke(cmd, { request })
                   .then(() => cmd + ":allowed", (e) => cmd + ":" + (e.code ?? e))))
                 .then(done);"#,
            vec![],
        )
        .await?;
    let results: Vec<String> = matrix
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    assert_eq!(results.len(), 27);
    for r in &results {
        assert!(r.ends_with(":forbidden"), "a cashier was not refused: {r}");
    }

    // Idle for a minute: the screen locks, and the core ended the session.
    app.wait_until("the idle lock", Duration::from_secs(90), || async {
        app.is_shown("sign-in").await
    })
    .await?;
    assert!(app.text("sign-in-error").await?.contains("idle"));
    app.screenshot("30-idle-locked").await?;
    app.close().await?;
    let audit = merchantctl(Some(&session), &home, &["audit", "show", "--limit", "300"])?;
    let audit = String::from_utf8_lossy(&audit.stdout);
    assert!(audit.contains("permission_denied") && audit.contains("pin_reset"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_over_ipc_gets_a_clear_error_and_loses_nothing() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings(FAST_READER)?;
    home.ensure_owner(Some(&session))?;
    let app = AppDriver::launch(&session, &home).await?;
    sign_in_as_owner(&app).await?;
    // Every user-facing input, sent straight over IPC as a tampered UI
    // could: [command, request, expected code]. "!" means the request is
    // refused before it reaches the core (wrong shape or type, unknown command).
    let table = app
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const big = "x".repeat(10 * 1024 * 1024);
               const sale = "01a22336-0000-7000-8000-000000000000";
               const rows = [
                 ["charge_sale", {amount: "-1"}, "invalid_amount"],
                 ["charge_sale", {amount: "1e9"}, "invalid_amount"],
                 ["charge_sale", {amount: "12.345"}, "invalid_amount"],
                 ["charge_sale", {amount: "¥12.5"}, "invalid_amount"],
                 ["charge_sale", {amount: "12.5", currency: "JPY"}, "invalid_amount"],
                 ["charge_sale", {amount: "99999999999999999999"}, "invalid_amount"],
                 ["charge_sale", {amount: ""}, "invalid_amount"],
                 ["charge_sale", {amount: "1.00", description: big}, "invalid_input"],
                 ["charge_sale", {amount: "1.00", description: "4242 4242 4242 4242"}, "invalid_input"],
                 ["charge_sale", {amount: "1.00", description: "line\nbreak"}, "invalid_input"],
                 ["charge_sale", {amount: "1.00", description: "nul\u0000"}, "invalid_input"],
                 ["charge_sale", {amount: 12}, "!"],
                 ["charge_sale", {amount: "1.00", currency: "XXX"}, "!"],
                 ["charge_sale", {amount: "1.00", extra: true}, "!"],
                 ["refund_sale", {sale_id: "'; DROP TABLE sales; --", reason: "requested_by_customer"}, "!"],
                 ["refund_sale", {sale_id: sale, amount: "1.00", reason: "requested_by_customer"}, "not_found"],
                 ["capture_sale", {sale_id: sale, amount: "-5"}, "not_found"],
                 ["list_sales", {last4: "<script>"}, "invalid_input"],
                 ["list_sales", {amount: "1e9"}, "invalid_amount"],
                 ["get_day_report", {from: "2026-13-45", to: "2026-11-28"}, "invalid_input"],
                 ["get_day_report", {from: "'; DROP TABLE closings; --", to: "x"}, "invalid_input"],
                 ["email_receipt", {sale_id: sale, email: "a@b.c\r\nBcc: x@y.z"}, "invalid_input"],
                 ["drop_database", {}, "!"],
               ];
               Promise.all(rows.map(([cmd, request, want]) =>
                 window.__TAURI_INTERNALS__.invoke(cmd, { request })
                   .then(() => [cmd, want, "accepted"],
                         (e) => [cmd, want, (e && typeof e === "object" && e.code) ? e.code : "!"])))
                 .then(done);"#,
            vec![],
        )
        .await?;
    let rows = table.as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 23);
    for row in &rows {
        assert_eq!(row[1], row[2], "{row}");
    }

    // Text that looks like markup is shown as text, never run.
    type_amount(&app, "3.00").await?;
    app.by_id("description")
        .await?
        .send_keys("<img src=x onerror=\"window.__pwned=1\">")
        .await?;
    app.by_id("charge-button").await?.click().await?;
    assert_eq!(wait_result(&app).await?, "APPROVED");
    new_sale(&app).await?;
    let probe = js(
        &app,
        "return [window.__pwned ?? null, document.querySelectorAll('#sales-list img').length,
                 document.querySelector('#sales-list .desc')?.textContent ?? ''];",
    )
    .await?;
    assert_eq!(probe[0], serde_json::Value::Null);
    assert_eq!(probe[1], 0);
    assert!(probe[2].as_str().unwrap_or_default().contains("<img"));
    // Nothing bad was recorded; the one good sale is there.
    assert_eq!(sales_statuses(&app).await?, vec!["approved".to_string()]);
    app.close().await
}
