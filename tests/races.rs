//! Limits and sign-in counting under concurrency, and sign-in answers that do
//! not tell who works here: real `merchantctl` processes started together
//! against one data folder, a real keychain and the real database files.

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};

use merchant_tests::{
    binary, fail, live_terminal_with, merchantctl_as, merchantctl_stdin, KeyringSession, Localstripe, TerminalHome,
    TestPki, TestResult,
};
use serde_json::Value;

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

fn code(out: &Output) -> String {
    json(out)["error"]["code"].as_str().unwrap_or("").to_string()
}

fn message(out: &Output) -> String {
    json(out)["error"]["message"].as_str().unwrap_or("").to_string()
}

/// Starts `merchantctl --staff=NAME ARGS` without waiting, `stdin` written.
fn start_as(
    session: &KeyringSession,
    home: &TerminalHome,
    staff: &str,
    stdin: &str,
    args: &[&str],
) -> TestResult<Child> {
    let mut cmd = Command::new(binary("merchantctl")?);
    cmd.arg("--home")
        .arg(home.path())
        .arg(format!("--staff={staff}"))
        .args(args)
        .env_remove("MERCHANT_TERMINAL_HOME")
        .env_remove("MERCHANT_TERMINAL_STAFF");
    session.envs(&mut cmd);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut i) = child.stdin.take() {
        // The child may exit before reading (a refusal): not an error here.
        let _ = i.write_all(stdin.as_bytes());
    }
    Ok(child)
}

/// Starts every run first, then waits for them all.
fn all_at_once(runs: Vec<TestResult<Child>>) -> TestResult<Vec<Output>> {
    let children = runs.into_iter().collect::<TestResult<Vec<_>>>()?;
    children.into_iter().map(|c| Ok(c.wait_with_output()?)).collect()
}

fn count(outs: &[Output], code_wanted: &str) -> usize {
    outs.iter().filter(|o| code(o) == code_wanted).count()
}

fn codes(outs: &[Output]) -> Vec<String> {
    outs.iter().map(code).collect()
}

/// A terminal with an owner and the given staff (name, role, PIN).
fn staffed(session: &KeyringSession, staff: &[(&str, &str, &str)], settings: &str) -> TestResult<TerminalHome> {
    let home = TerminalHome::new()?;
    home.settings(settings)?;
    for (name, role, pin) in staff {
        let out = merchantctl_stdin(
            session,
            &home,
            &["--json", "staff", "add", "--name", name, "--role", role],
            &format!("{pin}\n"),
        )?;
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    }
    Ok(home)
}

/// Moves the sign-in counters' clocks back, as if `ms` had passed (the
/// delays run up to minutes; a test does not wait them out).
fn let_time_pass(home: &TerminalHome, ms: i64) -> TestResult {
    let db = rusqlite::Connection::open(home.path().join("terminal.sqlite3"))?;
    db.busy_timeout(std::time::Duration::from_secs(10))?;
    // Where this version keeps the counters, and where the first schema did.
    for (table, statement) in [
        (
            "pin_failures",
            "UPDATE pin_failures SET last_failure_ms = last_failure_ms - ?1",
        ),
        ("pin_attempts", "UPDATE pin_attempts SET at_ms = at_ms - ?1"),
        ("staff", "UPDATE staff SET last_failure_ms = last_failure_ms - ?1"),
    ] {
        let exists: i64 = db.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )?;
        if exists == 1 {
            db.execute(statement, [ms])?;
        }
    }
    Ok(())
}

/// A live terminal on the test gateway with these cashiers and limits, and
/// one 50.00 sale taken by the owner. Returns the home and the sale id.
fn live_with_cashiers(
    session: &KeyringSession,
    pki: &TestPki,
    gw: &Localstripe,
    cashiers: &[String],
    limits: &str,
) -> TestResult<(TerminalHome, String)> {
    let home = live_terminal_with(session, pki, gw, 10_000, 2)?;
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    home.settings(&format!("{limits}refund_approval_above_major = 1000\n{settings}"))?;
    for name in cashiers {
        let out = merchantctl_stdin(
            session,
            &home,
            &["--json", "staff", "add", "--name", name, "--role", "cashier"],
            "111111\n",
        )?;
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    }
    let sale = merchantctl_stdin(
        session,
        &home,
        &["--json", "charge", "50.00", "--payment-method", "pm_card_visa"],
        "",
    )?;
    assert_eq!(sale.status.code(), Some(0), "{}", String::from_utf8_lossy(&sale.stdout));
    let id = json(&sale)["sale"]["id"].as_str().unwrap_or_default().to_string();
    Ok((home, id))
}

