//! Bad input sent straight over IPC: a clear error, nothing lost.

use merchant_tests::{AppDriver, KeyringSession, TerminalHome, TestResult};

use crate::steps::*;

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
