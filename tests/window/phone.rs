//! Phone orders in the window: the card is typed into the gateway's hosted
//! fields (localstripe's Stripe.js stand-in, over TLS with the test CA) in
//! a card window that can do nothing else, and charged like any sale.

use std::time::Duration;

use fantoccini::wd::WindowHandle;
use fantoccini::Locator;
use merchant_tests::{AppDriver, KeyringSession, Localstripe, TestPki, TestResult};

use crate::steps::*;

const GOOD_CARD: &str = "4242424242424242";
// Stripe's "attaches, then every charge is declined" test card.
const DECLINED_CARD: &str = "4000000000000341";
// localstripe's "always asks for 3-D Secure" test card.
const THREE_D_SECURE_CARD: &str = "4000002760003184";

/// A live terminal whose gateway is `gateway`, with phone orders set up
/// and the shop's own settings `shop` (top-level lines).
async fn phone_app(
    session: &KeyringSession,
    pki: &TestPki,
    gateway: &Localstripe,
    shop: &str,
) -> TestResult<(merchant_tests::TerminalHome, AppDriver)> {
    let home = merchant_tests::live_terminal_with(session, pki, gateway, 10_000, 0)?;
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    // The [gateway] table is the file's last.
    home.settings(&format!(
        "{shop}{settings}publishable_key = \"pk_test_merchantterminal01\"\ncard_fields_script = \"{}js.stripe.com/v3/\"\n",
        gateway.url()
    ))?;
    let app = AppDriver::launch(session, &home).await?;
    Ok((home, app))
}

/// `phone_app`, with the owner signed in at the counter and its Phone
/// order button shown; the counter window's handle.
async fn owner_at_the_counter(
    session: &KeyringSession,
    pki: &TestPki,
    gateway: &Localstripe,
    shop: &str,
) -> TestResult<(merchant_tests::TerminalHome, AppDriver, WindowHandle)> {
    let (home, app) = phone_app(session, pki, gateway, shop).await?;
    sign_in_as_owner(&app).await?;
    app.wait_until("the Phone order button", Duration::from_secs(10), || async {
        app.is_shown("phone-order-button").await
    })
    .await?;
    let counter = app.client.window().await?;
    Ok((home, app, counter))
}

/// Clicks Phone order and switches to the card window once it is open.
async fn open_card_window(app: &AppDriver, counter: &WindowHandle) -> TestResult<WindowHandle> {
    app.by_id("phone-order-button").await?.click().await?;
    app.wait_until("the card window", Duration::from_secs(15), || async {
        Ok(app.client.windows().await?.len() == 2)
    })
    .await?;
    let handles = app.client.windows().await?;
    let card = handles.into_iter().find(|h| h != counter).ok_or("no card window")?;
    app.client.switch_to_window(card.clone()).await?;
    app.wait_until("the gateway's card fields", Duration::from_secs(15), || async {
        Ok(app.client.find_all(Locator::Css("#card_fields iframe")).await?.len() == 1)
    })
    .await?;
    Ok(card)
}

/// Types a card into the gateway's iframe, as a cashier would.
async fn type_card(app: &AppDriver, number: &str, expiry: &str, cvc: &str) -> TestResult {
    let frame = app.client.find(Locator::Css("#card_fields iframe")).await?;
    frame.enter_frame().await?;
    for (name, value) in [("cardnumber", number), ("exp-date", expiry), ("cvc", cvc)] {
        let field = app.client.find(Locator::Css(&format!("input[name='{name}']"))).await?;
        // The card window is not the focused one under Xvfb: a click
        // focuses the field, as the cashier's would.
        field.click().await?;
        field.clear().await?;
        field.send_keys(value).await?;
    }
    app.client.enter_parent_frame().await?;
    Ok(())
}

/// Uses the typed card: the card window closes and the counter charges.
async fn use_card(app: &AppDriver, counter: &WindowHandle) -> TestResult {
    app.wait_until("the Use button", Duration::from_secs(10), || async {
        Ok(app.by_id("card_use").await?.is_enabled().await?)
    })
    .await?;
    app.by_id("card_use").await?.click().await?;
    back_at_the_counter(app, counter).await
}

/// A phone order paid with `card` (expiry 12/34): the counter's answer and
/// the sale's id.
async fn phone_order(app: &AppDriver, counter: &WindowHandle, card: &str) -> TestResult<(String, String)> {
    open_card_window(app, counter).await?;
    type_card(app, card, "12/34", "123").await?;
    use_card(app, counter).await?;
    Ok((wait_result(app).await?, newest_sale(app).await?))
}