/// The refunds the gateway holds for a sale (its own records).
fn gateway_refunds(gw: &Localstripe, pki: &TestPki, sale_id: &str) -> TestResult<Vec<i64>> {
    let intents = gw.intents_for_sale(pki, sale_id)?;
    let Some(pi) = intents.first().and_then(|pi| pi["id"].as_str()) else {
        return fail("the sale is not at the gateway");
    };
    let refunds = gw.get(pki, &format!("v1/refunds?payment_intent={pi}&limit=100"))?;
    Ok(refunds["data"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["amount"].as_i64()).collect())
        .unwrap_or_default())
}

/// Eight refunds of 1.00 by each cashier, all processes started together.
fn refund_burst(
    session: &KeyringSession,
    home: &TerminalHome,
    sale: &str,
    cashiers: &[String],
) -> TestResult<Vec<Output>> {
    all_at_once(
        cashiers
            .iter()
            .flat_map(|c| std::iter::repeat_n(c.as_str(), 8))
            .map(|c| {
                start_as(
                    session,
                    home,
                    c,
                    "111111\n",
                    &["--json", "refund", sale, "--amount", "1.00"],
                )
            })
            .collect(),
    )
}

#[test]
fn parallel_refunds_let_exactly_the_limit_through() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let cashiers: Vec<String> = (1..=12).map(|i| format!("Cas{i:02}")).collect();
    let (home, sale) = live_with_cashiers(
        &session,
        &pki,
        &gw,
        &cashiers,
        "refund_limit_count = 1\nrefund_limit_major = 1000\n",
    )?;
    // Four rounds; in each, three cashiers ask for eight refunds each.
    for round in cashiers.chunks(3) {
        let outs = refund_burst(&session, &home, &sale, round)?;
        for (cashier, outs) in round.iter().zip(outs.chunks(8)) {
            let succeeded = outs.iter().filter(|o| o.status.code() == Some(0)).count();
            assert_eq!(
                succeeded,
                1,
                "{cashier}: exactly one refund goes through: {:?}",
                codes(outs)
            );
            assert_eq!(count(outs, "limit_reached"), 7, "{cashier}: {:?}", codes(outs));
            for o in outs.iter().filter(|o| code(o) == "limit_reached") {
                assert_eq!(o.status.code(), Some(4));
                assert!(message(o).contains("limit of 1 refunds"), "{}", message(o));
            }
        }
    }
    // The gateway refunded one 1.00 per cashier, no more.
    assert_eq!(gateway_refunds(&gw, &pki, &sale)?, vec![100; 12]);
    Ok(())
}

#[test]
fn parallel_refunds_stay_within_the_amount_limit() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let cashiers: Vec<String> = (1..=3).map(|i| format!("Cas{i:02}")).collect();
    let (home, sale) = live_with_cashiers(
        &session,
        &pki,
        &gw,
        &cashiers,
        "refund_limit_count = 100\nrefund_limit_major = 3\n",
    )?;
    let outs = refund_burst(&session, &home, &sale, &cashiers)?;
    for (cashier, outs) in cashiers.iter().zip(outs.chunks(8)) {
        let succeeded = outs.iter().filter(|o| o.status.code() == Some(0)).count();
        assert_eq!(succeeded, 3, "{cashier}: 3.00 in 1.00 refunds: {:?}", codes(outs));
        assert_eq!(count(outs, "limit_reached"), 5, "{cashier}: {:?}", codes(outs));
    }
    assert_eq!(gateway_refunds(&gw, &pki, &sale)?, vec![100; 9]);
    Ok(())
}

