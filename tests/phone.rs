//! Phone and mail orders through the real parts: `merchantctl` with a real
//! keychain and SQLite file, against localstripe over TLS. What the terminal
//! asked of the gateway is read in the gateway's raw records.

use merchant_tests::{
    live_terminal_with, merchantctl, merchantctl_as, KeyringSession, Localstripe, TerminalHome, TestPki, TestResult,
};
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// A live till whose account may mark phone orders as MOTO (or not).
fn till(session: &KeyringSession, pki: &TestPki, gateway: &Localstripe, moto: bool) -> TestResult<TerminalHome> {
    let home = live_terminal_with(session, pki, gateway, 5_000, 0)?;
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    home.settings(&settings.replace("[gateway]\n", &format!("[gateway]\nmoto = {moto}\n")))?;
    Ok(home)
}

fn phone_order(session: &KeyringSession, home: &TerminalHome, args: &[&str]) -> TestResult<Value> {
    let mut full = vec!["--json", "charge"];
    full.extend_from_slice(args);
    full.push("--phone-order");
    Ok(json(&merchantctl(Some(session), home, &full)?))
}

fn source_of(home: &TerminalHome, sale: &str) -> TestResult<String> {
    let db = rusqlite::Connection::open(home.path().join("live/cache.sqlite3"))?;
    Ok(db.query_row("SELECT source FROM sales WHERE id = ?1", [sale], |r| r.get(0))?)
}

#[test]
fn a_phone_order_is_marked_as_one_at_the_gateway_and_in_the_cache() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let moto = till(&session, &pki, &gateway, true)?;

    let sale = phone_order(&session, &moto, &["18.00", "--payment-method", "pm_card_visa"])?["sale"].clone();
    assert_eq!(sale["status"], "approved", "{sale}");
    let id = sale["id"].as_str().unwrap_or_default().to_string();
    let pi = gateway.intents_for_sale(&pki, &id)?;
    assert_eq!(pi.len(), 1);
    assert_eq!(pi[0]["metadata"]["order"], "phone");
    assert_eq!(pi[0]["payment_method_options"]["card"]["moto"], "true", "{}", pi[0]);
    assert_eq!(source_of(&moto, &id)?, "phone");

    // Authorise only, then capture: the same path as at the counter.
    let held = phone_order(
        &session,
        &moto,
        &["40.00", "--payment-method", "pm_card_visa", "--manual-capture"],
    )?;
    assert_eq!(held["sale"]["status"], "authorized", "{held}");
    let held_id = held["sale"]["id"].as_str().unwrap_or_default().to_string();
    let captured = json(&merchantctl(Some(&session), &moto, &["--json", "capture", &held_id])?);
    assert_eq!(captured["sale"]["status"], "approved", "{captured}");
    assert_eq!(
        gateway.intents_for_sale(&pki, &held_id)?[0]["payment_method_options"]["card"]["moto"],
        "true"
    );

    // A card read out over the phone cannot be presented to the reader.
    let before = gateway.get(&pki, "v1/payment_intents?limit=100")?["data"]
        .as_array()
        .map(Vec::len);
    let refused = merchantctl(Some(&session), &moto, &["--json", "charge", "9.00", "--phone-order"])?;
    assert_eq!(
        json(&refused)["error"]["code"],
        "invalid_input",
        "{}",
        String::from_utf8_lossy(&refused.stdout)
    );
    assert!(String::from_utf8_lossy(&refused.stdout).contains("card window"));
    let after = gateway.get(&pki, "v1/payment_intents?limit=100")?["data"]
        .as_array()
        .map(Vec::len);
    assert_eq!(before, after, "nothing sent");

    // An account without MOTO: an ordinary keyed payment, still marked as a
    // phone order in its metadata.
    let plain = till(&session, &pki, &gateway, false)?;
    let sale = phone_order(&session, &plain, &["7.50", "--payment-method", "pm_card_visa"])?["sale"].clone();
    assert_eq!(sale["status"], "approved", "{sale}");
    let pi = gateway.intents_for_sale(&pki, sale["id"].as_str().unwrap_or_default())?;
    assert_eq!(pi[0]["metadata"]["order"], "phone");
    assert_eq!(
        pi[0]["payment_method_options"]["card"]["moto"],
        Value::Null,
        "{}",
        pi[0]
    );

    // A declined card is a declined phone order, recorded as such.
    let pm = gateway.card(&pki, "4000000000000341")?;
    let declined = phone_order(&session, &moto, &["20.00", "--payment-method", &pm])?;
    assert_eq!(declined["sale"]["status"], "declined", "{declined}");
    // A card that asks for 3-D Secure cannot be confirmed over the phone:
    // nothing charged, and the cashier is told to take it another way.
    let pm = gateway.card(&pki, "4000002760003184")?;
    let secure = phone_order(&session, &plain, &["30.00", "--payment-method", &pm])?;
    assert_eq!(
        (
            secure["sale"]["status"].as_str(),
            secure["sale"]["outcome_code"].as_str()
        ),
        (Some("failed"), Some("authentication_required")),
        "{secure}"
    );
    let said = secure["sale"]["message"].as_str().unwrap_or_default();
    assert!(
        said.contains("over the phone") && said.contains("Nothing was charged"),
        "{said}"
    );
    let pi = gateway.intents_for_sale(&pki, secure["sale"]["id"].as_str().unwrap_or_default())?;
    assert_ne!(pi[0]["status"], "succeeded", "no money moved: {}", pi[0]);
    // An ordinary sale is not a phone order.
    let counter = json(&merchantctl(
        Some(&session),
        &moto,
        &["--json", "charge", "3.00", "--payment-method", "pm_card_visa"],
    )?);
    let counter_id = counter["sale"]["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(source_of(&moto, &counter_id)?, "reader");
    assert_eq!(
        gateway.intents_for_sale(&pki, &counter_id)?[0]["metadata"]["order"],
        Value::Null
    );
    Ok(())
}

