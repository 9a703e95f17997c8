//! Stripe through the real parts: `merchantctl` in live mode against
//! localstripe over real TLS (a per-run CA), with the key in a real keychain.
//! The gateway's side is checked independently through its own API.

use merchant_tests::{merchantctl, merchantctl_stdin, KeyringSession, Localstripe, TerminalHome, TestPki, TestResult};
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn code(out: &std::process::Output) -> String {
    json(out)["error"]["code"].as_str().unwrap_or("").to_string()
}

/// A live terminal pointed at `gateway`, trusting the test CA, with a key set.
fn live_terminal(session: &KeyringSession, pki: &TestPki, gateway: &Localstripe) -> TestResult<TerminalHome> {
    let home = TerminalHome::new()?;
    let ca = pki.ca().display().to_string();
    let out = merchantctl(
        Some(session),
        &home,
        &[
            "--json",
            "gateway",
            "configure",
            "--base-url",
            &gateway.url(),
            "--extra-ca",
            &ca,
            "--omit-refund-reason",
            "true",
        ],
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let out = merchantctl_stdin(
        session,
        &home,
        &["--json", "gateway", "set-key"],
        "sk_test_merchantterminal01\n",
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let answer = json(&out);
    assert_eq!(answer["key"], "sk_test_…al01", "the key is shown masked only");
    assert_eq!(answer["restricted"], false);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("merchantterminal01"));
    assert_eq!(
        merchantctl(Some(session), &home, &["mode", "live"])?.status.code(),
        Some(0)
    );
    Ok(home)
}

#[test]
fn charge_refund_in_parts_and_over_refund_refused() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal(&session, &pki, &gateway)?;

    let out = merchantctl(
        Some(&session),
        &home,
        &[
            "--json",
            "charge",
            "12.50",
            "--payment-method",
            "pm_card_visa",
            "--description",
            "gift card",
        ],
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let sale = json(&out)["sale"].clone();
    assert_eq!(sale["status"], "approved");
    assert_eq!(sale["training"], false);
    assert_eq!(sale["card"]["last4"], "4242");
    let sale_id = sale["id"].as_str().unwrap_or_default().to_string();

    // Exactly one PaymentIntent at the gateway, carrying the sale id.
    let pis = gateway.get(&pki, "v1/payment_intents?limit=100")?;
    let ours: Vec<&Value> = pis["data"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|pi| pi["metadata"]["sale_id"] == sale_id.as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0]["amount"], 1250);
    // The audit chain's head travels with the charge, off the machine.
    let head = ours[0]["metadata"]["audit_head"].as_str().unwrap_or_default();
    assert!(
        head.split_once(':')
            .is_some_and(|(seq, mac)| seq.parse::<u64>().is_ok() && mac.len() == 64),
        "{head}"
    );
    let pi = ours[0]["id"].as_str().unwrap_or_default().to_string();

    // Part, then the rest, then one cent more: refused locally.
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "refund", &sale_id, "--amount", "5.00"],
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(json(&out)["refund"]["refundable_display"], "$7.50");
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "refund", &sale_id, "--reason", "duplicate"],
    )?;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["refund"]["amount_display"], "$7.50");
    assert_eq!(json(&out)["refund"]["refundable_display"], "$0.00");
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "refund", &sale_id, "--amount", "0.01"],
    )?;
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(code(&out), "refund_refused");

    // The gateway saw exactly the two refunds (localstripe itself would have
    // allowed the third: the check is the terminal's).
    let refunds = gateway.get(&pki, &format!("v1/refunds?payment_intent={pi}"))?;
    let amounts: Vec<i64> = refunds["data"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["amount"].as_i64()).collect())
        .unwrap_or_default();
    let mut sorted = amounts.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![500, 750]);
    Ok(())
}

