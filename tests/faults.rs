//! Network faults and crashes between the terminal and the gateway: the
//! real `merchantctl` process, the test gateway (localstripe behind Stripe's
//! idempotency rules and a fault injector) over real TLS.
//!
//! Invariant checked after every scenario: for each sale, the gateway holds
//! at most one PaymentIntent, and the local record says approved exactly
//! when it holds one.

use std::process::{Command, Stdio};
use std::time::Duration;

use merchant_core::crashpoint;
use merchant_tests::{
    binary, live_terminal_with, oracle, summary, KeyringSession, Localstripe, TerminalHome, TestPki, TestResult, OWNER,
    OWNER_PIN,
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

/// Checks the gateway's raw records against the cache file, both ways
/// (see `oracle`); returns (charged, not charged).
fn check_consistent(home: &TerminalHome, gw: &Localstripe, pki: &TestPki) -> TestResult<(usize, usize)> {
    let c = oracle::compare(&gw.records(pki)?, &oracle::local_records(&cache(home))?, None);
    assert!(
        c.violations.is_empty(),
        "the cache and the gateway disagree: {:#?}",
        c.violations
    );
    Ok((c.charged, c.not_charged))
}

fn cache(home: &TerminalHome) -> std::path::PathBuf {
    home.path().join("live/cache.sqlite3")
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
    assert_eq!(check_consistent(&home, &gw, &pki)?, (1, 0));
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
    assert_eq!(check_consistent(&home, &gw, &pki)?, (1, 0));
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
    assert_eq!(check_consistent(&home, &gw, &pki)?, (1, 0));
    Ok(())
}

/// Once the gateway has taken the money, nothing that goes wrong afterwards
/// makes the sale "not charged": not a failed lookup of the card's brand
/// and last 4 (a second request on a new connection, which can be refused),
/// not an acted-on answer the terminal cannot read (a status it does not
/// know). Judged by the gateway's raw records.
#[test]
fn a_charge_the_gateway_took_is_never_recorded_as_not_charged() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let retries = 2;
    let home = live_terminal_with(&session, &pki, &gw, 3_000, retries)?;

    // The charge succeeds; every attempt at reading its card fails.
    let card_lookup_fails: Vec<Value> = (0..=retries)
        .map(|_| json!({ "path": "/v1/payment_methods", "method": "GET", "kind": "status_before", "status": 503 }))
        .collect();
    let before = gw.faults_fired(&pki)?.get("status_before").copied().unwrap_or(0);
    gw.faults(&pki, Value::Array(card_lookup_fails))?;
    let out = charge(&session, &home, "14.00")?;
    gw.clear_faults(&pki)?;
    let fired = gw.faults_fired(&pki)?.get("status_before").copied().unwrap_or(0) - before;
    assert_eq!(fired, retries as u64 + 1, "every card lookup failed");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(out_json(&out)["sale"]["status"], "approved");
    assert_eq!(check_consistent(&home, &gw, &pki)?, (1, 0));

    // The charge succeeds; its answer names a status the terminal does not
    // know. Whether money moved is then unknown: in doubt, then settled from
    // the gateway's own record.
    gw.faults(
        &pki,
        json!([{ "path": "/v1/payment_intents", "kind": "patch_after", "patch": { "status": "settling_somehow" } }]),
    )?;
    let out = charge(&session, &home, "15.00")?;
    assert_eq!(out.status.code(), Some(13), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(out_json(&out)["sale"]["status"], "in_doubt");
    let out = merchantctl(Some(&session), &home, &["--json", "resolve"])?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(check_consistent(&home, &gw, &pki)?, (2, 0));
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
    assert_eq!(check_consistent(&home, &gw, &pki)?, (1, 0));
    Ok(())
}

/// How many kills a crash campaign makes per class: `MERCHANT_CRASH_RUNS`
/// for a longer campaign, else `default`; at least 1, never above `cap`.
/// Under CI the default is the floor.
fn crash_runs(default: u64, cap: u64) -> u64 {
    let asked = std::env::var("MERCHANT_CRASH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    if std::env::var("CI").as_deref() == Ok("true") {
        asked.clamp(default, cap)
    } else {
        asked.clamp(1, cap)
    }
}

/// Where a run is cut: at a named crash point in the process, or once the
/// gateway has acted on a request whose answer it is holding back (a
/// `delay_after` fault that fired, and one more object in the gateway's own
/// list at `list`): sent, not answered.
#[derive(Clone, Copy)]
enum Stop<'a> {
    At(&'a str),
    GatewayActed {
        gw: &'a Localstripe,
        pki: &'a TestPki,
        list: &'a str,
    },
}

/// Runs `merchantctl --staff Owner <args>` (PIN on stdin) and SIGKILLs it
/// exactly at `stop`; an error if it never got there.
fn kill_at(
    session: &KeyringSession,
    home: &TerminalHome,
    ctl: &std::path::Path,
    args: &[&str],
    stop: Stop<'_>,
) -> TestResult {
    let mut child = run_until(session, home, ctl, args, stop)?;
    child.kill()?; // SIGKILL
    child.wait()?;
    Ok(())
}

/// Runs `merchantctl --staff Owner <args>` (PIN on stdin) until it reaches
/// `stop`, and returns it there, alive (a crash point holds it for ever);
/// an error naming how it ended (with its stderr) if it finished first.
fn run_until(
    session: &KeyringSession,
    home: &TerminalHome,
    ctl: &std::path::Path,
    args: &[&str],
    stop: Stop<'_>,
) -> TestResult<std::process::Child> {
    let marks = tempfile::tempdir()?;
    let mark = marks.path().join("reached");
    let stderr_file = marks.path().join("stderr");
    let mut cmd = Command::new(ctl);
    session.envs(&mut cmd);
    if let Stop::At(point) = stop {
        cmd.env("MERCHANT_CRASH_POINT", point).env("MERCHANT_CRASH_MARK", &mark);
    }
    // The gateway holds its answer back; the process must wait for it as
    // long as the gateway holds it, so that the window to kill it in is the
    // gateway's delay and not the short request timeout of the terminal
    // (a loaded machine once missed a one-second window).
    let settings = home.path().join("settings.toml");
    let saved = std::fs::read_to_string(&settings)?;
    let acted = |gw: &Localstripe, pki: &TestPki, list: &str| -> TestResult<(u64, usize)> {
        let fired = gw.faults_fired(pki)?.get("delay_after").copied().unwrap_or(0);
        Ok((fired, gw.list_all(pki, list)?.len()))
    };
    let before = match stop {
        Stop::GatewayActed { gw, pki, list } => {
            home.settings(&saved.replace("request_timeout_ms = ", "request_timeout_ms = 60000\n# was: "))?;
            acted(gw, pki, list)?
        }
        Stop::At(_) => (0, 0),
    };
    let spawned = cmd
        .arg("--home")
        .arg(home.path())
        .args(["--staff", OWNER])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_file)?)
        .spawn();
    let reached = spawned.map_err(Into::into).and_then(|mut child| {
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            stdin.write_all(format!("{OWNER_PIN}\n").as_bytes())?;
        }
        wait_for(&mut child, || {
            Ok(match stop {
                Stop::At(_) => mark.exists(),
                Stop::GatewayActed { gw, pki, list } => {
                    let (fired, listed) = acted(gw, pki, list)?;
                    fired > before.0 && listed > before.1
                }
            })
        })
        .map(|()| child)
    });
    if let Stop::GatewayActed { .. } = stop {
        home.settings(&saved)?;
    }
    reached.map_err(|e| {
        format!(
            "{e}; its stderr: {}",
            std::fs::read_to_string(&stderr_file).unwrap_or_default()
        )
        .into()
    })
}

