//! A live terminal against localstripe over TLS: a shop day, a stalled
//! gateway resolved from the window, and the owner setting Stripe up.

use std::time::Duration;

use merchant_tests::{merchantctl, pdf_text, AppDriver, KeyringSession, TerminalHome, TestResult, OWNER, OWNER_PIN};

use crate::steps::*;

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
    let sale = newest_sale(&app).await?;
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
    assert!(lines.contains("VISA •••• 4242") && lines.contains("$25.00"), "{lines}");
    assert!(!lines.contains("TRAINING"));
    let pdf = std::fs::read(home.path().join(format!("receipts/sale-{sale}-customer.pdf")))?;
    assert!(pdf.starts_with(b"%PDF-"));
    let printed = pdf_text(&pdf);
    assert!(
        printed.contains("VISA •••• 4242") && printed.contains("$25.00"),
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
    wait_text(&app, "refund-message", "$15.00 left").await?;
    let amount = app.by_id("refund-amount").await?;
    amount.clear().await?;
    amount.send_keys("20.00").await?;
    app.by_id("refund-submit").await?.click().await?;
    wait_text(&app, "refund-message", "at most $15.00").await?;
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
            let id = newest_sale(app).await?;
            new_sale(app).await?;
            TestResult::Ok((word, id))
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
    wait_text(&app, "refund-message", "$18.00 left").await?;
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
    let sale = newest_sale(&app).await?;
    for (amount, left) in [("5.00", "$15.00 left"), ("15.00", "$0.00 left")] {
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