#[test]
fn parallel_wrong_pins_are_each_counted_up_to_the_lockout() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = staffed(&session, &[("Cas", "cashier", "111111")], "")?;
    home.ensure_owner(Some(&session))?;
    let burst = |n: usize| {
        all_at_once(
            (0..n)
                .map(|_| start_as(&session, &home, "Cas", "000000\n", &["--json", "sales", "list"]))
                .collect(),
        )
    };
    // Eight at once: three are checked (and counted), the rest must wait.
    let outs = burst(8)?;
    assert_eq!(
        (count(&outs, "wrong_pin"), count(&outs, "slow_down")),
        (3, 5),
        "{:?}",
        codes(&outs)
    );
    // Each later burst, once the delay is over, has exactly one PIN checked,
    // until the tenth failure locks the account.
    for failures in 4..=10 {
        let_time_pass(&home, 10 * 60 * 1000)?;
        let outs = burst(4)?;
        if failures < 10 {
            assert_eq!(
                (count(&outs, "wrong_pin"), count(&outs, "slow_down")),
                (1, 3),
                "failure {failures}: {:?}",
                codes(&outs)
            );
        } else {
            assert_eq!(count(&outs, "locked_out"), 4, "failure {failures}: {:?}", codes(&outs));
        }
    }
    let out = merchantctl_as(Some(&session), &home, "Cas", "111111", &["--json", "sales", "list"], "")?;
    assert_eq!(code(&out), "locked_out", "even the right PIN");
    // The trail has every attempt: ten checked and refused, the rest held back.
    let out = merchantctl_as(
        Some(&session),
        &home,
        "Owner",
        "424242",
        &["--json", "audit", "show", "--limit", "500"],
        "",
    )?;
    let entries = json(&out)["entries"].as_array().cloned().unwrap_or_default();
    let denied = entries
        .iter()
        .filter(|e| e["action"] == "pin_failed" && e["outcome"] == "denied")
        .count();
    let locked = entries.iter().filter(|e| e["action"] == "lockout").count();
    assert_eq!(denied + 1, 10, "nine denied, then the lockout");
    assert_eq!(locked, 5, "the locking failure, three behind it and the right PIN");
    Ok(())
}

#[test]
fn the_pin_rate_limit_holds_across_processes() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = staffed(&session, &[], "")?;
    home.ensure_owner(Some(&session))?;
    // 25 names nobody has, one process each, all at once.
    let names: Vec<String> = (0..25).map(|i| format!("Nobody{i:02}")).collect();
    let outs = all_at_once(
        names
            .iter()
            .map(|n| start_as(&session, &home, n, "000000\n", &["--json", "sales", "list"]))
            .collect(),
    )?;
    assert_eq!(
        (count(&outs, "wrong_pin"), count(&outs, "slow_down")),
        (20, 5),
        "{:?}",
        codes(&outs)
    );
    for o in outs.iter().filter(|o| code(o) == "slow_down") {
        assert!(message(o).contains("on this terminal"), "{}", message(o));
    }
    // The owner's right PIN waits too, in another process still.
    let out = merchantctl_as(
        Some(&session),
        &home,
        "Owner",
        "424242",
        &["--json", "sales", "list"],
        "",
    )?;
    assert_eq!(code(&out), "slow_down");
    let_time_pass(&home, 61_000)?;
    let out = merchantctl_as(
        Some(&session),
        &home,
        "Owner",
        "424242",
        &["--json", "sales", "list"],
        "",
    )?;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    Ok(())
}

/// One sign-in's answer: exit status, error code and message with the
/// numbers (seconds or minutes left, which depend on timing) left out.
fn answer(out: &Output) -> (Option<i32>, String, String) {
    let text: String = message(out).chars().filter(|c| !c.is_ascii_digit()).collect();
    (out.status.code(), code(out), text)
}

