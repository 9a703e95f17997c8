//! The card reader path through the real parts: `merchantctl` in live mode
//! with a reader configured, against the test gateway's Terminal double over
//! TLS (tests/gateway/README.md says what the double models), the key in a
//! real keychain. Every outcome is checked against the gateway's own records.
//!
//! The promise under test is the keyed path's: a customer who tapped is never
//! recorded as not charged, and what the terminal records as not charged can
//! no longer be charged.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use merchant_tests::{
    binary, fail, live_terminal_with, merchantctl, oracle, pdf_text, KeyringSession, Localstripe, TerminalHome,
    TestPki, TestResult, OWNER, OWNER_PIN,
};
use serde_json::{json, Value};

const READER: &str = "tmr_sim_counter";

fn out_json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn text(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A live till using the double's reader, waiting `wait_ms` for a card.
fn reader_till(
    session: &KeyringSession,
    pki: &TestPki,
    gw: &Localstripe,
    wait_ms: u64,
    retries: usize,
) -> TestResult<TerminalHome> {
    let home = live_terminal_with(session, pki, gw, 5_000, retries)?;
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    // Appended under [gateway], the file's last table.
    home.settings(&format!(
        "{settings}reader_id = \"{READER}\"\nreader_timeout_ms = {wait_ms}\n"
    ))?;
    Ok(home)
}

/// Scripts the double's reader and its customer (`POST /_readers`).
fn script(gw: &Localstripe, pki: &TestPki, state: Value) -> TestResult {
    Localstripe::client(pki)?
        .post(format!("{}_readers", gw.url()))
        .bearer_auth("sk_test_harness0000")
        .json(&state)
        .send()?
        .error_for_status()?;
    Ok(())
}

/// The reader and the log of what terminals asked of it (`GET /_readers`).
fn reader_log(gw: &Localstripe, pki: &TestPki) -> TestResult<Value> {
    gw.get(pki, "_readers")
}

/// The one PaymentIntent the gateway holds for a sale.
fn only_intent(gw: &Localstripe, pki: &TestPki, sale: &Value) -> TestResult<Value> {
    let id = sale["id"].as_str().unwrap_or_default();
    let found = gw.intents_for_sale(pki, id)?;
    if found.len() != 1 {
        return fail(format!("sale {id}: {} PaymentIntents at the gateway", found.len()));
    }
    // Read it again by id, with its charge.
    let pi = found[0]["id"].as_str().unwrap_or_default();
    gw.get(pki, &format!("v1/payment_intents/{pi}?expand[]=latest_charge"))
}

fn charge(session: &KeyringSession, home: &TerminalHome, args: &[&str]) -> TestResult<std::process::Output> {
    let mut full = vec!["--json", "charge"];
    full.extend_from_slice(args);
    merchantctl(Some(session), home, &full)
}

/// `merchantctl --json charge …` started in the background (PIN on stdin).
fn spawn_charge(session: &KeyringSession, home: &TerminalHome, amount: &str) -> TestResult<Child> {
    let mut cmd = Command::new(binary("merchantctl")?);
    session.envs(&mut cmd);
    let mut child = cmd
        .arg("--home")
        .arg(home.path())
        .arg(format!("--staff={OWNER}"))
        .args(["--json", "charge", amount])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin.write_all(format!("{OWNER_PIN}\n").as_bytes())?;
    }
    Ok(child)
}

