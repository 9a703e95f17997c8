//! A card charge as a cashier's press costs it: through `Terminal::charge`
//! (permission check, rate limit, journal, HTTPS with retries, settle,
//! sealing, the audit append and its durable commit) from a signed-in
//! cashier, against a raw `reqwest` POST of the same PaymentIntent to the
//! same local gateway over the same TLS.
//!
//! The terminal needs the real keychain, so the measuring runs in a child
//! process started inside a private keychain session; the parent sets up
//! the gateway, the data folder and the cashier, and reads the figures back.

use std::hint::black_box;
use std::time::Instant;

use merchant_core::config::Home;
use merchant_core::counter::ChargeInput;
use merchant_core::gateway::{CaptureMode, IdempotencyKey};
use merchant_core::store::SaleStatus;
use merchant_core::terminal::Terminal;
use merchant_tests::{KeyringSession, Localstripe, TerminalHome, TestPki};

use crate::figure::{fail, ok, quantile, Report, Target, ROUNDS};

const CHARGES_PER_ROUND: usize = 40;
const KEY: &str = "sk_test_merchantterminal01";
const CASHIER: &str = "Bench Cashier";
const CASHIER_PIN: &str = "735190";

pub fn run(report: &mut Report) {
    // The test gateway reports each charge's card as Stripe does, so the
    // terminal makes the one request it would make against Stripe
    // (tests/gateway/localstripe_launcher.py).
    std::env::set_var("LOCALSTRIPE_CARD_DETAILS", "1");
    let pki = ok("test certificates", TestPki::new());
    let gw = ok(
        "the test gateway (run scripts/setup)",
        Localstripe::start(&pki, "server"),
    );
    let session = ok("keychain session", KeyringSession::unlocked());
    let home = ok("data folder", TerminalHome::new());
    // A bench runs more charges a minute than a shop would allow.
    ok(
        "settings",
        home.settings(&format!(
            "mode = \"live\"\ncharges_per_minute = 1000000\n[gateway]\nbase_url = \"{}\"\nextra_ca = \"{}\"\n",
            gw.url(),
            pki.ca().display()
        )),
    );
    let set_key = ok(
        "set the gateway key",
        merchant_tests::merchantctl_stdin(&session, &home, &["--json", "gateway", "set-key"], &format!("{KEY}\n")),
    );
    let add = ok(
        "add a cashier",
        merchant_tests::merchantctl_stdin(
            &session,
            &home,
            &["--json", "staff", "add", "--name", CASHIER, "--role", "cashier"],
            &format!("{CASHIER_PIN}\n"),
        ),
    );
    for out in [&set_key, &add] {
        if out.status.code() != Some(0) {
            fail("merchantctl", String::from_utf8_lossy(&out.stdout).into_owned());
        }
    }
    let exe = ok("this program", std::env::current_exe());
    let mut cmd = std::process::Command::new(exe);
    session.envs(&mut cmd);
    let out = ok(
        "the measuring process",
        cmd.args(["roundtrip-child", &gw.url()])
            .arg(home.path())
            .arg(pki.ca())
            .stderr(std::process::Stdio::inherit())
            .output(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let figures: Vec<f64> = text
        .lines()
        .find_map(|l| l.strip_prefix("roundtrip "))
        .map(|l| l.split_whitespace().filter_map(|v| v.parse().ok()).collect())
        .unwrap_or_default();
    let [o50, b50, o99, b99, samples] = figures[..] else {
        fail("the measuring process's figures", text.into_owned())
    };
    report.add(
        format!("charge round trip p50 ({samples} charges each way), signed-in cashier to audited sale"),
        (o50, b50),
        "raw reqwest POST, same gateway and TLS",
        "ms",
        Target::Above(5.0),
    );
    report.add(
        format!("charge round trip p99 ({samples} charges each way)"),
        (o99, b99),
        "raw reqwest POST",
        "ms",
        Target::Above(15.0),
    );
}

/// The measuring side, inside the keychain session: `url home ca`.
pub fn child(args: &[String]) {
    let [url, home, ca] = args else {
        fail("roundtrip-child arguments", "url home ca")
    };
    let rt = ok(
        "runtime",
        tokio::runtime::Builder::new_multi_thread().enable_all().build(),
    );
    let raw = crate::figure::raw_client(ca);
    let endpoint = format!("{url}v1/payment_intents");
    let (ours, base) = rt.block_on(async {
        let terminal = ok("open the terminal", Terminal::open(Home::at(home)).await);
        let pin = secrecy::SecretString::from(CASHIER_PIN.to_string());
        let cashier = ok("sign in", terminal.sign_in(CASHIER, &pin));
        let charge = || async {
            let sale = ok("charge", terminal.charge(&cashier, charge_input()).await);
            if sale.status != SaleStatus::Approved {
                fail("an approved charge", format!("{:?}", sale.status));
            }
            black_box(sale);
        };
        // Warm both connection pools first.
        charge().await;
        raw_charge(&raw, &endpoint).await;
        // One charge each way, alternately, so both see the same moment of
        // a noisy machine; every charge is one sample.
        let (mut ours, mut base) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS * CHARGES_PER_ROUND {
            let t = Instant::now();
            charge().await;
            ours.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            raw_charge(&raw, &endpoint).await;
            base.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        (ours, base)
    });
    println!(
        "roundtrip {} {} {} {} {}",
        quantile(&ours, 0.5),
        quantile(&base, 0.5),
        quantile(&ours, 0.99),
        quantile(&base, 0.99),
        ours.len()
    );
}

fn charge_input() -> ChargeInput {
    ChargeInput {
        amount: "12.50".into(),
        currency: None,
        description: Some("2 lattes".into()),
        simulated_card: None,
        payment_method: Some("pm_card_visa".into()),
        capture: CaptureMode::Automatic,
        phone_order: false,
        staff_id: None,
        audit_anchor: None,
    }
}

/// The same PaymentIntent, confirmed, as the terminal sends it: the same
/// fields, with metadata of the same shape (a sale id, the terminal's id
/// and an audit head).
async fn raw_charge(client: &reqwest::Client, url: &str) {
    let sale_id = uuid::Uuid::now_v7().to_string();
    let terminal_id = uuid::Uuid::now_v7().to_string();
    let audit_head = format!("42:{}", "ab".repeat(32));
    let form = [
        ("amount", "1250"),
        ("currency", "usd"),
        ("capture_method", "automatic"),
        ("metadata[sale_id]", sale_id.as_str()),
        ("metadata[terminal_id]", terminal_id.as_str()),
        ("metadata[audit_head]", audit_head.as_str()),
        ("payment_method", "pm_card_visa"),
        ("payment_method_types[]", "card"),
        ("confirm", "true"),
        ("expand[]", "latest_charge"),
    ];
    let answer = client
        .post(url)
        .bearer_auth(KEY)
        .header("Idempotency-Key", IdempotencyKey::generate().as_str())
        .form(&form)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status);
    let body = ok("raw charge", answer);
    let json: serde_json::Value = ok("raw charge answer", body.json().await);
    if json["status"] != "succeeded" {
        fail("a succeeded PaymentIntent", json["status"].to_string());
    }
}