#[test]
fn unknown_disabled_and_known_names_answer_alike() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = staffed(
        &session,
        &[
            ("Cas", "cashier", "111111"),
            ("Dis", "cashier", "333333"),
            ("Dee", "cashier", "444444"),
        ],
        "",
    )?;
    // Disabled as the owner's staff screen does (the CLI has no command).
    let db = rusqlite::Connection::open(home.path().join("terminal.sqlite3"))?;
    db.execute("UPDATE staff SET active = 0 WHERE name IN ('Dis', 'Dee')", [])?;
    drop(db);

    // Each: three quick tries, a fourth too soon, then tries after the delay
    // until the lockout, and one more.
    let sequence = |name: &str, pin: &str| -> TestResult<Vec<(Option<i32>, String, String)>> {
        let mut answers = Vec::new();
        for attempt in 1..=12 {
            if attempt > 4 {
                let_time_pass(&home, 10 * 60 * 1000)?;
            }
            let out = merchantctl_as(Some(&session), &home, name, pin, &["--json", "sales", "list"], "")?;
            answers.push(answer(&out));
        }
        Ok(answers)
    };
    let known = sequence("Cas", "000000")?;
    let words: Vec<&str> = known.iter().map(|a| a.1.as_str()).collect();
    assert_eq!(
        words,
        [
            "wrong_pin",
            "wrong_pin",
            "wrong_pin",
            "slow_down",
            "wrong_pin",
            "wrong_pin",
            "wrong_pin",
            "wrong_pin",
            "wrong_pin",
            "wrong_pin",
            "locked_out",
            "locked_out"
        ]
    );
    for (name, pin) in [("Ghost", "000000"), ("Dis", "000000"), ("Dee", "444444")] {
        let answers = sequence(name, pin)?;
        if answers != known {
            return fail(format!("{name} answers {answers:?}, a known name {known:?}"));
        }
    }
    Ok(())
}

#[test]
fn a_disabled_account_with_its_right_pin_answers_like_a_wrong_pin() -> TestResult {
    let session = KeyringSession::unlocked()?;
    let home = staffed(
        &session,
        &[("Cas", "cashier", "111111"), ("Dis", "cashier", "333333")],
        "",
    )?;
    let db = rusqlite::Connection::open(home.path().join("terminal.sqlite3"))?;
    db.execute("UPDATE staff SET active = 0 WHERE name = 'Dis'", [])?;
    drop(db);
    let wrong = merchantctl_as(Some(&session), &home, "Cas", "000000", &["--json", "sales", "list"], "")?;
    let right = merchantctl_as(Some(&session), &home, "Dis", "333333", &["--json", "sales", "list"], "")?;
    assert_eq!(code(&wrong), "wrong_pin");
    assert_eq!(right.status.code(), wrong.status.code());
    assert_eq!(
        String::from_utf8_lossy(&right.stdout),
        String::from_utf8_lossy(&wrong.stdout),
        "the same answer"
    );
    assert_eq!(
        String::from_utf8_lossy(&right.stderr),
        String::from_utf8_lossy(&wrong.stderr)
    );
    Ok(())
}

#[test]
fn the_charge_rate_limit_holds_across_processes() -> TestResult {
    let pki = TestPki::new()?;
    let gw = Localstripe::start(&pki, "server")?;
    let session = KeyringSession::unlocked()?;
    let home = live_terminal_with(&session, &pki, &gw, 10_000, 2)?;
    let settings = std::fs::read_to_string(home.path().join("settings.toml"))?;
    home.settings(&format!("charges_per_minute = 4\n{settings}"))?;
    let charge = ["--json", "charge", "1.00", "--payment-method", "pm_card_visa"];
    // One charge first (it also creates the live cache), then six at once.
    let first = merchantctl_stdin(&session, &home, &charge, "")?;
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stdout)
    );
    let outs = all_at_once(
        (0..6)
            .map(|_| start_as(&session, &home, "Owner", "424242\n", &charge))
            .collect(),
    )?;
    let said: Vec<String> = outs.iter().map(|o| format!("{} {}", code(o), message(o))).collect();
    // Exactly three get past the terminal's limit, whichever process runs them.
    assert_eq!(count(&outs, "limit_reached"), 3, "{said:?}");
    for o in outs.iter().filter(|o| code(o) == "limit_reached") {
        assert!(message(o).contains("More than 4 charges a minute"), "{}", message(o));
    }
    let charged = outs.iter().filter(|o| o.status.code() == Some(0)).count();
    assert!(charged <= 3, "{said:?}");
    // The gateway holds one PaymentIntent per charge that went through.
    let all = gw.get(&pki, "v1/payment_intents?limit=100")?;
    assert_eq!(all["data"].as_array().map_or(0, Vec::len), 1 + charged, "{said:?}");
    Ok(())
}