/// Waits until the reader works on a payment; returns its PaymentIntent id.
fn wait_for_action(gw: &Localstripe, pki: &TestPki, not: Option<&str>) -> TestResult<String> {
    let until = Instant::now() + Duration::from_secs(20);
    while Instant::now() < until {
        let r = reader_log(gw, pki)?;
        let action = &r["reader"]["action"];
        if action["status"] == "in_progress" {
            let pi = action["process_payment_intent"]["payment_intent"]
                .as_str()
                .unwrap_or_default();
            if Some(pi) != not {
                return Ok(pi.to_string());
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    fail("the reader never received a payment")
}

/// Waits until `n` payments were handed to the reader.
fn wait_for_handoffs(gw: &Localstripe, pki: &TestPki, n: usize) -> TestResult {
    let until = Instant::now() + Duration::from_secs(20);
    while Instant::now() < until {
        if reader_log(gw, pki)?["log"]["process"].as_array().map_or(0, Vec::len) >= n {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    fail("the payment never reached the gateway's reader endpoint")
}

/// `terminal_reader_timeout` means the reader did not answer Stripe
/// in time, not that it did not take the card.
#[test]
fn a_reader_timeout_after_delivery_then_a_tap_is_never_recorded_as_not_charged() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = reader_till(&session, &pki, &gw, 8_000, 1)?;

    // The action reached the reader although Stripe answered with a timeout;
    // the customer taps a moment later.
    script(
        &gw,
        &pki,
        json!({ "card": "visa", "process": ["timeout_delivered"], "tap_after_ms": 1500 }),
    )?;
    let out = charge(&session, &home, &["21.00"])?;
    let sale = out_json(&out)["sale"].clone();
    let status = sale["status"].as_str().unwrap_or_default();
    assert!(
        matches!(status, "approved" | "in_doubt"),
        "a customer who tapped was recorded {status}: {}",
        text(&out)
    );
    let pi = only_intent(&gw, &pki, &sale)?;
    assert_eq!(pi["status"], "succeeded", "the gateway took the money");
    if status == "approved" {
        assert_eq!(sale["card"]["last4"], "4242");
    }

    // The same timeout when the reader never got the action: nothing is
    // taken, and the PaymentIntent is cancelled so no reader can take it later.
    script(
        &gw,
        &pki,
        json!({ "card": "none", "process": ["timeout_undelivered"], "tap_after_ms": null }),
    )?;
    let out = charge(&session, &home, &["22.00"])?;
    let sale = out_json(&out)["sale"].clone();
    assert_eq!(sale["status"], "failed", "{}", text(&out));
    assert_eq!(
        only_intent(&gw, &pki, &sale)?["status"],
        "canceled",
        "recorded not charged, so it must not be chargeable"
    );
    Ok(())
}

/// The reads during the wait are GETs; losing some of them says
/// nothing about the card.
#[test]
fn failed_and_slow_reads_during_the_wait_keep_waiting() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = reader_till(&session, &pki, &gw, 20_000, 1)?;
    // A physical reader: the customer taps by themselves, after the reads failed.
    script(
        &gw,
        &pki,
        json!({ "card": "visa", "device_type": "bbpos_wisepos_e", "tap_after_ms": 4000 }),
    )?;
    let reader_path = format!("/v1/terminal/readers/{READER}");
    let get = |kind: &str, status: u16| json!({ "path": reader_path, "method": "GET", "kind": kind, "status": status, "ms": 1500 });
    let pi_get = |status: u16| json!({ "path": "/v1/payment_intents/pi_", "method": "GET", "kind": "status_before", "status": status });
    gw.faults(
        &pki,
        json!([
            get("status_before", 503),
            get("status_before", 503),
            get("status_before", 429),
            get("status_before", 429),
            get("delay_before", 0),
            get("status_before", 502),
            get("status_before", 503),
            pi_get(503),
            pi_get(503),
            pi_get(429),
        ]),
    )?;
    let out = charge(&session, &home, &["31.00"])?;
    let sale = out_json(&out)["sale"].clone();
    let status = sale["status"].as_str().unwrap_or_default();
    assert!(
        matches!(status, "approved" | "in_doubt"),
        "lost reads recorded a tapped card as {status}: {}",
        text(&out)
    );
    gw.clear_faults(&pki)?;
    assert_eq!(only_intent(&gw, &pki, &sale)?["status"], "succeeded");
    Ok(())
}

/// The tapped payment, read back with a status this terminal does not
/// know: whether money moved is unknown, so the sale is in doubt (never
/// "not charged") until the gateway's own record settles it.
#[test]
fn a_tapped_payment_whose_record_cannot_be_read_is_in_doubt_never_not_charged() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = reader_till(&session, &pki, &gw, 20_000, 1)?;
    let unreadable = json!({
        "path": "/v1/payment_intents/pi_", "method": "GET", "kind": "patch_after",
        "patch": { "status": "settling_somehow" }, "repeat": true,
    });
    gw.faults(&pki, json!([unreadable]))?;
    let out = charge(&session, &home, &["32.00"])?;
    let fired = gw.faults_fired(&pki)?.get("patch_after").copied().unwrap_or(0);
    gw.clear_faults(&pki)?;
    assert!(fired > 0, "the payment was read back");
    let sale = out_json(&out)["sale"].clone();
    assert_eq!(sale["status"], "in_doubt", "{}", text(&out));
    assert_eq!(only_intent(&gw, &pki, &sale)?["status"], "succeeded");
    let out = merchantctl(Some(&session), &home, &["--json", "resolve"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // The gateway's raw records against the cache file: charged on both.
    let check = oracle::compare(
        &gw.records(&pki)?,
        &oracle::local_records(&home.path().join("live/cache.sqlite3"))?,
        None,
    );
    assert!(check.violations.is_empty(), "{:#?}", check.violations);
    assert_eq!((check.charged, check.not_charged), (1, 0));
    Ok(())
}

/// A card read while the terminal cancels wins, and is recorded.
#[test]
fn a_tap_racing_the_cancel_is_recorded_approved() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = reader_till(&session, &pki, &gw, 2_000, 1)?;
    // Nobody taps until the wait runs out; the reader refuses the cancel
    // because a card is being read, and the payment lands just before the
    // PaymentIntent's cancel.
    script(&gw, &pki, json!({ "card": "none", "race_cancel": true }))?;
    let out = charge(&session, &home, &["41.00"])?;
    let sale = out_json(&out)["sale"].clone();
    let pi = only_intent(&gw, &pki, &sale)?;
    assert_eq!(pi["status"], "succeeded", "the tap won at the gateway");
    assert_eq!(
        sale["status"],
        "approved",
        "charged at the gateway, so it must be recorded approved: {}",
        text(&out)
    );
    Ok(())
}

/// Two tills share a reader. The second is told the reader is busy
/// (and its payment cancelled); neither ever cancels the other's payment.
#[test]
fn a_second_till_is_told_reader_busy_and_no_till_cancels_anothers_payment() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let first = reader_till(&session, &pki, &gw, 8_000, 1)?;
    let second = reader_till(&session, &pki, &gw, 12_000, 1)?;
    script(&gw, &pki, json!({ "card": "none", "device_type": "bbpos_wisepos_e" }))?;

    let waiting = spawn_charge(&session, &first, "51.00")?;
    let first_pi = wait_for_action(&gw, &pki, None)?;
    let out = charge(&session, &second, &["52.00"])?;
    let busy = out_json(&out)["sale"].clone();
    assert_eq!(
        (busy["status"].as_str(), busy["outcome_code"].as_str()),
        (Some("failed"), Some("reader_busy")),
        "{}",
        text(&out)
    );
    assert_eq!(
        only_intent(&gw, &pki, &busy)?["status"],
        "canceled",
        "recorded not charged, so it must not be chargeable"
    );
    let first_out = waiting.wait_with_output()?;
    assert_eq!(out_json(&first_out)["sale"]["outcome_code"], "reader_timeout");
    let log = reader_log(&gw, &pki)?;
    assert_eq!(
        log["log"]["cancelled"],
        json!([first_pi]),
        "each till cancels only its own"
    );

    // The first till's action never reaches the reader (timeout before
    // delivery); meanwhile the second till's payment takes the reader. The
    // first till must leave it alone.
    script(
        &gw,
        &pki,
        json!({ "card": "visa", "process": ["timeout_undelivered"], "tap_after_ms": 5000, "reset": true }),
    )?;
    let waiting = spawn_charge(&session, &first, "53.00")?;
    wait_for_handoffs(&gw, &pki, 1)?;
    let out = charge(&session, &second, &["54.00"])?;
    let first_out = waiting.wait_with_output()?;
    let paid = out_json(&out)["sale"].clone();
    assert_eq!(paid["status"], "approved", "{}", text(&out));
    let paid_pi = only_intent(&gw, &pki, &paid)?;
    assert_eq!(paid_pi["status"], "succeeded");
    let lost = out_json(&first_out)["sale"].clone();
    let lost_pi = only_intent(&gw, &pki, &lost)?;
    assert_eq!(
        (lost["status"].as_str(), lost_pi["status"].as_str()),
        (Some("failed"), Some("canceled")),
        "{}",
        text(&first_out)
    );
    let log = reader_log(&gw, &pki)?;
    assert_eq!(
        log["log"]["cancelled"],
        json!([]),
        "no till cancelled another's payment"
    );
    assert!(
        !log["log"]["cancel_action"]
            .as_array()
            .is_some_and(|c| c.contains(&paid_pi["id"])),
        "the first till asked to cancel the second till's payment: {log}"
    );
    Ok(())
}

/// A failure on the reader itself (the customer cancelled there).
#[test]
fn a_customer_cancel_on_the_reader_is_recorded_cancelled_and_the_payment_cancelled() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = reader_till(&session, &pki, &gw, 10_000, 1)?;
    script(&gw, &pki, json!({ "card": "none", "customer_cancel_after_ms": 800 }))?;
    let out = charge(&session, &home, &["61.00"])?;
    let sale = out_json(&out)["sale"].clone();
    assert_eq!(sale["status"], "cancelled", "{}", text(&out));
    assert_eq!(out.status.code(), Some(12));
    let pi = only_intent(&gw, &pki, &sale)?;
    assert_eq!(pi["status"], "canceled", "nothing can confirm it later");
    Ok(())
}

/// Card-present declines reach the cashier with their reason.
#[test]
fn card_present_declines_are_mapped_to_their_reasons() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = reader_till(&session, &pki, &gw, 8_000, 1)?;
    let cases = [
        ("insufficient_funds", "insufficient_funds", "insufficient funds"),
        ("expired_card", "expired_card", "expired"),
        ("incorrect_pin", "incorrect_pin", "PIN"),
        ("pin_try_exceeded", "incorrect_pin", "PIN"),
        ("offline_pin_required", "pin_required", "insert"),
        ("online_or_offline_pin_required", "pin_required", "insert"),
        ("lost_card", "lost_card", "Declined by the card issuer"),
        ("generic_decline", "generic_decline", "Declined by the card issuer"),
    ];
    for (card, code, words) in cases {
        script(&gw, &pki, json!({ "card": card }))?;
        let out = charge(&session, &home, &["71.00"])?;
        let sale = out_json(&out)["sale"].clone();
        assert_eq!(out.status.code(), Some(11), "{card}: {}", text(&out));
        assert_eq!(sale["status"], "declined", "{card}");
        assert_eq!(sale["outcome_code"], code, "{card}");
        let message = sale["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{card}: {message}");
        // What the gateway recorded, read independently.
        let pi = only_intent(&gw, &pki, &sale)?;
        assert_eq!(pi["last_payment_error"]["decline_code"], card);
        assert_eq!(pi["status"], "requires_payment_method", "{card}: not charged");
    }
    Ok(())
}