/// Managers always take phone orders; cashiers only once the owner allows
/// it. A refusal is audited and sends nothing.
#[test]
fn a_cashier_takes_phone_orders_only_when_the_owner_allows_it() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let s = Some(&session);
    let home = till(&session, &pki, &gateway, true)?;
    let add = merchantctl_as(
        s,
        &home,
        "Owner",
        "424242",
        &["--json", "staff", "add", "--name=Cas", "--role", "cashier"],
        "583920\n",
    )?;
    assert_eq!(add.status.code(), Some(0), "{}", String::from_utf8_lossy(&add.stdout));
    let as_cashier = |home: &TerminalHome, phone: bool| {
        let mut args = vec!["--json", "charge", "6.00", "--payment-method", "pm_card_visa"];
        if phone {
            args.push("--phone-order");
        }
        merchantctl_as(s, home, "Cas", "583920", &args, "")
    };
    let count = || -> TestResult<Option<usize>> {
        Ok(gateway.get(&pki, "v1/payment_intents?limit=100")?["data"]
            .as_array()
            .map(Vec::len))
    };
    let before = count()?;
    let refused = as_cashier(&home, true)?;
    assert_eq!(
        refused.status.code(),
        Some(12),
        "{}",
        String::from_utf8_lossy(&refused.stdout)
    );
    assert_eq!(json(&refused)["error"]["code"], "forbidden");
    assert_eq!(count()?, before, "nothing sent");
    let denied = json(&merchantctl(
        s,
        &home,
        &["--json", "audit", "show", "--action", "permission_denied"],
    )?);
    assert!(denied.to_string().contains("PhoneOrder"), "audited: {denied}");
    // At the counter the same cashier charges as before.
    assert_eq!(json(&as_cashier(&home, false)?)["sale"]["status"], "approved");
    // The owner allows it: the cashier's phone order goes through.
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    home.settings(&format!("cashier_phone_orders = true\n{settings}"))?;
    let allowed = json(&as_cashier(&home, true)?);
    assert_eq!(allowed["sale"]["status"], "approved", "{allowed}");
    let id = allowed["sale"]["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(gateway.intents_for_sale(&pki, &id)?[0]["metadata"]["order"], "phone");
    Ok(())
}