#[test]
fn a_declined_card_is_recorded_as_declined() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal(&session, &pki, &gateway)?;
    // The one card localstripe declines on PaymentIntents (tokenised here,
    // as the gateway's hosted fields would; the terminal only sees the pm id).
    let pm = gateway.card(&pki, "4000000000000341")?;
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "charge", "20", "--payment-method", &pm],
    )?;
    assert_eq!(out.status.code(), Some(11), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(json(&out)["sale"]["status"], "declined");
    assert!(json(&out)["sale"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("Declined"));
    // A declined sale cannot be refunded.
    let id = json(&out)["sale"]["id"].as_str().unwrap_or_default().to_string();
    let out = merchantctl(Some(&session), &home, &["--json", "refund", &id])?;
    assert_eq!(code(&out), "refund_refused");
    Ok(())
}

#[test]
fn plain_http_is_refused_before_any_connection() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    // Nothing listens on this port: a refusal that needed I/O would say
    // "unreachable", not "https".
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "gateway", "configure", "--base-url", "http://127.0.0.1:9/"],
    )?;
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(code(&out), "config_error");
    assert!(json(&out)["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("https://"));
    Ok(())
}

#[test]
fn untrusted_wrong_host_expired_or_old_tls_servers_are_refused() -> TestResult {
    let pki = TestPki::new()?;
    let session = KeyringSession::unlocked()?;
    for cert in ["self-signed", "wrong-host", "expired", "tls1.0-only"] {
        let gateway = match cert {
            "tls1.0-only" => Localstripe::start_tls10_only(&pki)?,
            other => Localstripe::start(&pki, other)?,
        };
        let home = TerminalHome::new()?;
        let ca = pki.ca().display().to_string();
        let out = merchantctl(
            Some(&session),
            &home,
            &[
                "--json",
                "gateway",
                "configure",
                "--base-url",
                &gateway.url(),
                "--extra-ca",
                &ca,
            ],
        )?;
        assert_eq!(out.status.code(), Some(0));
        let out = merchantctl_stdin(
            &session,
            &home,
            &["--json", "gateway", "set-key"],
            "sk_test_merchantterminal01\n",
        )?;
        assert_eq!(
            code(&out),
            "gateway_tls",
            "{cert}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(out.status.code(), Some(8));
    }
    Ok(())
}

#[test]
fn a_rejected_key_is_not_stored() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    let ca = pki.ca().display().to_string();
    merchantctl(
        Some(&session),
        &home,
        &["gateway", "configure", "--base-url", &gateway.url(), "--extra-ca", &ca],
    )?;
    // localstripe answers 401 to restricted keys: the same path as a revoked key.
    let out = merchantctl_stdin(
        &session,
        &home,
        &["--json", "gateway", "set-key"],
        "rk_test_revokedkey0001\n",
    )?;
    assert_eq!(
        code(&out),
        "gateway_key_rejected",
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("revokedkey"),
        "the key is never echoed"
    );
    // Live mode needs a key: refused, because the rejected one was not kept.
    let out = merchantctl(Some(&session), &home, &["--json", "mode", "live"])?;
    assert_eq!(code(&out), "live_not_configured", "the rejected key was not kept");
    Ok(())
}

#[test]
fn authorise_then_capture_part_and_void() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal(&session, &pki, &gateway)?;
    let hold = |amount: &str| {
        merchantctl(
            Some(&session),
            &home,
            &[
                "--json",
                "charge",
                amount,
                "--payment-method",
                "pm_card_visa",
                "--manual-capture",
            ],
        )
    };

    let out = hold("40.00")?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let tab = json(&out)["sale"].clone();
    assert_eq!(tab["status"], "authorized");
    let id = tab["id"].as_str().unwrap_or_default().to_string();
    let pi = gateway.intents_for_sale(&pki, &id)?;
    assert_eq!(pi.len(), 1);
    assert_eq!(pi[0]["status"], "requires_capture");

    let out = merchantctl(Some(&session), &home, &["--json", "capture", &id, "--amount", "32.50"])?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(json(&out)["sale"]["status"], "approved");
    assert_eq!(json(&out)["sale"]["captured_minor"], 3250);
    let pi = gateway.intents_for_sale(&pki, &id)?;
    assert_eq!(pi[0]["status"], "succeeded");
    // Refunds are limited by what was captured, not what was held.
    let out = merchantctl(Some(&session), &home, &["--json", "refund", &id, "--amount", "32.51"])?;
    assert_eq!(code(&out), "refund_refused");

    let out = hold("15.00")?;
    let id = json(&out)["sale"]["id"].as_str().unwrap_or_default().to_string();
    let out = merchantctl(Some(&session), &home, &["--json", "void", &id])?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(json(&out)["sale"]["status"], "voided");
    assert_eq!(gateway.intents_for_sale(&pki, &id)?[0]["status"], "canceled");
    let out = merchantctl(Some(&session), &home, &["--json", "capture", &id])?;
    assert_eq!(code(&out), "not_capturable");
    Ok(())
}