/// The test helper that presents a card is for simulated readers
/// only; a physical reader in test mode waits for a real card.
#[test]
fn a_physical_reader_is_never_presented_a_simulated_card() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = reader_till(&session, &pki, &gw, 10_000, 1)?;
    script(
        &gw,
        &pki,
        json!({ "card": "mastercard", "device_type": "bbpos_wisepos_e", "tap_after_ms": 1200 }),
    )?;
    let out = charge(&session, &home, &["81.00"])?;
    let sale = out_json(&out)["sale"].clone();
    assert_eq!(sale["status"], "approved", "{}", text(&out));
    assert_eq!(sale["card"]["last4"], "4444", "the customer's own card");
    assert_eq!(reader_log(&gw, &pki)?["log"]["present"], 0);

    // A simulated reader is still presented the test card.
    script(
        &gw,
        &pki,
        json!({ "card": "visa", "device_type": "simulated_wisepos_e", "tap_after_ms": null }),
    )?;
    let out = charge(&session, &home, &["82.00"])?;
    assert_eq!(out_json(&out)["sale"]["status"], "approved", "{}", text(&out));
    assert_eq!(reader_log(&gw, &pki)?["log"]["present"], 1);
    Ok(())
}

/// The wait backs off instead of reading the reader every 400 ms.
#[test]
fn the_reader_wait_backs_off() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = reader_till(&session, &pki, &gw, 8_000, 1)?;
    script(&gw, &pki, json!({ "card": "none" }))?;
    let out = charge(&session, &home, &["91.00"])?;
    assert_eq!(
        out_json(&out)["sale"]["outcome_code"],
        "reader_timeout",
        "{}",
        text(&out)
    );
    let reads = reader_log(&gw, &pki)?["log"]["reads"].as_u64().unwrap_or(u64::MAX);
    // Eight seconds at a fixed 400 ms would be 20 reads.
    assert!(reads <= 10, "{reads} reads of the reader in an 8 s wait");
    Ok(())
}

