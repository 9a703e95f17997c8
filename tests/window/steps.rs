//! Steps every flow shares: signing in, typing an amount, reading the
//! counter's answer and the sales list, the live app against localstripe,
//! and reading the PDFs the app writes.

use std::time::Duration;

use fantoccini::key::Key;
use merchant_tests::{AppDriver, KeyringSession, TerminalHome, TestResult, OWNER, OWNER_PIN};

/// Reader timings short enough for a test, long enough to press Cancel.
pub(crate) const FAST_READER: &str = "[training_reader]\ntap_ms = 300\nslow_ms = 20000\ntimeout_ms = 500\n";

/// Signs in on the lock screen with the keyboard.
pub(crate) async fn sign_in(app: &AppDriver, name: &str, pin: &str) -> TestResult {
    app.wait_until("the sign-in screen", Duration::from_secs(10), || async {
        app.is_shown("sign-in").await
    })
    .await?;
    let field = app.by_id("staff-name").await?;
    field.clear().await?;
    field.send_keys(name).await?;
    app.by_id("staff-pin")
        .await?
        .send_keys(&format!("{pin}{}", char::from(Key::Enter)))
        .await?;
    Ok(())
}

/// Signs in with the lock screen's PIN pad (no keyboard for the PIN).
pub(crate) async fn sign_in_with_pad(app: &AppDriver, name: &str, pin: &str) -> TestResult {
    app.wait_until("the sign-in screen", Duration::from_secs(10), || async {
        app.is_shown("sign-in").await
    })
    .await?;
    let field = app.by_id("staff-name").await?;
    field.clear().await?;
    field.send_keys(name).await?;
    for digit in pin.chars() {
        app.client
            .find(fantoccini::Locator::Css(&format!(
                "#pin-pad button[data-pin=\"{digit}\"]"
            )))
            .await?
            .click()
            .await?;
    }
    app.by_id("sign-in-button").await?.click().await?;
    Ok(())
}

/// Signs the owner in; on a first run (the account is created here), past
/// the recovery code, as the owner would once they have written it down.
pub(crate) async fn sign_in_as_owner(app: &AppDriver) -> TestResult {
    sign_in(app, OWNER, OWNER_PIN).await?;
    app.wait_until("the counter", Duration::from_secs(10), || async {
        Ok(app.is_shown("counter").await? || app.is_shown("recovery").await?)
    })
    .await?;
    if app.is_shown("recovery").await? {
        app.by_id("recovery-done").await?.click().await?;
    }
    app.wait_until("the counter", Duration::from_secs(10), || async {
        app.is_shown("counter").await
    })
    .await
}

pub(crate) async fn wait_result(app: &AppDriver) -> TestResult<String> {
    app.wait_until("the result screen", Duration::from_secs(30), || async {
        app.is_shown("result").await
    })
    .await?;
    app.text("result-status").await
}

pub(crate) async fn type_amount(app: &AppDriver, amount: &str) -> TestResult {
    let input = app.by_id("amount").await?;
    input.clear().await?;
    input.send_keys(amount).await?;
    Ok(())
}

pub(crate) async fn new_sale(app: &AppDriver) -> TestResult {
    app.by_id("new-sale-button")
        .await?
        .send_keys(&String::from(char::from(Key::Enter)))
        .await?;
    app.wait_until("the entry screen", Duration::from_secs(5), || async {
        Ok(!app.is_shown("result").await?)
    })
    .await
}

pub(crate) async fn sales_statuses(app: &AppDriver) -> TestResult<Vec<String>> {
    let v = app
        .client
        .execute(
            "return [...document.querySelectorAll('#sales-list li')].map(li => li.dataset.status);",
            vec![],
        )
        .await?;
    Ok(v.as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
        .unwrap_or_default())
}

/// A live terminal against localstripe over TLS, with a cashier and a low
/// approval limit, and the app open on the sign-in screen.
pub(crate) async fn live_app(
    session: &KeyringSession,
    pki: &merchant_tests::TestPki,
    gateway: &merchant_tests::Localstripe,
    request_timeout_ms: u64,
) -> TestResult<(TerminalHome, AppDriver)> {
    let home = merchant_tests::live_terminal_with(session, pki, gateway, request_timeout_ms, 0)?;
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    home.settings(&format!("refund_approval_above_major = 10\n{settings}"))?;
    add_cashier(session, &home)?;
    let app = AppDriver::launch(session, &home).await?;
    Ok((home, app))
}

/// The gateway helpers use a blocking HTTP client: run them off the async
/// workers.
pub(crate) fn blocking<T>(f: impl FnOnce() -> TestResult<T>) -> TestResult<T> {
    tokio::task::block_in_place(f)
}

pub(crate) async fn js(app: &AppDriver, script: &str) -> TestResult<serde_json::Value> {
    Ok(app.client.execute(script, vec![]).await?)
}

/// The id of the newest sale in the list ("" when the list is empty).
pub(crate) async fn newest_sale(app: &AppDriver) -> TestResult<String> {
    let v = js(
        app,
        "return document.querySelector('#sales-list li')?.dataset.saleId ?? '';",
    )
    .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// Adds the cashier `Cas` (PIN 111111) to `home`.
fn add_cashier(session: &KeyringSession, home: &TerminalHome) -> TestResult {
    let out = merchant_tests::merchantctl_stdin(
        session,
        home,
        &["staff", "add", "--name", "Cas", "--role", "cashier"],
        "111111\n",
    )?;
    assert_eq!(out.status.code(), Some(0));
    Ok(())
}

/// A training data folder with `settings`, the owner and a cashier `Cas`
/// (PIN 111111).
pub(crate) fn home_with_cashier(session: &KeyringSession, settings: &str) -> TestResult<TerminalHome> {
    let home = TerminalHome::new()?;
    home.settings(settings)?;
    home.ensure_owner(Some(session))?;
    add_cashier(session, &home)?;
    Ok(home)
}

/// Clicks the row action `kind` (refund, capture, receipt) of sale `id`.
pub(crate) async fn row_action(app: &AppDriver, id: &str, kind: &str) -> TestResult {
    let selector = format!("#sales-list li[data-sale-id=\"{id}\"] .row-action.{kind}");
    app.wait_until(&format!("the {kind} button"), Duration::from_secs(10), || async {
        Ok(!app
            .client
            .find_all(fantoccini::Locator::Css(&selector))
            .await?
            .is_empty())
    })
    .await?;
    app.client
        .find(fantoccini::Locator::Css(&selector))
        .await?
        .click()
        .await?;
    Ok(())
}

pub(crate) async fn wait_text(app: &AppDriver, id: &str, needle: &str) -> TestResult {
    app.wait_until(&format!("{id} to say {needle:?}"), Duration::from_secs(15), || async {
        Ok(app.text(id).await?.contains(needle))
    })
    .await
}

pub(crate) async fn sale_status(app: &AppDriver, id: &str) -> TestResult<String> {
    let v = js(
        app,
        &format!("return document.querySelector('#sales-list li[data-sale-id=\"{id}\"]')?.dataset.status ?? '';"),
    )
    .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}