#[test]
fn fraud_and_verification_signals_are_kept_and_shown() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal(&session, &pki, &gateway)?;
    // Stripe's documented `outcome` and card `checks` (localstripe sends neither).
    gateway.faults(
        &pki,
        serde_json::json!([{ "path": "/v1/payment_intents", "kind": "patch_after", "patch": { "latest_charge": {
            "outcome": { "network_status": "approved_by_network", "risk_level": "elevated",
                         "seller_message": "Stripe evaluated this payment as having elevated risk." },
            "payment_method_details": { "type": "card", "card": { "brand": "visa", "last4": "4242",
                "exp_month": 12, "exp_year": 2034,
                "checks": { "cvc_check": "fail", "address_postal_code_check": "pass" } } } } } }]),
    )?;
    let out = merchantctl(
        Some(&session),
        &home,
        &["--json", "charge", "80", "--payment-method", "pm_card_visa"],
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let sale = json(&out)["sale"].clone();
    assert_eq!(sale["risk"]["risk_level"], "elevated");
    assert_eq!(sale["risk"]["cvc_check"], "fail");
    let warning = sale["risk_warning"].as_str().unwrap_or_default();
    assert!(
        warning.contains("Elevated fraud risk") && warning.contains("security code"),
        "{warning}"
    );
    // Kept with the sale: the owner sees it later too.
    let out = merchantctl(Some(&session), &home, &["--json", "sales", "list"])?;
    assert_eq!(json(&out)["sales"][0]["risk"]["risk_level"], "elevated");
    Ok(())
}

/// The reader double's next card or state (`POST /_readers`).
fn reader(gateway: &Localstripe, pki: &TestPki, state: Value) -> TestResult {
    Localstripe::client(pki)?
        .post(format!("{}_readers", gateway.url()))
        .bearer_auth("sk_test_harness0000")
        .json(&state)
        .send()?
        .error_for_status()?;
    Ok(())
}

