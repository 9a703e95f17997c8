//! Every dialog fits the window at the sizes a shop runs it at: at
//! 1024×768, 1280×800 and the default 1200×780 its main and close buttons
//! are displayed, inside the viewport and the topmost thing at their centre
//! (nothing covers them), without scrolling anything.

use std::time::Duration;

use fantoccini::key::Key;
use merchant_tests::{AppDriver, KeyringSession, TestResult};

use crate::steps::{
    home_with_cashier, js, new_sale, newest_sale, row_action, sign_in, sign_in_as_owner, type_amount, wait_result,
    FAST_READER,
};

const SIZES: &[(u32, u32)] = &[(1024, 768), (1280, 800), (1200, 780)];

/// Sets the window to `w`×`h` and checks the page got (nearly) that much:
/// a window manager's frame may take a little, but a resize that did not
/// happen would test nothing.
async fn resize(app: &AppDriver, (w, h): (u32, u32)) -> TestResult {
    app.client.set_window_size(w, h).await?;
    app.wait_until(&format!("a {w}×{h} viewport"), Duration::from_secs(5), || async {
        let v = js(app, "return [window.innerWidth, window.innerHeight];").await?;
        let got = |i: usize| v[i].as_u64().unwrap_or(0);
        Ok(got(0) <= u64::from(w)
            && got(0) + 40 >= u64::from(w)
            && got(1) <= u64::from(h)
            && got(1) + 60 >= u64::from(h))
    })
    .await
}

/// Each button in `buttons` is displayed, wholly inside the viewport, and
/// the element at its centre is the button itself.
async fn buttons_in_view(app: &AppDriver, dialog: &str, (w, h): (u32, u32), buttons: &[&str]) -> TestResult {
    app.wait_until(&format!("the {dialog} dialog"), Duration::from_secs(10), || async {
        app.is_shown(dialog).await
    })
    .await?;
    for id in buttons {
        assert!(app.is_shown(id).await?, "{w}×{h}: {dialog}: {id} is not displayed");
        let seen = app
            .client
            .execute(
                "const b = document.getElementById(arguments[0]); const r = b.getBoundingClientRect();\
                 const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);\
                 return { inside: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && r.height > 0,\
                          on_top: hit !== null && (hit === b || b.contains(hit)),\
                          where: [r.top, r.bottom, innerHeight] };",
                vec![(*id).into()],
            )
            .await?;
        assert_eq!(
            (seen["inside"].as_bool(), seen["on_top"].as_bool()),
            (Some(true), Some(true)),
            "{w}×{h}: {dialog}: {id} is not in view (top, bottom, viewport height: {})",
            seen["where"]
        );
    }
    app.screenshot(&format!("dialog-{dialog}-{w}x{h}")).await?;
    Ok(())
}

async fn press_escape(app: &AppDriver, dialog: &str) -> TestResult {
    app.client
        .execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}));",
            vec![],
        )
        .await?;
    app.wait_until(
        &format!("the {dialog} dialog to close"),
        Duration::from_secs(5),
        || async { Ok(!app.is_shown(dialog).await?) },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_dialog_keeps_its_buttons_in_view_at_shop_window_sizes() -> TestResult {
    let session = KeyringSession::unlocked()?;
    // A cashier's refund above 20 asks for a manager: the tallest dialog.
    let home = home_with_cashier(&session, &format!("refund_approval_above_major = 20\n{FAST_READER}"))?;
    let app = AppDriver::launch(&session, &home).await?;
    sign_in_as_owner(&app).await?;

    // One authorisation to capture (the owner may), one sale to refund.
    resize(&app, SIZES[0]).await?;
    type_amount(&app, "40").await?;
    app.by_id("authorize-only").await?.click().await?;
    app.by_id("charge-button").await?.click().await?;
    assert_eq!(wait_result(&app).await?, "AUTHORISED");
    buttons_in_view(&app, "result", SIZES[0], &["new-sale-button"]).await?;
    new_sale(&app).await?;
    let held = newest_sale(&app).await?;
    type_amount(&app, "50").await?;
    app.by_id("charge-button").await?.click().await?;
    assert_eq!(wait_result(&app).await?, "APPROVED");
    buttons_in_view(&app, "result", SIZES[0], &["result-receipt", "new-sale-button"]).await?;
    new_sale(&app).await?;
    let sale = newest_sale(&app).await?;

    for &size in SIZES {
        resize(&app, size).await?;
        row_action(&app, &held, "capture").await?;
        buttons_in_view(&app, "capture", size, &["capture-submit", "capture-close"]).await?;
        press_escape(&app, "capture").await?;
        row_action(&app, &sale, "receipt").await?;
        buttons_in_view(
            &app,
            "receipt",
            size,
            &["receipt-print", "receipt-send", "receipt-close"],
        )
        .await?;
        press_escape(&app, "receipt").await?;
        // The PIN dialog the app opens before a sensitive change, as shown.
        js(&app, "document.getElementById('reauth').hidden = false; return true;").await?;
        buttons_in_view(&app, "reauth", size, &["reauth-submit", "reauth-cancel"]).await?;
        app.by_id("reauth-cancel").await?.click().await?;
        js(&app, "document.getElementById('reauth').hidden = true; return true;").await?;
    }

    // The cashier's refund with the manager's approval showing.
    app.client
        .execute(
            "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'F2'}));",
            vec![],
        )
        .await?;
    sign_in(&app, "Cas", "111111").await?;
    for &size in SIZES {
        resize(&app, size).await?;
        row_action(&app, &sale, "refund").await?;
        app.wait_until("the refund dialog", Duration::from_secs(10), || async {
            app.is_shown("refund").await
        })
        .await?;
        let amount = app.by_id("refund-amount").await?;
        amount.clear().await?;
        amount.send_keys(&format!("30{}", char::from(Key::Enter))).await?;
        app.wait_until("the approval", Duration::from_secs(10), || async {
            app.is_shown("approval").await
        })
        .await?;
        buttons_in_view(&app, "refund", size, &["refund-submit", "refund-close"]).await?;
        press_escape(&app, "refund").await?;
    }
    app.close().await?;
    Ok(())
}
