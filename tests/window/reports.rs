//! The owner's day: the chart, the X report and the close with its Z report.

use std::time::Duration;

use merchant_tests::{merchantctl, AppDriver, KeyringSession, TerminalHome, TestResult};

use crate::steps::*;

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
    assert_eq!(gross.as_str(), Some("$42.50 (2)"));
    let net = app.client.execute(&figure("USD", "net"), vec![]).await?;
    assert_eq!(net.as_str(), Some("$32.50"));
    let yen = app.client.execute(&figure("JPY", "gross"), vec![]).await?;
    assert_eq!(yen.as_str(), Some("¥1,250 (1)"));
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
