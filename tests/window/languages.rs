//! The shop in French and in German, in the real window: a manager
//! switches the language on the staff screen (German) or it is set before
//! the app starts (French); the cashier types an amount the local way,
//! charges, opens the receipt and the day view. Each screen is
//! screenshotted and read for English the language words otherwise.

use std::time::Duration;

use merchant_tests::{assert_speaks, merchantctl, AppDriver, KeyringSession, TerminalHome, TestResult};

use crate::steps::*;

/// Everything the window shows now (its visible text, with the values of
/// fields and the labels of buttons), but for records marked as in no
/// language (`translate="no"`: the audit trail's details).
async fn shown(app: &AppDriver) -> TestResult<String> {
    let v = js(
        app,
        "let text = document.body.innerText;
         for (const e of document.querySelectorAll('[translate=no]')) text = text.replace(e.innerText, '');
         const parts = [text];
         for (const e of document.querySelectorAll('input, select, button, [aria-label]')) {
           if (e.offsetParent === null) continue;
           parts.push(e.getAttribute('aria-label') || '', e.getAttribute('placeholder') || '');
         }
         return parts.join('\\n');",
    )
    .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// Both catalogs' English is absent from what the window shows.
async fn speaks(app: &AppDriver, language: &str, what: &str) -> TestResult {
    let text = shown(app).await?;
    assert_speaks(language, "ui", what, &text)?;
    assert_speaks(language, "core", what, &text)
}

/// Charges `typed` with the approving training card; the result's amount.
async fn charge(app: &AppDriver, typed: &str) -> TestResult<String> {
    type_amount(app, typed).await?;
    app.select("simulated-card", "approve").await?;
    app.by_id("charge-button").await?.click().await?;
    wait_result(app).await?;
    app.text("result-amount").await
}

/// The counter, a receipt and the day view in `language`, screenshotted.
async fn a_day_in(app: &AppDriver, language: &str, typed: &str, written: &str, words: &[&str]) -> TestResult {
    assert_eq!(js(app, "return document.documentElement.lang;").await?, language);
    speaks(app, language, "the counter").await?;
    app.screenshot(&format!("30-{language}-counter")).await?;
    // WebDriver reads a no-break space as a space.
    let seen = written.replace('\u{a0}', " ");
    assert_eq!(charge(app, typed).await?, seen);
    let status = app.text("result-status").await?;
    assert_eq!(status, words[0], "the result's word");
    speaks(app, language, "the result").await?;
    app.screenshot(&format!("31-{language}-approved")).await?;

    app.by_id("result-receipt").await?.click().await?;
    app.wait_until("the receipt", Duration::from_secs(10), || async {
        Ok(app.text("receipt-lines").await?.contains(&seen))
    })
    .await?;
    let lines = app.text("receipt-lines").await?;
    assert!(lines.contains(words[1]), "{lines}");
    speaks(app, language, "the receipt").await?;
    app.screenshot(&format!("32-{language}-receipt")).await?;
    app.by_id("receipt-close").await?.click().await?;

    app.by_id("reports-button").await?.click().await?;
    app.wait_until("the day view", Duration::from_secs(10), || async {
        // The printout is for paper (hidden on screen): read as the printer would.
        let printout = js(app, "return document.getElementById('report-printout').textContent;").await?;
        Ok(printout.as_str().unwrap_or_default().contains(words[2]))
    })
    .await?;
    let gross = js(
        app,
        "return document.querySelector('.figure-card[data-currency=EUR] [data-figure=gross]')?.textContent;",
    )
    .await?;
    assert_eq!(
        gross.as_str(),
        Some(format!("{written} (1)").as_str()),
        "the window writes it as the core does"
    );
    speaks(app, language, "the day view").await?;
    app.screenshot(&format!("33-{language}-day-view")).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_french_shop_and_a_german_shop_work_in_their_language() -> TestResult {
    let session = KeyringSession::unlocked()?;

    // French, set before the app starts.
    let home = TerminalHome::new()?;
    home.settings(&format!("currency = \"EUR\"\n{FAST_READER}"))?;
    let out = merchantctl(Some(&session), &home, &["language", "fr"])?;
    assert_eq!(out.status.code(), Some(0));
    let app = AppDriver::launch(&session, &home).await?;
    sign_in_as_owner(&app).await?;
    a_day_in(
        &app,
        "fr",
        "1 234,5",
        "1\u{202f}234,50\u{a0}€",
        &["ACCEPTÉ", "EXEMPLAIRE CLIENT", "RAPPORT DU JOUR"],
    )
    .await?;
    app.close().await?;

    // German, chosen by the manager in the window.
    let home = TerminalHome::new()?;
    home.settings(&format!("currency = \"EUR\"\n{FAST_READER}"))?;
    let app = AppDriver::launch(&session, &home).await?;
    sign_in_as_owner(&app).await?;
    assert_eq!(js(&app, "return document.documentElement.lang;").await?, "en");
    app.by_id("staff-button").await?.click().await?;
    app.wait_until("the staff screen", Duration::from_secs(10), || async {
        app.is_shown("language").await
    })
    .await?;
    app.select("language", "de").await?;
    app.by_id("save-language").await?.click().await?;
    app.wait_until("German", Duration::from_secs(10), || async {
        Ok(js(&app, "return document.documentElement.lang;").await? == "de")
    })
    .await?;
    speaks(&app, "de", "the staff screen").await?;
    app.by_id("staff-back").await?.click().await?;
    a_day_in(
        &app,
        "de",
        "1.234,5",
        "1.234,50\u{a0}€",
        &["GENEHMIGT", "KUNDENBELEG", "TAGESBERICHT"],
    )
    .await?;
    app.close().await?;

    // The switch is on the audit trail, as the manager's.
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "audit", "show", "--action", "settings_changed"],
    )?;
    let trail: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(trail["entries"][0]["detail"], "language: unset -> de", "{trail}");
    Ok(())
}
