//! "Never twice, never lost" when the network fails part-way: once an
//! attempt may have reached the gateway, only an answer about that request
//! (a success, or a decline the gateway replays for the key) ends the
//! operation. A later 429, TLS failure or 401 says nothing about the first
//! attempt, so the charge, refund, capture or void stays in doubt until the
//! gateway's records settle it. Also: the lookup of an in-doubt charge reads
//! every page of its time window, and hostile answers (huge bodies, lists
//! that never end) stop with a clear error.
//!
//! Every check reads the test gateway's raw records (its own list
//! endpoints), and every scenario asserts that its faults fired.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use merchant_tests::{
    binary, fail, live_terminal_with, merchantctl, KeyringSession, Localstripe, TerminalHome, TestPki, TestResult,
    OWNER, OWNER_PIN,
};
use serde_json::{json, Value};

fn out_json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn shown(out: &std::process::Output) -> String {
    format!(
        "exit {:?}: {} {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The sequences that broke the promise: the first attempt is acted on, the
/// last answer is about something else.
fn sequences(path: &str) -> Vec<(&'static str, Value)> {
    vec![
        (
            "500 after acting, then 429s",
            json!([
                { "path": path, "kind": "status_after", "status": 500 },
                { "path": path, "kind": "status_before", "status": 429 },
                { "path": path, "kind": "status_before", "status": 429 }
            ]),
        ),
        (
            "a timeout after acting, then a refused TLS handshake",
            json!([
                { "path": path, "kind": "delay_after", "ms": 2500, "then": [{ "kind": "tls_refuse" }] }
            ]),
        ),
        (
            "a timeout after acting, then 401",
            json!([
                { "path": path, "kind": "delay_after", "ms": 2500 },
                { "path": path, "kind": "status_before", "status": 401 }
            ]),
        ),
    ]
}

/// How many faults of each kind the gateway applied so far.
fn fired(gw: &Localstripe, pki: &TestPki) -> TestResult<Value> {
    Ok(gw.get(pki, "_faults")?["fired"].clone())
}

/// Checks that every fault queued for a scenario was applied, none left.
fn all_fired(gw: &Localstripe, pki: &TestPki, before: &Value, queued: &Value, what: &str) -> TestResult {
    let after = fired(gw, pki)?;
    let state = gw.get(pki, "_faults")?;
    if state["queued"] != json!(0) {
        return fail(format!("{what}: faults left unfired: {state}"));
    }
    let n = |v: &Value, k: &str| v[k].as_u64().unwrap_or(0);
    // Every fault queued, with those a fault arms when it fires.
    let mut all = Vec::new();
    let mut pending: Vec<Value> = queued.as_array().cloned().unwrap_or_default();
    while let Some(f) = pending.pop() {
        pending.extend(f["then"].as_array().cloned().unwrap_or_default());
        all.push(f);
    }
    for f in &all {
        let kind = f["kind"].as_str().unwrap_or_default();
        let want = all.iter().filter(|g| g["kind"] == kind).count() as u64;
        if n(&after, kind) - n(before, kind) != want {
            return fail(format!(
                "{what}: {kind} fired {} times, queued {want}",
                n(&after, kind) - n(before, kind)
            ));
        }
    }
    Ok(())
}

/// Runs `resolve` until nothing is left in doubt (the gateway may need a
/// moment: a delayed request is still being answered).
fn resolve(session: &KeyringSession, home: &TerminalHome) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let out = merchantctl(Some(session), home, &["--json", "resolve"])?;
        if out.status.code() == Some(0) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return fail(format!("still in doubt: {}", shown(&out)));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn sale(session: &KeyringSession, home: &TerminalHome, id: &str) -> TestResult<Value> {
    let out = merchantctl(Some(session), home, &["--json", "sales", "list"])?;
    out_json(&out)["sales"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["id"] == id)
        .cloned()
        .ok_or_else(|| format!("sale {id} not listed").into())
}

/// The refunds the gateway holds for a PaymentIntent, every page.
fn gateway_refunds(gw: &Localstripe, pki: &TestPki, pi: &str) -> TestResult<Vec<Value>> {
    let mut refunds: Vec<Value> = Vec::new();
    loop {
        let mut path = format!("v1/refunds?payment_intent={pi}&limit=100");
        if let Some(last) = refunds.last().and_then(|r| r["id"].as_str()) {
            path.push_str(&format!("&starting_after={last}"));
        }
        let page = gw.get(pki, &path)?;
        refunds.extend(page["data"].as_array().cloned().unwrap_or_default());
        if page["has_more"].as_bool() != Some(true) {
            return Ok(refunds);
        }
    }
}

fn gateway(max_retries: usize) -> TestResult<(TestPki, Localstripe, KeyringSession, TerminalHome)> {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal_with(&session, &pki, &gw, 1_000, max_retries)?;
    Ok((pki, gw, session, home))
}

fn charge(
    session: &KeyringSession,
    home: &TerminalHome,
    amount: &str,
    manual: bool,
) -> TestResult<std::process::Output> {
    let mut args = vec!["--json", "charge", amount, "--payment-method", "pm_card_visa"];
    if manual {
        args.push("--manual-capture");
    }
    merchantctl(Some(session), home, &args)
}

#[test]
fn a_charge_that_may_have_landed_is_in_doubt_whatever_the_last_answer() -> TestResult {
    let (pki, gw, session, home) = gateway(2)?;
    for (i, (what, faults)) in sequences("/v1/payment_intents").into_iter().enumerate() {
        let before = fired(&gw, &pki)?;
        gw.faults(&pki, faults.clone())?;
        let amount = format!("{}.00", 20 + i);
        let out = charge(&session, &home, &amount, false)?;
        all_fired(&gw, &pki, &before, &faults, what)?;
        let local = out_json(&out)["sale"].clone();
        let id = local["id"].as_str().unwrap_or_default().to_string();
        assert_eq!(local["status"], "in_doubt", "{what}: {}", shown(&out));
        assert_eq!(out.status.code(), Some(13), "{what}: {}", shown(&out));

        // The gateway took the money once; resolving says so.
        resolve(&session, &home)?;
        let at_gateway = gw.intents_for_sale(&pki, &id)?;
        assert_eq!(at_gateway.len(), 1, "{what}: charged {} times", at_gateway.len());
        assert_eq!(at_gateway[0]["status"], "succeeded", "{what}");
        assert_eq!(at_gateway[0]["amount"], json!((20 + i) * 100), "{what}");
        assert_eq!(sale(&session, &home, &id)?["status"], "approved", "{what}");
    }
    Ok(())
}

#[test]
fn a_refund_that_may_have_landed_keeps_its_amount_held() -> TestResult {
    let (pki, gw, session, home) = gateway(2)?;
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    home.settings(&format!(
        "refund_limit_count = 1000\nrefund_limit_major = 100000\n{settings}"
    ))?;
    for (what, faults) in sequences("/v1/refunds") {
        let out = charge(&session, &home, "30.00", false)?;
        assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
        let id = out_json(&out)["sale"]["id"].as_str().unwrap_or_default().to_string();
        let pi = gw.intents_for_sale(&pki, &id)?[0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();

        let before = fired(&gw, &pki)?;
        gw.faults(&pki, faults.clone())?;
        let out = merchantctl(Some(&session), &home, &["--json", "refund", &id, "--amount", "30.00"])?;
        all_fired(&gw, &pki, &before, &faults, what)?;
        assert_eq!(
            out_json(&out)["refund"]["status"],
            "in_doubt",
            "{what}: {}",
            shown(&out)
        );

        // The amount stays held: a second full refund is refused before any
        // request, so the customer cannot be refunded twice.
        let again = merchantctl(Some(&session), &home, &["--json", "refund", &id, "--amount", "30.00"])?;
        assert_ne!(again.status.code(), Some(0), "{what}: {}", shown(&again));
        assert_eq!(gateway_refunds(&gw, &pki, &pi)?.len(), 1, "{what}");

        resolve(&session, &home)?;
        let refunds = gateway_refunds(&gw, &pki, &pi)?;
        assert_eq!(refunds.len(), 1, "{what}: refunded {} times", refunds.len());
        assert_eq!(refunds[0]["amount"], json!(3000), "{what}");
        let db = rusqlite::Connection::open(home.path().join("live/cache.sqlite3"))?;
        let local: i64 = db.query_row(
            "SELECT COUNT(*) FROM refunds WHERE status = 'succeeded' AND amount_minor = 3000 \
             AND sale_id = ?1",
            [&id],
            |r| r.get(0),
        )?;
        assert_eq!(local, 1, "{what}: the local record of the refund");
    }
    Ok(())
}

#[test]
fn a_capture_or_void_that_may_have_landed_stays_pending_until_settled() -> TestResult {
    let (pki, gw, session, home) = gateway(2)?;
    for (op, (what, faults)) in [("capture", "succeeded"), ("void", "canceled")]
        .into_iter()
        .flat_map(|op| sequences("/v1/payment_intents").into_iter().map(move |s| (op, s)))
    {
        let (verb, gateway_status) = op;
        let out = charge(&session, &home, "40.00", true)?;
        assert_eq!(out_json(&out)["sale"]["status"], "authorized", "{}", shown(&out));
        let id = out_json(&out)["sale"]["id"].as_str().unwrap_or_default().to_string();

        let before = fired(&gw, &pki)?;
        gw.faults(&pki, faults.clone())?;
        let out = merchantctl(Some(&session), &home, &["--json", verb, &id])?;
        all_fired(&gw, &pki, &before, &faults, what)?;
        assert_ne!(out.status.code(), Some(0), "{verb}, {what}: {}", shown(&out));

        resolve(&session, &home)?;
        let at_gateway = gw.intents_for_sale(&pki, &id)?;
        assert_eq!(at_gateway.len(), 1);
        assert_eq!(at_gateway[0]["status"], gateway_status, "{verb}, {what}");
        let local = sale(&session, &home, &id)?;
        let want = if verb == "capture" { "approved" } else { "voided" };
        assert_eq!(
            local["status"], want,
            "{verb}, {what}: the cache agrees with the gateway"
        );
    }
    Ok(())
}

#[test]
fn an_in_doubt_charge_older_than_the_newest_two_thousand_is_found() -> TestResult {
    let (pki, gw, session, home) = gateway(1)?;
    let before = fired(&gw, &pki)?;
    let faults = json!([{ "path": "/v1/payment_intents", "kind": "status_after", "status": 500 }]);
    gw.faults(&pki, faults.clone())?;
    let out = charge(&session, &home, "55.00", false)?;
    all_fired(&gw, &pki, &before, &faults, "500 after acting")?;
    assert_eq!(out_json(&out)["sale"]["status"], "in_doubt", "{}", shown(&out));
    let id = out_json(&out)["sale"]["id"].as_str().unwrap_or_default().to_string();

    // A busy account: 2,050 newer PaymentIntents from other tills (a second
    // later, so every one of them sorts before the sale's).
    std::thread::sleep(Duration::from_millis(1_100));
    let client = Localstripe::client(&pki)?;
    for n in 0..2_050 {
        let resp = client
            .post(format!("{}v1/payment_intents", gw.url()))
            .bearer_auth("sk_test_harness0000")
            .form(&[
                ("amount", "100"),
                ("currency", "usd"),
                ("metadata[sale_id]", &format!("other-{n}")),
            ])
            .send()?;
        if !resp.status().is_success() {
            return fail(format!("creating the busy account's payments: {}", resp.status()));
        }
    }
    // Where the sale stands in the gateway's newest-first list.
    let mut position = 0;
    let mut after: Option<String> = None;
    'pages: loop {
        let path = match &after {
            Some(a) => format!("v1/payment_intents?limit=100&starting_after={a}"),
            None => "v1/payment_intents?limit=100".to_string(),
        };
        let page = gw.get(&pki, &path)?;
        let data = page["data"].as_array().cloned().unwrap_or_default();
        for pi in &data {
            if pi["metadata"]["sale_id"] == json!(id) {
                break 'pages;
            }
            position += 1;
        }
        if page["has_more"].as_bool() != Some(true) || data.is_empty() {
            return fail("the sale's PaymentIntent is not at the gateway");
        }
        after = data.last().and_then(|pi| pi["id"].as_str()).map(String::from);
    }
    assert!(position >= 2_000, "the sale is among the newest 2,000 ({position})");

    resolve(&session, &home)?;
    assert_eq!(gw.intents_for_sale(&pki, &id)?.len(), 1);
    assert_eq!(
        sale(&session, &home, &id)?["status"],
        "approved",
        "the charge was found and kept"
    );
    Ok(())
}

/// Runs `merchantctl` as the owner, killed if it outlives `limit`.
fn merchantctl_within(
    session: &KeyringSession,
    home: &TerminalHome,
    args: &[&str],
    limit: Duration,
) -> TestResult<std::process::Output> {
    let mut cmd = Command::new(binary("merchantctl")?);
    session.envs(&mut cmd);
    let mut child = cmd
        .arg("--home")
        .arg(home.path())
        .arg(format!("--staff={OWNER}"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin.write_all(format!("{OWNER_PIN}\n").as_bytes())?;
    }
    let started = Instant::now();
    while child.try_wait()?.is_none() {
        if started.elapsed() > limit {
            child.kill()?;
            child.wait()?;
            return fail(format!("merchantctl {args:?} still running after {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(child.wait_with_output()?)
}

#[test]
fn hostile_answers_stop_with_a_clear_error() -> TestResult {
    let (pki, gw, session, home) = gateway(1)?;
    let today = ["--json", "reconcile"];

    // A list that never ends.
    let before = fired(&gw, &pki)?;
    gw.faults(
        &pki,
        json!([{ "path": "/v1/payment_intents", "method": "GET", "kind": "endless_pages", "repeat": true }]),
    )?;
    let out = merchantctl_within(&session, &home, &today, Duration::from_secs(90))?;
    gw.clear_faults(&pki)?;
    let pages =
        fired(&gw, &pki)?["endless_pages"].as_u64().unwrap_or(0) - before["endless_pages"].as_u64().unwrap_or(0);
    assert!(pages > 1, "the endless list was read ({pages} pages)");
    assert_eq!(out.status.code(), Some(8), "{}", shown(&out));
    let message = out_json(&out)["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("shorter date range"), "{message}");

    // An answer of 100 MiB, with no length announced.
    let faults = json!([{ "path": "/v1/payment_intents", "method": "GET", "kind": "huge_after", "mb": 100 }]);
    let before = fired(&gw, &pki)?;
    gw.faults(&pki, faults.clone())?;
    let out = merchantctl_within(&session, &home, &today, Duration::from_secs(90))?;
    all_fired(&gw, &pki, &before, &faults, "huge list answer")?;
    assert_eq!(out.status.code(), Some(8), "{}", shown(&out));
    let message = out_json(&out)["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("larger than the terminal accepts"), "{message}");

    // A charge whose (acted-on) answer is too large: in doubt, then settled
    // from the gateway's records.
    let faults = json!([{ "path": "/v1/payment_intents", "kind": "huge_after", "mb": 100 }]);
    let before = fired(&gw, &pki)?;
    gw.faults(&pki, faults.clone())?;
    let out = charge(&session, &home, "60.00", false)?;
    all_fired(&gw, &pki, &before, &faults, "huge charge answer")?;
    assert_eq!(out_json(&out)["sale"]["status"], "in_doubt", "{}", shown(&out));
    let id = out_json(&out)["sale"]["id"].as_str().unwrap_or_default().to_string();
    resolve(&session, &home)?;
    assert_eq!(gw.intents_for_sale(&pki, &id)?.len(), 1);
    assert_eq!(sale(&session, &home, &id)?["status"], "approved");
    Ok(())
}

/// A keyed charge of 12.34 USD on a new sale, journaled at `journaled_at_ms`
/// by the till's clock.
fn keyed_charge(journaled_at_ms: i64) -> merchant_core::gateway::ChargeRequest {
    use merchant_core::gateway::{Attribution, CaptureMode, ChargeRequest, IdempotencyKey, PaymentSource};
    use merchant_core::money::{Currency, MinorUnits, Money};
    ChargeRequest {
        sale_id: merchant_core::sale::SaleId::new(),
        journaled_at_ms,
        by: Attribution::default(),
        money: Money::new(MinorUnits::new(1234), Currency::Usd),
        idempotency_key: IdempotencyKey::generate(),
        source: PaymentSource::PaymentMethod {
            id: "pm_card_visa".into(),
        },
        capture: CaptureMode::Automatic,
        phone_order: false,
        audit_anchor: None,
    }
}

/// An interrupted charge is looked up among the PaymentIntents created
/// around the time the till journaled it, by the till's clock; the gateway
/// stamps them by its own. A till whose clock was most of a day off when
/// it journaled (a clock set to local time, a lost battery) must still
/// find a payment the gateway took, or the cashier would be told "not
/// charged" and charge the customer again.
#[test]
fn an_interrupted_charge_is_found_when_the_tills_clock_was_a_day_off() -> TestResult {
    use merchant_core::gateway::ChargeOutcome;

    let pki = TestPki::new()?;
    let gateway = Localstripe::start(&pki, "server")?;
    let mut settings = merchant_core::config::Settings::default().gateway;
    settings.base_url = gateway.url();
    settings.extra_ca = Some(pki.ca().to_path_buf());
    let stripe = merchant_core::gateway::connect(&settings, "sk_test_merchantterminal01".to_string().into())
        .map_err(|e| e.to_string())?;
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis(),
    )?;
    let runtime = tokio::runtime::Runtime::new()?;
    for hours_off in [-20_i64, 20] {
        let request = keyed_charge(now_ms + hours_off * 3_600_000);
        let charged = runtime.block_on(stripe.charge(&request, tokio_util::sync::CancellationToken::new()));
        assert!(matches!(charged, Ok(ChargeOutcome::Approved { .. })), "{charged:?}");
        // The gateway's own record: the payment was taken.
        let raw = gateway.intents_for_sale(&pki, &request.sale_id.to_string())?;
        assert_eq!(raw.len(), 1, "{raw:?}");
        assert_eq!(raw[0]["status"], "succeeded", "{raw:?}");
        let found = runtime.block_on(stripe.find_charge(&request));
        assert!(
            matches!(found, Ok(Some(ChargeOutcome::Approved { .. }))),
            "clock {hours_off} h off: {found:?}"
        );
    }
    // A listing page that does not say whether more pages follow is an
    // unreadable answer, not the end of the list: a charge never sent is
    // then not "not found" (which would read as not charged) but an error,
    // and stays in doubt.
    let never_sent = keyed_charge(now_ms);
    assert!(matches!(runtime.block_on(stripe.find_charge(&never_sent)), Ok(None)));
    gateway.faults(
        &pki,
        json!([{ "path": "/v1/payment_intents", "method": "GET", "kind": "patch_after",
                 "patch": { "has_more": null }, "repeat": true }]),
    )?;
    let found = runtime.block_on(stripe.find_charge(&never_sent));
    let fired = gateway.faults_fired(&pki)?.get("patch_after").copied().unwrap_or(0);
    gateway.clear_faults(&pki)?;
    assert!(fired > 0, "the listing was read");
    assert!(found.is_err(), "{found:?}");
    Ok(())
}