/// Reader authorisations lapse at `capture_before`.
#[test]
fn a_reader_authorisation_is_captured_in_part_and_refused_after_its_deadline() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = reader_till(&session, &pki, &gw, 8_000, 1)?;
    let s = Some(&session);

    script(&gw, &pki, json!({ "card": "visa" }))?;
    let out = charge(&session, &home, &["12.00", "--manual-capture"])?;
    let tab = out_json(&out)["sale"].clone();
    assert_eq!(tab["status"], "authorized", "{}", text(&out));
    let pi = only_intent(&gw, &pki, &tab)?;
    let deadline = pi["latest_charge"]["payment_method_details"]["card_present"]["capture_before"]
        .as_i64()
        .unwrap_or(0);
    assert_eq!(
        tab["capture_before_ms"].as_i64(),
        Some(deadline * 1000),
        "the deadline is shown"
    );
    let id = tab["id"].as_str().unwrap_or_default();
    let out = merchantctl(s, &home, &["--json", "capture", id, "--amount", "7.50"])?;
    assert_eq!(out_json(&out)["sale"]["status"], "approved", "{}", text(&out));
    assert_eq!(out_json(&out)["sale"]["captured_minor"], 750);
    assert_eq!(only_intent(&gw, &pki, &tab)?["amount_received"], 750);

    // An authorisation whose deadline is close carries a warning, and one
    // past it is refused with a clear message, before any request.
    script(&gw, &pki, json!({ "card": "visa", "capture_window_s": 2 }))?;
    let out = charge(&session, &home, &["13.00", "--manual-capture"])?;
    let tab = out_json(&out)["sale"].clone();
    assert_eq!(tab["status"], "authorized", "{}", text(&out));
    let warning = tab["capture_warning"].as_str().unwrap_or_default();
    assert!(warning.contains("Capture"), "{}", text(&out));
    std::thread::sleep(Duration::from_millis(3_000));
    let id = tab["id"].as_str().unwrap_or_default();
    let out = merchantctl(s, &home, &["--json", "capture", id])?;
    assert_eq!(out_json(&out)["error"]["code"], "capture_expired", "{}", text(&out));
    let message = out_json(&out)["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("expired"), "{message}");
    // The gateway cancels an authorisation nobody captured in time; the
    // terminal learns it at its next start and records the sale as voided.
    assert_eq!(
        only_intent(&gw, &pki, &tab)?["status"],
        "canceled",
        "nothing was captured; the gateway let the authorisation lapse"
    );
    let listed = out_json(&merchantctl(s, &home, &["--json", "sales", "list"])?);
    let shown = listed["sales"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["id"] == id).cloned())
        .unwrap_or(Value::Null);
    assert_eq!(shown["status"], "voided", "{shown}");
    assert_eq!(shown["outcome_code"], "authorisation_expired", "{shown}");
    Ok(())
}

