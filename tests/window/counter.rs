//! The cashier at the counter: charges, declines, cancels, refunds in
//! parts with a manager's approval, and the stop screen for a locked keychain.

use std::time::Duration;

use fantoccini::key::Key;
use merchant_tests::{fail, merchantctl, AppDriver, KeyringSession, TerminalHome, TestResult, OWNER, OWNER_PIN};

use crate::steps::*;

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
    assert_eq!(app.text("result-amount").await?, "$12.50");
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
    let home = home_with_cashier(&session, &format!("refund_approval_above_major = 20\n{FAST_READER}"))?;

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
    refund_message("$40.00 left").await?;

    // The rest is above the approval limit: a manager's PIN is asked for.
    app.by_id("refund-submit").await?.click().await?;
    refund_message("manager must approve").await?;
    assert!(app.is_shown("approval").await?);
    app.by_id("approver-name").await?.send_keys(OWNER).await?;
    app.by_id("approver-pin").await?.send_keys(OWNER_PIN).await?;
    app.screenshot("08-refund-approval").await?;
    app.by_id("refund-submit").await?.click().await?;
    refund_message("$0.00 left").await?;

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