#[test]
fn card_present_charges_through_the_reader() -> TestResult {
    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = merchant_tests::live_terminal_with(&session, &pki, &gateway, 5_000, 1)?;
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    // Appended under [gateway].
    home.settings(&format!(
        "{settings}reader_id = \"tmr_sim_counter\"\nreader_timeout_ms = 2000\n"
    ))?;
    let s = Some(&session);

    let readers = json(&merchantctl(s, &home, &["--json", "gateway", "readers"])?);
    assert_eq!(readers["readers"][0]["id"], "tmr_sim_counter");
    assert_eq!(readers["readers"][0]["status"], "online");

    let out = merchantctl(s, &home, &["--json", "charge", "12.00"])?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let sale = json(&out)["sale"].clone();
    assert_eq!(
        (sale["status"].as_str(), sale["card"]["last4"].as_str()),
        (Some("approved"), Some("4242"))
    );
    let pi = gateway.intents_for_sale(&pki, sale["id"].as_str().unwrap_or(""))?;
    assert_eq!(pi.len(), 1);
    assert_eq!(pi[0]["status"], "succeeded");

    reader(&gateway, &pki, serde_json::json!({ "card": "declined" }))?;
    let out = merchantctl(s, &home, &["--json", "charge", "13.00"])?;
    assert_eq!(
        out.status.code(),
        Some(11),
        "declined: {}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Nobody taps: the wait runs out, the reader is stopped and the
    // PaymentIntent cancelled, so it can never be charged later.
    reader(&gateway, &pki, serde_json::json!({ "card": "none" }))?;
    let out = merchantctl(s, &home, &["--json", "charge", "14.00"])?;
    assert_eq!(out.status.code(), Some(12), "{}", String::from_utf8_lossy(&out.stdout));
    let sale = json(&out)["sale"].clone();
    assert_eq!(sale["outcome_code"], "reader_timeout");
    let pi = gateway.intents_for_sale(&pki, sale["id"].as_str().unwrap_or(""))?;
    assert_eq!(pi[0]["status"], "canceled");

    reader(
        &gateway,
        &pki,
        serde_json::json!({ "status": "offline", "card": "visa" }),
    )?;
    let out = merchantctl(s, &home, &["--json", "charge", "15.00"])?;
    assert_eq!(out.status.code(), Some(12));
    assert_eq!(json(&out)["sale"]["outcome_code"], "reader_offline");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_at_the_reader_stops_it_and_cancels_the_payment() -> TestResult {
    use merchant_core::gateway::http::HttpConfig;
    use merchant_core::gateway::stripe::{StripeCompat, StripeGateway};
    use merchant_core::gateway::{CaptureMode, ChargeOutcome, ChargeRequest, Gateway, IdempotencyKey, PaymentSource};
    use merchant_core::money::{Currency, MinorUnits, Money};

    let pki = tokio::task::block_in_place(TestPki::new)?;
    let gateway = tokio::task::block_in_place(|| Localstripe::start(&pki, "server"))?;
    tokio::task::block_in_place(|| reader(&gateway, &pki, serde_json::json!({ "card": "none" })))?;
    let mut http = HttpConfig::new(gateway.url());
    http.extra_ca = Some(pki.ca());
    let key = secrecy::SecretString::from("sk_test_merchantterminal01".to_string());
    let stripe = StripeGateway::new(http, key, StripeCompat::default())
        .map_err(|e| e.to_string())?
        .with_reader_wait(std::time::Duration::from_secs(30));
    let sale = merchant_core::store::SaleId::new();
    let request = ChargeRequest {
        sale_id: sale,
        journaled_at_ms: merchant_core::clock::now_ms(),
        by: merchant_core::gateway::Attribution {
            terminal_id: "t-cancel".into(),
            ..Default::default()
        },
        money: Money::new(MinorUnits::new(900), Currency::Usd),
        idempotency_key: IdempotencyKey::generate(),
        source: PaymentSource::Reader {
            reader_id: "tmr_sim_counter".into(),
            test_card: None,
        },
        capture: CaptureMode::Automatic,
        phone_order: false,
        audit_anchor: None,
    };
    let cancel = tokio_util::sync::CancellationToken::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        trigger.cancel();
    });
    let started = std::time::Instant::now();
    let outcome = stripe.charge(&request, cancel).await.map_err(|e| e.to_string())?;
    assert_eq!(outcome, ChargeOutcome::Cancelled);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "the cancel is prompt"
    );
    let pi = tokio::task::block_in_place(|| gateway.intents_for_sale(&pki, &sale.to_string()))?;
    assert_eq!(pi[0]["status"], "canceled", "nothing can confirm it later");
    let reader_state = tokio::task::block_in_place(|| gateway.get(&pki, "v1/terminal/readers/tmr_sim_counter"))?;
    // `cancel_action` answers with the reader's action cleared (the API
    // reference's example); nothing is in progress any more.
    assert_ne!(reader_state["action"]["status"], "in_progress");
    Ok(())
}
