//! The owner's staff screen: staff, limits and the audit trail, then a
//! cashier held to their role and locked when idle.

use std::time::Duration;

use merchant_tests::{merchantctl, AppDriver, KeyringSession, TerminalHome, TestResult};

use crate::steps::*;

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
    // Cashiers may take phone orders: off until the owner ticks it.
    let phone_orders = app
        .client
        .find(fantoccini::Locator::Css(
            "#staff-limits input[name=cashier_phone_orders]",
        ))
        .await?;
    assert!(!phone_orders.is_selected().await?);
    phone_orders.click().await?;
    app.by_id("staff-limits-save").await?.click().await?;
    wait_text(&app, "staff-message", "Limits saved").await?;
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    assert!(settings.contains("refund_approval_above_major = 25"), "{settings}");
    assert!(settings.contains("cashier_phone_orders = true"), "{settings}");

    // The shop's details: shown, changed, saved, and a bad one refused
    // without its text coming back.
    assert_eq!(
        js(&app, "return document.getElementById('shop-name').value;").await?,
        "Merchant Terminal"
    );
    let name = app.by_id("shop-name").await?;
    name.clear().await?;
    name.send_keys("Kissa Café").await?;
    app.by_id("shop-address")
        .await?
        .send_keys("12 Rue des Chats\n75011 Paris")
        .await?;
    app.by_id("shop-tax-id").await?.send_keys("FR12345678901").await?;
    app.by_id("staff-shop-save").await?.click().await?;
    wait_text(&app, "staff-message", "Shop details saved").await?;
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    assert!(
        settings.contains("shop_name = \"Kissa Café\"")
            && settings.contains("75011 Paris")
            && settings.contains("FR12345678901"),
        "{settings}"
    );
    let phone = app.by_id("shop-phone").await?;
    phone.send_keys("4242 4242 4242 4242").await?;
    app.by_id("staff-shop-save").await?.click().await?;
    wait_text(&app, "staff-message", "phone looks like it holds a card number").await?;
    assert!(!app.text("staff-message").await?.contains("4242"));
    phone.clear().await?;
    app.select("audit-action", "staff_changed").await?;
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
