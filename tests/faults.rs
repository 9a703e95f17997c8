//! Network faults and crashes between the terminal and the gateway: the
//! real `merchantctl` process, the test gateway (localstripe behind Stripe's
//! idempotency rules and a fault injector) over real TLS.
//!
//! Invariant checked after every scenario: for each sale, the gateway holds
//! at most one PaymentIntent, and the local record says approved exactly
//! when it holds one.

use std::process::{Command, Stdio};
use std::time::Duration;

use merchant_tests::{
    binary, live_terminal_with, KeyringSession, Localstripe, TerminalHome, TestPki, TestResult, OWNER, OWNER_PIN,
};
use serde_json::{json, Value};

/// `merchantctl` as the owner, waiting out a sign-in delay as a person
/// would. A SIGKILL during a sign-in counts as a failed PIN (killing
/// processes must not buy free guesses), so after a few kills the owner is
/// asked to wait before the next sign-in; the right PIN then clears it.
fn merchantctl(
    session: Option<&KeyringSession>,
    home: &TerminalHome,
    args: &[&str],
) -> TestResult<std::process::Output> {
    let mut out = merchant_tests::merchantctl(session, home, args)?;
    // A sign-in killed mid-check holds its place for up to a minute.
    for wait_s in [3, 5, 9, 17, 30, 30] {
        let told_to_wait = serde_json::from_slice::<Value>(&out.stdout)
            .map(|v| v["error"]["code"] == "slow_down")
            .unwrap_or(false)
            || String::from_utf8_lossy(&out.stdout).contains("wait");
        if !told_to_wait || out.status.code() != Some(12) {
            break;
        }
        std::thread::sleep(Duration::from_secs(wait_s));
        out = merchant_tests::merchantctl(session, home, args)?;
    }
    Ok(out)
}

fn out_json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// Checks the invariant for every sale of `home`; returns (approved, not charged).
fn check_consistent(
    session: &KeyringSession,
    home: &TerminalHome,
    gw: &Localstripe,
    pki: &TestPki,
) -> TestResult<(usize, usize)> {
    let out = merchantctl(Some(session), home, &["--json", "sales", "list"])?;
    let sales = out_json(&out)["sales"].as_array().cloned().unwrap_or_default();
    let (mut approved, mut not_charged) = (0, 0);
    for s in &sales {
        let id = s["id"].as_str().unwrap_or_default();
        let at_gateway = gw.intents_for_sale(pki, id)?;
        assert!(
            at_gateway.len() <= 1,
            "sale {id} was charged {} times",
            at_gateway.len()
        );
        let status = s["status"].as_str().unwrap_or_default();
        match (status, at_gateway.len()) {
            ("approved", 1) => approved += 1,
            ("failed" | "cancelled" | "declined", 0) => not_charged += 1,
            other => panic!("sale {id}: local {other:?} disagrees with the gateway"),
        }
    }
    Ok((approved, not_charged))
}

fn charge(session: &KeyringSession, home: &TerminalHome, amount: &str) -> TestResult<std::process::Output> {
    merchantctl(
        Some(session),
        home,
        &["--json", "charge", amount, "--payment-method", "pm_card_visa"],
    )
}

#[test]
fn a_reset_after_the_gateway_acted_is_retried_with_the_same_key() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal_with(&session, &pki, &gw, 3_000, 3)?;
    gw.faults(&pki, json!([{ "path": "/v1/payment_intents", "kind": "reset_after" }]))?;
    let out = charge(&session, &home, "10.00")?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(check_consistent(&session, &home, &gw, &pki)?, (1, 0));
    Ok(())
}

#[test]
fn rate_limits_and_5xx_before_acting_are_retried() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal_with(&session, &pki, &gw, 3_000, 3)?;
    gw.faults(
        &pki,
        json!([
            { "path": "/v1/payment_intents", "kind": "status_before", "status": 429 },
            { "path": "/v1/payment_intents", "kind": "status_before", "status": 503 }
        ]),
    )?;
    let out = charge(&session, &home, "11.00")?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(check_consistent(&session, &home, &gw, &pki)?, (1, 0));
    Ok(())
}

