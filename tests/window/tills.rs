//! Several tills, one shop: a back office reads every till's day from the
//! gateway, in the window.

use std::time::Duration;

use merchant_tests::{live_terminal_with, merchantctl, AppDriver, KeyringSession, TestResult, OWNER, OWNER_PIN};

use crate::steps::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_back_office_shows_every_tills_day_and_has_no_counter() -> TestResult {
    let pki = merchant_tests::TestPki::new()?;
    let gateway = blocking(|| merchant_tests::Localstripe::start(&pki, "server"))?;
    let session = KeyringSession::unlocked()?;
    let s = Some(&session);
    for (name, amounts) in [("Till 1", ["12.50", "30.00"]), ("Bar", ["7.25", "4.75"])] {
        let till = blocking(|| live_terminal_with(&session, &pki, &gateway, 5_000, 2))?;
        blocking(|| merchantctl(s, &till, &["till", "name", name]))?;
        for amount in amounts {
            let out = blocking(|| {
                merchantctl(
                    s,
                    &till,
                    &["--json", "charge", amount, "--payment-method", "pm_card_visa"],
                )
            })?;
            assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
        }
    }
    let office = blocking(|| live_terminal_with(&session, &pki, &gateway, 5_000, 2))?;
    let on = blocking(|| merchantctl(s, &office, &["--json", "back-office", "enable"]))?;
    assert_eq!(on.status.code(), Some(0), "{}", String::from_utf8_lossy(&on.stdout));

    let app = AppDriver::launch(&session, &office).await?;
    sign_in(&app, OWNER, OWNER_PIN).await?;
    // Straight to the reports: a back office has no counter to go back to.
    app.wait_until("the reports", Duration::from_secs(10), || async {
        app.is_shown("reports").await
    })
    .await?;
    assert!(!app.is_shown("charge-button").await?, "no counter");
    assert!(!app.is_shown("reports-back").await?, "nowhere to go back to");

    // It opens on the whole shop, read from the gateway; the button reads it again.
    wait_text(&app, "report-message", "Every till").await?;
    js(
        &app,
        "document.getElementById('report-message').textContent = ''; return 0;",
    )
    .await?;
    app.by_id("report-shop").await?.click().await?;
    wait_text(&app, "report-message", "Every till").await?;
    let gross = js(
        &app,
        "return document.querySelector('.figure-card[data-currency=USD] [data-figure=gross]')?.textContent;",
    )
    .await?;
    assert_eq!(gross.as_str(), Some("$54.50 (4)"));
    let tills = js(
        &app,
        "return [...document.querySelectorAll('table[data-breakdown=till] tr[data-terminal]')]
           .map(r => [r.querySelector('th')?.textContent, r.querySelectorAll('td')[1]?.textContent]);",
    )
    .await?;
    assert_eq!(tills, serde_json::json!([["Bar", "$12.00"], ["Till 1", "$42.50"]]));
    // Staff are told apart by their ids' random ends, not their shared start.
    let staff = js(
        &app,
        "return [...document.querySelectorAll('table[data-breakdown=staff] tr th[scope=row]')].map(h => h.textContent);",
    )
    .await?;
    let staff: Vec<&str> = staff
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let who: std::collections::BTreeSet<&str> = staff.iter().filter_map(|l| l.split(" (").next()).collect();
    assert_eq!((staff.len(), who.len()), (2, 2), "{staff:?}");
    assert!(!app.is_shown("report-close-day").await?, "no day of its own to close");
    // The print view (shown only when printed) holds the same lines.
    let printout = js(&app, "return document.getElementById('report-printout').textContent;").await?;
    assert!(
        printout
            .as_str()
            .is_some_and(|p| p.contains("SHOP DAY") && p.contains("Bar")),
        "{printout}"
    );
    app.screenshot("41-shop-all-tills").await?;
    Ok(())
}
