//! Accessibility: the axe check that every screenshot runs sees a real
//! violation (so a clean run means something), and the counter's flows work
//! from the keyboard alone: every key goes to whatever has focus, as a
//! cashier's keyboard would, with no element picked or clicked by the test.

use std::time::Duration;

use fantoccini::key::Key;
use merchant_tests::{merchantctl, AppDriver, KeyringSession, TerminalHome, TestResult, OWNER, OWNER_PIN};

use crate::steps::*;

/// Types `keys` into whatever has focus.
async fn press(app: &AppDriver, keys: &str) -> TestResult {
    app.client.active_element().await?.send_keys(keys).await?;
    Ok(())
}

fn key(k: Key) -> String {
    String::from(char::from(k))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_accessibility_check_fails_on_a_button_nobody_can_name() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let app = AppDriver::launch(&session, &home).await?;
    app.check_accessibility("the first-run screen").await?;
    js(
        &app,
        "const b = document.createElement('button'); b.id = 'nameless'; document.getElementById('sign-in-form').append(b); return true;",
    )
    .await?;
    let refused = app.check_accessibility("a nameless button").await;
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("button-name") && message.contains("#nameless"),
        "{message}"
    );
    app.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_counter_works_from_the_keyboard_alone() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings(FAST_READER)?;
    home.ensure_owner(Some(&session))?;
    let app = AppDriver::launch(&session, &home).await?;
    app.wait_until("the sign-in screen", Duration::from_secs(10), || async {
        app.is_shown("sign-in").await
    })
    .await?;

    // Name, Tab, PIN, Enter.
    press(&app, &format!("{OWNER}{}{OWNER_PIN}{}", key(Key::Tab), key(Key::Enter))).await?;
    app.wait_until("the counter", Duration::from_secs(10), || async {
        app.is_shown("counter").await
    })
    .await?;

    // The amount has focus: type it, Enter charges, Enter again starts the next sale.
    press(&app, &format!("4.20{}", key(Key::Enter))).await?;
    assert_eq!(wait_result(&app).await?, "APPROVED");
    press(&app, &key(Key::Enter)).await?;
    app.wait_until("the entry screen", Duration::from_secs(5), || async {
        Ok(!app.is_shown("result").await?)
    })
    .await?;

    // Esc leaves a result too.
    press(&app, &format!("2{}", key(Key::Enter))).await?;
    assert_eq!(wait_result(&app).await?, "APPROVED");
    press(&app, &key(Key::Escape)).await?;
    app.wait_until("the entry screen", Duration::from_secs(5), || async {
        Ok(!app.is_shown("result").await?)
    })
    .await?;

    // F4 refunds the latest sale: the refund amount has focus.
    press(&app, &key(Key::F4)).await?;
    app.wait_until("the refund dialog", Duration::from_secs(5), || async {
        app.is_shown("refund").await
    })
    .await?;
    press(&app, &format!("1.20{}", key(Key::Enter))).await?;
    app.wait_until("the refund's answer", Duration::from_secs(10), || async {
        Ok(app.text("refund-message").await?.contains("refunded"))
    })
    .await?;
    app.screenshot("40-keyboard-refund").await?;
    press(&app, &key(Key::Escape)).await?;
    app.wait_until("the refund dialog to close", Duration::from_secs(5), || async {
        Ok(!app.is_shown("refund").await?)
    })
    .await?;

    // F2 locks the till.
    press(&app, &key(Key::F2)).await?;
    app.wait_until("the lock screen", Duration::from_secs(5), || async {
        app.is_shown("sign-in").await
    })
    .await?;
    app.close().await?;

    // What the keys did is what the records hold.
    let out = merchantctl(Some(&session), &home, &["--json", "sales", "list"])?;
    let sales: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let sales = sales["sales"].as_array().cloned().unwrap_or_default();
    let amounts: Vec<_> = sales
        .iter()
        .map(|s| s["amount_display"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(amounts, ["$2.00", "$4.20"], "{sales:?}");
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "audit", "show", "--action", "refund"],
    )?;
    let refunds: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let refunds = refunds["entries"].as_array().cloned().unwrap_or_default();
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0]["object"], sales[0]["id"], "F4 refunds the latest sale");
    assert_eq!(refunds[0]["outcome"], "refunded", "{refunds:?}");
    assert!(
        refunds[0]["detail"].as_str().unwrap_or("").contains("amount=120 USD"),
        "{refunds:?}"
    );
    Ok(())
}