#[test]
fn a_5xx_after_acting_leaves_the_sale_in_doubt_until_resolved() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal_with(&session, &pki, &gw, 3_000, 2)?;
    // Stripe saves a 500 for the key: every retry replays it.
    gw.faults(
        &pki,
        json!([{ "path": "/v1/payment_intents", "kind": "status_after", "status": 500 }]),
    )?;
    let out = charge(&session, &home, "12.00")?;
    assert_eq!(out.status.code(), Some(13), "{}", String::from_utf8_lossy(&out.stdout));
    let sale = out_json(&out)["sale"].clone();
    assert_eq!(sale["status"], "in_doubt");
    assert!(sale["message"].as_str().unwrap_or("").contains("Do not charge again"));

    // While the gateway cannot be asked, the sale stays in doubt and no new
    // charge is taken (every start-up tries to resolve it first).
    let lookups_fail: Vec<Value> = (0..6)
        .map(|_| json!({ "path": "/v1/payment_intents", "method": "GET", "kind": "status_before", "status": 503 }))
        .collect();
    gw.faults(&pki, Value::Array(lookups_fail))?;
    let out = charge(&session, &home, "1.00")?;
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(out_json(&out)["error"]["code"], "in_doubt");
    gw.clear_faults(&pki)?;

    // Resolving looks the PaymentIntent up by the sale id in its metadata.
    let out = merchantctl(Some(&session), &home, &["--json", "resolve"])?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(check_consistent(&session, &home, &gw, &pki)?, (1, 0));
    Ok(())
}

#[test]
fn a_hanging_gateway_gives_a_clear_answer_and_no_double_charge() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal_with(&session, &pki, &gw, 800, 1)?;
    // Acts, then holds the answer past the client's timeout, twice.
    gw.faults(
        &pki,
        json!([
            { "path": "/v1/payment_intents", "kind": "delay_after", "ms": 2000 },
            { "path": "/v1/payment_intents", "kind": "delay_after", "ms": 2000 }
        ]),
    )?;
    let out = charge(&session, &home, "13.00")?;
    let status = out_json(&out)["sale"]["status"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(status == "in_doubt" || status == "approved", "got {status}");
    std::thread::sleep(Duration::from_millis(500));
    let out = merchantctl(Some(&session), &home, &["--json", "resolve"])?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(check_consistent(&session, &home, &gw, &pki)?, (1, 0));
    Ok(())
}

/// How many kills a crash campaign makes: `MERCHANT_CRASH_RUNS` for a longer
/// campaign, else `default`; never above `cap` (each run adds records).
fn crash_runs(default: u64, cap: u64) -> u64 {
    std::env::var("MERCHANT_CRASH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
        .min(cap)
}

/// Small seeded generator so a failing schedule can be replayed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

/// Runs `merchantctl --staff Owner <args>` (PIN on stdin) and kills it with
/// SIGKILL after `after`. True if it was still running: killed mid-flight.
fn kill_after(
    session: &KeyringSession,
    home: &TerminalHome,
    ctl: &std::path::Path,
    args: &[&str],
    after: Duration,
) -> TestResult<bool> {
    let mut cmd = Command::new(ctl);
    session.envs(&mut cmd);
    let mut child = cmd
        .arg("--home")
        .arg(home.path())
        .args(["--staff", OWNER])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin.write_all(format!("{OWNER_PIN}\n").as_bytes())?;
    }
    std::thread::sleep(after);
    let running = child.try_wait()?.is_none();
    child.kill()?; // SIGKILL
    child.wait()?;
    Ok(running)
}