/// The card window has closed: back to the counter, which has left its
/// "type the card" step.
async fn back_at_the_counter(app: &AppDriver, counter: &WindowHandle) -> TestResult {
    app.wait_until("the card window to close", Duration::from_secs(15), || async {
        Ok(app.client.windows().await?.len() == 1)
    })
    .await?;
    app.client.switch_to_window(counter.clone()).await?;
    app.wait_until("the counter", Duration::from_secs(10), || async {
        Ok(!app.is_shown("phone-wait").await?)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_phone_order_is_typed_into_the_gateways_fields_in_a_window_that_can_do_nothing_else() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = blocking(|| Localstripe::start(&pki, "server"))?;
    let session = KeyringSession::unlocked()?;
    let (home, app, counter) = owner_at_the_counter(&session, &pki, &gateway, "").await?;

    // 1. A good card: typed in the gateway's frame, charged as a phone order.
    type_amount(&app, "18.00").await?;
    open_card_window(&app, &counter).await?;
    assert_eq!(app.client.current_url().await?.as_str(), "card://localhost/");
    let policy = js(
        &app,
        "return document.querySelector('meta[http-equiv=Content-Security-Policy]').content;",
    )
    .await?;
    let origin = gateway.url().trim_end_matches('/').to_string();
    assert!(
        policy
            .as_str()
            .unwrap_or_default()
            .contains(&format!("script-src 'self' {origin};")),
        "{policy}"
    );
    type_card(&app, GOOD_CARD, "12/34", "123").await?;
    app.screenshot("45-phone-card-window").await?;
    use_card(&app, &counter).await?;
    assert_eq!(wait_result(&app).await?, "APPROVED");
    let card_line = app.text("result-card").await?;
    assert!(card_line.contains("4242"), "{card_line}");
    app.screenshot("46-phone-order-approved").await?;
    let sale = newest_sale(&app).await?;
    // The gateway's raw records: one PaymentIntent, a phone order, paid
    // with a payment method made from the typed card.
    let intents = blocking(|| gateway.intents_for_sale(&pki, &sale))?;
    assert_eq!(intents.len(), 1, "{intents:?}");
    let pi = &intents[0];
    assert_eq!(pi["status"], "succeeded", "{pi}");
    assert_eq!(pi["amount"], 1800);
    assert_eq!(pi["metadata"]["order"], "phone", "{pi}");
    let pm_id = pi["payment_method"].as_str().unwrap_or_default().to_string();
    assert!(pm_id.starts_with("pm_"), "{pi}");
    let pm = blocking(|| gateway.get(&pki, &format!("v1/payment_methods/{pm_id}")))?;
    assert_eq!(pm["card"]["last4"], "4242", "{pm}");
    assert_eq!(pm["card"]["exp_year"], 2034, "{pm}");
    // Its receipt says the card was not present, asks no signature, and is
    // emailed by the gateway.
    app.by_id("result-receipt").await?.click().await?;
    wait_text(&app, "receipt-message", "Saved as").await?;
    app.select("receipt-copy", "merchant").await?;
    wait_text(&app, "receipt-lines", "Gateway ref").await?;
    let lines = app.text("receipt-lines").await?;
    assert!(
        lines.contains("Phone order (card not present)") && lines.contains("VISA •••• 4242"),
        "{lines}"
    );
    assert!(!lines.contains("signature"), "{lines}");
    app.by_id("receipt-email")
        .await?
        .send_keys("caller@example.com")
        .await?;
    app.by_id("receipt-send").await?.click().await?;
    wait_text(&app, "receipt-message", "will email").await?;
    let pi = blocking(|| gateway.intents_for_sale(&pki, &sale))?;
    assert_eq!(pi[0]["receipt_email"], "caller@example.com", "{pi:?}");
    // Closing the receipt starts the next sale.
    app.by_id("receipt-close").await?.click().await?;

    // 2. Authorise only: the card is held for the amount, as a phone order.
    type_amount(&app, "30.00").await?;
    app.by_id("authorize-only").await?.click().await?;
    let (word, held) = phone_order(&app, &counter, GOOD_CARD).await?;
    assert_eq!(word, "AUTHORISED");
    let intents = blocking(|| gateway.intents_for_sale(&pki, &held))?;
    assert_eq!(intents.len(), 1, "{intents:?}");
    let pi = &intents[0];
    assert_eq!(
        (
            pi["status"].as_str(),
            pi["capture_method"].as_str(),
            pi["amount"].as_i64()
        ),
        (Some("requires_capture"), Some("manual"), Some(3000)),
        "{pi}"
    );
    assert_eq!(pi["metadata"]["order"], "phone", "{pi}");
    new_sale(&app).await?;

    // 3. The card window can call no command of the counter's, and go
    // nowhere but its page and the gateway's frames.
    type_amount(&app, "7.00").await?;
    open_card_window(&app, &counter).await?;
    let names: Vec<String> = include_str!("../../ui/src/bindings/commands.ts")
        .lines()
        .filter_map(|l| l.trim().split_once(": { request:").map(|(n, _)| n.to_string()))
        .filter(|n| n != "hand_back_card")
        .chain(
            [
                "plugin:window|close",
                "plugin:webview|create_webview_window",
                "plugin:event|emit",
            ]
            .map(String::from),
        )
        .collect();
    assert!(names.len() > 45, "{names:?}");
    let answers = app
        .client
        .execute_async(
            r#"const [names, done] = [arguments[0], arguments[arguments.length - 1]];
               Promise.all(names.map((name) =>
                 window.__TAURI_INTERNALS__.invoke(name, { request: {} })
                   .then(() => [name, "accepted"], (e) => [name, typeof e === "string" ? e : JSON.stringify(e)])))
                 .then(done);"#,
            vec![serde_json::json!(names)],
        )
        .await?;
    let answers = answers.as_array().cloned().unwrap_or_default();
    assert_eq!(answers.len(), names.len());
    for answer in &answers {
        let said = answer[1].as_str().unwrap_or_default();
        assert!(said.contains("not allowed"), "the card window called {answer}");
    }
    // Its one command refuses what is not a card, and the window stays.
    let refused = app
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               window.__TAURI_INTERNALS__.invoke("hand_back_card",
                 { request: { card: { payment_method: "pi_1", brand: "visa", last4: "4242" } } })
                 .then(() => done("accepted"), (e) => done(e.code));"#,
            vec![],
        )
        .await?;
    assert_eq!(refused, "invalid_input");
    for elsewhere in ["https://example.com/", "tauri://localhost/", "file:///etc/hostname"] {
        js(
            &app,
            &format!("location.href = {}; return 0;", serde_json::json!(elsewhere)),
        )
        .await?;
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(
            app.client.current_url().await?.as_str(),
            "card://localhost/",
            "the card window went to {elsewhere}"
        );
    }
    let opened = js(&app, "return window.open('https://example.com/') === null;").await?;
    assert_eq!(opened, true, "the card window opened a window");
    assert_eq!(app.client.windows().await?.len(), 2);
    // The gateway's own host is its frames' host too: the window may load
    // it in a frame, and closes (cancelling the order) if the page itself
    // goes there.
    let gateway_page = format!("{}v1/payment_intents", gateway.url());
    js(
        &app,
        &format!("location.href = {}; return 0;", serde_json::json!(gateway_page)),
    )
    .await?;
    back_at_the_counter(&app, &counter).await?;
    assert_eq!(app.text("amount-error").await?, "", "a cancelled order is not an error");

    // 4. A declined card: the gateway makes the payment method, the charge
    // is declined.
    let (word, declined) = phone_order(&app, &counter, DECLINED_CARD).await?;
    assert_eq!(word, "DECLINED");
    let intents = blocking(|| gateway.intents_for_sale(&pki, &declined))?;
    assert!(intents.iter().all(|pi| pi["status"] != "succeeded"), "{intents:?}");
    app.by_id("new-sale-button").await?.click().await?;

    // A card that asks for 3-D Secure cannot be taken on the phone: nothing
    // is charged, and the cashier is told to take the payment another way.
    type_amount(&app, "7.00").await?;
    let (word, asked) = phone_order(&app, &counter, THREE_D_SECURE_CARD).await?;
    assert_eq!(word, "NOT CHARGED");
    let message = app.text("result-message").await?;
    assert!(message.contains("cannot be done over the phone"), "{message}");
    let intents = blocking(|| gateway.intents_for_sale(&pki, &asked))?;
    assert!(intents.iter().all(|pi| pi["status"] != "succeeded"), "{intents:?}");
    new_sale(&app).await?;

    // 5. An expired card is refused in the gateway's fields: nothing is
    // sent, and closing the window leaves the counter as it was.
    let before = blocking(|| gateway.get(&pki, "v1/payment_intents?limit=100"))?;
    type_amount(&app, "9.00").await?;
    open_card_window(&app, &counter).await?;
    type_card(&app, GOOD_CARD, "01/20", "123").await?;
    wait_text(&app, "card_error", "in the past").await?;
    assert!(!app.by_id("card_use").await?.is_enabled().await?);
    // The window closes under the click: its answer may be that it is gone.
    let _ = app.by_id("card_cancel").await?.click().await;
    back_at_the_counter(&app, &counter).await?;
    assert_eq!(app.by_id("amount").await?.prop("value").await?.as_deref(), Some("9.00"));
    let after = blocking(|| gateway.get(&pki, "v1/payment_intents?limit=100"))?;
    assert_eq!(
        before["data"].as_array().map(Vec::len),
        after["data"].as_array().map(Vec::len),
        "a cancelled phone order sends nothing"
    );

    // 6. The order is checked before the card is asked for: an amount the
    // terminal would refuse is said at once, and no card window opens.
    type_amount(&app, "-1").await?;
    app.by_id("phone-order-button").await?.click().await?;
    app.wait_until("the amount's refusal", Duration::from_secs(10), || async {
        Ok(app.text("amount-error").await?.contains("negative"))
    })
    .await?;
    assert_eq!(
        app.client.windows().await?.len(),
        1,
        "a card window for a refused order"
    );

    // 7. One card window at a time, and it does not outlive the session:
    // two phone orders at once (over IPC, as a second click would send)
    // open one window and refuse the other; signing out closes the window
    // and cancels the order, and nothing reaches the gateway.
    let before = blocking(|| gateway.get(&pki, "v1/payment_intents?limit=100"))?;
    let first = js(
        &app,
        r#"const ask = () => window.__TAURI_INTERNALS__
               .invoke("charge_sale", { request: { amount: "5.00", phone_order: true } })
               .then(() => "charged", (e) => e.code);
           window.__orders = Promise.all([ask(), ask()]);
           return 0;"#,
    )
    .await?;
    assert_eq!(first, 0);
    app.wait_until("one card window", Duration::from_secs(15), || async {
        Ok(app.client.windows().await?.len() == 2)
    })
    .await?;
    let signed_out = app
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               window.__TAURI_INTERNALS__.invoke("sign_out", { request: {} })
                 .then(() => window.__orders).then(done, (e) => done(String(e)));"#,
            vec![],
        )
        .await?;
    let mut answers: Vec<String> = serde_json::from_value(signed_out.clone()).map_err(|_| signed_out.to_string())?;
    answers.sort();
    assert_eq!(answers, ["cancelled", "charge_in_progress"]);
    app.wait_until(
        "the card window to close at sign-out",
        Duration::from_secs(10),
        || async { Ok(app.client.windows().await?.len() == 1) },
    )
    .await?;
    let after = blocking(|| gateway.get(&pki, "v1/payment_intents?limit=100"))?;
    assert_eq!(
        before["data"].as_array().map(Vec::len),
        after["data"].as_array().map(Vec::len),
        "an order cancelled at sign-out sends nothing"
    );

    // 8. No card number anywhere the terminal writes or shows: its data
    // folder (databases, logs, receipts, settings) and the counter window's
    // page as it stands. (The card window's screenshot shows the digits:
    // they are on screen inside the gateway's frame while the cashier types.)
    let page = js(&app, "return document.documentElement.outerHTML;").await?;
    let page_file = merchant_tests::artefact_dir("phone").join("counter-page.html");
    std::fs::write(&page_file, page.as_str().unwrap_or_default())?;
    let mut files = merchant_tests::all_files(home.path());
    files.push(page_file);
    let numbers = [GOOD_CARD, DECLINED_CARD, THREE_D_SECURE_CARD].map(String::from);
    let mut found = Vec::new();
    for f in &files {
        for card in &numbers {
            found.extend(merchant_tests::scan::scan_file(f, &numbers, Some(card)));
        }
    }
    assert!(files.len() > 5, "{files:?}");
    assert!(found.is_empty(), "card digits found: {found:?}");
    // Nor the customer's email: the gateway sends the receipt, the terminal
    // keeps no address.
    for f in &files {
        let bytes = std::fs::read(f)?;
        assert!(
            !bytes.windows(18).any(|w| w == b"caller@example.com"),
            "the email is kept in {f:?}"
        );
    }
    app.close().await
}

/// A card window left open closes by itself when the session's idle limit
/// (here the shortest, one minute) has passed: the counter does not lock
/// while it waits, so the window must not wait for ever. The order is
/// cancelled, the counter says why, and nothing reaches the gateway.
#[tokio::test(flavor = "multi_thread")]
async fn a_card_window_left_open_closes_at_the_idle_limit() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = blocking(|| Localstripe::start(&pki, "server"))?;
    let session = KeyringSession::unlocked()?;
    let (_home, app, counter) = owner_at_the_counter(&session, &pki, &gateway, "idle_lock_minutes = 1\n").await?;
    type_amount(&app, "3.00").await?;
    open_card_window(&app, &counter).await?;
    app.client.switch_to_window(counter.clone()).await?;
    app.wait_until(
        "the card window to close by itself",
        Duration::from_secs(80),
        || async { Ok(app.client.windows().await?.len() == 1) },
    )
    .await?;
    wait_text(&app, "amount-error", "longer than the idle lock").await?;
    let intents = blocking(|| gateway.get(&pki, "v1/payment_intents?limit=100"))?;
    assert_eq!(intents["data"].as_array().map(Vec::len), Some(0), "{intents}");
    app.close().await
}