/// SIGKILL while the reader waits: recovery stops the reader's action and
/// cancels the payment; nothing is charged twice.
#[test]
fn sigkill_during_the_reader_wait_stops_the_reader_on_recovery() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = reader_till(&session, &pki, &gw, 60_000, 1)?;
    script(&gw, &pki, json!({ "card": "none" }))?;
    let mut child = spawn_charge(&session, &home, "101.00")?;
    let pi = wait_for_action(&gw, &pki, None)?;
    child.kill()?; // SIGKILL
    child.wait()?;

    // The next start settles the interrupted sale.
    let out = merchantctl(Some(&session), &home, &["--json", "sales", "list"])?;
    let sales = out_json(&out)["sales"].as_array().cloned().unwrap_or_default();
    assert_eq!(sales.len(), 1, "{}", text(&out));
    let log = reader_log(&gw, &pki)?;
    assert_eq!(
        log["log"]["cancelled"],
        json!([pi]),
        "the reader stopped prompting: {log}"
    );
    assert!(log["reader"]["action"]["status"] != "in_progress");
    let at_gateway = gw.get(&pki, &format!("v1/payment_intents/{pi}"))?;
    assert_eq!(at_gateway["status"], "canceled", "no reader can charge it any more");
    assert!(
        matches!(sales[0]["status"].as_str(), Some("cancelled" | "failed")),
        "{}",
        sales[0]
    );

    // A card presented now charges nothing; a new sale is one payment.
    script(&gw, &pki, json!({ "card": "visa" }))?;
    let out = charge(&session, &home, &["102.00"])?;
    assert_eq!(out_json(&out)["sale"]["status"], "approved", "{}", text(&out));
    assert_eq!(
        gw.intents_for_sale(&pki, sales[0]["id"].as_str().unwrap_or_default())?
            .len(),
        1
    );
    assert_eq!(gw.get(&pki, &format!("v1/payment_intents/{pi}"))?["status"], "canceled");
    Ok(())
}