#[test]
fn sigkill_during_a_charge_never_charges_twice_nor_loses_the_record() -> TestResult {
    let runs = crash_runs(12, u64::MAX);
    let seed: u64 = std::env::var("MERCHANT_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_261_128);
    let mut rng = Lcg(seed);
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    // A short request timeout keeps the in-flight window (and the test) short.
    let home = live_terminal_with(&session, &pki, &gw, 1_000, 1)?;
    let ctl = binary("merchantctl")?;
    let mut killed_mid_flight = 0;
    for run in 0..runs {
        // The gateway is slow either before it acts or after.
        let kind = if rng.next(2) == 0 {
            "delay_before"
        } else {
            "delay_after"
        };
        gw.faults(
            &pki,
            json!([{ "path": "/v1/payment_intents", "kind": kind, "ms": 700 }]),
        )?;
        let amount = format!("{}.00", 20 + run);
        let args = ["--json", "charge", &amount, "--payment-method", "pm_card_visa"];
        if kill_after(&session, &home, &ctl, &args, Duration::from_millis(150 + rng.next(700)))? {
            killed_mid_flight += 1;
        }
        // Clear any fault the killed run did not consume.
        gw.clear_faults(&pki)?;
        // Restart until everything is settled (the in-flight window must pass).
        let mut settled = false;
        for _ in 0..40 {
            let out = merchantctl(Some(&session), &home, &["--json", "resolve"])?;
            if out.status.code() == Some(0) {
                settled = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        assert!(settled, "run {run} (seed {seed}): in-doubt work did not resolve");
    }
    let (approved, not_charged) = check_consistent(&session, &home, &gw, &pki)?;
    println!(
        "crash campaign: {runs} runs (seed {seed}), {killed_mid_flight} killed mid-flight; \
         {approved} approved, {not_charged} not charged, 0 duplicates, 0 lost records"
    );
    assert!(killed_mid_flight > 0, "the schedule never hit an in-flight charge");
    Ok(())
}

#[test]
fn sigkill_during_refunds_never_refunds_twice_nor_loses_one() -> TestResult {
    let runs = crash_runs(10, 150);
    let seed: u64 = std::env::var("MERCHANT_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_261_128);
    let mut rng = Lcg(seed ^ 0x5eed);
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal_with(&session, &pki, &gw, 1_000, 1)?;
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    // A manager refunds without approval; no daily cap gets in the way.
    home.settings(&format!(
        "refund_limit_count = 1000\nrefund_limit_major = 100000\n{settings}"
    ))?;
    let sale = out_json(&charge(&session, &home, "1000.00")?)["sale"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let ctl = binary("merchantctl")?;
    let mut killed_mid_flight = 0;
    for _ in 0..runs {
        let kind = if rng.next(2) == 0 {
            "delay_before"
        } else {
            "delay_after"
        };
        gw.faults(&pki, json!([{ "path": "/v1/refunds", "kind": kind, "ms": 700 }]))?;
        let args = ["--json", "refund", &sale, "--amount", "5.00"];
        if kill_after(&session, &home, &ctl, &args, Duration::from_millis(150 + rng.next(700)))? {
            killed_mid_flight += 1;
        }
        gw.clear_faults(&pki)?;
        let mut settled = false;
        for _ in 0..40 {
            if merchantctl(Some(&session), &home, &["--json", "resolve"])?
                .status
                .code()
                == Some(0)
            {
                settled = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        assert!(settled, "seed {seed}: an in-doubt refund did not resolve");
    }
    // At the gateway: at most one refund per refund id. Locally: the same
    // refunds, nothing in doubt, the file intact and the audit chain whole.
    let pi = gw.intents_for_sale(&pki, &sale)?;
    let mut refunds: Vec<Value> = Vec::new();
    loop {
        let mut path = format!(
            "v1/refunds?payment_intent={}&limit=100",
            pi[0]["id"].as_str().unwrap_or("")
        );
        if let Some(last) = refunds.last().and_then(|r| r["id"].as_str()) {
            path.push_str(&format!("&starting_after={last}"));
        }
        let page = gw.get(&pki, &path)?;
        refunds.extend(page["data"].as_array().cloned().unwrap_or_default());
        if page["has_more"].as_bool() != Some(true) {
            break;
        }
    }
    let mut ids: Vec<&str> = refunds
        .iter()
        .filter_map(|r| r["metadata"]["refund_id"].as_str())
        .collect();
    let at_gateway = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), at_gateway, "a refund was made twice");
    let reconciled = merchantctl(Some(&session), &home, &["--json", "reconcile"])?;
    assert_eq!(
        out_json(&reconciled)["reconciliation"]["mismatches"],
        json!([]),
        "the cache and the gateway disagree"
    );
    let db = rusqlite::Connection::open(home.path().join("live/cache.sqlite3"))?;
    let integrity: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    assert_eq!(integrity, "ok");
    let local: i64 = db.query_row("SELECT COUNT(*) FROM refunds WHERE status = 'succeeded'", [], |r| {
        r.get(0)
    })?;
    assert_eq!(usize::try_from(local).unwrap_or(0), at_gateway, "a refund was lost");
    assert_eq!(
        merchantctl(Some(&session), &home, &["audit", "verify"])?.status.code(),
        Some(0),
        "the audit chain verifies after every crash"
    );
    println!(
        "refund crash campaign: {runs} runs (seed {seed}), {killed_mid_flight} killed mid-flight; \
         {at_gateway} refunds at the gateway and in the cache, 0 twice, 0 lost"
    );
    assert!(killed_mid_flight > 0, "the schedule never hit an in-flight refund");
    Ok(())
}

#[test]
fn sigkill_while_closing_the_day_leaves_whole_numbered_reports() -> TestResult {
    let runs = crash_runs(15, 200);
    let mut rng = Lcg(20_261_128 ^ 0xc105e);
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings("[training_reader]\ntap_ms = 10\nslow_ms = 1000\ntimeout_ms = 500\n")?;
    let ctl = binary("merchantctl")?;
    let mut killed = 0;
    for run in 0..runs {
        merchantctl(Some(&session), &home, &["--json", "charge", &format!("{}.00", 1 + run)])?;
        let args = ["--json", "report", "close"];
        if kill_after(&session, &home, &ctl, &args, Duration::from_millis(rng.next(400)))? {
            killed += 1;
        }
    }
    // Whatever was cut off: closings run 1..n with no gap, each whole (its
    // items all there, its hash matching them), and the file intact.
    let db = rusqlite::Connection::open(home.path().join("training/cache.sqlite3"))?;
    let integrity: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    assert_eq!(integrity, "ok");
    let numbers: Vec<i64> = db
        .prepare("SELECT number FROM closings ORDER BY number")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    assert_eq!(
        numbers,
        (1..=numbers.len() as i64).collect::<Vec<_>>(),
        "numbered without gaps"
    );
    for n in &numbers {
        let out = merchantctl(Some(&session), &home, &["--json", "report", "z", &n.to_string()])?;
        let z = out_json(&out);
        assert_eq!(z["z_report"]["number"], *n);
        assert_eq!(z["discrepancies"], json!([]), "Z {n} matches what it covered");
    }
    let closed = merchantctl(Some(&session), &home, &["--json", "report", "close"])?;
    assert_eq!(out_json(&closed)["z_report"]["number"], numbers.len() as i64 + 1);
    assert_eq!(
        merchantctl(Some(&session), &home, &["audit", "verify"])?.status.code(),
        Some(0)
    );
    println!(
        "close-of-day crash campaign: {runs} runs, {killed} killed before finishing; {} Z reports, all whole",
        numbers.len()
    );
    Ok(())
}

#[test]
fn sigkill_during_a_cache_key_rotation_loses_nothing_and_resumes() -> TestResult {
    let runs = crash_runs(10, 200);
    let mut rng = Lcg(20_261_128 ^ 0x7e4e7);
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings("[training_reader]\ntap_ms = 1\nslow_ms = 1000\ntimeout_ms = 500\n")?;
    for i in 0..30 {
        merchantctl(
            Some(&session),
            &home,
            &[
                "--json",
                "charge",
                &format!("{}.25", 1 + i),
                "--description",
                &format!("order {i}"),
            ],
        )?;
    }
    let list = || -> TestResult<Value> {
        let out = merchantctl(Some(&session), &home, &["--json", "sales", "list"])?;
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
        Ok(out_json(&out)["sales"].clone())
    };
    let before = list()?;
    let ctl = binary("merchantctl")?;
    let cache = home.path().join("training/cache.sqlite3");
    let mut killed = 0;
    for run in 0..runs {
        let args = ["--json", "keys", "rotate-cache", "--batch", "1"];
        if kill_after(&session, &home, &ctl, &args, Duration::from_millis(rng.next(700)))? {
            killed += 1;
        }
        // Whatever step it was cut at, the file is whole and every record
        // reads as before (with the old key, the new one, or both).
        let db = rusqlite::Connection::open(&cache)?;
        let integrity: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        assert_eq!(integrity, "ok", "run {run}");
        assert_eq!(list()?, before, "run {run}: a record changed or became unreadable");
    }
    // A last rotation run to the end: one current key, every other one
    // destroyed, and every sealed value on the current one.
    let out = merchantctl(Some(&session), &home, &["--json", "keys", "rotate-cache"])?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let to = out_json(&out)["rotation"]["to"].as_u64().unwrap_or(0);
    let out = merchantctl(Some(&session), &home, &["--json", "keys", "status"])?;
    for k in out_json(&out)["keys"].as_array().cloned().unwrap_or_default() {
        let expected = if k["version"].as_u64() == Some(to) {
            "current"
        } else {
            "destroyed"
        };
        assert_eq!(k["state"], expected, "{k}");
    }
    let db = rusqlite::Connection::open(&cache)?;
    let stale: i64 = db.query_row(
        "SELECT count(*) FROM sales WHERE key_version <> ?1
            OR substr(description, 1, 4) <> ?2 OR substr(gateway_ref, 1, 4) <> ?2",
        rusqlite::params![to, (to as u32).to_le_bytes().to_vec()],
        |r| r.get(0),
    )?;
    assert_eq!(stale, 0, "a value left on an old key");
    assert_eq!(list()?, before);
    assert_eq!(
        merchantctl(Some(&session), &home, &["audit", "verify"])?.status.code(),
        Some(0)
    );
    println!("key rotation crash campaign: {runs} runs, {killed} killed mid-rotation; finished at v{to}, nothing lost");
    assert!(killed > 0, "the schedule never hit a running rotation");
    Ok(())
}