/// Polls `there` until it holds (Ok), or the child ends or a minute passes
/// (the child is then killed and reaped, and the error says which).
fn wait_for(child: &mut std::process::Child, mut there: impl FnMut() -> TestResult<bool>) -> TestResult {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        if there()? {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            return Err(format!("it ended first ({status})").into());
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            child.wait()?;
            return Err("it did not get there within a minute".into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Restarts until the terminal has settled what the kill left (the
/// in-flight window must pass first). Bounded.
fn resolve(session: &KeyringSession, home: &TerminalHome, what: &str) -> TestResult {
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    loop {
        let out = merchantctl(Some(session), home, &["--json", "resolve"])?;
        if out.status.code() == Some(0) {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(format!(
                "{what}: in-doubt work did not resolve: {}",
                String::from_utf8_lossy(&out.stdout)
            )
            .into());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Every sale in the cache and every refund has an entry of its own on the
/// audit trail (read straight from the terminal's database): those a
/// cashier saw, and those recovery settled after a crash.
fn assert_every_money_record_audited(home: &TerminalHome) -> TestResult {
    let audit = rusqlite::Connection::open_with_flags(
        home.path().join("terminal.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let mut entries: Vec<(Option<String>, Option<String>)> = Vec::new();
    let mut stmt = audit.prepare("SELECT object, detail FROM audit")?;
    for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
        entries.push(row?);
    }
    let cache = rusqlite::Connection::open_with_flags(cache(home), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let ids = |sql: &str| -> TestResult<Vec<String>> {
        let mut stmt = cache.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    for sale in ids("SELECT id FROM sales")? {
        assert!(
            entries.iter().any(|(o, _)| o.as_deref() == Some(sale.as_str())),
            "sale {sale} has no audit entry; sales: {:?}; audit: {:?}",
            ids("SELECT id || ' ' || status || ' ' || COALESCE(outcome_code, '') FROM sales")?,
            {
                let mut stmt = audit.prepare("SELECT seq || ' ' || action || ' ' || COALESCE(object, '-') || ' ' || outcome FROM audit WHERE action IN ('charge', 'resolve_in_doubt')")?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            }
        );
    }
    for refund in ids("SELECT id FROM refunds")? {
        let mark = format!("refund={refund}");
        assert!(
            entries
                .iter()
                .any(|(_, d)| d.as_deref().is_some_and(|d| d.contains(&mark))),
            "refund {refund} has no audit entry"
        );
    }
    Ok(())
}

/// One query's single value, read straight from the cache file.
fn count(db: &std::path::Path, sql: &str) -> TestResult<i64> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

/// Tallies the classes a campaign hit and checks every one occurred.
struct Classes {
    campaign: &'static str,
    expected: Vec<&'static str>,
    hit: std::collections::BTreeMap<&'static str, u64>,
    runs: u64,
}

impl Classes {
    fn new(campaign: &'static str, expected: &[&'static str]) -> Self {
        Self {
            campaign,
            expected: expected.to_vec(),
            hit: Default::default(),
            runs: 0,
        }
    }

    fn add(&mut self, class: &'static str) {
        self.runs += 1;
        *self.hit.entry(class).or_default() += 1;
    }

    fn finish(self) {
        let covered = self.expected.iter().filter(|c| self.hit.contains_key(*c)).count();
        let per: Vec<String> = self.hit.iter().map(|(k, v)| format!("{k}={v}")).collect();
        summary(
            &format!("crash-{}", self.campaign),
            &format!(
                "campaign={} runs={} classes={covered}/{} {}",
                self.campaign,
                self.runs,
                self.expected.len(),
                per.join(" ")
            ),
        );
        assert_eq!(
            covered,
            self.expected.len(),
            "{}: not every crash class occurred: {per:?}",
            self.campaign
        );
    }
}

/// Classifies a charge cut short from the files alone: the newest sale's
/// row as stored, and whether the gateway holds a PaymentIntent for it.
fn charge_class(home: &TerminalHome, gw: &Localstripe, pki: &TestPki) -> TestResult<&'static str> {
    let conn = rusqlite::Connection::open_with_flags(cache(home), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let (id, status): (String, String) = conn.query_row(
        "SELECT id, status FROM sales ORDER BY created_at_ms DESC, rowid DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let at_gateway = gw.intents_for_sale(pki, &id)?;
    let audit = rusqlite::Connection::open_with_flags(
        home.path().join("terminal.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let audited: i64 = audit.query_row("SELECT count(*) FROM audit WHERE object = ?1", [&id], |r| r.get(0))?;
    let at_gateway = at_gateway.first().and_then(|pi| pi["status"].as_str());
    Ok(match (status.as_str(), at_gateway, audited) {
        ("pending", None, _) => "journaled_not_sent",
        ("pending", Some("succeeded"), _) => "charged_not_recorded",
        ("approved", Some("succeeded"), 0) => "recorded_not_audited",
        _ => "other",
    })
}

#[test]
fn sigkill_during_a_charge_never_charges_twice_nor_loses_the_record() -> TestResult {
    let per_class = crash_runs(2, 20);
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    // A short request timeout keeps the in-flight window (and the test) short.
    let home = live_terminal_with(&session, &pki, &gw, 1_000, 1)?;
    let ctl = binary("merchantctl")?;
    let mut classes = Classes::new(
        "charges",
        &[
            "journaled_not_sent",
            "sent_not_answered",
            "answered_not_recorded",
            "recorded_not_audited",
        ],
    );
    for run in 0..per_class * 4 {
        let (wanted, stop) = match run % 4 {
            0 => ("journaled_not_sent", Stop::At(crashpoint::CHARGE_JOURNALED)),
            1 => {
                // Acts, then holds the answer back until the kill.
                gw.faults(
                    &pki,
                    json!([{ "path": "/v1/payment_intents", "kind": "delay_after", "ms": 5000 }]),
                )?;
                (
                    "sent_not_answered",
                    Stop::GatewayActed {
                        gw: &gw,
                        pki: &pki,
                        list: "v1/payment_intents",
                    },
                )
            }
            2 => ("answered_not_recorded", Stop::At(crashpoint::CHARGE_ANSWERED)),
            _ => ("recorded_not_audited", Stop::At(crashpoint::CHARGE_RECORDED)),
        };
        let amount = format!("{}.00", 20 + run);
        let args = ["--json", "charge", &amount, "--payment-method", "pm_card_visa"];
        kill_at(&session, &home, &ctl, &args, stop).map_err(|e| format!("run {run}: never reached {wanted}: {e}"))?;
        gw.clear_faults(&pki)?;
        // What the files say, before anything reads or repairs them.
        let seen = charge_class(&home, &gw, &pki)?;
        let expected = match wanted {
            "journaled_not_sent" | "recorded_not_audited" => wanted,
            _ => "charged_not_recorded",
        };
        assert_eq!(seen, expected, "run {run}: killed at {wanted}, the files show {seen}");
        classes.add(wanted);
        resolve(&session, &home, &format!("run {run}"))?;
        check_consistent(&home, &gw, &pki)?;
    }
    assert_every_money_record_audited(&home)?;
    let (charged, not_charged) = check_consistent(&home, &gw, &pki)?;
    println!("charge crash campaign: {charged} charged, {not_charged} not charged, 0 duplicates, 0 lost records");
    assert_eq!(
        charged as u64,
        per_class * 3,
        "every charge the gateway took is recorded"
    );
    classes.finish();
    Ok(())
}

#[test]
fn sigkill_during_refunds_never_refunds_twice_nor_loses_one() -> TestResult {
    let per_class = crash_runs(2, 20);
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
    let mut sent = 0u64;
    let mut classes = Classes::new(
        "refunds",
        &["journaled_not_sent", "sent_not_answered", "answered_not_recorded"],
    );
    for run in 0..per_class * 3 {
        let (wanted, stop) = match run % 3 {
            0 => ("journaled_not_sent", Stop::At(crashpoint::REFUND_JOURNALED)),
            1 => {
                gw.faults(
                    &pki,
                    json!([{ "path": "/v1/refunds", "kind": "delay_after", "ms": 5000 }]),
                )?;
                (
                    "sent_not_answered",
                    Stop::GatewayActed {
                        gw: &gw,
                        pki: &pki,
                        list: "v1/refunds",
                    },
                )
            }
            _ => ("answered_not_recorded", Stop::At(crashpoint::REFUND_ANSWERED)),
        };
        let args = ["--json", "refund", &sale, "--amount", "5.00"];
        kill_at(&session, &home, &ctl, &args, stop).map_err(|e| format!("run {run}: never reached {wanted}: {e}"))?;
        gw.clear_faults(&pki)?;
        // The files: one refund journaled and unsettled; at the gateway it
        // exists exactly when the kill came after the request.
        let pending = count(&cache(&home), "SELECT count(*) FROM refunds WHERE status = 'pending'")?;
        assert_eq!(
            pending, 1,
            "run {run}: killed at {wanted}, {pending} refunds pending in the file"
        );
        if wanted != "journaled_not_sent" {
            sent += 1;
        }
        let at_gateway = gw.list_all(&pki, "v1/refunds")?.len() as u64;
        assert_eq!(
            at_gateway, sent,
            "run {run}: killed at {wanted}, {at_gateway} refunds at the gateway"
        );
        classes.add(wanted);
        resolve(&session, &home, &format!("run {run}"))?;
        check_consistent(&home, &gw, &pki)?;
    }
    assert_every_money_record_audited(&home)?;
    let records = gw.records(&pki)?;
    let c = oracle::compare(&records, &oracle::local_records(&cache(&home))?, None);
    assert!(c.violations.is_empty(), "{:#?}", c.violations);
    assert_eq!(
        c.refunds as u64,
        per_class * 2,
        "the refunds the gateway made, each once"
    );
    let integrity = count(
        &cache(&home),
        "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'",
    )?;
    assert_eq!(integrity, 0);
    assert_eq!(
        merchantctl(Some(&session), &home, &["audit", "verify"])?.status.code(),
        Some(0),
        "the audit chain verifies after every crash"
    );
    println!(
        "refund crash campaign: {} refunds at the gateway and in the cache, 0 twice, 0 lost",
        c.refunds
    );
    classes.finish();
    Ok(())
}

#[test]
fn sigkill_while_closing_the_day_leaves_whole_numbered_reports() -> TestResult {
    let per_class = crash_runs(3, 50);
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings("[training_reader]\ntap_ms = 10\nslow_ms = 1000\ntimeout_ms = 500\n")?;
    let db = home.path().join("training/cache.sqlite3");
    let ctl = binary("merchantctl")?;
    let mut classes = Classes::new("close", &["not_committed", "committed_not_audited"]);
    for run in 0..per_class * 2 {
        merchantctl(Some(&session), &home, &["--json", "charge", &format!("{}.00", 1 + run)])?;
        let before = count(&db, "SELECT count(*) FROM closings")?;
        let (wanted, point) = if run % 2 == 0 {
            ("not_committed", crashpoint::CLOSE_BEFORE_COMMIT)
        } else {
            ("committed_not_audited", crashpoint::CLOSE_COMMITTED)
        };
        let args = ["--json", "report", "close"];
        kill_at(&session, &home, &ctl, &args, Stop::At(point))
            .map_err(|e| format!("run {run}: never reached {point}: {e}"))?;
        let after = count(&db, "SELECT count(*) FROM closings")?;
        let seen = match after - before {
            0 => "not_committed",
            1 => "committed_not_audited",
            _ => "other",
        };
        assert_eq!(seen, wanted, "run {run}: killed at {point}, the file shows {seen}");
        classes.add(wanted);
    }
    // Whatever was cut off: closings run 1..n with no gap, each whole (its
    // items all there, its hash matching them), and the file intact.
    let integrity = count(
        &db,
        "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'",
    )?;
    assert_eq!(integrity, 0);
    let conn = rusqlite::Connection::open(&db)?;
    let numbers: Vec<i64> = conn
        .prepare("SELECT number FROM closings ORDER BY number")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    assert_eq!(
        numbers,
        (1..=per_class as i64).collect::<Vec<_>>(),
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
    // Every Z report is on the audit trail: those cut off before their entry
    // were recorded as recovered by the next close.
    let out = merchantctl(Some(&session), &home, &["--json", "audit", "show", "--limit", "500"])?;
    let entries = out_json(&out)["entries"].as_array().cloned().unwrap_or_default();
    let audited = |outcome: &str| {
        entries
            .iter()
            .filter(|e| e["action"] == "close_day" && e["outcome"] == outcome)
            .count() as u64
    };
    assert_eq!(audited("ok"), 1, "the one close that finished");
    assert_eq!(audited("recovered"), per_class, "the closes cut off before their entry");
    assert_eq!(
        merchantctl(Some(&session), &home, &["audit", "verify"])?.status.code(),
        Some(0)
    );
    println!("close-of-day crash campaign: {} Z reports, all whole", numbers.len());
    classes.finish();
    Ok(())
}

#[test]
fn sigkill_during_a_cache_key_rotation_loses_nothing_and_resumes() -> TestResult {
    let rounds = crash_runs(2, 20);
    let session = KeyringSession::unlocked()?;
    let home = TerminalHome::new()?;
    home.settings("[training_reader]\ntap_ms = 1\nslow_ms = 1000\ntimeout_ms = 500\n")?;
    for i in 0..12 {
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
    let db = home.path().join("training/cache.sqlite3");
    // The files say how far a rotation got: rows on the current key.
    let resealed = || {
        count(
            &db,
            "SELECT count(*) FROM sales WHERE key_version = (SELECT version FROM cache_keys WHERE state = 'current')",
        )
    };
    let rotating = || count(&db, "SELECT count(*) FROM cache_keys WHERE state = 'retiring'");
    let mut classes = Classes::new("rotation", &["begun", "mid_batches", "resealed_not_retired"]);
    let total = count(&db, "SELECT count(*) FROM sales")?;
    for round in 0..rounds {
        // One rotation cut three times, at each stage, then run to its end.
        let stops = [
            ("begun", crashpoint::ROTATION_BEGUN.to_string()),
            ("mid_batches", format!("{}#{}", crashpoint::ROTATION_BATCH, 3 + round)),
            ("resealed_not_retired", crashpoint::ROTATION_RESEALED.to_string()),
        ];
        for (wanted, point) in &stops {
            let args = ["--json", "keys", "rotate-cache", "--batch", "1"];
            kill_at(&session, &home, &ctl, &args, Stop::At(point))
                .map_err(|e| format!("round {round}: never reached {point}: {e}"))?;
            let done = resealed()?;
            let seen = match (rotating()?, done) {
                (0, _) => "other",
                (_, 0) => "begun",
                (_, n) if n < total => "mid_batches",
                _ => "resealed_not_retired",
            };
            assert_eq!(
                seen, *wanted,
                "round {round}: killed at {point}, the files show {seen} ({done}/{total})"
            );
            classes.add(wanted);
            // Whatever step it was cut at, the file is whole and every record
            // reads as before (with the old key, the new one, or both).
            let integrity = count(
                &db,
                "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'",
            )?;
            assert_eq!(integrity, 0, "round {round}");
            assert_eq!(list()?, before, "round {round}: a record changed or became unreadable");
        }
        // Run to the end: one current key, every other one destroyed, and
        // every sealed value on the current one.
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
        let conn = rusqlite::Connection::open(&db)?;
        let stale: i64 = conn.query_row(
            "SELECT count(*) FROM sales WHERE key_version <> ?1
                OR substr(description, 1, 4) <> ?2 OR substr(gateway_ref, 1, 4) <> ?2",
            rusqlite::params![to, (to as u32).to_le_bytes().to_vec()],
            |r| r.get(0),
        )?;
        assert_eq!(stale, 0, "a value left on an old key");
        assert_eq!(list()?, before);
    }
    assert_eq!(
        merchantctl(Some(&session), &home, &["audit", "verify"])?.status.code(),
        Some(0)
    );
    classes.finish();
    Ok(())
}

/// A second process on the same data folder (a cashier's `merchantctl`, the
/// app restarted beside a stuck one) must leave a payment another process
/// still has in flight alone, even once its in-flight window has passed:
/// settling it as "not charged" would invite a second charge.
#[test]
fn recovery_leaves_a_payment_another_process_has_in_flight_alone() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal_with(&session, &pki, &gw, 1_000, 1)?;
    let ctl = binary("merchantctl")?;
    let args = ["--json", "charge", "31.00", "--payment-method", "pm_card_visa"];
    let mut first = run_until(&session, &home, &ctl, &args, Stop::At(crashpoint::CHARGE_JOURNALED))
        .map_err(|e| format!("the first charge never reached its journal: {e}"))?;
    // Well past the in-flight window (3 s here), another process resolves.
    std::thread::sleep(Duration::from_secs(4));
    let out = merchantctl(Some(&session), &home, &["--json", "resolve"])?;
    let status = newest_status(&home)?;
    let alive = first.try_wait()?.is_none();
    first.kill()?;
    first.wait()?;
    assert!(alive, "the first process was still mid-payment");
    assert_eq!(
        status,
        "pending",
        "recovery settled a payment another process had in flight: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Once that process is gone (killed), recovery settles it: never sent,
    // so not charged.
    resolve(&session, &home, "after the kill")?;
    assert_eq!(newest_status(&home)?, "failed");
    assert_eq!(check_consistent(&home, &gw, &pki)?, (0, 1));
    Ok(())
}

/// The newest sale's status, read from the file.
fn newest_status(home: &TerminalHome) -> TestResult<String> {
    let conn = rusqlite::Connection::open_with_flags(cache(home), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    Ok(conn.query_row(
        "SELECT status FROM sales ORDER BY created_at_ms DESC LIMIT 1",
        [],
        |r| r.get(0),
    )?)
}