#[test]
fn a_reader_sale_is_refunded_in_part_then_in_full() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = reader_till(&session, &pki, &gw, 8_000, 1)?;
    let s = Some(&session);
    script(&gw, &pki, json!({ "card": "visa" }))?;
    let out = charge(&session, &home, &["20.00"])?;
    let sale = out_json(&out)["sale"].clone();
    assert_eq!(sale["status"], "approved", "{}", text(&out));
    let id = sale["id"].as_str().unwrap_or_default();
    let pi = only_intent(&gw, &pki, &sale)?;
    assert_eq!(pi["payment_method_types"], json!(["card_present"]));

    let out = merchantctl(s, &home, &["--json", "refund", id, "--amount", "5.00"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(out_json(&out)["refund"]["refundable_display"], "$15.00");
    let out = merchantctl(s, &home, &["--json", "refund", id])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(out_json(&out)["refund"]["amount_display"], "$15.00");
    let out = merchantctl(s, &home, &["--json", "refund", id, "--amount", "0.01"])?;
    assert_eq!(out_json(&out)["error"]["code"], "refund_refused");

    let pi_id = pi["id"].as_str().unwrap_or_default();
    let refunds = gw.get(&pki, &format!("v1/refunds?payment_intent={pi_id}"))?;
    let mut amounts: Vec<i64> = refunds["data"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["amount"].as_i64()).collect())
        .unwrap_or_default();
    amounts.sort_unstable();
    assert_eq!(amounts, vec![500, 1500]);
    Ok(())
}

/// A reader payment's receipt carries every field the card networks ask
/// for, as the gateway reported it: each value is read from the gateway's
/// own record of the payment and looked for on the PDF. A card verified by
/// signature puts a signature line on the merchant copy only.
#[test]
fn a_reader_receipt_prints_the_card_networks_fields_the_gateway_reported() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = reader_till(&session, &pki, &gw, 8_000, 1)?;
    script(
        &gw,
        &pki,
        json!({ "card": "mastercard", "read_method": "contact_emv", "cvm": "signature" }),
    )?;
    let out = charge(&session, &home, &["20.00"])?;
    let sale = out_json(&out)["sale"].clone();
    assert_eq!(sale["status"], "approved", "{}", text(&out));
    let id = sale["id"].as_str().unwrap_or_default();
    let pi = only_intent(&gw, &pki, &sale)?;
    let emv = &pi["latest_charge"]["payment_method_details"]["card_present"]["receipt"];
    let mut expected = Vec::new();
    for field in [
        "application_preferred_name",
        "dedicated_file_name",
        "authorization_code",
        "authorization_response_code",
    ] {
        match emv[field].as_str() {
            Some(v) => expected.push(v.to_string()),
            None => return fail(format!("the gateway reported no {field}: {pi}")),
        }
    }
    // In words: the account type capitalised, the read method and the
    // verification method named.
    let account = emv["account_type"].as_str().unwrap_or_default();
    expected.push(account[..1].to_uppercase() + &account[1..]);
    expected.extend(["Chip".to_string(), "Signature".to_string()]);

    for merchant in [false, true] {
        let pdf = home.path().join(format!("receipt-{merchant}.pdf"));
        let path = pdf.display().to_string();
        let mut args = vec!["receipt", id, "--pdf", &path];
        if merchant {
            args.push("--merchant");
        }
        let out = merchantctl(Some(&session), &home, &args)?;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let printed = pdf_text(&std::fs::read(&pdf)?);
        for value in &expected {
            assert!(
                printed.contains(value.as_str()),
                "{value} is not on the receipt: {printed}"
            );
        }
        assert_eq!(
            printed.contains("Cardholder signature"),
            merchant,
            "a signature line on the merchant copy only: {printed}"
        );
    }
    Ok(())
}

/// Canadian card-present payments need Interac, which the reader
/// path does not support: CAD is refused there before anything is sent.
#[test]
fn cad_on_the_reader_is_refused_with_a_clear_message() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = reader_till(&session, &pki, &gw, 8_000, 1)?;
    let out = charge(&session, &home, &["10.00", "--currency", "CAD"])?;
    assert_eq!(out_json(&out)["error"]["code"], "invalid_input", "{}", text(&out));
    let message = out_json(&out)["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("Interac"), "{message}");
    assert_eq!(
        reader_log(&gw, &pki)?["log"]["process"],
        json!([]),
        "nothing reached the reader"
    );
    let pis = gw.get(&pki, "v1/payment_intents?limit=100")?;
    assert_eq!(pis["data"], json!([]), "nothing reached the gateway");
    // Keyed CAD payments are unaffected.
    let out = charge(
        &session,
        &home,
        &["10.00", "--currency", "CAD", "--payment-method", "pm_card_visa"],
    )?;
    assert_eq!(out_json(&out)["sale"]["status"], "approved", "{}", text(&out));
    Ok(())
}
